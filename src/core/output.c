/*
 * output.c: the timeouts of RFC 9293 3.10.8 and segment output (pulled:
 * the TCB remembers what is owed and tcpsm_output() forms one segment a
 * call).
 */

#include "conn_impl.h"
#include "../../proofs/frame.acsl"

/* What the proof of tcpsm_timer needs from the transition table (the
 * engine sees it opaque, conn_impl.h) is timers_rows (proofs/rows.acsl):
 * tcpsm_timer requires it, and proofs/legal_harness.c proves it of the real
 * table.  This lemma function instantiates it for one state. */
/*@ ghost
  /@ requires table: timers_rows;
     requires s < TCPSM_NSTATES;
     assigns \nothing;
     ensures timer_rows(s); @/
  static void timer_rows_lemma(unsigned s) { }
*/

/* The window offered: the free receive buffer, held back by receiver SWS
 * avoidance (RFC 9293 3.8.6.2.2, in cc.c). */
/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result <= \min(c->rcap - c->rcount, 65535); */
static uint16_t adv_wnd(const struct tcpsm_conn *c)
{
    return tcpsm_cc_rcv_wnd(c);
}

/* ---------------------------------------------------------------------- */
/* The calls into cc.c (RFC 6298, 5681, 9293 3.8), each through a pair of
 * wrappers: the call writes c->cc only, and the _frame function (such as
 * cc_before_send_frame()) says, field by field, what it keeps
 * (proofs/frame.acsl), proven where the goal is only the call; the outer
 * one (cc_before_send()) carries the invariant across with tcb_frame.
 * The functions below then see one call that keeps valid_tcb and the
 * fields they read, rather than a write of c->cc whose frame the provers
 * would have to work out beside the whole invariant. */

/* The fields each wrapper below states as kept, one by one (a macro, not a
 * predicate, so that the provers see the equalities themselves). */
#define CC_SAME \
    c->state == \old(c->state) && c->nlog == \old(c->nlog) \
    && c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt) \
    && c->snd_mss == \old(c->snd_mss) && c->syn_acked == \old(c->syn_acked) \
    && c->fin_queued == \old(c->fin_queued) && c->fin_sent == \old(c->fin_sent) \
    && c->fin_acked == \old(c->fin_acked) && c->scount == \old(c->scount) \
    && c->nreply == \old(c->nreply) && c->syn_unsent == \old(c->syn_unsent) \
    && c->rtx_pending == \old(c->rtx_pending) && c->ack_now == \old(c->ack_now) \
    && c->t_rtx == \old(c->t_rtx) && c->t_user == \old(c->t_user) \
    && c->t_2msl == \old(c->t_2msl)

/*@ predicate cc_more{L1, L2}(struct tcpsm_conn *c) =
      \at(c->syn_unsent, L1) == \at(c->syn_unsent, L2)
      && \at(c->rtx_pending, L1) == \at(c->rtx_pending, L2)
      && \at(c->ack_now, L1) == \at(c->ack_now, L2)
      && \at(c->snd_wnd, L1) == \at(c->snd_wnd, L2)
      && \at(c->rcv_nxt, L1) == \at(c->rcv_nxt, L2)
      && \at(c->log[0].from, L1) == \at(c->log[0].from, L2)
      && \at(c->log[0].to, L1) == \at(c->log[0].to, L2)
      && \at(c->log[1].from, L1) == \at(c->log[1].from, L2)
      && \at(c->log[1].to, L1) == \at(c->log[1].to, L2)
      && \at(c->log[2].from, L1) == \at(c->log[2].from, L2)
      && \at(c->log[2].to, L1) == \at(c->log[2].to, L2)
      && \at(c->log[3].from, L1) == \at(c->log[3].from, L2)
      && \at(c->log[3].to, L1) == \at(c->log[3].to, L2); */

/*@ requires \valid(c);
    assigns c->cc;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME; */
static void cc_before_send_frame(struct tcpsm_conn *c, uint64_t now)
{
    tcpsm_cc_before_send(c, now);
}

/*@ requires valid_tcb(c);
    assigns c->cc;
    ensures valid: valid_tcb(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME; */
static void cc_before_send(struct tcpsm_conn *c, uint64_t now)
{
    cc_before_send_frame(c, now);
    /*@ assert ok: tcb_ok(c); */
    /*@ assert mem: tcb_mem(c); */
}

/* tcpsm_cc_timer(), and what it keeps (as cc_before_send_frame). */
/*@ requires \valid(c);
    assigns c->cc, c->rto_us;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME;
    ensures res: \result == TCPSM_CC_NONE || \result == TCPSM_CC_KEEPALIVE_DEAD
                 || \result == TCPSM_CC_PERSIST_DEAD; */
static unsigned cc_timer_frame(struct tcpsm_conn *c, uint64_t now)
{
    return tcpsm_cc_timer(c, now);
}

/*@ requires valid_tcb(c);
    assigns c->cc, c->rto_us;
    ensures valid: valid_tcb(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME;
    ensures res: \result == TCPSM_CC_NONE || \result == TCPSM_CC_KEEPALIVE_DEAD
                 || \result == TCPSM_CC_PERSIST_DEAD; */
static unsigned cc_timer(struct tcpsm_conn *c, uint64_t now)
{
    unsigned r = cc_timer_frame(c, now);
    /*@ assert ok: tcb_ok(c); */
    /*@ assert mem: tcb_mem(c); */
    return r;
}

/* tcpsm_cc_output_done(), and what it keeps (as cc_before_send_frame). */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->cc;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME; */
static void cc_output_frame(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                            bool sent, uint32_t snd_nxt, bool syn_unsent)
{
    tcpsm_cc_output_done(c, now, seg, sent, snd_nxt, syn_unsent);
}

/*@ requires valid_tcb(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->cc;
    ensures valid: valid_tcb(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME; */
static void cc_output_done(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                           bool sent, uint32_t snd_nxt, bool syn_unsent)
{
    cc_output_frame(c, now, seg, sent, snd_nxt, syn_unsent);
    /*@ assert ok: tcb_ok(c); */
    /*@ assert mem: tcb_mem(c); */
}

/* tcpsm_cc_timeout(), and what it keeps (as cc_before_send_frame). */
/*@ requires \valid(c);
    assigns c->cc;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures more: cc_more{Pre, Post}(c);
    ensures same: CC_SAME; */
static void cc_timeout_frame(struct tcpsm_conn *c, uint64_t now)
{
    tcpsm_cc_timeout(c, now);
}

/* After a RETRANSMISSION TIMEOUT row: RFC 5681 3.1 (cwnd, ssthresh),
 * Karn, R1 (cc.c); the timer cut to fire at R2 itself (RFC 1122 4.2.3.5). */
/*@ requires valid_tcb(c);
    requires log: chain(c, 0, s0) && legal_transition(s0, c->state);
    assigns c->cc, c->t_rtx;
    ensures valid: valid_tcb(c);
    ensures log: chain(c, 0, s0) && legal_transition(s0, c->state);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap); */
static void timer_rtx_cc(struct tcpsm_conn *c, uint64_t now) /*@ ghost (unsigned s0) */
{
    cc_timeout_frame(c, now);
    /*@ assert ok: tcb_ok(c); */
    /*@ assert mem: tcb_mem(c); */
    /*@ assert log: chain(c, 0, s0) && legal_transition(s0, c->state); */
    if (c->t_rtx != TCPSM_NEVER)
        c->t_rtx = tcpsm_cc_rtx_deadline(c, now);
}

/* Bytes of the send ring already sent (between SND.UNA and SND.NXT). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures bound: \result <= c->scount;
    ensures flight: c->syn_acked != 0 && c->fin_sent == 0
                    ==> \result == \min(seq_sub_l(c->snd_nxt, c->snd_una), c->scount); */
static uint32_t snd_sent(const struct tcpsm_conn *c)
{
    uint32_t inflight = seq_sub(c->snd_nxt, c->snd_una);
    if (!c->syn_acked && inflight > 0)
        inflight--;
    if (c->fin_sent && !c->fin_acked && inflight > 0)
        inflight--;
    return min32(inflight, c->scount);
}

/* Something of ours occupies sequence space and went out: make sure the
 * retransmission and user timers run (3.10.8, RFC 6298 5.1). */
/*@ requires \valid(c);
    requires outstanding: c->t_rtx != 18446744073709551615 ==> c->snd_una != c->snd_nxt;
    assigns c->t_rtx, c->t_user;
    ensures rtx_outstanding: c->t_rtx != 18446744073709551615 ==> c->snd_una != c->snd_nxt;
    ensures rtx_running: c->snd_una != c->snd_nxt ==> c->t_rtx != 18446744073709551615;
    ensures rtx_kept: \old(c->t_rtx) != 18446744073709551615 ==> c->t_rtx == \old(c->t_rtx); */
static void timers_arm(struct tcpsm_conn *c, uint64_t now)
{
    /* (nothing outstanding never happens here; the guard keeps the
     * invariant "a running retransmission timer has something to resend"
     * evident: see tcpsm_output's SYN case) */
    if (c->t_rtx == TCPSM_NEVER && c->snd_una != c->snd_nxt)
        c->t_rtx = deadline_after(now, c->rto_us);
    /* not for a zero-window probe: while the peer answers probes the
     * connection stays (MUST-37); R2 of silence ends it (cc.c) */
    if (c->t_user == TCPSM_NEVER && c->cfg.user_timeout_us != 0
        && !(c->syn_acked && c->snd_wnd == 0))
        c->t_user = deadline_after(now, c->cfg.user_timeout_us);
}

/* Contract: contracts.h. */
uint64_t tcpsm_next_deadline(const struct tcpsm_conn *c)
{
    uint64_t t, cc;
    if (c == NULL)
        return TCPSM_NEVER;
    t = c->t_rtx;
    if (c->t_user < t)
        t = c->t_user;
    if (c->t_2msl < t)
        t = c->t_2msl;
    cc = tcpsm_cc_deadline(c);          /* delayed ACK, zero-window probe, keep-alive */
    if (cc < t)
        t = cc;
    return t;
}

/* One timeout through the table.  A function of its own so that each of
 * timer_core's goals sees one call's contract, not the whole of it. */
/*@ requires mem: tcb_mem(c) && shape_ok(c) && c->nlog == 0;
    requires table: timers_rows;
    requires event: (event == TCPSM_EV_TIMEOUT_USER && tcb_ok(c))
                    || (event == TCPSM_EV_TIMEOUT_2MSL && (tcb_ok(c) || c->state == TCPSM_TIME_WAIT))
                    || (event == TCPSM_EV_TIMEOUT_RTX && tcb_ok(c) && c->snd_una != c->snd_nxt);
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
static enum tcpsm_err timer_fire(struct tcpsm_conn *c, uint64_t now, unsigned event)
{
    struct call k = { 0 };
    //@ assert state: c->state < TCPSM_NSTATES;
    //@ ghost timer_rows_lemma(c->state);
    k.now = now;
    return tcpsm_fire(c, &k, event);
}

#define TIMER_NONE 0u
#define TIMER_USER 1u
#define TIMER_2MSL 2u
#define TIMER_RTX 3u

/* Which of the three timeouts is due, the first of them in the order
 * timer_core takes them. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures user: \result == TIMER_USER <==> (c->t_user != 18446744073709551615 && now >= c->t_user);
    ensures msl: \result == TIMER_2MSL
                 <==> (!(c->t_user != 18446744073709551615 && now >= c->t_user)
                       && c->t_2msl != 18446744073709551615 && now >= c->t_2msl);
    ensures rtx: \result == TIMER_RTX
                 <==> (!(c->t_user != 18446744073709551615 && now >= c->t_user)
                       && !(c->t_2msl != 18446744073709551615 && now >= c->t_2msl)
                       && c->t_rtx != 18446744073709551615 && now >= c->t_rtx);
    ensures range: \result <= TIMER_RTX; */
static unsigned timer_due(const struct tcpsm_conn *c, uint64_t now)
{
    if (c->t_user != TCPSM_NEVER && now >= c->t_user)
        return TIMER_USER;
    if (c->t_2msl != TCPSM_NEVER && now >= c->t_2msl)
        return TIMER_2MSL;
    if (c->t_rtx != TCPSM_NEVER && now >= c->t_rtx)
        return TIMER_RTX;
    return TIMER_NONE;
}

/* The three timeouts of RFC 9293 3.10.8 (and R2, RFC 1122 4.2.3.5), as
 * tcpsm_timer's contract says; idle: none due, nothing changed but the
 * log emptied.  A switch, so that each case is a goal of its own. */
/*@ requires valid_tcb(c);
    requires table: timers_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap);
    behavior user:
      assumes c->t_user != 18446744073709551615 && now >= c->t_user;
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    behavior msl:
      assumes !(c->t_user != 18446744073709551615 && now >= c->t_user);
      assumes c->t_2msl != 18446744073709551615 && now >= c->t_2msl;
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    behavior rtx:
      assumes !(c->t_user != 18446744073709551615 && now >= c->t_user);
      assumes !(c->t_2msl != 18446744073709551615 && now >= c->t_2msl);
      assumes c->t_rtx != 18446744073709551615 && now >= c->t_rtx;
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    behavior idle:
      assumes !(c->t_user != 18446744073709551615 && now >= c->t_user);
      assumes !(c->t_2msl != 18446744073709551615 && now >= c->t_2msl);
      assumes !(c->t_rtx != 18446744073709551615 && now >= c->t_rtx);
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
      ensures idle: c->state == \old(c->state) && c->nlog == 0;
    complete behaviors;
    disjoint behaviors; */
static enum tcpsm_err timer_core(struct tcpsm_conn *c, uint64_t now)
{
    unsigned due = timer_due(c, now);
    c->nlog = 0;
    /* A due timer that the state has no row for is stopped, so that a
     * driver waiting on tcpsm_next_deadline() never spins on it. */
    switch (due) {
    case TIMER_USER:
        c->t_user = TCPSM_NEVER;
        return timer_fire(c, now, TCPSM_EV_TIMEOUT_USER);
    case TIMER_2MSL:
        c->t_2msl = TCPSM_NEVER;
        return timer_fire(c, now, TCPSM_EV_TIMEOUT_2MSL);
    case TIMER_RTX:
        c->t_rtx = TCPSM_NEVER;
        if (c->snd_una == c->snd_nxt)
            return TCPSM_OK;            /* nothing outstanding */
        if (tcpsm_cc_give_up(c, now))   /* RFC 1122 4.2.3.5: R2 reached (MUST-20) */
            return timer_fire(c, now, TCPSM_EV_TIMEOUT_USER);
        return timer_fire(c, now, TCPSM_EV_TIMEOUT_RTX);   /* re-arms the timer */
    default:
        return TCPSM_OK;
    }
}

/* The delayed ACK, zero-window probes and keep-alives (cc.c), when none
 * of the timeouts above was due; a keep-alive or probing that went
 * unanswered ends the connection through the table. */
/*@ requires valid_tcb(c) && c->nlog == 0;
    requires table: timers_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
static enum tcpsm_err timer_cc(struct tcpsm_conn *c, uint64_t now)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    unsigned dead;
    //@ assert state: c->state < TCPSM_NSTATES;
    //@ ghost timer_rows_lemma(c->state);
    k.now = now;
    dead = cc_timer(c, now);
    if (dead == TCPSM_CC_KEEPALIVE_DEAD) {     /* RFC 1122 4.2.3.6: no answer */
        e = tcpsm_fire(c, &k, TCPSM_EV_TIMEOUT_KEEPALIVE);
        //@ assert keepalive: valid_tcb(c) && legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
        return e;
    }
    if (dead == TCPSM_CC_PERSIST_DEAD) {       /* RFC 1122 4.2.3.5: R2 of silence */
        e = tcpsm_fire(c, &k, TCPSM_EV_TIMEOUT_USER);
        //@ assert persist: valid_tcb(c) && legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
        return e;
    }
    //@ assert idle: valid_tcb(c) && legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
    return TCPSM_OK;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_timer(struct tcpsm_conn *c, uint64_t now)
{
    bool idle;
    uint32_t rtx_count;
    enum tcpsm_err e;
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    idle = !(c->t_user != TCPSM_NEVER && now >= c->t_user)
           && !(c->t_2msl != TCPSM_NEVER && now >= c->t_2msl)
           && !(c->t_rtx != TCPSM_NEVER && now >= c->t_rtx);
    rtx_count = c->rtx_count;
    //@ ghost unsigned s0 = c->state;
    e = timer_core(c, now);
    if (idle)
        e = timer_cc(c, now);
    else if (c->rtx_count != rtx_count)  /* the front was resent: cc.c's part */
        timer_rtx_cc(c, now) /*@ ghost (s0) */;
    return e;
}

/* f with the control bits `bits` set (the mask says "a byte" to the
 * prover, which cannot bound an OR). */
/*@ assigns \nothing; */
static inline uint8_t with_flags(uint8_t f, unsigned bits)
{
    return (uint8_t)((f | bits) & 0xFFu);
}

/*@ requires \valid_read(c) && \valid(seg) && \separated(c, seg);
    requires c->rcount <= c->rcap;
    assigns *seg;
    ensures len: seg->len == 0;
    ensures seq: seg->seq == seq; */
static void seg_header(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t flags, uint32_t seq)
{
    struct tcpsm_segment none = { 0 };
    *seg = none;
    seg->len = 0;                       /* (none's: WP loses the copy) */
    seg->src = c->local.ip;
    seg->dst = c->remote.ip;
    seg->sport = c->local.port;
    seg->dport = c->remote.port;
    seg->compartment = c->compartment;
    seg->seq = seq;
    seg->flags = flags;
    if (c->state != TCPSM_SYN_SENT) {
        seg->flags = with_flags(seg->flags, TCPSM_ACK);
        seg->ack = c->rcv_nxt;
    }
    seg->wnd = adv_wnd(c);
}

/* seg_header(), and what it keeps: every field of the TCB that tcb_ok
 * reads (proofs/frame.acsl).  Proven here, where the goal is only the
 * write and the two pointers, rather than in each caller beside the whole
 * invariant, where the provers time out on it. */
/*@ requires \valid_read(c) && \valid(seg) && \separated(c, seg);
    requires c->rcount <= c->rcap;
    assigns *seg;
    ensures len: seg->len == 0;
    ensures seq: seg->seq == seq;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void header_kept(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t flags, uint32_t seq)
{
    seg_header(c, seg, flags, seq);
}

/* A data segment of len bytes from ring offset off (seq), with PSH, URG
 * and FIN as they apply. */
/*@ requires mem: \valid_read(c) && \valid(seg) && \separated(c, seg)
                  && \valid_read(c->sbuf + (0 .. c->scap - 1)) && \valid(buf + (0 .. len - 1));
    requires apart: \separated(buf + (0 .. len - 1), c, seg, c->sbuf + (0 .. c->scap - 1))
                    && \separated(seg, c->sbuf + (0 .. c->scap - 1));
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0)
                   && off <= c->scount && len <= c->scount - off;
    requires rcv: c->rcount <= c->rcap;
    assigns *seg, buf[0 .. len - 1];
    ensures len: seg->len == len; */
static void data_segment(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t *buf,
                         uint32_t seq, uint32_t off, uint32_t len, bool fin)
{
    seg_header(c, seg, fin ? TCPSM_FIN : 0u, seq);
    ring_get(c->sbuf, c->scap, ring_pos(c->shead, off, c->scap), buf, len);
    seg->len = len;
    /* RFC 9293 3.9.1.2: PSH on the segment that carries the push point */
    if (c->snd_psh && len > 0 && seq_sub(c->snd_psh_seq, seq) >= 1u && seq_sub(c->snd_psh_seq, seq) <= len)
        seg->flags = with_flags(seg->flags, TCPSM_PSH);
    /* RFC 9293 3.10.2: the urgent pointer in outgoing segments */
    if (c->snd_urg && seq_lt(seq, c->snd_up)) {
        uint32_t up = seq_sub(c->snd_up, seq);
        seg->flags = with_flags(seg->flags, TCPSM_URG);
        seg->urp = (uint16_t)min32(up, 0xFFFFu);
    }
}

/* data_segment(), and what it keeps (see header_kept). */
/*@ requires mem: \valid_read(c) && \valid(seg) && \separated(c, seg)
                  && \valid_read(c->sbuf + (0 .. c->scap - 1)) && \valid(buf + (0 .. len - 1));
    requires apart: \separated(buf + (0 .. len - 1), c, seg, c->sbuf + (0 .. c->scap - 1))
                    && \separated(seg, c->sbuf + (0 .. c->scap - 1));
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0)
                   && off <= c->scount && len <= c->scount - off;
    requires rcv: c->rcount <= c->rcap;
    assigns *seg, buf[0 .. len - 1];
    ensures len: seg->len == len;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void data_kept(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t *buf,
                      uint32_t seq, uint32_t off, uint32_t len, bool fin)
{
    data_segment(c, seg, buf, seq, off, len, fin);
}

/* The RST reply at the front of the queue, into *seg. */
/*@ requires \valid_read(c) && c->nreply > 0 && \valid(seg) && \separated(seg, c);
    assigns *seg;
    ensures len: seg->len == 0; */
static void reply_segment(const struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    const struct tcpsm_reply *r = &c->reply[0];
    struct tcpsm_segment none = { 0 };
    *seg = none;
    seg->len = 0;                       /* (none's: WP loses the copy) */
    seg->src = r->src;
    seg->dst = r->dst;
    seg->sport = r->sport;
    seg->dport = r->dport;
    seg->flags = r->flags;
    seg->seq = r->seq;
    seg->ack = r->ack;
    seg->compartment = c->compartment;
}

/* reply_segment(), and what it keeps (see header_kept). */
/*@ requires \valid_read(c) && c->nreply > 0 && \valid(seg) && \separated(seg, c);
    assigns *seg;
    ensures len: seg->len == 0;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void reply_kept(const struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    reply_segment(c, seg);
}

/* Our SYN's header (3.7.1: with our MSS). */
/*@ requires \valid_read(c) && \valid(seg) && \separated(c, seg);
    requires c->rcount <= c->rcap;
    assigns *seg;
    ensures len: seg->len == 0; */
static void syn_segment(const struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    seg_header(c, seg, TCPSM_SYN, c->iss);
    seg->opt.has_mss = true;        /* RFC 9293 3.7.1 (MUST-14 is a SHOULD-send; we do) */
    seg->opt.mss = c->cfg.mss;
}

/* syn_segment(), and what it keeps (see header_kept). */
/*@ requires \valid_read(c) && \valid(seg) && \separated(c, seg);
    requires c->rcount <= c->rcap;
    assigns *seg;
    ensures len: seg->len == 0;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void syn_kept(const struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    syn_segment(c, seg);
}

/* The front reply is out: the others move up one. */
/*@ requires \valid(c) && 0 < c->nreply <= 4;
    assigns c->reply[0 .. 3];
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void reply_shift(struct tcpsm_conn *c)
{
    uint8_t i, n = c->nreply;
    /*@ loop invariant 1 <= i <= n;
        loop assigns i, c->reply[0 .. 3];
        loop variant n - i; */
    for (i = 1; i < n; i++)
        c->reply[i - 1u] = c->reply[i];
}

/* 1. The oldest RST reply: out of the queue into *seg. */
/*@ requires valid_tcb(c) && c->nreply > 0;
    requires \valid(seg) && \separated(seg, c);
    assigns *seg, c->reply[0 .. 3], c->nreply;
    ensures valid: valid_tcb(c);
    ensures len: seg->len == 0;
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_mss == \old(c->snd_mss) && c->snd_nxt == \old(c->snd_nxt); */
static void out_reply(struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    reply_kept(c, seg);
    //@ assert ok: tcb_ok(c);
    //@ assert mem: tcb_mem(c);
    reply_shift(c);
    //@ assert shifted: tcb_ok(c);
    c->nreply = (uint8_t)(c->nreply - 1u);
}

/* Our SYN or SYN,ACK went out: nothing of it is owed now (and no ACK, which
 * it carries but in SYN-SENT); the timers run (3.10.8). */
/*@ requires valid_tcb(c) && !unbound(c) && c->syn_acked == 0;
    assigns c->syn_unsent, c->rtx_pending, c->ack_now, c->t_rtx, c->t_user;
    ensures valid: valid_tcb(c); */
static void syn_out(struct tcpsm_conn *c, uint64_t now)
{
    c->syn_unsent = false;
    c->rtx_pending = false;
    if (c->state != TCPSM_SYN_SENT) /* the segment carries an ACK (seg_header) */
        c->ack_now = false;
    //@ assert mem: tcb_mem(c);
    //@ assert nt: tcb_ok_nt(c, c->state);
    timers_arm(c, now);
    //@ assert timers: timers_ok(c);
}

/* 2. Our SYN or SYN,ACK, new or retransmitted. */
/*@ requires valid_tcb(c) && !unbound(c) && c->syn_acked == 0;
    requires \valid(seg) && \separated(seg, c);
    assigns *seg, c->syn_unsent, c->rtx_pending, c->ack_now, c->t_rtx, c->t_user;
    ensures valid: valid_tcb(c);
    ensures len: seg->len == 0;
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_mss == \old(c->snd_mss) && c->snd_nxt == \old(c->snd_nxt); */
static void out_syn(struct tcpsm_conn *c, uint64_t now, struct tcpsm_segment *seg)
{
    syn_kept(c, seg);
    //@ assert ok: tcb_ok(c);
    //@ assert mem: tcb_mem(c);
    syn_out(c, now);
}

/* n more of sequence space went out from SND.NXT (RFC 9293 3.3.1), our
 * FIN last when fin: SND.NXT moves, and the timers run (3.10.8). */
/*@ requires tcb: valid_tcb(c) && !unbound(c)
                  && c->state != TCPSM_SYN_SENT && c->state != TCPSM_SYN_RECEIVED;
    requires flags: c->fin_sent == 0 && (fin ==> c->fin_queued != 0);
    requires n: 0 < n <= 65536;
    requires room: seq_sub_l(c->snd_nxt, c->snd_una) + n <= snd_room(c) + (fin ? 1 : 0);
    assigns c->snd_nxt, c->fin_sent, c->ack_now, c->t_rtx, c->t_user;
    ensures valid: valid_tcb(c);
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) == n;
    ensures flight: seq_sub_l(c->snd_nxt, c->snd_una) == seq_sub_l(\old(c->snd_nxt), c->snd_una) + n; */
static void sent_out(struct tcpsm_conn *c, uint64_t now, uint32_t n, bool fin)
{
    //@ assert seq_sub_l(seq_add_l(c->snd_nxt, n), c->snd_nxt) == n;
    //@ assert seq_sub_l(seq_add_l(c->snd_nxt, n), c->snd_una) == seq_sub_l(c->snd_nxt, c->snd_una) + n;
    c->snd_nxt = seq_add(c->snd_nxt, n);
    if (fin)
        c->fin_sent = true;
    c->ack_now = false;
    //@ assert mem: tcb_mem(c);
    //@ assert nt: tcb_ok_nt(c, c->state);
    timers_arm(c, now);
    //@ assert timers: timers_ok(c);
}

/* 4. len new bytes from ring offset sent (= SND.NXT - SND.UNA), with our
 * FIN when fin. */
/*@ requires tcb: valid_tcb(c) && !unbound(c);
    requires seg: \valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1));
    requires buf: \valid(buf + (0 .. len - 1))
                  && \separated(buf + (0 .. len - 1), c, seg, c->sbuf + (0 .. c->scap - 1));
    requires flags: c->syn_acked != 0 && c->fin_sent == 0 && (fin ==> c->fin_queued != 0);
    requires sent: sent == seq_sub_l(c->snd_nxt, c->snd_una);
    requires len: 0 < len <= c->scount - sent && len <= 65535;
    assigns *seg, buf[0 .. len - 1], c->snd_nxt, c->fin_sent, c->ack_now, c->t_rtx, c->t_user;
    ensures valid: valid_tcb(c);
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_mss == \old(c->snd_mss);
    ensures len: seg->len == len;
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) == len + (fin ? 1 : 0);
    ensures flight: seq_sub_l(c->snd_nxt, c->snd_una)
                    == seq_sub_l(\old(c->snd_nxt), c->snd_una) + len + (fin ? 1 : 0); */
static void out_data(struct tcpsm_conn *c, uint64_t now, struct tcpsm_segment *seg, uint8_t *buf,
                     uint32_t sent, uint32_t len, bool fin)
{
    uint32_t seq = c->snd_nxt;
    sent_out(c, now, len + (fin ? 1u : 0u), fin);
    data_kept(c, seg, buf, seq, sent, len, fin);
    //@ assert ok: tcb_ok(c);
    //@ assert mem: tcb_mem(c);
}

/* 5. our FIN, all data sent (RFC 9293 3.10.4). */
/*@ requires tcb: valid_tcb(c) && !unbound(c);
    requires seg: \valid(seg) && \separated(seg, c);
    requires flags: c->fin_queued != 0 && c->fin_sent == 0;
    assigns *seg, c->snd_nxt, c->fin_sent, c->ack_now, c->t_rtx, c->t_user;
    ensures valid: valid_tcb(c);
    ensures len: seg->len == 0;
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) == 1;
    ensures flight: seq_sub_l(c->snd_nxt, c->snd_una) == seq_sub_l(\old(c->snd_nxt), c->snd_una) + 1; */
static void out_fin(struct tcpsm_conn *c, uint64_t now, struct tcpsm_segment *seg)
{
    header_kept(c, seg, TCPSM_FIN, c->snd_nxt);
    //@ assert ok: tcb_ok(c);
    //@ assert mem: tcb_mem(c);
    sent_out(c, now, 1u, true);
}

/* 6. a bare ACK. */
/*@ requires tcb: valid_tcb(c) && !unbound(c);
    requires seg: \valid(seg) && \separated(seg, c);
    assigns *seg, c->ack_now;
    ensures valid: valid_tcb(c);
    ensures len: seg->len == 0;
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_mss == \old(c->snd_mss) && c->snd_nxt == \old(c->snd_nxt); */
static void out_ack(struct tcpsm_conn *c, struct tcpsm_segment *seg)
{
    c->ack_now = false;
    header_kept(c, seg, 0u, c->snd_nxt);
}

/* The probe's header and MAY-6's garbage octet, and what they keep, as
 * header_kept(): the writes are apart from the TCB. */
/*@ requires \valid_read(c) && \valid(seg) && \separated(c, seg);
    requires c->rcount <= c->rcap;
    requires buf: (buf == \null ==> cap == 0) && (buf != \null ==> (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, seg)));
    assigns *seg, buf[0 .. cap - 1];
    ensures len: seg->len <= cap && seg->len <= 1;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static void probe_kept(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    bool garbage = c->cc.probe_garbage && cap > 0;
    header_kept(c, seg, 0u, seq_sub(c->snd_nxt, 1u));
    if (garbage) {
        buf[0] = 0;                     /* MAY-6: one garbage octet */
        seg->len = 1;
    }
}

/* A keep-alive (RFC 9293 3.8.4), or a zero-window probe when the caller's
 * buffer takes no octet: <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, which is
 * outside the peer's window, so the peer answers with an ACK; with MAY-6's
 * garbage octet when asked for.  (A zero-window probe otherwise carries
 * one octet of new data: NEW_PROBE_DATA.) */
/*@ requires tcb: valid_tcb(c) && !unbound(c);
    requires seg: \valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1));
    requires buf: (buf == \null ==> cap == 0) && (buf != \null ==> (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, seg, c->sbuf + (0 .. c->scap - 1))));
    assigns *seg, buf[0 .. cap - 1], c->ack_now;
    ensures valid: valid_tcb(c);
    ensures len: seg->len <= cap && seg->len <= 1;
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_mss == \old(c->snd_mss) && c->snd_nxt == \old(c->snd_nxt); */
static void out_probe(struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    c->ack_now = false;
    probe_kept(c, seg, buf, cap);
}

/* How many new bytes may go now: the unsent ones, within the peer's
 * window (SND.UNA + SND.WND, RFC 9293 3.8.6) and the congestion window
 * (RFC 5681 3, MUST-19), one MSS (3.7.1) and the caller's buffer; none
 * before our SYN is acked or after our FIN. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures bound: \result <= unsent && \result <= cap && \result <= c->snd_mss;
    ensures when: \result > 0 ==> (c->syn_acked != 0 && c->fin_sent == 0); */
static uint32_t new_len(const struct tcpsm_conn *c, uint32_t unsent, uint32_t cap)
{
    uint32_t inflight, room, len;
    if (!c->syn_acked || c->fin_sent || unsent == 0 || cap == 0)
        return 0;
    inflight = seq_sub(c->snd_nxt, c->snd_una);
    room = min32(c->snd_wnd, tcpsm_cc_window(c));
    room = room > inflight ? room - inflight : 0u;
    len = min32(min32(unsent, room), min32(c->snd_mss, cap));
    if (len == 0 || len >= min32(c->snd_mss, cap))
        return len;                     /* RFC 9293 3.8.6.2.1 (a): a full segment */
    if (c->cc.probe_now)
        return len;                     /* (d): the override timeout ran out (cc.c) */
    /* RFC 9293 3.7.4 (SHLD-7): Nagle: while data is unacknowledged a short
     * segment waits, but the last one before our FIN */
    if (c->cfg.nagle && inflight > 0 && !(c->fin_queued && len == unsent))
        return 0;
    /* RFC 9293 3.8.6.2.1 (MUST-38): sender SWS avoidance: a short segment
     * goes when it holds all that is queued (b) or half the largest window
     * the peer offered (c) */
    if (len == unsent || len >= c->max_snd_wnd / 2u)
        return len;
    return 0;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result <==> ((c->ack_now != 0 && c->cc.ack_delay == 0) || c->cc.wnd_update != 0); */
static bool ack_owed(const struct tcpsm_conn *c)
{
    return (c->ack_now && !c->cc.ack_delay) || c->cc.wnd_update;
}

#define NEW_NONE 0u
#define NEW_DATA 1u
#define NEW_FIN 2u
#define NEW_PROBE 3u
#define NEW_ACK 4u
#define NEW_PROBE_DATA 5u

/* Which of steps 4.-6. of tcpsm_output applies, given the unsent bytes
 * and the length new_len allows. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures data: \result == NEW_DATA <==> len > 0;
    ensures fin: \result == NEW_FIN
                 <==> (len == 0 && c->fin_queued != 0 && c->fin_sent == 0 && unsent == 0);
    ensures pdata: \result == NEW_PROBE_DATA
                   <==> (len == 0 && !(c->fin_queued != 0 && c->fin_sent == 0 && unsent == 0)
                         && c->cc.probe_now != 0
                         && unsent > 0 && cap > 0 && c->syn_acked != 0 && c->fin_sent == 0);
    ensures probe: \result == NEW_PROBE
                   <==> (len == 0 && !(c->fin_queued != 0 && c->fin_sent == 0 && unsent == 0)
                         && c->cc.probe_now != 0
                         && !(unsent > 0 && cap > 0 && c->syn_acked != 0 && c->fin_sent == 0));
    ensures ack: \result == NEW_ACK
                 <==> (len == 0 && !(c->fin_queued != 0 && c->fin_sent == 0 && unsent == 0)
                       && c->cc.probe_now == 0
                       && ((c->ack_now != 0 && c->cc.ack_delay == 0) || c->cc.wnd_update != 0));
    ensures range: \result <= NEW_PROBE_DATA; */
static unsigned new_kind(const struct tcpsm_conn *c, uint32_t unsent, uint32_t len, uint32_t cap)
{
    if (len > 0)
        return NEW_DATA;
    if (c->fin_queued && !c->fin_sent && unsent == 0)
        return NEW_FIN;
    if (c->cc.probe_now && unsent > 0 && cap > 0 && c->syn_acked && !c->fin_sent)
        return NEW_PROBE_DATA;
    if (c->cc.probe_now)
        return NEW_PROBE;
    if (ack_owed(c))
        return NEW_ACK;
    return NEW_NONE;
}

/* What steps 3.-6. of tcpsm_output ensure (3. in out_rtx, 4.-6. in
 * out_new): each a function of its own, so that the proof of each
 * follows a few paths; out_new's cases are a switch,
 * one goal each. */
/*@ requires tcb: valid_tcb(c) && !unbound(c) && c->state != TCPSM_SYN_SENT;
    requires syn: c->syn_acked != 0 || (c->syn_unsent == 0 && c->rtx_pending == 0);
    requires seg: \valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1));
    requires buf: (buf == \null ==> cap == 0) && (buf != \null ==> (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, seg, c->sbuf + (0 .. c->scap - 1))));
    assigns c->ack_now, c->t_rtx, c->t_user, c->snd_nxt, c->fin_sent, *seg, buf[0 .. cap - 1];
    ensures valid: valid_tcb(c);
    ensures state: c->state == \old(c->state);
    ensures una: c->snd_una == \old(c->snd_una);
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) <= (\result == TCPSM_OK ? seg->len + 1 : 0);
    ensures flight: seq_sub_l(\old(c->snd_nxt), c->snd_una) <= seq_sub_l(c->snd_nxt, c->snd_una);
    ensures seg: \result == TCPSM_OK ==> (seg->len <= cap && seg->len <= c->snd_mss);
    ensures result: \result == TCPSM_OK || \result == TCPSM_ERR_EMPTY; */
static enum tcpsm_err out_new(struct tcpsm_conn *c, uint64_t now,
                              struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    uint32_t sent = snd_sent(c);
    uint32_t unsent = c->scount - sent;
    uint32_t len = new_len(c, unsent, cap);

    switch (new_kind(c, unsent, len, cap)) {
    case NEW_DATA:                      /* 4. new data within SND.WND (RFC 9293 3.8.6, 3.10.2) */
        out_data(c, now, seg, buf, sent, len, c->fin_queued && len == unsent);
        return TCPSM_OK;
    case NEW_PROBE_DATA:                /* RFC 9293 3.8.6.1: a zero-window probe carries */
        out_data(c, now, seg, buf, sent, 1u, false);    /* one octet of new data */
        return TCPSM_OK;
    case NEW_FIN:                       /* 5. our FIN once every queued byte went out (3.10.4) */
        out_fin(c, now, seg);
        return TCPSM_OK;
    case NEW_PROBE:                     /* a keep-alive (3.8.4), or a probe with no data */
        out_probe(c, seg, buf, cap);
        return TCPSM_OK;
    case NEW_ACK:                       /* 6. an ACK still owed, unless it may wait (3.8.6.3),
                                         * or a window update (3.8.6.2.2) */
        out_ack(c, seg);
        return TCPSM_OK;
    default:
        return TCPSM_ERR_EMPTY;
    }
}

/* 3. retransmission: the front of the queue (RFC 9293 3.10.8, RFC 5681
 * 3.2 fast retransmit); with nothing to resend, on to 4.-6. */
/*@ requires tcb: valid_tcb(c) && !unbound(c) && c->state != TCPSM_SYN_SENT;
    requires syn: c->syn_acked != 0 || (c->syn_unsent == 0 && c->rtx_pending == 0);
    requires seg: \valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1));
    requires buf: (buf == \null ==> cap == 0) && (buf != \null ==> (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, seg, c->sbuf + (0 .. c->scap - 1))));
    assigns c->rtx_pending, c->ack_now, c->t_rtx, c->t_user, c->snd_nxt, c->fin_sent, *seg,
            buf[0 .. cap - 1];
    ensures valid: valid_tcb(c);
    ensures state: c->state == \old(c->state);
    ensures una: c->snd_una == \old(c->snd_una);
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) <= (\result == TCPSM_OK ? seg->len + 1 : 0);
    ensures flight: seq_sub_l(\old(c->snd_nxt), c->snd_una) <= seq_sub_l(c->snd_nxt, c->snd_una);
    ensures seg: \result == TCPSM_OK ==> (seg->len <= cap && seg->len <= c->snd_mss);
    ensures result: \result == TCPSM_OK || \result == TCPSM_ERR_EMPTY; */
static enum tcpsm_err out_rtx(struct tcpsm_conn *c, uint64_t now,
                              struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    c->rtx_pending = false;
    if (c->syn_acked && c->snd_una != c->snd_nxt) {
        uint32_t sent = snd_sent(c);
        uint32_t len = min32(min32(sent, c->snd_mss), cap);
        bool fin = c->fin_sent && !c->fin_acked && len == sent;
        data_kept(c, seg, buf, c->snd_una, 0, len, fin);
        c->ack_now = false;
        return TCPSM_OK;
    }
    return out_new(c, now, seg, buf, cap);
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result <==> unbound(c); */
static bool is_unbound(const struct tcpsm_conn *c)
{
    return c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result <==> (c->syn_acked == 0 && (c->syn_unsent != 0 || c->rtx_pending != 0)); */
static bool syn_owed(const struct tcpsm_conn *c)
{
    return !c->syn_acked && (c->syn_unsent || c->rtx_pending);
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result <==> (c->rtx_pending != 0 || c->cc.fast_rtx != 0); */
static bool rtx_owed(const struct tcpsm_conn *c)
{
    return c->rtx_pending || c->cc.fast_rtx;
}

/*@ assigns \nothing;
    ensures \result <==> (seg != \null && (buf != \null || cap == 0)); */
static bool output_args(const struct tcpsm_segment *seg, const uint8_t *buf, uint32_t cap)
{
    return seg != NULL && (buf != NULL || cap == 0);
}

/* tcpsm_output once its arguments are known to be good.  Each test is
 * one call, so that the proof follows one path per step. */
/*@ requires tcb: valid_tcb(c);
    requires seg: \valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1));
    requires buf: (buf == \null ==> cap == 0) && (buf != \null ==> (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, seg, c->sbuf + (0 .. c->scap - 1))));
    assigns c->reply[0 .. 3], c->nreply, c->ack_now, c->syn_unsent, c->rtx_pending,
            c->t_rtx, c->t_user, c->snd_nxt, c->fin_sent, *seg, buf[0 .. cap - 1];
    ensures valid: valid_tcb(c);
    ensures state: c->state == \old(c->state);
    ensures una: c->snd_una == \old(c->snd_una);
    ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) <= (\result == TCPSM_OK ? seg->len + 1 : 0);
    ensures flight: seq_sub_l(\old(c->snd_nxt), c->snd_una) <= seq_sub_l(c->snd_nxt, c->snd_una);
    ensures seg: \result == TCPSM_OK ==> (seg->len <= cap && seg->len <= c->snd_mss);
    ensures result: \result == TCPSM_OK || \result == TCPSM_ERR_EMPTY; */
static enum tcpsm_err output_step(struct tcpsm_conn *c, uint64_t now,
                                  struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    /* 1. RST replies, oldest first */
    if (c->nreply > 0) {
        out_reply(c, seg);
        //@ assert v_reply: valid_tcb(c);
        //@ assert s_reply: seg->len <= cap && seg->len <= c->snd_mss;
        return TCPSM_OK;
    }
    if (is_unbound(c)) {
        c->ack_now = false;
        //@ assert v_unbound: valid_tcb(c);
        return TCPSM_ERR_EMPTY;
    }

    /* 2. our SYN or SYN,ACK: new, or retransmitted */
    if (syn_owed(c)) {
        out_syn(c, now, seg);
        //@ assert v_syn: valid_tcb(c);
        //@ assert s_syn: seg->len <= cap && seg->len <= c->snd_mss;
        return TCPSM_OK;
    }
    if (c->state == TCPSM_SYN_SENT)
        return TCPSM_ERR_EMPTY;

    /* 3. retransmission first (or a fast retransmit, RFC 5681 3.2, that
     * cc.c asks for), then 4.-6. */
    if (rtx_owed(c))
        return out_rtx(c, now, seg, buf, cap);
    return out_new(c, now, seg, buf, cap);
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_output(struct tcpsm_conn *c, uint64_t now,
                            struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    enum tcpsm_err e;
    uint32_t b_nxt;
    bool b_syn_unsent;
    if (!call_ok(c) || !output_args(seg, buf, cap))
        return TCPSM_ERR_INVAL;
    b_nxt = c->snd_nxt;
    b_syn_unsent = c->syn_unsent;
    cc_before_send(c, now);             /* RFC 5681 4.1, 3.8.6.2.2 (cc.c) */
    //@ assert nxt0: c->snd_nxt == b_nxt;
    e = output_step(c, now, seg, buf, cap);
    //@ assert nxt1: seq_sub_l(c->snd_nxt, b_nxt) <= (e == TCPSM_OK ? seg->len + 1 : 0);
    /* what went out, for cc.c: RTT timing, Karn, delayed ACK, probes,
     * the window offered, the timers */
    cc_output_done(c, now, seg, e == TCPSM_OK, b_nxt, b_syn_unsent);
    //@ assert nxt2: seq_sub_l(c->snd_nxt, b_nxt) <= (e == TCPSM_OK ? seg->len + 1 : 0);
    return e;
}
