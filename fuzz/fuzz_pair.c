/*
 * fuzz_pair.c: two tcpsm hosts over the faulty virtual network
 * (src/sim/net.c).  Host A (index 0, 10.0.0.1 or fd00::1) opens up to
 * three connections, from ports 40000, 40001, 40002, to a listener of host
 * B (index 1, 10.0.0.2 or fd00::2) on port 80.  The input chooses the
 * configuration, the faults of each direction of the network (and may
 * change them, or the network's random generator, at any moment), the
 * application calls on each end of each connection, the passage of time,
 * and forged segments injected into either host.
 *
 * Input format (a byte that is missing reads as 0; the run ends when the
 * input does):
 *
 *   header, 13 bytes
 *     [0]  bits 0-1 MSS {536, 1460, 100, 240}; bit 2 RFC 5961 off (RST, SYN
 *          and ACK checks); bit 3 Nagle off; bit 4 ACK delay 40 ms (else
 *          200 ms); bit 5 RFC 6928 initial window; bit 6 IPv6; bit 7 SYN
 *          options in Linux's layout (nop,nop,sackOK)
 *     [1]  buffers {4096, 1024, 16384, 512}: bits 0-1 A's send, 2-3 A's
 *          receive, 4-5 B's send, 6-7 B's receive
 *     [2]  bits 0-1 MSL {1, 4, 30, 120} s; bit 2 A, bit 3 B let a SYN
 *          reopen TIME-WAIT (MAY-2); bits 4-5 challenge ACKs per second
 *          {1000, 1, 5, 100}; bits 6-7 (R2, user timeout) {(100 s, 300 s),
 *          (10 s, 20 s), (30 s, none), (100 s, none)}
 *     [3..6]  link A->B, [7..10] link B->A, each a LINK record:
 *          l[0] bits 0-5 one-way delay (0.1 + 2*v ms), bits 6-7 bandwidth
 *               {10 Mbit/s, 1 Mbit/s, 100 Mbit/s, 256 kbit/s}
 *          l[1] loss v*v*8 ppm (0 .. 52 %); 255: every packet
 *          l[2] low nibble duplication 25000*v ppm, high nibble
 *               reordering 30000*v ppm
 *          l[3] low nibble corruption 15000*v ppm, high nibble the extra
 *               delay of a reordered packet (v ? 20*v ms : 5 ms)
 *     [11..12] the network's random seed (which packets suffer the faults)
 *
 *   then operations, one byte each, with operands after it:
 *     bits 0-3 the kind, bit 4 the side s (0: A, the client; 1: B, the
 *     server), bits 5-6 the connection p (mod the connections opened),
 *     bit 7 a variant
 *     0  CONNECT         A opens the next connection (at most 3)
 *                        (variant: Nagle off on it)
 *     1  SEND n          s sends len(n) bytes of its pattern on p: len(n) =
 *                        ((n & 63) + 1) << 2*(n >> 6) (1 .. 4096);
 *                        PUSH when n is odd; variant: URGENT
 *     2  RECV n          s reads up to 16*(n+1) bytes of p (variant: until
 *                        nothing is left)
 *     3  CLOSE           s closes p
 *     4  ABORT           s aborts p
 *     5  ADVANCE t       the network runs until now + ((t & 63) + 1) *
 *                        {1 ms, 20 ms, 500 ms, 15 s}[t >> 6]
 *     6  STEP k          the network runs (k & 31) + 1 events
 *     7  FORGE ...       a segment forged into host s (below)
 *     8  LINK l[4]       set the faults of the link from s (variant: both
 *                        directions) as in the header
 *     9  SEED a b        reseed the network's generator
 *     10 STATUS          STATUS of s on p, checked against the TCB
 *                        (variant: OPEN again, which must fail: "connection
 *                        already exists")
 *     11 NAGLE           s's connection p: Nagle off (variant: keep-alives
 *                        on, after 2 hours idle)
 *     12 SEND 512        s sends 512 bytes on p, PUSH
 *     13 DRAIN           s reads everything p has
 *     14 STEP 1          one network event
 *     15 SETTLE          the network runs until nothing is due or 2 s pass
 *
 *   FORGE operands: flags, modes, dseq, dack, wnd, len [, seq32] [, ack32]
 *   [, port].  The segment goes into host s, from the other host's
 *   address, with connection p's ports seen from s, and its numbers
 *   relative to the TCB of s that has those ports (zeros if none):
 *     flags      the TCP flag byte, as is (FIN SYN RST PSH ACK URG ECE CWR)
 *     modes      bits 0-1 SEG.SEQ: {RCV.NXT + dseq, RCV.NXT + RCV.WND +
 *                dseq (the right edge last advertised), seq32, IRS +
 *                dseq}; bits 2-3 SEG.ACK: {SND.NXT +
 *                dack, SND.UNA + dack, ack32, SND.UNA - MAX.SND.WND + dack}
 *                (dseq, dack signed bytes); bit 4 the text is garbage (else
 *                it is the sender's pattern at its stream offset); bit 5
 *                an MSS option (64 + 4*wnd); bit 6 the remote port is
 *                40000 + port (a port byte follows: no connection, or a new
 *                one for the listener); bit 7 the urgent pointer is len
 *     wnd        SEG.WND = 64 * wnd
 *     len        the segment's text, 0 .. 255 bytes
 *
 * After the last operation, the end: every fault off, each application
 * that has not closed reads what it has and closes (a client still in
 * SYN-SENT first waits for the handshake), and the network runs (at most
 * 45 virtual minutes and 6000 events; no longer once only connections hit
 * by forged segments are left, which may be out of step for good), each
 * application reading everything after each event.
 *
 * Oracles (abort() when one fails):
 * - every byte an application reads is the sender's pattern at that
 *   offset, and what it has read is a prefix of what the peer's SEND
 *   accepted, at every moment; the end of the stream (the peer's FIN)
 *   comes only after the peer's CLOSE, at exactly what the peer sent;
 *   SEND after CLOSE accepts nothing;
 * - tcpsm_conn_check passes for every TCB of both hosts (each slot in use
 *   and the host's CLOSED TCB) after every call and every network event;
 * - at the end, a connection whose two ends saw no error (reset, timeout,
 *   refusal), no ABORT, no forged segment, and was not closed by the
 *   client in SYN-SENT: both TCBs are CLOSED, and each side read exactly
 *   what the other sent, then the end of the stream;
 * - without forged segments the network runs down (nothing due) within
 *   those limits;
 * - a run with no fault at all in the network, no forged segment and no
 *   ABORT: no end of any connection sees an error, and once every handle
 *   is released both hosts' tables are empty.
 * Forged segments loosen the oracles for the connection they hit: a text
 * or FIN or SYN forged into s lifts the prefix and end-of-stream checks of
 * what s reads (a garbage text or a TCB without an IRS, the byte check
 * too; a SYN, both ends'), and the end-of-run checks are not made for that
 * connection.  So does a second connection the listener makes with a
 * connection's sockets (the client may end up talking to it).  With FUZZ_PAIR_DEBUG set in the
 * environment, a run prints a trace of operations and states on stderr;
 * with FUZZ_PAIR_PCAP=FILE it writes every packet sent to FILE (pcap),
 * closed before the end-of-run checks.
 *
 * Every TCB's transition log is noted (fuzz/rows.h) after every call and
 * every event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "pcap.h"
#include "tcpsm.h"
#include "tcpsm_host.h"
#include "fuzz/rows.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

#define MAXPAIRS 3u
#define NSLOT 8u
#define MAXBUF 16384u
#define CPORT0 40000u
#define SPORT 80u
#define MAX_BYTES 16384u            /* per connection and direction */
#define FUZZ_EVENTS 2000u           /* network events before the end */
#define OP_EVENTS 300u              /* network events per operation */
#define END_EVENTS 6000u
#define END_TIME (45ull * 60u * 1000000u)
#define T0 1000000u

struct end {                        /* one end of a connection, as its application sees it */
    bool up;                        /* has a handle */
    uint32_t h;
    uint32_t sent, got;             /* bytes SEND accepted, bytes RECEIVE returned */
    bool closed, aborted, eof, cancelled;
    uint8_t err;                    /* the error reported, once */
    bool loose_len, loose_data;     /* forged text or FIN came in */
};

struct pair {
    uint16_t cport;
    bool forged;
    bool split;                     /* the listener made a second connection with its sockets */
    struct end e[2];                /* [0] A (client), [1] B (server) */
};

struct box {
    struct tcpsm_host h;
    struct tcpsm_host_slot slot[NSLOT];
    uint8_t sbuf[NSLOT][MAXBUF], rbuf[NSLOT][MAXBUF];
    struct tcpsm_addr addr;
};

static struct box B[2];
static struct net net;
static struct pair P[MAXPAIRS];
static unsigned npairs;
static uint32_t listener;
static bool any_forged, any_abort, ending;
static unsigned events;
static int debug = -1;              /* FUZZ_PAIR_DEBUG set: a trace on stderr */
static struct sim_pcap pcap;        /* FUZZ_PAIR_PCAP=FILE: the packets */
static bool pcap_on;

#define DBG(...) do { if (debug) fprintf(stderr, __VA_ARGS__); } while (0)
static uint8_t iobuf[4096 + 256];

/* ---- input ---- */

static const uint8_t *in;
static size_t in_n, in_i;

static uint8_t get8(void)
{
    return in_i < in_n ? in[in_i++] : 0;
}

static uint32_t get32(void)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | get8();
    return v;
}

/* ---- the data: a pattern per connection and direction ---- */

static uint8_t pat(unsigned salt, uint32_t k)
{
    uint32_t x = k * 0x9E3779B1u ^ (salt + 1u) * 0x85EBCA77u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return (uint8_t)x;
}

/* the salt of what side x of pair p sends */
static unsigned salt_of(unsigned p, unsigned x)
{
    return p * 2u + x;
}

/* ---- checks ---- */

static void check_all(void)
{
    for (unsigned x = 0; x < 2; x++) {
        for (unsigned i = 0; i < NSLOT; i++) {
            const struct tcpsm_host_slot *s = &B[x].slot[i];
            if (s->use == TCPSM_SLOT_FREE)
                continue;
            CHECK(tcpsm_conn_check(&s->conn) == TCPSM_INV_OK);
            fuzz_note_rows(&s->conn);
        }
        CHECK(tcpsm_conn_check(&B[x].h.closed) == TCPSM_INV_OK);
        fuzz_note_rows(&B[x].h.closed);
    }
}

static struct tcpsm_conn *conn_of(unsigned p, unsigned x)
{
    struct tcpsm_conn *c = tcpsm_host_conn(&B[x].h, P[p].e[x].h);
    CHECK(c != NULL);               /* the application holds the handle */
    return c;
}

/* after a user call, which touches only its own TCB */
static void check_one(unsigned p, unsigned x)
{
    const struct tcpsm_conn *c = conn_of(p, x);
    CHECK(tcpsm_conn_check(c) == TCPSM_INV_OK);
    fuzz_note_rows(c);
}

static void note_err(unsigned p, unsigned x, enum tcpsm_err e)
{
    struct end *a = &P[p].e[x];
    switch (e) {
    case TCPSM_OK:
    case TCPSM_ERR_CLOSING:
    case TCPSM_ERR_NOT_EXIST:
    case TCPSM_ERR_RESOURCES:       /* SEND: no room */
        break;
    case TCPSM_ERR_RESET:
    case TCPSM_ERR_REFUSED:
    case TCPSM_ERR_USER_TIMEOUT:
    case TCPSM_ERR_TIMED_OUT:
        DBG("t=%.6f pair %u side %u: %s\n", (double)(net.now - T0) / 1e6, p, x, tcpsm_err_name(e));
        CHECK(a->err == TCPSM_OK);  /* reported once */
        a->err = (uint8_t)e;
        break;
    default:
        abort();                    /* no other answer is possible here */
    }
}

/* ---- the application calls ---- */

static void do_recv(unsigned p, unsigned x, uint32_t cap, bool all)
{
    struct end *a = &P[p].e[x], *peer = &P[p].e[!x];
    if (!a->up || a->err != TCPSM_OK || a->aborted)
        return;
    if (cap > sizeof iobuf)
        cap = sizeof iobuf;
    for (;;) {
        uint32_t got = 0;
        unsigned fl = 0;
        enum tcpsm_err e = tcpsm_host_receive(&B[x].h, net.now, a->h, iobuf, cap, &got, &fl);
        check_one(p, x);
        if (e == TCPSM_OK) {
            CHECK(got <= cap);
            if (got == 0)
                break;
            CHECK(!a->eof || a->loose_len);     /* nothing after the end of the stream */
            if (!a->loose_data)
                for (uint32_t k = 0; k < got; k++)
                    CHECK(iobuf[k] == pat(salt_of(p, !x), a->got + k));
            a->got += got;
            if (!a->loose_len)
                CHECK(a->got <= peer->sent);    /* a prefix of what was sent */
            if (!all)
                break;
            continue;
        }
        CHECK(got == 0);
        if (e == TCPSM_ERR_CLOSING) {
            if (!a->eof && !a->loose_len)
                CHECK(peer->closed && a->got == peer->sent);
            a->eof = true;
            break;
        }
        note_err(p, x, e);
        break;
    }
}

static void do_send(unsigned p, unsigned x, uint32_t n, unsigned flags)
{
    struct end *a = &P[p].e[x];
    uint32_t acc = 0;
    enum tcpsm_err e;
    if (!a->up || a->err != TCPSM_OK || a->aborted)
        return;
    if (n > MAX_BYTES - a->sent)
        n = MAX_BYTES - a->sent;
    for (uint32_t k = 0; k < n; k++)
        iobuf[k] = pat(salt_of(p, x), a->sent + k);
    e = tcpsm_host_send(&B[x].h, net.now, a->h, iobuf, n, flags, &acc);
    check_one(p, x);
    if (e == TCPSM_OK) {
        CHECK(acc <= n);
        CHECK(!a->closed || acc == 0);  /* CLOSE means no more SENDs (3.10.4) */
        a->sent += acc;
    } else {
        CHECK(acc == 0);
        note_err(p, x, e);
    }
}

static void do_close(unsigned p, unsigned x)
{
    struct end *a = &P[p].e[x];
    uint8_t st;
    enum tcpsm_err e;
    if (!a->up || a->err != TCPSM_OK || a->aborted)
        return;
    st = conn_of(p, x)->state;
    e = tcpsm_host_close(&B[x].h, net.now, a->h);
    check_one(p, x);
    if (!a->closed) {
        a->closed = true;
        if (st == TCPSM_SYN_SENT)
            a->cancelled = true;    /* 3.10.4: the TCB is deleted, queued data with it */
    }
    note_err(p, x, e);
}

static void do_abort(unsigned p, unsigned x)
{
    struct end *a = &P[p].e[x];
    enum tcpsm_err e;
    if (!a->up || a->err != TCPSM_OK || a->aborted)
        return;
    e = tcpsm_host_abort(&B[x].h, net.now, a->h);
    check_one(p, x);
    a->aborted = true;
    any_abort = true;
    note_err(p, x, e);
}

static void do_status(unsigned p, unsigned x)
{
    struct end *a = &P[p].e[x];
    struct tcpsm_status st;
    const struct tcpsm_conn *c;
    enum tcpsm_err e;
    if (!a->up)
        return;
    c = conn_of(p, x);
    e = tcpsm_host_status(&B[x].h, a->h, &st);
    check_one(p, x);
    if (e != TCPSM_OK) {
        CHECK(c->state == TCPSM_CLOSED);
        note_err(p, x, e);
        return;
    }
    CHECK(st.state == c->state);
    if (c->state == TCPSM_CLOSED)
        return;
    CHECK(st.snd_una == c->snd_una && st.snd_nxt == c->snd_nxt && st.rcv_nxt == c->rcv_nxt);
    CHECK(st.send_queued <= c->scap && st.recv_ready <= c->rcap);
    CHECK(st.send_space <= c->scap - st.send_queued);
    /* the local port is the one the application chose */
    CHECK(st.local.port == (x == 0 ? P[p].cport : SPORT));
    CHECK(st.remote.port == (x == 0 ? SPORT : P[p].cport));
}

/* OPEN on a connection that exists: "connection already exists"
 * (3.10.1), and nothing changes.  Not in CLOSED (a new OPEN would reopen
 * the host's slot behind its back). */
static void do_reopen(unsigned p, unsigned x)
{
    struct end *a = &P[p].e[x];
    struct tcpsm_conn *c;
    struct tcpsm_open o;
    uint8_t st;
    if (!a->up)
        return;
    c = conn_of(p, x);
    st = c->state;
    if (st == TCPSM_CLOSED || st == TCPSM_LISTEN)
        return;
    memset(&o, 0, sizeof o);
    o.active = x == 0;
    o.local = c->local;
    o.remote = c->remote;
    o.iss = c->iss;
    CHECK(tcpsm_open(c, net.now, &o) == TCPSM_ERR_EXISTS);
    check_one(p, x);
    CHECK(c->state == st);
}

/* ---- the network ---- */

/* Connections the listener made: an application's end, or a stranger
 * (made by forged segments or an old duplicate), closed and given up. */
static void accept_all(void)
{
    uint32_t h;
    while (tcpsm_host_accept(&B[1].h, listener, &h) == TCPSM_OK) {
        const struct tcpsm_conn *c = tcpsm_host_conn(&B[1].h, h);
        unsigned p;
        CHECK(c != NULL);
        for (p = 0; p < npairs; p++)
            if (!P[p].e[1].up && c->remote.port == P[p].cport
                && tcpsm_addr_eq(&c->remote.ip, &B[0].addr) && c->local.port == SPORT)
                break;
        if (p < npairs) {
            P[p].e[1].up = true;
            P[p].e[1].h = h;
        } else {
            /* a second incarnation of a connection's sockets: the client
             * end may be talking to it rather than to the application's */
            for (unsigned q = 0; q < npairs; q++)
                if (c->remote.port == P[q].cport) {
                    P[q].split = true;
                    P[q].e[0].loose_len = P[q].e[1].loose_len = true;
                }
            (void)tcpsm_host_close(&B[1].h, net.now, h);
            check_all();
            CHECK(tcpsm_host_release(&B[1].h, net.now, h) == TCPSM_OK);
        }
        check_all();
    }
}

/* After every event: accept, and the applications that closed (all of
 * them at the end) read what they have: half-closed, they still take in
 * the peer's data up to its FIN. */
static void trace_states(void)
{
    for (unsigned p = 0; p < npairs; p++)
        for (unsigned x = 0; x < 2; x++) {
            const struct tcpsm_conn *c;
            if (!P[p].e[x].up)
                continue;
            c = conn_of(p, x);
            DBG("  %u%c %-12s una %u nxt %u rcv %u q %u/%u sent %u got %u wnd %u rtx %lld/%u "
                "user %lld persist %lld last_rcv %lld\n", p, x ? 'B' : 'A',
                tcpsm_state_name(c->state), c->snd_una - c->iss, c->snd_nxt - c->iss,
                c->rcv_nxt - c->irs, c->scount, c->rcount, P[p].e[x].sent, P[p].e[x].got,
                c->snd_wnd, (long long)(c->t_rtx == TCPSM_NEVER ? -1 : (long long)(c->t_rtx - T0)),
                c->rtx_count, (long long)(c->t_user == TCPSM_NEVER ? -1 : (long long)(c->t_user - T0)),
                (long long)(c->cc.t_persist == TCPSM_NEVER ? -1 : (long long)(c->cc.t_persist - T0)),
                (long long)c->cc.last_rcv - T0);
        }
}

static void after_event(void)
{
    if (debug) {
        DBG("t=%.6f event: %llu sent, %llu lost\n", (double)(net.now - T0) / 1e6,
            (unsigned long long)net.stats.sent, (unsigned long long)net.stats.lost);
        trace_states();
    }
    check_all();
    accept_all();
    for (unsigned p = 0; p < npairs; p++)
        for (unsigned x = 0; x < 2; x++)
            if (P[p].e[x].up && (P[p].e[x].closed || ending) && !P[p].e[x].eof)
                do_recv(p, x, sizeof iobuf, true);
}

static bool step(void)
{
    if (!net_step(&net))
        return false;
    events++;
    after_event();
    return true;
}

static void flush(void)
{
    net_flush(&net);
    check_all();
}

/* Run the network until `until` (its clock is then there), at most `max`
 * events. */
static void run_until(uint64_t until, unsigned max)
{
    flush();
    for (unsigned n = 0; n < max && events < FUZZ_EVENTS; n++) {
        if (net_next_time(&net) > until)
            break;
        if (!step())
            break;
    }
    if (net.now < until && net_next_time(&net) > until)
        net.now = until;
}

static void run_events(unsigned k)
{
    flush();
    for (unsigned n = 0; n < k && events < FUZZ_EVENTS; n++)
        if (!step())
            break;
}

static void set_link(unsigned from, const uint8_t l[4])
{
    static const uint64_t bw[4] = { 10000000u, 1000000u, 100000000u, 256000u };
    struct net_link k;
    memset(&k, 0, sizeof k);
    k.delay_us = 100u + 2000u * (l[0] & 63u);
    k.bits_per_s = bw[l[0] >> 6];
    k.loss_ppm = l[1] == 255 ? NET_PPM : (uint32_t)l[1] * l[1] * 8u;
    k.dup_ppm = 25000u * (l[2] & 15u);
    k.reorder_ppm = 30000u * (l[2] >> 4);
    k.corrupt_ppm = 15000u * (l[3] & 15u);
    k.reorder_us = (l[3] >> 4) ? 20000u * (l[3] >> 4) : 5000u;
    net_set_link(&net, from, !from, &k);
}

static void faults_off(void)
{
    for (unsigned f = 0; f < 2; f++) {
        struct net_link k = net.link[f][!f];
        k.loss_ppm = k.dup_ppm = k.reorder_ppm = k.corrupt_ppm = 0;
        net_set_link(&net, f, !f, &k);
    }
}

/* ---- forged segments ---- */

/* The TCB of host x with local port lp and remote port rp, or NULL. */
static const struct tcpsm_conn *find_tcb(unsigned x, uint16_t lp, uint16_t rp)
{
    const struct tcpsm_conn *best = NULL;
    for (unsigned i = 0; i < NSLOT; i++) {
        const struct tcpsm_host_slot *s = &B[x].slot[i];
        if (s->use != TCPSM_SLOT_CONN || s->conn.state == TCPSM_CLOSED)
            continue;
        if (s->conn.local.port == lp && s->conn.remote.port == rp)
            best = &s->conn;
    }
    return best;
}

static void do_forge(unsigned x, unsigned p)
{
    static uint8_t wire[TCPSM_HDR_MAX + 256];
    struct tcpsm_segment seg;
    const struct tcpsm_conn *c;
    uint8_t flags = get8(), modes = get8(), wnd, len;
    int8_t dseq = (int8_t)get8(), dack = (int8_t)get8();
    uint32_t seq32 = 0, ack32 = 0, rport;
    uint16_t lport, peerport;
    size_t n;
    bool synced;
    wnd = get8();
    len = get8();
    if ((modes & 3u) == 2u)
        seq32 = get32();
    if (((modes >> 2) & 3u) == 2u)
        ack32 = get32();
    rport = npairs > 0 ? P[p].cport : CPORT0;
    if (modes & 0x40u)
        rport = CPORT0 + get8();
    /* seen from x: its local port, and the port of its peer */
    lport = (uint16_t)(x == 0 ? rport : SPORT);
    peerport = (uint16_t)(x == 0 ? SPORT : rport);
    c = find_tcb(x, lport, peerport);
    synced = c != NULL && c->state >= TCPSM_SYN_RECEIVED;
    memset(&seg, 0, sizeof seg);
    seg.src = B[!x].addr;
    seg.dst = B[x].addr;
    seg.sport = peerport;
    seg.dport = lport;
    seg.flags = flags;
    seg.wnd = (uint16_t)(64u * wnd);
    seg.len = len;
    if (modes & 0x80u)
        seg.urp = len;
    if (modes & 0x20u) {
        seg.opt.has_mss = true;
        seg.opt.mss = (uint16_t)(64u + 4u * wnd);
    }
    switch (modes & 3u) {
    case 0: seg.seq = (c ? c->rcv_nxt : 0) + (uint32_t)(int32_t)dseq; break;
    case 1: seg.seq = (c ? (c->cc.adv_valid ? c->cc.adv_edge : c->rcv_nxt + c->rcap - c->rcount) : 0)
                      + (uint32_t)(int32_t)dseq; break;
    case 2: seg.seq = seq32; break;
    default: seg.seq = (c ? c->irs : 0) + (uint32_t)(int32_t)dseq; break;
    }
    switch ((modes >> 2) & 3u) {
    case 0: seg.ack = (c ? c->snd_nxt : 0) + (uint32_t)(int32_t)dack; break;
    case 1: seg.ack = (c ? c->snd_una : 0) + (uint32_t)(int32_t)dack; break;
    case 2: seg.ack = ack32; break;
    default: seg.ack = (c ? c->snd_una - c->max_snd_wnd : 0) + (uint32_t)(int32_t)dack; break;
    }
    /* the text: the sender's pattern at its place in the stream, or garbage */
    {
        unsigned q = (unsigned)(rport - CPORT0) < MAXPAIRS ? rport - CPORT0 : 0;
        uint32_t off = synced ? seg.seq - (c->irs + 1u) : 0;
        for (uint32_t k = 0; k < len; k++)
            iobuf[k] = (modes & 0x10u) ? (uint8_t)(k * 37u + 11u)
                                       : pat(salt_of(q, !x), off + k);
    }
    if (tcpsm_wire_write(&seg, iobuf, wire, sizeof wire, &n) != TCPSM_OK)
        return;
    /* which connection it can touch: the one with those ports */
    for (unsigned q = 0; q < npairs; q++) {
        struct end *a = &P[q].e[x];
        if (P[q].cport != rport)
            continue;
        P[q].forged = true;
        if (len > 0 || (flags & (TCPSM_FIN | TCPSM_SYN)))
            a->loose_len = true;
        if ((len > 0 || (flags & TCPSM_SYN)) && ((modes & 0x10u) || !synced))
            a->loose_data = true;
        if (flags & TCPSM_SYN) {        /* a new incarnation may follow */
            P[q].e[0].loose_len = P[q].e[1].loose_len = true;
            P[q].e[0].loose_data = P[q].e[1].loose_data = true;
        }
    }
    any_forged = true;
    DBG("  forge into %c: ports %u -> %u flags 0x%02x seq %u ack %u wnd %u len %u (%s)\n", x ? 'B' : 'A',
        seg.sport, seg.dport, flags, seg.seq, seg.ack, seg.wnd, len, c ? tcpsm_state_name(c->state) : "no TCB");
    (void)tcpsm_host_input_segment(&B[x].h, net.now, &seg.src, &seg.dst, wire, n);
    check_all();
    accept_all();
    flush();
}

/* ---- the run ---- */

static void setup(void)
{
    static const uint16_t mss[4] = { 536, 1460, 100, 240 };
    static const uint32_t bufsz[4] = { 4096, 1024, 16384, 512 };
    static const uint32_t msl[4] = { 1000000u, 4000000u, 30000000u, 120000000u };
    static const uint32_t chal[4] = { 1000, 1, 5, 100 };
    static const uint32_t r2[4] = { 100000000u, 10000000u, 30000000u, 100000000u };
    static const uint32_t ut[4] = { 300000000u, 20000000u, 0, 0 };
    uint8_t h0 = get8(), h1 = get8(), h2 = get8(), l[2][4];
    struct tcpsm_config cfg;
    struct tcpsm_endpoint lep;
    uint32_t seed;
    for (unsigned f = 0; f < 2; f++)
        for (unsigned i = 0; i < 4; i++)
            l[f][i] = get8();
    seed = (uint32_t)get8() << 8;
    seed |= get8();

    tcpsm_config_default(&cfg);
    cfg.mss = mss[h0 & 3u];
    cfg.rfc5961_rst = cfg.rfc5961_syn = cfg.rfc5961_ack = !(h0 & 4u);
    cfg.nagle = !(h0 & 8u);
    cfg.delack_us = (h0 & 16u) ? 40000u : 200000u;
    cfg.iw10 = (h0 & 32u) != 0;
    cfg.msl_us = msl[h2 & 3u];
    cfg.r2_us = r2[h2 >> 6];
    cfg.user_timeout_us = ut[h2 >> 6];

    net_init(&net, 0x9E3779B97F4A7C15ull ^ seed, T0);
    if (getenv("FUZZ_PAIR_PCAP") != NULL) {
        char err[200];
        pcap_on = sim_pcap_open(&pcap, getenv("FUZZ_PAIR_PCAP"), err, sizeof err) == 0;
        if (!pcap_on)
            fprintf(stderr, "fuzz_pair: %s\n", err);
        else
            net.trace = &pcap;
    }
    for (unsigned x = 0; x < 2; x++) {
        uint8_t key[TCPSM_ISN_KEY_LEN];
        struct tcpsm_addr *a = &B[x].addr;
        memset(key, 0xA5 + (int)x, sizeof key);
        for (unsigned i = 0; i < NSLOT; i++) {
            B[x].slot[i].sbuf = B[x].sbuf[i];
            B[x].slot[i].scap = bufsz[(h1 >> (4 * x)) & 3u];
            B[x].slot[i].rbuf = B[x].rbuf[i];
            B[x].slot[i].rcap = bufsz[(h1 >> (4 * x + 2)) & 3u];
        }
        CHECK(tcpsm_host_init(&B[x].h, &cfg, B[x].slot, NSLOT, key) == TCPSM_OK);
        memset(a, 0, sizeof *a);
        if (h0 & 64u) {
            a->family = TCPSM_AF_INET6;
            a->addr[0] = 0xfd;
            a->addr[15] = (uint8_t)(1 + x);
        } else {
            a->family = TCPSM_AF_INET;
            a->addr[0] = 10;
            a->addr[3] = (uint8_t)(1 + x);
        }
        tcpsm_host_set_time_wait_reopen(&B[x].h, (h2 >> (2 + x)) & 1u);
        tcpsm_host_set_challenge_limit(&B[x].h, chal[(h2 >> 4) & 3u]);
        if (h0 & 128u)
            tcpsm_host_set_syn_options(&B[x].h, TCPSM_SYN_OPTS_NOP_SACK);
        CHECK(net_add(&net, &B[x].h, a) == (int)x);
    }
    set_link(0, l[0]);
    set_link(1, l[1]);
    memset(P, 0, sizeof P);
    npairs = 0;
    any_forged = any_abort = ending = false;
    events = 0;
    memset(&lep, 0, sizeof lep);
    lep.ip = B[1].addr;
    lep.port = SPORT;
    CHECK(tcpsm_host_listen(&B[1].h, net.now, &lep, NULL, NSLOT, &listener) == TCPSM_OK);
    check_all();
}

static void do_connect(bool nagle_off)
{
    struct tcpsm_endpoint l, r;
    struct pair *q;
    if (npairs >= MAXPAIRS)
        return;
    q = &P[npairs];
    memset(&l, 0, sizeof l);
    memset(&r, 0, sizeof r);
    q->cport = (uint16_t)(CPORT0 + npairs);
    l.ip = B[0].addr;
    l.port = q->cport;
    r.ip = B[1].addr;
    r.port = SPORT;
    CHECK(tcpsm_host_connect(&B[0].h, net.now, &l, &r, &q->e[0].h) == TCPSM_OK);
    q->e[0].up = true;
    npairs++;
    if (nagle_off)
        CHECK(tcpsm_set_nagle(conn_of(npairs - 1, 0), false) == TCPSM_OK);
    check_all();
}

static void operation(void)
{
    static const uint64_t unit[4] = { 1000u, 20000u, 500000u, 15000000u };
    uint8_t op = get8(), v;
    unsigned kind = op & 15u, x = (op >> 4) & 1u, p = npairs ? ((op >> 5) & 3u) % npairs : 0;
    bool var = (op & 128u) != 0;
    bool have = npairs > 0;
    DBG("t=%.6f op %u side %u pair %u%s\n", (double)(net.now - T0) / 1e6, kind, x, p, var ? " var" : "");
    switch (kind) {
    case 0:
        do_connect(var);
        break;
    case 1:
        v = get8();
        if (have)
            do_send(p, x, ((v & 63u) + 1u) << (2u * (v >> 6)),
                    ((v & 1u) ? TCPSM_SEND_PUSH : 0u) | (var ? TCPSM_SEND_URGENT : 0u));
        break;
    case 2:
        v = get8();
        if (have)
            do_recv(p, x, 16u * (v + 1u), var);
        break;
    case 3:
        if (have)
            do_close(p, x);
        break;
    case 4:
        if (have)
            do_abort(p, x);
        break;
    case 5:
        v = get8();
        run_until(net.now + ((v & 63u) + 1u) * unit[v >> 6], OP_EVENTS);
        break;
    case 6:
        v = get8();
        run_events((v & 31u) + 1u);
        break;
    case 7:
        do_forge(x, p);
        break;
    case 8: {
        uint8_t l[4];
        for (unsigned i = 0; i < 4; i++)
            l[i] = get8();
        set_link(x, l);
        if (var)
            set_link(!x, l);
        break;
    }
    case 9:
        net.rng = 0x2545F4914F6CDD1Dull ^ ((uint64_t)get8() << 8) ^ get8();
        break;
    case 10:
        if (have && var)
            do_reopen(p, x);
        else if (have)
            do_status(p, x);
        break;
    case 11:
        if (have && P[p].e[x].up) {
            if (var)
                (void)tcpsm_set_keepalive(conn_of(p, x), true);
            else
                (void)tcpsm_set_nagle(conn_of(p, x), false);
            check_one(p, x);
        }
        break;
    case 12:
        if (have)
            do_send(p, x, 512u, TCPSM_SEND_PUSH);
        break;
    case 13:
        if (have)
            do_recv(p, x, sizeof iobuf, true);
        break;
    case 14:
        run_events(1);
        break;
    default:
        run_until(net.now + 2000000u, OP_EVENTS);
        break;
    }
    flush();
}

/* Both ends of connection p are CLOSED (or the listener's never came). */
static bool settled(unsigned p)
{
    for (unsigned x = 0; x < 2; x++)
        if (P[p].e[x].up && conn_of(p, x)->state != TCPSM_CLOSED)
            return false;
    return true;
}

/* The end: faults off, every application closes, the network runs down. */
static void finish(void)
{
    enum { QUIET, LATE, BUSY, SETTLED } why = BUSY;
    uint64_t limit = net.now + END_TIME;
    unsigned n;
    ending = true;
    faults_off();
    for (n = 0; n < END_EVENTS; n++) {
        bool rest = any_forged;
        for (unsigned p = 0; p < npairs; p++)
            for (unsigned x = 0; x < 2; x++) {
                struct end *a = &P[p].e[x];
                if (!a->up || a->closed || a->aborted || a->err != TCPSM_OK)
                    continue;
                do_recv(p, x, sizeof iobuf, true);
                if (a->err == TCPSM_OK && conn_of(p, x)->state != TCPSM_SYN_SENT)
                    do_close(p, x);
            }
        flush();
        /* forged segments may leave two ends out of step for good (an
         * ACK war, paced by the challenge ACK limit): once every other
         * connection is over, there is nothing left to check */
        for (unsigned p = 0; p < npairs && rest; p++)
            if (!P[p].forged && !settled(p))
                rest = false;
        if (rest) {
            why = SETTLED;
            break;
        }
        if (net.now > limit) {
            why = LATE;
            break;
        }
        if (!net_step(&net)) {
            why = QUIET;
            break;
        }
        after_event();
    }
    DBG("fuzz events %u, end events %u (%d), sent %llu, t=%.3f s\n", events, n,
                (int)why, (unsigned long long)net.stats.sent, (double)(net.now - T0) / 1e6);
    /* the errors still to report, and what is left to read */
    for (unsigned p = 0; p < npairs; p++)
        for (unsigned x = 0; x < 2; x++)
            do_recv(p, x, sizeof iobuf, true);
    if (pcap_on) {
        (void)sim_pcap_close(&pcap);
        pcap_on = false;
        net.trace = NULL;
    }
    /* without forged segments, the network always runs down */
    CHECK(why != BUSY || any_forged);
    {
        bool clean = !any_forged && !any_abort && net.stats.lost == 0 && net.stats.corrupted == 0
                     && net.stats.duplicated == 0 && net.stats.reordered == 0
                     && net.stats.overflow == 0 && net.stats.no_route == 0;
        bool all_ok = true;
        for (unsigned p = 0; p < npairs; p++) {
            struct pair *q = &P[p];
            bool err = q->e[0].err != TCPSM_OK || q->e[1].err != TCPSM_OK;
            bool clean_q = clean;
            if (clean_q)
                CHECK(!err);
            if (q->forged || q->split || err || q->e[0].aborted || q->e[1].aborted || q->e[0].cancelled
                || (why == BUSY && !settled(p))) {
                all_ok = false;
                continue;
            }
            CHECK(q->e[1].up);          /* the listener's end reached the application */
            for (unsigned x = 0; x < 2; x++) {
                CHECK(conn_of(p, x)->state == TCPSM_CLOSED);
                CHECK(q->e[x].eof && q->e[x].got == q->e[!x].sent);
            }
        }
        /* give every handle up: both tables empty */
        if (clean && all_ok && why == QUIET) {
            for (unsigned p = 0; p < npairs; p++)
                for (unsigned x = 0; x < 2; x++)
                    if (P[p].e[x].up)
                        CHECK(tcpsm_host_release(&B[x].h, net.now, P[p].e[x].h) == TCPSM_OK);
            CHECK(tcpsm_host_release(&B[1].h, net.now, listener) == TCPSM_OK);
            check_all();
            CHECK(tcpsm_host_in_use(&B[0].h) == 0 && tcpsm_host_in_use(&B[1].h) == 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (debug < 0)
        debug = getenv("FUZZ_PAIR_DEBUG") != NULL;
    if (size > 4096)
        return 0;
    in = data;
    in_n = size;
    in_i = 0;
    setup();
    while (in_i < in_n)
        operation();
    finish();
    return 0;
}
