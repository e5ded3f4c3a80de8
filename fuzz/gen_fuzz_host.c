/*
 * gen_fuzz_host.c: writes the seed corpus of fuzz/fuzz_host.c, one file per
 * scenario, named after it, in the harness's input format (see the header
 * comment of fuzz/fuzz_host.c).  Deterministic.
 *
 *   cc -std=c11 fuzz/gen_fuzz_host.c -o /tmp/genh && /tmp/genh fuzz/corpus/fuzz_host
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/gen.h"

/* opcodes */
enum { SEG = 0, PKT, LISTEN, CONNECT, ACCEPT, SEND, RECEIVE, CLOSE, ABORT, RELEASE, STATUS,
       CLOCK, DRAIN, LOOP, NEXT, OPT };
/* address and port indexes */
enum { L0 = 0, L1, R0, R1, MCAST, BCAST, ZERO, R2 };
enum { P80 = 0, P443, P22, P1000, P40000, P40001, P0, P65535 };
/* control bits */
enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32 };
/* sequence modes (M bits 0-1, 2-3) */
enum { RAW = 0, NXT = 1, EDGE = 2, IRS = 3 };              /* SEQ */
enum { ARAW = 0, SNDNXT = 1, SNDUNA = 2, UNAMINUSWND = 3 }; /* ACK */
#define RAW_SLOT(i) (0x80u | (i))

static void start(unsigned c0, unsigned c1)
{
    gen_len = 0;
    u8(c0);
    u8(c1);
}

/* LISTEN: local kind 0 unspecified, 1 L0, 2 L1, 3 L0 IPv6; foreign 0 NULL,
 * 1 R0, 2 R0:1000, 3 :1000; backlog 0..3; port 0 80, 1 443, 2 22, 3 0 */
static void listen_(unsigned local, unsigned foreign, unsigned backlog, unsigned port)
{
    u8(LISTEN);
    u8(local | foreign << 2 | backlog << 4 | port << 6);
}

static void connect_(unsigned la, unsigned ra, int v6, unsigned lp, unsigned rp)
{
    u8(CONNECT);
    u8(la | ra << 3 | (v6 ? 0x40u : 0u));
    u8(lp | rp << 3);
}

/* a segment description */
struct seg {
    int ip;                 /* PKT instead of SEG */
    unsigned x;             /* PKT variant: 1 mangle, 2 cut */
    unsigned ipos, ival, icut;
    int v6, slot_mode;
    unsigned slot, src, dst, sport, dport, pextra;
    unsigned flags;
    unsigned smode, amode;
    uint32_t seq, ack;      /* raw values, or signed deltas */
    unsigned w;             /* window byte */
    unsigned urp;
    int bad_ck;
    int cut;
    unsigned cut_at;
    int has_opt;
    unsigned opt, mss, ws, mpos, mval;
    int has_data;
    unsigned data;          /* N: N*3 octets */
};

static void seg_(const struct seg *s)
{
    unsigned m = s->smode | s->amode << 2 | (s->bad_ck ? 0x10u : 0u) | (s->cut ? 0x20u : 0u)
                 | (s->has_opt ? 0x40u : 0u) | (s->has_data ? 0x80u : 0u);
    u8((s->ip ? PKT : SEG) | s->x << 4);
    if (s->slot_mode)
        u8(0x40u | s->slot | (s->v6 ? 0x80u : 0u));
    else
        u8(s->src | s->dst << 3 | (s->v6 ? 0x80u : 0u));
    u8(s->sport | s->dport << 3 | s->pextra);
    u8(s->flags);
    u8(m);
    if (s->smode == RAW)
        u32(s->seq);
    else
        u8(s->seq);
    if (s->amode == ARAW)
        u32(s->ack);
    else
        u8(s->ack);
    u8(s->w);
    if (s->flags & URG)
        u8(s->urp);
    if (s->has_opt) {
        u8(s->opt);
        if (s->opt & 1u)
            u8(s->mss);
        if (s->opt & 2u)
            u8(s->ws);
        if (s->opt & 32u) {
            u8(s->mpos);
            u8(s->mval);
        }
    }
    if (s->has_data)
        u8(s->data);
    if (s->cut)
        u8(s->cut_at);
    if (s->ip && (s->x & 1u)) {
        u8(s->ipos);
        u8(s->ival);
    }
    if (s->ip && (s->x & 2u))
        u8(s->icut);
}

/* a segment from (src, sport) to (dst, dport), raw seq/ack */
static void raw(unsigned src, unsigned sport, unsigned dst, unsigned dport, unsigned flags,
                uint32_t seq, uint32_t ack, int v6)
{
    struct seg s;
    memset(&s, 0, sizeof s);
    s.src = src;
    s.sport = sport;
    s.dst = dst;
    s.dport = dport;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.v6 = v6;
    s.w = 16;
    seg_(&s);
}

/* the peer of the connection in `slot`: seq at RCV.NXT + ds, ack at SND.NXT + da */
static void peer(unsigned slot, unsigned flags, int ds, int da, unsigned data)
{
    struct seg s;
    memset(&s, 0, sizeof s);
    s.slot_mode = 1;
    s.slot = slot;
    s.flags = flags;
    s.smode = NXT;
    s.amode = SNDNXT;
    s.seq = (uint8_t)ds;
    s.ack = (uint8_t)da;
    s.w = 16;
    s.has_data = data != 0;
    s.data = data;
    seg_(&s);
}

static void user(unsigned op, unsigned handle) { u8(op); u8(handle); }
static void send_(unsigned handle, unsigned n8) { u8(SEND | 1u << 4); u8(handle); u8(n8); }
static void recv_(unsigned handle, unsigned cap) { u8(RECEIVE); u8(handle); u8(cap); }
static void clock_(unsigned t) { u8(CLOCK); u8(t); }
static void drain(void) { u8(DRAIN); }
static void loop(void) { u8(LOOP | 7u << 4); }
static void next(void) { u8(NEXT); }



/* The handshake to the listener in slot 0 from R0:1000 (SYN, SYN,ACK, ACK:
 * the connection in slot 1), data both ways, our close, the peer's FIN,
 * TIME-WAIT and its end. */
static void handshake_tail(int v6)
{
    raw(R0, P1000, L0, P80, SYN, 1000, 0, v6);
    drain();
    peer(1, ACK, 0, 0, 0);
    user(ACCEPT, RAW_SLOT(0));
    send_(RAW_SLOT(1), 4);
    drain();
    peer(1, ACK | PSH, 0, 0, 10);
    recv_(RAW_SLOT(1), 64);
    drain();
    user(STATUS, RAW_SLOT(1));
    user(CLOSE, RAW_SLOT(1));
    drain();
    peer(1, FIN | ACK, 0, 0, 0);
    drain();
    user(RELEASE, RAW_SLOT(1));
    clock_(0xF0);
}

int main(int argc, char **argv)
{
    struct seg s;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    gen_dir = argv[1];

    /* a handshake to each kind of listener */
    start(0, 0);
    listen_(0, 0, 2, 0);                /* *:80, any foreign socket */
    handshake_tail(0);
    gen_out("handshake-wildcard");

    start(0, 0);
    listen_(1, 1, 1, 0);                /* L0:80 from R0 */
    handshake_tail(0);
    gen_out("handshake-address-only");

    start(0, 0);
    listen_(1, 2, 3, 0);                /* L0:80 from R0:1000 */
    handshake_tail(0);
    gen_out("handshake-fully-specified");

    start(0, 0);
    listen_(3, 3, 2, 0);                /* [fd00::1]:80 from port 1000 */
    handshake_tail(1);
    gen_out("handshake-ipv6-port-only");

    /* the most specific listener wins (MUST-42) */
    start(0, 0);
    listen_(0, 0, 1, 0);
    listen_(1, 1, 1, 0);
    listen_(1, 2, 1, 0);
    listen_(1, 2, 1, 0);                /* the same again: refused */
    raw(R0, P1000, L0, P80, SYN, 1, 0, 0);
    raw(R0, P40000, L0, P80, SYN, 2, 0, 0);
    raw(R1, P1000, L0, P80, SYN, 3, 0, 0);
    raw(R1, P1000, L1, P80, SYN, 4, 0, 0);
    drain();
    gen_out("most-specific-listener");

    /* a full backlog drops the SYN */
    start(0, 0);
    listen_(1, 0, 1, 0);
    raw(R0, P1000, L0, P80, SYN, 100, 0, 0);
    raw(R0, P40000, L0, P80, SYN, 300, 0, 0);
    drain();
    peer(1, ACK, 0, 0, 0);
    raw(R0, P40001, L0, P80, SYN, 500, 0, 0);
    drain();
    gen_out("backlog-full");

    /* a full table: OPEN refused, a SYN dropped */
    start(0x20, 0);
    listen_(0, 0, 3, 0);
    connect_(L0, R0, 0, P40000, P80);
    connect_(L0, R0, 0, P40001, P80);
    connect_(L0, R1, 0, P40000, P80);
    connect_(L0, R1, 0, P40001, P80);
    raw(R2, P1000, L0, P80, SYN, 7, 0, 0);
    drain();
    gen_out("table-full");

    /* segments for no connection: RST replies, none for a RST */
    start(0, 0);
    raw(R0, P1000, L0, P65535, ACK, 500, 12345, 0);
    raw(R0, P1000, L0, P65535, SYN, 500, 0, 0);
    raw(R0, P1000, L0, P65535, RST, 500, 0, 0);
    raw(R0, P1000, L0, P65535, RST | ACK, 500, 7, 0);
    raw(R1, P0, L1, P0, FIN | PSH, 9, 0, 1);
    drain();
    gen_out("no-connection-rst");

    /* broadcast and multicast destinations and sources */
    start(0, 0);
    listen_(0, 0, 3, 0);
    raw(R0, P1000, BCAST, P80, SYN, 1, 0, 0);
    raw(R0, P1000, MCAST, P80, SYN, 1, 0, 0);
    raw(R0, P1000, MCAST, P80, SYN, 1, 0, 1);
    raw(MCAST, P1000, L0, P80, SYN, 1, 0, 0);
    raw(BCAST, P1000, L0, P80, SYN, 1, 0, 0);
    raw(MCAST, P1000, L0, P443, ACK, 1, 1, 1);
    connect_(L0, MCAST, 0, P40000, P80);
    drain();
    gen_out("broadcast-multicast");

    /* a bad checksum, a truncated header, damaged IP packets */
    start(0, 0);
    listen_(0, 0, 3, 0);
    memset(&s, 0, sizeof s);
    s.src = R0; s.sport = P1000; s.dst = L0; s.dport = P80; s.flags = SYN; s.seq = 77; s.w = 16;
    s.bad_ck = 1;
    seg_(&s);
    s.bad_ck = 0;
    s.cut = 1;
    s.cut_at = 13;
    seg_(&s);
    s.cut = 0;
    s.has_opt = 1;
    s.opt = 32;                         /* data offset 15 beyond the segment */
    s.mpos = 12;
    s.mval = 0xF0;
    seg_(&s);
    s.opt = 1 | 2 | 4 | 8 | 32;         /* an option length of 0 */
    s.mss = 100; s.ws = 7; s.mpos = 21; s.mval = 0;
    seg_(&s);
    s.has_opt = 0;
    s.ip = 1;
    s.x = 1;                            /* IPv4 TTL: header checksum */
    s.ipos = 8;
    s.ival = 3;
    seg_(&s);
    s.x = 2;
    s.icut = 30;
    seg_(&s);
    s.x = 1;
    s.v6 = 1;
    s.ipos = 6;                         /* next header: UDP */
    s.ival = 17;
    seg_(&s);
    s.pextra = 0x40;                    /* families differ */
    s.ip = 0;
    seg_(&s);
    drain();
    gen_out("bad-checksum-and-truncated");

    /* the host talks to itself: many connections, data, then release */
    start(0, 0);
    listen_(1, 0, 3, 0);                /* L0:80 (slot 0) */
    connect_(L0, L0, 0, P40000, P80);   /* slots 1 .. 3 */
    connect_(L0, L0, 0, P40001, P80);
    connect_(L1, L0, 0, P1000, P80);
    loop();
    loop();
    user(ACCEPT, RAW_SLOT(0));
    user(ACCEPT, RAW_SLOT(0));
    user(ACCEPT, RAW_SLOT(0));
    send_(RAW_SLOT(1), 20);
    send_(RAW_SLOT(2), 3);
    send_(RAW_SLOT(5), 7);
    loop();
    recv_(RAW_SLOT(4), 200);
    recv_(RAW_SLOT(5), 200);
    loop();
    for (unsigned i = 1; i <= 6; i++)
        user(CLOSE, RAW_SLOT(i));
    loop();
    loop();
    for (unsigned i = 0; i <= 6; i++)
        user(RELEASE, RAW_SLOT(i));
    loop();
    clock_(0xF0);
    gen_out("many-connections-then-release");

    /* TIME-WAIT (MSL 10 s) and its expiry, through the timers */
    start(0, 0x40);
    listen_(0, 0, 1, 0);                /* slot 0 */
    connect_(L0, L1, 0, P40000, P80);   /* slot 1; slot 2 is the server side */
    loop();
    user(ACCEPT, RAW_SLOT(0));
    user(CLOSE, RAW_SLOT(1));
    loop();
    user(CLOSE, RAW_SLOT(2));
    loop();
    user(RELEASE, RAW_SLOT(1));
    user(RELEASE, RAW_SLOT(2));
    next();
    next();
    next();
    gen_out("time-wait-expiry");

    /* the same with the default MSL, the clock moved by hand */
    start(0, 0);
    listen_(0, 0, 1, 0);
    connect_(L0, L1, 0, P40000, P80);
    loop();
    user(ACCEPT, RAW_SLOT(0));
    user(CLOSE, RAW_SLOT(2));           /* the server closes first */
    loop();
    user(CLOSE, RAW_SLOT(1));
    loop();
    user(RELEASE, RAW_SLOT(1));
    clock_(0xE8);
    clock_(0xE8);
    user(RELEASE, RAW_SLOT(2));
    clock_(0xF0);
    gen_out("time-wait-expiry-default-msl");

    /* TIME-WAIT reopened by a new SYN (MAY-2), both handles released */
    start(0x04, 0);
    listen_(0, 0, 2, 0);
    connect_(L0, L1, 0, P40000, P80);
    loop();
    user(ACCEPT, RAW_SLOT(0));
    user(CLOSE, RAW_SLOT(2));
    loop();
    user(CLOSE, RAW_SLOT(1));
    loop();
    user(RELEASE, RAW_SLOT(1));
    user(RELEASE, RAW_SLOT(2));
    clock_(0x5F);
    connect_(L0, L1, 0, P40000, P80);
    loop();
    loop();
    user(ACCEPT, RAW_SLOT(0));
    gen_out("time-wait-reopen");

    /* RFC 5961: in-window RSTs, a SYN and an ACK of the unsent, with a
     * budget of one challenge ACK a second */
    start(0x02, 0);
    listen_(1, 0, 2, 0);
    raw(R0, P1000, L0, P80, SYN, 1000, 0, 0);
    drain();
    peer(1, ACK, 0, 0, 0);
    peer(1, RST, 10, 0, 0);
    drain();
    peer(1, RST, 20, 0, 0);
    peer(1, SYN, 30, 0, 0);
    clock_(0x40);
    peer(1, ACK, 0, 100, 0);
    drain();
    peer(1, RST, 0, 0, 0);
    drain();
    gen_out("challenge-acks-limited");

    /* an active OPEN answered, and one that times out */
    start(0x00, 0x20);
    connect_(L0, R0, 0, P40000, P80);   /* slot 0 */
    connect_(L0, R1, 1, P40001, P443);  /* slot 1, IPv6 */
    drain();
    memset(&s, 0, sizeof s);
    s.slot_mode = 1; s.slot = 0; s.flags = SYN | ACK; s.smode = RAW; s.seq = 5000;
    s.amode = SNDNXT; s.ack = 0; s.w = 16;
    s.has_opt = 1; s.opt = 1 | 4; s.mss = 64;
    seg_(&s);
    drain();
    send_(RAW_SLOT(0), 100);
    for (int i = 0; i < 6; i++)
        next();
    gen_out("connect-and-timeout");

    /* a zero window: probes */
    start(0x00, 0x08);
    listen_(0, 0, 1, 0);
    raw(R0, P1000, L0, P80, SYN, 1000, 0, 0);
    drain();
    memset(&s, 0, sizeof s);
    s.slot_mode = 1; s.slot = 1; s.flags = ACK; s.smode = NXT; s.amode = SNDNXT; s.w = 0;
    seg_(&s);
    user(ACCEPT, RAW_SLOT(0));
    send_(RAW_SLOT(1), 50);
    for (int i = 0; i < 5; i++) {
        next();
        u8(DRAIN);
    }
    peer(1, ACK, 0, 0, 0);
    drain();
    gen_out("zero-window");

    /* a RST in SYN-RECEIVED frees the connection; urgent data; options */
    start(0x08, 0);
    listen_(0, 0, 1, 0);
    memset(&s, 0, sizeof s);
    s.src = R0; s.sport = P1000; s.dst = L0; s.dport = P80; s.flags = SYN; s.seq = 10; s.w = 255;
    s.has_opt = 1; s.opt = 1 | 2 | 4 | 8; s.mss = 180; s.ws = 3;
    seg_(&s);
    drain();
    peer(1, RST, 0, 0, 0);
    raw(R0, P1000, L0, P80, SYN, 20, 0, 0);
    drain();
    memset(&s, 0, sizeof s);
    s.slot_mode = 1; s.slot = 1; s.flags = ACK | URG | PSH; s.smode = NXT; s.amode = SNDNXT;
    s.w = 16; s.urp = 5; s.has_data = 1; s.data = 4;
    seg_(&s);
    user(ACCEPT, RAW_SLOT(0));
    recv_(RAW_SLOT(1), 3);
    recv_(RAW_SLOT(1), 100);
    user(ABORT, RAW_SLOT(1));
    drain();
    gen_out("syn-received-rst-and-urgent");

    /* simultaneous open: SYN to a SYN-SENT connection */
    start(0x00, 0);
    connect_(L0, R0, 0, P40000, P80);
    drain();
    memset(&s, 0, sizeof s);
    s.slot_mode = 1; s.slot = 0; s.flags = SYN; s.smode = RAW; s.seq = 9000; s.amode = ARAW;
    s.w = 16;
    seg_(&s);
    drain();
    peer(0, ACK, 0, 0, 0);
    drain();
    gen_out("simultaneous-open");

    /* whole IP packets, both families, looped back */
    start(0x00, 0);
    listen_(0, 0, 2, 0);
    listen_(3, 0, 2, 1);                /* [fd00::1]:443 */
    connect_(L1, L0, 0, P40000, P80);
    connect_(L1, L0, 1, P40000, P443);
    u8(LOOP | 0xF0);
    u8(LOOP | 0xF0);
    user(ACCEPT, RAW_SLOT(0));
    user(ACCEPT, RAW_SLOT(1));
    send_(RAW_SLOT(2), 10);
    u8(LOOP | 0xF0);
    u8(DRAIN | 0x80);
    gen_out("ip-packets-loopback");

    /* the end with handles still held, closed rather than aborted */
    start(0x80, 0);
    listen_(0, 0, 3, 0);
    connect_(L0, L0, 0, P40000, P80);
    connect_(L0, R0, 0, P40001, P80);
    loop();
    user(ACCEPT, RAW_SLOT(0));
    gen_out("end-with-handles-held");
    return 0;
}
