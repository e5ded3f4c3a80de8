/*
 * isn.c: initial sequence numbers as RFC 6528 defines them, and the
 * SipHash-2-4 function they are built on.
 *
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M is a clock that ticks every 4 microseconds (taken from the caller's
 * `now`, so the same inputs give the same ISN); F is SipHash-2-4 keyed with
 * the caller's 128-bit secret over the 4-tuple, truncated to 32 bits.
 *
 * Implementation notes:
 * - SipHash-2-4 as its authors specify it (J.-P. Aumasson, D. J. Bernstein,
 *   "SipHash: a fast short-input PRF", 2012): four 64-bit words, two
 *   rounds per 8-octet block of the message (read little-endian), a last
 *   block holding the message length in its top octet, four final rounds.
 * - No addition or multiplication here may wrap: `make prove` checks
 *   unsigned overflow.  Additions modulo 2^64 go through add64() (the
 *   wrap-free form of DESIGN.md's seq_add, for 64 bits); rotations and
 *   little-endian loads are written with % and * by constants rather than
 *   shifts, which the provers handle where bit-level shifts time out.
 * - The message F hashes is the 4-tuple in a fixed layout (isn_message):
 *   the family octet, the local address (16 octets, IPv4 in the first 4),
 *   the local port (big-endian), then the same for the remote socket.
 */
#include <stddef.h>
#include <stdint.h>

#include "tcpsm.h"

#define U64_MAX 0xFFFFFFFFFFFFFFFFu

/* a + b modulo 2^64, without a wrapping addition. */
/*@ assigns \nothing;
    ensures \result == (a + b) % 18446744073709551616; */
static uint64_t add64(uint64_t a, uint64_t b)
{
    return a <= U64_MAX - b ? a + b : a - (U64_MAX - b) - 1u;
}

/* x rotated left by n bits, for the five n SipRound uses: the low 64-n
 * bits move up (x % 2^(64-n) * 2^n), the high n bits move down
 * (x / 2^(64-n)).  In arithmetic by constants, not shifts: the provers
 * handle % and * by constants, not the bits a shift drops. */
/*@ assigns \nothing; */
static uint64_t rotl13(uint64_t x)
{
    return (x % 0x8000000000000u) * 0x2000u + x / 0x8000000000000u;
}

/*@ assigns \nothing; */
static uint64_t rotl16(uint64_t x)
{
    return (x % 0x1000000000000u) * 0x10000u + x / 0x1000000000000u;
}

/*@ assigns \nothing; */
static uint64_t rotl17(uint64_t x)
{
    return (x % 0x800000000000u) * 0x20000u + x / 0x800000000000u;
}

/*@ assigns \nothing; */
static uint64_t rotl21(uint64_t x)
{
    return (x % 0x80000000000u) * 0x200000u + x / 0x80000000000u;
}

/*@ assigns \nothing; */
static uint64_t rotl32(uint64_t x)
{
    return (x % 0x100000000u) * 0x100000000u + x / 0x100000000u;
}

/* The eight octets at p as a little-endian number (Horner's rule from the
 * top octet; each step stays below 2^(8k) for k octets read). */
/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing; */
static uint64_t load64(const uint8_t *p)
{
    uint64_t v = p[7];
    v = v * 256u + p[6];
    v = v * 256u + p[5];
    v = v * 256u + p[4];
    v = v * 256u + p[3];
    v = v * 256u + p[2];
    v = v * 256u + p[1];
    v = v * 256u + p[0];
    return v;
}

/* SipHash's state: v0 .. v3 of the paper. */
struct sip {
    uint64_t v[4];
};

/* One SipRound. */
/*@ requires \valid(s);
    assigns s->v[0 .. 3]; */
static void sip_round(struct sip *s)
{
    s->v[0] = add64(s->v[0], s->v[1]);
    s->v[1] = rotl13(s->v[1]) ^ s->v[0];
    s->v[0] = rotl32(s->v[0]);
    s->v[2] = add64(s->v[2], s->v[3]);
    s->v[3] = rotl16(s->v[3]) ^ s->v[2];
    s->v[0] = add64(s->v[0], s->v[3]);
    s->v[3] = rotl21(s->v[3]) ^ s->v[0];
    s->v[2] = add64(s->v[2], s->v[1]);
    s->v[1] = rotl17(s->v[1]) ^ s->v[2];
    s->v[2] = rotl32(s->v[2]);
}

/* Absorb one 8-octet block m: v3 ^= m, two rounds, v0 ^= m. */
/*@ requires \valid(s);
    assigns s->v[0 .. 3]; */
static void sip_block(struct sip *s, uint64_t m)
{
    s->v[3] ^= m;
    sip_round(s);
    sip_round(s);
    s->v[0] ^= m;
}

/* Contract: tcpsm.h. */
uint64_t tcpsm_siphash24(const uint8_t key[16], const uint8_t *msg, size_t len)
{
    struct sip s;
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint8_t tail[8];
    size_t off = 0;
    size_t rest = len % 8u;

    s.v[0] = k0 ^ 0x736f6d6570736575u;  /* "somepseudorandomlygeneratedbytes" */
    s.v[1] = k1 ^ 0x646f72616e646f6du;
    s.v[2] = k0 ^ 0x6c7967656e657261u;
    s.v[3] = k1 ^ 0x7465646279746573u;
    /*@ loop invariant 0 <= off <= len - rest;
        loop invariant off % 8 == 0;
        loop assigns off, s.v[0 .. 3];
        loop variant len - rest - off; */
    while (off < len - rest) {
        sip_block(&s, load64(msg + off));
        off += 8u;
    }
    /* The last block: the 0 to 7 octets left, zeros, len mod 256 on top. */
    /*@ loop invariant 0 <= i <= 8;
        loop assigns i, tail[0 .. 7];
        loop variant 8 - i; */
    for (size_t i = 0; i < 8u; i++)
        tail[i] = i < rest ? msg[off + i] : 0u;
    tail[7] = (uint8_t)(len % 256u);
    sip_block(&s, load64(tail));
    s.v[2] ^= 0xFFu;
    sip_round(&s);
    sip_round(&s);
    sip_round(&s);
    sip_round(&s);
    return s.v[0] ^ s.v[1] ^ s.v[2] ^ s.v[3];
}

#define ISN_MSG_LEN 37u   /* family, 2 x (16 address octets + 2 port octets) */

/* Lay out one socket: 16 address octets then the port, big-endian. */
/*@ requires \valid_read(e);
    requires \valid(out + (0 .. 17));
    requires \separated(e, out + (0 .. 17));
    assigns out[0 .. 17]; */
static void put_socket(uint8_t *out, const struct tcpsm_endpoint *e)
{
    /*@ loop invariant 0 <= i <= 16;
        loop assigns i, out[0 .. 15];
        loop variant 16 - i; */
    for (unsigned i = 0; i < 16u; i++)
        out[i] = e->ip.addr[i];
    out[16] = (uint8_t)(e->port / 256u);
    out[17] = (uint8_t)(e->port % 256u);
}

/* Contract: tcpsm.h. */
uint32_t tcpsm_isn(const uint8_t key[16], const struct tcpsm_endpoint *local,
                   const struct tcpsm_endpoint *remote, uint64_t now)
{
    uint8_t msg[ISN_MSG_LEN];
    uint32_t m, f;

    msg[0] = local->ip.family;
    put_socket(msg + 1, local);
    put_socket(msg + 19, remote);
    /* RFC 6528 3: F is a pseudorandom function of the 4-tuple and a secret */
    f = (uint32_t)(tcpsm_siphash24(key, msg, ISN_MSG_LEN) & 0xFFFFFFFFu);
    /* RFC 6528 3 (RFC 9293 3.4.1): M is a timer that ticks every 4 us */
    m = (uint32_t)((now / 4u) & 0xFFFFFFFFu);
    return m <= 0xFFFFFFFFu - f ? m + f : m - (0xFFFFFFFFu - f) - 1u;
}
