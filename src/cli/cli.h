/*
 * cli.h: the verbs of the `tcpsm` program that live outside main.c.
 *
 * Implementation notes: every verb returns the process exit status:
 * 0 success, 1 the run found a problem (a broken invariant, an unexpected
 * engine result), CLI_USAGE for a command-line error (after a message on
 * stderr).
 */
#ifndef TCPSM_CLI_H
#define TCPSM_CLI_H

#include <stdio.h>

#define CLI_USAGE 2

/* The text of `tcpsm --help` (main.c). */
void cli_usage(FILE *out);

/* `tcpsm demo ARGS...`: argv holds the arguments after the verb. */
int demo_main(int argc, char **argv);

/* `tcpsm run ARGS...`: packetdrill scripts (run.c). */
int run_main(int argc, char **argv);

/* The name and one-line description of scenario i, or NULL past the end. */
const char *demo_scenario_name(unsigned i);
const char *demo_scenario_about(unsigned i);

#endif /* TCPSM_CLI_H */
