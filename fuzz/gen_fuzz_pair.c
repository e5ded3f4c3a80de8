/*
 * gen_fuzz_pair.c: writes the seed corpus of fuzz/fuzz_pair.c, one file
 * per scenario, named after it, in the byte format that fuzz_pair.c's
 * header comment describes.  Deterministic: same output every run.
 *
 *   cc -std=c11 fuzz/gen_fuzz_pair.c -o /tmp/genp && /tmp/genp fuzz/corpus/fuzz_pair
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/gen.h"


/* ---- the header ---- */

enum { MSS536 = 0, MSS1460 = 1, MSS100 = 2, MSS240 = 3 };
#define NO5961  0x04u
#define NONAGLE 0x08u
#define DELACK40 0x10u
#define IW10    0x20u
#define IPV6    0x40u
#define LINUXSYN 0x80u

/* buffers: index {4096, 1024, 16384, 512} */
static unsigned bufs(unsigned asnd, unsigned arcv, unsigned bsnd, unsigned brcv)
{
    return asnd | arcv << 2 | bsnd << 4 | brcv << 6;
}

struct link { unsigned delay, bw, loss, dup, reorder, corrupt, rdelay; };

static const struct link clean = { 5, 0, 0, 0, 0, 0, 0 };

static void link_bytes(const struct link *l)
{
    u8((l->delay & 63u) | l->bw << 6);
    u8(l->loss);
    u8((l->dup & 15u) | (l->reorder & 15u) << 4);
    u8((l->corrupt & 15u) | (l->rdelay & 15u) << 4);
}

static void header(unsigned cfg, unsigned bufsel, unsigned timing, const struct link *ab,
                   const struct link *ba, unsigned seed)
{
    gen_len = 0;
    u8(cfg);
    u8(bufsel);
    u8(timing);
    link_bytes(ab);
    link_bytes(ba);
    u8(seed >> 8);
    u8(seed);
}

/* ---- operations ---- */

#define A 0u
#define B 1u

static unsigned opb(unsigned kind, unsigned side, unsigned pair, int var)
{
    return kind | side << 4 | pair << 5 | (var ? 128u : 0u);
}

static void connect_(int nagle_off) { u8(opb(0, A, 0, nagle_off)); }

/* n bytes (rounded to what the format can say), PUSH */
static void send_(unsigned side, unsigned pair, unsigned n, int urgent)
{
    unsigned sh = 0, v;
    while (n > 64u << (2 * sh) && sh < 3)
        sh++;
    v = (n >> (2 * sh)) - 1u;
    if (v > 63)
        v = 63;
    u8(opb(1, side, pair, urgent));
    u8(v | sh << 6 | 1u);
}

static void recv_(unsigned side, unsigned pair, unsigned cap16, int all)
{
    u8(opb(2, side, pair, all));
    u8(cap16);
}

static void close_(unsigned side, unsigned pair) { u8(opb(3, side, pair, 0)); }
static void abort_(unsigned side, unsigned pair) { u8(opb(4, side, pair, 0)); }

/* advance: v & 63 + 1 units of {1 ms, 20 ms, 500 ms, 15 s}[v >> 6] */
static void advance(unsigned units, unsigned unit) { u8(5); u8(((units - 1u) & 63u) | unit << 6); }
static void steps(unsigned k) { u8(6); u8((k - 1u) & 31u); }
static void status(unsigned side, unsigned pair) { u8(opb(10, side, pair, 0)); }
static void reopen(unsigned side, unsigned pair) { u8(opb(10, side, pair, 1)); }
static void keepalive(unsigned side, unsigned pair) { u8(opb(11, side, pair, 1)); }
static void drain(unsigned side, unsigned pair) { u8(opb(13, side, pair, 0)); }
static void settle(void) { u8(15); }

static void set_link(unsigned from, int both, const struct link *l)
{
    u8(opb(8, from, 0, both));
    link_bytes(l);
}

#define F_FIN 0x01u
#define F_SYN 0x02u
#define F_RST 0x04u
#define F_PSH 0x08u
#define F_ACK 0x10u

/* seq mode 0 (RCV.NXT + dseq), ack mode 0 (SND.NXT + dack) */
static void forge(unsigned side, unsigned pair, unsigned flags, int dseq, int dack,
                  unsigned wnd, unsigned tlen, unsigned modes)
{
    u8(opb(7, side, pair, 0));
    u8(flags);
    u8(modes);
    u8((unsigned)dseq & 255u);
    u8((unsigned)dack & 255u);
    u8(wnd);
    u8(tlen);
}

/* ---- files ---- */

static unsigned nfiles;

static void emit(const char *name)
{
    gen_out(name);
    nfiles++;
}

/* a connection opened and established */
static void open_one(void)
{
    connect_(0);
    advance(10, 1);         /* 200 ms */
}

/* each side sends, each reads */
static void both_ways(unsigned na, unsigned nb)
{
    send_(A, 0, na, 0);
    send_(B, 0, nb, 0);
    advance(10, 2);         /* 5 s */
    recv_(A, 0, 255, 1);
    recv_(B, 0, 255, 1);
}

static void faulty(const char *name, const struct link *l, unsigned seed)
{
    header(MSS536, bufs(0, 0, 0, 0), 1, l, l, seed);
    open_one();
    both_ways(4096, 3000);
    advance(4, 3);          /* 1 min: the losses recovered */
    drain(A, 0);
    drain(B, 0);
    close_(A, 0);
    close_(B, 0);
    settle();
    emit(name);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    gen_dir = argv[1];

    /* a clean transfer both ways; the applications close at the end phase */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 1);
    open_one();
    both_ways(4096, 2048);
    emit("clean-both-ways");

    /* the client closes first, then the server */
    header(MSS1460, bufs(0, 0, 0, 0), 0, &clean, &clean, 2);
    open_one();
    both_ways(1000, 1000);
    close_(A, 0);
    advance(10, 1);
    status(B, 0);
    recv_(B, 0, 255, 1);
    close_(B, 0);
    advance(20, 2);
    status(A, 0);
    emit("close-client-first");

    /* the server closes first: it goes through TIME-WAIT */
    header(MSS1460, bufs(0, 0, 0, 0), 0, &clean, &clean, 3);
    open_one();
    both_ways(1000, 1000);
    close_(B, 0);
    advance(10, 1);
    recv_(A, 0, 255, 1);
    close_(A, 0);
    advance(20, 2);
    emit("close-server-first");

    /* both close at once: simultaneous close, CLOSING */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 4);
    open_one();
    both_ways(700, 900);
    close_(A, 0);
    close_(B, 0);
    advance(20, 2);
    emit("close-both-at-once");

    /* half-close: the client closes, the server keeps sending */
    header(MSS240, bufs(0, 1, 0, 0), 0, &clean, &clean, 5);
    open_one();
    send_(A, 0, 300, 0);
    close_(A, 0);
    send_(B, 0, 4096, 0);
    advance(10, 2);
    recv_(A, 0, 255, 1);
    send_(B, 0, 2048, 0);
    advance(10, 2);
    drain(A, 0);
    close_(B, 0);
    emit("half-close");

    /* faults */
    {
        struct link l = clean;
        l.loss = 90;        /* ~6.5 % */
        faulty("loss", &l, 11);
        l = clean;
        l.reorder = 6;
        l.rdelay = 2;
        faulty("reordering", &l, 12);
        l = clean;
        l.dup = 4;
        faulty("duplication", &l, 13);
        l = clean;
        l.corrupt = 3;
        faulty("corruption", &l, 14);
        l = clean;
        l.loss = 60;
        l.dup = 2;
        l.reorder = 3;
        l.corrupt = 2;
        l.rdelay = 1;
        faulty("all-faults", &l, 15);
    }

    /* a lost SYN and an outage in the middle of a transfer */
    {
        struct link dead = clean;
        dead.loss = 255;
        header(MSS536, bufs(0, 0, 0, 0), 1, &dead, &clean, 16);
        connect_(0);
        advance(2, 2);
        set_link(A, 0, &clean);
        advance(8, 2);
        send_(A, 0, 3000, 0);
        steps(3);
        set_link(A, 1, &dead);
        advance(20, 2);
        set_link(A, 1, &clean);
        advance(2, 3);
        drain(B, 0);
        emit("outage");
    }

    /* a forged RST at RCV.NXT: the client is reset */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 20);
    open_one();
    both_ways(500, 500);
    forge(A, 0, F_RST, 0, 0, 0, 0, 0);
    advance(10, 1);
    recv_(A, 0, 10, 0);
    send_(B, 0, 100, 0);
    advance(10, 2);
    recv_(B, 0, 10, 0);
    emit("forged-rst");

    /* a forged in-window RST, not at RCV.NXT: a challenge ACK (RFC 5961 3.2) */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 21);
    open_one();
    forge(B, 0, F_RST, 5, 0, 0, 0, 0);
    both_ways(500, 500);
    emit("forged-rst-in-window");

    /* a forged SYN in ESTABLISHED: a challenge ACK (RFC 5961 4.2) */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 22);
    open_one();
    forge(B, 0, F_SYN, 0, 0, 8, 0, 0x20);
    both_ways(500, 500);
    emit("forged-syn");

    /* ... and with RFC 5961 off: the in-window SYN resets (RFC 793) */
    header(MSS536 | NO5961, bufs(0, 0, 0, 0), 0, &clean, &clean, 23);
    open_one();
    forge(B, 0, F_SYN, 0, 0, 8, 0, 0x20);
    both_ways(500, 500);
    emit("forged-syn-no5961");

    /* a forged SYN from another port: a new connection for the listener,
     * then the forged ACK that completes it */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 24);
    open_one();
    u8(opb(7, B, 0, 0));
    u8(F_SYN);
    u8(0x42);        /* seq32, port */
    u8(0);
    u8(0);
    u8(16);
    u8(0);
    u8(0x12);
    u8(0x34);
    u8(0x56);
    u8(0x78);
    u8(9);
    u8(opb(7, B, 0, 0));
    u8(F_ACK);
    u8(0x40);        /* RCV.NXT, SND.NXT, port */
    u8(0);
    u8(0);
    u8(16);
    u8(0);
    u8(9);
    advance(10, 1);
    both_ways(300, 300);
    emit("forged-syn-new-port");

    /* forged data at RCV.NXT (the right bytes) and a forged FIN */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 25);
    open_one();
    send_(A, 0, 200, 0);
    advance(10, 1);
    forge(B, 0, F_ACK | F_PSH, 0, 0, 64, 100, 0);
    forge(B, 0, F_ACK | F_FIN, 100, 0, 64, 0, 0);
    advance(10, 1);
    drain(B, 0);
    emit("forged-data-fin");

    /* a forged ACK beyond SND.NXT, and an old one (RFC 5961 5.2) */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 26);
    open_one();
    send_(A, 0, 2000, 0);
    forge(A, 0, F_ACK, 0, 100, 64, 0, 0);
    forge(A, 0, F_ACK, 0, -50, 64, 0, 0x0c);
    advance(10, 2);
    drain(B, 0);
    emit("forged-ack");

    /* the client aborts in the middle of a transfer */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 30);
    open_one();
    send_(A, 0, 4096, 0);
    send_(B, 0, 4096, 0);
    steps(4);
    abort_(A, 0);
    advance(10, 2);
    recv_(B, 0, 255, 1);
    send_(B, 0, 10, 0);
    emit("abort");

    /* the server aborts */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 31);
    open_one();
    send_(A, 0, 1000, 0);
    advance(10, 1);
    abort_(B, 0);
    advance(10, 1);
    recv_(A, 0, 255, 1);
    emit("abort-server");

    /* the client closes in SYN-SENT */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 32);
    connect_(0);
    send_(A, 0, 100, 0);
    close_(A, 0);
    advance(10, 2);
    emit("close-in-syn-sent");

    /* three connections at once, small MSS */
    header(MSS100 | NONAGLE, bufs(0, 0, 0, 0), 1, &clean, &clean, 40);
    connect_(0);
    connect_(1);
    connect_(0);
    advance(10, 1);
    for (unsigned p = 0; p < 3; p++) {
        send_(A, p, 1000 + 300 * p, 0);
        send_(B, p, 800, 0);
    }
    advance(10, 2);
    for (unsigned p = 0; p < 3; p++) {
        drain(A, p);
        drain(B, p);
    }
    close_(B, 1);
    close_(A, 2);
    advance(10, 2);
    emit("three-connections");

    /* the receiver does not read: zero window, probes, then it reads */
    header(MSS536, bufs(2, 0, 0, 3), 0, &clean, &clean, 41);
    open_one();
    send_(A, 0, 4096, 0);
    send_(A, 0, 4096, 0);
    advance(20, 3);
    recv_(B, 0, 20, 0);
    advance(10, 2);
    drain(B, 0);
    emit("zero-window");

    /* urgent data */
    header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 42);
    open_one();
    send_(A, 0, 100, 1);
    send_(A, 0, 200, 0);
    advance(10, 1);
    status(B, 0);
    drain(B, 0);
    emit("urgent");

    /* IPv6, Linux-style SYN options, ACK delay 40 ms, IW10 */
    header(MSS1460 | IPV6 | LINUXSYN | DELACK40 | IW10, bufs(2, 2, 2, 2), 0, &clean, &clean, 43);
    open_one();
    both_ways(4096, 4096);
    send_(A, 0, 4096, 0);
    advance(10, 1);
    drain(B, 0);
    emit("ipv6");

    /* short MSL, TIME-WAIT reopen allowed, a forged SYN into TIME-WAIT */
    header(MSS536, bufs(0, 0, 0, 0), 0x0c, &clean, &clean, 44);
    open_one();
    both_ways(100, 100);
    close_(B, 0);
    advance(10, 1);
    close_(A, 0);
    advance(10, 1);
    forge(B, 0, F_SYN, 10, 0, 8, 0, 0x20);
    advance(10, 2);
    emit("time-wait-syn");

    /* R2 of 10 s: the peer goes silent, the sender gives up */
    {
        struct link dead = clean;
        dead.loss = 255;
        header(MSS536, bufs(0, 0, 0, 0), 0x40, &clean, &clean, 45);
        open_one();
        send_(A, 0, 1000, 0);
        set_link(A, 1, &dead);
        advance(4, 3);
        recv_(A, 0, 1, 0);
        emit("user-timeout");
    }

    /* OPEN again in each state the close goes through: "already exists" */
    header(MSS536, bufs(0, 0, 0, 0), 1, &clean, &clean, 46);
    connect_(0);
    reopen(A, 0);
    advance(10, 1);
    reopen(A, 0);
    reopen(B, 0);
    close_(A, 0);
    reopen(A, 0);
    steps(1);
    reopen(B, 0);
    steps(1);
    reopen(A, 0);
    close_(B, 0);
    reopen(B, 0);
    steps(1);
    reopen(A, 0);
    reopen(B, 0);
    emit("open-again");

    /* keep-alives: two hours idle, probes answered; then the peer goes
     * silent and the connection times out */
    {
        struct link dead = clean;
        dead.loss = 255;
        header(MSS536, bufs(0, 0, 0, 0), 0, &clean, &clean, 47);
        open_one();
        keepalive(A, 0);
        for (int i = 0; i < 8; i++)
            advance(64, 3);     /* 16 min */
        set_link(B, 0, &dead);
        for (int i = 0; i < 10; i++)
            advance(64, 3);
        recv_(A, 0, 1, 0);
        emit("keepalive");
    }

    printf("gen_fuzz_pair: %u files in %s\n", nfiles, gen_dir);
    return 0;
}
