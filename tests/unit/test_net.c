/*
 * test_net.c: the faulty virtual network (src/sim/net.c) and the host
 * layer under it: many connections to one listener over a link that loses,
 * reorders, duplicates and corrupts packets.
 *
 * Each client connection sends its own byte pattern and the server sends
 * another back on the same connection; both sides check every byte they
 * read against the pattern (so a corrupted byte that got through, a
 * duplicate or a gap would be seen), close when done, and release their
 * handles.  At the end every byte arrived once and in order, every TCB is
 * CLOSED, and after 2 MSL of virtual time both tables are empty.  After
 * every network event every TCB in use passes tcpsm_conn_check.
 *
 * A second test runs the same seed twice with the pcap trace on: the two
 * files are byte-identical and hold one record per packet sent.
 *
 * Randomness: the network's seed (TCPSM_SEED, default in h_seed) is
 * printed on failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"   /* h_addr4, h_seed */
#include "net.h"

#define NCONN 100
#define CLI_SLOTS NCONN
#define SRV_SLOTS (NCONN + 1)
#define BUFSZ 4096
#define UP_BYTES 3000u      /* client -> server, per connection */
#define DOWN_BYTES 2000u    /* server -> client */
#define MAX_EVENTS 5000000u

struct app {                /* one side of one connection, as its application sees it */
    bool used;
    uint32_t handle;
    uint32_t conn;          /* which of the NCONN connections */
    uint32_t sent, got;
    bool closed, eof, released;
};

struct side {
    struct tcpsm_host h;
    struct tcpsm_host_slot slot[SRV_SLOTS];
    uint8_t sbuf[SRV_SLOTS][BUFSZ], rbuf[SRV_SLOTS][BUFSZ];
    struct app app[NCONN];
};

static struct side cli, srv;
static struct net net;
static uint64_t seed;

static uint8_t up_byte(uint32_t conn, uint32_t k)
{
    return (uint8_t)(conn * 131u + k * 7u + (k >> 8) * 3u);
}

static uint8_t down_byte(uint32_t conn, uint32_t k)
{
    return (uint8_t)(conn * 17u + k * 13u + 0x5Au + (k >> 9));
}

static void side_init(struct side *s, uint32_t nslot, uint8_t keybyte)
{
    uint8_t key[TCPSM_ISN_KEY_LEN];
    struct tcpsm_config cfg;
    memset(s, 0, sizeof *s);
    memset(key, keybyte, sizeof key);
    for (uint32_t i = 0; i < SRV_SLOTS; i++) {
        s->slot[i].sbuf = s->sbuf[i];
        s->slot[i].scap = BUFSZ;
        s->slot[i].rbuf = s->rbuf[i];
        s->slot[i].rcap = BUFSZ;
    }
    tcpsm_config_default(&cfg);
    cfg.mss = 536;
    cfg.msl_us = 10000000;          /* MSL 10 s: TIME-WAIT lasts 20 s */
    cfg.user_timeout_us = 0;
    assert_int_equal(tcpsm_host_init(&s->h, &cfg, s->slot, nslot, key), TCPSM_OK);
}

/* Send what is left, read what is there (checking it), close when all is
 * sent, release when closed and the peer's FIN was read. */
static void serve(struct side *s, bool client, uint64_t now)
{
    uint8_t buf[BUFSZ], out[BUFSZ];
    for (uint32_t i = 0; i < NCONN; i++) {
        struct app *a = &s->app[i];
        struct tcpsm_conn *c;
        uint32_t want = client ? UP_BYTES : DOWN_BYTES, have = client ? DOWN_BYTES : UP_BYTES;
        if (!a->used || a->released)
            continue;
        c = tcpsm_host_conn(&s->h, a->handle);   /* read-only: the state */
        assert_non_null(c);
        if (a->sent < want && (c->state == TCPSM_ESTABLISHED || c->state == TCPSM_CLOSE_WAIT)) {
            uint32_t n = want - a->sent, acc = 0;
            if (n > sizeof out)
                n = sizeof out;
            for (uint32_t k = 0; k < n; k++)
                out[k] = client ? up_byte(a->conn, a->sent + k) : down_byte(a->conn, a->sent + k);
            if (tcpsm_host_send(&s->h, now, a->handle, out, n, 0, &acc) == TCPSM_OK)
                a->sent += acc;
        }
        for (;;) {
            uint32_t got = 0;
            enum tcpsm_err e = tcpsm_host_receive(&s->h, now, a->handle, buf, sizeof buf, &got,
                                                  NULL);
            if (e == TCPSM_ERR_CLOSING) {
                a->eof = true;
                break;
            }
            if (e != TCPSM_OK || got == 0)
                break;
            for (uint32_t k = 0; k < got; k++) {
                uint8_t w = client ? down_byte(a->conn, a->got + k) : up_byte(a->conn, a->got + k);
                if (a->got + k >= have || buf[k] != w)
                    fail_msg("seed 0x%llx: %s of connection %u: byte %u is %u, want %u%s",
                             (unsigned long long)seed, client ? "client" : "server", a->conn,
                             a->got + k, buf[k], w, a->got + k >= have ? " (beyond the end)" : "");
            }
            a->got += got;
        }
        if (a->sent == want && !a->closed
            && (c->state == TCPSM_ESTABLISHED || c->state == TCPSM_CLOSE_WAIT)) {
            assert_int_equal(tcpsm_host_close(&s->h, now, a->handle), TCPSM_OK);
            a->closed = true;
        }
        if (a->closed && (a->eof || c->state == TCPSM_CLOSED || c->state == TCPSM_TIME_WAIT)) {
            if (c->state == TCPSM_CLOSED && !a->eof && a->got < have)
                fail_msg("seed 0x%llx: %s of connection %u: CLOSED after %u of %u bytes",
                         (unsigned long long)seed, client ? "client" : "server", a->conn, a->got,
                         have);
            if (a->got == have) {
                assert_int_equal(tcpsm_host_release(&s->h, now, a->handle), TCPSM_OK);
                a->released = true;
            }
        }
    }
}

static void check_tcbs(const struct side *s)
{
    for (uint32_t i = 0; i < SRV_SLOTS; i++)
        if (s->slot[i].use != TCPSM_SLOT_FREE
            && tcpsm_conn_check(&s->slot[i].conn) != TCPSM_INV_OK)
            fail_msg("seed 0x%llx: slot %u: invariant %s broken", (unsigned long long)seed, i,
                     tcpsm_inv_name(tcpsm_conn_check(&s->slot[i].conn)));
}

/* The whole run; with `trace`, every packet sent goes into it. */
static void scenario(struct sim_pcap *trace)
{
    struct tcpsm_addr ca = h_addr4(10, 0, 0, 1), sa = h_addr4(10, 0, 0, 2);
    struct tcpsm_endpoint lep = { .ip = sa, .port = 80 };
    struct net_link link = {
        .delay_us = 20000, .bits_per_s = 10000000,
        .loss_ppm = 50000, .reorder_ppm = 50000, .reorder_us = 30000,
        .dup_ppm = 10000, .corrupt_ppm = 5000,
    };
    uint32_t listener;
    uint64_t events = 0, started = 0;
    bool done = false;
    side_init(&cli, CLI_SLOTS, 0xC1);
    side_init(&srv, SRV_SLOTS, 0x51);
    net_init(&net, seed, 1000000);
    assert_int_equal(net_add(&net, &cli.h, &ca), 0);
    assert_int_equal(net_add(&net, &srv.h, &sa), 1);
    net_set_link(&net, 0, 1, &link);
    net_set_link(&net, 1, 0, &link);
    net.trace = trace;
    assert_int_equal(tcpsm_host_listen(&srv.h, net.now, &lep, NULL, NCONN, &listener), TCPSM_OK);
    for (uint32_t i = 0; i < NCONN; i++) {
        struct tcpsm_endpoint l = { .ip = ca, .port = (uint16_t)(40000 + i) };
        cli.app[i].used = true;
        cli.app[i].conn = i;
        assert_int_equal(tcpsm_host_connect(&cli.h, net.now, &l, &lep, &cli.app[i].handle),
                         TCPSM_OK);
        started++;
    }
    while (events < MAX_EVENTS) {
        uint32_t h;
        if (!net_step(&net))
            break;
        events++;
        while (tcpsm_host_accept(&srv.h, listener, &h) == TCPSM_OK) {
            uint32_t i = tcpsm_host_conn(&srv.h, h)->remote.port - 40000u;
            assert_true(i < NCONN);
            assert_false(srv.app[i].used);
            srv.app[i].used = true;
            srv.app[i].conn = i;
            srv.app[i].handle = h;
        }
        serve(&cli, true, net.now);
        serve(&srv, false, net.now);
        check_tcbs(&cli);
        check_tcbs(&srv);
        if (!done) {
            done = true;
            for (uint32_t i = 0; i < NCONN; i++)
                if (!cli.app[i].released || !srv.app[i].released)
                    done = false;
            if (done)
                assert_int_equal(tcpsm_host_release(&srv.h, net.now, listener), TCPSM_OK);
        }
    }
    if (!done || events >= MAX_EVENTS) {
        uint32_t nc = 0, ns = 0;
        for (uint32_t i = 0; i < NCONN; i++) {
            nc += cli.app[i].released;
            ns += srv.app[i].released;
        }
        fail_msg("seed 0x%llx: after %llu events at t=%llu us: %u/%u client and %u/%u server "
                 "connections done", (unsigned long long)seed, (unsigned long long)events,
                 (unsigned long long)net.now, nc, NCONN, ns, NCONN);
    }
    for (uint32_t i = 0; i < NCONN; i++) {
        assert_int_equal(cli.app[i].got, DOWN_BYTES);
        assert_int_equal(srv.app[i].got, UP_BYTES);
    }
    if (tcpsm_host_in_use(&cli.h) != 0 || tcpsm_host_in_use(&srv.h) != 0)
        fail_msg("seed 0x%llx: tables not empty at the end: client %u, server %u",
                 (unsigned long long)seed, tcpsm_host_in_use(&cli.h), tcpsm_host_in_use(&srv.h));
    /* the trace: one event per packet sent, one per copy delivered, and no
     * corrupted packet was taken by a host */
    {
        static bool corrupted[NET_TRACE_MAX + 1];
        uint64_t sends = 0, arrivals = 0, took_corrupted = 0;
        assert_true(net.nlog <= NET_TRACE_MAX);
        memset(corrupted, 0, sizeof corrupted);
        for (uint64_t k = 0; k < net.nlog; k++) {
            const struct net_trace_event *e = &net.log[k];
            assert_true(e->packet >= 1 && e->packet <= NET_TRACE_MAX);
            if (e->fate == NET_DELIVERED || e->fate == NET_REFUSED) {
                arrivals++;
                took_corrupted += e->fate == NET_DELIVERED && corrupted[e->packet];
            } else {
                sends++;
                corrupted[e->packet] = e->corrupted;
            }
        }
        assert_int_equal(sends, net.stats.sent);
        assert_int_equal(arrivals, net.stats.delivered + net.stats.rejected);
        assert_int_equal(took_corrupted, 0);
    }
    /* the faults did happen */
    assert_true(net.stats.lost > 0 && net.stats.reordered > 0 && net.stats.duplicated > 0
                && net.stats.corrupted > 0);
    print_message("net: seed 0x%llx, %llu events, %.1f s virtual: %llu packets sent, %llu lost, "
                  "%llu reordered, %llu duplicated, %llu corrupted, %llu refused by a host\n",
                  (unsigned long long)seed, (unsigned long long)events,
                  (double)(net.now - 1000000) / 1e6, (unsigned long long)net.stats.sent,
                  (unsigned long long)net.stats.lost, (unsigned long long)net.stats.reordered,
                  (unsigned long long)net.stats.duplicated,
                  (unsigned long long)net.stats.corrupted, (unsigned long long)net.stats.rejected);
}

static void test_100_connections_over_a_faulty_link(void **state)
{
    (void)state;
    seed = h_seed();
    scenario(NULL);
}

/* Same seed, same run: the pcap traces of two runs are byte-identical, and
 * hold one record per packet sent. */
static void test_same_seed_same_packets(void **state)
{
    static const char *path[2] = { "build/test_net.1.pcap", "build/test_net.2.pcap" };
    static uint8_t a[1 << 20], b[1 << 20];
    size_t na, nb;
    FILE *f;
    (void)state;
    seed = h_seed();
    for (int r = 0; r < 2; r++) {
        struct sim_pcap pc;
        char err[200];
        if (sim_pcap_open(&pc, path[r], err, sizeof err) != 0) {
            print_message("net: no pcap trace (%s); only the counters are compared\n", err);
            skip();
        }
        scenario(&pc);
        assert_int_equal(sim_pcap_close(&pc), 0);
        assert_int_equal(pc.written, net.stats.sent);
    }
    f = fopen(path[0], "rb");
    assert_non_null(f);
    na = fread(a, 1, sizeof a, f);
    fclose(f);
    f = fopen(path[1], "rb");
    assert_non_null(f);
    nb = fread(b, 1, sizeof b, f);
    fclose(f);
    assert_true(na > 24 && na < sizeof a);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_100_connections_over_a_faulty_link),
        cmocka_unit_test(test_same_seed_same_packets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
