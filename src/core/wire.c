/*
 * wire.c: the TCP wire codec (RFC 9293 3.1, 3.2): parse and serialise a
 * TCP header with its options, and the Internet checksum (RFC 1071) over
 * the IPv4 or IPv6 pseudo-header.
 *
 * Implementation notes:
 * - "header length" (hdrlen) is Data Offset * 4, in bytes: 20..60.  The
 *   "option area" is bytes [20, hdrlen) of the header.  Every option read
 *   is bounded by hdrlen, never by n: an option whose length byte is
 *   missing, is < 2, or runs past hdrlen is TCPSM_ERR_BAD_OPTION (MUST-7,
 *   MUST-68), even when the bytes after the header (payload) would cover it.
 * - Parse fills a local segment and copies it out only on success, so a
 *   malformed segment leaves *seg and *payload untouched.
 * - Parse errors, in the order they are checked: NULL seg/payload, or NULL
 *   buf with n > 0 -> TCPSM_ERR_INVAL; n < 20 -> TCPSM_ERR_TRUNCATED; Data
 *   Offset < 5 -> TCPSM_ERR_BAD_HEADER; Data Offset * 4 > n ->
 *   TCPSM_ERR_TRUNCATED (the bytes end before the header says it does);
 *   a payload longer than 2^32 - 1 -> TCPSM_ERR_INVAL; then option errors.
 * - Options on parse: EOL ends the list and the rest of the option area is
 *   padding (its contents are not checked: MUST-69 binds the sender); NOP
 *   is skipped; MSS (2/4), window scale (3/3), SACK-permitted (4/2), SACK
 *   (5/2+8k, k = 1..4) and timestamps (8/10) are decoded, any other length
 *   for these kinds is TCPSM_ERR_BAD_OPTION; other kinds are skipped by
 *   their length and counted in nunknown (at most 20 fit in 40 bytes, so
 *   the uint8_t cannot overflow).  When a kind appears twice the later
 *   instance wins (a later SACK option replaces all earlier blocks).  Values
 *   are reported raw: a window scale above 14 (RFC 7323 2.3) or an MSS in a
 *   non-SYN segment (MUST-65) is the engine's business, not the codec's.
 * - Write emits the options back to back in this fixed order: MSS,
 *   SACK-permitted, timestamps, window scale, SACK blocks; then one EOL and
 *   zero bytes up to the next multiple of 4 (so all padding is zero,
 *   MUST-69).  No NOP alignment is inserted (receivers must accept options
 *   on any octet boundary, MUST-64), which lets every option set that fits
 *   in 40 bytes be written; more than 40 bytes of options, nsack > 4, a
 *   total length > 65535, NULL pointers, or src/dst families that differ
 *   or are not UNSPEC/INET/INET6 -> TCPSM_ERR_INVAL; a too-small cap ->
 *   TCPSM_ERR_NOSPACE.  Argument errors are reported before NOSPACE and
 *   nothing is written on any error.  The reserved bits are written as zero
 *   and ignored on parse (RFC 9293 3.1 "Reserved").  payload must not
 *   overlap out.
 * - Checksum: the running one's complement sum `acc` is kept in [0, 0xFFFF]
 *   by folding the end-around carry after every 16-bit addition (acc + w
 *   > 0xFFFF -> acc + w - 0xFFFF), so no loop needs a wide accumulator and
 *   no expression wraps.  Words are big-endian; an odd last byte is padded
 *   with a zero byte on its right.  tcpsm_wire_checksum returns
 *   0xFFFF - acc (the complement) in host order: stored big-endian into
 *   bytes 16-17 of a segment whose checksum field was zero, it makes the
 *   segment correct, and computed over a correct segment it yields 0.
 * - Because the pseudo-header always adds the non-zero protocol number 6,
 *   acc is never 0 for valid arguments and the result is never 0xFFFF.
 *   tcpsm_wire_checksum therefore returns 0xFFFF for invalid arguments
 *   (NULL address, families not both INET or both INET6, NULL tcp with
 *   n > 0, n > 65535 for IPv4 or n > 2^32 - 1 for IPv6); tcpsm_wire_verify
 *   reports those as TCPSM_ERR_INVAL.
 */

#include "tcpsm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Option kinds (RFC 9293 3.2; RFC 7323; RFC 2018). */
#define OPT_EOL    0u
#define OPT_NOP    1u
#define OPT_MSS    2u
#define OPT_WSCALE 3u
#define OPT_SACKOK 4u
#define OPT_SACK   5u
#define OPT_TS     8u

#define LEN_MSS    4u
#define LEN_WSCALE 3u
#define LEN_SACKOK 2u
#define LEN_TS     10u
#define LEN_SACK_BLOCK 8u

#define OPT_SPACE (TCPSM_HDR_MAX - TCPSM_HDR_MIN)   /* 40 bytes of options */
#define SEG_MAX 65535u                              /* IPv4 TCP Length field */
#define PROTO_TCP 6u

/* The sentinel tcpsm_wire_checksum returns for invalid arguments. */
#define SUM_INVALID 0xFFFFu

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(((unsigned)p[0] << 8) | (unsigned)p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xFFu);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)((v >> 16) & 0xFFu);
    p[2] = (uint8_t)((v >> 8) & 0xFFu);
    p[3] = (uint8_t)(v & 0xFFu);
}

/* ---------------------------------------------------------------------- */
/* Checksum */

/* One's complement addition of a 16-bit word; acc stays in [0, 0xFFFF]. */
static uint32_t sum_add(uint32_t acc, uint32_t w)
{
    uint32_t s = acc + w;   /* <= 0x1FFFE: no wrap */

    /* RFC 1071 2(1): the carry out of bit 15 is added back in (end-around carry) */
    return s > 0xFFFFu ? s - 0xFFFFu : s;
}

/* Add n bytes as big-endian 16-bit words to acc. */
static uint32_t sum_bytes(uint32_t acc, const uint8_t *p, size_t n)
{
    size_t pairs = n / 2u;
    size_t k;

    for (k = 0; k < pairs; k++)
        acc = sum_add(acc, get16(p + 2u * k));
    /* RFC 9293 3.1 Checksum: an odd last octet is padded with zeros on its right */
    if (n % 2u != 0u)
        acc = sum_add(acc, (uint32_t)p[n - 1u] << 8);
    return acc;
}

/* Start a sum with the pseudo-header of an n-byte TCP segment.  Returns
 * false (and leaves *acc alone) when the addresses cannot form one. */
static bool sum_pseudo(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                       size_t n, uint32_t *acc)
{
    uint32_t a = 0;

    if (src == NULL || dst == NULL || src->family != dst->family)
        return false;
    if (src->family == TCPSM_AF_INET) {
        /* RFC 9293 3.1 Figure 2: src, dst, zero, PTCL, 16-bit TCP Length */
        if ((uint64_t)n > SEG_MAX)
            return false;
        a = sum_bytes(a, src->addr, 4u);
        a = sum_bytes(a, dst->addr, 4u);
        a = sum_add(a, PROTO_TCP);
        a = sum_add(a, (uint32_t)n);
    } else if (src->family == TCPSM_AF_INET6) {
        /* RFC 9293 3.1, RFC 8200 8.1: src, dst, 32-bit length, 3 zero bytes, next header */
        if ((uint64_t)n > 0xFFFFFFFFu)
            return false;
        a = sum_bytes(a, src->addr, 16u);
        a = sum_bytes(a, dst->addr, 16u);
        a = sum_add(a, (uint32_t)((uint64_t)n >> 16));
        a = sum_add(a, (uint32_t)((uint64_t)n & 0xFFFFu));
        a = sum_add(a, PROTO_TCP);
    } else {
        return false;
    }
    *acc = a;
    return true;
}

uint16_t tcpsm_wire_checksum(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                             const uint8_t *tcp, size_t n)
{
    uint32_t acc = 0;

    if (tcp == NULL && n > 0u)
        return SUM_INVALID;
    if (!sum_pseudo(src, dst, n, &acc))
        return SUM_INVALID;
    /* RFC 9293 3.1 Checksum (MUST-2): the ones' complement of the ones' complement sum */
    acc = sum_bytes(acc, tcp, n);
    return (uint16_t)(0xFFFFu - acc);
}

enum tcpsm_err tcpsm_wire_verify(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                                 const uint8_t *tcp, size_t n)
{
    uint32_t acc = 0;

    if (tcp == NULL && n > 0u)
        return TCPSM_ERR_INVAL;
    if (!sum_pseudo(src, dst, n, &acc))
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1 Checksum (MUST-3): a correct segment sums to 0xFFFF (checksum 0) */
    return tcpsm_wire_checksum(src, dst, tcp, n) == 0u ? TCPSM_OK : TCPSM_ERR_BAD_CHECKSUM;
}

/* ---------------------------------------------------------------------- */
/* Parse */

/* Decode the option area o[0..olen), olen <= 40, into *opt (zeroed by the
 * caller).  Never reads o[olen] or beyond. */
static enum tcpsm_err parse_options(const uint8_t *o, size_t olen, struct tcpsm_options *opt)
{
    size_t i = 0;

    while (i < olen) {
        unsigned kind = o[i];
        size_t len;
        size_t k;

        /* RFC 9293 3.2: EOL ends the option list; the rest is padding */
        if (kind == OPT_EOL)
            break;
        /* RFC 9293 3.2: NOP is a single octet, skipped (MUST-64: options may begin anywhere) */
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        /* RFC 9293 3.1 (MUST-68): every other option has a length byte; a missing one is illegal */
        if (olen - i < 2u)
            return TCPSM_ERR_BAD_OPTION;
        len = o[i + 1u];
        /* RFC 9293 3.1 (MUST-7): an option length < 2 or past the header is illegal */
        if (len < 2u || len > olen - i)
            return TCPSM_ERR_BAD_OPTION;

        switch (kind) {
        case OPT_MSS:
            /* RFC 9293 3.2 (MUST-4, MUST-14): MSS has length 4 */
            if (len != LEN_MSS)
                return TCPSM_ERR_BAD_OPTION;
            opt->has_mss = true;
            opt->mss = get16(o + i + 2u);
            break;
        case OPT_WSCALE:
            /* RFC 7323 2.2: window scale has length 3 (the shift is reported raw) */
            if (len != LEN_WSCALE)
                return TCPSM_ERR_BAD_OPTION;
            opt->has_wscale = true;
            opt->wscale = o[i + 2u];
            break;
        case OPT_SACKOK:
            /* RFC 2018 2: SACK-permitted has length 2 */
            if (len != LEN_SACKOK)
                return TCPSM_ERR_BAD_OPTION;
            opt->sack_permitted = true;
            break;
        case OPT_SACK:
            /* RFC 2018 3: SACK has length 2 + 8k; at most 4 blocks fit in 40 bytes */
            if ((len - 2u) % LEN_SACK_BLOCK != 0u || len < 2u + LEN_SACK_BLOCK ||
                (len - 2u) / LEN_SACK_BLOCK > TCPSM_MAX_SACK)
                return TCPSM_ERR_BAD_OPTION;
            memset(opt->sack_left, 0, sizeof opt->sack_left);
            memset(opt->sack_right, 0, sizeof opt->sack_right);
            opt->nsack = (uint8_t)((len - 2u) / LEN_SACK_BLOCK);
            for (k = 0; k < opt->nsack; k++) {
                opt->sack_left[k] = get32(o + i + 2u + k * LEN_SACK_BLOCK);
                opt->sack_right[k] = get32(o + i + 6u + k * LEN_SACK_BLOCK);
            }
            break;
        case OPT_TS:
            /* RFC 7323 3.2: timestamps have length 10 */
            if (len != LEN_TS)
                return TCPSM_ERR_BAD_OPTION;
            opt->has_ts = true;
            opt->ts_val = get32(o + i + 2u);
            opt->ts_ecr = get32(o + i + 6u);
            break;
        default:
            /* RFC 9293 3.1 (MUST-6): an unknown option is ignored, skipped by its length */
            opt->nunknown++;
            break;
        }
        i += len;
    }
    return TCPSM_OK;
}

enum tcpsm_err tcpsm_wire_parse(const uint8_t *buf, size_t n,
                                struct tcpsm_segment *seg, const uint8_t **payload)
{
    struct tcpsm_segment s;
    size_t hdrlen;
    enum tcpsm_err err;

    if (seg == NULL || payload == NULL || (buf == NULL && n > 0u))
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1: the fixed header is 20 bytes */
    if (n < TCPSM_HDR_MIN)
        return TCPSM_ERR_TRUNCATED;
    /* RFC 9293 3.1 Data Offset: the header length in 32-bit words, at least 5 */
    hdrlen = (size_t)(buf[12] >> 4) * 4u;
    if (hdrlen < TCPSM_HDR_MIN)
        return TCPSM_ERR_BAD_HEADER;
    if (hdrlen > n)
        return TCPSM_ERR_TRUNCATED;
    if ((uint64_t)(n - hdrlen) > 0xFFFFFFFFu)
        return TCPSM_ERR_INVAL;

    memset(&s, 0, sizeof s);
    s.sport = get16(buf);
    s.dport = get16(buf + 2);
    s.seq = get32(buf + 4);
    s.ack = get32(buf + 8);
    /* RFC 9293 3.1 Rsrvd: the low 4 bits of byte 12 are ignored on receipt */
    s.flags = buf[13];
    s.wnd = get16(buf + 14);
    s.urp = get16(buf + 18);

    /* RFC 9293 3.1 (MUST-5): options are accepted in any segment */
    err = parse_options(buf + TCPSM_HDR_MIN, hdrlen - TCPSM_HDR_MIN, &s.opt);
    if (err != TCPSM_OK)
        return err;

    s.len = (uint32_t)(n - hdrlen);
    *seg = s;
    *payload = s.len > 0u ? buf + hdrlen : NULL;
    return TCPSM_OK;
}

/* ---------------------------------------------------------------------- */
/* Write */

/* Bytes of options *opt needs, before padding. */
static size_t options_len(const struct tcpsm_options *opt)
{
    size_t olen = 0;

    if (opt->has_mss)
        olen += LEN_MSS;
    if (opt->sack_permitted)
        olen += LEN_SACKOK;
    if (opt->has_ts)
        olen += LEN_TS;
    if (opt->has_wscale)
        olen += LEN_WSCALE;
    if (opt->nsack > 0u)
        olen += 2u + (size_t)opt->nsack * LEN_SACK_BLOCK;
    return olen;
}

/* Write the options of *opt at o, in the documented order; o has room for
 * options_len(opt) bytes.  Returns the bytes written. */
static size_t write_options(const struct tcpsm_options *opt, uint8_t *o)
{
    size_t i = 0;
    size_t k;

    if (opt->has_mss) {
        o[i] = OPT_MSS;
        o[i + 1u] = LEN_MSS;
        put16(o + i + 2u, opt->mss);
        i += LEN_MSS;
    }
    if (opt->sack_permitted) {
        o[i] = OPT_SACKOK;
        o[i + 1u] = LEN_SACKOK;
        i += LEN_SACKOK;
    }
    if (opt->has_ts) {
        o[i] = OPT_TS;
        o[i + 1u] = LEN_TS;
        put32(o + i + 2u, opt->ts_val);
        put32(o + i + 6u, opt->ts_ecr);
        i += LEN_TS;
    }
    if (opt->has_wscale) {
        o[i] = OPT_WSCALE;
        o[i + 1u] = LEN_WSCALE;
        o[i + 2u] = opt->wscale;
        i += LEN_WSCALE;
    }
    if (opt->nsack > 0u) {
        o[i] = OPT_SACK;
        o[i + 1u] = (uint8_t)(2u + (size_t)opt->nsack * LEN_SACK_BLOCK);
        for (k = 0; k < opt->nsack; k++) {
            put32(o + i + 2u + k * LEN_SACK_BLOCK, opt->sack_left[k]);
            put32(o + i + 6u + k * LEN_SACK_BLOCK, opt->sack_right[k]);
        }
        i += 2u + (size_t)opt->nsack * LEN_SACK_BLOCK;
    }
    return i;
}

enum tcpsm_err tcpsm_wire_write(const struct tcpsm_segment *seg, const uint8_t *payload,
                                uint8_t *out, size_t cap, size_t *outlen)
{
    size_t olen;
    size_t hdrlen;
    size_t total;
    bool with_sum;

    if (seg == NULL || out == NULL || outlen == NULL)
        return TCPSM_ERR_INVAL;
    if (seg->len > 0u && payload == NULL)
        return TCPSM_ERR_INVAL;
    if (seg->opt.nsack > TCPSM_MAX_SACK)
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1 (MUST-2): a pseudo-header needs two addresses of one family */
    if (seg->src.family != seg->dst.family)
        return TCPSM_ERR_INVAL;
    if (seg->src.family != TCPSM_AF_UNSPEC && seg->src.family != TCPSM_AF_INET &&
        seg->src.family != TCPSM_AF_INET6)
        return TCPSM_ERR_INVAL;
    with_sum = seg->src.family != TCPSM_AF_UNSPEC;

    olen = options_len(&seg->opt);
    /* RFC 9293 3.1 Data Offset: at most 15 words, so at most 40 bytes of options */
    if (olen > OPT_SPACE)
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1: the header is an integer multiple of 32 bits long */
    hdrlen = TCPSM_HDR_MIN + (olen + 3u) / 4u * 4u;
    /* RFC 9293 3.1 Figure 2: the TCP Length must fit 16 bits */
    if (seg->len > SEG_MAX - hdrlen)
        return TCPSM_ERR_INVAL;
    total = hdrlen + seg->len;
    if (cap < total)
        return TCPSM_ERR_NOSPACE;

    /* RFC 9293 3.1 (MUST-69): padding after EOL is zeros; reserved bits and checksum start at 0 */
    memset(out, 0, hdrlen);
    put16(out, seg->sport);
    put16(out + 2, seg->dport);
    put32(out + 4, seg->seq);
    put32(out + 8, seg->ack);
    out[12] = (uint8_t)((hdrlen / 4u) << 4);
    out[13] = seg->flags;
    put16(out + 14, seg->wnd);
    put16(out + 18, seg->urp);
    (void)write_options(&seg->opt, out + TCPSM_HDR_MIN);
    if (seg->len > 0u)
        memcpy(out + hdrlen, payload, seg->len);

    if (with_sum) {
        /* RFC 9293 3.1 (MUST-2): the sender computes the checksum with the field zeroed */
        put16(out + 16, tcpsm_wire_checksum(&seg->src, &seg->dst, out, total));
    }
    *outlen = total;
    return TCPSM_OK;
}
