/*
 * main.c: the `tcpsm` program: verb dispatch, help, version, and `dot`.
 *
 * Implementation notes:
 * - Verbs: demo (demo.c), dot, help.  No verb prints the help.  An unknown
 *   verb or option is reported on stderr with exit status 2 (CLI_USAGE).
 * - `dot` draws tcpsm_rows[] (spec/transitions.def) as Graphviz: every
 *   state a node, one edge per row whose from != to, labelled with the
 *   event; rows with the same (from, to, event) give one edge.  Self-loops
 *   (error replies, challenge ACKs, retransmissions) are left out: they
 *   would bury the diagram.  CLOSED is ranked alone at the top.
 * - Output never depends on anything but the table: no clock, no
 *   environment, no randomness.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tcpsm.h"

void cli_usage(FILE *out)
{
    unsigned i;
    size_t col;

    fprintf(out,
            "tcpsm %s: the RFC 9293 TCP state machine as a library; this program drives it\n"
            "\n"
            "usage:\n"
            "  tcpsm demo [--scenario NAME] [--delay MS] [--msl SECONDS] [--pcap FILE] [--list]\n"
            "  tcpsm run [-v] [--profile rfc|freebsd|linux] [-D NAME[=VALUE]] [--coverage] FILE...\n"
            "  tcpsm dot\n"
            "  tcpsm help | --help | -h\n"
            "  tcpsm --version\n"
            "\n"
            "verbs:\n"
            "  demo     two endpoints on an in-memory network with a virtual clock;\n"
            "           prints every packet, state change and user call as a\n"
            "           sequence diagram\n"
            "  run      run packetdrill scripts against tcpsm on a virtual clock\n"
            "           (tests/scripts; see README)\n"
            "  dot      print the state diagram of spec/transitions.def as Graphviz\n"
            "           dot (e.g. tcpsm dot | dot -Tsvg > states.svg)\n"
            "  help     print this help\n"
            "\n"
            "demo options:\n"
            "  --scenario NAME  the exchange to run; one of:\n"
            "                  ",
            TCPSM_VERSION);
    for (i = 0, col = 18; demo_scenario_name(i) != NULL; i++) {
        const char *name = demo_scenario_name(i), *more = i == 0 ? " (default)" : "";
        size_t len = 1 + strlen(name) + strlen(more);

        if (col + len > 78) {
            fprintf(out, "\n                  ");
            col = 18;
        }
        fprintf(out, " %s%s", name, more);
        col += len;
    }
    fprintf(out, "\n"
            "                   (tcpsm demo --list says what each one shows)\n");
    fprintf(out,
            "  --delay MS       one-way delay of the link, milliseconds (default 50;\n"
            "                   0..60000)\n"
            "  --msl SECONDS    Maximum Segment Lifetime; TIME-WAIT lasts 2 MSL\n"
            "                   (default 120; 0..2000)\n"
            "  --pcap FILE      also write every packet sent to FILE (pcap, raw IP;\n"
            "                   tcpdump -r FILE reads it)\n"
            "  --list           list the scenarios and exit\n"
            "  --opt=VALUE is accepted as well as --opt VALUE.\n"
            "\n"
            "other options:\n"
            "  -h, --help       print this help\n"
            "  --version        print the version\n"
            "\n"
            "Output is deterministic: the same command prints the same bytes.\n"
            "Exit status: 0 ok; 1 the run found a problem (a broken TCB invariant,\n"
            "an unexpected result); 2 a usage error.\n");
}

/* Text inside a double-quoted Graphviz ID. */
static void put_rfc(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
}

/* A double-quoted Graphviz ID. */
static void put_id(const char *s)
{
    putchar('"');
    put_rfc(s);
    putchar('"');
}

static int dot(void)
{
    unsigned i, j, s;

    printf("/* tcpsm %s: the RFC 9293 state machine as implemented\n"
           " * (spec/transitions.def); one edge per state-changing row. */\n",
           TCPSM_VERSION);
    printf("digraph tcpsm {\n");
    printf("    rankdir=TB;\n");
    printf("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    printf("    edge [fontname=\"Helvetica\", fontsize=9];\n");
    printf("    { rank=source; ");
    put_id(tcpsm_state_name(TCPSM_CLOSED));
    printf("; }\n");
    for (s = 0; s < TCPSM_NSTATES; s++) {
        printf("    ");
        put_id(tcpsm_state_name(s));
        printf(";\n");
    }
    for (i = 0; i < tcpsm_nrows; i++) {
        const struct tcpsm_row *r = &tcpsm_rows[i];
        bool dup = false;

        if (r->from == r->to)
            continue;
        for (j = 0; j < i && !dup; j++)
            dup = tcpsm_rows[j].from == r->from && tcpsm_rows[j].to == r->to &&
                  tcpsm_rows[j].event == r->event;
        if (dup)
            continue;
        printf("    ");
        put_id(tcpsm_state_name(r->from));
        printf(" -> ");
        put_id(tcpsm_state_name(r->to));
        printf(" [label=");
        put_id(tcpsm_event_name(r->event));
        printf(", tooltip=\"RFC 9293 ");
        put_rfc(r->rfc != NULL ? r->rfc : "");
        printf("\"");
        printf("];\n");
    }
    printf("}\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL;

    if (verb == NULL || strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 ||
        strcmp(verb, "-h") == 0) {
        cli_usage(stdout);
        return 0;
    }
    if (strcmp(verb, "--version") == 0) {
        printf("tcpsm %s\n", TCPSM_VERSION);
        return 0;
    }
    if (strcmp(verb, "demo") == 0)
        return demo_main(argc - 2, argv + 2);
    if (strcmp(verb, "run") == 0)
        return run_main(argc - 2, argv + 2);
    if (strcmp(verb, "dot") == 0) {
        if (argc == 2)
            return dot();
        if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
            cli_usage(stdout);
            return 0;
        }
        fprintf(stderr, "tcpsm dot: unknown %s '%s' (see 'tcpsm --help')\n",
                argv[2][0] == '-' ? "option" : "argument", argv[2]);
        return CLI_USAGE;
    }
    if (verb[0] == '-')
        fprintf(stderr, "tcpsm: unknown option '%s' (see 'tcpsm --help')\n", verb);
    else
        fprintf(stderr, "tcpsm: unknown verb '%s' (see 'tcpsm --help')\n", verb);
    return CLI_USAGE;
}
