/*
 * test_transfer.c: bulk transfer between two hosts over the faulty virtual
 * network (src/sim/net.c): retransmission (RFC 6298), fast retransmit and
 * NewReno recovery (RFC 5681, RFC 6582) and the send and receive windows,
 * end to end.
 *
 * One connection; each side sends XFER_BYTES of its own byte pattern while
 * reading the other's, checks every byte it reads (a duplicate, a gap or a
 * corrupted byte that got through would show), then closes.  The run is
 * repeated for NSEEDS seeds of the network (loss, reordering, duplication,
 * corruption) and once on a clean link.  Each run prints one line: the
 * virtual time to completion, the packets the network carried and lost,
 * and each side's retransmissions (on a timeout / fast), so that a
 * regression in recovery shows as a figure.  Nothing here asserts a time:
 * only that every byte arrives, once and in order, and both sides close.
 *
 * Randomness: seeds TCPSM_SEED (default in h_seed) + 0 .. NSEEDS-1; the
 * seed is printed on failure and on each line.
 */
#include "harness.h"   /* cmocka, h_addr4, h_seed */
#include "net.h"

#define XFER_BYTES (2u * 1024u * 1024u)     /* each direction */
#define BUFSZ 65536u
#define NSEEDS 8
#define MAX_EVENTS 20000000u

struct end {
    struct tcpsm_host h;
    struct tcpsm_host_slot slot[2];
    uint8_t sbuf[2][BUFSZ], rbuf[2][BUFSZ];
    uint32_t handle;
    bool up;
    uint32_t sent, got;
    bool closed, eof;
    uint8_t salt;
    struct tcpsm_status last;   /* the last STATUS before CLOSED (which clears the counters) */
};

static struct end A, B;
static struct net net;
static uint64_t seed;

static uint8_t pat(uint8_t salt, uint32_t k)
{
    return (uint8_t)(salt + k * 7u + (k >> 8) * 3u + (k >> 16));
}

static void end_init(struct end *e, uint8_t keybyte, uint8_t salt)
{
    uint8_t key[TCPSM_ISN_KEY_LEN];
    struct tcpsm_config cfg;
    memset(e, 0, sizeof *e);
    memset(key, keybyte, sizeof key);
    for (uint32_t i = 0; i < 2; i++) {
        e->slot[i].sbuf = e->sbuf[i];
        e->slot[i].scap = BUFSZ;
        e->slot[i].rbuf = e->rbuf[i];
        e->slot[i].rcap = BUFSZ;
    }
    tcpsm_config_default(&cfg);
    cfg.msl_us = 1000000;               /* MSL 1 s: TIME-WAIT lasts 2 s */
    e->salt = salt;
    assert_int_equal(tcpsm_host_init(&e->h, &cfg, e->slot, 2, key), TCPSM_OK);
}

/* Send what fits, read and check what is there, close when all is sent. */
static void serve(struct end *e, const struct end *peer, uint64_t now)
{
    static uint8_t buf[BUFSZ];
    const struct tcpsm_conn *c;
    if (!e->up)
        return;
    c = tcpsm_host_conn(&e->h, e->handle);
    assert_non_null(c);
    if (c->state != TCPSM_CLOSED)
        assert_int_equal(tcpsm_status(c, &e->last), TCPSM_OK);
    while (e->sent < XFER_BYTES
           && (c->state == TCPSM_ESTABLISHED || c->state == TCPSM_CLOSE_WAIT)) {
        uint32_t n = XFER_BYTES - e->sent, acc = 0;
        if (n > sizeof buf)
            n = sizeof buf;
        for (uint32_t k = 0; k < n; k++)
            buf[k] = pat(e->salt, e->sent + k);
        if (tcpsm_host_send(&e->h, now, e->handle, buf, n, 0, &acc) != TCPSM_OK || acc == 0)
            break;
        e->sent += acc;
    }
    for (;;) {
        uint32_t got = 0;
        enum tcpsm_err r = tcpsm_host_receive(&e->h, now, e->handle, buf, sizeof buf, &got, NULL);
        if (r == TCPSM_ERR_CLOSING) {
            e->eof = true;
            break;
        }
        if (r != TCPSM_OK || got == 0)
            break;
        for (uint32_t k = 0; k < got; k++)
            if (e->got + k >= XFER_BYTES || buf[k] != pat(peer->salt, e->got + k))
                fail_msg("seed 0x%llx: byte %u read is %u, want %u%s", (unsigned long long)seed,
                         e->got + k, buf[k], pat(peer->salt, e->got + k),
                         e->got + k >= XFER_BYTES ? " (beyond the end)" : "");
        e->got += got;
    }
    if (e->sent == XFER_BYTES && !e->closed
        && (c->state == TCPSM_ESTABLISHED || c->state == TCPSM_CLOSE_WAIT)) {
        assert_int_equal(tcpsm_host_close(&e->h, now, e->handle), TCPSM_OK);
        e->closed = true;
    }
}

static bool finished(struct end *e)
{
    const struct tcpsm_conn *c = tcpsm_host_conn(&e->h, e->handle);
    return e->got == XFER_BYTES && e->eof && e->closed
           && (c == NULL || c->state == TCPSM_CLOSED || c->state == TCPSM_TIME_WAIT);
}

static void run(uint64_t s, const struct net_link *link, const char *label)
{
    struct tcpsm_addr aa = h_addr4(10, 0, 0, 1), ba = h_addr4(10, 0, 0, 2);
    struct tcpsm_endpoint bep = { .ip = ba, .port = 80 }, aep = { .ip = aa, .port = 40000 };
    struct tcpsm_status sa, sb;
    uint32_t listener, h;
    uint64_t events = 0, t0;
    seed = s;
    end_init(&A, 0xA1, 0x11);
    end_init(&B, 0xB2, 0x77);
    net_init(&net, seed, 1000000);
    t0 = net.now;
    assert_int_equal(net_add(&net, &A.h, &aa), 0);
    assert_int_equal(net_add(&net, &B.h, &ba), 1);
    net_set_link(&net, 0, 1, link);
    net_set_link(&net, 1, 0, link);
    assert_int_equal(tcpsm_host_listen(&B.h, net.now, &bep, NULL, 1, &listener), TCPSM_OK);
    assert_int_equal(tcpsm_host_connect(&A.h, net.now, &aep, &bep, &A.handle), TCPSM_OK);
    A.up = true;
    while (events < MAX_EVENTS && !(finished(&A) && finished(&B))) {
        if (!net_step(&net))
            break;
        events++;
        if (!B.up && tcpsm_host_accept(&B.h, listener, &h) == TCPSM_OK) {
            B.handle = h;
            B.up = true;
        }
        serve(&A, &B, net.now);
        serve(&B, &A, net.now);
        net_flush(&net);
    }
    if (!(finished(&A) && finished(&B)))
        fail_msg("seed 0x%llx (%s): unfinished after %llu events at t=%llu us: A sent %u got %u, "
                 "B sent %u got %u", (unsigned long long)seed, label, (unsigned long long)events,
                 (unsigned long long)net.now, A.sent, A.got, B.sent, B.got);
    sa = A.last;
    sb = B.last;
    printf("transfer %-6s seed 0x%-10llx %u+%u bytes in %8.3f s virtual; packets %llu sent, "
           "%llu lost; retransmissions A %u timeout + %u fast, B %u timeout + %u fast\n",
           label, (unsigned long long)seed, XFER_BYTES, XFER_BYTES,
           (double)(net.now - t0) / 1e6, (unsigned long long)net.stats.sent,
           (unsigned long long)net.stats.lost, sa.retransmits, sa.fast_retransmits,
           sb.retransmits, sb.fast_retransmits);
}

static void test_two_megabytes_each_way_on_a_clean_link(void **state)
{
    (void)state;
    struct net_link link = { .delay_us = 10000, .bits_per_s = 100000000 };
    run(h_seed(), &link, "clean");
}

static void test_two_megabytes_each_way_through_loss_reordering_duplication(void **state)
{
    (void)state;
    struct net_link link = {
        .delay_us = 10000, .bits_per_s = 100000000,
        .loss_ppm = 20000, .reorder_ppm = 20000, .reorder_us = 5000,
        .dup_ppm = 10000, .corrupt_ppm = 2000,
    };
    for (uint64_t i = 0; i < NSEEDS; i++)
        run(h_seed() + i, &link, "faulty");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_megabytes_each_way_on_a_clean_link),
        cmocka_unit_test(test_two_megabytes_each_way_through_loss_reordering_duplication),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
