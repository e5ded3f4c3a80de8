/*
 * seq.h: sequence-number arithmetic modulo 2^32 (RFC 9293 3.4).
 *
 * Implementation notes: every helper is written in the wrap-free form
 * (no unsigned wraparound in any expression), so that -wp-rte with
 * -warn-unsigned-overflow has nothing to flag and the contracts stay
 * linear.  The comparisons follow RFC 1982 style serial arithmetic: a is
 * "before" b when the forward distance from a to b is in (0, 2^31).
 */
#ifndef TCPSM_SEQ_H
#define TCPSM_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* The logic twins (seq_sub_l, seq_lt_l, ...) and their lemmas: comments
 * only, invisible to the compiler. */
#include "../../proofs/seq.acsl"

/* The forward distance from b to a: (a - b) mod 2^32. */
/*@ assigns \nothing;
    ensures def: \result == seq_sub_l(a, b); */
static inline uint32_t seq_sub(uint32_t a, uint32_t b)
{
    return a >= b ? a - b : (0xFFFFFFFFu - b) + a + 1u;
}

/* (a + n) mod 2^32. */
/*@ assigns \nothing;
    ensures def: \result == seq_add_l(a, n); */
static inline uint32_t seq_add(uint32_t a, uint32_t n)
{
    return n <= 0xFFFFFFFFu - a ? a + n : n - (0xFFFFFFFFu - a) - 1u;
}

/* a < b in sequence space. */
/*@ assigns \nothing;
    ensures def: \result <==> seq_lt_l(a, b); */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
    uint32_t d = seq_sub(b, a);
    return d != 0u && d < 0x80000000u;
}

/* a =< b in sequence space. */
/*@ assigns \nothing;
    ensures def: \result <==> seq_le_l(a, b); */
static inline bool seq_le(uint32_t a, uint32_t b)
{
    return seq_sub(b, a) < 0x80000000u;
}

/* a > b in sequence space. */
/*@ assigns \nothing;
    ensures def: \result <==> seq_lt_l(b, a); */
static inline bool seq_gt(uint32_t a, uint32_t b)
{
    return seq_lt(b, a);
}

/* a >= b in sequence space. */
/*@ assigns \nothing;
    ensures def: \result <==> seq_le_l(b, a); */
static inline bool seq_ge(uint32_t a, uint32_t b)
{
    return seq_le(b, a);
}

/* lo =< x < lo + len, measured forward from lo (len < 2^31). */
/*@ assigns \nothing;
    ensures def: \result <==> seq_in_l(x, lo, len); */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t len)
{
    return seq_sub(x, lo) < len;
}

#endif /* TCPSM_SEQ_H */
