/*
 * rows.h: the rows of spec/transitions.def a harness saw the engine take
 * (each TCB's c->log after a call), for `make fuzz-coverage`'s count of
 * (state, event) cells.  Include it in exactly one file per harness (the
 * harness's own); fuzz/replay_main.c writes the rows out when
 * FUZZ_ROWS_FILE is set.
 */
#ifndef FUZZ_ROWS_H
#define FUZZ_ROWS_H

#include "tcpsm.h"

unsigned char fuzz_rows_seen[256];

static inline void fuzz_note_rows(const struct tcpsm_conn *c)
{
    for (unsigned i = 0; i < c->nlog && i < TCPSM_LOG_MAX; i++)
        if (c->log[i].row < sizeof fuzz_rows_seen)
            fuzz_rows_seen[c->log[i].row] = 1;
}

#endif
