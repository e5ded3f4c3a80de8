/*
 * fuzz_wire.c: raw bytes into the segment codec (src/core/wire.c).
 *
 * Input: byte 0 chooses the pseudo-header (bit 0: IPv6), the rest is a
 * TCP segment as it would come off the wire.  Oracles:
 * - tcpsm_wire_parse never crashes and, on success, reads only the input;
 * - parse(serialise(parse(x))) equals parse(x) in every field the writer
 *   writes (header, MSS, window scale, SACK-permitted, timestamps, SACK
 *   blocks; unknown options are dropped by design), and serialising that
 *   again gives the same bytes;
 * - a segment the writer produced passes tcpsm_wire_verify (MUST-2/3),
 *   and flipping any one bit of it makes the verification fail;
 * - every result is one the contract lists, and has a name;
 * - byte 0 bit 1: also every call with bad arguments (NULL pointers,
 *   addresses of two families, a SACK list or options too long, a length
 *   beyond 16 bits, an output buffer one byte short), each refused with
 *   the code its contract gives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsm.h"
#include "tcpsm_wire.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void addrs(int v6, struct tcpsm_addr *src, struct tcpsm_addr *dst)
{
    memset(src, 0, sizeof *src);
    memset(dst, 0, sizeof *dst);
    src->family = dst->family = v6 ? TCPSM_AF_INET6 : TCPSM_AF_INET;
    src->addr[0] = v6 ? 0xfd : 192;
    src->addr[v6 ? 15 : 3] = 1;
    dst->addr[0] = v6 ? 0xfd : 192;
    dst->addr[v6 ? 15 : 3] = 2;
}

static void same_fields(const struct tcpsm_segment *a, const struct tcpsm_segment *b)
{
    unsigned i;
    CHECK(a->sport == b->sport && a->dport == b->dport && a->seq == b->seq && a->ack == b->ack);
    CHECK(a->flags == b->flags && a->wnd == b->wnd && a->urp == b->urp && a->len == b->len);
    CHECK(a->opt.has_mss == b->opt.has_mss && (!a->opt.has_mss || a->opt.mss == b->opt.mss));
    CHECK(a->opt.has_wscale == b->opt.has_wscale
          && (!a->opt.has_wscale || a->opt.wscale == b->opt.wscale));
    CHECK(a->opt.sack_permitted == b->opt.sack_permitted);
    CHECK(a->opt.has_ts == b->opt.has_ts
          && (!a->opt.has_ts || (a->opt.ts_val == b->opt.ts_val && a->opt.ts_ecr == b->opt.ts_ecr)));
    CHECK(a->opt.nsack == b->opt.nsack);
    for (i = 0; i < a->opt.nsack; i++)
        CHECK(a->opt.sack_left[i] == b->opt.sack_left[i] && a->opt.sack_right[i] == b->opt.sack_right[i]);
}

static bool named(enum tcpsm_err e)
{
    return strcmp(tcpsm_err_name(e), "?") != 0;
}

/* bad arguments, around a segment s (payload p) the writer takes */
static void misuse(const uint8_t *data, size_t size, const struct tcpsm_addr *src,
                   const struct tcpsm_addr *dst, const struct tcpsm_segment *s, const uint8_t *p)
{
    static uint8_t out[65536 + 60];
    struct tcpsm_segment t;
    struct tcpsm_addr other = *dst;
    const uint8_t *pp;
    size_t n = 0, total;
    other.family = dst->family == TCPSM_AF_INET ? TCPSM_AF_INET6 : TCPSM_AF_INET;
    CHECK(tcpsm_wire_parse(NULL, 20, &t, &pp) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_parse(data, size, NULL, &pp) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_parse(data, size, &t, NULL) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_verify(src, dst, NULL, 20) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_verify(NULL, dst, data, size) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_verify(src, NULL, data, size) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_verify(src, &other, data, size) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_checksum(src, &other, data, size) == 0xFFFFu);
    CHECK(tcpsm_wire_checksum(src, dst, NULL, 20) == 0xFFFFu);
    CHECK(tcpsm_wire_write(s, p, out, sizeof out, &n) == TCPSM_OK);
    total = n;
    CHECK(tcpsm_wire_write(s, p, out, total - 1u, &n) == TCPSM_ERR_NOSPACE);
    CHECK(tcpsm_wire_write(NULL, p, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_write(s, p, NULL, sizeof out, &n) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_wire_write(s, p, out, sizeof out, NULL) == TCPSM_ERR_INVAL);
    t = *s;
    t.len = t.len ? t.len : 1u;
    CHECK(tcpsm_wire_write(&t, NULL, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    t = *s;
    t.opt.nsack = TCPSM_MAX_SACK + 1u;
    CHECK(tcpsm_wire_write(&t, p, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    t = *s;
    t.dst = other;
    CHECK(tcpsm_wire_write(&t, p, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    t = *s;
    t.src.family = t.dst.family = 9;
    CHECK(tcpsm_wire_write(&t, p, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    t = *s;                             /* 65536 - 20 octets: TCP Length past 16 bits */
    t.len = 65516u;
    CHECK(tcpsm_wire_write(&t, out, out, sizeof out, &n) == TCPSM_ERR_INVAL);
    t = *s;                             /* MSS, SACK-permitted, timestamps, 4 SACK blocks */
    t.opt.has_mss = t.opt.sack_permitted = t.opt.has_ts = true;
    t.opt.nsack = TCPSM_MAX_SACK;
    CHECK(tcpsm_wire_write(&t, p, out, sizeof out, &n) == TCPSM_ERR_INVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out1[65536 + 60], out2[65536 + 60];
    struct tcpsm_segment s1, s2;
    const uint8_t *p1, *p2;
    struct tcpsm_addr src, dst;
    size_t n1, n2;
    enum tcpsm_err e, e2;
    if (size < 1)
        return 0;
    bool bad_args = (data[0] & 2) != 0;
    addrs(data[0] & 1, &src, &dst);
    data++;
    size--;
    e = tcpsm_wire_parse(data, size, &s1, &p1);
    CHECK(named(e) && (e == TCPSM_OK || e == TCPSM_ERR_TRUNCATED || e == TCPSM_ERR_BAD_HEADER
                       || e == TCPSM_ERR_BAD_OPTION));
    e2 = tcpsm_wire_verify(&src, &dst, data, size);
    CHECK(named(e2) && (e2 == TCPSM_OK || e2 == TCPSM_ERR_BAD_CHECKSUM
                        || (e2 == TCPSM_ERR_INVAL && size > 65535u)));
    if (e != TCPSM_OK) {
        if (bad_args) {
            memset(&s1, 0, sizeof s1);
            s1.src = src;
            s1.dst = dst;
            misuse(data, size, &src, &dst, &s1, NULL);
        }
        return 0;
    }
    CHECK(s1.len == 0 || (p1 >= data && p1 + s1.len <= data + size));
    /* the writer's options must fit a header: a parsed segment may carry
     * more (up to 4 SACK blocks, with MSS and timestamps): then the writer
     * refuses it, and that is all */
    s1.src = src;
    s1.dst = dst;
    e = tcpsm_wire_write(&s1, p1, out1, sizeof out1, &n1);
    if (e != TCPSM_OK) {
        CHECK(e == TCPSM_ERR_INVAL || e == TCPSM_ERR_NOSPACE);
        return 0;
    }
    if (bad_args)
        misuse(data, size, &src, &dst, &s1, p1);
    CHECK(tcpsm_wire_verify(&src, &dst, out1, n1) == TCPSM_OK);
    CHECK(tcpsm_wire_parse(out1, n1, &s2, &p2) == TCPSM_OK);
    same_fields(&s1, &s2);
    CHECK(s2.len == 0 || memcmp(p1, p2, s2.len) == 0);
    CHECK(s2.opt.nunknown == 0);
    s2.src = src;
    s2.dst = dst;
    CHECK(tcpsm_wire_write(&s2, p2, out2, sizeof out2, &n2) == TCPSM_OK);
    CHECK(n1 == n2 && memcmp(out1, out2, n1) == 0);
    /* any one flipped bit fails the verification: it moves the one's
     * complement sum by 2^k, never a multiple of 0xFFFF */
    if (n1 > 0) {
        size_t at = (size_t)(s1.seq % n1);
        uint8_t bit = (uint8_t)(1u << (s1.ack % 8u));
        out1[at] ^= bit;
        CHECK(tcpsm_wire_verify(&src, &dst, out1, n1) != TCPSM_OK);
        out1[at] ^= bit;
    }
    return 0;
}
