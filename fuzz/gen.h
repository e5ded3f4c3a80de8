/*
 * fuzz/gen.h: what the corpus generators (fuzz/gen_fuzz_*.c) share: the
 * input being built, big-endian writers, and the file it goes to.  A
 * scenario longer than the buffer stops the generator with an error.
 */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint8_t gen_buf[8192];
static size_t gen_len;
static const char *gen_dir;     /* where gen_out writes */

static inline void u8(unsigned v)
{
    if (gen_len >= sizeof gen_buf) {
        fprintf(stderr, "gen: scenario too long\n");
        exit(1);
    }
    gen_buf[gen_len++] = (uint8_t)v;
}

static inline void u16(unsigned v)
{
    u8(v >> 8);
    u8(v);
}

static inline void u32(uint32_t v)
{
    u16(v >> 16);
    u16(v & 0xFFFFu);
}

/* the input built so far, to gen_dir/name */
static inline void gen_out(const char *name)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", gen_dir, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(gen_buf, 1, gen_len, f) != gen_len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

#endif /* FUZZ_GEN_H */
