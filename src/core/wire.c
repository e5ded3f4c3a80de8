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
 * - Parse decodes the options into a local struct and writes *seg and
 *   *payload only once they are known to be well formed, so a malformed
 *   segment leaves *seg and *payload untouched.
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
 * - Proof shape (Frama-C/WP with -wp-rte and the unsigned overflow and
 *   downcast checks; contracts of the public functions in tcpsm_wire.h):
 *   byte fields are built with * and / by powers of 2, not shifts and
 *   masks (the same machine code, but linear arithmetic for the provers);
 *   memset/memcpy are small loops under contracts (zero_bytes, copy_bytes);
 *   structs are copied field by field, never with `=` (WP's whole-struct
 *   load is beyond Z3/CVC4 in time); fields of *seg that are bytes, like
 *   out, are read before out is written, so no frame argument is needed;
 *   each public function is its argument checks followed by one call to
 *   the helper that does the work (decode, emit), which keeps the goals of
 *   the error behaviours ("assigns \nothing") small.
 */

#include "tcpsm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ---------------------------------------------------------------------- */
/* Bytes.  Division and remainder rather than shifts and masks: the same
 * machine code, and linear arithmetic for the provers. */

/*@ requires p_valid: \valid_read(p + (0 .. 1));
    assigns \nothing;
    ensures value: \result == be16(p);
*/
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] * 256u + (unsigned)p[1]);
}

/*@ requires p_valid: \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures value: \result == be32(p);
*/
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] * 16777216u + (uint32_t)p[1] * 65536u +
           (uint32_t)p[2] * 256u + (uint32_t)p[3];
}

/*@ requires p_valid: \valid(p + (0 .. 1));
    assigns p[0 .. 1];
    ensures value: be16(p) == v;
*/
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v / 256u);
    p[1] = (uint8_t)(v % 256u);
}

/*@ requires p_valid: \valid(p + (0 .. 3));
    assigns p[0 .. 3];
    ensures value: be32(p) == v;
*/
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v / 16777216u);
    p[1] = (uint8_t)(v / 65536u % 256u);
    p[2] = (uint8_t)(v / 256u % 256u);
    p[3] = (uint8_t)(v % 256u);
}

/* ---------------------------------------------------------------------- */
/* Checksum */

/* One's complement addition of a 16-bit word; acc stays in [0, 0xFFFF]. */
/*@ requires acc_range: acc <= 0xFFFF;
    requires w_range: w <= 0xFFFF;
    assigns \nothing;
    ensures value: \result == (acc + w > 0xFFFF ? acc + w - 0xFFFF : acc + w);
    ensures range: \result <= 0xFFFF;
    ensures nonzero: acc + w >= 1 ==> \result >= 1;
*/
static uint32_t sum_add(uint32_t acc, uint32_t w)
{
    uint32_t s = acc + w;   /* <= 0x1FFFE: no wrap */

    /* RFC 1071 2(1): the carry out of bit 15 is added back in (end-around carry) */
    return s > 0xFFFFu ? s - 0xFFFFu : s;
}

/* Add n bytes as big-endian 16-bit words to acc. */
/*@ requires acc_range: acc <= 0xFFFF;
    requires p_valid: \valid_read(p + (0 .. n - 1));
    assigns \nothing;
    ensures range: \result <= 0xFFFF;
    ensures nonzero: acc >= 1 ==> \result >= 1;
*/
static uint32_t sum_bytes(uint32_t acc, const uint8_t *p, size_t n)
{
    size_t k = 0;

    /*@ loop invariant k_bound: 0 <= k <= n;
        loop invariant range: acc <= 0xFFFF;
        loop invariant nonzero: \at(acc, Pre) >= 1 ==> acc >= 1;
        loop assigns k, acc;
        loop variant n - k;
    */
    while (n - k >= 2u) {
        acc = sum_add(acc, get16(p + k));
        k += 2u;
    }
    /* RFC 9293 3.1 Checksum: an odd last octet is padded with zeros on its right */
    if (k < n)
        acc = sum_add(acc, (uint32_t)p[k] * 256u);
    return acc;
}

/* The sum of the pseudo-header of an n-byte TCP segment, in [1, 0xFFFF];
 * 0 when the addresses cannot form one (0 is never a sum: PTCL is 6). */
/*@ requires src_valid: src == \null || \valid_read(src);
    requires dst_valid: dst == \null || \valid_read(dst);
    assigns \nothing;
    behavior ok:
      assumes pseudo_ok(src, dst, n);
      ensures range: 1 <= \result <= 0xFFFF;
    behavior bad:
      assumes !pseudo_ok(src, dst, n);
      ensures none: \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static uint32_t sum_pseudo(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                           size_t n)
{
    uint32_t a = 0;

    if (src == NULL || dst == NULL || src->family != dst->family)
        return 0;
    if (src->family == TCPSM_AF_INET) {
        /* RFC 9293 3.1 Figure 2: src, dst, zero, PTCL, 16-bit TCP Length */
        if ((uint64_t)n > SEG_MAX)
            return 0;
        a = sum_bytes(a, src->addr, 4u);
        a = sum_bytes(a, dst->addr, 4u);
        a = sum_add(a, PROTO_TCP);
        a = sum_add(a, (uint32_t)n);
    } else if (src->family == TCPSM_AF_INET6) {
        /* RFC 9293 3.1, RFC 8200 8.1: src, dst, 32-bit length, 3 zero bytes, next header */
        if ((uint64_t)n > 0xFFFFFFFFu)
            return 0;
        a = sum_bytes(a, src->addr, 16u);
        a = sum_bytes(a, dst->addr, 16u);
        a = sum_add(a, (uint32_t)((uint64_t)n / 65536u));
        a = sum_add(a, (uint32_t)((uint64_t)n % 65536u));
        a = sum_add(a, PROTO_TCP);
    } else {
        return 0;
    }
    return a;
}

uint16_t tcpsm_wire_checksum(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                             const uint8_t *tcp, size_t n)
{
    uint32_t acc;

    if (tcp == NULL && n > 0u)
        return SUM_INVALID;
    acc = sum_pseudo(src, dst, n);
    if (acc == 0u)
        return SUM_INVALID;
    /* RFC 9293 3.1 Checksum (MUST-2): the ones' complement of the ones' complement sum */
    acc = sum_bytes(acc, tcp, n);
    return (uint16_t)(0xFFFFu - acc);
}

enum tcpsm_err tcpsm_wire_verify(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                                 const uint8_t *tcp, size_t n)
{
    if (tcp == NULL && n > 0u)
        return TCPSM_ERR_INVAL;
    if (sum_pseudo(src, dst, n) == 0u)
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1 Checksum (MUST-3): a correct segment sums to 0xFFFF (checksum 0) */
    return tcpsm_wire_checksum(src, dst, tcp, n) == 0u ? TCPSM_OK : TCPSM_ERR_BAD_CHECKSUM;
}

/* ---------------------------------------------------------------------- */
/* Bytes, in bulk */

/* Zero p[0..n) (memset, under a contract). */
/*@ requires p_valid: \valid(p + (0 .. n - 1));
    assigns p[0 .. n - 1];
    ensures zero: \forall integer j; 0 <= j < n ==> p[j] == 0;
*/
static void zero_bytes(uint8_t *p, size_t n)
{
    size_t k;

    /*@ loop invariant k_bound: 0 <= k <= n;
        loop invariant zero: \forall integer j; 0 <= j < k ==> p[j] == 0;
        loop assigns k, p[0 .. n - 1];
        loop variant n - k;
    */
    for (k = 0; k < n; k++)
        p[k] = 0;
}

/* Copy src[0..n) to dst[0..n), which do not overlap (memcpy, under a contract). */
/*@ requires dst_valid: \valid(dst + (0 .. n - 1));
    requires src_valid: \valid_read(src + (0 .. n - 1));
    requires separation: \separated(dst + (0 .. n - 1), src + (0 .. n - 1));
    assigns dst[0 .. n - 1];
    ensures copied: \forall integer j; 0 <= j < n ==> dst[j] == src[j];
*/
static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t k;

    /*@ loop invariant k_bound: 0 <= k <= n;
        loop invariant copied: \forall integer j; 0 <= j < k ==> dst[j] == src[j];
        loop assigns k, dst[0 .. n - 1];
        loop variant n - k;
    */
    for (k = 0; k < n; k++)
        dst[k] = src[k];
}

/* ---------------------------------------------------------------------- */
/* Parse */

/* Decode the nblk blocks of a SACK option whose blocks start at p; the
 * unused entries of sack_left/sack_right are zeroed. */
/*@ requires nblk_range: 1 <= nblk <= TCPSM_MAX_SACK;
    requires p_valid: \valid_read(p + (0 .. nblk * LEN_SACK_BLOCK - 1));
    requires opt_valid: \valid(opt);
    requires separation: \separated(p + (0 .. nblk * LEN_SACK_BLOCK - 1), opt);
    assigns opt->nsack, opt->sack_left[0 .. TCPSM_MAX_SACK - 1],
            opt->sack_right[0 .. TCPSM_MAX_SACK - 1];
    ensures nsack: opt->nsack == nblk;
*/
static void parse_sack(const uint8_t *p, size_t nblk, struct tcpsm_options *opt)
{
    size_t k;

    /* RFC 2018 3 (as documented above): a later SACK option replaces all earlier blocks */
    /*@ loop invariant k_bound: 0 <= k <= TCPSM_MAX_SACK;
        loop assigns k, opt->sack_left[0 .. TCPSM_MAX_SACK - 1],
                     opt->sack_right[0 .. TCPSM_MAX_SACK - 1];
        loop variant TCPSM_MAX_SACK - k;
    */
    for (k = 0; k < TCPSM_MAX_SACK; k++) {
        if (k < nblk) {
            opt->sack_left[k] = get32(p + k * LEN_SACK_BLOCK);
            opt->sack_right[k] = get32(p + k * LEN_SACK_BLOCK + 4u);
        } else {
            opt->sack_left[k] = 0;
            opt->sack_right[k] = 0;
        }
    }
    opt->nsack = (uint8_t)nblk;
}

/* Decode the option area o[0..olen), olen <= 40, into *opt (zeroed by the
 * caller).  Never reads o[olen] or beyond. */
/*@ requires olen_bound: olen <= OPT_SPACE;
    requires o_valid: \valid_read(o + (0 .. olen - 1));
    requires opt_valid: \valid(opt);
    requires separation: \separated(o + (0 .. olen - 1), opt);
    requires fresh: opt->nunknown == 0 && opt->nsack == 0;
    assigns *opt;
    ensures outcome: \result == TCPSM_OK || \result == TCPSM_ERR_BAD_OPTION;
    ensures nsack: opt->nsack <= TCPSM_MAX_SACK;
*/
static enum tcpsm_err parse_options(const uint8_t *o, size_t olen, struct tcpsm_options *opt)
{
    size_t i = 0;

    /*@ loop invariant i_bound: 0 <= i <= olen;
        loop invariant unknown: 2 * opt->nunknown <= i;
        loop invariant nsack: opt->nsack <= TCPSM_MAX_SACK;
        loop assigns i, *opt;
        loop variant olen - i;
    */
    while (i < olen) {
        unsigned kind = o[i];
        size_t len;

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
            parse_sack(o + i + 2u, (len - 2u) / LEN_SACK_BLOCK, opt);
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
            opt->nunknown = (uint8_t)(opt->nunknown + 1u);   /* <= 20: see the notes */
            break;
        }
        i += len;
    }
    return TCPSM_OK;
}

/* *dst = *src, field by field: WP reasons about a whole-struct copy through
 * a record Load that Z3 and CVC4 cannot unfold in time, while single-field
 * stores prove instantly. */
/*@ requires dst_valid: \valid(dst);
    requires src_valid: \valid_read(src);
    requires separation: \separated(dst, src);
    assigns *dst;
    ensures flags: dst->has_mss == \old(src->has_mss) &&
                   dst->has_wscale == \old(src->has_wscale) &&
                   dst->sack_permitted == \old(src->sack_permitted) &&
                   dst->has_ts == \old(src->has_ts);
    ensures values: dst->mss == \old(src->mss) && dst->wscale == \old(src->wscale) &&
                    dst->nsack == \old(src->nsack) && dst->nunknown == \old(src->nunknown) &&
                    dst->ts_val == \old(src->ts_val) && dst->ts_ecr == \old(src->ts_ecr);
    ensures sack: \forall integer j; 0 <= j < TCPSM_MAX_SACK ==>
                  dst->sack_left[j] == \old(src->sack_left[j]) &&
                  dst->sack_right[j] == \old(src->sack_right[j]);
*/
static void copy_options(struct tcpsm_options *dst, const struct tcpsm_options *src)
{
    size_t k;

    /*@ loop invariant k_bound: 0 <= k <= TCPSM_MAX_SACK;
        loop invariant sack: \forall integer j; 0 <= j < k ==>
                             dst->sack_left[j] == \at(src->sack_left[j], Pre) &&
                             dst->sack_right[j] == \at(src->sack_right[j], Pre);
        loop assigns k, dst->sack_left[0 .. TCPSM_MAX_SACK - 1],
                     dst->sack_right[0 .. TCPSM_MAX_SACK - 1];
        loop variant TCPSM_MAX_SACK - k;
    */
    for (k = 0; k < TCPSM_MAX_SACK; k++) {
        dst->sack_left[k] = src->sack_left[k];
        dst->sack_right[k] = src->sack_right[k];
    }
    dst->has_mss = src->has_mss;
    dst->has_wscale = src->has_wscale;
    dst->sack_permitted = src->sack_permitted;
    dst->has_ts = src->has_ts;
    dst->mss = src->mss;
    dst->wscale = src->wscale;
    dst->nsack = src->nsack;
    dst->nunknown = src->nunknown;
    dst->ts_val = src->ts_val;
    dst->ts_ecr = src->ts_ecr;
}

/* Decode a segment whose header length hdrlen has been checked against n:
 * the fixed header, then the options; *seg and *payload are written only
 * when the options are well formed. */
/*@ requires hdr: hdrlen == hdr_len(buf) && TCPSM_HDR_MIN <= hdrlen <= n;
    requires len: n - hdrlen <= 4294967295;
    requires buf_valid: \valid_read(buf + (0 .. n - 1));
    requires seg_valid: \valid(seg);
    requires payload_valid: \valid(payload);
    requires separation: \separated(buf + (0 .. n - 1), seg, payload);
    assigns *seg;
    assigns *payload \from buf, hdrlen, n, *payload;
    ensures outcome: \result == TCPSM_OK || \result == TCPSM_ERR_BAD_OPTION;
    ensures untouched: \result != TCPSM_OK ==> unchanged{Pre, Post}(seg, payload);
    ensures len: \result == TCPSM_OK ==> seg->len == n - hdrlen;
    ensures payload: \result == TCPSM_OK ==>
                     (seg->len == 0 ? *payload == \null : *payload == buf + hdrlen);
    ensures in_buf: \result == TCPSM_OK ==> *payload == \null ||
                    (\base_addr(*payload) == \base_addr(buf) && buf <= *payload <= buf + n);
    ensures header: \result == TCPSM_OK ==>
                    seg->sport == \old(be16(buf)) && seg->dport == \old(be16(buf + 2)) &&
                    seg->seq == \old(be32(buf + 4)) && seg->ack == \old(be32(buf + 8)) &&
                    seg->flags == \old(buf[13]) && seg->wnd == \old(be16(buf + 14)) &&
                    seg->urp == \old(be16(buf + 18));
    ensures zeroed: \result == TCPSM_OK ==>
                    seg->src.family == TCPSM_AF_UNSPEC &&
                    seg->dst.family == TCPSM_AF_UNSPEC && seg->compartment == 0;
    ensures nsack: \result == TCPSM_OK ==> seg->opt.nsack <= TCPSM_MAX_SACK;
*/
static enum tcpsm_err decode(const uint8_t *buf, size_t n, size_t hdrlen,
                             struct tcpsm_segment *seg, const uint8_t **payload)
{
    struct tcpsm_options opt = {0};
    uint16_t sport = get16(buf);
    uint16_t dport = get16(buf + 2);
    uint32_t seqno = get32(buf + 4);
    uint32_t ackno = get32(buf + 8);
    uint8_t flags = buf[13];    /* RFC 9293 3.1 Rsrvd: the low 4 bits of byte 12 are ignored */
    uint16_t wnd = get16(buf + 14);
    uint16_t urp = get16(buf + 18);
    enum tcpsm_err err;

    /* RFC 9293 3.1 (MUST-5): options are accepted in any segment */
    err = parse_options(buf + TCPSM_HDR_MIN, hdrlen - TCPSM_HDR_MIN, &opt);
    if (err != TCPSM_OK)
        return err;

    /* Well formed: only now is *seg written (field by field). */
    //@ assert payload_in_buf: buf <= buf + hdrlen <= buf + n;
    zero_bytes(seg->src.addr, sizeof seg->src.addr);
    zero_bytes(seg->dst.addr, sizeof seg->dst.addr);
    copy_options(&seg->opt, &opt);
    seg->src.family = TCPSM_AF_UNSPEC;
    seg->dst.family = TCPSM_AF_UNSPEC;
    seg->sport = sport;
    seg->dport = dport;
    seg->seq = seqno;
    seg->ack = ackno;
    seg->flags = flags;
    seg->wnd = wnd;
    seg->urp = urp;
    seg->len = (uint32_t)(n - hdrlen);
    seg->compartment = 0;
    *payload = n > hdrlen ? buf + hdrlen : NULL;
    return TCPSM_OK;
}

enum tcpsm_err tcpsm_wire_parse(const uint8_t *buf, size_t n,
                                struct tcpsm_segment *seg, const uint8_t **payload)
{
    size_t hdrlen;

    if (seg == NULL || payload == NULL || (buf == NULL && n > 0u))
        return TCPSM_ERR_INVAL;
    /* RFC 9293 3.1: the fixed header is 20 bytes */
    if (n < TCPSM_HDR_MIN)
        return TCPSM_ERR_TRUNCATED;
    /* RFC 9293 3.1 Data Offset: the header length in 32-bit words, at least 5 */
    hdrlen = (size_t)(buf[12] / 16u) * 4u;
    //@ assert hdrlen: hdrlen == hdr_len(buf);
    if (hdrlen < TCPSM_HDR_MIN)
        return TCPSM_ERR_BAD_HEADER;
    if (hdrlen > n)
        return TCPSM_ERR_TRUNCATED;
    if ((uint64_t)(n - hdrlen) > 0xFFFFFFFFu)
        return TCPSM_ERR_INVAL;
    return decode(buf, n, hdrlen, seg, payload);
}

/* ---------------------------------------------------------------------- */
/* Write */

/* Bytes of options *opt needs, before padding. */
/*@ requires opt_valid: \valid_read(opt);
    assigns \nothing;
    ensures value: \result == opt_len(opt);
*/
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

/* One option each: kind, length, value (RFC 9293 3.2; RFC 7323; RFC 2018). */

/*@ requires o_valid: \valid(o + (0 .. LEN_MSS - 1));
    assigns o[0 .. LEN_MSS - 1];
*/
static void put_mss(uint8_t *o, uint16_t mss)
{
    o[0] = OPT_MSS;
    o[1] = LEN_MSS;
    put16(o + 2, mss);
}

/*@ requires o_valid: \valid(o + (0 .. LEN_SACKOK - 1));
    assigns o[0 .. LEN_SACKOK - 1];
*/
static void put_sackok(uint8_t *o)
{
    o[0] = OPT_SACKOK;
    o[1] = LEN_SACKOK;
}

/*@ requires o_valid: \valid(o + (0 .. LEN_TS - 1));
    assigns o[0 .. LEN_TS - 1];
*/
static void put_ts(uint8_t *o, uint32_t val, uint32_t ecr)
{
    o[0] = OPT_TS;
    o[1] = LEN_TS;
    put32(o + 2, val);
    put32(o + 6, ecr);
}

/*@ requires o_valid: \valid(o + (0 .. LEN_WSCALE - 1));
    assigns o[0 .. LEN_WSCALE - 1];
*/
static void put_wscale(uint8_t *o, uint8_t shift)
{
    o[0] = OPT_WSCALE;
    o[1] = LEN_WSCALE;
    o[2] = shift;
}

/*@ requires nblk_range: 1 <= nblk <= TCPSM_MAX_SACK;
    requires opt_valid: \valid_read(opt);
    requires o_valid: \valid(o + (0 .. 1 + nblk * LEN_SACK_BLOCK));
    requires separation: \separated(o + (0 .. 1 + nblk * LEN_SACK_BLOCK), opt);
    assigns o[0 .. 1 + nblk * LEN_SACK_BLOCK];
*/
static void put_sack(uint8_t *o, const struct tcpsm_options *opt, size_t nblk)
{
    size_t k;

    o[0] = OPT_SACK;
    o[1] = (uint8_t)(2u + nblk * LEN_SACK_BLOCK);
    /*@ loop invariant k_bound: 0 <= k <= nblk;
        loop assigns k, o[2 .. 1 + nblk * LEN_SACK_BLOCK];
        loop variant nblk - k;
    */
    for (k = 0; k < nblk; k++) {
        put32(o + 2u + k * LEN_SACK_BLOCK, opt->sack_left[k]);
        put32(o + 6u + k * LEN_SACK_BLOCK, opt->sack_right[k]);
    }
}

/* Write the options of *opt at o, in the documented order; o has room for
 * options_len(opt) bytes.  Returns the bytes written.  The byte-sized
 * fields are read before o is written (they share the provers' byte
 * memory with o, so reading them later would need a frame argument). */
/*@ requires opt_valid: \valid_read(opt);
    requires nsack: opt->nsack <= TCPSM_MAX_SACK;
    requires o_valid: \valid(o + (0 .. opt_len(opt) - 1));
    requires separation: \separated(o + (0 .. opt_len(opt) - 1), opt);
    assigns o[0 .. opt_len(opt) - 1];
    ensures written: \result == \old(opt_len(opt));
*/
static size_t write_options(const struct tcpsm_options *opt, uint8_t *o)
{
    const size_t nblk = opt->nsack;
    const uint8_t wscale = opt->wscale;
    size_t i = 0;

    if (opt->has_mss) {
        put_mss(o, opt->mss);
        i += LEN_MSS;
    }
    //@ assert i == (opt->has_mss != 0 ? 4 : 0);
    if (opt->sack_permitted) {
        put_sackok(o + i);
        i += LEN_SACKOK;
    }
    //@ assert i == (opt->has_mss != 0 ? 4 : 0) + (opt->sack_permitted != 0 ? 2 : 0);
    if (opt->has_ts) {
        put_ts(o + i, opt->ts_val, opt->ts_ecr);
        i += LEN_TS;
    }
    /*@ assert i == (opt->has_mss != 0 ? 4 : 0) + (opt->sack_permitted != 0 ? 2 : 0) +
                   (opt->has_ts != 0 ? 10 : 0); */
    if (opt->has_wscale) {
        put_wscale(o + i, wscale);
        i += LEN_WSCALE;
    }
    /*@ assert i == (opt->has_mss != 0 ? 4 : 0) + (opt->sack_permitted != 0 ? 2 : 0) +
                   (opt->has_ts != 0 ? 10 : 0) + (opt->has_wscale != 0 ? 3 : 0); */
    if (nblk > 0u) {
        put_sack(o + i, opt, nblk);
        i += 2u + nblk * LEN_SACK_BLOCK;
    }
    return i;
}

/* The fixed header (RFC 9293 3.1 Figure 1) of *seg at out[0..20), with a
 * header length of hdrlen bytes and the checksum field zero. */
/*@ requires seg_valid: \valid_read(seg);
    requires hdr: TCPSM_HDR_MIN <= hdrlen <= TCPSM_HDR_MAX;
    requires out_valid: \valid(out + (0 .. TCPSM_HDR_MIN - 1));
    requires separation: \separated(out + (0 .. TCPSM_HDR_MIN - 1), seg);
    assigns out[0 .. TCPSM_HDR_MIN - 1];
*/
static void put_header(const struct tcpsm_segment *seg, uint8_t *out, size_t hdrlen)
{
    put16(out, seg->sport);
    put16(out + 2, seg->dport);
    put32(out + 4, seg->seq);
    put32(out + 8, seg->ack);
    /* RFC 9293 3.1: Data Offset in the high 4 bits, the reserved bits zero */
    out[12] = (uint8_t)(hdrlen / 4u * 16u);
    out[13] = seg->flags;
    put16(out + 14, seg->wnd);
    put16(out + 16, 0);
    put16(out + 18, seg->urp);
}

/* Serialise a segment that passed tcpsm_wire_write's checks into
 * out[0..hdrlen + seg->len).  The options go first, while *seg's byte-sized
 * fields are still read from untouched memory; then the padding, the
 * payload, the fixed header (checksum field 0), and last the checksum. */
/*@ requires args: write_args(seg, payload);
    requires seg_valid: \valid_read(seg);
    requires hdr: hdrlen == wire_hdr_len(&seg->opt);
    requires out_valid: \valid(out + (0 .. hdrlen + seg->len - 1));
    requires payload_valid: seg->len > 0 ==> \valid_read(payload + (0 .. seg->len - 1));
    requires separation: \separated(out + (0 .. hdrlen + seg->len - 1), seg);
    requires payload_separation: seg->len > 0 ==>
               \separated(out + (0 .. hdrlen + seg->len - 1), payload + (0 .. seg->len - 1));
    assigns out[0 .. hdrlen + seg->len - 1];
*/
static void emit(const struct tcpsm_segment *seg, const uint8_t *payload,
                 uint8_t *out, size_t hdrlen)
{
    const size_t len = seg->len;
    const size_t total = hdrlen + len;
    const size_t olen = write_options(&seg->opt, out + TCPSM_HDR_MIN);

    /* RFC 9293 3.1 (MUST-69): the list ends with EOL (0) and the padding after it is zeros */
    zero_bytes(out + TCPSM_HDR_MIN + olen, hdrlen - TCPSM_HDR_MIN - olen);
    if (len > 0u)
        copy_bytes(out + hdrlen, payload, len);
    put_header(seg, out, hdrlen);
    if (seg->src.family != TCPSM_AF_UNSPEC) {
        /* RFC 9293 3.1 (MUST-2): the sender computes the checksum with the field zeroed */
        put16(out + 16, tcpsm_wire_checksum(&seg->src, &seg->dst, out, total));
    }
}

enum tcpsm_err tcpsm_wire_write(const struct tcpsm_segment *seg, const uint8_t *payload,
                                uint8_t *out, size_t cap, size_t *outlen)
{
    size_t olen;
    size_t hdrlen;
    size_t total;

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

    emit(seg, payload, out, hdrlen);
    *outlen = total;
    return TCPSM_OK;
}
