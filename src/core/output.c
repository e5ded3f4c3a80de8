/*
 * output.c: the timeouts of RFC 9293 3.10.8 and segment output (pulled:
 * the TCB remembers what is owed and tcpsm_output() forms one segment a
 * call).
 */

#include "conn_impl.h"

/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result == \min(c->rcap - c->rcount, 65535); */
static uint16_t adv_wnd(const struct tcpsm_conn *c)
{
    return (uint16_t)min32(rcv_wnd(c), 0xFFFFu);
}

/* Bytes of the send ring already sent (between SND.UNA and SND.NXT). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures bound: \result <= c->scount; */
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
    assigns c->t_rtx, c->t_user;
    ensures rtx_running: c->t_rtx != 18446744073709551615; */
static void timers_arm(struct tcpsm_conn *c, uint64_t now)
{
    if (c->t_rtx == TCPSM_NEVER)
        c->t_rtx = deadline_after(now, c->rto_us);
    if (c->t_user == TCPSM_NEVER && c->cfg.user_timeout_us != 0)
        c->t_user = deadline_after(now, c->cfg.user_timeout_us);
}

/*@ requires c == \null || \valid_read(c);
    assigns \nothing;
    ensures c != \null ==> (\result <= c->t_rtx && \result <= c->t_user && \result <= c->t_2msl); */
uint64_t tcpsm_next_deadline(const struct tcpsm_conn *c)
{
    uint64_t t;
    if (c == NULL)
        return TCPSM_NEVER;
    t = c->t_rtx;
    if (c->t_user < t)
        t = c->t_user;
    if (c->t_2msl < t)
        t = c->t_2msl;
    return t;
}

/*@ requires valid_tcb(c);
    assigns *c;
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_timer(struct tcpsm_conn *c, uint64_t now)
{
    struct call k = { 0 };
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    c->nlog = 0;
    k.now = now;
    /* A due timer that the state has no row for is stopped, so that a
     * driver waiting on tcpsm_next_deadline() never spins on it. */
    if (c->t_user != TCPSM_NEVER && now >= c->t_user) {
        c->t_user = TCPSM_NEVER;
        return tcpsm_fire(c, &k, TCPSM_EV_TIMEOUT_USER);
    }
    if (c->t_2msl != TCPSM_NEVER && now >= c->t_2msl) {
        c->t_2msl = TCPSM_NEVER;
        return tcpsm_fire(c, &k, TCPSM_EV_TIMEOUT_2MSL);
    }
    if (c->t_rtx != TCPSM_NEVER && now >= c->t_rtx) {
        c->t_rtx = TCPSM_NEVER;
        if (c->snd_una == c->snd_nxt)
            return TCPSM_OK;            /* nothing outstanding */
        return tcpsm_fire(c, &k, TCPSM_EV_TIMEOUT_RTX);   /* re-arms the timer */
    }
    return TCPSM_OK;
}

static void seg_header(const struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t flags, uint32_t seq)
{
    struct tcpsm_segment none = { 0 };
    *seg = none;
    seg->src = c->local.ip;
    seg->dst = c->remote.ip;
    seg->sport = c->local.port;
    seg->dport = c->remote.port;
    seg->compartment = c->compartment;
    seg->seq = seq;
    seg->flags = flags;
    if (c->state != TCPSM_SYN_SENT) {
        seg->flags |= TCPSM_ACK;
        seg->ack = c->rcv_nxt;
    }
    seg->wnd = adv_wnd(c);
}

/* A data segment of len bytes from ring offset off (seq), with PSH, URG
 * and FIN as they apply. */
static void data_segment(struct tcpsm_conn *c, struct tcpsm_segment *seg, uint8_t *buf,
                         uint32_t seq, uint32_t off, uint32_t len, bool fin)
{
    seg_header(c, seg, fin ? TCPSM_FIN : 0u, seq);
    ring_get(c->sbuf, c->scap, ring_pos(c->shead, off, c->scap), buf, len);
    seg->len = len;
    /* RFC 9293 3.9.1.2: PSH on the segment that carries the push point */
    if (c->snd_psh && len > 0 && seq_sub(c->snd_psh_seq, seq) >= 1u && seq_sub(c->snd_psh_seq, seq) <= len)
        seg->flags |= TCPSM_PSH;
    /* RFC 9293 3.10.2: the urgent pointer in outgoing segments */
    if (c->snd_urg && seq_lt(seq, c->snd_up)) {
        uint32_t up = seq_sub(c->snd_up, seq);
        seg->flags |= TCPSM_URG;
        seg->urp = (uint16_t)min32(up, 0xFFFFu);
    }
}

enum tcpsm_err tcpsm_output(struct tcpsm_conn *c, uint64_t now,
                            struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap)
{
    uint32_t sent, unsent;
    if (!call_ok(c) || seg == NULL || (buf == NULL && cap != 0))
        return TCPSM_ERR_INVAL;

    /* 1. RST replies, oldest first */
    if (c->nreply > 0) {
        const struct tcpsm_reply *r = &c->reply[0];
        struct tcpsm_segment none = { 0 };
        uint8_t i;
        *seg = none;
        seg->src = r->src;
        seg->dst = r->dst;
        seg->sport = r->sport;
        seg->dport = r->dport;
        seg->flags = r->flags;
        seg->seq = r->seq;
        seg->ack = r->ack;
        seg->compartment = c->compartment;
        for (i = 1; i < c->nreply; i++)
            c->reply[i - 1u] = c->reply[i];
        c->nreply--;
        return TCPSM_OK;
    }
    if (c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN) {
        c->ack_now = false;
        return TCPSM_ERR_EMPTY;
    }

    /* 2. our SYN or SYN,ACK: new, or retransmitted */
    if (!c->syn_acked && (c->syn_unsent || c->rtx_pending)) {
        seg_header(c, seg, TCPSM_SYN, c->iss);
        seg->opt.has_mss = true;        /* RFC 9293 3.7.1 (MUST-14 is a SHOULD-send; we do) */
        seg->opt.mss = c->cfg.mss;
        c->syn_unsent = false;
        c->rtx_pending = false;
        if (seg->flags & TCPSM_ACK)
            c->ack_now = false;
        timers_arm(c, now);
        return TCPSM_OK;
    }
    if (c->state == TCPSM_SYN_SENT)
        return TCPSM_ERR_EMPTY;

    sent = snd_sent(c);
    unsent = c->scount - sent;

    /* 3. retransmission: the front of the queue (RFC 9293 3.10.8) */
    if (c->rtx_pending) {
        c->rtx_pending = false;
        if (c->syn_acked && c->snd_una != c->snd_nxt) {
            uint32_t len = min32(min32(sent, c->snd_mss), cap);
            bool fin = c->fin_sent && !c->fin_acked && len == sent;
            data_segment(c, seg, buf, c->snd_una, 0, len, fin);
            c->ack_now = false;
            return TCPSM_OK;
        }
    }

    /* 4. new data within SND.WND (RFC 9293 3.8.6, 3.10.2) */
    if (c->syn_acked && !c->fin_sent && unsent > 0 && cap > 0) {
        uint32_t inflight = seq_sub(c->snd_nxt, c->snd_una);
        uint32_t room = c->snd_wnd > inflight ? c->snd_wnd - inflight : 0u;
        uint32_t len = min32(min32(unsent, room), min32(c->snd_mss, cap));
        if (len > 0) {
            bool fin = c->fin_queued && len == unsent;
            data_segment(c, seg, buf, c->snd_nxt, sent, len, fin);
            c->snd_nxt = seq_add(c->snd_nxt, len + (fin ? 1u : 0u));
            if (fin)
                c->fin_sent = true;
            c->ack_now = false;
            timers_arm(c, now);
            return TCPSM_OK;
        }
    }

    /* 5. our FIN once every queued byte went out (RFC 9293 3.10.4) */
    if (c->fin_queued && !c->fin_sent && unsent == 0) {
        seg_header(c, seg, TCPSM_FIN, c->snd_nxt);
        c->snd_nxt = seq_add(c->snd_nxt, 1u);
        c->fin_sent = true;
        c->ack_now = false;
        timers_arm(c, now);
        return TCPSM_OK;
    }

    /* 6. an ACK that is still owed */
    if (c->ack_now) {
        seg_header(c, seg, 0u, c->snd_nxt);
        c->ack_now = false;
        return TCPSM_OK;
    }
    return TCPSM_ERR_EMPTY;
}
