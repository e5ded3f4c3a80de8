/*
 * contracts.h: the ACSL contracts of tcpsm's public entry points (the
 * functions tcpsm.h declares), in one place for readers and auditors.
 * `make prove` proves each against its definition (proofs/wp.mk,
 * proofs/REPORT.md); the compiler sees only the repeated prototypes.
 * The predicates they use: proofs/tcb.acsl (valid_tcb, tcb_ok, chain),
 * proofs/rows.acsl (which action a state and event take: user_rows,
 * input_rows, timers_rows), tcpsm.h (legal_transition).  The codec's
 * contracts are in tcpsm_wire.h, the table lookups' in tcpsm.h, the
 * engine's internal functions' beside their definitions.
 *
 * Included by conn_impl.h (the engine's files) and check.c.
 */
#ifndef TCPSM_CONTRACTS_H
#define TCPSM_CONTRACTS_H

#include "seq.h"
#include "tcpsm.h"
#include "../../proofs/tcb.acsl"
#include "../../proofs/actions.acsl"
#include "../../proofs/rows.acsl"

/* ---- Life cycle (conn.c) ---- */

/*@ requires cfg == \null || \valid(cfg);
    assigns *cfg;
    ensures cfg != \null ==> (cfg->mss != 0 && cfg->rto_initial_us != 0
                              && cfg->rto_max_us >= cfg->rto_initial_us
                              && cfg->msl_us <= 2147483647); */
void tcpsm_config_default(struct tcpsm_config *cfg);

/*@ requires c == \null || \valid(c);
    requires cfg == \null || (\valid_read(cfg) && \separated(cfg, c));
    requires snd: sndbuf == \null || \valid(sndbuf + (0 .. sndcap - 1));
    requires rcv: rcvbuf == \null || \valid(rcvbuf + (0 .. rcvcap - 1));
    requires apart: \separated(c, sndbuf + (0 .. sndcap - 1), rcvbuf + (0 .. rcvcap - 1));
    assigns *c;
    ensures valid: \result == TCPSM_OK ==> (valid_tcb(c) && c->state == TCPSM_CLOSED);
    ensures refused: \result != TCPSM_OK ==> \result == TCPSM_ERR_INVAL; */
enum tcpsm_err tcpsm_conn_init(struct tcpsm_conn *c, const struct tcpsm_config *cfg,
                               uint8_t *sndbuf, uint32_t sndcap,
                               uint8_t *rcvbuf, uint32_t rcvcap);

/*@ requires valid_tcb(c);
    assigns c->iss;
    ensures valid: valid_tcb(c) && c->state == \old(c->state);
    ensures legal: legal_transition(\old(c->state), c->state);
    ensures set: \result == TCPSM_OK <==> unbound{Pre}(c);
    ensures iss: c->iss == (\result == TCPSM_OK ? iss : \old(c->iss)); */
enum tcpsm_err tcpsm_set_iss(struct tcpsm_conn *c, uint32_t iss);

/* ---- User calls, RFC 9293 3.10.1 - 3.10.6 (user.c) ---- */

/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires o == \null || (\valid_read(o) && \separated(o, c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    behavior refused:
      assumes o == \null || o->local.port == 0
              || ((o->local.ip.family == TCPSM_AF_INET || o->local.ip.family == TCPSM_AF_INET6)
                  && (o->remote.ip.family == TCPSM_AF_INET || o->remote.ip.family == TCPSM_AF_INET6)
                  && o->local.ip.family != o->remote.ip.family);
      assigns \nothing;
      ensures \result == TCPSM_ERR_INVAL;
    behavior call:
      assumes o != \null && o->local.port != 0
              && !((o->local.ip.family == TCPSM_AF_INET || o->local.ip.family == TCPSM_AF_INET6)
                   && (o->remote.ip.family == TCPSM_AF_INET || o->remote.ip.family == TCPSM_AF_INET6)
                   && o->local.ip.family != o->remote.ip.family);
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    complete behaviors;
    disjoint behaviors; */
enum tcpsm_err tcpsm_open(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_open *o);

/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires data == \null
             || (\valid_read(data + (0 .. len - 1))
                 && \separated(data + (0 .. len - 1), c->sbuf + (0 .. c->scap - 1)));
    requires accepted == \null
             || (\valid(accepted) && \separated(accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns *c, c->sbuf[0 .. c->scap - 1], accepted[0 .. (accepted == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    behavior refused:
      assumes data == \null && len != 0;
      assigns \nothing;
      ensures \result == TCPSM_ERR_INVAL;
    behavior call:
      assumes data != \null || len == 0;
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    complete behaviors;
    disjoint behaviors; */
enum tcpsm_err tcpsm_send(struct tcpsm_conn *c, uint64_t now, const uint8_t *data,
                          uint32_t len, unsigned flags, uint32_t *accepted);

/*@ requires valid_tcb(c);
    requires table: user_rows;
    requires buf == \null
             || (\valid(buf + (0 .. cap - 1))
                 && \separated(buf + (0 .. cap - 1), c, c->rbuf + (0 .. c->rcap - 1)));
    requires got == \null
             || (\valid(got) && \separated(got, c, c->rbuf + (0 .. c->rcap - 1), buf + (0 .. cap - 1)));
    requires flags == \null
             || (\valid(flags) && \separated(flags, c, c->rbuf + (0 .. c->rcap - 1), got,
                                              buf + (0 .. cap - 1)));
    assigns *c, c->sbuf[0 .. c->scap - 1], buf[0 .. cap - 1], got[0 .. (got == \null ? -1 : 0)],
            flags[0 .. (flags == \null ? -1 : 0)];
    ensures valid: valid_tcb(c);
    behavior refused:
      assumes got == \null || (buf == \null && cap != 0);
      assigns \nothing;
      ensures \result == TCPSM_ERR_INVAL;
    behavior call:
      assumes got != \null && (buf != \null || cap == 0);
      ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    complete behaviors;
    disjoint behaviors; */
enum tcpsm_err tcpsm_receive(struct tcpsm_conn *c, uint64_t now, uint8_t *buf,
                             uint32_t cap, uint32_t *got, unsigned *flags);

/*@ requires valid_tcb(c);
    requires table: user_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state));
    ensures deferred: \old(c->state) == TCPSM_SYN_RECEIVED && \old(c->scount) != 0
                      ==> (\result == TCPSM_OK && c->state == TCPSM_SYN_RECEIVED
                           && c->close_deferred != 0); */
enum tcpsm_err tcpsm_close(struct tcpsm_conn *c, uint64_t now);

/*@ requires valid_tcb(c);
    requires table: user_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: legal_transition(\old(c->state), c->state) && chain(c, 0, \old(c->state)); */
enum tcpsm_err tcpsm_abort(struct tcpsm_conn *c, uint64_t now);

/*@ requires valid_tcb(c);
    requires st == \null || (\valid(st) && \separated(st, c));
    assigns st[0 .. (st == \null ? -1 : 0)];
    ensures valid: valid_tcb(c); */
enum tcpsm_err tcpsm_status(const struct tcpsm_conn *c, struct tcpsm_status *st);

/* ---- Timeouts (3.10.8) and output (output.c) ---- */

/*@ requires c == \null || \valid(c);
    requires c != \null ==> valid_tcb(c);
    assigns c->cfg.r2_us, c->cfg.r2_syn_us;
    ensures valid: c != \null ==> valid_tcb(c);
    ensures set: \result == TCPSM_OK ==> (c->cfg.r2_us == r2_us && c->cfg.r2_syn_us == r2_syn_us); */
enum tcpsm_err tcpsm_set_r2(struct tcpsm_conn *c, uint32_t r2_us, uint32_t r2_syn_us);

/*@ requires c == \null || \valid(c);
    requires c != \null ==> valid_tcb(c);
    assigns c->cfg.nagle;
    ensures valid: c != \null ==> valid_tcb(c); */
enum tcpsm_err tcpsm_set_nagle(struct tcpsm_conn *c, bool on);

/*@ requires c == \null || \valid(c);
    requires c != \null ==> valid_tcb(c);
    assigns c->cfg.keepalive, c->cc;
    ensures valid: c != \null ==> valid_tcb(c); */
enum tcpsm_err tcpsm_set_keepalive(struct tcpsm_conn *c, bool on);

/*@ requires c == \null || \valid_read(c);
    assigns \nothing;
    ensures c != \null ==> (\result <= c->t_rtx && \result <= c->t_user && \result <= c->t_2msl); */
uint64_t tcpsm_next_deadline(const struct tcpsm_conn *c);

/*@ requires valid_tcb(c);
    requires table: timers_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
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
    complete behaviors;
    disjoint behaviors; */
enum tcpsm_err tcpsm_timer(struct tcpsm_conn *c, uint64_t now);

/*@ requires tcb: valid_tcb(c);
    requires seg: seg == \null || (\valid(seg) && \separated(seg, c, c->sbuf + (0 .. c->scap - 1)));
    requires buf: buf == \null || (\valid(buf + (0 .. cap - 1))
                    && \separated(buf + (0 .. cap - 1), c, c->sbuf + (0 .. c->scap - 1))
                    && (seg != \null ==> \separated(buf + (0 .. cap - 1), seg)));
    assigns c->reply[0 .. 3], c->nreply, c->ack_now, c->syn_unsent, c->rtx_pending,
            c->t_rtx, c->t_user, c->snd_nxt, c->fin_sent, c->cc, *seg, buf[0 .. cap - 1];
    ensures valid: valid_tcb(c);
    ensures state: c->state == \old(c->state);
    ensures legal: legal_transition(\old(c->state), c->state);
    ensures una: c->snd_una == \old(c->snd_una);
    ensures flight: seq_sub_l(\old(c->snd_nxt), c->snd_una) <= seq_sub_l(c->snd_nxt, c->snd_una);
    behavior refused:
      assumes seg == \null || (buf == \null && cap != 0);
      assigns \nothing;
      ensures \result == TCPSM_ERR_INVAL;
    behavior step:
      assumes seg != \null && (buf != \null || cap == 0);
      ensures nxt: seq_sub_l(c->snd_nxt, \old(c->snd_nxt)) <= (\result == TCPSM_OK ? seg->len + 1 : 0);
      ensures seg: \result == TCPSM_OK ==> (seg->len <= cap && seg->len <= c->snd_mss);
      ensures result: \result == TCPSM_OK || \result == TCPSM_ERR_EMPTY;
    complete behaviors;
    disjoint behaviors; */
enum tcpsm_err tcpsm_output(struct tcpsm_conn *c, uint64_t now,
                            struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap);

/* ---- The invariant's executable twin (check.c) ---- */

/*@ requires c == \null || \valid_read(c);
    assigns \nothing;
    ensures range: 0 <= \result < TCPSM_NINVS;
    ensures twin: \result == TCPSM_INV_OK <==> (c != \null && tcb_ok(c)); */
enum tcpsm_inv tcpsm_conn_check(const struct tcpsm_conn *c);

#endif
