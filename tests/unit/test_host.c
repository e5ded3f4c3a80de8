/*
 * test_host.c: the host layer (src/host): the connection table,
 * demultiplexing, listeners (most specific match, backlog, accept), the
 * replies to segments for no connection (RFC 9293 3.10.7.1), broadcast and
 * multicast addresses, ISNs, and slots held through TIME-WAIT.
 *
 * Two hosts, A (10.0.0.1) and B (10.0.0.2), each with its own table; pump()
 * moves every segment one host writes to the other as wire bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"   /* h_addr4 */
#include "tcpsm_host.h"

#define NSLOT 6
#define BUFSZ 4096

struct side {
    struct tcpsm_host h;
    struct tcpsm_host_slot slot[NSLOT];
    uint8_t sbuf[NSLOT][BUFSZ], rbuf[NSLOT][BUFSZ];
    struct tcpsm_addr ip;
};

static struct side A, B;
static uint64_t now;

static struct tcpsm_endpoint ep(struct tcpsm_addr ip, uint16_t port)
{
    struct tcpsm_endpoint e;
    memset(&e, 0, sizeof e);
    e.ip = ip;
    e.port = port;
    return e;
}

static void side_init(struct side *s, struct tcpsm_addr ip, uint8_t keybyte, uint32_t nslot)
{
    uint8_t key[TCPSM_ISN_KEY_LEN];
    memset(s, 0, sizeof *s);
    memset(key, keybyte, sizeof key);
    for (int i = 0; i < NSLOT; i++) {
        s->slot[i].sbuf = s->sbuf[i];
        s->slot[i].scap = BUFSZ;
        s->slot[i].rbuf = s->rbuf[i];
        s->slot[i].rcap = BUFSZ;
    }
    s->ip = ip;
    assert_int_equal(tcpsm_host_init(&s->h, NULL, s->slot, nslot, key), TCPSM_OK);
}

static int setup(void **state)
{
    (void)state;
    now = 1000000;
    side_init(&A, h_addr4(10, 0, 0, 1), 0xA1, NSLOT);
    side_init(&B, h_addr4(10, 0, 0, 2), 0xB2, NSLOT);
    return 0;
}

/* Everything `from` writes, parsed (for the caller to look at) and, if
 * `to` is not NULL, given to it.  Returns the number of segments. */
static int drain(struct side *from, struct side *to, struct tcpsm_segment *last)
{
    uint8_t buf[2200];
    struct tcpsm_addr src, dst;
    size_t n;
    int count = 0;
    while (tcpsm_host_output_segment(&from->h, now, &src, &dst, buf, sizeof buf, &n) == TCPSM_OK) {
        if (last != NULL) {
            const uint8_t *p;
            assert_int_equal(tcpsm_wire_parse(buf, n, last, &p), TCPSM_OK);
        }
        if (to != NULL)
            (void)tcpsm_host_input_segment(&to->h, now, &src, &dst, buf, n);
        count++;
    }
    return count;
}

/* Both ways until quiet. */
static void pump(void)
{
    for (int round = 0; round < 20; round++) {
        now += 1000;
        if (drain(&A, &B, NULL) + drain(&B, &A, NULL) == 0)
            return;
    }
    fail_msg("pump: still talking after 20 rounds");
}

/* A segment from (src, sport) to B's (dport), written as wire bytes and
 * given to B. */
static enum tcpsm_err inject(struct tcpsm_addr src, uint16_t sport, struct tcpsm_addr dst,
                             uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                             uint16_t len)
{
    struct tcpsm_segment seg;
    uint8_t payload[64] = { 0 }, buf[200];
    size_t n;
    memset(&seg, 0, sizeof seg);
    seg.src = src;
    seg.dst = dst;
    seg.sport = sport;
    seg.dport = dport;
    seg.flags = flags;
    seg.seq = seq;
    seg.ack = ack;
    seg.wnd = 1000;
    seg.len = len;
    assert_int_equal(tcpsm_wire_write(&seg, payload, buf, sizeof buf, &n), TCPSM_OK);
    return tcpsm_host_input_segment(&B.h, now, &src, &dst, buf, n);
}

static void test_listener_makes_a_connection_and_stays_in_listen(void **state)
{
    struct tcpsm_endpoint any = ep(h_addr4(0, 0, 0, 0), 80), a = ep(A.ip, 40000), b = ep(B.ip, 80);
    uint32_t l, c, s;
    (void)state;
    any.ip.family = TCPSM_AF_UNSPEC;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &any, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_ERR_EMPTY);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_conn(&A.h, c)->state, TCPSM_ESTABLISHED);
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
    assert_int_not_equal(s, l);
    assert_int_equal(tcpsm_host_conn(&B.h, s)->state, TCPSM_ESTABLISHED);
    assert_int_equal(tcpsm_host_conn(&B.h, l)->state, TCPSM_LISTEN);   /* MUST-41 */
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_ERR_EMPTY);
    /* MUST-41: another passive OPEN on the same port, for exactly this
     * client, disturbs neither the connection nor the first listener */
    {
        struct tcpsm_conn before = *tcpsm_host_conn(&B.h, s);
        uint32_t l2;
        assert_int_equal(tcpsm_host_listen(&B.h, now, &b, &a, 1, &l2), TCPSM_OK);
        assert_memory_equal(&before, tcpsm_host_conn(&B.h, s), sizeof before);
        assert_int_equal(tcpsm_host_conn(&B.h, l)->state, TCPSM_LISTEN);
    }
}

/* Data both ways through handles, and the ISN the host chose is RFC 6528's. */
static void test_data_both_ways_and_isn(void **state)
{
    struct tcpsm_endpoint a = ep(A.ip, 40001), b = ep(B.ip, 80);
    uint8_t key[TCPSM_ISN_KEY_LEN], got[16];
    uint32_t l, c, s, n;
    unsigned fl;
    uint64_t t0 = now;
    (void)state;
    memset(key, 0xA1, sizeof key);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(tcpsm_host_conn(&A.h, c)->iss, tcpsm_isn(key, &a, &b, t0));
    pump();
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
    assert_int_equal(tcpsm_host_send(&A.h, now, c, (const uint8_t *)"ping", 4, 0, &n), TCPSM_OK);
    assert_int_equal(tcpsm_host_send(&B.h, now, s, (const uint8_t *)"pong!", 5, 0, &n), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_receive(&B.h, now, s, got, sizeof got, &n, &fl), TCPSM_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(got, "ping", 4);
    assert_int_equal(tcpsm_host_receive(&A.h, now, c, got, sizeof got, &n, &fl), TCPSM_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(got, "pong!", 5);
    {
        struct tcpsm_status st;
        assert_int_equal(tcpsm_host_status(&A.h, c, &st), TCPSM_OK);
        assert_int_equal(st.state, TCPSM_ESTABLISHED);
    }
    /* a listener or a free slot is no connection for the user calls */
    assert_int_equal(tcpsm_host_send(&B.h, now, l, (const uint8_t *)"x", 1, 0, &n),
                     TCPSM_ERR_NOT_EXIST);
    assert_int_equal(tcpsm_host_close(&B.h, now, NSLOT - 1), TCPSM_ERR_NOT_EXIST);
    assert_int_equal(tcpsm_host_abort(&A.h, now, c), TCPSM_OK);
    assert_int_equal(tcpsm_host_conn(&A.h, c)->state, TCPSM_CLOSED);
}

/* MUST-42: the listener whose foreign socket names the sender beats the
 * wildcard; a sender it does not name goes to the wildcard. */
static void test_specific_listener_beats_wildcard(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80), fromA = ep(A.ip, 0), fromA5000 = ep(A.ip, 5000);
    uint32_t wild, spec, full, h;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &wild), TCPSM_OK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, &fromA, 4, &spec), TCPSM_OK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, &fromA5000, 4, &full), TCPSM_OK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, &fromA, 4, &h), TCPSM_ERR_EXISTS);
    /* a SYN from A's port 5000 goes to the fully specified listener */
    assert_int_equal(inject(A.ip, 5000, B.ip, 80, TCPSM_SYN, 100, 0, 0), TCPSM_OK);
    /* from another port of A to the one naming A's address only */
    assert_int_equal(inject(A.ip, 5002, B.ip, 80, TCPSM_SYN, 150, 0, 0), TCPSM_OK);
    /* a SYN from elsewhere goes to the wildcard */
    assert_int_equal(inject(h_addr4(10, 0, 0, 9), 5001, B.ip, 80, TCPSM_SYN, 200, 0, 0), TCPSM_OK);
    assert_int_equal(B.slot[full].pending, 1);
    assert_int_equal(B.slot[spec].pending, 1);
    assert_int_equal(B.slot[wild].pending, 1);
    assert_int_equal(tcpsm_host_in_use(&B.h), 6);
    assert_int_equal(B.slot[spec].conn.state, TCPSM_LISTEN);
    assert_int_equal(B.slot[wild].conn.state, TCPSM_LISTEN);
}

/* A full backlog drops the SYN: no answer, no slot. */
static void test_full_backlog_drops_syn_silently(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80);
    struct tcpsm_segment out;
    uint32_t l;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 1, &l), TCPSM_OK);
    assert_int_equal(inject(A.ip, 5000, B.ip, 80, TCPSM_SYN, 100, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);           /* the SYN,ACK */
    assert_int_equal(out.flags, TCPSM_SYN | TCPSM_ACK);
    assert_int_equal(inject(A.ip, 5001, B.ip, 80, TCPSM_SYN, 300, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 0);           /* nothing, not even a RST */
    assert_int_equal(B.h.stats.syn_backlog, 1);
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);
}

/* A RST in SYN-RECEIVED sends a listener's connection back to LISTEN
 * (3.10.7.4): the host frees it and the backlog place. */
static void test_reset_half_open_connection_is_freed(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80);
    struct tcpsm_segment synack;
    uint32_t l;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 1, &l), TCPSM_OK);
    assert_int_equal(inject(A.ip, 5000, B.ip, 80, TCPSM_SYN, 100, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &synack), 1);
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);
    assert_int_equal(inject(A.ip, 5000, B.ip, 80, TCPSM_RST, 101, 0, 0), TCPSM_OK);
    assert_int_equal(tcpsm_host_in_use(&B.h), 1);
    assert_int_equal(B.slot[l].pending, 0);
    assert_int_equal(B.slot[l].conn.state, TCPSM_LISTEN);
}

/* RFC 9293 3.10.7.1, no connection: an ACK draws <SEQ=SEG.ACK><CTL=RST>;
 * no ACK draws <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; a RST draws
 * nothing. */
static void test_no_connection_replies(void **state)
{
    struct tcpsm_segment out;
    (void)state;
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_ACK, 500, 12345, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(out.flags, TCPSM_RST);
    assert_int_equal(out.seq, 12345);
    assert_int_equal(out.sport, 9999);
    assert_int_equal(out.dport, 7000);
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_SYN, 500, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(out.flags, TCPSM_RST | TCPSM_ACK);
    assert_int_equal(out.seq, 0);
    assert_int_equal(out.ack, 501);                 /* SYN counts one */
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_ACK | TCPSM_PSH, 500, 1, 10), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(out.flags, TCPSM_RST);
    assert_int_equal(out.seq, 1);
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_PSH, 500, 0, 10), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(out.flags, TCPSM_RST | TCPSM_ACK);
    assert_int_equal(out.ack, 510);
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_RST, 500, 0, 0), TCPSM_OK);
    assert_int_equal(inject(A.ip, 7000, B.ip, 9999, TCPSM_RST | TCPSM_ACK, 500, 7, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 0);     /* never a RST for a RST */
    assert_int_equal(B.h.stats.no_conn, 6);
    assert_int_equal(tcpsm_host_in_use(&B.h), 0);
}

/* MUST-57: a segment to a broadcast or multicast address is dropped
 * silently; MUST-63: a SYN from one is rejected (no connection, no reply). */
static void test_broadcast_and_multicast(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80);
    struct tcpsm_segment out;
    uint32_t l;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(inject(A.ip, 5000, h_addr4(255, 255, 255, 255), 80, TCPSM_SYN, 1, 0, 0),
                     TCPSM_ERR_NOT_FOR_US);
    assert_int_equal(inject(A.ip, 5000, h_addr4(224, 0, 0, 1), 80, TCPSM_ACK, 1, 1, 0),
                     TCPSM_ERR_NOT_FOR_US);
    assert_int_equal(B.h.stats.seg_not_unicast, 2);
    assert_int_equal(inject(h_addr4(239, 1, 2, 3), 5000, B.ip, 80, TCPSM_SYN, 1, 0, 0), TCPSM_OK);
    assert_int_equal(B.h.stats.syn_bad_source, 1);
    assert_int_equal(inject(h_addr4(239, 1, 2, 3), 5000, B.ip, 81, TCPSM_ACK, 1, 1, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 0);
    /* nor through a listener (3.10.7.2 would answer this ACK with a RST;
     * found by fuzz_host, fuzz/regressions/fuzz_host/rst-to-multicast-source) */
    assert_int_equal(inject(h_addr4(224, 0, 0, 1), 5000, B.ip, 80, TCPSM_ACK, 1, 1, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 0);
    assert_int_equal(tcpsm_host_in_use(&B.h), 1);
    assert_true(tcpsm_addr_is_multi(&(struct tcpsm_addr){ .family = TCPSM_AF_INET6,
                                                          .addr = { 0xFF, 0x02 } }));
    assert_false(tcpsm_addr_is_multi(&B.ip));
}

/* A corrupted segment is refused with the checksum error and changes
 * nothing but the counters. */
static void test_bad_checksum_changes_nothing(void **state)
{
    struct tcpsm_endpoint a = ep(A.ip, 40002), b = ep(B.ip, 80);
    uint8_t buf[2200];
    struct tcpsm_addr src, dst;
    struct tcpsm_host_slot before[NSLOT];
    size_t n;
    uint32_t l, c;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(tcpsm_host_output_segment(&A.h, now, &src, &dst, buf, sizeof buf, &n),
                     TCPSM_OK);
    buf[n - 1] ^= 0x40;                         /* one bit */
    memcpy(before, B.slot, sizeof before);
    assert_int_equal(tcpsm_host_input_segment(&B.h, now, &src, &dst, buf, n),
                     TCPSM_ERR_BAD_CHECKSUM);
    assert_memory_equal(before, B.slot, sizeof before);
    assert_int_equal(B.h.stats.seg_bad, 1);
    assert_int_equal(tcpsm_host_input_segment(&B.h, now, &src, &dst, buf, 7), TCPSM_ERR_TRUNCATED);
    assert_int_equal(tcpsm_host_input_segment(&B.h, now, &src, NULL, buf, n), TCPSM_ERR_INVAL);
}

/* Two connections on one local port, told apart by the foreign port. */
static void test_demultiplex_by_4_tuple(void **state)
{
    struct tcpsm_endpoint a1 = ep(A.ip, 41000), a2 = ep(A.ip, 41001), b = ep(B.ip, 80);
    uint8_t got[8];
    uint32_t l, c1, c2, s1, s2, n;
    unsigned fl;
    (void)state;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a1, &b, &c1), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a2, &b, &c2), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a2, &b, &n), TCPSM_ERR_EXISTS);
    pump();
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s1), TCPSM_OK);
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s2), TCPSM_OK);
    assert_int_equal(tcpsm_host_conn(&B.h, s1)->remote.port, 41000);   /* oldest first */
    assert_int_equal(tcpsm_host_conn(&B.h, s2)->remote.port, 41001);
    assert_int_equal(tcpsm_send(tcpsm_host_conn(&A.h, c2), now, (const uint8_t *)"two", 3, 0, &n),
                     TCPSM_OK);
    assert_int_equal(tcpsm_send(tcpsm_host_conn(&A.h, c1), now, (const uint8_t *)"one", 3, 0, &n),
                     TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_receive(tcpsm_host_conn(&B.h, s1), now, got, sizeof got, &n, &fl),
                     TCPSM_OK);
    assert_memory_equal(got, "one", 3);
    assert_int_equal(tcpsm_receive(tcpsm_host_conn(&B.h, s2), now, got, sizeof got, &n, &fl),
                     TCPSM_OK);
    assert_memory_equal(got, "two", 3);
}

/* A full table refuses OPEN with "insufficient resources" and evicts
 * nothing; a connection in TIME-WAIT keeps its slot until 2 MSL. */
static void test_full_table_and_time_wait(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80);
    uint32_t l, c[NSLOT], s, extra;
    uint64_t deadline;
    (void)state;
    side_init(&A, h_addr4(10, 0, 0, 1), 0xA1, 2);         /* A has 2 slots */
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    for (int i = 0; i < 2; i++) {
        struct tcpsm_endpoint a = ep(A.ip, (uint16_t)(42000 + i));
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c[i]), TCPSM_OK);
    }
    {
        struct tcpsm_endpoint a = ep(A.ip, 42002);
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &extra), TCPSM_ERR_RESOURCES);
    }
    pump();
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
    /* A closes first, so A goes through TIME-WAIT */
    assert_int_equal(tcpsm_close(tcpsm_host_conn(&A.h, c[0]), now), TCPSM_OK);
    assert_int_equal(tcpsm_host_release(&A.h, now, c[0]), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_close(tcpsm_host_conn(&B.h, s), now), TCPSM_OK);
    assert_int_equal(tcpsm_host_release(&B.h, now, s), TCPSM_OK);
    pump();
    assert_int_equal(A.slot[c[0]].conn.state, TCPSM_TIME_WAIT);
    assert_int_equal(tcpsm_host_in_use(&A.h), 2);
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);    /* listener + the other connection */
    {
        struct tcpsm_endpoint a = ep(A.ip, 42002);
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &extra), TCPSM_ERR_RESOURCES);
    }
    deadline = tcpsm_host_next_deadline(&A.h);
    assert_true(deadline != TCPSM_NEVER);
    now = deadline - 1;
    assert_int_equal(tcpsm_host_timer(&A.h, now), TCPSM_OK);
    assert_int_equal(tcpsm_host_in_use(&A.h), 2);
    now = deadline;
    assert_int_equal(tcpsm_host_timer(&A.h, now), TCPSM_OK);
    assert_int_equal(tcpsm_host_in_use(&A.h), 1);    /* 2 MSL later, the slot is free */
    {
        struct tcpsm_endpoint a = ep(A.ip, 42002);
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &extra), TCPSM_OK);
    }
}


/* B closes first and holds the connection from A:40002 in TIME-WAIT. */
static uint32_t time_wait_at_b(uint32_t *listener, uint32_t *old_rcv_nxt, uint32_t *old_snd_nxt)
{
    struct tcpsm_endpoint a = ep(A.ip, 40002), b = ep(B.ip, 80);
    uint32_t c, s;
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, listener), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_accept(&B.h, *listener, &s), TCPSM_OK);
    assert_int_equal(tcpsm_host_close(&B.h, now, s), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_close(&A.h, now, c), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_conn(&B.h, s)->state, TCPSM_TIME_WAIT);
    assert_int_equal(tcpsm_host_conn(&A.h, c)->state, TCPSM_CLOSED);
    assert_int_equal(tcpsm_host_release(&A.h, now, c), TCPSM_OK);
    assert_int_equal(tcpsm_host_release(&B.h, now, s), TCPSM_OK);
    *old_rcv_nxt = B.slot[s].conn.rcv_nxt;
    *old_snd_nxt = B.slot[s].conn.snd_nxt;
    return s;
}

/* RFC 9293 3.6.1 (MAY-2): a new SYN may reopen a connection from TIME-WAIT,
 * when the host allows it. */
static void test_time_wait_reopen_on_new_syn(void **state)
{
    struct tcpsm_endpoint a = ep(A.ip, 40002), b = ep(B.ip, 80);
    uint32_t l, tw, rcv, snd, c, s;
    (void)state;
    /* off (the default): a new SYN goes to the TIME-WAIT TCB, which
     * answers with an ACK (RFC 5961 4.2), not a SYN,ACK */
    tw = time_wait_at_b(&l, &rcv, &snd);
    now += 1000000;
    {
        struct tcpsm_segment out;
        assert_int_equal(inject(A.ip, 40002, B.ip, 80, TCPSM_SYN, rcv + 100000u, 0, 0),
                         TCPSM_OK);
        assert_int_equal(drain(&B, NULL, &out), 1);
        assert_int_equal(out.flags, TCPSM_ACK);
        assert_int_equal(out.ack, rcv);
    }
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_ERR_EMPTY);
    assert_int_equal(B.slot[tw].conn.state, TCPSM_TIME_WAIT);
    assert_int_equal(B.h.stats.tw_reopened, 0);

    /* on: the same SYN opens a new connection; its ISS is beyond all the
     * old one used (RFC 1122 4.2.2.13 (1)); once it is ESTABLISHED the
     * TIME-WAIT slot is free */
    setup(NULL);
    tcpsm_host_set_time_wait_reopen(&B.h, true);
    tw = time_wait_at_b(&l, &rcv, &snd);
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);       /* listener, TIME-WAIT */
    /* an old duplicate SYN (not beyond RCV.NXT) reopens nothing */
    assert_int_equal(inject(A.ip, 40002, B.ip, 80, TCPSM_SYN, rcv - 1u, 0, 0), TCPSM_OK);
    assert_int_equal(B.h.stats.tw_reopened, 0);
    assert_int_equal(B.slot[tw].conn.state, TCPSM_TIME_WAIT);
    drain(&B, NULL, NULL);              /* (its challenge ACK) */
    now += 1000000;
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    pump();
    assert_int_equal(B.h.stats.tw_reopened, 1);
    assert_int_equal(tcpsm_host_conn(&A.h, c)->state, TCPSM_ESTABLISHED);
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
    assert_int_not_equal(s, tw);
    assert_int_equal(tcpsm_host_conn(&B.h, s)->state, TCPSM_ESTABLISHED);
    assert_true((int32_t)(tcpsm_host_conn(&B.h, s)->iss - snd) > 0);
    assert_int_equal(B.slot[tw].use, TCPSM_SLOT_FREE);
    assert_int_equal(tcpsm_host_in_use(&B.h), 2);       /* listener, new connection */

    /* the application still holds the TIME-WAIT handle: it stays valid
     * (its TCB ends, CLOSED), and the slot is freed when it is released
     * (found by fuzz_host, fuzz/regressions/fuzz_host/reopen-frees-held-handle) */
    setup(NULL);
    tcpsm_host_set_time_wait_reopen(&B.h, true);
    {
        struct tcpsm_endpoint a2 = ep(A.ip, 40002);
        uint32_t c0, s0;
        assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a2, &b, &c0), TCPSM_OK);
        pump();
        assert_int_equal(tcpsm_host_accept(&B.h, l, &s0), TCPSM_OK);
        assert_int_equal(tcpsm_host_close(&B.h, now, s0), TCPSM_OK);
        pump();
        assert_int_equal(tcpsm_host_close(&A.h, now, c0), TCPSM_OK);
        pump();
        assert_int_equal(tcpsm_host_conn(&B.h, s0)->state, TCPSM_TIME_WAIT);
        assert_int_equal(tcpsm_host_release(&A.h, now, c0), TCPSM_OK);
        now += 1000000;
        assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
        pump();
        assert_int_equal(B.h.stats.tw_reopened, 1);
        assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
        assert_int_not_equal(s, s0);
        assert_non_null(tcpsm_host_conn(&B.h, s0));             /* still the application's */
        assert_int_equal(tcpsm_host_conn(&B.h, s0)->state, TCPSM_CLOSED);
        assert_int_equal(tcpsm_host_in_use(&B.h), 3);
        assert_int_equal(tcpsm_host_release(&B.h, now, s0), TCPSM_OK);
        assert_int_equal(B.slot[s0].use, TCPSM_SLOT_FREE);
        assert_int_equal(tcpsm_host_in_use(&B.h), 2);
    }
}

/* Bad arguments are refused and change nothing. */
static void test_bad_arguments(void **state)
{
    struct tcpsm_endpoint noport = ep(B.ip, 0), b = ep(B.ip, 80), a = ep(A.ip, 1);
    uint8_t key[TCPSM_ISN_KEY_LEN] = { 0 };
    uint32_t h;
    (void)state;
    assert_int_equal(tcpsm_host_init(NULL, NULL, B.slot, NSLOT, key), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_init(&B.h, NULL, NULL, 3, key), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &noport, NULL, 4, &h), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 0, &h), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &noport, &h), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_accept(&B.h, 99, &h), TCPSM_ERR_INVAL);
    assert_null(tcpsm_host_conn(&B.h, 0));
    assert_int_equal(tcpsm_host_release(&B.h, now, 0), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_host_in_use(&B.h), 0);
}

/* Whole IP packets: a connection over IPv4 and one over IPv6, every
 * segment carried as tcpsm_host_output's packet into tcpsm_host_input. */
static int pump_ip(struct side *from, struct side *to)
{
    uint8_t pkt[2300];
    size_t n;
    int count = 0;
    while (tcpsm_host_output(&from->h, now, pkt, sizeof pkt, &n) == TCPSM_OK) {
        assert_int_equal(tcpsm_host_input(&to->h, now, pkt, n), TCPSM_OK);
        count++;
    }
    return count;
}

static void test_ip_packets_v4_and_v6(void **state)
{
    struct tcpsm_addr a6, b6;
    struct tcpsm_endpoint a4e = ep(A.ip, 43000), b4e = ep(B.ip, 80), a6e, b6e;
    uint32_t l4, l6, c4, c6, s;
    (void)state;
    memset(&a6, 0, sizeof a6);
    a6.family = TCPSM_AF_INET6;
    a6.addr[0] = 0x20;
    a6.addr[1] = 0x01;
    a6.addr[15] = 1;
    b6 = a6;
    b6.addr[15] = 2;
    a6e = ep(a6, 43001);
    b6e = ep(b6, 443);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b4e, NULL, 4, &l4), TCPSM_OK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b6e, NULL, 4, &l6), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a4e, &b4e, &c4), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a6e, &b6e, &c6), TCPSM_OK);
    for (int round = 0; round < 10; round++) {
        now += 1000;
        if (pump_ip(&A, &B) + pump_ip(&B, &A) == 0)
            break;
    }
    assert_int_equal(tcpsm_host_conn(&A.h, c4)->state, TCPSM_ESTABLISHED);
    assert_int_equal(tcpsm_host_conn(&A.h, c6)->state, TCPSM_ESTABLISHED);
    assert_int_equal(tcpsm_host_accept(&B.h, l4, &s), TCPSM_OK);
    assert_int_equal(tcpsm_host_conn(&B.h, s)->remote.ip.family, TCPSM_AF_INET);
    assert_int_equal(tcpsm_host_accept(&B.h, l6, &s), TCPSM_OK);
    assert_memory_equal(tcpsm_host_conn(&B.h, s)->remote.ip.addr, a6.addr, 16);
}

/* The IP codec: what it writes it parses back; a damaged header is refused. */
static void test_ip_codec(void **state)
{
    const uint8_t tcp[24] = { 0x12, 0x34, 0x00, 0x50 };
    uint8_t pkt[200], bad[200];
    struct tcpsm_addr src = h_addr4(192, 0, 2, 1), dst = h_addr4(198, 51, 100, 2), s2, d2, s6;
    const uint8_t *seg;
    size_t n, len;
    (void)state;
    assert_int_equal(tcpsm_ip_write(&src, &dst, tcp, sizeof tcp, pkt, sizeof pkt, &n), TCPSM_OK);
    assert_int_equal(n, 20 + sizeof tcp);
    assert_int_equal(pkt[0], 0x45);
    assert_int_equal(tcpsm_ip_parse(pkt, n, &s2, &d2, &seg, &len), TCPSM_OK);
    assert_int_equal(len, sizeof tcp);
    assert_memory_equal(seg, tcp, sizeof tcp);
    assert_memory_equal(&s2, &src, sizeof src);
    assert_memory_equal(&d2, &dst, sizeof dst);
    memcpy(bad, pkt, n);
    bad[8] ^= 1;                                             /* TTL: header checksum */
    assert_int_equal(tcpsm_ip_parse(bad, n, &s2, &d2, &seg, &len), TCPSM_ERR_BAD_CHECKSUM);
    assert_int_equal(tcpsm_ip_parse(pkt, n - 1, &s2, &d2, &seg, &len), TCPSM_ERR_TRUNCATED);
    assert_int_equal(tcpsm_ip_parse(pkt, 10, &s2, &d2, &seg, &len), TCPSM_ERR_TRUNCATED);
    memcpy(bad, pkt, n);
    bad[6] = 0x20;                                           /* MF: a fragment */
    bad[10] = bad[11] = 0;
    {
        uint32_t sum = 0;
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)((bad[i] << 8) | bad[i + 1]);
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        bad[10] = (uint8_t)(~sum >> 8);
        bad[11] = (uint8_t)~sum;
    }
    assert_int_equal(tcpsm_ip_parse(bad, n, &s2, &d2, &seg, &len), TCPSM_ERR_BAD_HEADER);
    bad[0] = 0x55;                                           /* version 5 */
    assert_int_equal(tcpsm_ip_parse(bad, n, &s2, &d2, &seg, &len), TCPSM_ERR_BAD_HEADER);
    /* IPv6 */
    memset(&s6, 0, sizeof s6);
    s6.family = TCPSM_AF_INET6;
    s6.addr[0] = 0xFE;
    s6.addr[1] = 0x80;
    assert_int_equal(tcpsm_ip_write(&s6, &dst, tcp, sizeof tcp, pkt, sizeof pkt, &n),
                     TCPSM_ERR_INVAL);                       /* mixed families */
    assert_int_equal(tcpsm_ip_write(&s6, &s6, tcp, sizeof tcp, pkt, sizeof pkt, &n), TCPSM_OK);
    assert_int_equal(n, 40 + sizeof tcp);
    assert_int_equal(tcpsm_ip_parse(pkt, n, &s2, &d2, &seg, &len), TCPSM_OK);
    assert_int_equal(s2.family, TCPSM_AF_INET6);
    assert_memory_equal(seg, tcp, sizeof tcp);
    pkt[6] = 17;                                             /* UDP */
    assert_int_equal(tcpsm_ip_parse(pkt, n, &s2, &d2, &seg, &len), TCPSM_ERR_NOT_FOR_US);
    pkt[6] = 0;                                              /* hop-by-hop options */
    assert_int_equal(tcpsm_ip_parse(pkt, n, &s2, &d2, &seg, &len), TCPSM_ERR_BAD_HEADER);
    assert_int_equal(tcpsm_ip_write(&src, &dst, tcp, sizeof tcp, pkt, 30, &n), TCPSM_ERR_NOSPACE);
    assert_int_equal(tcpsm_host_input(&B.h, now, pkt, 3), TCPSM_ERR_TRUNCATED);
    assert_int_equal(B.h.stats.seg_bad, 1);
}

/* RFC 5961 7: challenge ACKs are limited per host and per second; over the
 * limit the segment is dropped without one; the counters say what
 * happened. */
/* The limit holds in SYN-RECEIVED of an active OPEN too, where a SYN draws
 * a challenge ACK as in the synchronized states (RFC 5961 4.2, 7; found by
 * fuzz_host, fuzz/regressions/fuzz_host/challenge-limit-syn-received). */
static void test_challenge_limit_in_active_syn_received(void **state)
{
    struct tcpsm_endpoint b = ep(B.ip, 80), a = ep(A.ip, 44000);
    struct tcpsm_segment out;
    uint32_t c;
    int acks = 0;
    (void)state;
    tcpsm_host_set_challenge_limit(&B.h, 1);
    assert_int_equal(tcpsm_host_connect(&B.h, now, &b, &a, &c), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);                     /* our SYN */
    assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_SYN, 7000, 0, 0), TCPSM_OK);
    assert_int_equal(tcpsm_host_conn(&B.h, c)->state, TCPSM_SYN_RECEIVED);
    assert_int_equal(drain(&B, NULL, &out), 1);                     /* SYN,ACK */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_SYN, 7001, 0, 0), TCPSM_OK);
        acks += drain(&B, NULL, &out);
    }
    assert_int_equal(acks, 1);
    assert_int_equal(B.h.stats.challenge_acks, 1);
    assert_int_equal(B.h.stats.challenge_limited, 2);
    assert_int_equal(tcpsm_host_conn(&B.h, c)->state, TCPSM_SYN_RECEIVED);
}

static void test_challenge_ack_limit(void **state)
{
    struct tcpsm_endpoint a = ep(A.ip, 44000), b = ep(B.ip, 80);
    struct tcpsm_segment out;
    struct tcpsm_conn *sc;
    uint32_t l, c, s, rn, un;
    (void)state;
    assert_int_equal(B.h.challenge_limit, TCPSM_HOST_CHALLENGE_LIMIT);
    tcpsm_host_set_challenge_limit(&B.h, 3);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 4, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    pump();
    assert_int_equal(tcpsm_host_accept(&B.h, l, &s), TCPSM_OK);
    sc = tcpsm_host_conn(&B.h, s);
    rn = sc->rcv_nxt;
    un = sc->snd_una;
    /* 5 in-window RSTs not at RCV.NXT: 3 challenge ACKs, 2 dropped silently */
    {
        int acks = 0;
        for (int i = 0; i < 5; i++) {
            assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_RST, rn + 10, 0, 0), TCPSM_OK);
            acks += drain(&B, NULL, &out);      /* each answer goes out before the next RST */
        }
        assert_int_equal(acks, 3);
    }
    assert_int_equal(out.flags, TCPSM_ACK);
    assert_int_equal(out.ack, rn);
    assert_int_equal(B.h.stats.challenge_acks, 3);
    assert_int_equal(B.h.stats.challenge_limited, 2);
    assert_int_equal(B.h.stats.rst_ignored, 5);
    /* a SYN in ESTABLISHED is limited the same way */
    assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_SYN, rn + 100, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 0);
    assert_int_equal(B.h.stats.syn_ignored, 1);
    assert_int_equal(B.h.stats.challenge_limited, 3);
    assert_int_equal(sc->state, TCPSM_ESTABLISHED);
    /* a second later there is budget again */
    now += 1000000;
    assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_SYN, rn + 100, 0, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(B.h.stats.challenge_acks, 4);
    assert_int_equal(B.h.stats.syn_ignored, 2);
    /* an ACK for data never sent (RFC 5961 5.2) draws one too */
    assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_ACK, rn, un + 100000, 0), TCPSM_OK);
    assert_int_equal(drain(&B, NULL, &out), 1);
    assert_int_equal(B.h.stats.challenge_acks, 5);
    /* the RST at RCV.NXT still resets: the limit never blocks a real reset */
    assert_int_equal(inject(A.ip, 44000, B.ip, 80, TCPSM_RST, rn, 0, 0), TCPSM_OK);
    assert_int_equal(sc->state, TCPSM_CLOSED);
}

/* The first SYN A sends, as wire bytes: its option bytes. */
static size_t syn_options(struct side *from, uint8_t *opts)
{
    uint8_t buf[2200];
    struct tcpsm_addr src, dst;
    size_t n, hl;
    assert_int_equal(tcpsm_host_output_segment(&from->h, now, &src, &dst, buf, sizeof buf, &n),
                     TCPSM_OK);
    assert_int_equal(tcpsm_wire_verify(&src, &dst, buf, n), TCPSM_OK);
    assert_true(buf[13] & TCPSM_SYN);
    hl = (size_t)(buf[12] >> 4) * 4u;
    memcpy(opts, buf + 20, hl - 20);
    (void)tcpsm_host_input_segment(&B.h, now, &src, &dst, buf, n);
    return hl - 20;
}

/* RFC 2018 2 through tcpsm_host_set_syn_options: SACK-permitted in the SYN,
 * in the SYN,ACK only when the SYN offered it; each style's layout, with a
 * checksum that verifies. */
static void test_syn_option_styles(void **state)
{
    static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
    static const uint8_t bsd[] = { 2, 4, 0x05, 0xb4, 4, 2, 0, 0 };
    static const uint8_t lnx[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
    struct tcpsm_endpoint a = ep(A.ip, 40000), b = ep(B.ip, 80);
    uint8_t o[40];
    uint32_t l, c;
    (void)state;
    /* default: the engine's MSS option alone */
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(syn_options(&A, o), sizeof mss);
    assert_memory_equal(o, mss, sizeof mss);
    /* FreeBSD's layout in a SYN; a listener with the same style answers in kind */
    setup(NULL);
    tcpsm_host_set_syn_options(&A.h, TCPSM_SYN_OPTS_SACK_EOL);
    tcpsm_host_set_syn_options(&B.h, TCPSM_SYN_OPTS_SACK_EOL);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 1, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(syn_options(&A, o), sizeof bsd);
    assert_memory_equal(o, bsd, sizeof bsd);
    assert_int_equal(syn_options(&B, o), sizeof bsd);               /* the SYN,ACK */
    assert_memory_equal(o, bsd, sizeof bsd);
    /* Linux's layout; a SYN without SACK-permitted gets none back */
    setup(NULL);
    tcpsm_host_set_syn_options(&A.h, TCPSM_SYN_OPTS_NOP_SACK);
    tcpsm_host_set_syn_options(&B.h, TCPSM_SYN_OPTS_NOP_SACK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 1, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(syn_options(&A, o), sizeof lnx);
    assert_memory_equal(o, lnx, sizeof lnx);
    assert_int_equal(syn_options(&B, o), sizeof lnx);
    assert_memory_equal(o, lnx, sizeof lnx);
    setup(NULL);
    tcpsm_host_set_syn_options(&B.h, TCPSM_SYN_OPTS_NOP_SACK);
    assert_int_equal(tcpsm_host_listen(&B.h, now, &b, NULL, 1, &l), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, now, &a, &b, &c), TCPSM_OK);
    assert_int_equal(syn_options(&A, o), sizeof mss);               /* A offers no SACK */
    assert_int_equal(syn_options(&B, o), sizeof mss);
    assert_memory_equal(o, mss, sizeof mss);
    /* an unknown style changes nothing */
    tcpsm_host_set_syn_options(&B.h, 7);
    assert_int_equal(B.h.syn_opts, TCPSM_SYN_OPTS_NOP_SACK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_listener_makes_a_connection_and_stays_in_listen, setup),
        cmocka_unit_test_setup(test_data_both_ways_and_isn, setup),
        cmocka_unit_test_setup(test_specific_listener_beats_wildcard, setup),
        cmocka_unit_test_setup(test_full_backlog_drops_syn_silently, setup),
        cmocka_unit_test_setup(test_reset_half_open_connection_is_freed, setup),
        cmocka_unit_test_setup(test_no_connection_replies, setup),
        cmocka_unit_test_setup(test_broadcast_and_multicast, setup),
        cmocka_unit_test_setup(test_bad_checksum_changes_nothing, setup),
        cmocka_unit_test_setup(test_demultiplex_by_4_tuple, setup),
        cmocka_unit_test_setup(test_full_table_and_time_wait, setup),
        cmocka_unit_test_setup(test_bad_arguments, setup),
        cmocka_unit_test_setup(test_ip_packets_v4_and_v6, setup),
        cmocka_unit_test_setup(test_ip_codec, setup),
        cmocka_unit_test_setup(test_challenge_ack_limit, setup),
        cmocka_unit_test_setup(test_time_wait_reopen_on_new_syn, setup),
        cmocka_unit_test_setup(test_syn_option_styles, setup),
        cmocka_unit_test_setup(test_challenge_limit_in_active_syn_received, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
