/*
 * tcpsm_wire.h: the segment codec (src/core/wire.c), part of the public
 * interface; tcpsm.h includes it, so users include tcpsm.h only.
 *
 * The codec is independent of the state machine: it turns wire bytes into
 * a struct tcpsm_segment and back, and computes the Internet checksum with
 * the IPv4 or IPv6 pseudo-header.  It never reads or writes outside the
 * buffers it is given, whatever the bytes.
 */
#ifndef TCPSM_WIRE_H
#define TCPSM_WIRE_H

#include "tcpsm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCPSM_HDR_MIN 20u
#define TCPSM_HDR_MAX 60u

/* ---------------------------------------------------------------------- */
/* ACSL vocabulary of the contracts below (Frama-C/WP; comments to a C
 * compiler).  Kept in this header rather than in proofs/ because the header
 * is installed and must stay self-contained. */

/*@ // A big-endian 16-bit or 32-bit field at p, as the wire carries it.
    logic integer be16(uint8_t *p) = p[0] * 256 + p[1];
    logic integer be32(uint8_t *p) =
      p[0] * 16777216 + p[1] * 65536 + p[2] * 256 + p[3];

    // RFC 9293 3.1 Data Offset, in bytes: the header length a segment claims.
    logic integer hdr_len(uint8_t *buf) = buf[12] / 16 * 4;

    // Option bytes tcpsm_wire_write emits for *o, before padding.
    logic integer opt_len(struct tcpsm_options *o) =
      (o->has_mss != 0 ? 4 : 0) + (o->sack_permitted != 0 ? 2 : 0) +
      (o->has_ts != 0 ? 10 : 0) + (o->has_wscale != 0 ? 3 : 0) +
      (o->nsack > 0 ? 2 + 8 * o->nsack : 0);

    // Header bytes tcpsm_wire_write emits for *o: options padded to 32 bits.
    logic integer wire_hdr_len(struct tcpsm_options *o) =
      TCPSM_HDR_MIN + (opt_len(o) + 3) / 4 * 4;

    // Addresses that form an IPv4 or IPv6 pseudo-header for n bytes of TCP.
    predicate pseudo_ok(struct tcpsm_addr *src, struct tcpsm_addr *dst, integer n) =
      src != \null && dst != \null && src->family == dst->family &&
      ((src->family == TCPSM_AF_INET && n <= 65535) ||
       (src->family == TCPSM_AF_INET6 && n <= 4294967295));

    // Arguments tcpsm_wire_checksum can sum (otherwise it returns 0xFFFF).
    predicate checksum_args(struct tcpsm_addr *src, struct tcpsm_addr *dst,
                            uint8_t *tcp, integer n) =
      pseudo_ok(src, dst, n) && (tcp != \null || n == 0);

    // Arguments tcpsm_wire_parse looks at (otherwise TCPSM_ERR_INVAL).
    predicate parse_args(uint8_t *buf, integer n, struct tcpsm_segment *seg,
                         uint8_t **payload) =
      seg != \null && payload != \null && (buf != \null || n == 0);

    // A segment tcpsm_wire_write can serialise (otherwise TCPSM_ERR_INVAL).
    predicate write_args(struct tcpsm_segment *seg, uint8_t *payload) =
      (seg->len == 0 || payload != \null) &&
      seg->opt.nsack <= TCPSM_MAX_SACK &&
      seg->src.family == seg->dst.family &&
      (seg->src.family == TCPSM_AF_UNSPEC || seg->src.family == TCPSM_AF_INET ||
       seg->src.family == TCPSM_AF_INET6) &&
      opt_len(&seg->opt) <= TCPSM_HDR_MAX - TCPSM_HDR_MIN &&
      seg->len <= 65535 - wire_hdr_len(&seg->opt);

    // *seg and *payload hold the same values at L1 and L2.
    predicate unchanged{L1, L2}(struct tcpsm_segment *seg, uint8_t **payload) =
      \at(*seg, L1) == \at(*seg, L2) && \at(*payload, L1) == \at(*payload, L2);
*/

/* Parse a TCP segment (header + options + payload) of n bytes.  On success
 * fills *seg (ports, seq, ack, flags, window, urgent pointer, options,
 * len = payload length) and *payload (points into buf, or NULL when the
 * payload is empty).  seg->src, seg->dst and seg->compartment are zeroed.
 * Never reads outside buf[0..n); a malformed segment returns an error and
 * leaves *seg and *payload untouched. The checksum is not checked here. */
/*@ requires buf_valid: buf == \null || \valid_read(buf + (0 .. n - 1));
    requires seg_valid: seg == \null || \valid(seg);
    requires payload_valid: payload == \null || \valid(payload);
    requires separation: seg != \null && payload != \null ==>
                         \separated(buf + (0 .. n - 1), seg, payload);
    assigns *seg;
    assigns *payload \from buf, buf[0 .. n - 1], n, *payload;

    behavior bad_args:
      assumes !parse_args(buf, n, seg, payload);
      assigns \nothing;
      ensures inval: \result == TCPSM_ERR_INVAL;
    behavior short:
      assumes parse_args(buf, n, seg, payload) && n < TCPSM_HDR_MIN;
      assigns \nothing;
      ensures truncated: \result == TCPSM_ERR_TRUNCATED;
    behavior bad_offset:
      assumes parse_args(buf, n, seg, payload) && n >= TCPSM_HDR_MIN &&
              hdr_len(buf) < TCPSM_HDR_MIN;
      assigns \nothing;
      ensures bad_header: \result == TCPSM_ERR_BAD_HEADER;
    behavior past_end:
      assumes parse_args(buf, n, seg, payload) && n >= TCPSM_HDR_MIN &&
              TCPSM_HDR_MIN <= hdr_len(buf) && hdr_len(buf) > n;
      assigns \nothing;
      ensures truncated: \result == TCPSM_ERR_TRUNCATED;
    behavior too_long:
      assumes parse_args(buf, n, seg, payload) && n >= TCPSM_HDR_MIN &&
              TCPSM_HDR_MIN <= hdr_len(buf) <= n && n - hdr_len(buf) > 4294967295;
      assigns \nothing;
      ensures inval: \result == TCPSM_ERR_INVAL;
    behavior header_ok:
      assumes parse_args(buf, n, seg, payload) && n >= TCPSM_HDR_MIN &&
              TCPSM_HDR_MIN <= hdr_len(buf) <= n && n - hdr_len(buf) <= 4294967295;
      assigns *seg;
      assigns *payload \from buf, buf[0 .. n - 1], n, *payload;
      ensures outcome: \result == TCPSM_OK || \result == TCPSM_ERR_BAD_OPTION;
      ensures untouched: \result != TCPSM_OK ==> unchanged{Pre, Post}(seg, payload);
      ensures len: \result == TCPSM_OK ==> seg->len == n - \old(hdr_len(buf));
      ensures payload: \result == TCPSM_OK ==>
                       (seg->len == 0 ? *payload == \null : *payload == buf + \old(hdr_len(buf)));
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
    complete behaviors;
    disjoint behaviors;
*/
enum tcpsm_err tcpsm_wire_parse(const uint8_t *buf, size_t n,
                                struct tcpsm_segment *seg, const uint8_t **payload);

/* Serialise *seg and seg->len bytes of payload into out (capacity cap),
 * writing options present in seg->opt (MSS, window scale, SACK-permitted,
 * timestamps, SACK blocks; padded with NOP/EOL to a multiple of 4 bytes),
 * and the checksum over the pseudo-header built from seg->src/seg->dst
 * (IPv4 or IPv6; when both are UNSPEC the checksum field is left 0).
 * *outlen receives the segment's size.  TCPSM_ERR_NOSPACE if it does not fit. */
/*@ requires seg_valid: seg == \null || \valid_read(seg);
    requires out_valid: out == \null || \valid(out + (0 .. cap - 1));
    requires outlen_valid: outlen == \null || \valid(outlen);
    requires payload_valid: seg != \null && seg->len > 0 && payload != \null ==>
                            \valid_read(payload + (0 .. seg->len - 1));
    requires separation: seg != \null && out != \null && outlen != \null ==>
                         \separated(out + (0 .. cap - 1), seg, outlen);
    requires payload_separation: seg != \null && out != \null && payload != \null ==>
                         \separated(out + (0 .. cap - 1), payload + (0 .. seg->len - 1));
    assigns out[0 .. cap - 1], *outlen;

    behavior bad_args:
      assumes seg == \null || out == \null || outlen == \null;
      assigns \nothing;
      ensures inval: \result == TCPSM_ERR_INVAL;
    behavior bad_segment:
      assumes seg != \null && out != \null && outlen != \null;
      assumes !write_args(seg, payload);
      assigns \nothing;
      ensures inval: \result == TCPSM_ERR_INVAL;
    behavior no_space:
      assumes seg != \null && out != \null && outlen != \null;
      assumes write_args(seg, payload) && cap < wire_hdr_len(&seg->opt) + seg->len;
      assigns \nothing;
      ensures nospace: \result == TCPSM_ERR_NOSPACE;
    behavior fits:
      assumes seg != \null && out != \null && outlen != \null;
      assumes write_args(seg, payload) && cap >= wire_hdr_len(&seg->opt) + seg->len;
      assigns out[0 .. cap - 1], *outlen;
      ensures ok: \result == TCPSM_OK;
      ensures length: *outlen == \old(wire_hdr_len(&seg->opt) + seg->len);
      ensures bound: *outlen <= cap;
    complete behaviors;
    disjoint behaviors;
*/
enum tcpsm_err tcpsm_wire_write(const struct tcpsm_segment *seg, const uint8_t *payload,
                                uint8_t *out, size_t cap, size_t *outlen);

/* The Internet checksum (RFC 1071) of a TCP segment with its IPv4 or IPv6
 * pseudo-header (MUST-2).  Computing it over a segment that carries a
 * correct checksum yields 0. */
/*@ requires src_valid: src == \null || \valid_read(src);
    requires dst_valid: dst == \null || \valid_read(dst);
    requires tcp_valid: tcp == \null || \valid_read(tcp + (0 .. n - 1));
    assigns \nothing;

    behavior invalid:
      assumes !checksum_args(src, dst, tcp, n);
      ensures sentinel: \result == 0xFFFF;
    behavior valid:
      assumes checksum_args(src, dst, tcp, n);
      ensures range: \result < 0xFFFF;
    complete behaviors;
    disjoint behaviors;
*/
uint16_t tcpsm_wire_checksum(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                             const uint8_t *tcp, size_t n);

/* Verify the checksum of a received segment (MUST-3): TCPSM_OK or
 * TCPSM_ERR_BAD_CHECKSUM. */
/*@ requires src_valid: src == \null || \valid_read(src);
    requires dst_valid: dst == \null || \valid_read(dst);
    requires tcp_valid: tcp == \null || \valid_read(tcp + (0 .. n - 1));
    assigns \nothing;

    behavior invalid:
      assumes !checksum_args(src, dst, tcp, n);
      ensures inval: \result == TCPSM_ERR_INVAL;
    behavior valid:
      assumes checksum_args(src, dst, tcp, n);
      ensures verdict: \result == TCPSM_OK || \result == TCPSM_ERR_BAD_CHECKSUM;
    complete behaviors;
    disjoint behaviors;
*/
enum tcpsm_err tcpsm_wire_verify(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                                 const uint8_t *tcp, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TCPSM_WIRE_H */
