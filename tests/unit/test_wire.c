/*
 * test_wire.c: cmocka tests for the wire codec (src/core/wire.c):
 * header and option parsing (RFC 9293 3.1, 3.2; MUST-4..7, MUST-64,
 * MUST-68), serialisation (MUST-69), and the Internet checksum with the
 * IPv4/IPv6 pseudo-header (MUST-2, MUST-3).
 *
 * Checksums are checked against known vectors computed by hand (the
 * arithmetic is written out in comments) and against ref_checksum(), a
 * deliberately naive reference implementation (wide sum, fold at the end)
 * that shares no code with wire.c.
 *
 * The random round-trip test uses a fixed xorshift64* seed; set TCPSM_SEED
 * to run it with another one.  The seed is printed on failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsm.h"

/* ---------------------------------------------------------------------- */
/* Helpers */

/* sport 12345, dport 80, seq 0x11223344, ack 0x55667788, doff 5,
 * flags SYN|ACK, wnd 0x2000, checksum 0xABCD (ignored by parse), urp 7. */
static const uint8_t base_hdr[20] = {
    0x30, 0x39, 0x00, 0x50, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
    0x77, 0x88, 0x50, 0x12, 0x20, 0x00, 0xAB, 0xCD, 0x00, 0x07,
};

/* base_hdr + olen option bytes (olen % 4 == 0) + plen payload bytes. */
static size_t mk(uint8_t *buf, const uint8_t *opts, size_t olen,
                 const uint8_t *pl, size_t plen)
{
    assert_true(olen % 4u == 0u && olen <= 40u);
    memcpy(buf, base_hdr, 20);
    buf[12] = (uint8_t)(((20u + olen) / 4u) << 4);
    if (olen > 0u)
        memcpy(buf + 20, opts, olen);
    if (plen > 0u)
        memcpy(buf + 20 + olen, pl, plen);
    return 20u + olen + plen;
}

static struct tcpsm_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct tcpsm_addr x;
    memset(&x, 0, sizeof x);
    x.family = TCPSM_AF_INET;
    x.addr[0] = a;
    x.addr[1] = b;
    x.addr[2] = c;
    x.addr[3] = d;
    return x;
}

/* 2001:db8::last */
static struct tcpsm_addr v6(uint8_t last)
{
    struct tcpsm_addr x;
    memset(&x, 0, sizeof x);
    x.family = TCPSM_AF_INET6;
    x.addr[0] = 0x20;
    x.addr[1] = 0x01;
    x.addr[2] = 0x0d;
    x.addr[3] = 0xb8;
    x.addr[15] = last;
    return x;
}

/* Reference checksum: build the pseudo-header explicitly, sum all 16-bit
 * big-endian words in a 64-bit accumulator, fold once at the end. */
static uint16_t ref_checksum(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                             const uint8_t *tcp, size_t n)
{
    uint8_t ph[40];
    size_t phlen;
    uint64_t sum = 0;
    size_t i;

    memset(ph, 0, sizeof ph);
    if (src->family == TCPSM_AF_INET) {
        memcpy(ph, src->addr, 4);
        memcpy(ph + 4, dst->addr, 4);
        ph[9] = 6;
        ph[10] = (uint8_t)(n >> 8);
        ph[11] = (uint8_t)n;
        phlen = 12;
    } else {
        memcpy(ph, src->addr, 16);
        memcpy(ph + 16, dst->addr, 16);
        ph[32] = (uint8_t)(n >> 24);
        ph[33] = (uint8_t)(n >> 16);
        ph[34] = (uint8_t)(n >> 8);
        ph[35] = (uint8_t)n;
        ph[39] = 6;
        phlen = 40;
    }
    for (i = 0; i < phlen; i += 2)
        sum += (uint64_t)ph[i] << 8 | ph[i + 1];
    for (i = 0; i < n; i++)
        sum += (i % 2 == 0) ? (uint64_t)tcp[i] << 8 : (uint64_t)tcp[i];
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Field-wise equality (struct padding is not compared). */
static int seg_equal(const struct tcpsm_segment *a, const struct tcpsm_segment *b)
{
    unsigned k;

    if (a->src.family != b->src.family || memcmp(a->src.addr, b->src.addr, 16) != 0 ||
        a->dst.family != b->dst.family || memcmp(a->dst.addr, b->dst.addr, 16) != 0 ||
        a->sport != b->sport || a->dport != b->dport || a->seq != b->seq ||
        a->ack != b->ack || a->flags != b->flags || a->wnd != b->wnd ||
        a->urp != b->urp || a->len != b->len || a->compartment != b->compartment)
        return 0;
    if (a->opt.has_mss != b->opt.has_mss || a->opt.has_wscale != b->opt.has_wscale ||
        a->opt.sack_permitted != b->opt.sack_permitted || a->opt.has_ts != b->opt.has_ts ||
        a->opt.mss != b->opt.mss || a->opt.wscale != b->opt.wscale ||
        a->opt.nsack != b->opt.nsack || a->opt.nunknown != b->opt.nunknown ||
        a->opt.ts_val != b->opt.ts_val || a->opt.ts_ecr != b->opt.ts_ecr)
        return 0;
    for (k = 0; k < TCPSM_MAX_SACK; k++)
        if (a->opt.sack_left[k] != b->opt.sack_left[k] ||
            a->opt.sack_right[k] != b->opt.sack_right[k])
            return 0;
    return 1;
}

/* Parse a copy of buf in an exactly sized heap buffer; returns the error
 * and fills *seg; checks the payload pointer it returned. */
static enum tcpsm_err parse_exact(const uint8_t *buf, size_t n, struct tcpsm_segment *seg)
{
    uint8_t *h = n > 0u ? malloc(n) : NULL;
    const uint8_t *pl = NULL;
    enum tcpsm_err e;

    if (n > 0u) {
        assert_non_null(h);
        memcpy(h, buf, n);
    }
    e = tcpsm_wire_parse(h, n, seg, &pl);
    if (e == TCPSM_OK && seg->len > 0u) {
        assert_ptr_equal(pl, h + (n - seg->len));
    } else if (e == TCPSM_OK) {
        assert_null(pl);
    }
    free(h);
    return e;
}

/* ---------------------------------------------------------------------- */
/* Parse: the fixed header */

static void test_wire_parse_fixed_header_fields_big_endian(void **state)
{
    uint8_t buf[64];
    struct tcpsm_segment s;
    const uint8_t *pl = (const uint8_t *)buf;
    size_t n = mk(buf, NULL, 0, NULL, 0);

    (void)state;
    memset(&s, 0x5A, sizeof s);
    assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_OK);
    assert_int_equal(s.sport, 12345);
    assert_int_equal(s.dport, 80);
    assert_int_equal(s.seq, 0x11223344u);
    assert_int_equal(s.ack, 0x55667788u);
    assert_int_equal(s.flags, TCPSM_SYN | TCPSM_ACK);
    assert_int_equal(s.wnd, 0x2000);
    assert_int_equal(s.urp, 7);
    assert_int_equal(s.len, 0);
    assert_null(pl);
    /* src, dst, compartment zeroed; no options */
    assert_int_equal(s.src.family, TCPSM_AF_UNSPEC);
    assert_int_equal(s.dst.family, TCPSM_AF_UNSPEC);
    assert_int_equal(s.src.addr[5], 0);
    assert_int_equal(s.dst.addr[15], 0);
    assert_int_equal(s.compartment, 0);
    assert_false(s.opt.has_mss || s.opt.has_wscale || s.opt.sack_permitted || s.opt.has_ts);
    assert_int_equal(s.opt.nsack, 0);
    assert_int_equal(s.opt.nunknown, 0);
}

static void test_wire_parse_payload_starts_after_options(void **state)
{
    static const uint8_t opts[4] = { 2, 4, 0x05, 0xB4 };
    static const uint8_t data[5] = { 'h', 'e', 'l', 'l', 'o' };
    uint8_t buf[64];
    struct tcpsm_segment s;
    const uint8_t *pl = NULL;
    size_t n = mk(buf, opts, 4, data, 5);

    (void)state;
    assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_OK);
    assert_int_equal(s.len, 5);
    assert_ptr_equal(pl, buf + 24);
    assert_memory_equal(pl, data, 5);
}

static void test_wire_parse_all_flag_bits(void **state)
{
    uint8_t buf[20];
    struct tcpsm_segment s;
    const uint8_t *pl;
    unsigned f;

    (void)state;
    for (f = 0; f < 256; f++) {
        mk(buf, NULL, 0, NULL, 0);
        buf[13] = (uint8_t)f;
        assert_int_equal(tcpsm_wire_parse(buf, 20, &s, &pl), TCPSM_OK);
        assert_int_equal(s.flags, f);
    }
}

static void test_wire_parse_ignores_reserved_bits(void **state)
{
    uint8_t buf[20];
    struct tcpsm_segment a, b;
    const uint8_t *pl;

    (void)state;
    mk(buf, NULL, 0, NULL, 0);
    assert_int_equal(tcpsm_wire_parse(buf, 20, &a, &pl), TCPSM_OK);
    buf[12] |= 0x0F;  /* RFC 9293 3.1: Rsrvd must be ignored on receipt */
    assert_int_equal(tcpsm_wire_parse(buf, 20, &b, &pl), TCPSM_OK);
    assert_true(seg_equal(&a, &b));
}

static void test_wire_truncated_header_rejected(void **state)
{
    uint8_t buf[20];
    struct tcpsm_segment s;
    const uint8_t *pl;
    size_t n;

    (void)state;
    mk(buf, NULL, 0, NULL, 0);
    for (n = 0; n < 20; n++)
        assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_TRUNCATED);
    assert_int_equal(tcpsm_wire_parse(NULL, 0, &s, &pl), TCPSM_ERR_TRUNCATED);
}

static void test_wire_data_offset_below_five_rejected(void **state)
{
    uint8_t buf[60];
    struct tcpsm_segment s;
    unsigned doff;

    (void)state;
    memset(buf, 0, sizeof buf);
    mk(buf, NULL, 0, NULL, 0);
    for (doff = 0; doff < 5; doff++) {
        buf[12] = (uint8_t)(doff << 4);
        assert_int_equal(parse_exact(buf, sizeof buf, &s), TCPSM_ERR_BAD_HEADER);
    }
}

static void test_wire_data_offset_past_buffer_is_truncated(void **state)
{
    uint8_t buf[60];
    struct tcpsm_segment s;
    unsigned doff;

    (void)state;
    memset(buf, 1, sizeof buf);  /* all NOPs */
    mk(buf, NULL, 0, NULL, 0);
    for (doff = 5; doff <= 15; doff++) {
        buf[12] = (uint8_t)(doff << 4);
        /* one byte short of the header the Data Offset announces */
        assert_int_equal(parse_exact(buf, doff * 4u - 1u, &s), TCPSM_ERR_TRUNCATED);
        assert_int_equal(parse_exact(buf, doff * 4u, &s), TCPSM_OK);
        assert_int_equal(s.len, 0);
    }
}

static void test_wire_parse_null_arguments_rejected(void **state)
{
    uint8_t buf[20];
    struct tcpsm_segment s;
    const uint8_t *pl;

    (void)state;
    mk(buf, NULL, 0, NULL, 0);
    assert_int_equal(tcpsm_wire_parse(NULL, 20, &s, &pl), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_parse(buf, 20, NULL, &pl), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_parse(buf, 20, &s, NULL), TCPSM_ERR_INVAL);
}

/* ---------------------------------------------------------------------- */
/* Parse: options */

static void test_wire_parse_known_options_decoded(void **state)
{
    static const uint8_t opts[40] = {
        2, 4, 0x05, 0xB4,                              /* MSS 1460 */
        3, 3, 7,                                       /* WS 7 */
        4, 2,                                          /* SACK-permitted */
        8, 10, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE,     /* TS 1, 0xFFFFFFFE */
        5, 18, 0, 0, 0, 10, 0, 0, 0, 20,               /* SACK [10,20) */
        0x80, 0, 0, 0, 0x80, 0, 0, 9,                  /*      [2^31, 2^31+9) */
        0, 0, 0,                                       /* EOL + padding */
    };
    uint8_t buf[64];
    struct tcpsm_segment s;
    const uint8_t *pl;
    size_t n = mk(buf, opts, 40, NULL, 0);

    (void)state;
    assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_OK);
    assert_true(s.opt.has_mss);
    assert_int_equal(s.opt.mss, 1460);
    assert_true(s.opt.has_wscale);
    assert_int_equal(s.opt.wscale, 7);
    assert_true(s.opt.sack_permitted);
    assert_true(s.opt.has_ts);
    assert_int_equal(s.opt.ts_val, 1);
    assert_int_equal(s.opt.ts_ecr, 0xFFFFFFFEu);
    assert_int_equal(s.opt.nsack, 2);
    assert_int_equal(s.opt.sack_left[0], 10);
    assert_int_equal(s.opt.sack_right[0], 20);
    assert_int_equal(s.opt.sack_left[1], 0x80000000u);
    assert_int_equal(s.opt.sack_right[1], 0x80000009u);
    assert_int_equal(s.opt.nunknown, 0);
}

static void test_wire_eol_stops_option_parsing(void **state)
{
    /* After EOL: an MSS and then a zero-length option, both ignored. */
    static const uint8_t opts[8] = { 0, 2, 4, 0x05, 0xB4, 7, 0, 9 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 8, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    assert_false(s.opt.has_mss);
    assert_int_equal(s.opt.nunknown, 0);
}

static void test_wire_nop_padding(void **state)
{
    /* Linux-style alignment: NOP NOP TS, NOP WS, then NOP NOP NOP NOP. */
    static const uint8_t opts[20] = {
        1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6,
        1, 3, 3, 14,
        1, 1, 1, 1,
    };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 20, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    assert_true(s.opt.has_ts);
    assert_int_equal(s.opt.ts_val, 5);
    assert_int_equal(s.opt.ts_ecr, 6);
    assert_true(s.opt.has_wscale);
    assert_int_equal(s.opt.wscale, 14);
    assert_int_equal(s.opt.nunknown, 0);
}

static void test_wire_options_begin_on_any_octet_boundary(void **state)
{
    /* MUST-64: MSS at offset 1, SACK-permitted at 5, WS at 7, TS at 10. */
    static const uint8_t opts[20] = {
        1, 2, 4, 0x02, 0x18, 4, 2, 3, 3, 0, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8,
    };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 20, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    assert_true(s.opt.has_mss);
    assert_int_equal(s.opt.mss, 536);
    assert_true(s.opt.sack_permitted);
    assert_true(s.opt.has_wscale);
    assert_int_equal(s.opt.wscale, 0);
    assert_true(s.opt.has_ts);
    assert_int_equal(s.opt.ts_val, 0x01020304u);
    assert_int_equal(s.opt.ts_ecr, 0x05060708u);
}

static void test_wire_unknown_option_skipped_by_length(void **state)
{
    /* MUST-6: kind 30 (MPTCP) length 6 whose data looks like an MSS
     * option, kind 254 length 2, then a real MSS. */
    static const uint8_t opts[12] = { 30, 6, 2, 4, 0xFF, 0xFF, 254, 2, 2, 4, 0x01, 0x00 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 12, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    assert_int_equal(s.opt.nunknown, 2);
    assert_true(s.opt.has_mss);
    assert_int_equal(s.opt.mss, 256);
}

static void test_wire_mss_wrong_length_rejected(void **state)
{
    uint8_t opts[8] = { 2, 0, 0x05, 0xB4, 0, 0, 0, 0 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    unsigned len;

    (void)state;
    for (len = 2; len <= 8; len++) {
        size_t n;
        opts[1] = (uint8_t)len;
        n = mk(buf, opts, 8, NULL, 0);
        assert_int_equal(parse_exact(buf, n, &s), len == 4 ? TCPSM_OK : TCPSM_ERR_BAD_OPTION);
    }
}

static void test_wire_known_option_wrong_length_rejected(void **state)
{
    /* window scale (3), SACK-permitted (2), timestamps (10): one off either way */
    static const uint8_t kinds[3] = { 3, 4, 8 };
    static const uint8_t goodlen[3] = { 3, 2, 10 };
    uint8_t opts[12];
    uint8_t buf[64];
    struct tcpsm_segment s;
    unsigned i;

    (void)state;
    for (i = 0; i < 3; i++) {
        int d;
        for (d = -1; d <= 1; d++) {
            size_t n;
            memset(opts, 0, sizeof opts);
            opts[0] = kinds[i];
            opts[1] = (uint8_t)(goodlen[i] + d);
            n = mk(buf, opts, 12, NULL, 0);
            if (opts[1] < 2)
                continue;  /* covered by the length-below-two test */
            assert_int_equal(parse_exact(buf, n, &s), d == 0 ? TCPSM_OK : TCPSM_ERR_BAD_OPTION);
        }
    }
}

static void test_wire_sack_length_must_be_two_plus_eight_k(void **state)
{
    uint8_t opts[40];
    uint8_t buf[64];
    struct tcpsm_segment s;
    unsigned len;

    (void)state;
    for (len = 2; len <= 40; len++) {
        size_t n;
        int ok = len >= 10 && (len - 2) % 8 == 0 && (len - 2) / 8 <= 4;
        memset(opts, 0, sizeof opts);
        opts[0] = 5;
        opts[1] = (uint8_t)len;
        n = mk(buf, opts, 40, NULL, 0);
        assert_int_equal(parse_exact(buf, n, &s), ok ? TCPSM_OK : TCPSM_ERR_BAD_OPTION);
        if (ok)
            assert_int_equal(s.opt.nsack, (len - 2) / 8);
    }
}

static void test_wire_parse_rejects_option_length_zero(void **state)
{
    /* MUST-7: the RFC's own example of an illegal length; would loop forever if skipped by it */
    static const uint8_t opts[4] = { 30, 0, 0, 0 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 4, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_BAD_OPTION);
}

static void test_wire_parse_rejects_option_length_one(void **state)
{
    static const uint8_t opts[4] = { 30, 1, 0, 0 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 4, NULL, 0);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_BAD_OPTION);
}

static void test_wire_parse_rejects_option_length_past_header(void **state)
{
    /* Unknown kind 30 at offset 2 with length 7: needs bytes up to 8, header has 8.  OK.
     * Length 7 at offset 2 of a 4-byte area: past the header. */
    static const uint8_t fits[8] = { 1, 1, 30, 6, 0, 0, 0, 0 };
    static const uint8_t past[8] = { 1, 1, 30, 7, 0, 0, 0, 0 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n;

    (void)state;
    n = mk(buf, fits, 8, NULL, 0);
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    n = mk(buf, past, 8, NULL, 0);
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_BAD_OPTION);
}

static void test_wire_option_length_bounded_by_header_not_payload(void **state)
{
    /* An MSS option starting at the last two bytes of the header: the
     * payload bytes that follow would complete it, but they are not header. */
    static const uint8_t opts[4] = { 1, 1, 2, 4 };
    static const uint8_t data[4] = { 0x05, 0xB4, 0, 0 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 4, data, 4);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_BAD_OPTION);
}

static void test_wire_parse_rejects_missing_length_byte(void **state)
{
    /* MUST-68: a non-EOL/NOP kind in the last header byte has no length */
    static const uint8_t opts[4] = { 1, 1, 1, 2 };
    static const uint8_t data[1] = { 4 };
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n = mk(buf, opts, 4, data, 1);

    (void)state;
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_ERR_BAD_OPTION);
}

static void test_wire_parse_later_option_overrides_earlier(void **state)
{
    static const uint8_t opts[32] = {
        2, 4, 0, 100, 2, 4, 0, 200,            /* MSS 100 then MSS 200 */
        5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,  /* 2 blocks */
        5, 10, 0, 0, 0, 9,                     /* 1 block, cut short: see below */
    };
    uint8_t o[40];
    uint8_t buf[64];
    struct tcpsm_segment s;
    size_t n;

    (void)state;
    memset(o, 0, sizeof o);
    memcpy(o, opts, 32);
    o[32] = 0; o[33] = 0; o[34] = 0; o[35] = 10;  /* right edge of the 1-block option */
    n = mk(buf, o, 40, NULL, 0);
    assert_int_equal(parse_exact(buf, n, &s), TCPSM_OK);
    assert_int_equal(s.opt.mss, 200);
    assert_int_equal(s.opt.nsack, 1);
    assert_int_equal(s.opt.sack_left[0], 9);
    assert_int_equal(s.opt.sack_right[0], 10);
    /* the earlier second block does not linger */
    assert_int_equal(s.opt.sack_left[1], 0);
    assert_int_equal(s.opt.sack_right[1], 0);
}

static void test_wire_malformed_leaves_segment_untouched(void **state)
{
    static const uint8_t bad_opts[4][4] = {
        { 30, 0, 0, 0 },   /* length 0 */
        { 2, 3, 0, 0 },    /* MSS length 3 */
        { 5, 2, 0, 0 },    /* SACK with no block */
        { 1, 1, 1, 30 },   /* length byte missing */
    };
    uint8_t buf[64];
    struct tcpsm_segment s, pattern;
    const uint8_t *pl;
    const uint8_t *sentinel = (const uint8_t *)&pattern;
    size_t n;
    unsigned i;

    (void)state;
    memset(&pattern, 0xA5, sizeof pattern);
    for (i = 0; i < 4; i++) {
        n = mk(buf, bad_opts[i], 4, NULL, 0);
        memcpy(&s, &pattern, sizeof s);
        pl = sentinel;
        assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_ERR_BAD_OPTION);
        assert_memory_equal(&s, &pattern, sizeof s);
        assert_ptr_equal(pl, sentinel);
    }
    /* header errors too */
    n = mk(buf, NULL, 0, NULL, 0);
    buf[12] = 0x40;
    memcpy(&s, &pattern, sizeof s);
    assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_ERR_BAD_HEADER);
    assert_memory_equal(&s, &pattern, sizeof s);
    buf[12] = 0x60;
    assert_int_equal(tcpsm_wire_parse(buf, n, &s, &pl), TCPSM_ERR_TRUNCATED);
    assert_int_equal(tcpsm_wire_parse(buf, 19, &s, &pl), TCPSM_ERR_TRUNCATED);
    assert_memory_equal(&s, &pattern, sizeof s);
    assert_ptr_equal(pl, sentinel);
}

/* ---------------------------------------------------------------------- */
/* Checksum */

static void test_wire_checksum_rfc1071_known_vector(void **state)
{
    /* RFC 1071 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.  With an
     * all-zero IPv4 pseudo-header the extra words are 0006 (PTCL) and
     * 0008 (TCP Length): ddf2 + 0006 + 0008 = de00, complement 21ff. */
    static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    struct tcpsm_addr z = v4(0, 0, 0, 0);

    (void)state;
    assert_int_equal(tcpsm_wire_checksum(&z, &z, b, 8), 0x21ff);
    assert_int_equal(ref_checksum(&z, &z, b, 8), 0x21ff);
}

static void test_wire_checksum_ipv4_pseudo_header_known_vector(void **state)
{
    /* SYN 192.0.2.1:49152 -> 198.51.100.2:80, seq 0x01020304, wnd ffff.
     * Words: pseudo c000 0201 c633 6402 0006 0014, header c000 0050 0102
     * 0304 0000 0000 5002 ffff 0000 0000.  Sum = 0x400a7; fold: 00a7 + 4
     * = 00ab; complement: ff54. */
    static const uint8_t syn[20] = {
        0xc0, 0x00, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
        0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    };
    struct tcpsm_addr src = v4(192, 0, 2, 1), dst = v4(198, 51, 100, 2);
    struct tcpsm_segment s;
    const uint8_t *pl;
    uint8_t out[20];
    size_t outlen;

    (void)state;
    assert_int_equal(ref_checksum(&src, &dst, syn, 20), 0xff54);
    assert_int_equal(tcpsm_wire_checksum(&src, &dst, syn, 20), 0xff54);

    /* tcpsm_wire_write stores it big-endian at bytes 16-17 */
    assert_int_equal(tcpsm_wire_parse(syn, 20, &s, &pl), TCPSM_OK);
    s.src = src;
    s.dst = dst;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 20);
    assert_int_equal(out[16], 0xff);
    assert_int_equal(out[17], 0x54);
    assert_memory_equal(out, syn, 16);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, 20), TCPSM_OK);
}

static void test_wire_ipv6_pseudo_header(void **state)
{
    /* 2001:db8::1:443 -> 2001:db8::2:50000, PSH|ACK, payload "hi!" (23 bytes).
     * Known value (independent computation): 543c.  The same bytes under an
     * IPv4 pseudo-header give another sum. */
    static const uint8_t seg[23] = {
        0x01, 0xbb, 0xc3, 0x50, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
        0x50, 0x18, 0x10, 0x00, 0, 0, 0, 0, 'h', 'i', '!',
    };
    struct tcpsm_addr src = v6(1), dst = v6(2);
    struct tcpsm_addr s4 = v4(192, 0, 2, 1), d4 = v4(198, 51, 100, 2);
    struct tcpsm_segment s;
    const uint8_t *pl;
    uint8_t out[64];
    size_t outlen;

    (void)state;
    assert_int_equal(ref_checksum(&src, &dst, seg, 23), 0x543c);
    assert_int_equal(tcpsm_wire_checksum(&src, &dst, seg, 23), 0x543c);
    assert_int_equal(tcpsm_wire_checksum(&s4, &d4, seg, 23), 0xc379);

    assert_int_equal(tcpsm_wire_parse(seg, 23, &s, &pl), TCPSM_OK);
    s.src = src;
    s.dst = dst;
    assert_int_equal(tcpsm_wire_write(&s, pl, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 23);
    assert_int_equal(out[16], 0x54);
    assert_int_equal(out[17], 0x3c);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_OK);
    /* the pseudo-header matters: another destination fails */
    dst.addr[15] = 3;
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_ERR_BAD_CHECKSUM);
}

static void test_wire_odd_length_payload_checksum(void **state)
{
    /* The RFC 1071 bytes cut to 7: 0001 + f203 + f4f5 + f600 (the odd f6
     * padded with a zero on its right) = dcfb, + 0006 + 0007 (all-zero IPv4
     * pseudo-header, TCP Length 7) = dd08, complement 22f7.  Padding on the
     * left (00f6) would give 1802. */
    static const uint8_t b[7] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6 };
    struct tcpsm_addr z = v4(0, 0, 0, 0);
    struct tcpsm_addr src = v4(10, 0, 0, 1), dst = v4(10, 0, 0, 2);
    static const uint8_t data[7] = { 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9 };
    struct tcpsm_segment s;
    const uint8_t *pl;
    uint8_t in[64], out[64];
    size_t outlen, plen;

    (void)state;
    assert_int_equal(tcpsm_wire_checksum(&z, &z, b, 7), 0x22f7);
    assert_int_equal(ref_checksum(&z, &z, b, 7), 0x22f7);
    /* odd payload lengths through write and verify */
    for (plen = 1; plen <= 7; plen += 2) {
        size_t n = mk(in, NULL, 0, data, plen);
        in[16] = in[17] = 0;
        assert_int_equal(tcpsm_wire_checksum(&src, &dst, in, n),
                         ref_checksum(&src, &dst, in, n));
        assert_int_equal(tcpsm_wire_parse(in, n, &s, &pl), TCPSM_OK);
        s.src = src;
        s.dst = dst;
        assert_int_equal(tcpsm_wire_write(&s, pl, out, sizeof out, &outlen), TCPSM_OK);
        assert_int_equal(outlen, n);
        assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_OK);
        assert_int_equal(ref_checksum(&src, &dst, out, outlen), 0);
    }
}

static void test_wire_checksum_of_correct_segment_is_zero(void **state)
{
    struct tcpsm_addr src = v4(192, 0, 2, 1), dst = v4(198, 51, 100, 2);
    uint8_t buf[64];
    size_t n = mk(buf, NULL, 0, (const uint8_t *)"abc", 3);
    uint16_t c;

    (void)state;
    buf[16] = buf[17] = 0;
    c = tcpsm_wire_checksum(&src, &dst, buf, n);
    buf[16] = (uint8_t)(c >> 8);
    buf[17] = (uint8_t)c;
    assert_int_equal(tcpsm_wire_checksum(&src, &dst, buf, n), 0);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, buf, n), TCPSM_OK);
}

static void test_wire_bad_checksum_detected(void **state)
{
    /* The one's complement sum detects every single-bit error. */
    struct tcpsm_addr src = v4(192, 0, 2, 1), dst = v4(198, 51, 100, 2);
    static const uint8_t opts[4] = { 2, 4, 0x05, 0xB4 };
    struct tcpsm_segment s;
    const uint8_t *pl;
    uint8_t in[64], out[64];
    size_t n = mk(in, opts, 4, (const uint8_t *)"data!", 5);
    size_t outlen, i;
    unsigned bit;

    (void)state;
    assert_int_equal(tcpsm_wire_parse(in, n, &s, &pl), TCPSM_OK);
    s.src = src;
    s.dst = dst;
    assert_int_equal(tcpsm_wire_write(&s, pl, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_OK);
    for (i = 0; i < outlen; i++) {
        for (bit = 0; bit < 8; bit++) {
            out[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_ERR_BAD_CHECKSUM);
            out[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* a wrong source address (misrouted segment) and a wrong length */
    src.addr[3] = 2;
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_ERR_BAD_CHECKSUM);
    src.addr[3] = 1;
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen - 1), TCPSM_ERR_BAD_CHECKSUM);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, out, outlen), TCPSM_OK);
}

static void test_wire_verify_rejects_bad_arguments(void **state)
{
    struct tcpsm_addr a4 = v4(1, 2, 3, 4), a6 = v6(1), un;
    uint8_t buf[20];

    (void)state;
    memset(&un, 0, sizeof un);
    mk(buf, NULL, 0, NULL, 0);
    assert_int_equal(tcpsm_wire_verify(&a4, &a6, buf, 20), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_verify(&a6, &a4, buf, 20), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_verify(&un, &un, buf, 20), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_verify(NULL, &a4, buf, 20), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_verify(&a4, NULL, buf, 20), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_verify(&a4, &a4, NULL, 20), TCPSM_ERR_INVAL);
    un.family = 5;
    assert_int_equal(tcpsm_wire_verify(&un, &un, buf, 20), TCPSM_ERR_INVAL);
}

static void test_wire_checksum_bad_arguments_return_ffff(void **state)
{
    /* 0xFFFF is never a real result (the pseudo-header's PTCL 6 makes the
     * sum non-zero), so it is the documented "invalid" value. */
    struct tcpsm_addr a4 = v4(1, 2, 3, 4), a6 = v6(1), un;
    uint8_t buf[20];
    uint8_t *big;

    (void)state;
    memset(&un, 0, sizeof un);
    mk(buf, NULL, 0, NULL, 0);
    assert_int_equal(tcpsm_wire_checksum(&a4, &a6, buf, 20), 0xFFFF);
    assert_int_equal(tcpsm_wire_checksum(&un, &un, buf, 20), 0xFFFF);
    assert_int_equal(tcpsm_wire_checksum(NULL, NULL, buf, 20), 0xFFFF);
    assert_int_equal(tcpsm_wire_checksum(&a4, &a4, NULL, 20), 0xFFFF);
    /* all-zero addresses and an empty segment still sum to 0006 */
    memset(&un, 0, sizeof un);
    un.family = TCPSM_AF_INET;
    assert_int_equal(tcpsm_wire_checksum(&un, &un, NULL, 0), 0xFFF9);
    /* IPv4's TCP Length is 16 bits; IPv6's is 32 */
    big = calloc(65536, 1);
    assert_non_null(big);
    assert_int_equal(tcpsm_wire_checksum(&a4, &a4, big, 65536), 0xFFFF);
    assert_int_equal(tcpsm_wire_verify(&a4, &a4, big, 65536), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_checksum(&a6, &a6, big, 65536),
                     ref_checksum(&a6, &a6, big, 65536));
    free(big);
}

/* ---------------------------------------------------------------------- */
/* Write */

static struct tcpsm_segment full_segment(void)
{
    struct tcpsm_segment s;

    memset(&s, 0, sizeof s);
    s.sport = 443;
    s.dport = 50000;
    s.seq = 0xFFFFFFF0u;
    s.ack = 0x00000010u;
    s.flags = TCPSM_SYN | TCPSM_ACK | TCPSM_ECE;
    s.wnd = 65535;
    s.urp = 3;
    s.opt.has_mss = true;
    s.opt.mss = 1440;
    s.opt.sack_permitted = true;
    s.opt.has_ts = true;
    s.opt.ts_val = 0xA1A2A3A4u;
    s.opt.ts_ecr = 0xB1B2B3B4u;
    s.opt.has_wscale = true;
    s.opt.wscale = 9;
    s.opt.nsack = 1;
    s.opt.sack_left[0] = 100;
    s.opt.sack_right[0] = 200;
    return s;
}

static void test_wire_write_option_layout_and_zero_padding(void **state)
{
    /* MSS(4) SACKOK(2) TS(10) WS(3) SACK(10) = 29 bytes, then EOL + 2
     * zero bytes (MUST-69) -> 32 bytes of options, Data Offset 13. */
    static const uint8_t want[32] = {
        2, 4, 0x05, 0xA0,
        4, 2,
        8, 10, 0xA1, 0xA2, 0xA3, 0xA4, 0xB1, 0xB2, 0xB3, 0xB4,
        3, 3, 9,
        5, 10, 0, 0, 0, 100, 0, 0, 0, 200,
        0, 0, 0,
    };
    struct tcpsm_segment s = full_segment();
    uint8_t out[128];
    size_t outlen;

    (void)state;
    memset(out, 0xEE, sizeof out);
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 52);
    assert_int_equal(out[12], 13u << 4);  /* reserved bits zero */
    assert_int_equal(out[13], TCPSM_SYN | TCPSM_ACK | TCPSM_ECE);
    assert_int_equal(out[16], 0);          /* no addresses: checksum left 0 */
    assert_int_equal(out[17], 0);
    assert_memory_equal(out + 20, want, 32);
    assert_int_equal(out[52], 0xEE);       /* nothing written past outlen */
}

static void test_wire_write_no_options_is_twenty_bytes(void **state)
{
    struct tcpsm_segment s;
    uint8_t out[20];
    size_t outlen = 0;

    (void)state;
    memset(&s, 0, sizeof s);
    s.flags = TCPSM_RST;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, 20, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 20);
    assert_int_equal(out[12], 0x50);
    assert_int_equal(out[13], TCPSM_RST);
}

static void test_wire_roundtrip_all_options(void **state)
{
    struct tcpsm_segment s = full_segment(), back;
    const uint8_t *pl;
    uint8_t data[100];
    uint8_t out[256];
    size_t outlen, i;
    unsigned fam;

    (void)state;
    for (i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u);
    s.len = sizeof data;
    for (fam = 0; fam < 3; fam++) {
        if (fam == 0) {
            memset(&s.src, 0, sizeof s.src);
            memset(&s.dst, 0, sizeof s.dst);
        } else if (fam == 1) {
            s.src = v4(192, 0, 2, 1);
            s.dst = v4(192, 0, 2, 2);
        } else {
            s.src = v6(1);
            s.dst = v6(2);
        }
        assert_int_equal(tcpsm_wire_write(&s, data, out, sizeof out, &outlen), TCPSM_OK);
        assert_int_equal(outlen, 52 + sizeof data);
        if (fam != 0)
            assert_int_equal(tcpsm_wire_verify(&s.src, &s.dst, out, outlen), TCPSM_OK);
        assert_int_equal(tcpsm_wire_parse(out, outlen, &back, &pl), TCPSM_OK);
        back.src = s.src;
        back.dst = s.dst;
        assert_true(seg_equal(&s, &back));
        assert_memory_equal(pl, data, sizeof data);
    }
    /* four SACK blocks alone (34 bytes -> 36) */
    s = full_segment();
    memset(&s.opt, 0, sizeof s.opt);   /* absent options read back as zero */
    s.opt.nsack = 4;
    for (i = 0; i < 4; i++) {
        s.opt.sack_left[i] = (uint32_t)(i * 1000u + 1u);
        s.opt.sack_right[i] = (uint32_t)(i * 1000u + 500u);
    }
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 56);
    assert_int_equal(tcpsm_wire_parse(out, outlen, &back, &pl), TCPSM_OK);
    assert_true(seg_equal(&s, &back));
}

static void test_wire_write_options_over_forty_bytes_rejected(void **state)
{
    struct tcpsm_segment s = full_segment();
    uint8_t out[256];
    size_t outlen = 12345;

    (void)state;
    /* MSS 4 + SACKOK 2 + TS 10 + WS 3 + SACK(2 blocks) 18 = 37 -> fits in 40 */
    s.opt.nsack = 2;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 60);
    /* ... 3 blocks = 45: does not */
    s.opt.nsack = 3;
    outlen = 12345;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
    assert_int_equal(outlen, 12345);
    /* more than TCPSM_MAX_SACK blocks */
    s = full_segment();
    s.opt.has_mss = s.opt.has_ts = s.opt.has_wscale = s.opt.sack_permitted = false;
    s.opt.nsack = TCPSM_MAX_SACK + 1;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
}

static void test_wire_write_nospace(void **state)
{
    struct tcpsm_segment s = full_segment();
    uint8_t data[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    uint8_t out[128];
    size_t outlen = 777;
    size_t cap;

    (void)state;
    s.len = sizeof data;
    s.src = v4(1, 1, 1, 1);
    s.dst = v4(2, 2, 2, 2);
    for (cap = 0; cap < 62; cap++) {
        memset(out, 0xEE, sizeof out);
        assert_int_equal(tcpsm_wire_write(&s, data, out, cap, &outlen), TCPSM_ERR_NOSPACE);
        assert_int_equal(outlen, 777);
        assert_int_equal(out[0], 0xEE);   /* nothing written */
        assert_int_equal(out[cap], 0xEE);
    }
    assert_int_equal(tcpsm_wire_write(&s, data, out, 62, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 62);
}

static void test_wire_write_total_over_65535_rejected(void **state)
{
    struct tcpsm_segment s;
    uint8_t *data = calloc(65535, 1);
    uint8_t *out = malloc(65536 + 64);
    size_t outlen;

    (void)state;
    assert_non_null(data);
    assert_non_null(out);
    memset(&s, 0, sizeof s);
    s.len = 65535 - 20;
    assert_int_equal(tcpsm_wire_write(&s, data, out, 65536 + 64, &outlen), TCPSM_OK);
    assert_int_equal(outlen, 65535);
    s.len = 65535 - 20 + 1;
    assert_int_equal(tcpsm_wire_write(&s, data, out, 65536 + 64, &outlen), TCPSM_ERR_INVAL);
    s.len = 65535 - 24;
    s.opt.has_mss = true;
    assert_int_equal(tcpsm_wire_write(&s, data, out, 65536 + 64, &outlen), TCPSM_OK);
    s.len = 65535 - 23;
    assert_int_equal(tcpsm_wire_write(&s, data, out, 65536 + 64, &outlen), TCPSM_ERR_INVAL);
    s.len = 0xFFFFFFFFu;
    assert_int_equal(tcpsm_wire_write(&s, data, out, 65536 + 64, &outlen), TCPSM_ERR_INVAL);
    free(data);
    free(out);
}

static void test_wire_write_rejects_family_mismatch(void **state)
{
    struct tcpsm_segment s = full_segment();
    uint8_t out[128];
    size_t outlen;

    (void)state;
    s.src = v4(1, 1, 1, 1);
    s.dst = v6(2);
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
    memset(&s.dst, 0, sizeof s.dst);
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
    s.src.family = 9;
    s.dst.family = 9;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
}

static void test_wire_write_null_arguments_rejected(void **state)
{
    struct tcpsm_segment s = full_segment();
    uint8_t out[128];
    size_t outlen;

    (void)state;
    assert_int_equal(tcpsm_wire_write(NULL, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_write(&s, NULL, NULL, sizeof out, &outlen), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, NULL), TCPSM_ERR_INVAL);
    s.len = 1;
    assert_int_equal(tcpsm_wire_write(&s, NULL, out, sizeof out, &outlen), TCPSM_ERR_INVAL);
}

/* ---------------------------------------------------------------------- */
/* Memory safety and random round trips */

static uint64_t rng_state;

static uint64_t rng(void)   /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned rnd(unsigned bound)
{
    return (unsigned)(rng() % bound);
}

static uint64_t seed_from_env(void)
{
    const char *e = getenv("TCPSM_SEED");
    uint64_t seed = 0x7C95DB1E5EEDULL;

    if (e != NULL && *e != '\0')
        seed = strtoull(e, NULL, 0);
    return seed == 0 ? 1 : seed;   /* xorshift must not start at 0 */
}

/* A random segment: a random fixed header, a random Data Offset (mostly
 * >= 5), an option area built from a mix of valid options, NOPs, EOLs,
 * unknown options, corrupted lengths and noise, then 0..40 payload bytes;
 * sometimes cut short.  Returns the length. */
static size_t random_segment(uint8_t *b)
{
    size_t i, hdrlen, olen, plen, n;
    unsigned doff = rnd(16) == 0 ? rnd(16) : 5u + rnd(11);

    for (i = 0; i < 20; i++)
        b[i] = (uint8_t)rng();
    b[12] = (uint8_t)((doff << 4) | (b[12] & 0x0Fu));
    hdrlen = doff < 5 ? 20u : doff * 4u;
    olen = hdrlen - 20u;
    i = 0;
    while (i < olen) {
        uint8_t *o = b + 20 + i;
        size_t room = olen - i, len = 0;
        unsigned t = rnd(12);

        switch (t) {
        case 0: o[0] = 0; len = 1; break;                       /* EOL */
        case 1: o[0] = 1; len = 1; break;                       /* NOP */
        case 2: len = 4; if (room >= len) { o[0] = 2; o[1] = 4; } break;
        case 3: len = 3; if (room >= len) { o[0] = 3; o[1] = 3; } break;
        case 4: len = 2; if (room >= len) { o[0] = 4; o[1] = 2; } break;
        case 5: len = 2u + 8u * (1u + rnd(4));
                if (room >= len) { o[0] = 5; o[1] = (uint8_t)len; } break;
        case 6: len = 10; if (room >= len) { o[0] = 8; o[1] = 10; } break;
        case 7: case 8:                                         /* unknown kind */
            len = 2u + rnd(8);
            if (room >= len) { o[0] = (uint8_t)(9u + rnd(240)); o[1] = (uint8_t)len; }
            break;
        case 9:                                                 /* known kind, random length */
            len = 2;
            if (room >= len) { o[0] = (uint8_t)(2u + rnd(7)); o[1] = (uint8_t)rnd(12); }
            break;
        default: o[0] = (uint8_t)rng(); len = 1; break;         /* noise */
        }
        if (len > room) {
            o[0] = (uint8_t)rng();
            len = 1;
        } else if (t >= 2 && t <= 8) {
            size_t k;
            for (k = 2; k < len; k++)
                o[k] = (uint8_t)rng();
        }
        i += len;
    }
    plen = rnd(41);
    for (i = 0; i < plen; i++)
        b[hdrlen + i] = (uint8_t)rng();
    n = hdrlen + plen;
    if (rnd(8) == 0)
        n = rnd((unsigned)n + 1u);
    return n;
}

static void test_wire_never_reads_past_buffer(void **state)
{
    /* Every prefix of a set of segments, each in an exactly sized heap
     * buffer: ASan/valgrind flag any read past the end. */
    static const uint8_t opts[40] = {
        2, 4, 5, 0xB4, 1, 3, 3, 7, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8,
        5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 30, 6, 1, 2, 3, 4, 1, 1, 1, 2,
    };
    uint8_t base[128];
    struct tcpsm_addr a = v4(1, 2, 3, 4);
    struct tcpsm_segment s;
    size_t total, n, iter;

    (void)state;
    rng_state = 0x5EED5EEDULL;
    for (iter = 0; iter < 200; iter++) {
        if (iter == 0)
            total = mk(base, opts, 40, (const uint8_t *)"xyz", 3);
        else
            total = random_segment(base);
        for (n = 0; n <= total; n++) {
            uint8_t *h = malloc(n > 0 ? n : 1);
            const uint8_t *pl = NULL;
            enum tcpsm_err e;

            assert_non_null(h);
            memcpy(h, base, n);
            e = tcpsm_wire_parse(h, n, &s, &pl);
            assert_true(e == TCPSM_OK || e == TCPSM_ERR_TRUNCATED ||
                        e == TCPSM_ERR_BAD_HEADER || e == TCPSM_ERR_BAD_OPTION);
            if (e == TCPSM_OK) {
                uint8_t *out;
                size_t outlen, cap;

                assert_true(s.len <= n);
                if (s.len > 0)
                    assert_ptr_equal(pl, h + n - s.len);
                (void)tcpsm_wire_verify(&a, &a, h, n);
                /* write into an exactly sized buffer, and one byte less */
                s.src = a;
                s.dst = a;
                assert_int_equal(tcpsm_wire_write(&s, pl, h, 0, &cap), TCPSM_ERR_NOSPACE);
                out = malloc(128);
                assert_non_null(out);
                assert_int_equal(tcpsm_wire_write(&s, pl, out, 128, &cap), TCPSM_OK);
                free(out);
                out = malloc(cap);
                assert_non_null(out);
                assert_int_equal(tcpsm_wire_write(&s, pl, out, cap, &outlen), TCPSM_OK);
                assert_int_equal(outlen, cap);
                assert_int_equal(tcpsm_wire_verify(&a, &a, out, outlen), TCPSM_OK);
                free(out);
                out = malloc(cap - 1);
                assert_non_null(out);
                assert_int_equal(tcpsm_wire_write(&s, pl, out, cap - 1, &outlen),
                                 TCPSM_ERR_NOSPACE);
                free(out);
            }
            free(h);
        }
    }
}

static void test_wire_random_roundtrip_stable(void **state)
{
    /* parse(x) = p1 -> write -> parse = p2 -> write -> parse = p3:
     * p2 equals p1 except nunknown (unknown options are not re-emitted),
     * p3 equals p2, the two serialisations are byte-identical and carry a
     * correct checksum, and the payload survives. */
    const uint64_t seed = seed_from_env();
    const unsigned iterations = 10000;
    uint8_t in[128], out1[128], out2[128];
    unsigned it, ok = 0;

    (void)state;
    rng_state = seed;
    for (it = 0; it < iterations; it++) {
        struct tcpsm_segment p1, p2, p3, want;
        const uint8_t *pl1, *pl2, *pl3;
        size_t n = random_segment(in), len1, len2;
        unsigned fam = rnd(3);
        struct tcpsm_addr src, dst;
        int good = 1;

        if (tcpsm_wire_parse(in, n, &p1, &pl1) != TCPSM_OK)
            continue;
        ok++;
        memset(&src, 0, sizeof src);
        memset(&dst, 0, sizeof dst);
        if (fam == 1) {
            src = v4((uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng());
            dst = v4((uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng());
        } else if (fam == 2) {
            src = v6((uint8_t)rng());
            dst = v6((uint8_t)rng());
        }
        p1.src = src;
        p1.dst = dst;
        good = good && tcpsm_wire_write(&p1, pl1, out1, sizeof out1, &len1) == TCPSM_OK;
        good = good && (fam == 0 || tcpsm_wire_verify(&src, &dst, out1, len1) == TCPSM_OK);
        good = good && tcpsm_wire_parse(out1, len1, &p2, &pl2) == TCPSM_OK;
        if (good) {
            want = p1;
            want.opt.nunknown = 0;
            memset(&want.src, 0, sizeof want.src);
            memset(&want.dst, 0, sizeof want.dst);
            good = seg_equal(&want, &p2) &&
                   (p1.len == 0 || memcmp(pl1, pl2, p1.len) == 0);
            p2.src = src;
            p2.dst = dst;
        }
        good = good && tcpsm_wire_write(&p2, pl2, out2, sizeof out2, &len2) == TCPSM_OK;
        good = good && len1 == len2 && memcmp(out1, out2, len1) == 0;
        good = good && tcpsm_wire_parse(out2, len2, &p3, &pl3) == TCPSM_OK;
        if (good) {
            p3.src = src;
            p3.dst = dst;
            good = seg_equal(&p2, &p3);
        }
        if (!good)
            fail_msg("round trip unstable: TCPSM_SEED=0x%llx iteration %u",
                     (unsigned long long)seed, it);
    }
    /* the generator must produce enough parseable inputs to mean something */
    if (ok < iterations / 5)
        fail_msg("only %u of %u random inputs parsed (TCPSM_SEED=0x%llx)",
                 ok, iterations, (unsigned long long)seed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_parse_fixed_header_fields_big_endian),
        cmocka_unit_test(test_wire_parse_payload_starts_after_options),
        cmocka_unit_test(test_wire_parse_all_flag_bits),
        cmocka_unit_test(test_wire_parse_ignores_reserved_bits),
        cmocka_unit_test(test_wire_truncated_header_rejected),
        cmocka_unit_test(test_wire_data_offset_below_five_rejected),
        cmocka_unit_test(test_wire_data_offset_past_buffer_is_truncated),
        cmocka_unit_test(test_wire_parse_null_arguments_rejected),
        cmocka_unit_test(test_wire_parse_known_options_decoded),
        cmocka_unit_test(test_wire_eol_stops_option_parsing),
        cmocka_unit_test(test_wire_nop_padding),
        cmocka_unit_test(test_wire_options_begin_on_any_octet_boundary),
        cmocka_unit_test(test_wire_unknown_option_skipped_by_length),
        cmocka_unit_test(test_wire_mss_wrong_length_rejected),
        cmocka_unit_test(test_wire_known_option_wrong_length_rejected),
        cmocka_unit_test(test_wire_sack_length_must_be_two_plus_eight_k),
        cmocka_unit_test(test_wire_parse_rejects_option_length_zero),
        cmocka_unit_test(test_wire_parse_rejects_option_length_one),
        cmocka_unit_test(test_wire_parse_rejects_option_length_past_header),
        cmocka_unit_test(test_wire_option_length_bounded_by_header_not_payload),
        cmocka_unit_test(test_wire_parse_rejects_missing_length_byte),
        cmocka_unit_test(test_wire_parse_later_option_overrides_earlier),
        cmocka_unit_test(test_wire_malformed_leaves_segment_untouched),
        cmocka_unit_test(test_wire_checksum_rfc1071_known_vector),
        cmocka_unit_test(test_wire_checksum_ipv4_pseudo_header_known_vector),
        cmocka_unit_test(test_wire_ipv6_pseudo_header),
        cmocka_unit_test(test_wire_odd_length_payload_checksum),
        cmocka_unit_test(test_wire_checksum_of_correct_segment_is_zero),
        cmocka_unit_test(test_wire_bad_checksum_detected),
        cmocka_unit_test(test_wire_verify_rejects_bad_arguments),
        cmocka_unit_test(test_wire_checksum_bad_arguments_return_ffff),
        cmocka_unit_test(test_wire_write_option_layout_and_zero_padding),
        cmocka_unit_test(test_wire_write_no_options_is_twenty_bytes),
        cmocka_unit_test(test_wire_roundtrip_all_options),
        cmocka_unit_test(test_wire_write_options_over_forty_bytes_rejected),
        cmocka_unit_test(test_wire_write_nospace),
        cmocka_unit_test(test_wire_write_total_over_65535_rejected),
        cmocka_unit_test(test_wire_write_rejects_family_mismatch),
        cmocka_unit_test(test_wire_write_null_arguments_rejected),
        cmocka_unit_test(test_wire_never_reads_past_buffer),
        cmocka_unit_test(test_wire_random_roundtrip_stable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
