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
 *   and flipping any one bit of it makes the verification fail.
 */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out1[65536 + 60], out2[65536 + 60];
    struct tcpsm_segment s1, s2;
    const uint8_t *p1, *p2;
    struct tcpsm_addr src, dst;
    size_t n1, n2;
    enum tcpsm_err e;
    if (size < 1)
        return 0;
    addrs(data[0] & 1, &src, &dst);
    data++;
    size--;
    e = tcpsm_wire_parse(data, size, &s1, &p1);
    (void)tcpsm_wire_verify(&src, &dst, data, size);
    if (e != TCPSM_OK)
        return 0;
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
