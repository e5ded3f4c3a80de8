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

/* Parse a TCP segment (header + options + payload) of n bytes.  On success
 * fills *seg (ports, seq, ack, flags, window, urgent pointer, options,
 * len = payload length) and *payload (points into buf, or NULL when the
 * payload is empty).  seg->src, seg->dst and seg->compartment are zeroed.
 * Never reads outside buf[0..n); a malformed segment returns an error and
 * leaves *seg and *payload untouched. The checksum is not checked here. */
enum tcpsm_err tcpsm_wire_parse(const uint8_t *buf, size_t n,
                                struct tcpsm_segment *seg, const uint8_t **payload);

/* Serialise *seg and seg->len bytes of payload into out (capacity cap),
 * writing options present in seg->opt (MSS, window scale, SACK-permitted,
 * timestamps, SACK blocks; padded with NOP/EOL to a multiple of 4 bytes),
 * and the checksum over the pseudo-header built from seg->src/seg->dst
 * (IPv4 or IPv6; when both are UNSPEC the checksum field is left 0).
 * *outlen receives the segment's size.  TCPSM_ERR_NOSPACE if it does not fit. */
enum tcpsm_err tcpsm_wire_write(const struct tcpsm_segment *seg, const uint8_t *payload,
                                uint8_t *out, size_t cap, size_t *outlen);

/* The Internet checksum (RFC 1071) of a TCP segment with its IPv4 or IPv6
 * pseudo-header (MUST-2).  Computing it over a segment that carries a
 * correct checksum yields 0. */
uint16_t tcpsm_wire_checksum(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                             const uint8_t *tcp, size_t n);

/* Verify the checksum of a received segment (MUST-3): TCPSM_OK or
 * TCPSM_ERR_BAD_CHECKSUM. */
enum tcpsm_err tcpsm_wire_verify(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                                 const uint8_t *tcp, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TCPSM_WIRE_H */
