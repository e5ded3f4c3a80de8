/*
 * gen_fuzz_conn.c: writes the seed corpus of fuzz_conn, one file per
 * scenario, in the step format fuzz/fuzz_conn.c's header comment
 * describes: passive and active open, the handshake, data both ways,
 * out-of-order data, every close path (FIN-WAIT-1/2, CLOSING, TIME-WAIT,
 * CLOSE-WAIT, LAST-ACK), RST, SYN, security and bad ACKs in each state,
 * simultaneous open, retransmission and user timeouts, keep-alive, zero
 * window.  Deterministic: the same files every run.
 *   cc -std=c11 fuzz/gen_fuzz_conn.c -o /tmp/gen && /tmp/gen fuzz/corpus/fuzz_conn
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/gen.h"


/* ---- the format (fuzz_conn.c) ---- */

/* header h0 bits */
#define NO5961   0x01u
#define NODELACK 0x02u
#define NONAGLE  0x04u
#define KEEP     0x08u
#define GARBAGE  0x10u
#define V6       0x20u
#define MANUAL   0x40u
#define IW10     0x80u

/* seq/ack edges */
enum { RNXT, RWND, SUNA, SNXT, ISS, IRS, SCALED, RAW };
#define SEL(e, d) ((unsigned)(((e) << 5) | ((d) + 16)))

/* flags */
#define F 0x01u
#define S 0x02u
#define R 0x04u
#define P 0x08u
#define A 0x10u
#define U 0x20u

/* QSEG flag indexes (QFLAGS in fuzz_conn.c) */
enum { Q_ACK, Q_SYN, Q_SYNACK, Q_FINACK, Q_RST, Q_RSTACK, Q_PSHACK, Q_FIN, Q_URGACK };

/* options byte */
#define O_MSS(i) (1u | ((unsigned)(i) << 2))
#define O_ODD 2u
#define O_ALL 3u
#define O_SEC 0x20u
#define O_PORT 0x40u
#define O_URP 0x80u

#define PEER_ISS 5000u
#define OUR_ISS 1000u

static void start(unsigned h0, unsigned h1, unsigned h2, unsigned h3)
{
    gen_len = 0;
    u8(h0); u8(h1); u8(h2); u8(h3);
}

static void seg(unsigned flags, unsigned ssel, uint32_t sraw, unsigned asel, uint32_t araw,
                unsigned w, unsigned o, unsigned l)
{
    u8(0);
    u8(flags);
    u8(ssel);
    if ((ssel >> 5) == RAW)
        u32(sraw);
    u8(asel);
    if ((asel >> 5) == RAW)
        u32(araw);
    u8(w); u8(o); u8(l);
}

/* the common case: seq = RCV.NXT + ds, ack = SND.NXT + da, window 65535 */
static void sg(unsigned flags, int ds, int da, unsigned o, unsigned l)
{
    seg(flags, SEL(RNXT, ds), 0, SEL(SNXT, da), 0, 255, o, l);
}

static void qseg(unsigned q, unsigned l) { u8(1u | q << 4); u8(l); }
static void open_passive(unsigned a, uint32_t iss) { u8(2u | a << 4); u32(iss); }
static void open_active(uint32_t iss) { u8(3u); u32(iss); }
static void send(unsigned a, unsigned l) { u8(4u | a << 4); u8(l); }
static void recv_(unsigned a) { u8(5u | a << 4); }
static void close_(void) { u8(6u); }
static void abort_(void) { u8(7u); }
static void status(void) { u8(8u); }
static void advance(unsigned t) { u8(9u); u8(t); }
static void jump(unsigned a) { u8(10u | a << 4); }
static void drain(unsigned a) { u8(11u | a << 4); }
static void set_iss(uint32_t iss) { u8(12u); u32(iss); }
static void set(unsigned a) { u8(13u | a << 4); }
static void ack(unsigned a) { u8(14u | a << 4); }
static void again(unsigned a) { u8(15u | a << 4); }
static void misuse(unsigned a) { u8(8u | a << 4); }
/* DAMAGE of FIELDS[f] (fuzz_conn.c) by value code v */
static void damage(unsigned f, unsigned v) { u8(8u | 8u << 4); u8(f); u8(v); }
#define NFIELDS 94                      /* the length of FIELDS[] in fuzz_conn.c */

/* time codes: ((t & 15) + 1) * 4^(t >> 4) microseconds */
#define T_10MS 0x59u    /* 10240 us */
#define T_300MS 0x84u   /* 327680 us */
#define T_1S 0x93u      /* 1.05 s */
#define T_20S 0xB4u     /* 21 s */
#define T_5MIN 0xD4u    /* 335 s */
#define T_3H 0xFAu      /* 11.8 h: capped walk */

/* ACK of everything, FIN */
#define ACK_FIN 1u
#define ACK_PSH 2u
#define ACK_WND0 4u


/* ---- ways into each state ---- */

enum st { CLOSED, LISTEN, SYN_SENT, SYN_RCVD, SYN_RCVD_ACT, EST, EST_P, FW1, FW2,
          CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, NST };
static const char *const stname[NST] = {
    "closed", "listen", "syn-sent", "syn-received", "syn-received-active", "established",
    "established-passive", "fin-wait-1", "fin-wait-2", "close-wait", "closing", "last-ack",
    "time-wait",
};

/* the peer's SYN to our LISTEN */
static void peer_syn(void)
{
    seg(S, SEL(RAW, 0), PEER_ISS, SEL(RAW, 0), 0, 255, O_MSS(0), 0);
}

/* the peer's SYN,ACK to our SYN */
static void peer_synack(void)
{
    seg(S | A, SEL(RAW, 0), PEER_ISS, SEL(SNXT, 0), 0, 255, O_MSS(0), 0);
}

static void reach(enum st s)
{
    switch (s) {
    case CLOSED:
        break;
    case LISTEN:
        open_passive(0, OUR_ISS);
        break;
    case SYN_SENT:
        open_active(OUR_ISS);
        break;
    case SYN_RCVD:
        reach(LISTEN);
        peer_syn();
        break;
    case SYN_RCVD_ACT:                  /* simultaneous open */
        reach(SYN_SENT);
        peer_syn();
        break;
    case EST:
        reach(SYN_SENT);
        peer_synack();
        break;
    case EST_P:
        reach(SYN_RCVD);
        ack(0);
        break;
    case FW1:
        reach(EST);
        close_();
        break;
    case FW2:
        reach(FW1);
        ack(0);
        break;
    case CLOSE_WAIT:
        reach(EST);
        ack(ACK_FIN);
        break;
    case CLOSING:                       /* FIN that does not ACK ours */
        reach(FW1);
        seg(F | A, SEL(RNXT, 0), 0, SEL(SUNA, 0), 0, 255, 0, 0);
        break;
    case LAST_ACK:
        reach(CLOSE_WAIT);
        close_();
        break;
    case TIME_WAIT:
        reach(FW2);
        ack(ACK_FIN);
        break;
    default:
        break;
    }
}

/* the user calls that leave the state as it is (or fail) */
static void probe_calls(enum st s)
{
    status();
    recv_(0);
    if (s == FW1 || s == FW2 || s == CLOSING || s == LAST_ACK || s == TIME_WAIT || s == CLOSED) {
        send(1, 10);
        close_();
    }
    if (s == SYN_SENT || s == SYN_RCVD || s == EST || s == CLOSE_WAIT)
        send(0, 10);
    if (s != CLOSED)
        open_passive(1, 7);
    if (s != CLOSED && s != LISTEN)
        open_active(7);
    set_iss(99);
}

int main(int argc, char **argv)
{
    char name[128];
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    gen_dir = argv[1];

    /* every state: the user calls that do not move it, then each kind of
     * segment, and ABORT */
    for (int s = 0; s < NST; s++) {
        unsigned h0 = 0;
        start(h0, 0, 0, 0);
        reach((enum st)s);
        probe_calls((enum st)s);
        abort_();
        status();
        snprintf(name, sizeof name, "state-%s-calls-abort", stname[s]);
        gen_out(name);

        /* segments: unacceptable, RST in window / at RCV.NXT, security,
         * SYN (challenge, and RFC 793 reset), bad ACK, FIN at RCV.NXT */
        start(0, 0, 0, 0);
        reach((enum st)s);
        seg(A, SEL(RWND, 8), 0, SEL(SNXT, 0), 0, 255, 0, 20);      /* beyond the window */
        seg(R, SEL(RNXT, 1), 0, SEL(SNXT, 0), 0, 255, 0, 0);       /* challenge */
        seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 5), 0, 255, 0, 0);       /* ACK of unsent data */
        seg(S | A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);   /* SYN in window */
        seg(A | F, SEL(RNXT, 0), 0, SEL(SUNA, 0), 0, 255, 0, 0);   /* FIN, nothing acked */
        seg(A | F, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);   /* FIN */
        seg(A | F, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);   /* FIN again */
        seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_SEC, 0);   /* security */
        seg(R, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);       /* RST at RCV.NXT */
        snprintf(name, sizeof name, "state-%s-segments", stname[s]);
        gen_out(name);

        start(NO5961, 0, 0, 0);
        reach((enum st)s);
        seg(S, SEL(RNXT, 2), 0, SEL(SNXT, 0), 0, 255, 0, 0);       /* SYN in window: reset */
        seg(A, SEL(RNXT, 0), 0, SEL(RAW, 0), 0x7FFFFFFFu, 255, 0, 0);
        snprintf(name, sizeof name, "state-%s-syn-rfc793", stname[s]);
        gen_out(name);

        start(0, 0, 0, 0);
        reach((enum st)s);
        seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_SEC, 0);   /* security first */
        snprintf(name, sizeof name, "state-%s-security", stname[s]);
        gen_out(name);

        start(0, 0, 0, 0);
        reach((enum st)s);
        seg(R, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);       /* RST at RCV.NXT */
        snprintf(name, sizeof name, "state-%s-rst", stname[s]);
        gen_out(name);

        start(0, 0, 0, 0);
        reach((enum st)s);
        seg(R | A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);   /* RST,ACK (SYN-SENT) */
        snprintf(name, sizeof name, "state-%s-rst-ack", stname[s]);
        gen_out(name);

        /* the timers: user timeout 1 s, retransmissions, 2 MSL */
        start(0, 0, 0x0Cu, 0);
        reach((enum st)s);
        jump(0);
        jump(0);
        advance(T_5MIN);
        snprintf(name, sizeof name, "state-%s-timers", stname[s]);
        gen_out(name);

        start(0, 0, 0, 0);
        reach((enum st)s);
        jump(3);
        advance(T_5MIN);
        advance(T_5MIN);
        snprintf(name, sizeof name, "state-%s-rto-until-r2", stname[s]);
        gen_out(name);
    }

    /* SYN-SENT: ACKs of things never sent, RST without an acceptable ACK,
     * a SYN,ACK from another compartment */
    start(0, 0, 0, 0);
    reach(SYN_SENT);
    seg(A, SEL(RAW, 0), 1, SEL(ISS, 0), 0, 255, 0, 0);             /* ACK =< ISS */
    seg(R, SEL(RAW, 0), 1, SEL(ISS, 0), 0, 255, 0, 0);              /* RST, no ACK: ignored */
    seg(S | A, SEL(RAW, 0), PEER_ISS, SEL(SNXT, 0), 0, 255, O_SEC, 0);
    seg(R | A, SEL(RAW, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);
    gen_out("syn-sent-bad-ack-rst-security");

    /* LISTEN: RST ignored, ACK answered by RST, SYN from another
     * compartment, plain data dropped, a SYN to another port */
    start(0, 0, 0, 0);
    reach(LISTEN);
    seg(R, SEL(RAW, 0), 77, SEL(RAW, 0), 0, 255, 0, 0);
    seg(A, SEL(RAW, 0), 77, SEL(RAW, 0), 1234, 255, 0, 0);
    seg(S, SEL(RAW, 0), 77, SEL(RAW, 0), 0, 255, O_SEC, 0);
    seg(P, SEL(RAW, 0), 77, SEL(RAW, 0), 0, 255, 0, 5);
    seg(S, SEL(RAW, 0), 77, SEL(RAW, 0), 0, 255, O_PORT, 0);
    peer_syn();
    gen_out("listen-rst-ack-security-syn");

    /* CLOSED: segments draw RSTs (with and without ACK) */
    start(0, 0, 0, 0);
    seg(A, SEL(RAW, 0), 10, SEL(RAW, 0), 20, 255, 0, 0);
    seg(S, SEL(RAW, 0), 10, SEL(RAW, 0), 0, 255, 0, 3);
    seg(R, SEL(RAW, 0), 10, SEL(RAW, 0), 0, 255, 0, 0);
    gen_out("closed-segments");

    /* SYN-RECEIVED (passive): a second SYN returns to LISTEN; a bad ACK */
    start(0, 0, 0, 0);
    reach(SYN_RCVD);
    seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 9), 0, 255, 0, 0);           /* bad ACK: RST */
    seg(S, SEL(RNXT, 0), 0, SEL(RAW, 0), 0, 255, 0, 0);             /* SYN: to LISTEN */
    peer_syn();
    ack(0);
    gen_out("syn-received-bad-ack-syn-to-listen");

    /* CLOSE in SYN-RECEIVED (nothing queued) and in LISTEN */
    start(0, 0, 0, 0);
    reach(SYN_RCVD);
    close_();
    ack(0);
    ack(ACK_FIN);
    advance(T_5MIN);
    gen_out("syn-received-close");
    start(0, 0, 0, 0);
    reach(LISTEN);
    close_();
    close_();
    gen_out("listen-close");
    start(0, 0, 0, 0);
    reach(SYN_SENT);
    close_();
    gen_out("syn-sent-close");

    /* SYN-RECEIVED with data from the peer before the ACK completes it,
     * CLOSE deferred while our data waits */
    start(0, 0, 0, 0);
    reach(SYN_RCVD);
    send(1, 50);
    close_();
    sg(A | P, 0, 0, 0, 30);
    recv_(0);
    ack(0);
    ack(ACK_FIN);
    jump(0);
    gen_out("syn-received-close-deferred");

    /* data both ways, passive side: in order, out of order, overlapping,
     * duplicate, with PUSH and URG, then an orderly close by us */
    start(0, 0, 0, 0);
    reach(EST_P);
    sg(A | P, 0, 0, 0, 100);
    seg(A, SEL(SCALED, 2), 0, SEL(SNXT, 0), 0, 255, 0, 100);       /* a gap of 156 */
    seg(A, SEL(SCALED, 1), 0, SEL(SNXT, 0), 0, 255, 0, 100);
    sg(A, 0, 0, 0, 28);                                             /* fills the gap */
    sg(A, -50, 0, 0, 60);                                           /* duplicate, overlap */
    seg(A | U, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_URP, 10);
    recv_(3);
    recv_(0);
    send(1, 200);
    send(3, 20);
    ack(0);
    close_();
    ack(0);
    ack(ACK_FIN);
    recv_(0);
    advance(T_5MIN);
    status();
    gen_out("data-both-ways-ooo-close");

    /* bulk data with a small MSS: slow start, a lost segment, three
     * duplicate ACKs, fast retransmit, partial ACKs */
    start(NONAGLE, 0, 0x80u, 0);
    reach(EST);
    send(1, 255);
    send(1, 255);
    seg(A, SEL(RNXT, 0), 0, SEL(SUNA, 0), 0, 255, 0, 0);
    again(2);
    seg(A, SEL(RNXT, 0), 0, SEL(SCALED, 3), 0, 255, 0, 0);
    again(3);
    ack(0);
    advance(T_1S);
    send(0, 255);
    advance(T_20S);
    ack(0);
    gen_out("bulk-fast-retransmit");

    /* the peer's window closes: zero-window probes with backoff, then opens */
    start(0, 0, 0, 0);
    reach(EST);
    seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 0, 0, 0);
    send(1, 100);
    advance(T_1S);
    ack(ACK_WND0);
    advance(T_1S);
    advance(T_1S);
    ack(ACK_WND0);
    jump(0);
    ack(ACK_WND0);
    ack(0);
    ack(ACK_WND0);
    advance(T_20S);
    ack(0);
    gen_out("zero-window-probes");

    /* our window closes: a tiny receive buffer fills, data beyond it is
     * unacceptable, reading opens it again */
    start(0, 0x30u, 0, 0);
    reach(EST_P);
    sg(A, 0, 0, 0, 16);
    sg(A, 0, 0, 0, 16);
    sg(A, 0, 0, 0, 0);
    recv_(1);
    recv_(0);
    sg(A, 0, 0, 0, 16);
    recv_(0);
    gen_out("receive-window-zero");

    /* simultaneous open, then simultaneous close (CLOSING) */
    start(0, 0, 0, 0);
    reach(SYN_RCVD_ACT);
    seg(S | A, SEL(IRS, 0), 0, SEL(SNXT, 0), 0, 255, O_MSS(1), 0);
    ack(0);
    close_();
    seg(F | A, SEL(RNXT, 0), 0, SEL(SUNA, 0), 0, 255, 0, 0);
    ack(0);
    advance(T_5MIN);
    gen_out("simultaneous-open-close");

    /* a RST to SYN-RECEIVED from an active OPEN: connection refused */
    start(NO5961, 0, 0, 0);
    reach(SYN_RCVD_ACT);
    seg(R, SEL(RNXT, 3), 0, SEL(SNXT, 0), 0, 255, 0, 0);
    status();
    open_active(OUR_ISS);
    gen_out("simultaneous-open-rst-refused");

    /* passive OPEN, SEND in LISTEN turns it active (remote specified) */
    start(0, 0, 0, 0);
    open_passive(1, OUR_ISS);
    send(1, 40);
    peer_synack();
    recv_(0);
    ack(0);
    gen_out("listen-send-active");

    /* passive OPEN with only the port or only the address given */
    start(V6, 0, 0, 0);
    open_passive(2, OUR_ISS);
    send(0, 10);
    peer_syn();
    ack(0);
    gen_out("listen-port-only-v6");
    start(0, 0, 0, 0);
    open_passive(3, OUR_ISS);
    open_active(9);
    peer_synack();
    gen_out("listen-address-only-open-active");

    /* RST in SYN-RECEIVED from LISTEN: back to LISTEN, then a new SYN */
    start(0, 0, 0, 0);
    reach(SYN_RCVD);
    seg(R, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, 0, 0);
    peer_syn();
    ack(0);
    gen_out("syn-received-rst-to-listen");

    /* keep-alive: idle 10 s, 1 probe, the peer silent (ESTABLISHED,
     * FIN-WAIT-2, CLOSE-WAIT); garbage octets; answered probes */
    start(KEEP, 0, 0, 0x05u);
    reach(EST);
    advance(T_20S);
    advance(T_20S);
    advance(T_5MIN);
    gen_out("keepalive-established-timeout");
    start(KEEP | GARBAGE, 0, 0, 0x09u);
    reach(FW2);
    advance(T_20S);
    ack(0);
    advance(T_5MIN);
    gen_out("keepalive-fin-wait-2-garbage");
    start(KEEP, 0, 0, 0x05u);
    reach(CLOSE_WAIT);
    advance(T_5MIN);
    gen_out("keepalive-close-wait");
    start(0, 0, 0, 0x05u);
    reach(EST);
    set(2);
    advance(T_3H);
    gen_out("keepalive-set-on");

    /* TIME-WAIT: a retransmitted FIN restarts 2 MSL, which then expires */
    start(0, 0, 0x01u, 0);
    reach(TIME_WAIT);
    seg(F | A, SEL(RNXT, -1), 0, SEL(SNXT, 0), 0, 255, 0, 0);
    advance(T_1S);
    advance(T_1S);
    advance(T_1S);
    status();
    gen_out("time-wait-fin-again-2msl");

    /* the close paths with data in flight: retransmission of the FIN, then
     * user timeout in FIN-WAIT-1, CLOSING, LAST-ACK, CLOSE-WAIT */
    start(0, 0, 0x0Cu, 0x30u);
    reach(EST);
    send(1, 100);
    close_();
    advance(T_300MS);
    jump(15);
    gen_out("fin-wait-1-rto-user-timeout");
    start(0, 0, 0x08u, 0);
    reach(CLOSING);
    jump(15);
    gen_out("closing-rto-user-timeout");
    start(0, 0, 0x08u, 0);
    reach(LAST_ACK);
    jump(15);
    gen_out("last-ack-rto-user-timeout");
    start(0, 0, 0x08u, 0);
    reach(CLOSE_WAIT);
    send(1, 10);
    jump(15);
    gen_out("close-wait-rto-user-timeout");
    start(0, 0, 0x08u, 0);
    reach(SYN_RCVD);
    jump(15);
    gen_out("syn-received-rto-user-timeout");
    start(0, 0, 0x38u, 0);
    reach(EST);
    send(1, 10);
    jump(15);
    gen_out("established-r2-count");

    /* RFC 5961 off: a RST anywhere in the window resets */
    start(NO5961 | NODELACK, 0, 0, 0);
    reach(EST);
    seg(R, SEL(RNXT, 5), 0, SEL(SNXT, 0), 0, 255, 0, 0);
    gen_out("established-rst-in-window-rfc793");

    /* options: odd MSS values, all options, MSS 1 */
    start(0, 0, 0, 0);
    reach(LISTEN);
    seg(S, SEL(RAW, 0), PEER_ISS, SEL(RAW, 0), 0, 255, O_ODD, 0);
    ack(0);
    send(1, 200);
    gen_out("listen-syn-odd-options");
    start(IW10, 0xAAu, 0xC0u, 0);
    reach(SYN_SENT);
    seg(S | A, SEL(RAW, 0), PEER_ISS, SEL(SNXT, 0), 0, 255, O_ALL | (2u << 2), 0);
    send(1, 255);
    send(1, 255);
    ack(0);
    gen_out("syn-sent-mss-1");

    /* manual drain: segments arrive before our SYN went out */
    start(MANUAL, 0, 0, 0);
    open_active(OUR_ISS);
    seg(S | A, SEL(RAW, 0), PEER_ISS, SEL(ISS, 1), 0, 255, 0, 0);
    drain(1);
    peer_synack();
    drain(0);
    gen_out("manual-drain");

    /* wrap-around: ISS just below 2^32 */
    start(0, 0, 0, 0x80u);
    open_active(0xFFFFFFF0u);
    seg(S | A, SEL(RAW, 0), 0xFFFFFF00u, SEL(SNXT, 0), 0, 255, O_MSS(0), 0);
    send(1, 255);
    sg(A | P, 0, 0, 0, 255);
    recv_(0);
    ack(0);
    close_();
    ack(ACK_FIN);
    gen_out("sequence-wrap");

    /* wildcards: local address unspecified (passive and active), an
     * active OPEN without a remote socket, segments from elsewhere */
    start(0, 0, 0, 0);
    u8(3u | 1u << 4); u32(OUR_ISS);                                /* no remote: refused */
    open_passive(4, OUR_ISS);
    seg(S, SEL(RAW, 0), PEER_ISS, SEL(RAW, 0), 0, 255, O_PORT | (3u << 2), 0);
    ack(0);
    seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_PORT | (1u << 2), 0);
    seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_PORT | (2u << 2), 0);
    seg(A, SEL(RNXT, 0), 0, SEL(SNXT, 0), 0, 255, O_PORT, 0);
    sg(A | P, 0, 0, 0, 10);
    recv_(0);
    gen_out("wildcard-local-foreign-segments");
    start(V6, 0, 0, 0);
    u8(3u | 4u << 4); u32(OUR_ISS);
    peer_synack();
    send(1, 10);
    gen_out("wildcard-local-active-v6");

    /* out-of-order FIN and more gaps than the reassembly queue holds */
    start(NONAGLE, 0, 0, 0);
    reach(EST);
    seg(A | F, SEL(SCALED, 1), 0, SEL(SNXT, 0), 0, 255, 0, 10);
    sg(A, 0, 0, 0, 128);
    recv_(0);
    gen_out("out-of-order-fin");
    start(NONAGLE, 0, 0, 0);
    reach(EST);
    for (int k = 0; k < 10; k++)
        seg(A, SEL(SCALED, -15 + 3 * k > 15 ? 15 : -15 + 3 * k), 0, SEL(SNXT, 0), 0, 255, 0, 20);
    for (int k = 0; k < 10; k++)
        seg(A, SEL(SCALED, 1 + (k % 2)), 0, SEL(SNXT, 0), 0, 255, 0, (unsigned)(5 + 3 * k));
    sg(A, 0, 0, 0, 255);
    recv_(0);
    gen_out("out-of-order-many-gaps");

    /* bad arguments in every state; and tcpsm_conn_check against each
     * field of a copy of the TCB set to 0, +1, -1 and all ones (60
     * fields a file: a run takes at most 64 steps) */
    for (int s = 0; s < NST; s++) {
        start(0, 0, 0, 0);
        reach((enum st)s);
        for (unsigned a = 1; a < 8; a++)
            misuse(a);
        snprintf(name, sizeof name, "misuse-%s", stname[s]);
        gen_out(name);
        for (unsigned v = 0; v < 4; v++)
            for (unsigned f0 = 0; f0 < NFIELDS; f0 += 60) {
                start(0, 0, 0, 0);
                reach((enum st)s);
                for (unsigned f = f0; f < f0 + 60 && f < NFIELDS; f++)
                    damage(f, v);
                snprintf(name, sizeof name, "damage-%s-%u-%u", stname[s], v, f0);
                gen_out(name);
            }
    }

    /* quick segments in every form, from ESTABLISHED */
    start(0, 0, 0, 0);
    reach(EST);
    for (unsigned q = 0; q < 16; q++)
        qseg(q, q == 6 ? 10 : 0);
    gen_out("quick-segments");

    return 0;
}
