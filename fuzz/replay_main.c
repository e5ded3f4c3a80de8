/*
 * replay_main.c: main() for a harness built without a fuzzing engine:
 * every file named on the command line (a directory: every file in it, in
 * name order) goes once through LLVMFuzzerTestOneInput.  The replay suite
 * of `make check` runs the corpora and fuzz/regressions this way, under
 * ASan and UBSan; `make fuzz-coverage` does too, with coverage on.
 * Prints "replay: N inputs"; a crash or sanitizer report ends the run.
 * With FUZZ_ROWS_FILE set, appends the rows of spec/transitions.def the
 * harness saw taken (fuzz/rows.h), one index a line.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz/rows.h, when the harness includes it */
extern unsigned char fuzz_rows_seen[256] __attribute__((weak));

static unsigned count;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    buf = malloc((size_t)n + 1u);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        free(buf);
        fclose(f);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    count++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int bad = 0;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: not found\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    if ((d = opendir(path)) == NULL)
        return 1;
    while ((e = readdir(d)) != NULL) {
        char *p;
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **m = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (m == NULL)
                return 1;
            names = m;
        }
        p = malloc(strlen(path) + strlen(e->d_name) + 2u);
        if (p == NULL)
            return 1;
        sprintf(p, "%s/%s", path, e->d_name);
        names[n++] = p;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    for (i = 0; i < n; i++) {
        bad |= run_path(names[i]);
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= run_path(argv[i]);
    printf("replay: %u inputs\n", count);
    if (&fuzz_rows_seen != NULL && getenv("FUZZ_ROWS_FILE") != NULL) {
        FILE *f = fopen(getenv("FUZZ_ROWS_FILE"), "a");
        if (f != NULL) {
            for (unsigned i = 0; i < 256; i++)
                if (fuzz_rows_seen[i])
                    fprintf(f, "%u\n", i);
            fclose(f);
        }
    }
    return bad;
}
