/*
 * user.c: the user calls of RFC 9293 3.10.1 - 3.10.6 (OPEN, SEND, RECEIVE,
 * CLOSE, ABORT, STATUS).  Each checks its arguments, then fires its event.
 */

#include "conn_impl.h"

/*@ requires \valid_read(e);
    assigns \nothing;
    ensures \result <==> (e->port != 0
                         && (e->ip.family == TCPSM_AF_INET || e->ip.family == TCPSM_AF_INET6)); */
static bool endpoint_specified(const struct tcpsm_endpoint *e)
{
    return e->port != 0 && addr_specified(&e->ip);
}

/* The start every user call shares, once its arguments are known to be
 * good (a refused call changes nothing): clear this call's log, and in
 * CLOSED report a pending reset, refusal or timeout once.  Anything but
 * TCPSM_OK is the call's result. */
/*@ requires \valid(c) && \valid(k) && \separated(c, k);
    assigns c->nlog, c->error, *k;
    ensures c->nlog == 0 && k->now == now && k->seg == \null && k->open == \null
            && k->data == \null && k->len == 0 && k->accepted == \null && k->rbuf == \null
            && k->rcap == 0 && k->got == \null && k->rflags == \null;
    ensures \old(c->state) != TCPSM_CLOSED ==> c->error == \old(c->error); */
static enum tcpsm_err begin_call(struct tcpsm_conn *c, struct call *k, uint64_t now)
{
    enum tcpsm_err e = TCPSM_OK;
    struct call none = { 0 };
    c->nlog = 0;
    *k = none;
    k->now = now;
    if (c->state == TCPSM_CLOSED && c->error != TCPSM_OK) {
        e = (enum tcpsm_err)c->error;
        c->error = TCPSM_OK;
    }
    return e;
}

/*@ requires valid_tcb(c);
    requires o == \null || (\valid_read(o) && \separated(o, c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_open(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_open *o)
{
    struct call k;
    if (!call_ok(c) || o == NULL || o->local.port == 0
        || (addr_specified(&o->local.ip) && addr_specified(&o->remote.ip)
            && o->local.ip.family != o->remote.ip.family))
        return TCPSM_ERR_INVAL;
    (void)begin_call(c, &k, now);       /* a new OPEN forgets the old error */
    k.open = o;
    /* RFC 9293 3.10.1: an active OPEN needs the remote socket */
    if (o->active && (c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN)
        && !endpoint_specified(&o->remote))
        return TCPSM_ERR_UNSPECIFIED;
    return tcpsm_fire(c, &k, o->active ? TCPSM_EV_OPEN_ACTIVE : TCPSM_EV_OPEN_PASSIVE);
}

/*@ requires valid_tcb(c);
    requires data == \null
             || (\valid_read(data + (0 .. len - 1))
                 && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1)));
    requires accepted == \null
             || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns *c, c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_send(struct tcpsm_conn *c, uint64_t now, const uint8_t *data,
                          uint32_t len, unsigned flags, uint32_t *accepted)
{
    struct call k;
    enum tcpsm_err e;
    if (!call_ok(c) || (data == NULL && len != 0))
        return TCPSM_ERR_INVAL;
    if (accepted != NULL)
        *accepted = 0;
    if ((e = begin_call(c, &k, now)) != TCPSM_OK)
        return e;
    if (c->close_deferred)
        return TCPSM_ERR_CLOSING;       /* RFC 9293 3.10.4: CLOSE means no more SENDs */
    if (c->state == TCPSM_LISTEN) {
        /* RFC 9293 3.10.2 LISTEN: the remote socket must be specified */
        if (!endpoint_specified(&c->open_remote))
            return TCPSM_ERR_UNSPECIFIED;
        if (len != 0 && c->scap == 0)
            return TCPSM_ERR_RESOURCES;
    }
    k.data = data;
    k.len = len;
    k.flags = flags;
    k.accepted = accepted;
    return tcpsm_fire(c, &k, TCPSM_EV_SEND);
}

/*@ requires valid_tcb(c);
    requires buf == \null
             || (\valid(buf + (0 .. cap - 1))
                 && \separated(buf + (0 .. cap - 1), c, c->rbuf + (0 .. c->rcap - 1)));
    requires got == \null
             || (\valid(got) && \separated(got, c, c->rbuf + (0 .. c->rcap - 1), buf + (0 .. cap - 1)));
    requires flags == \null
             || (\valid(flags) && \separated(flags, c, c->rbuf + (0 .. c->rcap - 1), got,
                                              buf + (0 .. cap - 1)));
    assigns *c, buf[0 .. cap - 1], got[0 .. (got == \null ? -1 : 0)],
            flags[0 .. (flags == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_receive(struct tcpsm_conn *c, uint64_t now, uint8_t *buf,
                             uint32_t cap, uint32_t *got, unsigned *flags)
{
    struct call k;
    enum tcpsm_err e;
    if (!call_ok(c) || got == NULL || (buf == NULL && cap != 0))
        return TCPSM_ERR_INVAL;
    *got = 0;
    if (flags != NULL)
        *flags = 0;
    if ((e = begin_call(c, &k, now)) != TCPSM_OK)
        return e;
    k.rbuf = buf;
    k.rcap = cap;
    k.got = got;
    k.rflags = flags;
    return tcpsm_fire(c, &k, TCPSM_EV_RECEIVE);
}

/*@ requires valid_tcb(c);
    assigns *c;
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_close(struct tcpsm_conn *c, uint64_t now)
{
    struct call k;
    enum tcpsm_err e;
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    if ((e = begin_call(c, &k, now)) != TCPSM_OK)
        return e;
    /* RFC 9293 3.10.4 SYN-RECEIVED: with data queued, close once ESTABLISHED */
    if (c->state == TCPSM_SYN_RECEIVED && c->scount != 0) {
        c->close_deferred = true;
        return TCPSM_OK;
    }
    return tcpsm_fire(c, &k, TCPSM_EV_CLOSE);
}

/*@ requires valid_tcb(c);
    assigns *c;
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state); */
enum tcpsm_err tcpsm_abort(struct tcpsm_conn *c, uint64_t now)
{
    struct call k;
    enum tcpsm_err e;
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    if ((e = begin_call(c, &k, now)) != TCPSM_OK)
        return e;
    return tcpsm_fire(c, &k, TCPSM_EV_ABORT);
}

/*@ requires valid_tcb(c);
    requires st == \null || (\valid(st) && \separated(st, c));
    assigns st[0 .. (st == \null ? -1 : 0)];
    ensures valid: valid_tcb(c); */
enum tcpsm_err tcpsm_status(const struct tcpsm_conn *c, struct tcpsm_status *st)
{
    struct tcpsm_status none = { 0 };
    int row;
    if (c == NULL || st == NULL || c->state >= TCPSM_NSTATES)
        return TCPSM_ERR_INVAL;
    row = tcpsm_row_find(c->state, TCPSM_EV_STATUS);    /* no state change: no fire */
    if (row < 0 || tcpsm_row_action((unsigned)row) != TCPSM_A_STATUS)
        return TCPSM_ERR_NOT_EXIST;                      /* RFC 9293 3.10.6 CLOSED */
    *st = none;
    st->state = c->state;
    st->local = c->local;
    st->remote = c->remote;
    st->snd_una = c->snd_una;
    st->snd_nxt = c->snd_nxt;
    st->snd_wnd = c->snd_wnd;
    st->iss = c->iss;
    st->rcv_nxt = c->rcv_nxt;
    st->rcv_wnd = rcv_wnd(c);
    st->irs = c->irs;
    st->send_queued = c->scount;
    st->send_space = c->scap - c->scount;
    st->recv_ready = c->rcount;
    st->urgent = c->rcv_urg && seq_lt(rcv_read_seq(c), c->rcv_up);
    st->fin_received = c->fin_rcvd;
    st->snd_mss = c->snd_mss;
    st->rto_us = c->rto_us;
    return TCPSM_OK;
}
