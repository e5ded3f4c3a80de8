/*
 * test_isn.c: SipHash-2-4 (tcpsm_siphash24) and the RFC 6528 ISN
 * generator (tcpsm_isn), src/core/isn.c.
 *
 * SipHash is checked three ways: against test vectors of the SipHash paper
 * (key 00 01 .. 0f, message 00 01 .. len-1), against libsodium's
 * crypto_shorthash (SipHash-2-4 as well) on random keys and messages, and
 * for its layout of the ISN's message.  The random tests use a fixed
 * xorshift64* seed; set TCPSM_SEED to run them with another one.  The seed
 * is printed on failure (harness.h's h_seed and h_rng).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"   /* h_seed, h_rng */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    return h_rng(&rng_state);
}

static void seq_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)i;
}

/* libsodium's SipHash-2-4: its 8 output octets are the result, little-endian. */
static uint64_t sodium_siphash(const uint8_t key[16], const uint8_t *msg, size_t len)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t v = 0;
    crypto_shorthash(out, msg, len, key);
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | out[i];
    return v;
}

/* The SipHash paper, appendix A: key 00..0f, message 00..0e -> a129ca6149be45e5. */
static void test_siphash_paper_example(void **state)
{
    uint8_t key[16], msg[15];
    (void)state;
    seq_bytes(key, sizeof key);
    seq_bytes(msg, sizeof msg);
    assert_int_equal(tcpsm_siphash24(key, msg, sizeof msg), 0xa129ca6149be45e5ULL);
}

/* The reference implementation's vectors for the empty message and the
 * first lengths (key 00..0f, message 00..len-1), as little-endian octets. */
static void test_siphash_reference_vectors(void **state)
{
    static const uint8_t want[][8] = {
        { 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 },   /* len 0 */
        { 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 },   /* len 1 */
        { 0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d },   /* len 2 */
        { 0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85 },   /* len 3 */
        { 0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf },   /* len 4 */
        { 0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18 },   /* len 5 */
        { 0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb },   /* len 6 */
        { 0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab },   /* len 7 */
        { 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 },   /* len 8 */
    };
    uint8_t key[16], msg[16];
    (void)state;
    seq_bytes(key, sizeof key);
    seq_bytes(msg, sizeof msg);
    for (size_t len = 0; len < sizeof want / sizeof want[0]; len++) {
        uint64_t w = 0;
        for (int i = 7; i >= 0; i--)
            w = (w << 8) | want[len][i];
        if (tcpsm_siphash24(key, msg, len) != w)
            fail_msg("SipHash-2-4 of the %zu-octet reference message: got %016llx, want %016llx",
                     len, (unsigned long long)tcpsm_siphash24(key, msg, len),
                     (unsigned long long)w);
    }
}

/* Random keys and messages of 0 to 300 octets (every length mod 8, several
 * blocks): tcpsm_siphash24 and crypto_shorthash agree. */
static void test_siphash_matches_libsodium_on_random_inputs(void **state)
{
    const uint64_t seed = h_seed();
    uint8_t key[16], msg[300];
    (void)state;
    rng_state = seed;
    for (int it = 0; it < 20000; it++) {
        size_t len = (size_t)(rnd() % (sizeof msg + 1));
        for (size_t i = 0; i < sizeof key; i++)
            key[i] = (uint8_t)rnd();
        for (size_t i = 0; i < len; i++)
            msg[i] = (uint8_t)rnd();
        if (tcpsm_siphash24(key, msg, len) != sodium_siphash(key, msg, len))
            fail_msg("seed 0x%llx, iteration %d, length %zu: tcpsm %016llx, libsodium %016llx",
                     (unsigned long long)seed, it, len,
                     (unsigned long long)tcpsm_siphash24(key, msg, len),
                     (unsigned long long)sodium_siphash(key, msg, len));
    }
}

static struct tcpsm_endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct tcpsm_endpoint e;
    memset(&e, 0, sizeof e);
    e.ip.family = TCPSM_AF_INET;
    e.ip.addr[0] = a;
    e.ip.addr[1] = b;
    e.ip.addr[2] = c;
    e.ip.addr[3] = d;
    e.port = port;
    return e;
}

static struct tcpsm_endpoint ep6(uint8_t last, uint16_t port)
{
    struct tcpsm_endpoint e;
    memset(&e, 0, sizeof e);
    e.ip.family = TCPSM_AF_INET6;
    e.ip.addr[0] = 0x20;
    e.ip.addr[1] = 0x01;
    e.ip.addr[2] = 0x0d;
    e.ip.addr[3] = 0xb8;
    e.ip.addr[15] = last;
    e.port = port;
    return e;
}

/* The ISN is M + F: M = now / 4 (RFC 6528's 4-microsecond timer), F the
 * low 32 bits of SipHash-2-4 over the documented layout of the 4-tuple
 * (family, local address, local port big-endian, remote address, remote
 * port), computed here with libsodium. */
static void test_isn_is_clock_plus_siphash_of_the_4_tuple(void **state)
{
    static const uint64_t nows[] = { 0, 3, 4, 1000003, 17179869184ULL + 8, UINT64_MAX };
    struct tcpsm_endpoint l = ep4(192, 0, 2, 1, 49152), r = ep4(198, 51, 100, 7, 80);
    struct tcpsm_endpoint l6 = ep6(1, 443), r6 = ep6(2, 50000);
    const struct tcpsm_endpoint *pairs[][2] = { { &l, &r }, { &l6, &r6 } };
    uint8_t key[16], msg[37];
    (void)state;
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(0xA0 + i);
    for (size_t p = 0; p < 2; p++) {
        const struct tcpsm_endpoint *a = pairs[p][0], *b = pairs[p][1];
        uint32_t f;
        msg[0] = a->ip.family;
        memcpy(msg + 1, a->ip.addr, 16);
        msg[17] = (uint8_t)(a->port >> 8);
        msg[18] = (uint8_t)a->port;
        memcpy(msg + 19, b->ip.addr, 16);
        msg[35] = (uint8_t)(b->port >> 8);
        msg[36] = (uint8_t)b->port;
        f = (uint32_t)sodium_siphash(key, msg, sizeof msg);
        for (size_t t = 0; t < sizeof nows / sizeof nows[0]; t++) {
            uint32_t want = (uint32_t)(nows[t] / 4u) + f;
            assert_int_equal(tcpsm_isn(key, a, b, nows[t]), want);
        }
    }
}

/* MUST-8: the ISN follows the clock: for one 4-tuple and key it grows by
 * exactly one every 4 microseconds (modulo 2^32), whatever the start. */
static void test_isn_monotonic_over_the_clock(void **state)
{
    const uint64_t seed = h_seed();
    struct tcpsm_endpoint l = ep4(10, 0, 0, 1, 1234), r = ep4(10, 0, 0, 2, 80);
    uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    (void)state;
    rng_state = seed;
    for (int it = 0; it < 10000; it++) {
        uint64_t t0 = rnd(), dt = rnd() % 4000000000ULL;   /* up to ~4.3 min in ticks */
        uint32_t a, b, ticks;
        if (t0 > UINT64_MAX - dt)
            t0 -= dt;
        a = tcpsm_isn(key, &l, &r, t0);
        b = tcpsm_isn(key, &l, &r, t0 + dt);
        ticks = (uint32_t)((t0 + dt) / 4u - t0 / 4u);
        if ((uint32_t)(b - a) != ticks)
            fail_msg("seed 0x%llx, iteration %d: ISN moved by %u over %llu us, want %u",
                     (unsigned long long)seed, it, (unsigned)(b - a),
                     (unsigned long long)dt, (unsigned)ticks);
    }
    /* one tick is 4 us: 3 us later, the same ISN; 4 us later, one more */
    assert_int_equal(tcpsm_isn(key, &l, &r, 1003), tcpsm_isn(key, &l, &r, 1000));
    assert_int_equal(tcpsm_isn(key, &l, &r, 1004), tcpsm_isn(key, &l, &r, 1000) + 1u);
}

/* Same inputs, same ISN; each part of the 4-tuple and the key matters
 * (SHLD-1: F is keyed, so another connection's ISN says nothing of this
 * one's). */
static void test_isn_depends_on_every_input(void **state)
{
    struct tcpsm_endpoint l = ep4(192, 0, 2, 1, 49152), r = ep4(198, 51, 100, 7, 80);
    struct tcpsm_endpoint x;
    uint8_t key[16], key2[16];
    uint32_t base;
    (void)state;
    memset(key, 0x5A, sizeof key);
    memcpy(key2, key, sizeof key2);
    key2[15] ^= 1;
    base = tcpsm_isn(key, &l, &r, 123456);
    assert_int_equal(tcpsm_isn(key, &l, &r, 123456), base);
    assert_int_not_equal(tcpsm_isn(key2, &l, &r, 123456), base);
    assert_int_not_equal(tcpsm_isn(key, &r, &l, 123456), base);     /* direction */
    x = l;
    x.port++;
    assert_int_not_equal(tcpsm_isn(key, &x, &r, 123456), base);
    x = r;
    x.port++;
    assert_int_not_equal(tcpsm_isn(key, &l, &x, 123456), base);
    x = l;
    x.ip.addr[3]++;
    assert_int_not_equal(tcpsm_isn(key, &x, &r, 123456), base);
    x = r;
    x.ip.addr[0]++;
    assert_int_not_equal(tcpsm_isn(key, &l, &x, 123456), base);
    x = l;
    x.ip.family = TCPSM_AF_INET6;                                     /* family */
    assert_int_not_equal(tcpsm_isn(key, &x, &r, 123456), base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_paper_example),
        cmocka_unit_test(test_siphash_reference_vectors),
        cmocka_unit_test(test_siphash_matches_libsodium_on_random_inputs),
        cmocka_unit_test(test_isn_is_clock_plus_siphash_of_the_4_tuple),
        cmocka_unit_test(test_isn_monotonic_over_the_clock),
        cmocka_unit_test(test_isn_depends_on_every_input),
    };
    if (sodium_init() < 0) {
        fprintf(stderr, "test_isn: sodium_init failed\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
