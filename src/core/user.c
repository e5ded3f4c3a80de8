/*
 * user.c: the user calls of RFC 9293 3.10.1 - 3.10.6 (OPEN, SEND, RECEIVE,
 * CLOSE, ABORT, STATUS).  Each checks its arguments, then fires its event.
 */

#include "conn_impl.h"
#include "../../proofs/frame.acsl"

/* What the proofs of the user calls need from the transition table (the
 * engine sees it opaque, conn_impl.h) is user_rows (proofs/rows.acsl): each
 * public call requires it, and proofs/legal_harness.c proves it of the
 * real table.  This lemma function instantiates it for one call. */
/*@ ghost
  /@ requires table: user_rows;
     requires user: s < TCPSM_NSTATES && e <= TCPSM_EV_STATUS;
     assigns \nothing;
     ensures user_row(s, e); @/
  static void user_row_lemma(unsigned s, unsigned e) { }
*/

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
 * TCPSM_OK is the call's result.  The caller fills its call record: a
 * local one, apart from the TCB, which the proofs see at once. */
/*@ requires tcb: valid_tcb(c);
    assigns c->nlog, c->error;
    ensures tcb: valid_tcb(c);
    ensures log: c->nlog == 0 && chain(c, 0, c->state);
    ensures open: \old(c->state) != TCPSM_CLOSED ==> (c->error == \old(c->error) && \result == TCPSM_OK); */
static enum tcpsm_err begin_call(struct tcpsm_conn *c)
{
    enum tcpsm_err e = TCPSM_OK;
    c->nlog = 0;
    if (c->state == TCPSM_CLOSED && c->error != TCPSM_OK) {
        e = (enum tcpsm_err)c->error;
        c->error = TCPSM_OK;
    }
    return e;
}

/*@ requires o == \null || \valid_read(o);
    assigns \nothing;
    ensures \result <==> (o != \null && o->local.port != 0
              && !((o->local.ip.family == TCPSM_AF_INET || o->local.ip.family == TCPSM_AF_INET6)
                   && (o->remote.ip.family == TCPSM_AF_INET || o->remote.ip.family == TCPSM_AF_INET6)
                   && o->local.ip.family != o->remote.ip.family)); */
static bool open_args(const struct tcpsm_open *o)
{
    if (o == NULL || o->local.port == 0)
        return false;
    return !(addr_specified(&o->local.ip) && addr_specified(&o->remote.ip)
             && o->local.ip.family != o->remote.ip.family);
}

/* RFC 9293 3.10.1: an active OPEN needs the remote socket */
/*@ requires \valid_read(c) && \valid_read(o);
    assigns \nothing; */
static bool remote_missing(const struct tcpsm_conn *c, const struct tcpsm_open *o)
{
    if (!o->active || (c->state != TCPSM_CLOSED && c->state != TCPSM_LISTEN))
        return false;
    return !endpoint_specified(&o->remote);
}

/* OPEN once its arguments are known to be good (tcpsm_output's pattern:
 * each test a call, so that the proof follows one path per step). */
/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires \valid_read(o) && \separated(o, c);
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
static enum tcpsm_err open_call(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_open *o)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    unsigned ev = o->active ? TCPSM_EV_OPEN_ACTIVE : TCPSM_EV_OPEN_PASSIVE;
    (void)begin_call(c);       /* a new OPEN forgets the old error */
    k.now = now;
    k.open = o;
    if (remote_missing(c, o)) {
        //@ assert missing: legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
        return TCPSM_ERR_UNSPECIFIED;
    }
    //@ ghost user_row_lemma(c->state, ev);
    e = tcpsm_fire(c, &k, ev);
    //@ assert fired: legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
    return e;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_open(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_open *o)
{
    if (!call_ok(c) || !open_args(o))
        return TCPSM_ERR_INVAL;
    return open_call(c, now, o);
}

/* SEND once its arguments are known to be good and *accepted is 0: a
 * function of its own, so that the proof of its paths does not carry the
 * write through `accepted`. */
/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires data: data != \null || len == 0;
    requires data == \null
             || (\valid_read(data + (0 .. len - 1))
                 && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1)));
    requires accepted == \null
             || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns *c, c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
static enum tcpsm_err send_call(struct tcpsm_conn *c, uint64_t now, const uint8_t *data,
                                uint32_t len, unsigned flags, uint32_t *accepted)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    if ((e = begin_call(c)) != TCPSM_OK)
        return e;
    k.now = now;
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
    //@ ghost user_row_lemma(c->state, TCPSM_EV_SEND);
    return tcpsm_fire(c, &k, TCPSM_EV_SEND);
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_send(struct tcpsm_conn *c, uint64_t now, const uint8_t *data,
                          uint32_t len, unsigned flags, uint32_t *accepted)
{
    if (!call_ok(c) || (data == NULL && len != 0))
        return TCPSM_ERR_INVAL;
    if (accepted != NULL)
        *accepted = 0;
    return send_call(c, now, data, len, flags, accepted);
}

/* RECEIVE once its arguments are known to be good and *got, *flags are
 * 0 (a function of its own for the proof, as send_call). */
/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires args: got != \null && (buf != \null || cap == 0);
    requires buf == \null
             || (\valid(buf + (0 .. cap - 1))
                 && \separated(buf + (0 .. cap - 1), c, c->rbuf + (0 .. c->rcap - 1)));
    requires \valid(got) && \separated(got, c, c->rbuf + (0 .. c->rcap - 1), buf + (0 .. cap - 1));
    requires flags == \null
             || (\valid(flags) && \separated(flags, c, c->rbuf + (0 .. c->rcap - 1), got,
                                              buf + (0 .. cap - 1)));
    assigns *c, c->sbuf[0 .. c->scap - 1], buf[0 .. cap - 1], *got,
            flags[0 .. (flags == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
static enum tcpsm_err receive_call(struct tcpsm_conn *c, uint64_t now, uint8_t *buf,
                                   uint32_t cap, uint32_t *got, unsigned *flags)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    if ((e = begin_call(c)) != TCPSM_OK)
        return e;
    k.now = now;
    k.rbuf = buf;
    k.rcap = cap;
    k.got = got;
    k.rflags = flags;
    //@ ghost user_row_lemma(c->state, TCPSM_EV_RECEIVE);
    return tcpsm_fire(c, &k, TCPSM_EV_RECEIVE);
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_receive(struct tcpsm_conn *c, uint64_t now, uint8_t *buf,
                             uint32_t cap, uint32_t *got, unsigned *flags)
{
    if (!call_ok(c) || got == NULL || (buf == NULL && cap != 0))
        return TCPSM_ERR_INVAL;
    *got = 0;
    if (flags != NULL)
        *flags = 0;
    return receive_call(c, now, buf, cap, got, flags);
}

/* CLOSE in SYN-RECEIVED with data queued: the FIN waits for ESTABLISHED. */
/*@ requires valid_tcb(c);
    assigns c->close_deferred;
    ensures valid_tcb(c) && c->close_deferred != 0; */
static void defer_close(struct tcpsm_conn *c)
{
    c->close_deferred = true;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_close(struct tcpsm_conn *c, uint64_t now)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    if ((e = begin_call(c)) != TCPSM_OK)
        return e;
    k.now = now;
    /* RFC 9293 3.10.4 SYN-RECEIVED: with data queued, close once ESTABLISHED */
    if (c->state == TCPSM_SYN_RECEIVED && c->scount != 0) {
        defer_close(c);
        //@ assert deferred: legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
        return TCPSM_OK;
    }
    //@ ghost user_row_lemma(c->state, TCPSM_EV_CLOSE);
    e = tcpsm_fire(c, &k, TCPSM_EV_CLOSE);
    //@ assert fired: legal_transition(\at(c->state, Pre), c->state) && chain(c, 0, \at(c->state, Pre));
    return e;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_abort(struct tcpsm_conn *c, uint64_t now)
{
    struct call k = { 0 };
    enum tcpsm_err e;
    if (!call_ok(c))
        return TCPSM_ERR_INVAL;
    if ((e = begin_call(c)) != TCPSM_OK)
        return e;
    k.now = now;
    //@ ghost user_row_lemma(c->state, TCPSM_EV_ABORT);
    return tcpsm_fire(c, &k, TCPSM_EV_ABORT);
}

/* STATUS's report (RFC 9293 3.10.6), filled apart from *c, then copied
 * out. */
/*@ requires mem: \valid_read(c) && \valid(st) && \separated(st, c);
    requires tcb: c->state < TCPSM_NSTATES && c->rcount <= c->rcap && c->rcap <= 1073741824
                  && c->scount <= c->scap;
    assigns *st; */
static enum tcpsm_err status_fill(const struct tcpsm_conn *c, struct tcpsm_status *st)
{
    struct tcpsm_status s = { 0 };
    int row = tcpsm_row_find(c->state, TCPSM_EV_STATUS);    /* no state change: no fire */
    if (row < 0 || tcpsm_row_action((unsigned)row) != TCPSM_A_STATUS)
        return TCPSM_ERR_NOT_EXIST;                      /* RFC 9293 3.10.6 CLOSED */
    s.state = c->state;
    s.local = c->local;
    s.remote = c->remote;
    s.snd_una = c->snd_una;
    s.snd_nxt = c->snd_nxt;
    s.snd_wnd = c->snd_wnd;
    s.iss = c->iss;
    s.rcv_nxt = c->rcv_nxt;
    s.rcv_wnd = rcv_wnd(c);
    s.irs = c->irs;
    s.send_queued = c->scount;
    s.send_space = c->scap - c->scount;
    s.recv_ready = c->rcount;
    s.urgent = c->rcv_urg && seq_lt(rcv_read_seq(c), c->rcv_up);
    s.fin_received = c->fin_rcvd;
    s.snd_mss = c->snd_mss;
    s.rto_us = c->rto_us;
    s.srtt_us = c->cc.srtt_us;
    s.rttvar_us = c->cc.rttvar_us;
    s.cwnd = c->cc.cwnd;                /* RFC 5681 (issue: visible in STATUS) */
    s.ssthresh = c->cc.ssthresh;
    s.retransmits = c->n_retransmits;
    s.fast_retransmits = c->cc.n_fast;
    s.r1_reached = c->cc.r1_reached;    /* RFC 1122 4.2.3.5 (MUST-21) */
    s.r1_events = c->cc.r1_events;
    s.zero_window_probes = c->cc.n_probes;
    s.keepalive_probes = c->cc.n_keepalives;
    s.keepalive_unanswered = c->cc.keep_probes;
    s.urgent_signal = c->cc.urg_signal;
    s.urgent_signals = c->cc.n_urg_signals;
    *st = s;
    return TCPSM_OK;
}

/* status_fill(), and what it keeps: every field of the TCB that tcb_ok
 * reads (proofs/frame.acsl; output.c's header_kept says why). */
/*@ requires mem: \valid_read(c) && \valid(st) && \separated(st, c);
    requires tcb: c->state < TCPSM_NSTATES && c->rcount <= c->rcap && c->rcap <= 1073741824
                  && c->scount <= c->scap;
    assigns *st;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c); */
static enum tcpsm_err status_kept(const struct tcpsm_conn *c, struct tcpsm_status *st)
{
    return status_fill(c, st);
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_status(const struct tcpsm_conn *c, struct tcpsm_status *st)
{
    if (c == NULL || st == NULL || c->state >= TCPSM_NSTATES)
        return TCPSM_ERR_INVAL;
    return status_kept(c, st);
}
