/*
 * check.c: tcpsm_conn_check(), the TCB invariant.
 *
 * Implementation notes: this is the executable twin of the ACSL predicate
 * valid_tcb.  It reads the TCB only and reports the first invariant that
 * does not hold, in the order of enum tcpsm_inv.  The unit tests call it
 * after every step, the fuzzers use it as their oracle, and the demo
 * aborts when it fails.
 */
#include "contracts.h"   /* seq.h, tcpsm.h, tcb_ok (proofs/tcb.acsl) */

#define NEVER TCPSM_NEVER

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> no_peer_state(c); */
static bool no_peer_state(const struct tcpsm_conn *c)
{
    return c->scount == 0 && c->rcount == 0 && c->nooo == 0 && !c->ooo_fin
           && !c->fin_queued && !c->fin_sent && !c->fin_rcvd;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> (c->scap <= 1073741824 && c->scount <= c->scap
                               && (c->scap > 0 ? c->shead < c->scap : c->shead == 0)); */
static bool send_ring_good(const struct tcpsm_conn *c)
{
    if (c->scap > TCPSM_MAX_BUF || c->scount > c->scap)
        return false;
    return c->scap > 0 ? c->shead < c->scap : c->shead == 0;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures codes: \result == TCPSM_INV_OK || \result == TCPSM_INV_SND_RING
                   || \result == TCPSM_INV_SND_ORDER || \result == TCPSM_INV_SND_BUF;
    ensures def: \result == TCPSM_INV_OK <==> send_ok(c); */
static enum tcpsm_inv check_send(const struct tcpsm_conn *c)
{
    uint32_t inflight, room;
    if (!send_ring_good(c))
        return TCPSM_INV_SND_RING;
    if (c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN)
        return TCPSM_INV_OK;
    inflight = seq_sub(c->snd_nxt, c->snd_una);
    room = c->scount + (c->syn_acked ? 0u : 1u) + ((c->fin_sent && !c->fin_acked) ? 1u : 0u);
    if (inflight >= 0x80000000u)
        return TCPSM_INV_SND_ORDER;     /* SND.UNA =< SND.NXT */
    if (inflight > room)
        return TCPSM_INV_SND_BUF;       /* SND.NXT =< SND.UNA + what is queued */
    if ((c->state == TCPSM_SYN_SENT || c->state == TCPSM_SYN_RECEIVED)
        && (c->snd_una != c->iss || c->snd_nxt != seq_add(c->iss, 1u)))
        return TCPSM_INV_SND_BUF;
    return TCPSM_INV_OK;
}

/* Each test is a function of its own: a condition of several || inside
 * check_recv made its goals too big to simplify in reasonable time. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> (c->rcap <= 1073741824 && c->rcount <= c->rcap
                               && (c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0)); */
static bool recv_ring_good(const struct tcpsm_conn *c)
{
    if (c->rcap > TCPSM_MAX_BUF || c->rcount > c->rcap)
        return false;
    return c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0;
}

/*@ requires \valid_read(c) && i < 8;
    requires c->rcount <= c->rcap && wnd == rcv_wnd_l(c);
    assigns \nothing;
    ensures def: \result <==> (range_ok(c, i) && (i > 0 ==> c->ooo[i].off > prev_end)); */
static bool range_good(const struct tcpsm_conn *c, uint32_t i, uint32_t wnd, uint32_t prev_end)
{
    const struct tcpsm_range *r = &c->ooo[i];
    /* not empty, after RCV.NXT, inside RCV.WND */
    if (r->len == 0 || r->off == 0 || r->off > wnd || r->len > wnd - r->off)
        return false;
    return i == 0 || r->off > prev_end;     /* sorted, neither overlapping nor touching */
}

/*@ requires \valid_read(c);
    requires c->rcount <= c->rcap && wnd == rcv_wnd_l(c);
    assigns \nothing;
    ensures def: \result <==> ((c->ooo_fin != 0 ==> (c->ooo_fin_off != 0 && c->ooo_fin_off < wnd
                                                    && c->ooo_fin_off >= prev_end))
                               && (c->ooo_psh != 0 ==> (c->ooo_psh_off != 0
                                                        && c->ooo_psh_off <= wnd))); */
static bool held_good(const struct tcpsm_conn *c, uint32_t wnd, uint32_t prev_end)
{
    if (c->ooo_fin && (c->ooo_fin_off == 0 || c->ooo_fin_off >= wnd || c->ooo_fin_off < prev_end))
        return false;                   /* a held FIN: in the window, after the held text */
    if (c->ooo_psh && (c->ooo_psh_off == 0 || c->ooo_psh_off > wnd))
        return false;
    return true;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures codes: \result == TCPSM_INV_OK || \result == TCPSM_INV_RCV_RING
                   || \result == TCPSM_INV_RCV_WND || \result == TCPSM_INV_OOO;
    ensures def: \result == TCPSM_INV_OK <==> recv_ok(c); */
static enum tcpsm_inv check_recv(const struct tcpsm_conn *c)
{
    uint32_t wnd, prev_end = 0, i;
    if (!recv_ring_good(c))
        return TCPSM_INV_RCV_RING;
    if (c->rpush > c->rcount)
        return TCPSM_INV_RCV_WND;
    wnd = c->rcap - c->rcount;          /* RCV.WND */
    if (c->nooo > TCPSM_OOO_MAX)
        return TCPSM_INV_OOO;
    /*@ loop invariant bound: 0 <= i <= c->nooo;
        loop invariant seen: ranges_ok(c, i);
        loop invariant end: prev_end == last_end(c, i);
        loop assigns i, prev_end;
        loop variant c->nooo - i; */
    for (i = 0; i < c->nooo; i++) {
        if (!range_good(c, i, wnd, prev_end))
            return TCPSM_INV_OOO;
        prev_end = c->ooo[i].off + c->ooo[i].len;
    }
    if (!held_good(c, wnd, prev_end))
        return TCPSM_INV_OOO;
    return TCPSM_INV_OK;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures codes: \result == TCPSM_INV_OK || \result == TCPSM_INV_CLOSED_TIMERS
                   || \result == TCPSM_INV_TIMEWAIT_TIMER || \result == TCPSM_INV_RTX_TIMER;
    ensures def: \result == TCPSM_INV_OK <==> timers_ok(c); */
static enum tcpsm_inv check_timers(const struct tcpsm_conn *c)
{
    if (c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN) {
        if (c->t_rtx != NEVER || c->t_user != NEVER || c->t_2msl != NEVER)
            return TCPSM_INV_CLOSED_TIMERS;
        return TCPSM_INV_OK;
    }
    if ((c->t_2msl != NEVER) != (c->state == TCPSM_TIME_WAIT))
        return TCPSM_INV_TIMEWAIT_TIMER;
    if (c->state == TCPSM_TIME_WAIT && (c->t_rtx != NEVER || c->t_user != NEVER))
        return TCPSM_INV_TIMEWAIT_TIMER;
    if (c->t_rtx != NEVER && c->snd_una == c->snd_nxt)
        return TCPSM_INV_RTX_TIMER;
    return TCPSM_INV_OK;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures codes: \result == TCPSM_INV_OK || \result == TCPSM_INV_SYN_STATE
                   || \result == TCPSM_INV_FIN_STATE;
    ensures def: \result == TCPSM_INV_OK <==> flags_ok(c); */
static enum tcpsm_inv check_flags(const struct tcpsm_conn *c)
{
    unsigned s = c->state;
    /* SYN: unacknowledged exactly while SYN-SENT/SYN-RECEIVED (FIN-WAIT-1
     * and CLOSING may be reached from SYN-RECEIVED before the ACK). */
    if ((s == TCPSM_SYN_SENT || s == TCPSM_SYN_RECEIVED) && c->syn_acked)
        return TCPSM_INV_SYN_STATE;
    if ((s == TCPSM_ESTABLISHED || s == TCPSM_FIN_WAIT_2 || s == TCPSM_CLOSE_WAIT
         || s == TCPSM_LAST_ACK || s == TCPSM_TIME_WAIT) && !c->syn_acked)
        return TCPSM_INV_SYN_STATE;
    /* FIN: the flags follow Figure 5. */
    if ((c->fin_sent && !c->fin_queued) || (c->fin_acked && !c->fin_sent))
        return TCPSM_INV_FIN_STATE;
    switch (s) {
    case TCPSM_SYN_SENT:
    case TCPSM_SYN_RECEIVED:
    case TCPSM_ESTABLISHED:
        if (c->fin_queued || c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_FIN_WAIT_1:
        if (!c->fin_queued || c->fin_acked || c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_FIN_WAIT_2:
        if (!c->fin_acked || c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_CLOSE_WAIT:
        if (c->fin_queued || !c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_CLOSING:
        if (!c->fin_queued || c->fin_acked || !c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_LAST_ACK:
        if (!c->fin_queued || c->fin_acked || !c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    case TCPSM_TIME_WAIT:
        if (!c->fin_acked || !c->fin_rcvd)
            return TCPSM_INV_FIN_STATE;
        break;
    default:
        break;
    }
    return TCPSM_INV_OK;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> ((c->sbuf == \null ==> c->scap == 0)
                               && (c->rbuf == \null ==> c->rcap == 0)); */
static bool bufs_good(const struct tcpsm_conn *c)
{
    if (c->sbuf == NULL && c->scap != 0)
        return false;
    return c->rbuf != NULL || c->rcap == 0;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> config_ok(c); */
static bool config_good(const struct tcpsm_conn *c)
{
    if (c->cfg.mss == 0 || c->cfg.rto_initial_us == 0 || c->cfg.rto_max_us < c->cfg.rto_initial_us)
        return false;
    return c->cfg.msl_us <= 0x7FFFFFFFu && c->nlog <= TCPSM_LOG_MAX
           && c->nreply <= TCPSM_REPLY_MAX;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures def: \result <==> peer_ok(c); */
static bool peer_good(const struct tcpsm_conn *c)
{
    if (c->state == TCPSM_LISTEN)       /* LISTEN has no peer: the foreign socket is what OPEN gave */
        return no_peer_state(c) && c->remote.port == c->open_remote.port
               && c->remote.ip.family == c->open_remote.ip.family;
    return c->state != TCPSM_CLOSED || no_peer_state(c);
}

/* Contract: contracts.h (twin: the result is OK exactly when tcb_ok). */
enum tcpsm_inv tcpsm_conn_check(const struct tcpsm_conn *c)
{
    enum tcpsm_inv r;
    if (c == NULL || !bufs_good(c))
        return TCPSM_INV_NULL;
    if (c->state >= TCPSM_NSTATES)
        return TCPSM_INV_STATE;
    if (!config_good(c))
        return TCPSM_INV_CONFIG;
    if ((r = check_send(c)) != TCPSM_INV_OK)
        return r;
    if ((r = check_recv(c)) != TCPSM_INV_OK)
        return r;
    if (!peer_good(c))
        return TCPSM_INV_LISTEN_PEER;
    if ((r = check_timers(c)) != TCPSM_INV_OK)
        return r;
    if ((r = check_flags(c)) != TCPSM_INV_OK)
        return r;
    if (c->snd_mss == 0)
        return TCPSM_INV_MSS;
    return TCPSM_INV_OK;
}
