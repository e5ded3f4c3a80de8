/*
 * conn.c: one TCP connection, RFC 9293 section 3.10: the life cycle of the
 * TCB and the dispatcher (user.c, input.c and output.c hold the rest;
 * conn_impl.h says what they share).
 *
 * Implementation notes:
 * - Every state change goes through fire(): it looks up the row for
 *   (state, event) in the table built from spec/transitions.def, runs the
 *   row's action (a switch, no function pointers), then set_state() writes
 *   the row's target state and logs the step.  set_state() is the only
 *   writer of c->state after tcpsm_conn_init().
 * - SEGMENT ARRIVES (3.10.7) is written as the RFC's ordered checks; each
 *   check that decides something fires the event that names the decision.
 * - The send ring holds the bytes from the first unacknowledged data byte
 *   on.  Sequence space: [SND.UNA, SND.NXT) = unacked SYN (if !syn_acked)
 *   + sent data + our FIN (if fin_sent and not acked).
 * - The receive ring holds rcount in-order unread bytes from rhead, then
 *   out-of-order data at offsets (from RCV.NXT) recorded in ooo[].
 *   RCV.WND = rcap - rcount, so RCV.NXT + RCV.WND never moves left.
 * - Output is pulled: the TCB remembers what is owed (replies, SYN, data,
 *   FIN, an ACK, a retransmission) and tcpsm_output() forms one segment a
 *   call, in that order of priority.
 * - Data arriving on a SYN that leads to SYN-RECEIVED is not accepted (it
 *   is not acknowledged, so the peer sends it again): 3.10.7.2 lets the
 *   text be "queued for processing later"; dropping it is the bounded
 *   choice for a TCB without allocation.
 */

#include "conn_impl.h"

/*@ assigns \nothing;
    ensures \result <==> (TCPSM_ESTABLISHED <= s <= TCPSM_TIME_WAIT); */
static bool synchronized(unsigned s)
{
    return s >= TCPSM_ESTABLISHED && s <= TCPSM_TIME_WAIT;
}

/* Sequence number of the first byte in the send ring. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result == (c->syn_acked != 0 ? c->snd_una : seq_add_l(c->snd_una, 1)); */
static uint32_t snd_data_seq(const struct tcpsm_conn *c)
{
    return c->syn_acked ? c->snd_una : seq_add(c->snd_una, 1u);
}

/*@ requires \valid(c);
    assigns c->t_rtx, c->t_user, c->t_2msl;
    ensures c->t_rtx == 18446744073709551615 && c->t_user == 18446744073709551615
            && c->t_2msl == 18446744073709551615; */
static void timers_off(struct tcpsm_conn *c)
{
    c->t_rtx = TCPSM_NEVER;
    c->t_user = TCPSM_NEVER;
    c->t_2msl = TCPSM_NEVER;
}

/* tcb_clear_conn's writes, a few fields a function: each goal of a
 * function that writes many fields carries every earlier write, and the
 * provers time out on the last ones; each group's contract names its
 * fields and their values. */
/*@ requires \valid(c);
    assigns c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss;
    ensures c->snd_una == 0 && c->snd_nxt == 0 && c->snd_wnd == 0 && c->snd_wl1 == 0
            && c->snd_wl2 == 0 && c->snd_up == 0 && c->max_snd_wnd == 0
            && c->snd_mss == c->cfg.mss; */
static void clear_send(struct tcpsm_conn *c)
{
    c->snd_una = 0;
    c->snd_nxt = 0;
    c->snd_wnd = 0;
    c->snd_wl1 = 0;
    c->snd_wl2 = 0;
    c->snd_up = 0;
    c->max_snd_wnd = 0;
    c->snd_mss = c->cfg.mss;
}

/*@ requires \valid(c);
    assigns c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs, c->rcv_nxt, c->rcv_up,
            c->rcv_urg, c->rcv_urg_signalled;
    ensures c->snd_urg == 0 && c->snd_psh == 0 && c->snd_psh_seq == 0 && c->irs == 0
            && c->rcv_nxt == 0 && c->rcv_up == 0 && c->rcv_urg == 0
            && c->rcv_urg_signalled == 0; */
static void clear_marks(struct tcpsm_conn *c)
{
    c->snd_urg = false;
    c->snd_psh = false;
    c->snd_psh_seq = 0;
    c->irs = 0;
    c->rcv_nxt = 0;
    c->rcv_up = 0;
    c->rcv_urg = false;
    c->rcv_urg_signalled = false;
}

/*@ requires \valid(c);
    assigns c->syn_acked, c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked,
            c->fin_rcvd, c->close_deferred, c->ack_now, c->rtx_pending;
    ensures c->syn_acked == 0 && c->syn_unsent == 0 && c->fin_queued == 0
            && c->fin_sent == 0 && c->fin_acked == 0 && c->fin_rcvd == 0
            && c->close_deferred == 0 && c->ack_now == 0 && c->rtx_pending == 0; */
static void clear_flags(struct tcpsm_conn *c)
{
    c->syn_acked = false;
    c->syn_unsent = false;
    c->fin_queued = false;
    c->fin_sent = false;
    c->fin_acked = false;
    c->fin_rcvd = false;
    c->close_deferred = false;
    c->ack_now = false;
    c->rtx_pending = false;
}

/*@ requires \valid(c);
    assigns c->shead, c->scount, c->rhead, c->rcount, c->rpush, c->nooo, c->ooo_fin,
            c->ooo_fin_off, c->ooo_psh, c->ooo_psh_off;
    ensures c->shead == 0 && c->scount == 0 && c->rhead == 0 && c->rcount == 0
            && c->rpush == 0 && c->nooo == 0 && c->ooo_fin == 0 && c->ooo_fin_off == 0
            && c->ooo_psh == 0 && c->ooo_psh_off == 0; */
static void clear_rings(struct tcpsm_conn *c)
{
    c->shead = 0;
    c->scount = 0;
    c->rhead = 0;
    c->rcount = 0;
    c->rpush = 0;
    c->nooo = 0;                        /* ooo[] beyond nooo is never read */
    c->ooo_fin = false;
    c->ooo_fin_off = 0;
    c->ooo_psh = false;
    c->ooo_psh_off = 0;
}

/*@ requires \valid(c);
    assigns c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count;
    ensures c->t_rtx == 18446744073709551615 && c->t_user == 18446744073709551615
            && c->t_2msl == 18446744073709551615
            && c->rto_us == c->cfg.rto_initial_us && c->rtx_count == 0; */
static void clear_timers(struct tcpsm_conn *c)
{
    c->t_rtx = TCPSM_NEVER;
    c->t_user = TCPSM_NEVER;
    c->t_2msl = TCPSM_NEVER;
    c->rto_us = c->cfg.rto_initial_us;  /* RFC 6298 2.1 */
    c->rtx_count = 0;
}

/* The congestion and timer state (cc.c): first of tcb_clear_conn's
 * writes, so that the groups' come after its call (whose frame, beside
 * theirs, the provers do not follow). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures log: \forall integer i; 0 <= i < 4
                 ==> (c->log[i].from == \old(c->log[i].from) && c->log[i].to == \old(c->log[i].to)); */
static void clear_cc(struct tcpsm_conn *c)
{
    tcpsm_cc_reset(c);
}

/* Reset every per-connection field but the sockets, the ISS and the
 * passive flag; keep the configuration, the buffers, the state (set_state
 * moves it), the replies still to send, the error to report, the log and
 * counters. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures closed: tcb_ok_in(c, TCPSM_CLOSED);
    ensures listen: (c->remote.port == c->open_remote.port
                     && c->remote.ip.family == c->open_remote.ip.family)
                    ==> tcb_ok_in(c, TCPSM_LISTEN);
    ensures zero: c->snd_una == 0 && c->snd_nxt == 0
                  && c->syn_unsent == 0 && c->ack_now == 0 && c->rtx_pending == 0
                  && c->close_deferred == 0 && c->snd_urg == 0 && c->rcv_urg == 0;
    ensures log: \forall integer i; 0 <= i < 4
                 ==> (c->log[i].from == \old(c->log[i].from) && c->log[i].to == \old(c->log[i].to)); */
static void tcb_clear_conn(struct tcpsm_conn *c)
{
    /* Field by field, so that WP follows it (a memset of the struct it
     * cannot); a field added to struct tcpsm_conn must be added to one
     * of the groups. */
    clear_cc(c);
    clear_send(c);
    clear_marks(c);
    clear_flags(c);
    clear_rings(c);
    clear_timers(c);
    /*@ assert shape: tcb_mem(c) && shape_ok(c); */
    /*@ assert send: send_ok_in(c, TCPSM_CLOSED) && send_ok_in(c, TCPSM_LISTEN); */
    /*@ assert ranges: ranges_ok(c, c->nooo); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: no_peer_state(c) && peer_ok_in(c, TCPSM_CLOSED); */
    /*@ assert flags: flags_ok_in(c, TCPSM_CLOSED) && flags_ok_in(c, TCPSM_LISTEN); */
    /*@ assert timers: timers_ok_in(c, TCPSM_CLOSED) && timers_ok_in(c, TCPSM_LISTEN); */
    /*@ assert nt: tcb_ok_nt(c, TCPSM_CLOSED); */
}

/* Reset every per-connection field, the sockets too. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures kept: c->state == \old(c->state);
    ensures fresh: tcb_ok_in(c, TCPSM_CLOSED) && tcb_ok_in(c, TCPSM_LISTEN);
    ensures zero: c->snd_una == 0 && c->snd_nxt == 0 && c->iss == 0 && c->passive == 0
                  && c->syn_unsent == 0 && c->ack_now == 0 && c->rtx_pending == 0
                  && c->close_deferred == 0 && c->snd_urg == 0 && c->rcv_urg == 0
                  && c->local.port == 0 && c->remote.port == 0 && c->open_remote.port == 0
                  && c->remote.ip.family == 0 && c->open_remote.ip.family == 0;
    ensures log: \forall integer i; 0 <= i < 4
                 ==> (c->log[i].from == \old(c->log[i].from) && c->log[i].to == \old(c->log[i].to)); */
static void tcb_clear(struct tcpsm_conn *c)
{
    c->local.ip.family = TCPSM_AF_UNSPEC;  /* the address bytes of an */
    c->local.port = 0;                      /* unspecified socket are never */
    c->remote.ip.family = TCPSM_AF_UNSPEC;  /* read; whole-struct copies here */
    c->remote.port = 0;                     /* would cost the prover minutes */
    c->open_remote.ip.family = TCPSM_AF_UNSPEC;
    c->open_remote.port = 0;
    c->compartment = 0;
    c->passive = false;
    c->iss = 0;
    tcb_clear_conn(c);
}

/* Contract: contracts.h. */
void tcpsm_config_default(struct tcpsm_config *cfg)
{
    if (cfg == NULL)
        return;
    /* Field by field: what WP follows best (no struct copies). */
    cfg->rfc5961_rst = true;            /* RFC 9293 3.10.7.4 second, RFC 5961 3 */
    cfg->rfc5961_syn = true;            /* RFC 9293 3.10.7.4 fourth, RFC 5961 4 */
    cfg->rfc5961_ack = true;            /* RFC 9293 3.10.7.4 fifth, RFC 5961 5 (MAY-12) */
    cfg->mss = 1460;
    cfg->rto_initial_us = 1000000u;     /* RFC 6298 2.1 */
    cfg->rto_max_us = 60000000u;        /* RFC 6298 2.5: at least 60 s */
    cfg->msl_us = 120000000u;           /* RFC 9293 3.4.2: MSL 2 minutes */
    cfg->user_timeout_us = 300000000u;  /* RFC 9293 3.8.3: R2 well above 100 s */
    cfg->rto_min_us = 1000000u;         /* RFC 6298 2.4 */
    cfg->r1 = 3u;                       /* RFC 1122 4.2.3.5: R1 at least 3 retransmissions */
    cfg->r2_us = 100000000u;            /* RFC 1122 4.2.3.5: R2 at least 100 s (MUST-22) */
    cfg->r2_syn_us = 180000000u;        /* RFC 1122 4.2.3.5: at least 3 minutes (MUST-23) */
    cfg->r2_count = 0;
    cfg->iw10 = false;
    cfg->delack_us = 200000u;           /* RFC 9293 3.8.6.3: under 0.5 s (MUST-40) */
    cfg->nagle = true;                  /* RFC 9293 3.7.4 (SHLD-7) */
    cfg->keepalive = false;             /* RFC 9293 3.8.4: off by default (MUST-25) */
    cfg->keepalive_garbage = false;
    cfg->keepalive_idle_us = 7200000000u;   /* 2 hours (MUST-28) */
    cfg->keepalive_intvl_us = 75000000u;    /* 75 s */
    cfg->keepalive_count = 9u;
}

/* *dst = *src, field by field (a struct copy costs the prover minutes). */
/*@ requires \valid(dst) && \valid_read(src) && \separated(dst, src);
    assigns *dst;
    ensures dst->rfc5961_rst == src->rfc5961_rst && dst->rfc5961_syn == src->rfc5961_syn
            && dst->rfc5961_ack == src->rfc5961_ack && dst->mss == src->mss
            && dst->rto_initial_us == src->rto_initial_us && dst->rto_max_us == src->rto_max_us
            && dst->msl_us == src->msl_us && dst->user_timeout_us == src->user_timeout_us; */
static void config_copy(struct tcpsm_config *dst, const struct tcpsm_config *src)
{
    dst->rfc5961_rst = src->rfc5961_rst;
    dst->rfc5961_syn = src->rfc5961_syn;
    dst->rfc5961_ack = src->rfc5961_ack;
    dst->mss = src->mss;
    dst->rto_initial_us = src->rto_initial_us;
    dst->rto_max_us = src->rto_max_us;
    dst->msl_us = src->msl_us;
    dst->user_timeout_us = src->user_timeout_us;
    dst->rto_min_us = src->rto_min_us;
    dst->r1 = src->r1;
    dst->r2_us = src->r2_us;
    dst->r2_syn_us = src->r2_syn_us;
    dst->r2_count = src->r2_count;
    dst->iw10 = src->iw10;
    dst->delack_us = src->delack_us;
    dst->nagle = src->nagle;
    dst->keepalive = src->keepalive;
    dst->keepalive_garbage = src->keepalive_garbage;
    dst->keepalive_idle_us = src->keepalive_idle_us;
    dst->keepalive_intvl_us = src->keepalive_intvl_us;
    dst->keepalive_count = src->keepalive_count;
}

/* The parts of tcpsm_conn_init that tcb_clear does not reset. */
/*@ requires mem: \valid(c) && sndcap <= 1073741824 && rcvcap <= 1073741824;
    requires cfg: c->cfg.mss != 0 && c->cfg.rto_initial_us != 0
                  && c->cfg.rto_max_us >= c->cfg.rto_initial_us && c->cfg.msl_us <= 2147483647;
    requires snd: (sndbuf == \null && sndcap == 0) || \valid(sndbuf + (0 .. sndcap - 1));
    requires rcv: (rcvbuf == \null && rcvcap == 0) || \valid(rcvbuf + (0 .. rcvcap - 1));
    requires apart: \separated(c, sndbuf + (0 .. sndcap - 1), rcvbuf + (0 .. rcvcap - 1));
    assigns c->state, c->sbuf, c->scap, c->rbuf, c->rcap, c->nreply, c->error, c->nlog,
            c->n_challenge_acks, c->n_rst_ignored, c->n_syn_ignored, c->n_bad_ack_dropped,
            c->n_retransmits;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures closed: c->state == TCPSM_CLOSED; */
static void conn_setup(struct tcpsm_conn *c, uint8_t *sndbuf, uint32_t sndcap,
                       uint8_t *rcvbuf, uint32_t rcvcap)
{
    c->state = TCPSM_CLOSED;
    c->sbuf = sndbuf;
    c->scap = sndcap;
    c->rbuf = rcvbuf;
    c->rcap = rcvcap;
    c->nreply = 0;
    c->error = TCPSM_OK;
    c->nlog = 0;
    c->n_challenge_acks = 0;
    c->n_rst_ignored = 0;
    c->n_syn_ignored = 0;
    c->n_bad_ack_dropped = 0;
    c->n_retransmits = 0;
}

/* *dst = *src, or the defaults when src is NULL (one call, so that the
 * proof of tcpsm_conn_init has one path after it). */
/*@ requires \valid(dst);
    requires src == \null || (\valid_read(src) && \separated(dst, src)
                              && src->mss != 0 && src->rto_initial_us != 0
                              && src->rto_max_us >= src->rto_initial_us
                              && src->msl_us <= 2147483647);
    assigns *dst;
    ensures dst->mss != 0 && dst->rto_initial_us != 0 && dst->rto_max_us >= dst->rto_initial_us
            && dst->msl_us <= 2147483647; */
static void config_set(struct tcpsm_config *dst, const struct tcpsm_config *src)
{
    if (src != NULL)
        config_copy(dst, src);
    else
        tcpsm_config_default(dst);
}

/* A new TCB in CLOSED on the configuration already in c->cfg. */
/*@ requires mem: \valid(c) && sndcap <= 1073741824 && rcvcap <= 1073741824;
    requires cfg: c->cfg.mss != 0 && c->cfg.rto_initial_us != 0
                  && c->cfg.rto_max_us >= c->cfg.rto_initial_us && c->cfg.msl_us <= 2147483647;
    requires snd: (sndbuf == \null && sndcap == 0) || \valid(sndbuf + (0 .. sndcap - 1));
    requires rcv: (rcvbuf == \null && rcvcap == 0) || \valid(rcvbuf + (0 .. rcvcap - 1));
    requires apart: \separated(c, sndbuf + (0 .. sndcap - 1), rcvbuf + (0 .. rcvcap - 1));
    assigns *c;
    ensures valid: valid_tcb(c) && c->state == TCPSM_CLOSED; */
static void conn_fresh(struct tcpsm_conn *c, uint8_t *sndbuf, uint32_t sndcap,
                       uint8_t *rcvbuf, uint32_t rcvcap)
{
    conn_setup(c, sndbuf, sndcap, rcvbuf, rcvcap);
    tcb_clear(c);                       /* every per-connection field */
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_conn_init(struct tcpsm_conn *c, const struct tcpsm_config *cfg,
                               uint8_t *sndbuf, uint32_t sndcap,
                               uint8_t *rcvbuf, uint32_t rcvcap)
{
    if (c == NULL || (sndbuf == NULL && sndcap != 0) || (rcvbuf == NULL && rcvcap != 0))
        return TCPSM_ERR_INVAL;
    if (sndcap > TCPSM_MAX_BUF || rcvcap > TCPSM_MAX_BUF)
        return TCPSM_ERR_INVAL;
    if (cfg != NULL && (cfg->mss == 0 || cfg->rto_initial_us == 0
                        || cfg->rto_max_us < cfg->rto_initial_us || cfg->msl_us > 0x7FFFFFFFu
                        || cfg->rto_min_us > cfg->rto_max_us
                        || (cfg->r2_syn_us != 0 && cfg->r2_syn_us < 180000000u)
                        || cfg->delack_us > 500000u))
        return TCPSM_ERR_INVAL;
    config_set(&c->cfg, cfg);
    conn_fresh(c, sndbuf, sndcap, rcvbuf, rcvcap);
    return TCPSM_OK;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_set_iss(struct tcpsm_conn *c, uint32_t iss)
{
    if (c == NULL)
        return TCPSM_ERR_INVAL;
    if (c->state != TCPSM_CLOSED && c->state != TCPSM_LISTEN)
        return TCPSM_ERR_EXISTS;
    c->iss = iss;
    return TCPSM_OK;
}

/* The fields tcb_ok_in reads, but nreply, equal in two states: a writer of
 * the reply queue states them one group a clause, so that its callers keep
 * the invariant without re-deriving the frame of the array it writes. */
/*@ predicate same_bufs{L1, L2}(struct tcpsm_conn *c) =
      \at(c->sbuf, L1) == \at(c->sbuf, L2) && \at(c->scap, L1) == \at(c->scap, L2)
      && \at(c->rbuf, L1) == \at(c->rbuf, L2) && \at(c->rcap, L1) == \at(c->rcap, L2)
      && \at(c->shead, L1) == \at(c->shead, L2)
      && \at(c->rhead, L1) == \at(c->rhead, L2) && \at(c->rcount, L1) == \at(c->rcount, L2)
      && \at(c->rpush, L1) == \at(c->rpush, L2);
    predicate same_ring{L1, L2}(struct tcpsm_conn *c) =
      same_bufs{L1, L2}(c) && \at(c->scount, L1) == \at(c->scount, L2);
    predicate same_seq{L1, L2}(struct tcpsm_conn *c) =
      \at(c->state, L1) == \at(c->state, L2) && \at(c->nlog, L1) == \at(c->nlog, L2)
      && \at(c->snd_una, L1) == \at(c->snd_una, L2) && \at(c->snd_nxt, L1) == \at(c->snd_nxt, L2)
      && \at(c->iss, L1) == \at(c->iss, L2) && \at(c->snd_mss, L1) == \at(c->snd_mss, L2);
    predicate same_flags{L1, L2}(struct tcpsm_conn *c) =
      \at(c->syn_acked, L1) == \at(c->syn_acked, L2)
      && \at(c->fin_queued, L1) == \at(c->fin_queued, L2)
      && \at(c->fin_sent, L1) == \at(c->fin_sent, L2)
      && \at(c->fin_acked, L1) == \at(c->fin_acked, L2)
      && \at(c->fin_rcvd, L1) == \at(c->fin_rcvd, L2);
    predicate same_ooo{L1, L2}(struct tcpsm_conn *c) =
      \at(c->nooo, L1) == \at(c->nooo, L2)
      && \at(c->ooo_fin, L1) == \at(c->ooo_fin, L2)
      && \at(c->ooo_fin_off, L1) == \at(c->ooo_fin_off, L2)
      && \at(c->ooo_psh, L1) == \at(c->ooo_psh, L2)
      && \at(c->ooo_psh_off, L1) == \at(c->ooo_psh_off, L2)
      && (\forall integer i; 0 <= i < 8
          ==> (\at(c->ooo[i].off, L1) == \at(c->ooo[i].off, L2)
               && \at(c->ooo[i].len, L1) == \at(c->ooo[i].len, L2)));
    predicate same_peer{L1, L2}(struct tcpsm_conn *c) =
      \at(c->remote.port, L1) == \at(c->remote.port, L2)
      && \at(c->open_remote.port, L1) == \at(c->open_remote.port, L2)
      && \at(c->remote.ip.family, L1) == \at(c->remote.ip.family, L2)
      && \at(c->open_remote.ip.family, L1) == \at(c->open_remote.ip.family, L2);
    predicate same_rest{L1, L2}(struct tcpsm_conn *c) =
      \at(c->t_rtx, L1) == \at(c->t_rtx, L2) && \at(c->t_user, L1) == \at(c->t_user, L2)
      && \at(c->t_2msl, L1) == \at(c->t_2msl, L2)
      && \at(c->cfg.mss, L1) == \at(c->cfg.mss, L2)
      && \at(c->cfg.rto_initial_us, L1) == \at(c->cfg.rto_initial_us, L2)
      && \at(c->cfg.rto_max_us, L1) == \at(c->cfg.rto_max_us, L2)
      && \at(c->cfg.msl_us, L1) == \at(c->cfg.msl_us, L2); */

/* A reply addressed back to the sender of seg.  (Its own function: the
 * address copies beside the frame clauses of queue_reply made a goal that
 * took Z3 18 s.) */
/*@ requires \valid(r) && \valid_read(seg) && \separated(r, seg);
    assigns *r; */
static void reply_fill(struct tcpsm_reply *r, const struct tcpsm_segment *seg,
                       uint8_t flags, uint32_t seq, uint32_t ack)
{
    r->flags = flags;
    r->seq = seq;
    r->ack = ack;
    r->src = seg->dst;
    r->dst = seg->src;
    r->sport = seg->dport;
    r->dport = seg->sport;
}

/* Queue a RST (or RST,ACK) addressed back to the sender of seg. */
/*@ requires \valid(c) && c->nreply <= 4 && \valid_read(seg) && \separated(c, seg);
    assigns c->nreply, c->reply[0 .. 3];
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures c->nreply <= 4; */
static void queue_reply(struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                        uint8_t flags, uint32_t seq, uint32_t ack)
{
    if (c->nreply >= TCPSM_REPLY_MAX)
        return; /* best effort: the peer retransmits and draws another */
    reply_fill(&c->reply[c->nreply], seg, flags, seq, ack);
    c->nreply++;
}

/* The reset that answers an offending segment: RFC 9293 3.10.7.1 form. */
/*@ requires \valid(c) && c->nreply <= 4 && \valid_read(seg) && \separated(c, seg)
             && seg->len <= 65535;
    assigns c->nreply, c->reply[0 .. 3];
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures c->nreply <= 4; */
static void reply_rst(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    if (seg->flags & TCPSM_RST)
        return; /* RFC 9293 3.10.7.1: never answer a RST with a RST */
    if (seg->flags & TCPSM_ACK)
        queue_reply(c, seg, TCPSM_RST, seg->ack, 0);   /* <SEQ=SEG.ACK><CTL=RST> */
    else
        queue_reply(c, seg, TCPSM_RST | TCPSM_ACK, 0, seq_add(seg->seq, seg_len(seg)));
        /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
}

/* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST> to the connected peer. */
/*@ requires \valid(c) && c->nreply <= 4;
    assigns c->nreply, c->reply[0 .. 3];
    ensures c->nreply <= 4; */
static void send_rst(struct tcpsm_conn *c)
{
    struct tcpsm_segment to = { 0 };
    to.src = c->remote.ip;
    to.dst = c->local.ip;
    to.sport = c->remote.port;
    to.dport = c->local.port;
    queue_reply(c, &to, TCPSM_RST, c->snd_nxt, 0);
}

/*@ requires mem: tcb_mem(c) && c->nlog <= 4;
    requires row: 0 <= row < tcpsm_nrows_l && row <= 255 && row_from(row) == c->state;
    requires event: event < TCPSM_NEVENTS;
    requires ok: tcb_ok_in(c, row_to(row));
    assigns c->state, c->nlog, c->log[0 .. 3];
    ensures valid: valid_tcb(c);
    ensures shape: shape_ok(c);
    ensures table: c->state == row_to(row);
    ensures legal: legal_transition(\old(c->state), c->state);
    ensures log: c->nlog <= 4;
    ensures logged: \old(c->nlog) < 4
                    ==> (c->nlog == \old(c->nlog) + 1 && c->log[\old(c->nlog)].from == \old(c->state)
                         && c->log[\old(c->nlog)].to == c->state);
    ensures log_kept: \forall integer i; 0 <= i < \old(c->nlog)
                      ==> (c->log[i].from == \old(c->log[i].from)
                           && c->log[i].to == \old(c->log[i].to)); */
static void set_state(struct tcpsm_conn *c, int row, unsigned event)
{
    uint8_t to = (uint8_t)tcpsm_row_to((unsigned)row);
    if (c->nlog < TCPSM_LOG_MAX) {
        struct tcpsm_step *s = &c->log[c->nlog++];
        s->from = c->state;
        s->to = to;
        s->event = (uint8_t)event;
        s->row = (uint16_t)row;
    }
    c->state = to;
}

/* The bound peer is what OPEN specified (a struct copy, kept out of the
 * bigger functions: the prover pays for it in every goal after it). */
/*@ requires \valid(c);
    assigns c->remote;
    ensures peer: c->remote.port == c->open_remote.port
                  && c->remote.ip.family == c->open_remote.ip.family;
    ensures closed: \old(tcb_ok_in(c, TCPSM_CLOSED)) ==> tcb_ok_in(c, TCPSM_CLOSED);
    ensures mem: \old(tcb_mem(c) && shape_ok(c)) ==> (tcb_mem(c) && shape_ok(c)); */
static void remote_from_open(struct tcpsm_conn *c)
{
    c->remote = c->open_remote;
}

/*@ requires mem: tcb_mem(c) && shape_ok(c) && \valid_read(o) && \separated(c, o);
    assigns c->local, c->open_remote, c->remote, c->iss, c->compartment;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures peer: c->remote.port == c->open_remote.port
                  && c->remote.ip.family == c->open_remote.ip.family;
    ensures kept: c->state == \old(c->state); */
static void bind_open(struct tcpsm_conn *c, const struct tcpsm_open *o)
{
    c->local = o->local;
    c->open_remote = o->remote;
    c->remote = o->remote;
    c->iss = o->iss;
    c->compartment = o->compartment;
}

/* RFC 9293 3.10.1: SND.UNA <- ISS, SND.NXT <- ISS+1, SYN queued. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires unbound: tcb_ok_in(c, TCPSM_CLOSED);
    assigns c->passive, c->remote, c->snd_una, c->snd_nxt, c->syn_acked, c->syn_unsent;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: tcb_ok_in(c, TCPSM_SYN_SENT);
    ensures kept: c->state == \old(c->state);
    ensures seq: c->snd_una == c->iss && c->snd_nxt == seq_add_l(c->iss, 1) && c->syn_acked == 0; */
static void start_active(struct tcpsm_conn *c)
{
    remote_from_open(c);
    c->passive = false;
    c->snd_una = c->iss;
    c->snd_nxt = seq_add(c->iss, 1u);
    c->syn_acked = false;
    c->syn_unsent = true;
}

/* Append n bytes to the send ring. */
/*@ requires mem: \valid(c) && \valid(c->sbuf + (0 .. c->scap - 1))
                  && \separated(c, c->sbuf + (0 .. c->scap - 1));
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    requires room: 0 < n <= c->scap - c->scount;
    requires data: \valid_read(data + (0 .. n - 1))
                   && \separated(data + (0 .. n - 1), c->sbuf + (0 .. c->scap - 1));
    assigns c->scount, c->sbuf[0 .. c->scap - 1];
    ensures grows: c->scount == \old(c->scount) + n;
    ensures same_bufs: same_bufs{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void send_put(struct tcpsm_conn *c, const uint8_t *data, uint32_t n)
{
    ring_put(c->sbuf, c->scap, ring_pos(c->shead, c->scount, c->scap), data, n);
    c->scount += n;
}

/* The PUSH and URGENT marks of a SEND whose data ends before `end`. */
/*@ requires \valid(c);
    assigns c->snd_psh, c->snd_psh_seq, c->snd_urg, c->snd_up;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void send_marks(struct tcpsm_conn *c, unsigned flags, uint32_t end)
{
    if (flags & TCPSM_SEND_PUSH) {
        c->snd_psh = true;              /* RFC 9293 3.9.1.2: PUSH marks the end */
        c->snd_psh_seq = end;
    }
    if (flags & TCPSM_SEND_URGENT) {
        c->snd_urg = true;              /* RFC 9293 3.8.5 (MUST-62): octet after the urgent data */
        c->snd_up = end;
    }
}

/*@ requires \valid(c);
    requires acc: accepted == \null || (\valid(accepted) && \separated(accepted, c));
    assigns accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void tell_accepted(struct tcpsm_conn *c, uint32_t *accepted, uint32_t n)
{
    (void)c;                            /* the contract's frame */
    if (accepted != NULL)
        *accepted = n;
}

/*@ requires mem: \valid(c) && \valid(c->sbuf + (0 .. c->scap - 1))
                  && \separated(c, c->sbuf + (0 .. c->scap - 1));
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    requires data: \valid_read(data + (0 .. len - 1))
                   && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1));
    requires acc: accepted == \null
                  || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns c->scount, c->snd_psh, c->snd_psh_seq, c->snd_urg, c->snd_up,
            c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures grows: \old(c->scount) <= c->scount <= c->scap;
    ensures same_bufs: same_bufs{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static enum tcpsm_err queue_send(struct tcpsm_conn *c, const uint8_t *data, uint32_t len,
                                 unsigned flags, uint32_t *accepted)
{
    uint32_t space = c->scap - c->scount;
    uint32_t n = min32(len, space);
    if (len == 0)
        return TCPSM_OK;
    if (n == 0)
        return TCPSM_ERR_RESOURCES;     /* RFC 9293 3.10.2: no room to queue */
    send_put(c, data, n);
    send_marks(c, flags, seq_add(snd_data_seq(c), c->scount));
    tell_accepted(c, accepted, n);
    return TCPSM_OK;
}

/* RFC 9293 3.10.3: n bytes of the in-order data are read; the PUSH point
 * moves back by n, and is passed when n reaches it. */
/*@ requires \valid(c) && recv_ok(c) && n <= c->rcount;
    assigns c->rpush;
    ensures ok: recv_ok(c);
    ensures left: c->rpush <= c->rcount - n;
    ensures pushed: \result <==> (\old(c->rpush) != 0 && n >= \old(c->rpush));
    ensures rcount: c->rcount == \old(c->rcount) && c->rcap == \old(c->rcap)
                    && c->rhead == \old(c->rhead) && c->rcv_nxt == \old(c->rcv_nxt); */
static bool recv_push(struct tcpsm_conn *c, uint32_t n)
{
    if (c->rpush == 0)
        return false;
    if (n >= c->rpush) {               /* RFC 9293 3.10.3: mark "push seen" */
        c->rpush = 0;
        return true;
    }
    c->rpush -= n;
    return false;
}

/* The first n unread bytes leave the ring: RCV.WND opens by n.  The next
 * read starts where this one stopped, so no byte is delivered twice or
 * out of order. */
/*@ requires \valid(c) && recv_ok(c) && 0 < n <= c->rcount && c->rpush <= c->rcount - n;
    assigns c->rhead, c->rcount;
    ensures ok: recv_ok(c);
    ensures rcount: c->rcount == \old(c->rcount) - n;
    ensures rhead: c->rhead == (\old(c->rhead) + n) % c->rcap;
    ensures kept: c->rcap == \old(c->rcap) && c->rcv_nxt == \old(c->rcv_nxt); */
static void recv_take(struct tcpsm_conn *c, uint32_t n)
{
    c->rhead = ring_pos(c->rhead, n, c->rcap);
    c->rcount -= n;
}

/* After a read: leave urgent mode once RCV.UP is read past, and announce a
 * window that has opened enough. */
/*@ requires \valid(c) && recv_ok(c) && c->rcount <= 1073741824;
    assigns c->rcv_urg, c->ack_now;
    ensures ok: recv_ok(c);
    ensures kept: c->rcount == \old(c->rcount) && c->rhead == \old(c->rhead); */
static void recv_after(struct tcpsm_conn *c, uint32_t before)
{
    uint32_t thresh;
    if (c->rcv_urg && !seq_lt(rcv_read_seq(c), c->rcv_up))
        c->rcv_urg = false;             /* RFC 9293 3.8.5: back to "normal mode" */
    /* RFC 9293 3.8.6.2.2: announce the window once it has opened by
     * min(RCV.BUFF/2, Eff.snd.MSS) from below that size. */
    thresh = min32(c->rcap / 2u, c->snd_mss);
    if (before < thresh && rcv_wnd(c) >= thresh && synchronized(c->state) && !c->fin_rcvd)
        c->ack_now = true;
}

/* The user's *got and *rflags (c only for the contract's frame). */
/*@ requires \valid(c) && recv_ok(c) && \valid(got) && \separated(got, c);
    assigns *got;
    ensures ok: recv_ok(c);
    ensures got: *got == n;
    ensures kept: c->rcount == \old(c->rcount) && c->rhead == \old(c->rhead)
                  && c->rcap == \old(c->rcap) && c->rcv_nxt == \old(c->rcv_nxt); */
static void tell_got(struct tcpsm_conn *c, uint32_t *got, uint32_t n)
{
    (void)c;
    *got = n;
}

/*@ requires \valid(c) && recv_ok(c);
    requires rflags == \null || (\valid(rflags) && \separated(rflags, c));
    assigns rflags[0 .. (rflags == \null ? -1 : 0)];
    ensures ok: recv_ok(c);
    ensures kept: c->rcount == \old(c->rcount) && c->rhead == \old(c->rhead)
                  && c->rcap == \old(c->rcap) && c->rcv_nxt == \old(c->rcv_nxt); */
static void tell_rflags(struct tcpsm_conn *c, unsigned *rflags, unsigned fl)
{
    (void)c;
    if (rflags != NULL)
        *rflags = fl;
}

/*@ requires mem: \valid(c) && \valid(c->rbuf + (0 .. c->rcap - 1))
                  && \separated(c, c->rbuf + (0 .. c->rcap - 1));
    requires ok: recv_ok(c);
    requires user: \valid(ubuf + (0 .. ucap - 1)) && \valid(got)
                   && \separated(ubuf + (0 .. ucap - 1), c, c->rbuf + (0 .. c->rcap - 1), got)
                   && \separated(got, c, c->rbuf + (0 .. c->rcap - 1))
                   && (rflags == \null
                       || (\valid(rflags)
                           && \separated(rflags, c, c->rbuf + (0 .. c->rcap - 1), got,
                                         ubuf + (0 .. ucap - 1))));
    assigns c->rhead, c->rcount, c->rpush, c->rcv_urg, c->ack_now,
            ubuf[0 .. ucap - 1], *got, rflags[0 .. (rflags == \null ? -1 : 0)];
    ensures ok: recv_ok(c);
    ensures shrinks: c->rcount <= \old(c->rcount);
    ensures kept: c->rcap == \old(c->rcap) && c->rcv_nxt == \old(c->rcv_nxt);
    behavior none:
      assumes ucap == 0 || c->rcount == 0;
      ensures c->rcount == \old(c->rcount) && c->rhead == \old(c->rhead);
    behavior some:
      assumes ucap != 0 && c->rcount != 0;
      ensures \result == TCPSM_OK;
      ensures *got == \min(ucap, \old(c->rcount));
      ensures c->rcount == \old(c->rcount) - *got;
      ensures c->rhead == (\old(c->rhead) + *got) % c->rcap;
      ensures bytes: \forall integer k; 0 <= k < *got
                     ==> ubuf[k] == c->rbuf[\old(c->rhead) + k < c->rcap ? \old(c->rhead) + k
                                                                        : \old(c->rhead) + k - c->rcap];
    complete behaviors;
    disjoint behaviors; */
static enum tcpsm_err do_receive(struct tcpsm_conn *c, uint8_t *ubuf, uint32_t ucap,
                                 uint32_t *got, unsigned *rflags)
{
    uint32_t n = min32(ucap, c->rcount);
    uint32_t before = rcv_wnd(c);
    unsigned fl = 0;
    /* RFC 9293 3.10.3: tell the user when RCV.UP is ahead of what is read. */
    if (c->rcv_urg && seq_lt(rcv_read_seq(c), c->rcv_up))
        fl |= TCPSM_RECV_URGENT;
    if (n == 0) {
        tell_rflags(c, rflags, fl);
        /* RFC 9293 3.10.3 CLOSE-WAIT: no text left after the FIN */
        return c->fin_rcvd ? TCPSM_ERR_CLOSING : TCPSM_OK;
    }
    ring_get(c->rbuf, c->rcap, c->rhead, ubuf, n);  /* the oldest unread bytes, in order */
    /*@ assert recv_got: recv_ok(c); */
    if (recv_push(c, n))
        fl |= TCPSM_RECV_PUSH;
    recv_take(c, n);
    recv_after(c, before);
    tell_rflags(c, rflags, fl);
    tell_got(c, got, n);
    return TCPSM_OK;
}

/* Peer MSS from the SYN (RFC 9293 3.7.1, MUST-15/MUST-16). */
void tcpsm_take_mss(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    uint16_t peer;
    uint8_t family = addr_specified(&c->remote.ip) ? c->remote.ip.family
                     : addr_specified(&seg->src)  ? seg->src.family
                                                  : c->local.ip.family;
    if (seg->opt.has_mss && seg->opt.mss != 0)
        peer = seg->opt.mss;
    else
        peer = (family == TCPSM_AF_INET6) ? 1220u : 536u;   /* MUST-15, by the peer's family */
    c->snd_mss = peer < c->cfg.mss ? peer : c->cfg.mss;                 /* MUST-16 */
}

/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->remote, c->passive,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures listen: tcb_ok_in(c, TCPSM_LISTEN); */
static void to_listen(struct tcpsm_conn *c)
{
    c->passive = true;
    remote_from_open(c);
    tcb_clear_conn(c);
}

/* ---------------------------------------------------------------------- */
/* The actions that need more than a line, each with the invariant it
 * establishes for the row's target state (the dispatcher only chains them). */

/* RFC 9293 3.10.1 CLOSED, passive: a new TCB in LISTEN. */
/*@ requires mem: tcb_mem(c) && shape_ok(c) && \valid_read(o) && \separated(c, o);
    assigns c->local, c->remote, c->open_remote, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: tcb_ok_in(c, TCPSM_LISTEN);
    ensures log_kept: \forall integer i; 0 <= i < 4
                      ==> (c->log[i].from == \old(c->log[i].from)
                           && c->log[i].to == \old(c->log[i].to)); */
static void act_listen(struct tcpsm_conn *c, const struct tcpsm_open *o)
{
    bind_open(c, o);
    tcb_clear_conn(c);
    c->passive = true;
}

/* RFC 9293 3.10.1 CLOSED/LISTEN, active: a new TCB in SYN-SENT. */
/*@ requires mem: tcb_mem(c) && shape_ok(c) && \valid_read(o) && \separated(c, o);
    assigns c->local, c->remote, c->open_remote, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: tcb_ok_in(c, TCPSM_SYN_SENT);
    ensures log_kept: \forall integer i; 0 <= i < 4
                      ==> (c->log[i].from == \old(c->log[i].from)
                           && c->log[i].to == \old(c->log[i].to)); */
static void act_connect(struct tcpsm_conn *c, const struct tcpsm_open *o)
{
    bind_open(c, o);
    tcb_clear_conn(c);
    start_active(c);
}

/* RFC 9293 3.10.2 LISTEN: SEND with a specified foreign socket goes active. */
/*@ requires ok: valid_tcb(c) && shape_ok(c) && c->state == TCPSM_LISTEN;
    requires data: \valid_read(data + (0 .. len - 1))
                   && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1));
    requires acc: accepted == \null
                  || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns c->passive, c->remote, c->snd_una, c->snd_nxt, c->syn_acked, c->syn_unsent,
            c->scount, c->snd_psh, c->snd_psh_seq, c->snd_urg, c->snd_up,
            c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures ok: tcb_ok_in(c, TCPSM_SYN_SENT);
    ensures mem: tcb_mem(c); */
static enum tcpsm_err act_connect_send(struct tcpsm_conn *c, const uint8_t *data, uint32_t len,
                                       unsigned flags, uint32_t *accepted)
{
    enum tcpsm_err err;
    start_active(c);
    err = queue_send(c, data, len, flags, accepted);
    /* the parts of tcb_ok_in, one goal each (queue_send only grew scount) */
    /*@ assert bufs: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0); */
    /*@ assert cfg: config_ok(c) && c->snd_mss != 0; */
    /*@ assert send: send_ok_in(c, TCPSM_SYN_SENT); */
    /*@ assert ranges: ranges_ok(c, c->nooo); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: peer_ok_in(c, TCPSM_SYN_SENT) && flags_ok_in(c, TCPSM_SYN_SENT); */
    /*@ assert timers: timers_ok_in(c, TCPSM_SYN_SENT); */
    /*@ assert mem: tcb_mem(c); */
    return err;
}

/* RFC 9293 3.10.2: queue the user's data (not in CLOSED or LISTEN). */
/*@ requires ok: valid_tcb(c) && !unbound(c);
    requires data: \valid_read(data + (0 .. len - 1))
                   && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1));
    requires acc: accepted == \null
                  || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns c->scount, c->snd_psh, c->snd_psh_seq, c->snd_urg, c->snd_up,
            c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures ok: tcb_ok(c);
    ensures mem: tcb_mem(c); */
static enum tcpsm_err act_queue_send(struct tcpsm_conn *c, const uint8_t *data, uint32_t len,
                                     unsigned flags, uint32_t *accepted)
{
    enum tcpsm_err err;
    /*@ assert recv_pre: recv_ok(c); */
    err = queue_send(c, data, len, flags, accepted);
    /* the parts of tcb_ok, one goal each (queue_send only grew scount) */
    /*@ assert bufs: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0); */
    /*@ assert cfg: config_ok(c) && c->snd_mss != 0 && 0 <= c->state < TCPSM_NSTATES; */
    /*@ assert send: send_ok(c); */
    /*@ assert ranges: ranges_ok(c, c->nooo); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: peer_ok(c) && flags_ok(c); */
    /*@ assert timers: timers_ok(c); */
    /*@ assert mem: tcb_mem(c); */
    return err;
}

/* RFC 9293 3.10.3: hand the user what has arrived in order. */
/*@ requires ok: valid_tcb(c);
    requires user: \valid(ubuf + (0 .. ucap - 1)) && \valid(got)
                   && \separated(ubuf + (0 .. ucap - 1), c, c->rbuf + (0 .. c->rcap - 1), got)
                   && \separated(got, c, c->rbuf + (0 .. c->rcap - 1))
                   && (rflags == \null
                       || (\valid(rflags)
                           && \separated(rflags, c, c->rbuf + (0 .. c->rcap - 1), got,
                                         ubuf + (0 .. ucap - 1))));
    assigns c->rhead, c->rcount, c->rpush, c->rcv_urg, c->ack_now,
            ubuf[0 .. ucap - 1], *got, rflags[0 .. (rflags == \null ? -1 : 0)];
    ensures ok: tcb_ok(c);
    ensures mem: tcb_mem(c); */
static enum tcpsm_err act_receive(struct tcpsm_conn *c, uint8_t *ubuf, uint32_t ucap,
                                  uint32_t *got, unsigned *rflags)
{
    enum tcpsm_err err;
    /*@ assert recv_pre: recv_ok(c); */
    /*@ assert cfg_pre: config_ok(c); */
    /*@ assert send_pre: send_ok(c); */
    /*@ assert peer_pre: peer_ok(c) && flags_ok(c); */
    /*@ assert timers_pre: timers_ok(c); */
    err = do_receive(c, ubuf, ucap, got, rflags);
    /* what do_receive does not write, a few fields a goal */
    /*@ assert kept_state: c->state == \at(c->state, Pre) && c->sbuf == \at(c->sbuf, Pre); */
    /*@ assert kept_send: c->scap == \at(c->scap, Pre) && c->shead == \at(c->shead, Pre)
                          && c->scount == \at(c->scount, Pre); */
    /*@ assert kept_seq: c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre)
                         && c->iss == \at(c->iss, Pre) && c->syn_acked == \at(c->syn_acked, Pre); */
    /*@ assert kept_fin: c->fin_queued == \at(c->fin_queued, Pre) && c->fin_sent == \at(c->fin_sent, Pre)
                         && c->fin_acked == \at(c->fin_acked, Pre)
                         && c->fin_rcvd == \at(c->fin_rcvd, Pre); */
    /*@ assert kept_cfg: c->cfg.mss == \at(c->cfg.mss, Pre)
                         && c->cfg.rto_initial_us == \at(c->cfg.rto_initial_us, Pre)
                         && c->cfg.rto_max_us == \at(c->cfg.rto_max_us, Pre)
                         && c->cfg.msl_us == \at(c->cfg.msl_us, Pre); */
    /*@ assert kept_counts: c->nlog == \at(c->nlog, Pre) && c->nreply == \at(c->nreply, Pre)
                            && c->snd_mss == \at(c->snd_mss, Pre); */
    /*@ assert kept_peer: c->remote.port == \at(c->remote.port, Pre)
                          && c->open_remote.port == \at(c->open_remote.port, Pre)
                          && c->remote.ip.family == \at(c->remote.ip.family, Pre)
                          && c->open_remote.ip.family == \at(c->open_remote.ip.family, Pre); */
    /*@ assert kept_ooo: c->nooo == \at(c->nooo, Pre) && c->ooo_fin == \at(c->ooo_fin, Pre); */
    /*@ assert kept_timers: c->t_rtx == \at(c->t_rtx, Pre) && c->t_user == \at(c->t_user, Pre)
                            && c->t_2msl == \at(c->t_2msl, Pre); */
    /* the parts of tcb_ok, one goal each (do_receive only read data out) */
    /*@ assert bufs: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0); */
    /*@ assert cfg: config_ok(c); */
    /*@ assert mss: c->snd_mss != 0 && 0 <= c->state < TCPSM_NSTATES; */
    /*@ assert send: send_ok(c); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: peer_ok(c) && flags_ok(c); */
    /*@ assert timers: timers_ok(c); */
    /*@ assert mem: tcb_mem(c); */
    return err;
}

/* RFC 9293 3.10.4: the FIN goes after the queued SENDs. */
/*@ requires ok: valid_tcb(c);
    requires from: c->state == TCPSM_ESTABLISHED || c->state == TCPSM_SYN_RECEIVED
                   || c->state == TCPSM_CLOSE_WAIT;
    assigns c->fin_queued, c->close_deferred;
    ensures fin_wait_1: c->state != TCPSM_CLOSE_WAIT ==> tcb_ok_in(c, TCPSM_FIN_WAIT_1);
    ensures last_ack: c->state == TCPSM_CLOSE_WAIT ==> tcb_ok_in(c, TCPSM_LAST_ACK);
    ensures mem: tcb_mem(c); */
static void act_queue_fin(struct tcpsm_conn *c)
{
    c->fin_queued = true;
    c->close_deferred = false;
}

/* SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK (fields the
 * invariant does not read: the contract says so field by field). */
/*@ requires \valid(c) && \valid_read(seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c); */
static void take_window(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    c->snd_wnd = seg->wnd;
    c->snd_wl1 = seg->seq;
    c->snd_wl2 = seg->ack;
    c->max_snd_wnd = seg->wnd;
}

/*@ requires \valid(c);
    assigns c->ack_now;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c); */
static void ack_soon(struct tcpsm_conn *c)
{
    c->ack_now = true;
}

/* The SYN's sender becomes the foreign socket (struct copies, kept out of
 * the bigger functions: the contract says what survives them). */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->remote.ip, c->remote.port, c->local.ip;
    ensures closed: \old(tcb_ok_in(c, TCPSM_CLOSED)) ==> tcb_ok_in(c, TCPSM_CLOSED);
    ensures mem: \old(tcb_mem(c)) ==> tcb_mem(c);
    ensures kept: c->state == \old(c->state) && c->iss == \old(c->iss); */
static void peer_from_syn(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    c->remote.ip = seg->src;            /* fill in the unspecified foreign socket */
    c->remote.port = seg->sport;
    if (!addr_specified(&c->local.ip))
        c->local.ip = seg->dst;
}

/* RFC 9293 3.10.7.2 third, LISTEN: the peer, and SND.UNA <- ISS, SND.NXT <- ISS+1. */
/*@ requires ok: valid_tcb(c) && c->state == TCPSM_LISTEN;
    requires seg: \valid_read(seg) && \separated(seg, c);
    assigns c->remote.ip, c->remote.port, c->local.ip, c->snd_una, c->snd_nxt, c->syn_acked;
    ensures ok: tcb_mem(c) && tcb_ok_in(c, TCPSM_SYN_RECEIVED);
    ensures kept: c->state == \old(c->state); */
static void syn_ack_listen(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    peer_from_syn(c, seg);
    c->snd_una = c->iss;
    c->snd_nxt = seq_add(c->iss, 1u);
    c->syn_acked = false;
}

/* RFC 9293 3.10.7.3 fourth, SYN-SENT: SND.WND <- SEG.WND ... */
/*@ requires ok: valid_tcb(c) && c->state == TCPSM_SYN_SENT;
    requires seg: \valid_read(seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures ok: tcb_ok_in(c, TCPSM_SYN_RECEIVED); */
static void syn_ack_window(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    take_window(c, seg);                /* RFC 9293 3.10.7.3: SND.WND <- SEG.WND ... */
}

/*@ requires ok: valid_tcb(c) && (c->state == TCPSM_LISTEN || c->state == TCPSM_SYN_SENT);
    requires seg: \valid_read(seg) && \separated(seg, c);
    assigns c->remote.ip, c->remote.port, c->local.ip, c->snd_una, c->snd_nxt, c->syn_acked,
            c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures ok: tcb_mem(c) && tcb_ok_in(c, TCPSM_SYN_RECEIVED); */
static void syn_ack_peer(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    if (c->state == TCPSM_LISTEN)
        syn_ack_listen(c, seg);
    else
        syn_ack_window(c, seg);
}

/* IRS <- SEG.SEQ, RCV.NXT <- SEG.SEQ+1 (fields the invariant does not read). */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->irs, c->rcv_nxt;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void syn_ack_irs(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    c->irs = seg->seq;
    c->rcv_nxt = seq_add(seg->seq, 1u);
}

/* tcpsm_take_mss, with what it keeps. */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg) && c->cfg.mss != 0;
    assigns c->snd_mss;
    ensures mss: c->snd_mss != 0;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: c->state == \old(c->state) && c->nlog == \old(c->nlog)
                      && c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                      && c->iss == \old(c->iss);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void syn_ack_mss(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    tcpsm_take_mss(c, seg);
}

/* Our SYN (or SYN,ACK) is owed (output.c's syn_owed() tests it). */
/*@ requires \valid(c);
    assigns c->syn_unsent;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c);
    ensures recv: \old(recv_ok(c)) ==> recv_ok(c); */
static void mark_syn_unsent(struct tcpsm_conn *c)
{
    c->syn_unsent = true;
}

/* RFC 9293 3.10.7.2 third (LISTEN) / 3.10.7.3 fourth (SYN-SENT, simultaneous
 * open): record the peer's SYN and queue <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
/*@ requires ok: valid_tcb(c) && shape_ok(c)
                 && (c->state == TCPSM_LISTEN || c->state == TCPSM_SYN_SENT);
    requires seg: \valid_read(seg) && \separated(seg, c);
    assigns c->remote.ip, c->remote.port, c->local.ip, c->snd_una, c->snd_nxt, c->syn_acked,
            c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd, c->irs, c->rcv_nxt,
            c->snd_mss, c->syn_unsent;
    ensures ok: tcb_ok_in(c, TCPSM_SYN_RECEIVED);
    ensures mem: tcb_mem(c); */
static void act_syn_ack(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    syn_ack_peer(c, seg);
    /*@ assert recv0: recv_ok(c); */
    syn_ack_irs(c, seg);
    /*@ assert recv1: recv_ok(c); */
    syn_ack_mss(c, seg);
    /*@ assert recv2: recv_ok(c); */
    mark_syn_unsent(c);
    /* the parts of tcb_ok_in, one goal each (the last three calls write
     * fields the invariant does not read, but snd_mss, which stays non-zero) */
    /*@ assert bufs: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0); */
    /*@ assert cfg: config_ok(c) && c->snd_mss != 0; */
    /*@ assert send: send_ok_in(c, TCPSM_SYN_RECEIVED); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: peer_ok_in(c, TCPSM_SYN_RECEIVED) && flags_ok_in(c, TCPSM_SYN_RECEIVED); */
    /*@ assert timers: timers_ok_in(c, TCPSM_SYN_RECEIVED); */
    /*@ assert mem: tcb_mem(c); */
}

/* RFC 9293 3.10.7.4 eighth: start the 2 MSL timeout, stop the others. */
/*@ requires ok: tcb_mem(c) && tcb_ok_nt(c, TCPSM_TIME_WAIT);
    assigns c->t_rtx, c->t_user, c->t_2msl, c->rtx_pending;
    ensures ok: tcb_ok_in(c, TCPSM_TIME_WAIT);
    ensures mem: tcb_mem(c); */
static void act_time_wait(struct tcpsm_conn *c, uint64_t now)
{
    timers_off(c);
    c->rtx_pending = false;
    c->t_2msl = deadline_after(now, c->cfg.msl_us * 2u);
}

/* RFC 6298 5.5: back the timer off (the counters stop at their maximum).
 * (What a timeout does to the congestion window and to R1/R2 is cc.c's,
 * run by tcpsm_timer after this row.) */
/*@ requires ok: \valid(c) && c->cfg.rto_max_us >= c->cfg.rto_initial_us;
    assigns c->rtx_pending, c->rtx_count, c->n_retransmits, c->rto_us;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c); */
static void rtx_backoff(struct tcpsm_conn *c)
{
    c->rtx_pending = true;
    c->rtx_count = sat_inc(c->rtx_count);
    c->n_retransmits = sat_inc(c->n_retransmits);
    c->rto_us = (c->rto_us > c->cfg.rto_max_us / 2u) ? c->cfg.rto_max_us : c->rto_us * 2u;
}

/* RFC 9293 3.10.8, RFC 6298 5.5-5.6: resend the front, back the timer off. */
/*@ requires ok: valid_tcb(c) && c->snd_una != c->snd_nxt && c->state != TCPSM_TIME_WAIT
                 && !unbound(c);
    assigns c->rtx_pending, c->rtx_count, c->n_retransmits, c->rto_us, c->t_rtx;
    ensures ok: tcb_ok(c);
    ensures mem: tcb_mem(c); */
static void act_retransmit(struct tcpsm_conn *c, uint64_t now)
{
    rtx_backoff(c);
    c->t_rtx = deadline_after(now, c->rto_us);
}

/* Delete the TCB, leaving err (reset, refused, timeout) for the user's next
 * call (RFC 9293 3.6, MUST-12). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires err: err == TCPSM_ERR_RESET || err == TCPSM_ERR_REFUSED || err == TCPSM_ERR_USER_TIMEOUT
                  || err == TCPSM_ERR_TIMED_OUT;
    assigns c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc, c->error;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: tcb_ok_in(c, TCPSM_CLOSED);
    ensures log: \forall integer i; 0 <= i < 4
                 ==> (c->log[i].from == \old(c->log[i].from) && c->log[i].to == \old(c->log[i].to)); */
static void act_fail(struct tcpsm_conn *c, enum tcpsm_err err)
{
    c->error = (uint8_t)err;            /* first: tcb_clear keeps it */
    tcb_clear(c);
}

/* Delete the TCB. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc;
    ensures ok: tcb_ok_in(c, TCPSM_CLOSED);
    ensures mem: tcb_mem(c); */
static void act_delete(struct tcpsm_conn *c)
{
    tcb_clear(c);
}

/* RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, then delete the TCB. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc,
            c->nreply, c->reply[0 .. 3];
    ensures ok: tcb_ok_in(c, TCPSM_CLOSED);
    ensures mem: tcb_mem(c); */
static void act_abort(struct tcpsm_conn *c)
{
    send_rst(c);
    tcb_clear(c);
}

/* RST in reply to the offending segment, signal "connection reset". */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires seg: \valid_read(seg) && \separated(c, seg) && seg->len <= 65535;
    assigns c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc,
            c->error, c->nreply, c->reply[0 .. 3];
    ensures ok: tcb_ok_in(c, TCPSM_CLOSED);
    ensures mem: tcb_mem(c); */
static void act_reset_send_rst(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    reply_rst(c, seg);
    act_fail(c, TCPSM_ERR_RESET);
}

/* RST in reply to the offending segment; the state stays. */
/*@ requires ok: valid_tcb(c);
    requires seg: \valid_read(seg) && \separated(c, seg) && seg->len <= 65535;
    assigns c->nreply, c->reply[0 .. 3];
    ensures ok: tcb_ok(c);
    ensures mem: tcb_mem(c); */
static void act_reply_rst(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    reply_rst(c, seg);
    /*@ assert send: send_ok(c); */
    /*@ assert recv: recv_ok(c); */
    /*@ assert peer: peer_ok(c) && flags_ok(c); */
    /*@ assert timers: timers_ok(c); */
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
/*@ requires ok: valid_tcb(c);
    assigns c->ack_now;
    ensures ok: tcb_ok(c);
    ensures mem: tcb_mem(c); */
static void act_send_ack(struct tcpsm_conn *c)
{
    c->ack_now = true;
}

/* RFC 9293 3.10.7.3 SYN-SENT: our SYN is acked; set the window, form an ACK. */
/*@ requires ok: tcb_mem(c) && tcb_ok_in(c, TCPSM_ESTABLISHED);
    requires seg: \valid_read(seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd, c->ack_now;
    ensures ok: tcb_ok_in(c, TCPSM_ESTABLISHED);
    ensures mem: tcb_mem(c); */
static void act_establish(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    take_window(c, seg);
    ack_soon(c);
}

/* RFC 9293 3.10.7.4 fifth SYN-RECEIVED: SND.WND <- SEG.WND ... (RFC 5961 MAX.SND.WND) */
/*@ requires \valid(c) && \valid_read(seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures same_ring: same_ring{Pre, Post}(c);
    ensures same_seq: same_seq{Pre, Post}(c);
    ensures same_flags: same_flags{Pre, Post}(c);
    ensures same_ooo: same_ooo{Pre, Post}(c);
    ensures same_peer: same_peer{Pre, Post}(c);
    ensures same_rest: same_rest{Pre, Post}(c); */
static void update_window(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    c->snd_wnd = seg->wnd;
    c->snd_wl1 = seg->seq;
    c->snd_wl2 = seg->ack;
    if (seg->wnd > c->max_snd_wnd)
        c->max_snd_wnd = seg->wnd;
}

/* RFC 9293 3.10.7.4 fifth SYN-RECEIVED: our SYN is acked; set the window. */
/*@ requires ok: tcb_mem(c) && tcb_ok_in(c, TCPSM_ESTABLISHED);
    requires seg: \valid_read(seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures ok: tcb_ok_in(c, TCPSM_ESTABLISHED);
    ensures mem: tcb_mem(c); */
static void act_syn_acked(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    update_window(c, seg);
}

/* The row's action: one call a case, each with the invariant of the row's
 * target state in its contract.  One behavior per group of actions, each
 * needing what tcpsm_fire's `pre` gives for it; none touches the state or
 * the log (set_state() does, after). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires k: \valid_read(k) && \separated(k, c);
    requires act: action == row_action(row) && action < TCPSM_NACTIONS;
    requires seg: (action == TCPSM_A_REPLY_RST || action == TCPSM_A_RESET_SEND_RST
                   || action == TCPSM_A_SYN_ACK || action == TCPSM_A_ESTABLISH
                   || action == TCPSM_A_SYN_ACKED)
                  ==> (\valid_read(k->seg) && k->seg->len <= 65535 && \separated(k->seg, c));
    requires open: (action == TCPSM_A_LISTEN || action == TCPSM_A_CONNECT)
                   ==> (\valid_read(k->open) && \separated(k->open, c));
    requires send: (action == TCPSM_A_CONNECT_SEND || action == TCPSM_A_QUEUE_SEND)
                   ==> (\valid_read(k->data + (0 .. k->len - 1))
                        && \separated(k->data + (0 .. k->len - 1), c->sbuf + (0 .. c->scap - 1))
                        && (k->accepted == \null
                            || (\valid(k->accepted)
                                && \separated(k->accepted, c, c->sbuf + (0 .. c->scap - 1)))));
    requires recv: action == TCPSM_A_RECEIVE
                   ==> (\valid(k->rbuf + (0 .. k->rcap - 1)) && \valid(k->got)
                        && \separated(k->rbuf + (0 .. k->rcap - 1), c, c->rbuf + (0 .. c->rcap - 1), k->got)
                        && \separated(k->got, c, c->rbuf + (0 .. c->rcap - 1))
                        && (k->rflags == \null
                            || (\valid(k->rflags)
                                && \separated(k->rflags, c, c->rbuf + (0 .. c->rcap - 1), k->got,
                                              k->rbuf + (0 .. k->rcap - 1)))));
    assigns c->local, c->remote, c->open_remote, c->local.ip.family, c->local.port, c->remote.ip.family, c->remote.port,
            c->open_remote.ip.family, c->open_remote.port, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count, c->cc,
            c->error, c->nreply, c->reply[0 .. 3], c->n_retransmits, c->sbuf[0 .. c->scap - 1],
            k->rbuf[0 .. k->rcap - 1], k->got[0 .. (k->got == \null ? -1 : 0)],
            k->rflags[0 .. (k->rflags == \null ? -1 : 0)],
            k->accepted[0 .. (k->accepted == \null ? -1 : 0)];
    ensures mem: tcb_mem(c);
    ensures ok: tcb_ok_in(c, row_to(row));
    ensures kept: c->state == \old(c->state) && c->nlog == \old(c->nlog)
                  && c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log_kept: \forall integer i; 0 <= i < 4
                      ==> (c->log[i].from == \old(c->log[i].from)
                           && c->log[i].to == \old(c->log[i].to));
    ensures frame: keeps_seq(action)
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd));
    behavior nothing:
      assumes action == TCPSM_A_NONE || action == TCPSM_A_STATUS || action == TCPSM_A_ERR_EXISTS
              || action == TCPSM_A_ERR_NOT_EXIST || action == TCPSM_A_ERR_CLOSING;
      requires ok: tcb_ok_in(c, row_to(row));
    behavior clear:
      assumes clearing(action);
      requires to: row_to(row) == TCPSM_CLOSED;
    behavior listen:
      assumes action == TCPSM_A_LISTEN || action == TCPSM_A_TO_LISTEN;
      requires to: row_to(row) == TCPSM_LISTEN;
    behavior connect:
      assumes action == TCPSM_A_CONNECT;
      requires to: row_to(row) == TCPSM_SYN_SENT;
    behavior connect_send:
      assumes action == TCPSM_A_CONNECT_SEND;
      requires ok: tcb_ok(c) && c->state == TCPSM_LISTEN && row_to(row) == TCPSM_SYN_SENT;
    behavior stay:
      assumes action == TCPSM_A_QUEUE_SEND || action == TCPSM_A_RECEIVE
              || action == TCPSM_A_SEND_ACK || action == TCPSM_A_REPLY_RST;
      requires ok: tcb_ok(c) && row_to(row) == c->state;
      requires bound: action == TCPSM_A_QUEUE_SEND ==> !unbound(c);
    behavior queue_fin:
      assumes action == TCPSM_A_QUEUE_FIN;
      requires ok: tcb_ok(c);
      requires to: (c->state == TCPSM_ESTABLISHED && row_to(row) == TCPSM_FIN_WAIT_1)
                   || (c->state == TCPSM_SYN_RECEIVED && row_to(row) == TCPSM_FIN_WAIT_1)
                   || (c->state == TCPSM_CLOSE_WAIT && row_to(row) == TCPSM_LAST_ACK);
    behavior syn_ack:
      assumes action == TCPSM_A_SYN_ACK;
      requires ok: tcb_ok(c) && (c->state == TCPSM_LISTEN || c->state == TCPSM_SYN_SENT)
                   && row_to(row) == TCPSM_SYN_RECEIVED;
    behavior establish:
      assumes action == TCPSM_A_ESTABLISH || action == TCPSM_A_SYN_ACKED;
      requires ok: tcb_ok_in(c, TCPSM_ESTABLISHED) && row_to(row) == TCPSM_ESTABLISHED;
    behavior time_wait:
      assumes action == TCPSM_A_TIME_WAIT;
      requires ok: tcb_ok_nt(c, TCPSM_TIME_WAIT) && row_to(row) == TCPSM_TIME_WAIT;
    behavior retransmit:
      assumes action == TCPSM_A_RETRANSMIT;
      requires ok: tcb_ok(c) && row_to(row) == c->state && c->state != TCPSM_TIME_WAIT
                   && !unbound(c) && c->snd_una != c->snd_nxt;
    complete behaviors;
    disjoint behaviors; */
static enum tcpsm_err run_action(struct tcpsm_conn *c, const struct call *k, int row, unsigned action)
{
    (void)row;                          /* the contract's target state */
    switch (action) {
    case TCPSM_A_NONE:
    case TCPSM_A_STATUS:
        return TCPSM_OK;
    case TCPSM_A_LISTEN:                /* RFC 9293 3.10.1 CLOSED, passive */
        act_listen(c, k->open);
        return TCPSM_OK;
    case TCPSM_A_CONNECT:               /* RFC 9293 3.10.1 CLOSED/LISTEN, active */
        act_connect(c, k->open);
        return TCPSM_OK;
    case TCPSM_A_CONNECT_SEND:          /* RFC 9293 3.10.2 LISTEN */
        return act_connect_send(c, k->data, k->len, k->flags, k->accepted);
    case TCPSM_A_QUEUE_SEND:            /* RFC 9293 3.10.2 */
        return act_queue_send(c, k->data, k->len, k->flags, k->accepted);
    case TCPSM_A_RECEIVE:               /* RFC 9293 3.10.3 */
        return act_receive(c, k->rbuf, k->rcap, k->got, k->rflags);
    case TCPSM_A_QUEUE_FIN:             /* RFC 9293 3.10.4: FIN after queued SENDs */
        act_queue_fin(c);
        return TCPSM_OK;
    case TCPSM_A_DELETE:                /* delete the TCB */
        act_delete(c);
        return TCPSM_OK;
    case TCPSM_A_SEND_RST:              /* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST> */
        act_abort(c);
        return TCPSM_OK;
    case TCPSM_A_REPLY_RST:
        act_reply_rst(c, k->seg);
        return TCPSM_OK;
    case TCPSM_A_SEND_ACK:              /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        act_send_ack(c);
        return TCPSM_OK;
    case TCPSM_A_SYN_ACK:               /* RFC 9293 3.10.7.2 third / 3.10.7.3 fourth */
        act_syn_ack(c, k->seg);         /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
        return TCPSM_OK;
    case TCPSM_A_ESTABLISH:             /* RFC 9293 3.10.7.3: form an ACK */
        act_establish(c, k->seg);
        return TCPSM_OK;
    case TCPSM_A_SYN_ACKED:             /* RFC 9293 3.10.7.4 fifth SYN-RECEIVED */
        act_syn_acked(c, k->seg);
        return TCPSM_OK;
    case TCPSM_A_TO_LISTEN:             /* RFC 9293 3.10.7.4 (MUST-11) */
        to_listen(c);
        return TCPSM_OK;
    case TCPSM_A_RESET:                 /* signal "connection reset" */
        act_fail(c, TCPSM_ERR_RESET);
        return TCPSM_OK;
    case TCPSM_A_RESET_SEND_RST:
        act_reset_send_rst(c, k->seg);
        return TCPSM_OK;
    case TCPSM_A_REFUSED:               /* signal "connection refused" */
        act_fail(c, TCPSM_ERR_REFUSED);
        return TCPSM_OK;
    case TCPSM_A_TIME_WAIT:             /* RFC 9293 3.10.7.4 eighth: start 2 MSL, others off */
        act_time_wait(c, k->now);
        return TCPSM_OK;
    case TCPSM_A_USER_TIMEOUT:          /* RFC 9293 3.10.8 USER TIMEOUT */
        act_fail(c, TCPSM_ERR_USER_TIMEOUT);
        return TCPSM_OK;
    case TCPSM_A_TIMED_OUT:             /* RFC 1122 4.2.3.6: keep-alive, no answer */
        act_fail(c, TCPSM_ERR_TIMED_OUT);
        return TCPSM_OK;
    case TCPSM_A_RETRANSMIT:            /* RFC 9293 3.10.8, RFC 6298 5.5-5.6 */
        act_retransmit(c, k->now);
        return TCPSM_OK;
    case TCPSM_A_ERR_EXISTS:
        return TCPSM_ERR_EXISTS;
    case TCPSM_A_ERR_NOT_EXIST:
        return TCPSM_ERR_NOT_EXIST;
    case TCPSM_A_ERR_CLOSING:
        return TCPSM_ERR_CLOSING;
    default:
        return TCPSM_ERR_INVAL;
    }
}

/* A lemma as a ghost function: one logged step from s0 is a chain.  Its
 * proof is a goal of its own; tcpsm_fire's log goal only calls it. */
/*@ ghost
  /@ requires \valid_read(c);
     requires n: 0 <= n0 && c->nlog == n0 + 1 && c->nlog <= 4;
     requires step: c->log[n0].from == s0 && c->log[n0].to == c->state;
     requires legal: legal_transition(s0, c->state);
     assigns \nothing;
     ensures chain(c, n0, s0); @/
  void chain_one(struct tcpsm_conn *c, int n0, unsigned s0) { }
*/

/*@ ghost
  /@ requires \valid_read(c);
     requires n: 0 <= n0 == c->nlog <= 4 && c->state == s0;
     assigns \nothing;
     ensures chain(c, n0, s0); @/
  void chain_none(struct tcpsm_conn *c, int n0, unsigned s0) { }
*/

/* The dispatcher: conn_impl.h describes it and holds its contract. */
enum tcpsm_err tcpsm_fire(struct tcpsm_conn *c, const struct call *k, unsigned event)
{
    int row = tcpsm_row_find(c->state, event);
    unsigned action;
    enum tcpsm_err err;
    /*@ ghost int n0 = c->nlog; */
    /*@ ghost unsigned s0 = c->state; */
    if (row < 0) {
        /*@ ghost chain_none(c, n0, s0); */
        return TCPSM_OK;
    }
    action = tcpsm_row_action((unsigned)row);
    err = run_action(c, k, row, action);
    /*@ assert kept: c->nlog == \at(c->nlog, Pre) && c->state == \at(c->state, Pre); */
    set_state(c, row, event);
    /*@ ghost chain_one(c, n0, s0); */
    return err;
}
