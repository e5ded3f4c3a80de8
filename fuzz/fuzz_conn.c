/*
 * fuzz_conn.c: one connection (struct tcpsm_conn) driven by a sequence of
 * steps decoded from the input: segments injected, user calls, the virtual
 * clock and its timers, output drained.  Every step is followed by the
 * oracles below; a violated one calls abort().
 *
 * Input format (bytes missing at the end read as 0; the run stops when the
 * input ends or after MAX_STEPS steps):
 *
 *   header, 4 bytes
 *     h0  configuration bits: 0x01 RFC 5961 mitigations off, 0x02 delack 0
 *         (ACK at once), 0x04 Nagle off, 0x08 keep-alive on, 0x10 keep-alive
 *         probes with a garbage octet, 0x20 IPv6 endpoints, 0x40 manual
 *         drain (output only on DRAIN steps), 0x80 RFC 6928 initial window
 *     h1  buffers: send capacity CAPS[h1 & 15], receive capacity CAPS[h1 >> 4]
 *     h2  bits 0-1 MSL {120 s, 1 s, 10 ms, 0}, bits 2-3 user timeout
 *         {300 s, none, 5 s, 1 s}, bits 4-5 R2 in retransmissions {0, 1, 3,
 *         8}, bits 6-7 our MSS {1460, 536, 100, 1}
 *     h3  bits 0-1 keep-alive idle {2 h, 10 s, 1 s, 75 s}, bits 2-3 probes
 *         {9, 1, 3, 2}, bits 4-5 initial RTO {1 s, 200 ms, 3 s, 100 ms}
 *         (with RTO.min 1 s but for 100 ms: RTO.min 100 ms), bits 6-7 the
 *         clock's start {1 s, 0, 2^32 us, 2^40 us}
 *
 *   steps: an op byte b, kind K = b & 15, argument A = b >> 4, operands:
 *     0  SEG    f s [raw32] k [raw32] w o l   a segment from fields:
 *               f flags; s/k the seq/ack: edge E = s >> 5, offset
 *               D = (s & 31) - 16, value EDGES[E] + D where EDGES is
 *               0 RCV.NXT, 1 RCV.NXT+RCV.WND, 2 SND.UNA, 3 SND.NXT, 4 ISS,
 *               5 IRS, 6 (RCV.NXT for seq, SND.UNA for ack) + 128 D,
 *               7 a raw big-endian 32-bit value (4 more bytes);
 *               w window (255: 65535, else w*w); o options: bits 0-1
 *               {none, MSS, odd (MSS 0 or 1 + window scale, SACK-permitted,
 *               timestamps), all (MSS + the others)}, bits 2-4 index of the
 *               MSS value, 0x20 compartment 1 (security mismatch), 0x40
 *               foreign, by bits 2-3: {destination port + 1, source port
 *               + 1, another source address, both addresses unspecified},
 *               0x80 urgent pointer 1 + 7 * (bits 2-4); l payload length
 *               code (LEN)
 *     1  QSEG   l                              flags QFLAGS[A], seq RCV.NXT,
 *               ack SND.NXT, window 65535, no options, payload LEN(l)
 *     2  OPEN passive  iss32                   A & 3: remote {unspecified,
 *               full, port only, address only}; A & 4: local address
 *               unspecified (port only)
 *     3  OPEN active   iss32                   A & 1: remote unspecified
 *               (refused); A & 4: local address unspecified
 *     4  SEND   l                              LEN(l) bytes; A & 1 PUSH, A & 2 URGENT
 *     5  RECEIVE                               up to A ? 13 A^2 : 65536 bytes
 *     6  CLOSE   7 ABORT   8 STATUS
 *     9  ADVANCE t                             the clock moves by
 *               ((t & 15) + 1) * 4^(t >> 4) us (1 us .. ~4.8 h), walking
 *               through the timer deadlines on the way (tcpsm_timer at each)
 *     10 JUMP                                  A + 1 times: to the next
 *               deadline (if any within 8 h), tcpsm_timer
 *     11 DRAIN                                 up to A segments (0: all)
 *     12 SET_ISS iss32
 *     13 SET    tcpsm_set_nagle(A & 1), tcpsm_set_keepalive(A & 2),
 *               A & 4: tcpsm_set_r2(1 s, 180 s), A & 8: tcpsm_set_r2(100 s, 180 s)
 *     14 ACK    ACK (A & 1: FIN, A & 2: PSH) with seq RCV.NXT, ack SND.NXT,
 *               window WINS[A >> 2] {65535, 0, 1, 1000}, no payload
 *     15 AGAIN  the last injected segment again, A + 1 times
 *   LEN(l) = l < 200 ? l : 200 + 50 (l - 200)    (0 .. 2950 octets)
 *
 * Payload octets are a function of their sequence number (PAT_RX), the
 * data the harness SENDs a function of its stream offset (PAT_TX), so both
 * directions can be checked for order and duplicates.
 *
 * Oracles, after every engine call:
 *  - tcpsm_conn_check(c) == TCPSM_INV_OK;
 *  - calls that record transitions (OPEN, SEND, RECEIVE, CLOSE, ABORT,
 *    tcpsm_timer, tcpsm_input when it returns TCPSM_OK) leave a log that is
 *    the predicate chain(c, 0, old state) of proofs/tcb.acsl: nlog <= 4,
 *    no entry and the state unchanged, or log[0].from == old state,
 *    log[i].from == log[i-1].to, log[nlog-1].to == state; every entry names
 *    a row of tcpsm_rows[] with the same from, event and to;
 *  - tcpsm_status, tcpsm_set_* and tcpsm_output leave the state and the log
 *    as they were (status: the whole TCB); STATUS answers NOT_EXIST in
 *    CLOSED and the state otherwise (its row is noted, as tcpsm run does);
 *  - tcpsm_input: TCPSM_OK or TCPSM_ERR_NOT_FOR_US, and on an error the TCB
 *    is unchanged; while synchronised before and after, the clauses
 *    snd_una_forward, rcv_nxt_forward and delivery of its contract;
 *  - tcpsm_output (contracts.h): TCPSM_OK or EMPTY, SND.UNA and the state
 *    kept, SND.NXT advances by at most len + 1 (none on EMPTY), the flight
 *    does not shrink, len <= cap and <= the send MSS; the segment
 *    serialises (tcpsm_wire_write), its checksum verifies, and it parses
 *    back to the same header, options and payload;
 *  - the octets RECEIVE returns are PAT_RX of IRS+1, IRS+2, ... in order,
 *    and the data octets output are PAT_TX of their stream offset (within
 *    what SEND accepted), unless keep-alive garbage octets are on.
 */
#include <stddef.h>
#include <stdint.h>
#ifdef FUZZ_CONN_TRACE
#include <stdio.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "tcpsm.h"
#include "fuzz/rows.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* a code the engine produced has a name of its own (table.c's "?" is for
 * values outside the enums) */
static bool named(const char *name)
{
    return name != NULL && strcmp(name, "?") != 0;
}

/* One libFuzzer feature per table row taken (libFuzzer's "extra counters"
 * section; an ordinary array elsewhere): rows that share the engine's code
 * paths (the same check in another state) still count as new coverage, so
 * the fuzzer keeps, and -merge=1 preserves, an input that takes a new row. */
#if defined(__linux__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((section("__libfuzzer_extra_counters"), used))
#endif
static uint8_t row_counters[256];

static void note_row(unsigned row)
{
    if (row < sizeof row_counters) {
        row_counters[row] = 1;
        fuzz_rows_seen[row] = 1;
    }
}

static void note_rows(const struct tcpsm_conn *tc)
{
    fuzz_note_rows(tc);
    for (unsigned i = 0; i < tc->nlog && i < TCPSM_LOG_MAX; i++)
        note_row(tc->log[i].row);
}

#define MAX_STEPS 64
#define DRAIN_MAX 512                   /* segments per drain */
#define TIMER_WALK_MAX 64               /* deadlines walked per ADVANCE */
#define JUMP_LIMIT (8ull * 3600u * 1000000u)

static const uint32_t CAPS[16] = { 4096, 0, 1, 16, 100, 536, 1000, 1460,
                                   2048, 2920, 4096, 8192, 16384, 65535, 300, 64 };
static const uint16_t MSSV[8] = { 1460, 536, 1, 0, 100, 65535, 1000, 4 };
static const uint8_t QFLAGS[16] = {
    TCPSM_ACK, TCPSM_SYN, TCPSM_SYN | TCPSM_ACK, TCPSM_FIN | TCPSM_ACK,
    TCPSM_RST, TCPSM_RST | TCPSM_ACK, TCPSM_ACK | TCPSM_PSH, TCPSM_FIN,
    TCPSM_ACK | TCPSM_URG, TCPSM_SYN | TCPSM_FIN, 0, TCPSM_FIN | TCPSM_ACK | TCPSM_PSH,
    TCPSM_SYN | TCPSM_ACK | TCPSM_FIN, TCPSM_RST | TCPSM_SYN, 0xFF, TCPSM_ACK | TCPSM_ECE | TCPSM_CWR
};
static const uint16_t WINS[4] = { 65535, 0, 1, 1000 };

/* the input */
static const uint8_t *in_p;
static size_t in_n;

static unsigned byte(void)
{
    if (in_n == 0)
        return 0;
    in_n--;
    return *in_p++;
}

static uint32_t u32(void)
{
    uint32_t v = byte();
    v = v << 8 | byte();
    v = v << 8 | byte();
    return v << 8 | byte();
}

/* the connection and what the harness knows about it */
static struct tcpsm_conn c;
static uint8_t sbuf[65536], rbuf[65536];
static uint64_t now;
static bool manual_drain, check_tx;
static struct tcpsm_endpoint local_ep, remote_ep;
static bool rx_valid;                   /* rx_seq is the next octet RECEIVE returns */
static uint32_t rx_seq;
static uint32_t tx_total;               /* octets SEND accepted since the stream began */
static struct tcpsm_segment last_seg;
static bool have_last;

static uint8_t outbuf[65536], wire[65536 + 64], tmp[70000], data[4096];

static inline uint8_t pat_rx(uint32_t s)
{
    return (uint8_t)((s * 0x9E3779B1u) >> 24);
}

static inline uint8_t pat_tx(uint32_t k)
{
    return (uint8_t)(((k * 0x85EBCA6Bu) >> 24) ^ 0x5Au);
}

static bool synced(unsigned s)
{
    return s >= TCPSM_ESTABLISHED && s <= TCPSM_TIME_WAIT;
}

/* ---- oracles ---- */

static void check_inv(void)
{
    CHECK(tcpsm_conn_check(&c) == TCPSM_INV_OK);
}

/* chain(c, 0, s0) of proofs/tcb.acsl, each entry a row of the table */
static void check_chain(unsigned s0)
{
    CHECK(c.nlog <= TCPSM_LOG_MAX);
    if (c.nlog == 0) {
        CHECK(c.state == s0);
        return;
    }
    CHECK(c.log[0].from == s0);
    CHECK(c.log[c.nlog - 1].to == c.state);
    for (unsigned i = 0; i < c.nlog; i++) {
        const struct tcpsm_step *st = &c.log[i];
        CHECK(st->row < tcpsm_nrows);
        CHECK(tcpsm_rows[st->row].from == st->from);
        CHECK(tcpsm_rows[st->row].to == st->to);
        CHECK(tcpsm_rows[st->row].event == st->event);
        CHECK(named(tcpsm_event_name(st->event)) && named(tcpsm_state_name(st->to))
              && named(tcpsm_action_name(tcpsm_rows[st->row].action)));
        if (i > 0)
            CHECK(st->from == c.log[i - 1].to);
    }
}

/* the streams restart when the TCB is deleted or goes back to LISTEN */
static void track_streams(void)
{
    for (unsigned i = 0; i < c.nlog && i < TCPSM_LOG_MAX; i++)
        if (c.log[i].to == TCPSM_CLOSED || c.log[i].to == TCPSM_LISTEN) {
            rx_valid = false;
            tx_total = 0;
        }
    if (!rx_valid && c.state >= TCPSM_SYN_RECEIVED) {
        rx_valid = true;
        rx_seq = c.irs + 1u;
    }
}

/* after a call that records its transitions */
static void after_logged(unsigned s0)
{
    note_rows(&c);
    check_inv();
    check_chain(s0);
    track_streams();
}

struct snap {
    uint8_t state, nlog;
    struct tcpsm_step log[TCPSM_LOG_MAX];
};

static void snap_take(struct snap *s)
{
    s->state = c.state;
    s->nlog = c.nlog;
    memcpy(s->log, c.log, sizeof s->log);
}

/* after a call that must not change the state or the log */
static void after_unlogged(const struct snap *s)
{
    note_rows(&c);
    check_inv();
    CHECK(c.state == s->state && c.nlog == s->nlog);
    CHECK(memcmp(c.log, s->log, sizeof s->log) == 0);
}

/* ---- output ---- */

static void check_wire(const struct tcpsm_segment *out, const uint8_t *payload)
{
    struct tcpsm_segment back, filled = *out;
    const struct tcpsm_segment *seg = &filled;
    const uint8_t *bp;
    size_t n;
    /* an unspecified local or foreign address (a TCB opened on a wildcard,
     * a reply to a segment whose addresses were not given) is the IP
     * layer's to fill */
    if (filled.src.family != filled.dst.family) {
        if (filled.src.family == TCPSM_AF_UNSPEC)
            filled.src = filled.dst.family == local_ep.ip.family ? local_ep.ip : remote_ep.ip;
        if (filled.dst.family == TCPSM_AF_UNSPEC)
            filled.dst = filled.src.family == remote_ep.ip.family ? remote_ep.ip : local_ep.ip;
    }
    CHECK(tcpsm_wire_write(seg, payload, wire, sizeof wire, &n) == TCPSM_OK);
    if (seg->src.family != TCPSM_AF_UNSPEC)
        CHECK(tcpsm_wire_verify(&seg->src, &seg->dst, wire, n) == TCPSM_OK);
    CHECK(tcpsm_wire_parse(wire, n, &back, &bp) == TCPSM_OK);
    CHECK(back.sport == seg->sport && back.dport == seg->dport);
    CHECK(back.seq == seg->seq && back.ack == seg->ack);
    CHECK(back.flags == seg->flags && back.wnd == seg->wnd && back.urp == seg->urp);
    CHECK(back.len == seg->len);
    CHECK(back.opt.has_mss == seg->opt.has_mss);
    if (seg->opt.has_mss)
        CHECK(back.opt.mss == seg->opt.mss);
    CHECK(back.opt.has_wscale == seg->opt.has_wscale);
    if (seg->opt.has_wscale)
        CHECK(back.opt.wscale == seg->opt.wscale);
    CHECK(back.opt.sack_permitted == seg->opt.sack_permitted);
    CHECK(back.opt.has_ts == seg->opt.has_ts);
    if (seg->opt.has_ts)
        CHECK(back.opt.ts_val == seg->opt.ts_val && back.opt.ts_ecr == seg->opt.ts_ecr);
    CHECK(back.opt.nsack == seg->opt.nsack);
    CHECK(back.opt.nunknown == 0);
    if (seg->len > 0)
        CHECK(bp != NULL && memcmp(bp, payload, seg->len) == 0);
}

/* one tcpsm_output; false when it had nothing */
static bool output_one(void)
{
    struct tcpsm_segment seg;
    struct snap s;
    uint32_t una0 = c.snd_una, nxt0 = c.snd_nxt;
    enum tcpsm_err e;
    snap_take(&s);
    e = tcpsm_output(&c, now, &seg, outbuf, sizeof outbuf);
    after_unlogged(&s);
    CHECK(e == TCPSM_OK || e == TCPSM_ERR_EMPTY);
    CHECK(named(tcpsm_err_name(e)));
    CHECK(c.snd_una == una0);
    CHECK(c.snd_nxt - una0 >= nxt0 - una0);          /* the flight does not shrink */
    if (e != TCPSM_OK) {
        CHECK(c.snd_nxt == nxt0);
        return false;
    }
    CHECK(c.snd_nxt - nxt0 <= seg.len + 1u);
    CHECK(seg.len <= sizeof outbuf && seg.len <= c.snd_mss);
    check_wire(&seg, outbuf);
    CHECK(seg.compartment == c.compartment);
    if (!(seg.flags & TCPSM_RST)) {
        /* the TCB's own segments: from its sockets, never from CLOSED or
         * LISTEN, ACK = RCV.NXT once synchronised, and within
         * [SND.UNA - 1 (keep-alive probe), SND.NXT] */
        uint32_t seglen = seg.len + ((seg.flags & TCPSM_SYN) ? 1u : 0u)
                          + ((seg.flags & TCPSM_FIN) ? 1u : 0u);
        CHECK(c.state != TCPSM_CLOSED && c.state != TCPSM_LISTEN);
        CHECK(seg.sport == c.local.port && seg.dport == c.remote.port);
        if (c.state != TCPSM_SYN_SENT)
            CHECK((seg.flags & TCPSM_ACK) && seg.ack == c.rcv_nxt);
        CHECK(seg.seq - (c.snd_una - 1u) <= c.snd_nxt - (c.snd_una - 1u));
        CHECK(c.snd_nxt - seg.seq >= seglen);
    }
    /* our data octets, by their stream offset */
    if (check_tx && seg.len > 0 && !(seg.flags & TCPSM_RST)) {
        uint32_t first = seg.seq + ((seg.flags & TCPSM_SYN) ? 1u : 0u);
        uint32_t k = first - (c.iss + 1u);
        CHECK(k < tx_total && tx_total - k >= seg.len);
        for (uint32_t i = 0; i < seg.len; i++)
            CHECK(outbuf[i] == pat_tx(k + i));
    }
    return true;
}

static void drain(unsigned max)
{
    for (unsigned i = 0; i < max; i++)
        if (!output_one())
            break;
}

static void autodrain(void)
{
    if (!manual_drain)
        drain(DRAIN_MAX);
}

/* ---- engine calls ---- */

static uint32_t rcv_wnd(void)
{
    struct tcpsm_status st;
    if (tcpsm_status(&c, &st) != TCPSM_OK)
        return 0;
    return st.rcv_wnd;
}

static void do_input(const struct tcpsm_segment *seg, const uint8_t *payload)
{
    static struct tcpsm_conn before;
    unsigned s0 = c.state;
    enum tcpsm_err e;
    memcpy(&before, &c, sizeof c);
    e = tcpsm_input(&c, now, seg, payload);
    CHECK(e == TCPSM_OK || e == TCPSM_ERR_NOT_FOR_US);
    CHECK(named(tcpsm_err_name(e)));
    if (e != TCPSM_OK) {
        note_rows(&c);
        check_inv();
        CHECK(memcmp(&before, &c, sizeof c) == 0);
        return;
    }
    after_logged(s0);
    /* tcpsm_input's contract while synchronised before and after */
    if (synced(s0) && synced(c.state)) {
        CHECK(c.snd_nxt == before.snd_nxt);
        CHECK(c.snd_una - before.snd_una <= c.snd_nxt - before.snd_una);
        CHECK((uint64_t)(c.rcv_nxt - before.rcv_nxt)
              <= (uint64_t)before.rcap - before.rcount + 1u);
        if (!before.fin_rcvd)
            CHECK((int64_t)c.rcount + (c.fin_rcvd ? 1 : 0) - (int64_t)before.rcount
                  == (int64_t)(uint32_t)(c.rcv_nxt - before.rcv_nxt));
    }
}

static void inject(struct tcpsm_segment *seg)
{
    uint32_t first = seg->seq + ((seg->flags & TCPSM_SYN) ? 1u : 0u);
    for (uint32_t i = 0; i < seg->len; i++)
        tmp[i] = pat_rx(first + i);
    last_seg = *seg;
    have_last = true;
    do_input(seg, seg->len ? tmp : NULL);
}

static void seg_base(struct tcpsm_segment *seg)
{
    memset(seg, 0, sizeof *seg);
    seg->src = remote_ep.ip;
    seg->dst = local_ep.ip;
    seg->sport = remote_ep.port;
    seg->dport = local_ep.port;
}

static uint32_t len_code(unsigned l)
{
    return l < 200 ? l : 200u + 50u * (l - 200u);
}

static uint32_t edge(bool is_ack)
{
    unsigned s = byte();
    int32_t d = (int32_t)(s & 31u) - 16;
    uint32_t v = 0;
    switch (s >> 5) {
    case 0: v = c.rcv_nxt; break;
    case 1: v = c.rcv_nxt + rcv_wnd(); break;
    case 2: v = c.snd_una; break;
    case 3: v = c.snd_nxt; break;
    case 4: v = c.iss; break;
    case 5: v = c.irs; break;
    case 6: return (is_ack ? c.snd_una : c.rcv_nxt) + (uint32_t)(d * 128);
    default: return u32();
    }
    return v + (uint32_t)d;
}

static void step_seg(void)
{
    struct tcpsm_segment seg;
    unsigned w, o;
    seg_base(&seg);
    seg.flags = (uint8_t)byte();
    seg.seq = edge(false);
    seg.ack = edge(true);
    w = byte();
    seg.wnd = (uint16_t)(w == 255 ? 65535u : w * w);
    o = byte();
    switch (o & 3u) {
    case 1:
        seg.opt.has_mss = true;
        seg.opt.mss = MSSV[(o >> 2) & 7u];
        break;
    case 2:
        seg.opt.has_mss = true;
        seg.opt.mss = (o >> 2) & 1u;
        /* fall through */
    case 3:
        if ((o & 3u) == 3u) {
            seg.opt.has_mss = true;
            seg.opt.mss = MSSV[(o >> 2) & 7u];
        }
        seg.opt.has_wscale = true;
        seg.opt.wscale = 14;
        seg.opt.sack_permitted = true;
        seg.opt.has_ts = true;
        seg.opt.ts_val = 12345;
        break;
    default:
        break;
    }
    if (o & 0x20u)
        seg.compartment = 1;
    if (o & 0x40u) {
        switch ((o >> 2) & 3u) {
        case 0: seg.dport = (uint16_t)(seg.dport + 1u); break;
        case 1: seg.sport = (uint16_t)(seg.sport + 1u); break;
        case 2: seg.src.addr[15 - (seg.src.family == TCPSM_AF_INET ? 12 : 0)]++; break;
        default: memset(&seg.src, 0, sizeof seg.src); memset(&seg.dst, 0, sizeof seg.dst); break;
        }
    }
    if (o & 0x80u)
        seg.urp = (uint16_t)(1u + 7u * ((o >> 2) & 7u));
    seg.len = len_code(byte());
    inject(&seg);
}

static void step_qseg(unsigned a)
{
    struct tcpsm_segment seg;
    seg_base(&seg);
    seg.flags = QFLAGS[a];
    seg.seq = c.rcv_nxt;
    seg.ack = c.snd_nxt;
    seg.wnd = 65535;
    if (seg.flags & TCPSM_URG)
        seg.urp = 1;
    seg.len = len_code(byte());
    inject(&seg);
}

static void step_ack(unsigned a)
{
    struct tcpsm_segment seg;
    seg_base(&seg);
    seg.flags = (uint8_t)(TCPSM_ACK | ((a & 1u) ? TCPSM_FIN : 0u) | ((a & 2u) ? TCPSM_PSH : 0u));
    seg.seq = c.rcv_nxt;
    seg.ack = c.snd_nxt;
    seg.wnd = WINS[a >> 2];
    inject(&seg);
}

static void step_open(bool active, unsigned a)
{
    struct tcpsm_open o;
    unsigned s0 = c.state;
    memset(&o, 0, sizeof o);
    o.active = active;
    o.local = local_ep;
    if (a & 4u)
        memset(&o.local.ip, 0, sizeof o.local.ip);
    o.iss = u32();
    if (active) {
        if (!(a & 1u))
            o.remote = remote_ep;
    } else if ((a & 3u) == 1u) {
        o.remote = remote_ep;
    } else if ((a & 3u) == 2u) {
        o.remote.port = remote_ep.port;
    } else if ((a & 3u) == 3u) {
        o.remote.ip = remote_ep.ip;
    }
    CHECK(named(tcpsm_err_name(tcpsm_open(&c, now, &o))));
    after_logged(s0);
}

static void step_send(unsigned a)
{
    uint32_t len = len_code(byte()), acc = 0;
    unsigned s0 = c.state;
    enum tcpsm_err e;
    if (len > sizeof data)
        len = sizeof data;
    for (uint32_t i = 0; i < len; i++)
        data[i] = pat_tx(tx_total + i);
    e = tcpsm_send(&c, now, data, len, ((a & 1u) ? TCPSM_SEND_PUSH : 0u)
                                           | ((a & 2u) ? TCPSM_SEND_URGENT : 0u), &acc);
    CHECK(acc <= len);
    CHECK(e == TCPSM_OK || acc == 0);
    CHECK(named(tcpsm_err_name(e)));
    after_logged(s0);
    tx_total += acc;
}

static void step_receive(unsigned a)
{
    uint32_t cap = a ? 13u * a * a : sizeof tmp, got = 0;
    unsigned s0 = c.state, fl = 0;
    CHECK(named(tcpsm_err_name(tcpsm_receive(&c, now, tmp, cap, &got, &fl))));
    CHECK(got <= cap);
    if (got > 0) {
        CHECK(rx_valid);
        for (uint32_t i = 0; i < got; i++)
            CHECK(tmp[i] == pat_rx(rx_seq + i));
        rx_seq += got;
    }
    after_logged(s0);
}

static void step_status(void)
{
    static struct tcpsm_conn before;
    struct tcpsm_status st;
    enum tcpsm_err e;
    int row;
    memcpy(&before, &c, sizeof c);
    e = tcpsm_status(&c, &st);
    CHECK(memcmp(&before, &c, sizeof c) == 0);
    note_rows(&c);
    check_inv();
    if (c.state == TCPSM_CLOSED)
        CHECK(e == TCPSM_ERR_NOT_EXIST);
    else
        CHECK(e == TCPSM_OK && st.state == c.state && st.snd_una == c.snd_una
              && st.snd_nxt == c.snd_nxt && st.rcv_nxt == c.rcv_nxt);
    /* STATUS never logs: its row is the one for this state, as tcpsm run counts it */
    row = tcpsm_row_find(c.state, TCPSM_EV_STATUS);
    CHECK(row >= 0);
    note_row((unsigned)row);
}

static void run_timer(void)
{
    unsigned s0 = c.state;
    CHECK(named(tcpsm_err_name(tcpsm_timer(&c, now))));
    after_logged(s0);
    autodrain();
}

/* move the clock to `target`, stopping at every deadline on the way */
static void advance_to(uint64_t target)
{
    for (unsigned i = 0; i < TIMER_WALK_MAX; i++) {
        uint64_t d = tcpsm_next_deadline(&c);
        if (d == TCPSM_NEVER || d > target)
            break;
        if (d > now)
            now = d;
        run_timer();
    }
    if (target > now)
        now = target;
    if (tcpsm_next_deadline(&c) <= now)
        run_timer();
}

static void step_advance(void)
{
    unsigned t = byte();
    uint64_t delta = (uint64_t)((t & 15u) + 1u) << (2u * (t >> 4));
    advance_to(now + delta);
}

static void step_jump(unsigned a)
{
    for (unsigned i = 0; i <= a; i++) {
        uint64_t d = tcpsm_next_deadline(&c);
        if (d == TCPSM_NEVER || (d > now && d - now > JUMP_LIMIT))
            break;
        if (d > now)
            now = d;
        run_timer();
    }
}

static void step_set(unsigned a)
{
    struct snap s;
    snap_take(&s);
    CHECK(tcpsm_set_nagle(&c, (a & 1u) != 0) == TCPSM_OK);
    after_unlogged(&s);
    CHECK(tcpsm_set_keepalive(&c, (a & 2u) != 0) == TCPSM_OK);
    after_unlogged(&s);
    if (a & 4u) {
        CHECK(tcpsm_set_r2(&c, 1000000u, 180000000u) == TCPSM_OK);
        after_unlogged(&s);
    }
    if (a & 8u) {
        CHECK(tcpsm_set_r2(&c, 100000000u, 180000000u) == TCPSM_OK);
        after_unlogged(&s);
    }
}

static void step_set_iss(void)
{
    struct snap s;
    uint32_t iss = u32();
    bool unbound = c.state == TCPSM_CLOSED || c.state == TCPSM_LISTEN;
    enum tcpsm_err e;
    snap_take(&s);
    e = tcpsm_set_iss(&c, iss);
    after_unlogged(&s);
    CHECK(unbound ? (e == TCPSM_OK && c.iss == iss) : e == TCPSM_ERR_EXISTS);
}

/* ---- misuse: calls with bad arguments ---- */

/* each call refuses with TCPSM_ERR_INVAL (a status query of a NULL or
 * out-of-range TCB too) and leaves the TCB byte-identical */
static void step_misuse(unsigned a)
{
    static struct tcpsm_conn before, bad;
    struct tcpsm_open o = { 0 };
    struct tcpsm_segment seg;
    struct tcpsm_status st;
    uint32_t got = 0, acc = 0;
    unsigned fl = 0;
    memcpy(&before, &c, sizeof c);
    o.active = (a & 1u) != 0;
    o.local = local_ep;
    o.remote = remote_ep;
    o.local.port = 0;                               /* no local port */
    CHECK(tcpsm_open(&c, now, &o) == TCPSM_ERR_INVAL);
    o.local = local_ep;
    o.remote.ip.family = local_ep.ip.family == TCPSM_AF_INET ? TCPSM_AF_INET6 : TCPSM_AF_INET;
    CHECK(tcpsm_open(&c, now, &o) == TCPSM_ERR_INVAL);   /* IPv4 to IPv6 */
    CHECK(tcpsm_open(&c, now, NULL) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_send(&c, now, NULL, 1u + a, 0, &acc) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_receive(&c, now, tmp, 1u + a, NULL, &fl) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_receive(&c, now, NULL, 1u + a, &got, &fl) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_status(&c, NULL) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_output(&c, now, NULL, outbuf, sizeof outbuf) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_output(&c, now, &seg, NULL, 1u + a) == TCPSM_ERR_INVAL);
    if (have_last) {
        seg = last_seg;
        if (seg.len == 0)
            seg.len = a;
        CHECK(tcpsm_input(&c, now, &seg, NULL) == TCPSM_ERR_INVAL);   /* text, no octets */
        seg.len = 0x10000u + a;                     /* longer than an IP datagram allows */
        CHECK(tcpsm_input(&c, now, &seg, tmp) == TCPSM_ERR_INVAL);
    }
    CHECK(memcmp(&before, &c, sizeof c) == 0);
    /* no TCB, or one whose state is out of range: every call refuses */
    memcpy(&bad, &c, sizeof c);
    bad.state = (uint8_t)(TCPSM_NSTATES + a - 1u);
    CHECK(tcpsm_conn_check(&bad) == TCPSM_INV_STATE && tcpsm_conn_check(NULL) == TCPSM_INV_NULL);
    for (int k = 0; k < 2; k++) {
        struct tcpsm_conn *p = k ? &bad : NULL;
        o.remote = remote_ep;
        CHECK(tcpsm_open(p, now, &o) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_send(p, now, data, 1, 0, &acc) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_receive(p, now, tmp, 1, &got, &fl) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_close(p, now) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_abort(p, now) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_status(p, &st) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_timer(p, now) == TCPSM_ERR_INVAL);
        CHECK(tcpsm_output(p, now, &seg, outbuf, sizeof outbuf) == TCPSM_ERR_INVAL);
        if (have_last)
            CHECK(tcpsm_input(p, now, &last_seg, tmp) == TCPSM_ERR_INVAL);
    }
    CHECK(tcpsm_set_nagle(NULL, true) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_set_keepalive(NULL, true) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_set_r2(NULL, 1, 0) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_set_r2(&c, 1, 179999999u) == TCPSM_ERR_INVAL);     /* MUST-23 */
    CHECK(tcpsm_set_iss(NULL, 1) == TCPSM_ERR_INVAL);
    CHECK(tcpsm_next_deadline(NULL) == TCPSM_NEVER);
    CHECK(bad.state == TCPSM_NSTATES + a - 1u);
    CHECK(memcmp(&before, &c, sizeof c) == 0);
}

/* ---- damage: tcpsm_conn_check against a corrupted TCB ---- */

enum { FK_BOOL, FK_U8, FK_U16, FK_U32, FK_U64 };
struct field {
    uint16_t off;
    uint8_t kind;
};
#define FLD(m, k) { (uint16_t)offsetof(struct tcpsm_conn, m), k }
/* every field the invariant or the engine reads, but for the buffer
 * pointers and capacities (which say what memory is there) */
static const struct field FIELDS[] = {
    FLD(state, FK_U8), FLD(iss, FK_U32), FLD(snd_una, FK_U32), FLD(snd_nxt, FK_U32),
    FLD(snd_wnd, FK_U32), FLD(snd_wl1, FK_U32), FLD(snd_wl2, FK_U32), FLD(snd_up, FK_U32),
    FLD(max_snd_wnd, FK_U32), FLD(snd_mss, FK_U16), FLD(snd_urg, FK_BOOL),
    FLD(snd_psh, FK_BOOL), FLD(snd_psh_seq, FK_U32), FLD(irs, FK_U32), FLD(rcv_nxt, FK_U32),
    FLD(rcv_up, FK_U32), FLD(rcv_urg, FK_BOOL), FLD(rcv_urg_signalled, FK_BOOL),
    FLD(syn_acked, FK_BOOL), FLD(syn_unsent, FK_BOOL), FLD(fin_queued, FK_BOOL),
    FLD(fin_sent, FK_BOOL), FLD(fin_acked, FK_BOOL), FLD(fin_rcvd, FK_BOOL),
    FLD(close_deferred, FK_BOOL), FLD(ack_now, FK_BOOL), FLD(rtx_pending, FK_BOOL),
    FLD(shead, FK_U32), FLD(scount, FK_U32), FLD(rhead, FK_U32), FLD(rcount, FK_U32),
    FLD(rpush, FK_U32), FLD(ooo[0].off, FK_U32), FLD(ooo[0].len, FK_U32),
    FLD(ooo[1].off, FK_U32), FLD(ooo[1].len, FK_U32), FLD(nooo, FK_U8), FLD(ooo_fin, FK_BOOL),
    FLD(ooo_fin_off, FK_U32), FLD(ooo_psh, FK_BOOL), FLD(ooo_psh_off, FK_U32),
    FLD(t_rtx, FK_U64), FLD(t_user, FK_U64), FLD(t_2msl, FK_U64), FLD(rto_us, FK_U32),
    FLD(rtx_count, FK_U32), FLD(nreply, FK_U8), FLD(nlog, FK_U8), FLD(passive, FK_BOOL),
    FLD(local.port, FK_U16), FLD(remote.port, FK_U16), FLD(open_remote.port, FK_U16),
    FLD(remote.ip.family, FK_U8), FLD(open_remote.ip.family, FK_U8),
    FLD(cfg.mss, FK_U16), FLD(cfg.rto_initial_us, FK_U32), FLD(cfg.rto_max_us, FK_U32),
    FLD(cfg.rto_min_us, FK_U32), FLD(cfg.msl_us, FK_U32), FLD(cfg.user_timeout_us, FK_U32),
    FLD(cfg.r2_us, FK_U32), FLD(cfg.r2_count, FK_U32), FLD(cfg.delack_us, FK_U32),
    FLD(cfg.keepalive, FK_BOOL), FLD(cfg.keepalive_idle_us, FK_U64),
    FLD(cfg.keepalive_intvl_us, FK_U32), FLD(cfg.keepalive_count, FK_U32),
    FLD(cc.srtt_us, FK_U32), FLD(cc.rttvar_us, FK_U32), FLD(cc.timing, FK_BOOL),
    FLD(cc.rtt_seq, FK_U32), FLD(cc.rtt_start, FK_U64), FLD(cc.cwnd, FK_U32),
    FLD(cc.ssthresh, FK_U32), FLD(cc.acked_ca, FK_U32), FLD(cc.dupacks, FK_U32),
    FLD(cc.recover, FK_U32), FLD(cc.in_recovery, FK_BOOL), FLD(cc.fast_rtx, FK_BOOL),
    FLD(cc.last_send, FK_U64), FLD(cc.rtx_first, FK_U64), FLD(cc.rcv_unacked, FK_U32),
    FLD(cc.ack_delay, FK_BOOL), FLD(cc.t_delack, FK_U64), FLD(cc.probe_now, FK_BOOL),
    FLD(cc.t_persist, FK_U64), FLD(cc.persist_iv, FK_U32), FLD(cc.t_keep, FK_U64),
    FLD(cc.keep_probes, FK_U32), FLD(cc.last_rcv, FK_U64), FLD(cc.last_probe, FK_U64),
    FLD(cc.adv_valid, FK_BOOL), FLD(cc.adv_edge, FK_U32), FLD(cc.wnd_update, FK_BOOL),
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

static uint64_t field_get(const struct tcpsm_conn *t, const struct field *f)
{
    const uint8_t *p = (const uint8_t *)t + f->off;
    uint8_t u8; uint16_t u16; uint32_t u32v; uint64_t u64;
    switch (f->kind) {
    case FK_BOOL: case FK_U8: memcpy(&u8, p, 1); return u8;
    case FK_U16: memcpy(&u16, p, 2); return u16;
    case FK_U32: memcpy(&u32v, p, 4); return u32v;
    default: memcpy(&u64, p, 8); return u64;
    }
}

static void field_set(struct tcpsm_conn *t, const struct field *f, uint64_t v)
{
    uint8_t *p = (uint8_t *)t + f->off;
    uint8_t u8 = (uint8_t)v; uint16_t u16 = (uint16_t)v; uint32_t u32v = (uint32_t)v;
    switch (f->kind) {
    case FK_BOOL: u8 = v != 0; memcpy(p, &u8, 1); break;  /* a bool holds 0 or 1 */
    case FK_U8: memcpy(p, &u8, 1); break;
    case FK_U16: memcpy(p, &u16, 2); break;
    case FK_U32: memcpy(p, &u32v, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

static struct tcpsm_conn dmg;
static uint8_t dsbuf[65536], drbuf[65536];

/* an engine call on the damaged copy: it keeps what the check accepted */
static void dmg_after(enum tcpsm_err e)
{
    (void)e;
    CHECK(tcpsm_conn_check(&dmg) == TCPSM_INV_OK);
    CHECK(dmg.sbuf == dsbuf && dmg.rbuf == drbuf);
}

/* A field of a copy of the TCB (own buffers) set to a value:
 *   f  FIELDS[f % NFIELDS] (A & 7 more fields follow, f + 1, f + 2, ...,
 *      each with its own v)
 *   v  bits 0-2: 0 zero, 1 +1, 2 -1, 3 all ones, 4 a raw 32-bit value
 *      (4 more bytes), 5 + 2^(v >> 3), 6 the value of FIELDS[v >> 3],
 *      7 xor 2^(v >> 3); a bool is negated (but for 0).
 * Oracles: tcpsm_conn_check names what it finds, and a TCB it accepts is
 * one the proofs cover (valid_tcb is all the calls require): output,
 * timers, the last segment again, STATUS, RECEIVE, SEND and CLOSE on it
 * keep it accepted, with no sanitizer report. */
static void step_damage(unsigned a)
{
    static const unsigned n_more[8] = { 0, 1, 2, 3, 0, 1, 2, 7 };
    uint64_t dnow = now;
    unsigned f = byte();
    struct tcpsm_status st;
    struct tcpsm_segment seg;
    uint32_t got, acc;
    unsigned fl;
    enum tcpsm_inv r;
    memcpy(&dmg, &c, sizeof c);
    memcpy(dsbuf, sbuf, sizeof dsbuf);
    memcpy(drbuf, rbuf, sizeof drbuf);
    dmg.sbuf = c.sbuf ? dsbuf : NULL;
    dmg.rbuf = c.rbuf ? drbuf : NULL;
    for (unsigned i = 0; i <= n_more[a & 7u]; i++) {
        const struct field *fd = &FIELDS[(f + i) % NFIELDS];
        unsigned v = byte(), x = (v >> 3) & 31u;
        uint64_t old = field_get(&dmg, fd), val;
        switch (v & 7u) {
        case 0: val = 0; break;
        case 1: val = old + 1u; break;
        case 2: val = old - 1u; break;
        case 3: val = UINT64_MAX; break;
        case 4: val = u32(); break;
        case 5: val = old + (1ull << x); break;
        case 6: val = field_get(&dmg, &FIELDS[x % NFIELDS]); break;
        default: val = old ^ (1ull << x); break;
        }
        if (fd->kind == FK_BOOL && (v & 7u) != 0)
            val = !old;
        field_set(&dmg, fd, val);
    }
    r = tcpsm_conn_check(&dmg);
    CHECK(named(tcpsm_inv_name(r)));
    if (r != TCPSM_INV_OK || dmg.sbuf == NULL || dmg.rbuf == NULL)
        return;                         /* refused: the user is told which invariant */
    for (unsigned round = 0; round < 3; round++) {
        uint64_t dl;
        for (unsigned i = 0; i < 8; i++) {
            enum tcpsm_err e = tcpsm_output(&dmg, dnow, &seg, outbuf, sizeof outbuf);
            dmg_after(e);
            if (e != TCPSM_OK)
                break;
            CHECK(seg.len <= sizeof outbuf);
        }
        dl = tcpsm_next_deadline(&dmg);
        if (dl != TCPSM_NEVER && dl > dnow && dl - dnow <= JUMP_LIMIT)
            dnow = dl;
        dmg_after(tcpsm_timer(&dmg, dnow));
        if (have_last) {
            seg = last_seg;
            dmg_after(tcpsm_input(&dmg, dnow, &seg, seg.len ? tmp : NULL));
        }
        dmg_after(tcpsm_status(&dmg, &st));
        dmg_after(tcpsm_receive(&dmg, dnow, tmp, 100, &got, &fl));
        dmg_after(tcpsm_send(&dmg, dnow, data, 100, TCPSM_SEND_PUSH, &acc));
        if (round == 1)
            dmg_after(tcpsm_close(&dmg, dnow));
    }
}

static void setup(void)
{
    static const uint32_t msl[4] = { 120000000u, 1000000u, 10000u, 0 };
    static const uint32_t uto[4] = { 300000000u, 0, 5000000u, 1000000u };
    static const uint32_t r2c[4] = { 0, 1, 3, 8 };
    static const uint16_t mss[4] = { 1460, 536, 100, 1 };
    static const uint64_t kidle[4] = { 7200000000u, 10000000u, 1000000u, 75000000u };
    static const uint32_t kcnt[4] = { 9, 1, 3, 2 };
    static const uint32_t rto[4] = { 1000000u, 200000u, 3000000u, 100000u };
    static const uint64_t start[4] = { 1000000u, 0, 1ull << 32, 1ull << 40 };
    struct tcpsm_config cfg;
    unsigned h0 = byte(), h1 = byte(), h2 = byte(), h3 = byte();
    bool v6 = (h0 & 0x20u) != 0;

    tcpsm_config_default(&cfg);
    if (h0 & 0x01u)
        cfg.rfc5961_rst = cfg.rfc5961_syn = cfg.rfc5961_ack = false;
    if (h0 & 0x02u)
        cfg.delack_us = 0;
    cfg.nagle = (h0 & 0x04u) == 0;
    cfg.keepalive = (h0 & 0x08u) != 0;
    cfg.keepalive_garbage = (h0 & 0x10u) != 0;
    manual_drain = (h0 & 0x40u) != 0;
    cfg.iw10 = (h0 & 0x80u) != 0;
    cfg.msl_us = msl[h2 & 3u];
    cfg.user_timeout_us = uto[(h2 >> 2) & 3u];
    cfg.r2_count = r2c[(h2 >> 4) & 3u];
    cfg.mss = mss[h2 >> 6];
    cfg.keepalive_idle_us = kidle[h3 & 3u];
    cfg.keepalive_count = kcnt[(h3 >> 2) & 3u];
    cfg.rto_initial_us = rto[(h3 >> 4) & 3u];
    if (cfg.rto_initial_us < cfg.rto_min_us && ((h3 >> 4) & 3u) == 3u)
        cfg.rto_min_us = cfg.rto_initial_us;
    now = start[h3 >> 6];
    check_tx = !cfg.keepalive_garbage;

    memset(&local_ep, 0, sizeof local_ep);
    memset(&remote_ep, 0, sizeof remote_ep);
    local_ep.ip.family = remote_ep.ip.family = v6 ? TCPSM_AF_INET6 : TCPSM_AF_INET;
    if (v6) {
        local_ep.ip.addr[0] = remote_ep.ip.addr[0] = 0xfd;
        local_ep.ip.addr[15] = 1;
        remote_ep.ip.addr[15] = 2;
    } else {
        local_ep.ip.addr[0] = remote_ep.ip.addr[0] = 10;
        local_ep.ip.addr[3] = 1;
        remote_ep.ip.addr[3] = 2;
    }
    local_ep.port = 8080;
    remote_ep.port = 40000;

    CHECK(tcpsm_conn_init(&c, &cfg, sbuf, CAPS[h1 & 15u], rbuf, CAPS[h1 >> 4]) == TCPSM_OK);
    check_inv();
    CHECK(c.state == TCPSM_CLOSED);
    rx_valid = false;
    rx_seq = 0;
    tx_total = 0;
    have_last = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
    in_p = d;
    in_n = size;
    setup();
    for (unsigned step = 0; step < MAX_STEPS && in_n > 0; step++) {
        unsigned b = byte(), a = b >> 4;
        switch (b & 15u) {
        case 0: step_seg(); break;
        case 1: step_qseg(a); break;
        case 2: step_open(false, a); break;
        case 3: step_open(true, a); break;
        case 4: step_send(a); break;
        case 5: step_receive(a); break;
        case 6: { unsigned s0 = c.state; CHECK(named(tcpsm_err_name(tcpsm_close(&c, now))));
                  after_logged(s0); break; }
        case 7: { unsigned s0 = c.state; CHECK(named(tcpsm_err_name(tcpsm_abort(&c, now))));
                  after_logged(s0); break; }
        case 8:
            if (a == 0)
                step_status();
            else if (a < 8)
                step_misuse(a);
            else
                step_damage(a);
            break;
        case 9: step_advance(); break;
        case 10: step_jump(a); break;
        case 11: drain(a ? a : DRAIN_MAX); break;
        case 12: step_set_iss(); break;
        case 13: step_set(a); break;
        case 14: step_ack(a); break;
        default:
            for (unsigned i = 0; have_last && i <= a; i++) {
                struct tcpsm_segment seg = last_seg;
                inject(&seg);
            }
            break;
        }
        if ((b & 15u) != 11u)
            autodrain();
#ifdef FUZZ_CONN_TRACE
        fprintf(stderr, "step %2u op %2u/%2u -> %-12s now %llu una %u nxt %u rnxt %u "
                "rcount %u scount %u rx %u tx %u\n", step, b & 15u, a,
                tcpsm_state_name(c.state), (unsigned long long)now, c.snd_una, c.snd_nxt,
                c.rcv_nxt, c.rcount, c.scount, rx_seq, tx_total);
#endif
    }
    return 0;
}
