/*
 * test_seq.c: sequence-number arithmetic (src/core/seq.h, RFC 9293 3.4).
 *
 * Every helper is checked against a reference computed in uint64_t
 * arithmetic, on all pairs of the wrap boundaries (0, 1, 2^31-1, 2^31,
 * 2^32-1 and their neighbours) and on a seeded random sweep (seed from the
 * environment variable TCPSM_SEED, printed on failure).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "tcpsm.h"
#include "seq.h"

#define TWO32 4294967296ull
#define TWO31 2147483648ull

static uint32_t ref_sub(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a + TWO32 - (uint64_t)b) % TWO32);
}

static uint32_t ref_add(uint32_t a, uint32_t n)
{
    return (uint32_t)(((uint64_t)a + (uint64_t)n) % TWO32);
}

static bool ref_lt(uint32_t a, uint32_t b)
{
    uint64_t d = ref_sub(b, a);
    return d != 0 && d < TWO31;
}

static bool ref_le(uint32_t a, uint32_t b)
{
    return (uint64_t)ref_sub(b, a) < TWO31;
}

static bool ref_in(uint32_t x, uint32_t lo, uint32_t len)
{
    return (uint64_t)ref_sub(x, lo) < (uint64_t)len;
}

static const uint32_t edges[] = {
    0u, 1u, 2u, 3u, 100u, 12345u,
    0x7FFFFFFDu, 0x7FFFFFFEu, 0x7FFFFFFFu,
    0x80000000u, 0x80000001u, 0x80000002u,
    0xFFFFFFFDu, 0xFFFFFFFEu, 0xFFFFFFFFu,
};
#define NEDGES (sizeof edges / sizeof edges[0])

static void check_pair(uint32_t a, uint32_t b, const char *ctx, unsigned long long seed)
{
    uint32_t got;
    bool bad = false;

    if ((got = seq_sub(a, b)) != ref_sub(a, b)) {
        print_error("%s: seq_sub(%#x, %#x) = %#x, want %#x\n", ctx, a, b, got, ref_sub(a, b));
        bad = true;
    }
    if ((got = seq_add(a, b)) != ref_add(a, b)) {
        print_error("%s: seq_add(%#x, %#x) = %#x, want %#x\n", ctx, a, b, got, ref_add(a, b));
        bad = true;
    }
    if (seq_lt(a, b) != ref_lt(a, b)) {
        print_error("%s: seq_lt(%#x, %#x) = %d\n", ctx, a, b, seq_lt(a, b));
        bad = true;
    }
    if (seq_le(a, b) != ref_le(a, b)) {
        print_error("%s: seq_le(%#x, %#x) = %d\n", ctx, a, b, seq_le(a, b));
        bad = true;
    }
    if (seq_gt(a, b) != ref_lt(b, a)) {
        print_error("%s: seq_gt(%#x, %#x) = %d\n", ctx, a, b, seq_gt(a, b));
        bad = true;
    }
    if (seq_ge(a, b) != ref_le(b, a)) {
        print_error("%s: seq_ge(%#x, %#x) = %d\n", ctx, a, b, seq_ge(a, b));
        bad = true;
    }
    if (bad) {
        if (seed != 0)
            print_error("seed: TCPSM_SEED=%llu\n", seed);
        fail();
    }
}

static void check_in(uint32_t x, uint32_t lo, uint32_t len, const char *ctx,
                     unsigned long long seed)
{
    if (seq_in(x, lo, len) != ref_in(x, lo, len)) {
        print_error("%s: seq_in(%#x, %#x, %#x) = %d\n", ctx, x, lo, len, seq_in(x, lo, len));
        if (seed != 0)
            print_error("seed: TCPSM_SEED=%llu\n", seed);
        fail();
    }
}

/* ---------------------------------------------------------------------- */

static void test_seq_sub_and_add_match_uint64_reference_at_wrap_edges(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEDGES; i++)
        for (size_t j = 0; j < NEDGES; j++)
            check_pair(edges[i], edges[j], "edges", 0);
}

static void test_seq_add_then_sub_is_identity(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEDGES; i++)
        for (size_t j = 0; j < NEDGES; j++) {
            uint32_t a = edges[i], n = edges[j];
            assert_int_equal(seq_sub(seq_add(a, n), a), n);
            assert_int_equal(seq_add(a, seq_sub(n, a)), n);
        }
}

static void test_seq_wrap_examples(void **state)
{
    (void)state;
    assert_int_equal(seq_add(0xFFFFFFFFu, 1u), 0u);
    assert_int_equal(seq_add(0xFFFFFFFFu, 0xFFFFFFFFu), 0xFFFFFFFEu);
    assert_int_equal(seq_add(0x80000000u, 0x80000000u), 0u);
    assert_int_equal(seq_sub(0u, 1u), 0xFFFFFFFFu);
    assert_int_equal(seq_sub(0u, 0xFFFFFFFFu), 1u);
    assert_int_equal(seq_sub(5u, 5u), 0u);

    /* Just across the wrap point, 2^32-1 comes before 0. */
    assert_true(seq_lt(0xFFFFFFFFu, 0u));
    assert_true(seq_le(0xFFFFFFFFu, 0u));
    assert_false(seq_lt(0u, 0xFFFFFFFFu));
    assert_true(seq_gt(0u, 0xFFFFFFFFu));
    assert_true(seq_ge(0u, 0xFFFFFFFFu));

    /* 2^31 - 1 ahead is still "after"; exactly 2^31 is neither. */
    assert_true(seq_lt(0u, 0x7FFFFFFFu));
    assert_false(seq_lt(0u, 0x80000000u));
    assert_false(seq_lt(0x80000000u, 0u));
    assert_false(seq_le(0u, 0x80000000u));
    assert_false(seq_le(0x80000000u, 0u));
    assert_true(seq_lt(0x80000000u, 0xFFFFFFFFu));
    assert_true(seq_lt(0xFFFFFFFFu, 0x7FFFFFFEu));
    assert_false(seq_lt(0xFFFFFFFFu, 0x7FFFFFFFu));

    /* Reflexivity. */
    for (size_t i = 0; i < NEDGES; i++) {
        assert_false(seq_lt(edges[i], edges[i]));
        assert_true(seq_le(edges[i], edges[i]));
        assert_false(seq_gt(edges[i], edges[i]));
        assert_true(seq_ge(edges[i], edges[i]));
    }
}

static void test_seq_lt_is_antisymmetric_except_at_half_distance(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEDGES; i++)
        for (size_t j = 0; j < NEDGES; j++) {
            uint32_t a = edges[i], b = edges[j];
            uint32_t d = ref_sub(b, a);
            if (d == 0 || d == 0x80000000u) {
                assert_false(seq_lt(a, b));
                assert_false(seq_lt(b, a));
            } else {
                assert_true(seq_lt(a, b) != seq_lt(b, a));
                assert_true(seq_le(a, b) == !seq_lt(b, a));
            }
        }
}

static void test_seq_in_at_wrap_edges(void **state)
{
    (void)state;
    static const uint32_t lens[] = { 0u, 1u, 2u, 100u, 65535u, 0x7FFFFFFFu };
    for (size_t i = 0; i < NEDGES; i++)
        for (size_t j = 0; j < NEDGES; j++)
            for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
                check_in(edges[i], edges[j], lens[k], "edges", 0);

    /* An empty range holds nothing; the range's ends. */
    assert_false(seq_in(7u, 7u, 0u));
    assert_true(seq_in(7u, 7u, 1u));
    assert_false(seq_in(8u, 7u, 1u));
    assert_false(seq_in(6u, 7u, 1u));
    /* A window straddling the wrap point. */
    assert_true(seq_in(0xFFFFFFFFu, 0xFFFFFFF0u, 0x20u));
    assert_true(seq_in(0u, 0xFFFFFFF0u, 0x20u));
    assert_true(seq_in(0xFu, 0xFFFFFFF0u, 0x20u));
    assert_false(seq_in(0x10u, 0xFFFFFFF0u, 0x20u));
    assert_false(seq_in(0xFFFFFFEFu, 0xFFFFFFF0u, 0x20u));
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static unsigned long long seed_from_env(void)
{
    const char *e = getenv("TCPSM_SEED");
    unsigned long long s = 0x5EED5EEDull;
    if (e != NULL && *e != '\0')
        s = strtoull(e, NULL, 0);
    return s == 0 ? 1 : s;
}

/* Values biased to lie near the wrap points and near each other. */
static uint32_t pick(uint64_t *s, uint32_t near)
{
    uint64_t r = rng_next(s);
    switch (r % 4) {
    case 0: return (uint32_t)(r >> 32);
    case 1: return edges[(r >> 8) % NEDGES] + (uint32_t)((int32_t)((r >> 32) % 9) - 4);
    case 2: return near + (uint32_t)((r >> 32) % 0x10000u) - 0x8000u;
    default: return near + 0x80000000u + (uint32_t)((r >> 32) % 5u) - 2u;
    }
}

static void test_seq_random_sweep_matches_reference(void **state)
{
    (void)state;
    unsigned long long seed = seed_from_env();
    uint64_t s = seed;
    for (long i = 0; i < 2000000; i++) {
        uint32_t a = pick(&s, 0);
        uint32_t b = pick(&s, a);
        check_pair(a, b, "random", seed);
        uint32_t len = (uint32_t)(rng_next(&s) % 0x80000000ull);
        if (i % 3 == 0)
            len %= 70000u;
        check_in(a, b, len, "random", seed);
        if (seq_sub(seq_add(a, b), a) != b) {
            print_error("seq_sub(seq_add(%#x, %#x), a) != b; TCPSM_SEED=%llu\n", a, b, seed);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_sub_and_add_match_uint64_reference_at_wrap_edges),
        cmocka_unit_test(test_seq_add_then_sub_is_identity),
        cmocka_unit_test(test_seq_wrap_examples),
        cmocka_unit_test(test_seq_lt_is_antisymmetric_except_at_half_distance),
        cmocka_unit_test(test_seq_in_at_wrap_edges),
        cmocka_unit_test(test_seq_random_sweep_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
