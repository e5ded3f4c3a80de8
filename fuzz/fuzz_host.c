/*
 * fuzz_host.c: the host layer (src/host) under adversarial traffic.  One
 * struct tcpsm_host with a small table of slots (4 or 8, small buffers),
 * listeners and active connections made by the input, segments to
 * and from chosen 4-tuples (wire bytes through tcpsm_host_input_segment,
 * or whole IPv4/IPv6 packets through tcpsm_host_input), user calls by
 * handle, a virtual clock, and the host's output drained (or looped back
 * into the host itself, which then talks to its own listeners).
 *
 * Input format (bytes past the end read as 0; at most MAX_STEPS steps):
 *
 *   byte 0  config: bits 0-1 challenge-ACK limit {1000, 0, 1, 3};
 *           bit 2 TIME-WAIT reopen (MAY-2); bits 3-4 SYN option style (3 = 0);
 *           bit 5 4 slots instead of 8; bit 6 small buffers (128, not 1024);
 *           bit 7 at the end, close (not abort) the connections still held
 *   byte 1  config: bit 0/1/2 RFC 5961 RST/SYN/ACK mitigation off; bit 3
 *           no user timeout; bit 4 Nagle off; bit 5 keep-alive on (short
 *           idle); bit 6 MSL 10 s (not 2 min); bit 7 R2 count 3
 *   then steps, each an opcode byte: low nibble the operation, high
 *   nibble `x` its variant:
 *     0 SEG      a TCP segment into tcpsm_host_input_segment (fields below)
 *     1 PKT      the same segment in an IP packet into tcpsm_host_input;
 *                x bit 0: then a byte P and V, set packet[P % len] = V;
 *                x bit 1: then a byte T, cut the packet to T % len octets
 *     2 LISTEN   byte a: bits 0-1 local {unspecified, L0, L1, L0 IPv6},
 *                bits 2-3 foreign {NULL, address R0 only, R0:1000, port
 *                1000 only}, bits 4-5 backlog (0..3; 0 is refused), bits
 *                6-7 port {80, 443, 22, 0}
 *     3 CONNECT  byte a: bits 0-2 local address, bits 3-5 remote address
 *                (table below), bit 6 IPv6; byte p: bits 0-2 local port,
 *                bits 3-5 remote port (table below)
 *     4 ACCEPT   byte l: a handle (see HANDLE)
 *     5 SEND     HANDLE, byte n: n*8 octets; x bit 0 PUSH, bit 1 URGENT
 *     6 RECEIVE  HANDLE, byte n: buffer of n octets
 *     7 CLOSE    HANDLE
 *     8 ABORT    HANDLE
 *     9 RELEASE  HANDLE
 *    10 STATUS   HANDLE
 *    11 CLOCK    byte t: now += ((t & 15) + 1) << 2 * (t >> 4) microseconds,
 *                then tcpsm_host_timer
 *    12 DRAIN    up to x (0: 64) segments out; x bit 3: as IP packets
 *    13 LOOP     up to 4 * x + 4 segments out, each given back to the host
 *    14 NEXT     now = the host's next deadline (if any), tcpsm_host_timer
 *    15 OPT      x 0: keep-alive on HANDLE; 1: Nagle off on HANDLE; 2:
 *                challenge limit = next byte; 3: toggle TIME-WAIT reopen;
 *                4: SYN options = next byte % 3
 *   HANDLE: one byte h: h bit 7 set: slot h & 15 (may be free, a listener,
 *   queued, released or beyond the table); else the (h % n)th handle the
 *   harness holds (slot h & 15 when it holds none).
 *
 *   Segment fields (SEG, PKT):
 *     A  bit 7 IPv6; bit 6 "slot mode": the 4-tuple is the reverse of slot
 *        (A & 7)'s connection (a listener's or free slot's unspecified parts
 *        become L0 / R0:1000); else bits 0-2 source and 3-5 destination
 *        address (table below)
 *     P  bits 0-2 source port, 3-5 destination port (ignored in slot
 *        mode); bit 6: source of the other family (refused); bit 7:
 *        source port + 1
 *     F  the control bits (FIN SYN RST PSH ACK URG ECE CWR)
 *     M  bits 0-1 SEQ {4 raw bytes, RCV.NXT + d, RCV.NXT + free receive buffer + d,
 *        IRS + d}; bits 2-3 ACK {4 raw bytes, SND.NXT + d, SND.UNA + d,
 *        SND.UNA - MAX.SND.WND + d}, d a signed byte, of the connection the
 *        4-tuple names (none: 0); bit 4 break the checksum; bit 5 a byte T:
 *        cut the segment to T % len octets; bit 6 options; bit 7 payload
 *     seq (1 or 4 bytes), ack (1 or 4 bytes, big-endian), W: window W*64
 *        (255: 65535), then if URG a byte: the urgent pointer
 *     if M bit 6: O: bit 0 MSS (a byte m: m*8), bit 1 window scale (a
 *        byte), bit 2 SACK-permitted, bit 3 timestamps, bit 4 a SACK block;
 *        bit 5 two bytes P, V: set header[P % hdrlen] = V (then the
 *        checksum is fixed up again unless M bit 4)
 *     if M bit 7: N: N*3 octets of text
 *     if M bit 5: T
 *
 *   Addresses (IPv4 / IPv6): 0 L0 10.0.0.1 / fd00::1, 1 L1 10.0.0.2 /
 *   fd00::2, 2 R0 10.0.0.9 / fd00::9, 3 R1 192.0.2.7 / 2001:db8::7, 4
 *   224.0.0.1 / ff02::1, 5 255.255.255.255 / ff05::2, 6 0.0.0.0 / ::, 7 R2
 *   10.0.0.10 / fd00::a.  Ports: 80 443 22 1000 40000 40001 0 65535.
 *
 * At the end every handle the harness holds is aborted (or closed) and
 * released, the clock runs through every deadline, and the table is
 * checked for leaks.
 *
 * -DFUZZ_HOST_TOLERATE turns off the three oracles that src/host fails
 * today (a RST to a multicast source from a listener; challenge ACKs of
 * SYN-RECEIVED beyond the per-second limit; a held TIME-WAIT handle freed
 * when a SYN reopens it), so that a campaign can look past them.
 *
 * Oracles (abort() when one fails), after every host call:
 * - tcpsm_host_in_use(h) <= the table size; tcpsm_conn_check passes for
 *   every used slot and for h->closed; every transition in a TCB's log is
 *   a row of spec/transitions.def; a listener's TCB is in LISTEN;
 * - handles: the slots in use, not queued and not released are exactly
 *   those the harness holds (a handle stays valid until released), and a
 *   held slot is still the connection it was;
 * - backlog: a listener's pending count is the number of its queued
 *   connections and never exceeds its backlog;
 * - counters: none decreases; an input raises seg_in by one and each other
 *   counter by at most one, rst_ignored only for a RST, syn_ignored and
 *   tw_reopened only for a SYN, challenge_limited only with the second's
 *   budget spent; nothing else raises anything but seg_out (one per
 *   segment written); challenge_acks rises by exactly what the TCBs
 *   counted (n_challenge_acks, and n_bad_ack_dropped with RFC 5961 5);
 *   within one of the host's seconds no more than the limit are sent;
 * - a segment refused as malformed, with a bad checksum or to a
 *   broadcast/multicast address changes no slot and no TCB;
 * - every segment written parses and verifies (tcpsm_wire_parse,
 *   tcpsm_wire_verify), its addresses are one family, and it goes neither
 *   from nor to a broadcast/multicast address (MUST-57, MUST-63:
 *   no segment from such a source is answered);
 * - at the end: what the host promises is that a released connection's
 *   slot is freed once it is CLOSED.  Listeners and connections that the
 *   harness released at the end after an ABORT must all be freed, as must
 *   everything in a state that a timer ends (SYN-SENT, SYN-RECEIVED,
 *   FIN-WAIT-1, CLOSING, LAST-ACK, TIME-WAIT).  The only slots allowed to
 *   stay are connections released in ESTABLISHED, CLOSE-WAIT or
 *   FIN-WAIT-2 with no timer running: without a peer or a user call
 *   nothing ends those (RFC 9293 has no FIN-WAIT-2 timer).
 */
#include <stdint.h>
#ifdef FUZZ_HOST_DEBUG
#include <stdio.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "tcpsm.h"
#include "tcpsm_host.h"
#include "fuzz/rows.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

#define NSLOT_MAX 8
#define MAX_STEPS 300
#define BUF_BIG 1024
#define BUF_SMALL 128

enum held_kind { H_NONE = 0, H_LISTENER, H_CONN };
enum call_kind { K_OTHER = 0, K_INPUT, K_OUTPUT };

static struct tcpsm_host h;
static struct tcpsm_host_slot slots[NSLOT_MAX], before[NSLOT_MAX];
static struct tcpsm_conn closed_before;
static uint8_t sbufs[NSLOT_MAX][BUF_BIG], rbufs[NSLOT_MAX][BUF_BIG];
static uint32_t nslot;
static uint64_t now;

static uint8_t held[NSLOT_MAX];
static uint64_t held_born[NSLOT_MAX];
static uint64_t released_born[NSLOT_MAX];   /* released during the run (not at the end) */
static uint64_t snap_born[NSLOT_MAX];
static uint32_t snap_ch[NSLOT_MAX], snap_bad[NSLOT_MAX];
static struct tcpsm_host_stats prev;
static uint64_t win_since, win_count;
static uint32_t win_limit;

static const uint8_t *in;
static size_t in_left;

static uint8_t next_byte(void)
{
    if (in_left == 0)
        return 0;
    in_left--;
    return *in++;
}

static uint32_t next_u32(void)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | next_byte();
    return v;
}

static const uint16_t ports[8] = { 80, 443, 22, 1000, 40000, 40001, 0, 65535 };

static struct tcpsm_addr addr_of(unsigned idx, bool v6)
{
    static const uint8_t a4[8][4] = {
        { 10, 0, 0, 1 }, { 10, 0, 0, 2 }, { 10, 0, 0, 9 }, { 192, 0, 2, 7 },
        { 224, 0, 0, 1 }, { 255, 255, 255, 255 }, { 0, 0, 0, 0 }, { 10, 0, 0, 10 } };
    static const uint8_t a6[8][3] = {   /* first two octets, last octet */
        { 0xfd, 0x00, 1 }, { 0xfd, 0x00, 2 }, { 0xfd, 0x00, 9 }, { 0x20, 0x01, 7 },
        { 0xff, 0x02, 1 }, { 0xff, 0x05, 2 }, { 0, 0, 0 }, { 0xfd, 0x00, 10 } };
    struct tcpsm_addr a;
    memset(&a, 0, sizeof a);
    idx &= 7u;
    if (v6) {
        a.family = TCPSM_AF_INET6;
        a.addr[0] = a6[idx][0];
        a.addr[1] = a6[idx][1];
        a.addr[15] = a6[idx][2];
        if (idx == 3) {
            a.addr[2] = 0x0d;
            a.addr[3] = 0xb8;
        }
    } else {
        a.family = TCPSM_AF_INET;
        memcpy(a.addr, a4[idx], 4);
    }
    return a;
}

/* ---- oracles ---------------------------------------------------------- */

static void check_log(const struct tcpsm_conn *c)
{
    for (unsigned i = 0; i < c->nlog && i < TCPSM_LOG_MAX; i++) {
        const struct tcpsm_step *s = &c->log[i];
        CHECK(s->row < tcpsm_nrows);
        CHECK(tcpsm_rows[s->row].from == s->from && tcpsm_rows[s->row].event == s->event
              && tcpsm_rows[s->row].to == s->to);
    }
}

#define STAT_FIELDS(X) X(seg_in) X(seg_bad) X(seg_not_unicast) X(syn_bad_source) \
    X(syn_backlog) X(syn_no_slot) X(no_conn) X(seg_out) X(challenge_acks) \
    X(challenge_limited) X(rst_ignored) X(syn_ignored) X(tw_reopened)

/* After every host call: `kind` says what it was; for an input, `flags`
 * are the control bits of the segment the host saw (0 if it did not
 * parse); for an output, `ok` says a segment was written. */
static void check_all(enum call_kind kind, uint8_t flags, bool ok)
{
    const struct tcpsm_host_stats *s = &h.stats;
    uint64_t counted = 0;
    uint32_t pending[NSLOT_MAX] = { 0 };

    CHECK(tcpsm_host_in_use(&h) <= nslot);
    CHECK(tcpsm_conn_check(&h.closed) == TCPSM_INV_OK);
    CHECK(h.closed.state == TCPSM_CLOSED);
    fuzz_note_rows(&h.closed);
    check_log(&h.closed);
    for (uint32_t i = 0; i < nslot; i++) {
        const struct tcpsm_host_slot *sl = &slots[i];
        const struct tcpsm_conn *c = &sl->conn;
        bool app;
        if (sl->born != 0) {
            /* the log of a slot freed by this call is the last word of its
             * connection: its rows count too */
            fuzz_note_rows(c);
            check_log(c);
            /* RFC 5961 counters the TCBs kept (a new connection in a slot
             * starts them from 0) */
            if (sl->born == snap_born[i])
                counted += (uint64_t)(c->n_challenge_acks - snap_ch[i])
                           + (h.cfg.rfc5961_ack ? c->n_bad_ack_dropped - snap_bad[i] : 0u);
            else
                counted += (uint64_t)c->n_challenge_acks
                           + (h.cfg.rfc5961_ack ? c->n_bad_ack_dropped : 0u);
            snap_born[i] = sl->born;
            snap_ch[i] = c->n_challenge_acks;
            snap_bad[i] = c->n_bad_ack_dropped;
        }
#ifdef FUZZ_HOST_TOLERATE
        if (held[i] != H_NONE && (sl->use == TCPSM_SLOT_FREE || sl->born != held_born[i]))
            held[i] = H_NONE;                   /* known: supersede() frees a held slot */
#endif
        if (sl->use == TCPSM_SLOT_FREE) {
            CHECK(held[i] == H_NONE);
            continue;
        }
        CHECK(sl->use == TCPSM_SLOT_LISTENER || sl->use == TCPSM_SLOT_CONN);
        CHECK(tcpsm_conn_check(c) == TCPSM_INV_OK);
        if (sl->use == TCPSM_SLOT_LISTENER) {
            CHECK(c->state == TCPSM_LISTEN);            /* MUST-41 */
            CHECK(!sl->queued && !sl->released);
        }
        if (sl->queued) {
            CHECK(sl->use == TCPSM_SLOT_CONN && !sl->released);
            CHECK(sl->parent < nslot && slots[sl->parent].use == TCPSM_SLOT_LISTENER);
            pending[sl->parent]++;
        }
        /* a handle is the application's from OPEN (or accept) to release */
        app = !sl->queued && !sl->released;
        CHECK(app == (held[i] != H_NONE));
        if (app) {
            CHECK(held_born[i] == sl->born);
            CHECK((held[i] == H_LISTENER) == (sl->use == TCPSM_SLOT_LISTENER));
        }
    }
    for (uint32_t i = 0; i < nslot; i++)
        if (slots[i].use == TCPSM_SLOT_LISTENER) {
            CHECK(slots[i].pending == pending[i]);
            CHECK(slots[i].pending <= slots[i].backlog);
        }

    /* the counters */
#define NODEC(f) CHECK(s->f >= prev.f);
    STAT_FIELDS(NODEC)
#undef NODEC
    if (kind == K_INPUT) {
        CHECK(s->seg_in == prev.seg_in + 1);
#define ATMOST1(f) CHECK(s->f - prev.f <= 1);
        STAT_FIELDS(ATMOST1)
#undef ATMOST1
        CHECK(s->seg_out == prev.seg_out);
        if (!(flags & TCPSM_RST))
            CHECK(s->rst_ignored == prev.rst_ignored);
        if (!(flags & TCPSM_SYN))
            CHECK(s->syn_ignored == prev.syn_ignored && s->tw_reopened == prev.tw_reopened);
        if (s->challenge_limited != prev.challenge_limited)
            CHECK(h.challenge_used >= h.challenge_limit);
    } else {
        struct tcpsm_host_stats t = *s;
        CHECK(s->seg_out == prev.seg_out + (kind == K_OUTPUT && ok ? 1u : 0u));
        t.seg_out = prev.seg_out;
        CHECK(memcmp(&t, &prev, sizeof t) == 0);
    }
    CHECK(s->challenge_acks - prev.challenge_acks == counted);
    /* RFC 5961 7: at most the limit in each of the host's seconds */
    if (h.challenge_since != win_since) {
        win_since = h.challenge_since;
        win_count = 0;
        win_limit = h.challenge_limit;
    }
    if (h.challenge_limit > win_limit)
        win_limit = h.challenge_limit;
    win_count += counted;
#ifndef FUZZ_HOST_TOLERATE
    CHECK(win_count <= win_limit);
#endif
    prev = *s;
}

/* A segment the host wrote. */
static void check_out(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                      const uint8_t *buf, size_t n)
{
    struct tcpsm_segment seg;
    const uint8_t *p;
    CHECK(tcpsm_wire_parse(buf, n, &seg, &p) == TCPSM_OK);
    CHECK(tcpsm_wire_verify(src, dst, buf, n) == TCPSM_OK);
    CHECK(src->family == dst->family
          && (src->family == TCPSM_AF_INET || src->family == TCPSM_AF_INET6));
#ifdef FUZZ_HOST_TOLERATE
    CHECK(!tcpsm_addr_is_multi(dst) || (seg.flags & TCPSM_RST));  /* known: listener's RST */
#else
    CHECK(!tcpsm_addr_is_multi(dst));
#endif
    CHECK(!tcpsm_addr_is_multi(src));
}

/* ---- segments --------------------------------------------------------- */

/* A used slot whose connection has exactly this 4-tuple (local = dst). */
static const struct tcpsm_conn *conn_for(const struct tcpsm_addr *src, uint16_t sport,
                                         const struct tcpsm_addr *dst, uint16_t dport)
{
    for (uint32_t i = 0; i < nslot; i++) {
        const struct tcpsm_conn *c = &slots[i].conn;
        if (slots[i].use == TCPSM_SLOT_CONN && c->local.port == dport && c->remote.port == sport
            && tcpsm_addr_eq(&c->local.ip, dst) && tcpsm_addr_eq(&c->remote.ip, src))
            return c;
    }
    return NULL;
}

/* Give the host one input (as a segment or an IP packet) and check. */
static void feed(const struct tcpsm_addr *src, const struct tcpsm_addr *dst, const uint8_t *tcp,
                 size_t n, const uint8_t *pkt, size_t pn)
{
    struct tcpsm_segment seg;
    const uint8_t *p;
    uint8_t flags = 0;
    enum tcpsm_err e;
    struct tcpsm_addr s2, d2;
    const uint8_t *t2;
    size_t n2;
    memcpy(before, slots, sizeof(struct tcpsm_host_slot) * nslot);
    closed_before = h.closed;
    if (pkt != NULL) {
        if (tcpsm_ip_parse(pkt, pn, &s2, &d2, &t2, &n2) == TCPSM_OK
            && tcpsm_wire_parse(t2, n2, &seg, &p) == TCPSM_OK)
            flags = seg.flags;
        e = tcpsm_host_input(&h, now, pkt, pn);
    } else {
        if (tcpsm_wire_parse(tcp, n, &seg, &p) == TCPSM_OK)
            flags = seg.flags;
        e = tcpsm_host_input_segment(&h, now, src, dst, tcp, n);
    }
    if (e != TCPSM_OK && (h.stats.seg_bad != prev.seg_bad
                          || h.stats.seg_not_unicast != prev.seg_not_unicast)) {
        /* dropped: nothing changed but the counters */
        CHECK(memcmp(before, slots, sizeof(struct tcpsm_host_slot) * nslot) == 0);
        CHECK(memcmp(&closed_before, &h.closed, sizeof closed_before) == 0);
    }
    check_all(K_INPUT, flags, false);
}

static void op_segment(bool as_ip, unsigned x)
{
    uint8_t a = next_byte(), pb = next_byte(), fl = next_byte(), m = next_byte();
    bool v6 = (a & 0x80u) != 0;
    struct tcpsm_addr src, dst;
    uint16_t sport, dport;
    const struct tcpsm_conn *c;
    struct tcpsm_segment seg;
    static uint8_t payload[800], wire[2200], pkt[2300];
    size_t n, pn = 0;
    uint32_t base;

    if (a & 0x40u) {
        const struct tcpsm_conn *sc = &slots[(a & 7u) % nslot].conn;
        src = sc->remote.ip;
        dst = sc->local.ip;
        if (dst.family != TCPSM_AF_INET && dst.family != TCPSM_AF_INET6)
            dst = addr_of(0, src.family == TCPSM_AF_INET6 ? true : v6);
        if (src.family != dst.family)
            src = addr_of(2, dst.family == TCPSM_AF_INET6);
        sport = sc->remote.port ? sc->remote.port : 1000;
        dport = sc->local.port ? sc->local.port : 80;
    } else {
        src = addr_of(a, v6);
        dst = addr_of(a >> 3, v6);
        sport = ports[pb & 7u];
        dport = ports[(pb >> 3) & 7u];
    }
    if (pb & 0x40u)
        src = addr_of(2, dst.family != TCPSM_AF_INET6);
    if (pb & 0x80u)
        sport++;
    c = conn_for(&src, sport, &dst, dport);
    if (c == NULL && (a & 0x40u))
        c = &slots[(a & 7u) % nslot].conn;

    memset(&seg, 0, sizeof seg);
    seg.src = src;
    seg.dst = dst;
    seg.sport = sport;
    seg.dport = dport;
    seg.flags = fl;
    switch (m & 3u) {
    case 0: seg.seq = next_u32(); break;
    case 1: base = c ? c->rcv_nxt : 0; seg.seq = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    case 2: base = c ? c->rcv_nxt + (c->rcap - c->rcount) : 0;
            seg.seq = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    default: base = c ? c->irs : 0; seg.seq = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    }
    switch ((m >> 2) & 3u) {
    case 0: seg.ack = next_u32(); break;
    case 1: base = c ? c->snd_nxt : 0; seg.ack = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    case 2: base = c ? c->snd_una : 0; seg.ack = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    default: base = c ? c->snd_una - c->max_snd_wnd : 0;
             seg.ack = base + (uint32_t)(int32_t)(int8_t)next_byte(); break;
    }
    {
        uint8_t w = next_byte();
        seg.wnd = w == 255 ? 65535u : (uint16_t)(w * 64u);
    }
    if (fl & TCPSM_URG)
        seg.urp = next_byte();
    {
        uint8_t o = 0, mp = 0, mv = 0;
        if (m & 0x40u) {
            o = next_byte();
            if (o & 1u) {
                seg.opt.has_mss = true;
                seg.opt.mss = (uint16_t)(next_byte() * 8u);
            }
            if (o & 2u) {
                seg.opt.has_wscale = true;
                seg.opt.wscale = next_byte();
            }
            seg.opt.sack_permitted = (o & 4u) != 0;
            if (o & 8u) {
                seg.opt.has_ts = true;
                seg.opt.ts_val = (uint32_t)now;
                seg.opt.ts_ecr = 7;
            }
            if (o & 16u) {
                seg.opt.nsack = 1;
                seg.opt.sack_left[0] = seg.ack + 10;
                seg.opt.sack_right[0] = seg.ack + 20;
            }
            if (o & 32u) {
                mp = next_byte();
                mv = next_byte();
            }
        }
        if (m & 0x80u) {
            seg.len = next_byte() * 3u;
            for (uint32_t i = 0; i < seg.len; i++)
                payload[i] = (uint8_t)('a' + i % 26u);
        }
        if (tcpsm_wire_write(&seg, payload, wire, sizeof wire, &n) != TCPSM_OK)
            return;     /* options that do not fit: nothing to send */
        if (o & 32u) {
            size_t hl = (size_t)(wire[12] >> 4) * 4u;
            uint16_t ck;
            if (hl < 20 || hl > n)
                hl = 20;
            wire[mp % hl] = mv;
            wire[16] = wire[17] = 0;
            ck = tcpsm_wire_checksum(&src, &dst, wire, n);
            wire[16] = (uint8_t)(ck >> 8);
            wire[17] = (uint8_t)ck;
        }
    }
    if (m & 0x10u)
        wire[16] ^= 0x5a;                       /* a broken checksum */
    if (m & 0x20u)
        n = next_byte() % n;                    /* a truncated segment */
    if (as_ip) {
        if (src.family != dst.family
            || tcpsm_ip_write(&src, &dst, wire, n, pkt, sizeof pkt, &pn) != TCPSM_OK)
            return;
        if (x & 1u) {
            uint8_t pos = next_byte(), val = next_byte();
            pkt[pos % pn] = val;
        }
        if (x & 2u)
            pn = next_byte() % pn;
        feed(NULL, NULL, NULL, 0, pkt, pn);
    } else {
        feed(&src, &dst, wire, n, NULL, 0);
    }
}

/* Drain up to max segments; loop: give each back to the host. */
static void drain(unsigned max, bool as_ip, bool loop)
{
    static uint8_t buf[2300];
    struct tcpsm_addr src, dst;
    size_t n;
    for (unsigned k = 0; k < max; k++) {
        enum tcpsm_err e;
        if (as_ip) {
            const uint8_t *t;
            size_t tl;
            e = tcpsm_host_output(&h, now, buf, sizeof buf, &n);
            check_all(K_OUTPUT, 0, e == TCPSM_OK);
            if (e != TCPSM_OK)
                return;
            CHECK(tcpsm_ip_parse(buf, n, &src, &dst, &t, &tl) == TCPSM_OK);
            check_out(&src, &dst, t, tl);
            if (loop)
                feed(NULL, NULL, NULL, 0, buf, n);
        } else {
            e = tcpsm_host_output_segment(&h, now, &src, &dst, buf, sizeof buf, &n);
            check_all(K_OUTPUT, 0, e == TCPSM_OK);
            if (e != TCPSM_OK)
                return;
            check_out(&src, &dst, buf, n);
            if (loop)
                feed(&src, &dst, buf, n, NULL, 0);
        }
    }
}

/* ---- user calls ------------------------------------------------------- */

static uint32_t pick_handle(void)
{
    uint8_t b = next_byte();
    uint32_t list[NSLOT_MAX], k = 0;
    if (!(b & 0x80u)) {
        for (uint32_t i = 0; i < nslot; i++)
            if (held[i] != H_NONE)
                list[k++] = i;
        if (k > 0)
            return list[b % k];
    }
    return b & 15u;
}

static void hold(uint32_t i, uint8_t kind)
{
    CHECK(i < nslot && held[i] == H_NONE);
    held[i] = kind;
    held_born[i] = slots[i].born;
}

static void op_listen(void)
{
    static const uint16_t lports[4] = { 80, 443, 22, 0 };
    uint8_t a = next_byte();
    struct tcpsm_endpoint local, remote;
    const struct tcpsm_endpoint *r = &remote;
    bool v6 = (a & 3u) == 3u;
    uint32_t handle;
    enum tcpsm_err e;
    memset(&local, 0, sizeof local);
    memset(&remote, 0, sizeof remote);
    if ((a & 3u) != 0)
        local.ip = addr_of((a & 3u) == 2u ? 1 : 0, v6);
    local.port = lports[a >> 6];
    switch ((a >> 2) & 3u) {
    case 0: r = NULL; break;
    case 1: remote.ip = addr_of(2, v6); break;
    case 2: remote.ip = addr_of(2, v6); remote.port = 1000; break;
    default: remote.port = 1000; break;
    }
    e = tcpsm_host_listen(&h, now, &local, r, (a >> 4) & 3u, &handle);
    if (e == TCPSM_OK)
        hold(handle, H_LISTENER);
    check_all(K_OTHER, 0, false);
}

static void op_connect(void)
{
    uint8_t a = next_byte(), p = next_byte();
    bool v6 = (a & 0x40u) != 0;
    struct tcpsm_endpoint local, remote;
    uint32_t handle;
    memset(&local, 0, sizeof local);
    memset(&remote, 0, sizeof remote);
    local.ip = addr_of(a, v6);
    remote.ip = addr_of(a >> 3, v6);
    local.port = ports[p & 7u];
    remote.port = ports[(p >> 3) & 7u];
    if (tcpsm_host_connect(&h, now, &local, &remote, &handle) == TCPSM_OK)
        hold(handle, H_CONN);
    check_all(K_OTHER, 0, false);
}

static void op_user(unsigned op, unsigned x)
{
    static uint8_t data[2048], rbuf[256];
    uint32_t handle = pick_handle(), got = 0, nacc;
    struct tcpsm_status st;
    unsigned rf;
    enum tcpsm_err e;
    bool mine = handle < nslot && held[handle] == H_CONN;
    switch (op) {
    case 4:
        e = tcpsm_host_accept(&h, handle, &nacc);
        if (e == TCPSM_OK) {
            CHECK(handle < nslot && held[handle] == H_LISTENER);
            CHECK(nacc < nslot && slots[nacc].parent == handle);
            CHECK(slots[nacc].conn.state >= TCPSM_ESTABLISHED);
            hold(nacc, H_CONN);
        }
        break;
    case 5: {
        uint32_t len = next_byte() * 8u;
        for (uint32_t i = 0; i < len; i++)
            data[i] = (uint8_t)i;
        e = tcpsm_host_send(&h, now, handle, data, len, x & 3u, &nacc);
        CHECK(e == TCPSM_ERR_NOT_EXIST || mine);
        break;
    }
    case 6:
        e = tcpsm_host_receive(&h, now, handle, rbuf, next_byte(), &got, &rf);
        CHECK(e == TCPSM_ERR_NOT_EXIST || mine);
        break;
    case 7:
        e = tcpsm_host_close(&h, now, handle);
        CHECK(e == TCPSM_ERR_NOT_EXIST || mine);
        break;
    case 8:
        e = tcpsm_host_abort(&h, now, handle);
        CHECK(e == TCPSM_ERR_NOT_EXIST || mine);
        break;
    case 9:
        e = tcpsm_host_release(&h, now, handle);
        if (e == TCPSM_OK) {
            CHECK(handle < nslot && held[handle] != H_NONE);
            if (held[handle] == H_CONN)
                released_born[handle] = held_born[handle];
            held[handle] = H_NONE;
        }
        break;
    default:
        e = tcpsm_host_status(&h, handle, &st);
        CHECK(e == TCPSM_ERR_NOT_EXIST || mine);
        if (e == TCPSM_OK)
            CHECK(st.state == slots[handle].conn.state);
        break;
    }
    check_all(K_OTHER, 0, false);
}

static void op_opt(unsigned x)
{
    struct tcpsm_conn *c;
    switch (x) {
    case 0:
    case 1:
        c = tcpsm_host_conn(&h, pick_handle());
        if (c != NULL && c->state != TCPSM_LISTEN) {
            if (x == 0)
                (void)tcpsm_set_keepalive(c, true);
            else
                (void)tcpsm_set_nagle(c, false);
        }
        break;
    case 2:
        tcpsm_host_set_challenge_limit(&h, next_byte());
        break;
    case 3:
        tcpsm_host_set_time_wait_reopen(&h, !h.tw_reopen);
        break;
    case 4:
        tcpsm_host_set_syn_options(&h, next_byte() % 3u);
        break;
    default:
        break;
    }
    check_all(K_OTHER, 0, false);
}

static void run_timer(void)
{
    CHECK(tcpsm_host_timer(&h, now) == TCPSM_OK);
    check_all(K_OTHER, 0, false);
}

/* ---- the end: give everything up, run the clock out, count the slots */

static void finish(bool close_mode)
{
    uint64_t end_released[NSLOT_MAX] = { 0 };
#ifdef FUZZ_HOST_DEBUG
    /* -DFUZZ_HOST_DEBUG: what an input did, for writing seeds */
    fprintf(stderr, "in=%llu bad=%llu mc=%llu badsrc=%llu backlog=%llu noslot=%llu noconn=%llu "
            "out=%llu ch=%llu lim=%llu rsti=%llu syni=%llu twr=%llu births=%llu\n",
            (unsigned long long)h.stats.seg_in, (unsigned long long)h.stats.seg_bad,
            (unsigned long long)h.stats.seg_not_unicast, (unsigned long long)h.stats.syn_bad_source,
            (unsigned long long)h.stats.syn_backlog, (unsigned long long)h.stats.syn_no_slot,
            (unsigned long long)h.stats.no_conn, (unsigned long long)h.stats.seg_out,
            (unsigned long long)h.stats.challenge_acks, (unsigned long long)h.stats.challenge_limited,
            (unsigned long long)h.stats.rst_ignored, (unsigned long long)h.stats.syn_ignored,
            (unsigned long long)h.stats.tw_reopened, (unsigned long long)h.births);
    for (uint32_t i = 0; i < nslot; i++)
        if (slots[i].use != TCPSM_SLOT_FREE)
            fprintf(stderr, "  slot %u use %u %s held %u queued %d\n", i, slots[i].use,
                    tcpsm_state_name(slots[i].conn.state), held[i], slots[i].queued);
#endif
    for (uint32_t i = 0; i < nslot; i++) {
        if (held[i] != H_CONN)
            continue;
        if (close_mode)
            (void)tcpsm_host_close(&h, now, i);
        else
            (void)tcpsm_host_abort(&h, now, i);
        check_all(K_OTHER, 0, false);
        CHECK(tcpsm_host_release(&h, now, i) == TCPSM_OK);
        end_released[i] = held_born[i];
        held[i] = H_NONE;
        check_all(K_OTHER, 0, false);
    }
    for (uint32_t i = 0; i < nslot; i++) {
        if (held[i] != H_LISTENER)
            continue;
        CHECK(tcpsm_host_release(&h, now, i) == TCPSM_OK);
        held[i] = H_NONE;
        check_all(K_OTHER, 0, false);
        CHECK(slots[i].use == TCPSM_SLOT_FREE);
    }
    {
        uint64_t start = now;
        uint64_t msl2 = 2u * (uint64_t)h.cfg.msl_us;
        int iter;
        for (iter = 0; iter < 2000; iter++) {
            uint64_t d;
            drain(64, false, false);
            d = tcpsm_host_next_deadline(&h);
            if (d == TCPSM_NEVER && now - start > msl2)
                break;
            if (d == TCPSM_NEVER)
                now = start + msl2 + 1;
            else
                now = d > now ? d : now + 1;
            run_timer();
        }
        CHECK(iter < 2000);     /* the timers end */
    }
    for (uint32_t i = 0; i < nslot; i++) {
        const struct tcpsm_host_slot *s = &slots[i];
        uint8_t st = s->conn.state;
        if (s->use == TCPSM_SLOT_FREE)
            continue;
        /* a connection nothing will end: released, synchronized, idle */
        CHECK(s->use == TCPSM_SLOT_CONN && s->released && !s->queued);
        CHECK(st == TCPSM_ESTABLISHED || st == TCPSM_CLOSE_WAIT || st == TCPSM_FIN_WAIT_2);
        CHECK(tcpsm_next_deadline(&s->conn) == TCPSM_NEVER);
        CHECK(s->born == released_born[i] || (close_mode && s->born == end_released[i]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[TCPSM_ISN_KEY_LEN] = "fuzz_host key!!";
    struct tcpsm_config cfg;
    uint8_t c0, c1;
    uint32_t cap;
    int steps;

    in = data;
    in_left = size;
    c0 = next_byte();
    c1 = next_byte();
    nslot = (c0 & 0x20u) ? 4u : NSLOT_MAX;
    cap = (c0 & 0x40u) ? BUF_SMALL : BUF_BIG;
    memset(slots, 0, sizeof slots);
    for (uint32_t i = 0; i < NSLOT_MAX; i++) {
        slots[i].sbuf = sbufs[i];
        slots[i].scap = cap;
        slots[i].rbuf = rbufs[i];
        slots[i].rcap = cap;
    }
    tcpsm_config_default(&cfg);
    cfg.rfc5961_rst = !(c1 & 1u);
    cfg.rfc5961_syn = !(c1 & 2u);
    cfg.rfc5961_ack = !(c1 & 4u);
    if (c1 & 8u)
        cfg.user_timeout_us = 0;
    if (c1 & 16u)
        cfg.nagle = false;
    if (c1 & 32u) {
        cfg.keepalive = true;
        cfg.keepalive_idle_us = 30000000u;
        cfg.keepalive_intvl_us = 5000000u;
        cfg.keepalive_count = 3;
    }
    if (c1 & 64u)
        cfg.msl_us = 10000000u;
    if (c1 & 128u)
        cfg.r2_count = 3;
    CHECK(tcpsm_host_init(&h, &cfg, slots, nslot, key) == TCPSM_OK);
    {
        static const uint32_t limits[4] = { TCPSM_HOST_CHALLENGE_LIMIT, 0, 1, 3 };
        tcpsm_host_set_challenge_limit(&h, limits[c0 & 3u]);
    }
    tcpsm_host_set_time_wait_reopen(&h, (c0 & 4u) != 0);
    tcpsm_host_set_syn_options(&h, ((c0 >> 3) & 3u) % 3u);

    now = 1000000;
    memset(held, 0, sizeof held);
    memset(held_born, 0, sizeof held_born);
    memset(released_born, 0, sizeof released_born);
    memset(snap_born, 0, sizeof snap_born);
    memset(snap_ch, 0, sizeof snap_ch);
    memset(snap_bad, 0, sizeof snap_bad);
    prev = h.stats;
    win_since = h.challenge_since;
    win_count = 0;
    win_limit = h.challenge_limit;

    for (steps = 0; steps < MAX_STEPS && in_left > 0; steps++) {
        uint8_t opb = next_byte();
        unsigned op = opb & 15u, x = opb >> 4;
        switch (op) {
        case 0: op_segment(false, x); break;
        case 1: op_segment(true, x); break;
        case 2: op_listen(); break;
        case 3: op_connect(); break;
        case 11: {
            uint8_t t = next_byte();
            now += (uint64_t)((t & 15u) + 1u) << (2u * (t >> 4));
            run_timer();
            break;
        }
        case 12: drain(x & 7u ? x & 7u : 64u, (x & 8u) != 0, false); break;
        case 13: drain(4u * (x & 7u) + 4u, (x & 8u) != 0, true); break;
        case 14: {
            uint64_t d = tcpsm_host_next_deadline(&h);
            if (d != TCPSM_NEVER && d > now)
                now = d;
            run_timer();
            break;
        }
        case 15: op_opt(x); break;
        default: op_user(op, x); break;
        }
    }
    finish((c0 & 0x80u) != 0);
    return 0;
}
