/*
 * run.c: `tcpsm run [options] FILE...`: packetdrill scripts against tcpsm
 * (src/script).
 *
 * Implementation notes:
 * - One line per file: "PASS FILE (...)", or the failure ("FILE:LINE:
 *   expected ... but tcpsm sent ...", then the last packets) and "FAIL
 *   FILE"; with more than one file, a summary "N passed, N failed".
 * - Exit status: 0 every script passed; 1 a script failed; 2 a script
 *   could not be parsed or read, or a usage error.
 * - --coverage adds the line "coverage: N of M cells of
 *   spec/transitions.def" over all the files run (with -v, the cells not
 *   taken).
 * - Header options this runner does not know are reported once per run.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "script.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: tcpsm run [-v] [--profile rfc|freebsd|linux] [-D NAME[=VALUE]]...\n"
            "                 [--coverage] FILE...\n");
}

int run_main(int argc, char **argv)
{
    static struct script_options o;
    static bool rows[256];
    static char *seen[64];
    unsigned nseen = 0;
    bool coverage = false;
    int i, nfiles = 0, status = 0;
    unsigned passed = 0, failed = 0;
    char **files = calloc((size_t)argc + 1u, sizeof *files);
    if (files == NULL) {
        fprintf(stderr, "tcpsm run: out of memory\n");
        return 1;
    }
    memset(&o, 0, sizeof o);
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o.verbose = true;
        } else if (strcmp(a, "--coverage") == 0) {
            coverage = true;
        } else if (strcmp(a, "--profile") == 0 || strncmp(a, "--profile=", 10) == 0) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || !script_profile_parse(v, &o.profile)) {
                fprintf(stderr, "tcpsm run: --profile takes rfc, freebsd or linux\n");
                free(files);
                return CLI_USAGE;
            }
        } else if (strncmp(a, "-D", 2) == 0) {
            char *d = a[2] ? (char *)a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            char *eq;
            if (d == NULL || *d == '\0' || *d == '=') {
                fprintf(stderr, "tcpsm run: -D takes NAME or NAME=VALUE\n");
                free(files);
                return CLI_USAGE;
            }
            if (o.ndef == SCRIPT_MAX_DEFINES) {
                fprintf(stderr, "tcpsm run: at most %d -D definitions\n", SCRIPT_MAX_DEFINES);
                free(files);
                return CLI_USAGE;
            }
            eq = strchr(d, '=');
            if (eq != NULL)
                *eq = '\0';
            o.def[o.ndef].name = d;
            o.def[o.ndef].value = eq ? eq + 1 : NULL;
            o.ndef++;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            run_usage(stdout);
            free(files);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "tcpsm run: unknown option %s\n", a);
            run_usage(stderr);
            free(files);
            return CLI_USAGE;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        run_usage(stderr);
        free(files);
        return CLI_USAGE;
    }
    for (i = 0; i < nfiles; i++) {
        struct script_result *r = calloc(1, sizeof *r);
        unsigned j;
        if (r == NULL) {
            fprintf(stderr, "tcpsm run: out of memory\n");
            free(files);
            return 1;
        }
        script_run_file(files[i], &o, stdout, r);
        if (r->status == SCRIPT_PASS) {
            printf("PASS %s (%u in, %u out, %llu.%06llu s virtual", files[i], r->packets_in,
                   r->packets_out, (unsigned long long)(r->virtual_us / 1000000u),
                   (unsigned long long)(r->virtual_us % 1000000u));
            if (r->skipped > 0)
                printf(", %u skipped", r->skipped);
            printf(")\n");
            passed++;
        } else {
            printf("FAIL %s\n", files[i]);
            failed++;
            if (r->status == SCRIPT_SYNTAX)
                status = 2;
            else if (status == 0)
                status = 1;
        }
        for (j = 0; j < r->nunknown; j++) {
            unsigned k;
            bool dup = false;
            for (k = 0; k < nseen; k++)
                dup |= strcmp(seen[k], r->unknown[j]) == 0;
            if (!dup && nseen < sizeof seen / sizeof seen[0]) {
                size_t n = strlen(r->unknown[j]) + 1;
                seen[nseen] = malloc(n);
                if (seen[nseen] != NULL)
                    memcpy(seen[nseen++], r->unknown[j], n);
                printf("note: header option --%s is not used by tcpsm run\n", r->unknown[j]);
            }
        }
        for (j = 0; j < sizeof rows; j++)
            rows[j] |= r->rows[j];
        free(r);
    }
    if (nfiles > 1)
        printf("%u passed, %u failed\n", passed, failed);
    if (coverage) {
        unsigned n = 0, k;
        for (k = 0; k < tcpsm_nrows && k < sizeof rows; k++)
            n += rows[k];
        printf("coverage: %u of %u cells of spec/transitions.def\n", n, (unsigned)tcpsm_nrows);
        if (o.verbose)
            for (k = 0; k < tcpsm_nrows && k < sizeof rows; k++)
                if (!rows[k])
                    printf("  not taken: %s %s\n", tcpsm_state_name(tcpsm_rows[k].from),
                           tcpsm_event_name(tcpsm_rows[k].event));
    }
    for (i = 0; i < (int)nseen; i++)
        free(seen[i]);
    free(files);
    return status;
}
