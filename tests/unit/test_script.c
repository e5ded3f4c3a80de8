/*
 * test_script.c: the packetdrill parser and runner (src/script) on bad and
 * random input: every syntax error names its line and column, and no
 * input crashes either of them (seeded mutations of real scripts; the seed
 * is printed on failure, TCPSM_SEED overrides it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "script.h"

static const char base[] =
    "// a base script for the mutations\n"
    "--tolerance_usecs=10000\n"
    "0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+0    setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
    "+0    bind(3, ..., ...) = 0\n"
    "+0    listen(3, 1) = 0\n"
    "+0    < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
    "+0    > S. 0:0(0) ack 1 <mss 1460>\n"
    "+.1   < . 1:1(0) ack 1 win 32792\n"
    "0.100...0.100 accept(3, ..., ...) = 4\n"
    "+0    write(4, ..., 1000) = 1000\n"
    "+0    > P. 1:1001(1000) ack 1\n"
    "+.1~+.2 < . 1:1(0) ack 1001 win 32792 <nop,nop,TS val 1 ecr 2,sack 1:2 3:4>\n"
    "`sysctl -q net.ipv4.tcp_timestamps=0`\n"
    "%{ assert tcpi_state == TCPI_ESTABLISHED, tcpi_state }%\n"
    "+0    fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
    "+0    read(4, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)\n"
    "+0    close(4) = 0\n"
    "* > F. 1001:1001(0) ack 1\n";

static struct script_options opts(void)
{
    struct script_options o;
    memset(&o, 0, sizeof o);
    return o;
}

static void run_text(const char *text, size_t len, struct script_result *r, bool *parsed, char *err,
                     size_t errcap)
{
    struct script s;
    struct script_options o = opts();
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    *parsed = script_parse(&s, "t.pkt", text, len, NULL, 0, err, errcap);
    memset(r, 0, sizeof *r);
    if (*parsed) {
        script_run(&s, &o, null, r);
        script_free(&s);
    }
    fclose(null);
}

static void test_base_passes(void **state)
{
    struct script_result r;
    bool parsed;
    char err[256];
    (void)state;
    run_text(base, strlen(base), &r, &parsed, err, sizeof err);
    assert_true(parsed);
    if (r.status != SCRIPT_PASS)
        fail_msg("%s", r.message);
    assert_int_equal(r.packets_in, 3);
    assert_int_equal(r.packets_out, 3);
    assert_int_equal(r.skipped, 1);
}

/* Each broken line gives this position and words. */
static void test_syntax_errors(void **state)
{
    static const struct {
        const char *text, *where;
    } cases[] = {
        { "0 < S 0:0(0) wn 100\n", "t.pkt:1:14: unexpected 'wn'" },
        { "0 < X 0:0(0)\n", "t.pkt:1:5: expected TCP flags" },
        { "0 < S 0:1(0)\n", "t.pkt:1:7: start:end(len)" },
        { "0 < S 0:0(0) <mss 1460\n", "t.pkt:1:14: options not closed" },
        { "0 < S 0:0(0) <foo 3>\n", "t.pkt:1:15: unsupported TCP option 'foo'" },
        { "0 < S 0:0(0) win 70000\n", "t.pkt:1:" },
        { "\n\nx socket()\n", "t.pkt:3:1: expected an event time" },
        { "0 socket(..., SOCK_STREAM\n", "t.pkt:2:1: expected ',' or ')'" },
        { "0 close(3)\n", "t.pkt:2:1: expected '= value'" },
        { "0 close(3) = 0 extra\n", "t.pkt:1:16: unexpected text" },
        { "#ifdef A\n0 close(3) = 0\n", "t.pkt:1:1: #ifdef without #endif" },
        { "#endif\n", "t.pkt:1:1: #endif without #ifdef" },
        { "#if A\n", "t.pkt:1:1: unknown directive #if" },
        { "0 close(3) = 0\n--mss=1000\n", "t.pkt:2:1: header options" },
        { "--ip_version=ipv5\n", "t.pkt:1:1: --ip_version takes" },
        { "0.1...0.2 < S 0:0(0)\n", "t.pkt:1:1: '...' is for system calls" },
        { "0.3~0.2 < S 0:0(0)\n", "the end of the time range is before its start" },
        { "0.0000001 close(3) = 0\n", "finer than a microsecond" },
        { "0 `echo\n", "t.pkt:1:3: '`' not closed" },
        { "/* open\n", "t.pkt:1:1: unterminated comment" },
        { "0 < S 99999999999:0(0)\n", "number too large" },
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct script s;
        char err[256];
        bool ok = script_parse(&s, "t.pkt", cases[i].text, strlen(cases[i].text), NULL, 0, err,
                               sizeof err);
        if (ok) {
            script_free(&s);
            fail_msg("case %zu parsed: %s", i, cases[i].text);
        }
        if (strstr(err, cases[i].where) == NULL)
            fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err, cases[i].where);
    }
}

static uint64_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Seeded mutations of the base script: bytes replaced, inserted, deleted,
 * lines swapped; each one parsed and, if it parses, run.  Nothing may
 * crash (run under valgrind or ASan to see more), and a parse failure
 * must say where. */
static void test_mutations(void **state)
{
    const char *env = getenv("TCPSM_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed5c41u;
    static const char alphabet[] = "0123456789.+*~<>SFRP.U:()[]{},=|-`%\n #abcdefxyz_\t\"/";
    unsigned n, parsed_ok = 0;
    (void)state;
    rng = seed ? seed : 1;
    for (n = 0; n < 3000; n++) {
        char text[sizeof base + 64];
        size_t len = strlen(base), k, m = 1 + next() % 4;
        struct script_result r;
        bool parsed;
        char err[256];
        memcpy(text, base, len);
        for (k = 0; k < m; k++) {
            size_t at = next() % len;
            switch (next() % 3) {
            case 0:
                text[at] = alphabet[next() % (sizeof alphabet - 1)];
                break;
            case 1:
                if (len + 1 < sizeof text) {
                    memmove(text + at + 1, text + at, len - at);
                    text[at] = alphabet[next() % (sizeof alphabet - 1)];
                    len++;
                }
                break;
            default:
                if (len > 1) {
                    memmove(text + at, text + at + 1, len - at - 1);
                    len--;
                }
                break;
            }
        }
        run_text(text, len, &r, &parsed, err, sizeof err);
        if (parsed)
            parsed_ok++;
        else if (strncmp(err, "t.pkt:", 6) != 0)
            fail_msg("seed 0x%llx, mutation %u: an error without its position: %s",
                     (unsigned long long)seed, n, err);
    }
    print_message("mutations: 3000 scripts (seed 0x%llx), %u parsed and run\n",
                  (unsigned long long)seed, parsed_ok);
}

/* The same script gives the same result, message and figures. */
static void test_deterministic(void **state)
{
    struct script_result a, b;
    bool pa, pb;
    char err[256];
    char text[sizeof base];
    (void)state;
    memcpy(text, base, sizeof base);
    memcpy(strstr(text, "> P. 1:1001"), "> P. 1:1002", 11);
    run_text(text, strlen(text), &a, &pa, err, sizeof err);
    assert_false(pa);                           /* 1:1002(1000) is inconsistent */
    memcpy(text, base, sizeof base);
    memcpy(strstr(text, "ack 1 <mss 1460>"), "ack 2 <mss 1460>", 16);
    run_text(text, strlen(text), &a, &pa, err, sizeof err);
    run_text(text, strlen(text), &b, &pb, err, sizeof err);
    assert_int_equal(a.status, SCRIPT_FAIL);
    assert_string_equal(a.message, b.message);
    assert_memory_equal(&a, &b, sizeof a);
    assert_non_null(strstr(a.message, "t.pkt:8: expected > S. 0:0(0) ack 2 <mss 1460> but tcpsm sent S. 0:0(0) ack 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_passes),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
