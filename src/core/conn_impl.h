/*
 * conn_impl.h: what the files of the engine share (internal, not
 * installed): the call record, the small helpers, and the contracts of the
 * dispatcher tcpsm_fire() and of tcpsm_take_mss().
 *
 * The engine is one connection, RFC 9293 section 3.10, in five files:
 *   conn.c    life cycle of the TCB, the dispatcher and its actions
 *   user.c    the user calls (3.10.1 - 3.10.6)
 *   input.c   SEGMENT ARRIVES (3.10.7)
 *   output.c  timeouts (3.10.8) and segment output
 *   reasm.c   out-of-order text held and delivered (3.10.7.4 seventh)
 * conn.c's header comment describes the design they share.  Each file is
 * proven on its own (proofs/wp.mk); a function of another file is known
 * to a proof by its contract here (reasm.c: in reasm.h).
 */
#ifndef TCPSM_CONN_IMPL_H
#define TCPSM_CONN_IMPL_H

/* The proofs of the engine see the transition table only through the
 * contracts of tcpsm_row_find/_to/_action (proven against the table in
 * table.c): with the table's own definitions in every goal, the provers
 * time out on goals that never need them (proofs/README.md).  Proving
 * against opaque row_of, row_to, ... holds for the real table too. */
#define TCPSM_PROOF_OPAQUE 1
#include "contracts.h"   /* seq.h, tcpsm.h, the predicates, the public contracts */


/* Everything an event may need, gathered by the public entry points. */
struct call {
    uint64_t now;
    const struct tcpsm_segment *seg;    /* segment events */
    const uint8_t *payload;             /* seg->len bytes */
    const struct tcpsm_open *open;      /* OPEN */
    const uint8_t *data;                /* SEND */
    uint32_t len;
    unsigned flags;
    uint32_t *accepted;
    uint8_t *rbuf;                      /* RECEIVE */
    uint32_t rcap;
    uint32_t *got;
    unsigned *rflags;
};


/* ---------------------------------------------------------------------- */
/* Small helpers */

/* Counters stop at their maximum rather than wrap. */
/*@ assigns \nothing;
    ensures \result == (x == 4294967295 ? x : x + 1); */
static inline uint32_t sat_inc(uint32_t x) { return x == UINT32_MAX ? x : x + 1u; }

/*@ assigns \nothing;
    ensures \result == \min(a, b); */
static inline uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result <==> (a->family == TCPSM_AF_INET || a->family == TCPSM_AF_INET6); */
static inline bool addr_specified(const struct tcpsm_addr *a)
{
    return a->family == TCPSM_AF_INET || a->family == TCPSM_AF_INET6;
}

/* RFC 9293 3.4: SEG.LEN counts SYN and FIN. */
/*@ requires \valid_read(seg) && seg->len <= 65535;
    assigns \nothing;
    ensures def: \result == seg->len + ((seg->flags & 2) != 0 ? 1 : 0)
                            + ((seg->flags & 1) != 0 ? 1 : 0); */
static inline uint32_t seg_len(const struct tcpsm_segment *seg)
{
    return seg->len + ((seg->flags & TCPSM_SYN) ? 1u : 0u) + ((seg->flags & TCPSM_FIN) ? 1u : 0u);
}

/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result == c->rcap - c->rcount; */
static inline uint32_t rcv_wnd(const struct tcpsm_conn *c) { return c->rcap - c->rcount; }

/* Sequence number of the first byte the user has not read yet. */
/*@ requires \valid_read(c) && c->rcount <= 1073741824;
    assigns \nothing; */
static inline uint32_t rcv_read_seq(const struct tcpsm_conn *c)
{
    uint32_t behind = c->rcount + (c->fin_rcvd ? 1u : 0u);
    return seq_sub(c->rcv_nxt, behind);
}

/*@ requires c == \null || \valid_read(c);
    assigns \nothing;
    ensures \result <==> (c != \null && c->state < TCPSM_NSTATES); */
static inline bool call_ok(const struct tcpsm_conn *c)
{
    return c != NULL && c->state < TCPSM_NSTATES;
}

/* now + us, saturating below TCPSM_NEVER (which means "not running"). */
/*@ assigns \nothing;
    ensures running: \result < 18446744073709551615;
    ensures exact: now + us < 18446744073709551615 ==> \result == now + us; */
static inline uint64_t deadline_after(uint64_t now, uint32_t us)
{
    return now <= TCPSM_NEVER - 1u - us ? now + us : TCPSM_NEVER - 1u;
}

/* Copy n bytes into the ring at pos (wrapping).  Byte loops rather than
 * memcpy: they are what the proof can follow, and -O2 vectorises them. */
/*@ requires shape: n <= cap && (cap > 0 ==> pos < cap);
    requires mem: \valid(buf + (0 .. cap - 1)) && \valid_read(src + (0 .. n - 1));
    requires apart: \separated(buf + (0 .. cap - 1), src + (0 .. n - 1));
    assigns buf[0 .. cap - 1]; */
static inline void ring_put(uint8_t *buf, uint32_t cap, uint32_t pos, const uint8_t *src, uint32_t n)
{
    uint32_t i, p = pos;
    /*@ loop invariant 0 <= i <= n;
        loop invariant cap > 0 ==> p < cap;
        loop assigns i, p, buf[0 .. cap - 1];
        loop variant n - i; */
    for (i = 0; i < n; i++) {
        buf[p] = src[i];
        p = (p + 1u == cap) ? 0u : p + 1u;
    }
}

/* Copy n bytes out of the ring from pos (wrapping). */
/*@ requires shape: n <= cap && (cap > 0 ==> pos < cap);
    requires mem: \valid_read(buf + (0 .. cap - 1)) && \valid(dst + (0 .. n - 1));
    requires apart: \separated(buf + (0 .. cap - 1), dst + (0 .. n - 1));
    assigns dst[0 .. n - 1];
    ensures contents: \forall integer k; 0 <= k < n
                      ==> dst[k] == buf[pos + k < cap ? pos + k : pos + k - cap]; */
static inline void ring_get(const uint8_t *buf, uint32_t cap, uint32_t pos, uint8_t *dst, uint32_t n)
{
    uint32_t i, p = pos;
    /*@ loop invariant 0 <= i <= n;
        loop invariant cap > 0 ==> p < cap;
        loop invariant at: i < n ==> p == (pos + i < cap ? pos + i : pos + i - cap);
        loop invariant copied: \forall integer k; 0 <= k < i
                               ==> dst[k] == buf[pos + k < cap ? pos + k : pos + k - cap];
        loop assigns i, p, dst[0 .. n - 1];
        loop variant n - i; */
    for (i = 0; i < n; i++) {
        dst[i] = buf[p];
        p = (p + 1u == cap) ? 0u : p + 1u;
    }
}

/* (head + off) mod cap for off < cap + cap, without overflow. */
/*@ requires shape: (cap == 0 && head == 0 && off == 0) || (head < cap && off < 2 * cap);
    assigns \nothing;
    ensures in_ring: cap > 0 ==> \result < cap;
    ensures modulo: cap > 0 ==> \result == (head + off) % cap;
    ensures empty: cap == 0 ==> \result == 0; */
static inline uint32_t ring_pos(uint32_t head, uint32_t off, uint32_t cap)
{
    uint32_t room = cap - head;
    if (off < room)
        return head + off;
    off -= room;
    return off < cap ? off : off - cap;
}

/* ---------------------------------------------------------------------- */
/* Shared by the files of the engine (defined in conn.c) */

/* Take the row for (state, event): run its action, then move to its
 * target state.  No row: the state ignores the event (3.10: "if no state
 * change is mentioned, the connection stays in the same state").
 *
 * The contract is the proof's view of spec/transitions.def: each action
 * turns a TCB that is valid for what the action needs into one that is
 * valid in the row's target state (proofs/actions.acsl names the rows of
 * each action).  A clearing action needs only the TCB's shape; TIME_WAIT
 * needs the target's invariant but its timers; SYN_ACK, QUEUE_FIN and
 * RETRANSMIT need the source state's; all others need the target's (the
 * caller has done the work, e.g. set fin_acked before ACK_OF_FIN). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires k: \valid_read(k) && \separated(k, c) && k->now <= 18446744073709551615;
    requires seg: TCPSM_EV_SEG_ANY <= event <= TCPSM_EV_SEG_FIN
                  ==> (\valid_read(k->seg) && \separated(k->seg, c) && k->seg->len <= 65535);
    requires open: event == TCPSM_EV_OPEN_ACTIVE || event == TCPSM_EV_OPEN_PASSIVE
                   ==> (\valid_read(k->open) && \separated(k->open, c));
    requires send: event == TCPSM_EV_SEND ==>
                   (\valid_read(k->data + (0 .. k->len - 1))
                    && \separated(k->data + (0 .. k->len - 1), c->sbuf + (0 .. c->scap - 1))
                    && (k->accepted == \null
                        || (\valid(k->accepted)
                            && \separated(k->accepted, c, c->sbuf + (0 .. c->scap - 1)))));
    requires recv: event == TCPSM_EV_RECEIVE ==>
                   (\valid(k->rbuf + (0 .. k->rcap - 1)) && \valid(k->got)
                    && \separated(k->rbuf + (0 .. k->rcap - 1), c, c->rbuf + (0 .. c->rcap - 1), k->got)
                    && \separated(k->got, c, c->rbuf + (0 .. c->rcap - 1))
                    && (k->rflags == \null
                        || (\valid(k->rflags)
                            && \separated(k->rflags, c, c->rbuf + (0 .. c->rcap - 1), k->got,
                                          k->rbuf + (0 .. k->rcap - 1)))));
    requires pre: row_of(c->state, event) < 0 ==> tcb_ok(c);
    requires pre: row_of(c->state, event) >= 0 && !clearing(row_action(row_of(c->state, event)))
                  && row_action(row_of(c->state, event)) != TCPSM_A_LISTEN
                  && row_action(row_of(c->state, event)) != TCPSM_A_CONNECT
                  && row_action(row_of(c->state, event)) != TCPSM_A_TO_LISTEN
                  ==> (row_action(row_of(c->state, event)) == TCPSM_A_TIME_WAIT
                       ? tcb_ok_nt(c, TCPSM_TIME_WAIT)
                       : (row_action(row_of(c->state, event)) == TCPSM_A_SYN_ACK
                          || row_action(row_of(c->state, event)) == TCPSM_A_QUEUE_FIN
                          || row_action(row_of(c->state, event)) == TCPSM_A_CONNECT_SEND
                          || row_action(row_of(c->state, event)) == TCPSM_A_RETRANSMIT)
                         ? tcb_ok(c)
                         : tcb_ok_in(c, row_to(row_of(c->state, event))));
    requires event: event < TCPSM_NEVENTS;
    requires log: c->nlog <= 3;
    requires rtx: row_of(c->state, event) >= 0
                  && row_action(row_of(c->state, event)) == TCPSM_A_RETRANSMIT
                  ==> c->snd_una != c->snd_nxt;
    assigns *c, c->sbuf[0 .. c->scap - 1], k->rbuf[0 .. k->rcap - 1],
            k->got[0 .. (k->got == \null ? -1 : 0)], k->rflags[0 .. (k->rflags == \null ? -1 : 0)],
            k->accepted[0 .. (k->accepted == \null ? -1 : 0)];
    ensures valid: valid_tcb(c) && shape_ok(c);
    ensures legal: legal_transition(\old(c->state), c->state);
    ensures table: c->state == (row_of(\old(c->state), event) < 0 ? \old(c->state)
                                : row_to(row_of(\old(c->state), event)));
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: chain(c, \old(c->nlog), \old(c->state))
                 && c->nlog == \old(c->nlog) + (row_of(\old(c->state), event) >= 0 ? 1 : 0);
    ensures log_kept: \forall integer i; 0 <= i < \old(c->nlog)
                      ==> (c->log[i].from == \old(c->log[i].from) && c->log[i].to == \old(c->log[i].to));
    ensures frame: (row_of(\old(c->state), event) < 0
                    || keeps_seq(row_action(row_of(\old(c->state), event))))
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd)); */
enum tcpsm_err tcpsm_fire(struct tcpsm_conn *c, const struct call *k, unsigned event);

/* ---------------------------------------------------------------------- */
/* Retransmission timeout and congestion control (cc.c).  Each writes
 * c->cc (and c->rto_us) only: fields valid_tcb does not read. */

/* A new incarnation: no measurement, no window yet. */
/*@ requires \valid(c);
    assigns c->cc; */
void tcpsm_cc_reset(struct tcpsm_conn *c);

/* The congestion window: bytes that may be in flight (RFC 5681). */
/*@ requires \valid_read(c);
    assigns \nothing; */
uint32_t tcpsm_cc_window(const struct tcpsm_conn *c);

/* About to send: restart after idle. */
/*@ requires \valid(c);
    assigns c->cc; */
void tcpsm_cc_before_send(struct tcpsm_conn *c, uint64_t now);

/* The retransmission timer expired and the front was resent (after the
 * backoff: rtx_count counts this retransmission). */
/*@ requires \valid(c);
    assigns c->cc.rtx_first, c->cc.ssthresh, c->cc.syn_timed_out, c->cc.cwnd, c->cc.recover,
            c->cc.in_recovery, c->cc.rto_recovery, c->cc.fast_rtx, c->cc.dupacks, c->cc.acked_ca,
            c->cc.timing, c->cc.r1_reached, c->cc.r1_events, c->cc.n_probes, c->cc.last_probe; */
void tcpsm_cc_timeout(struct tcpsm_conn *c, uint64_t now);

/* R2 reached: give the connection up. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures retransmitted: \result != 0 ==> c->rtx_count != 0; */
bool tcpsm_cc_give_up(const struct tcpsm_conn *c, uint64_t now);

/* The retransmission deadline after a timeout: now + RTO, or R2 if sooner. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result < 18446744073709551615; */
uint64_t tcpsm_cc_rtx_deadline(const struct tcpsm_conn *c, uint64_t now);

/* What tcpsm_input's choices after the segment compare with: the TCB's
 * view before it (a value: tcpsm_input writes nothing before the segment). */
struct tcpsm_cc_view {
    uint32_t rcv_nxt;
    uint32_t rcv_up;
    uint8_t nooo;
    bool ack_now;
    bool rcv_urg;
    uint32_t snd_una;
    uint32_t snd_nxt;
    uint32_t snd_wnd;
    bool syn_acked;
};

/* tcpsm_input, after the segment: what its ACK did (RTT, congestion
 * window, duplicate ACKs), the peer is alive, may our ACK wait, urgent
 * news; then tcpsm_cc_arm. */
/*@ requires \valid(c) && \valid_read(seg);
    assigns c->cc, c->rto_us; */
void tcpsm_cc_input_done(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                         struct tcpsm_cc_view before);

/* The delayed-ACK, zero-window and keep-alive timers, from the TCB. */
/*@ requires \valid(c);
    assigns c->cc; */
void tcpsm_cc_arm(struct tcpsm_conn *c, uint64_t now);

#define TCPSM_CC_NONE 0u
#define TCPSM_CC_KEEPALIVE_DEAD 1u
#define TCPSM_CC_PERSIST_DEAD 2u

/* Run the due delayed-ACK, zero-window and keep-alive timers; says when
 * the connection must be given up. */
/*@ requires \valid(c);
    assigns c->cc, c->rto_us;
    ensures \result == TCPSM_CC_NONE || \result == TCPSM_CC_KEEPALIVE_DEAD
            || \result == TCPSM_CC_PERSIST_DEAD; */
unsigned tcpsm_cc_timer(struct tcpsm_conn *c, uint64_t now);

/* The receive window to offer (RFC 9293 3.8.6.2.2). */
/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result <= c->rcap - c->rcount && \result <= 65535; */
uint16_t tcpsm_cc_rcv_wnd(const struct tcpsm_conn *c);

/* tcpsm_output is done: what went out (when sent: seg, sent when SND.NXT
 * was snd_nxt and our SYN unsent was syn_unsent): RTT timing, Karn, the
 * ACK owed, probes, the window offered; then tcpsm_cc_arm. */
/*@ requires \valid(c) && \valid_read(seg);
    assigns c->cc; */
void tcpsm_cc_output_done(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                          bool sent, uint32_t snd_nxt, bool syn_unsent);

/* The earliest of the timers above. */
/*@ requires \valid_read(c);
    assigns \nothing; */
uint64_t tcpsm_cc_deadline(const struct tcpsm_conn *c);

/* Peer MSS from the SYN (RFC 9293 3.7.1, MUST-15/MUST-16). */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg) && c->cfg.mss != 0;
    assigns c->snd_mss;
    ensures c->snd_mss != 0; */
void tcpsm_take_mss(struct tcpsm_conn *c, const struct tcpsm_segment *seg);

#endif
