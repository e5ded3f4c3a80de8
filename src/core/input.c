/*
 * input.c: SEGMENT ARRIVES, RFC 9293 3.10.7, as the RFC's ordered checks;
 * each check that decides something fires the event that names the
 * decision.
 */

#include "conn_impl.h"
#include "reasm.h"
#include "../../proofs/frame.acsl"

/* What the proof needs from the table is input_rows and seq_rows
 * (proofs/rows.acsl), required by tcpsm_input. */
/*@
  // the state the log starts from: walk(c, start(c)) is the
  // legality of everything the current call did so far
  logic integer start(struct tcpsm_conn *c) = c->nlog == 0 ? c->state : c->log[0].from;

  // tcb_ok with recv_ok0
  predicate tcb_ok0(struct tcpsm_conn *c) =
      (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0)
      && 0 <= c->state < TCPSM_NSTATES && config_ok(c)
      && send_ok(c) && recv_ok0(c) && peer_ok(c) && flags_ok(c)
      && c->snd_mss != 0 && timers_ok(c);

  // the state the FIN takes s to (3.10.7.4 eighth)
  logic integer fin_target(integer s) =
      s == TCPSM_ESTABLISHED ? TCPSM_CLOSE_WAIT : s == TCPSM_FIN_WAIT_1 ? TCPSM_CLOSING
      : s == TCPSM_FIN_WAIT_2 ? TCPSM_TIME_WAIT : s;

  // a segment event's call record: nothing to receive or accept, and
  // the segment and its text apart from the TCB and its rings
  predicate seg_call(struct tcpsm_conn *c, struct call *k) =
      \valid_read(k) && \valid_read(k->seg) && k->seg->len <= 65535
      && k->rcap == 0 && k->got == \null && k->rflags == \null && k->accepted == \null
      && \separated(k, c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1))
      && \separated(k->seg, c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1))
      && (k->seg->len > 0
          ==> (\valid_read(k->payload + (0 .. k->seg->len - 1))
               && \separated(k->payload + (0 .. k->seg->len - 1),
                              c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1))));

  // tcpsm_fire's precondition on the TCB (conn_impl.h)
  predicate fire_pre(struct tcpsm_conn *c, integer event) =
      (row_of(c->state, event) < 0 ==> tcb_ok(c))
      && (row_of(c->state, event) >= 0 && !clearing(row_action(row_of(c->state, event)))
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
                 : tcb_ok_in(c, row_to(row_of(c->state, event)))))
      && (row_of(c->state, event) >= 0
          && row_action(row_of(c->state, event)) == TCPSM_A_RETRANSMIT
          ==> c->snd_una != c->snd_nxt);
*/

/*@
  predicate step_ok(struct tcpsm_conn *c, integer i) =
      legal_transition(c->log[i].from, c->log[i].to)
      && (i > 0 ==> c->log[i].from == c->log[i - 1].to);

  // chain(c, 0, s0) unrolled (the log holds at most 4 steps): each step of
  // this call is a row, and they lead from s0 to the current state
  predicate walk(struct tcpsm_conn *c, integer s0) =
      c->nlog <= 4
      && (c->nlog == 0 ==> c->state == s0)
      && (c->nlog > 0 ==> (c->log[0].from == s0 && c->log[c->nlog - 1].to == c->state))
      && (c->nlog > 0 ==> step_ok(c, 0)) && (c->nlog > 1 ==> step_ok(c, 1))
      && (c->nlog > 2 ==> step_ok(c, 2)) && (c->nlog > 3 ==> step_ok(c, 3));
*/

/* One step of the segment's walk through the table: tcpsm_fire, with the
 * log read from the start of this call.  (frame is what conn_impl.h does
 * not say yet: the actions of keeps_seq leave those fields alone.) */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires call: seg_call(c, k);
    requires event: TCPSM_EV_SEG_ANY <= event <= TCPSM_EV_SEG_FIN || event == TCPSM_EV_CLOSE;
    requires pre: fire_pre(c, event);
    requires log: c->nlog <= 3 && walk(c, start(c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures table: c->state == (row_of(\old(c->state), event) < 0 ? \old(c->state)
                                : row_to(row_of(\old(c->state), event)));
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures count: c->nlog == \old(c->nlog) + (row_of(\old(c->state), event) >= 0 ? 1 : 0);
    ensures log: walk(c, \old(start(c)));
    ensures frame: (row_of(\old(c->state), event) < 0
                    || keeps_seq(row_action(row_of(\old(c->state), event))))
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd)); */
static void fire(struct tcpsm_conn *c, const struct call *k, unsigned event)
{
    (void)tcpsm_fire(c, k, event);
    /*@ assert new_from: c->nlog == \at(c->nlog, Pre) + 1
            ==> c->log[\at(c->nlog, Pre)].from == \at(c->state, Pre); */
    /*@ assert new_to: c->nlog == \at(c->nlog, Pre) + 1 ==> c->log[\at(c->nlog, Pre)].to == c->state; */
    /*@ assert new_legal: c->nlog == \at(c->nlog, Pre) + 1
            ==> legal_transition(c->log[\at(c->nlog, Pre)].from, c->log[\at(c->nlog, Pre)].to); */
    /*@ assert none: c->nlog == \at(c->nlog, Pre) ==> c->state == \at(c->state, Pre); */
    /*@ assert kept0: \at(c->nlog, Pre) > 0 ==> (c->log[0].from == \at(c->log[0].from, Pre)
                                                 && c->log[0].to == \at(c->log[0].to, Pre)); */
    /*@ assert kept1: \at(c->nlog, Pre) > 1 ==> (c->log[1].from == \at(c->log[1].from, Pre)
                                                 && c->log[1].to == \at(c->log[1].to, Pre)); */
    /*@ assert kept2: \at(c->nlog, Pre) > 2 ==> (c->log[2].from == \at(c->log[2].from, Pre)
                                                 && c->log[2].to == \at(c->log[2].to, Pre)); */
}

/* fire() for a row that needs no more than the current state's invariant. */
/*@ requires mem: valid_tcb(c);
    requires call: seg_call(c, k);
    requires event: TCPSM_EV_SEG_ANY <= event <= TCPSM_EV_SEG_FIN || event == TCPSM_EV_CLOSE;
    requires row: fires_ok(c->state, event);
    requires log: c->nlog <= 3 && walk(c, start(c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures table: c->state == (row_of(\old(c->state), event) < 0 ? \old(c->state)
                                : row_to(row_of(\old(c->state), event)));
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures count: c->nlog <= \old(c->nlog) + 1;
    ensures log: walk(c, \old(start(c)));
    ensures frame: (row_of(\old(c->state), event) < 0
                    || keeps_seq(row_action(row_of(\old(c->state), event))))
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd)); */
static void fire_ok(struct tcpsm_conn *c, const struct call *k, unsigned event)
{
    /*@ assert same: row_of(c->state, event) >= 0 && row_to(row_of(c->state, event)) == c->state
                     ==> tcb_ok_in(c, row_to(row_of(c->state, event))); */
    fire(c, k, event);
}

/* fire() for a row to t, whose action needs t's invariant (the caller did
 * the work). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires call: seg_call(c, k);
    requires event: TCPSM_EV_SEG_ANY <= event <= TCPSM_EV_SEG_FIN || event == TCPSM_EV_CLOSE;
    requires row: fires_to(c->state, event, t);
    requires ok: tcb_ok_in(c, t);
    requires log: c->nlog <= 3 && walk(c, start(c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures table: c->state == t;
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures count: c->nlog == \old(c->nlog) + 1;
    ensures log: walk(c, \old(start(c)));
    ensures frame: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                   && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                   && c->fin_rcvd == \old(c->fin_rcvd); */
static void fire_to(struct tcpsm_conn *c, const struct call *k, unsigned event) /*@ ghost (unsigned t) */
{
    fire(c, k, event);
}

/* fire() for a row that enters TIME-WAIT (its action starts the timer). */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires call: seg_call(c, k);
    requires event: TCPSM_EV_SEG_ANY <= event <= TCPSM_EV_SEG_FIN;
    requires row: fires_tw(c->state, event);
    requires ok: tcb_ok_nt(c, TCPSM_TIME_WAIT);
    requires log: c->nlog <= 3 && walk(c, start(c));
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures table: c->state == TCPSM_TIME_WAIT;
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures count: c->nlog == \old(c->nlog) + 1;
    ensures log: walk(c, \old(start(c)));
    ensures frame: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                   && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                   && c->fin_rcvd == \old(c->fin_rcvd); */
static void fire_tw(struct tcpsm_conn *c, const struct call *k, unsigned event)
{
    fire(c, k, event);
}

/* The log of this call, unrolled, is chain() (a proof step: no code). */
/*@ requires \valid_read(c) && walk(c, start(c));
    assigns \nothing;
    ensures chain(c, 0, start(c)); */
static void walk_is_chain(const struct tcpsm_conn *c)
{
    /*@ assert \forall integer i; 0 <= i < c->nlog ==> i == 0 || i == 1 || i == 2 || i == 3; */
    (void)c;
}

/*@ requires \valid_read(a) && \valid_read(b);
    assigns \nothing;
    ensures def: \result <==> (a->family == b->family
                              && \forall integer k; 0 <= k < 16 ==> a->addr[k] == b->addr[k]); */
static bool addr_eq(const struct tcpsm_addr *a, const struct tcpsm_addr *b)
{
    unsigned i;
    if (a->family != b->family)
        return false;
    /*@ loop invariant 0 <= i <= 16;
        loop invariant \forall integer k; 0 <= k < i ==> a->addr[k] == b->addr[k];
        loop assigns i;
        loop variant 16 - i; */
    for (i = 0; i < sizeof a->addr; i++)
        if (a->addr[i] != b->addr[i])
            return false;
    return true;
}

/*@ requires \valid_read(want) && \valid_read(seg);
    assigns \nothing; */
static bool remote_matches(const struct tcpsm_endpoint *want, const struct tcpsm_segment *seg)
{
    if (want->port != 0 && want->port != seg->sport)
        return false;
    if (addr_specified(&want->ip) && addr_specified(&seg->src) && !addr_eq(&want->ip, &seg->src))
        return false;
    return true;
}

/*@ requires \valid_read(me) && \valid_read(seg);
    assigns \nothing; */
static bool local_matches(const struct tcpsm_endpoint *me, const struct tcpsm_segment *seg)
{
    if (me->port != 0 && me->port != seg->dport)
        return false;
    if (addr_specified(&me->ip) && addr_specified(&seg->dst) && !addr_eq(&me->ip, &seg->dst))
        return false;
    return true;
}

/* RFC 9293 3.10.7.4 first: the four-case acceptability test (Table 6).
 * "RCV.NXT =< x < RCV.NXT+RCV.WND" is seq_sub(x, RCV.NXT) < RCV.WND. */
/*@ requires len_bound: len <= 65537;
    requires wnd_bound: wnd <= 1073741824;
    assigns \nothing;
    behavior empty_closed:            // length 0, window 0
      assumes len == 0 && wnd == 0;
      ensures table6: \result <==> seq == rcv_nxt;
    behavior empty_open:              // length 0, window > 0
      assumes len == 0 && wnd > 0;
      ensures table6: \result <==> seq_sub_l(seq, rcv_nxt) < wnd;
    behavior text_closed:             // length > 0, window 0
      assumes len > 0 && wnd == 0;
      ensures table6: !\result;
    behavior text_open:               // length > 0, window > 0
      assumes len > 0 && wnd > 0;
      ensures table6: \result <==> (seq_sub_l(seq, rcv_nxt) < wnd
                                    || seq_sub_l(seq_add_l(seq, len - 1), rcv_nxt) < wnd);
    complete behaviors;
    disjoint behaviors; */
static bool acceptable(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t wnd)
{
    if (len == 0 && wnd == 0)
        return seq == rcv_nxt;
    if (len == 0)
        return seq_in(seq, rcv_nxt, wnd);
    if (wnd == 0)
        return false;
    return seq_in(seq, rcv_nxt, wnd) || seq_in(seq_add(seq, len - 1u), rcv_nxt, wnd);
}

/* SND.UNA advances to ack: release the SYN, data and FIN it covers. */
/*@ requires mem: \valid(c);
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    requires room: seq_sub_l(c->snd_nxt, c->snd_una) <= snd_room(c);
    requires fin: c->fin_acked != 0 ==> c->fin_sent != 0;
    requires new: 0 < seq_sub_l(ack, c->snd_una) <= seq_sub_l(c->snd_nxt, c->snd_una);
    assigns c->snd_una, c->syn_acked, c->syn_unsent, c->shead, c->scount, c->fin_acked,
            c->snd_urg, c->t_rtx, c->t_user, c->rtx_pending, c->rtx_count, c->rto_us;
    ensures una: c->snd_una == ack;
    ensures ring: c->scount <= \old(c->scount)
                  && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    ensures room: seq_sub_l(c->snd_nxt, c->snd_una) <= snd_room(c);
    ensures syn: c->syn_acked != 0;
    ensures fin: (c->fin_acked != 0 ==> c->fin_sent != 0)
                 && (\old(c->fin_acked) != 0 ==> c->fin_acked != 0);
    ensures rtx: c->t_rtx != 18446744073709551615 ==> c->snd_una != c->snd_nxt;
    ensures fin_done: c->fin_acked != 0 && \old(c->fin_acked) == 0
                      ==> (c->snd_una == c->snd_nxt && c->scount == 0);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures cfg: c->cfg.mss == \old(c->cfg.mss) && c->cfg.rto_initial_us == \old(c->cfg.rto_initial_us)
                 && c->cfg.rto_max_us == \old(c->cfg.rto_max_us)
                 && c->cfg.msl_us == \old(c->cfg.msl_us) && c->nlog == \old(c->nlog)
                 && c->nreply == \old(c->nreply) && c->snd_mss == \old(c->snd_mss);
    ensures flg: c->fin_queued == \old(c->fin_queued) && c->fin_sent == \old(c->fin_sent)
                 && c->fin_rcvd == \old(c->fin_rcvd) && c->state == \old(c->state)
                 && c->t_2msl == \old(c->t_2msl) && c->snd_nxt == \old(c->snd_nxt); */
static void ack_advance(struct tcpsm_conn *c, uint64_t now, uint32_t ack)
{
    uint32_t n = seq_sub(ack, c->snd_una);
    uint32_t data;
    if (!c->syn_acked && n > 0) {
        c->syn_acked = true;
        c->syn_unsent = false;
        n--;
    }
    data = min32(n, c->scount);
    c->shead = ring_pos(c->shead, data, c->scap);
    c->scount -= data;
    n -= data;
    if (n > 0 && c->fin_sent)
        c->fin_acked = true;
    c->snd_una = ack;
    if (c->snd_urg && seq_le(c->snd_up, c->snd_una))
        c->snd_urg = false;             /* RFC 9293 3.8.5: urgent data all acknowledged */
    c->rtx_count = 0;                   /* RFC 1122 4.2.3.5: R1/R2 count per segment */
    if (c->snd_una == c->snd_nxt) {    /* RFC 6298 5.2: all acknowledged, timer off */
        c->t_rtx = TCPSM_NEVER;
        c->t_user = TCPSM_NEVER;
        c->rtx_pending = false;
    } else {                            /* RFC 6298 5.3: restart on new ACK */
        c->t_rtx = deadline_after(now, c->rto_us);
        /* the USER TIMEOUT too (3.10.8), but not while the peer's window
         * is closed (the window is taken first): MUST-37 */
        if (c->snd_wnd == 0)
            c->t_user = TCPSM_NEVER;
        else if (c->cfg.user_timeout_us != 0)
            c->t_user = deadline_after(now, c->cfg.user_timeout_us);
    }
}

/*@ requires valid: valid_tcb(c) && c->state == TCPSM_CLOSED;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fires_ok(TCPSM_CLOSED, TCPSM_EV_SEG_ANY);
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))); */
static void seg_closed(struct tcpsm_conn *c, const struct call *k)
{
    /* RFC 9293 3.10.7.1: discard; answer anything but a RST with a RST */
    if (k->seg->flags & TCPSM_RST)
        return;
    fire_ok(c, k, TCPSM_EV_SEG_ANY);
}

/*@ requires valid: valid_tcb(c) && c->state == TCPSM_LISTEN;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: listen_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))); */
static void seg_listen(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    unsigned event;
    if (seg->flags & TCPSM_RST) {       /* RFC 9293 3.10.7.2 first: ignore */
        c->n_rst_ignored = sat_inc(c->n_rst_ignored);
        event = TCPSM_EV_SEG_RST;
    } else if (seg->flags & TCPSM_ACK) { /* RFC 9293 3.10.7.2 second: <SEQ=SEG.ACK><CTL=RST> */
        event = TCPSM_EV_SEG_BAD_ACK;
    } else if (seg->flags & TCPSM_SYN) { /* RFC 9293 3.10.7.2 third */
        event = seg->compartment != c->compartment ? TCPSM_EV_SEG_SECURITY : TCPSM_EV_SEG_SYN;
    } else {
        return;                         /* RFC 9293 3.10.7.2 fourth: anything else is dropped */
    }
    fire_ok(c, k, event);
}

/* RFC 9293 3.10.7.4 eighth: the FIN at RCV.NXT. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok0(c);
    requires st: c->state == TCPSM_ESTABLISHED || c->state == TCPSM_FIN_WAIT_1
                 || c->state == TCPSM_FIN_WAIT_2 || c->state == TCPSM_CLOSE_WAIT
                 || c->state == TCPSM_LAST_ACK || c->state == TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures state: c->state == fin_target(\old(c->state));
    ensures fin: c->fin_rcvd != 0;
    ensures fwd: c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), 1) && c->rcount == \old(c->rcount)
                 && c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt);
    ensures log: walk(c, \old(start(c))) && c->nlog == \old(c->nlog) + 1; */
static void take_fin(struct tcpsm_conn *c, const struct call *k)
{
    c->rcv_nxt = seq_add(c->rcv_nxt, 1u);  /* advance RCV.NXT over the FIN */
    c->fin_rcvd = true;                     /* signal "connection closing" */
    c->ooo_fin = false;
    c->ooo_psh = false;
    c->nooo = 0;
    c->rpush = c->rcount;                   /* FIN implies PUSH */
    c->ack_now = true;                      /* acknowledge the FIN */
    /*@ assert recv: recv_ok(c); */
    /*@ assert flags: flags_ok_in(c, fin_target(c->state)); */
    /*@ assert rest: send_ok_in(c, fin_target(c->state)) && peer_ok_in(c, fin_target(c->state)); */
    /*@ assert same_log: c->nlog == \at(c->nlog, Pre) && start(c) == \at(start(c), Pre)
                         && walk(c, start(c)); */
    /*@ assert fwd: c->rcv_nxt == seq_add_l(\at(c->rcv_nxt, Pre), 1) && c->rcount == \at(c->rcount, Pre)
                    && c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre); */
    if (c->state == TCPSM_FIN_WAIT_2 || c->state == TCPSM_TIME_WAIT) {
        fire_tw(c, k, TCPSM_EV_SEG_FIN);   /* start (or restart) the 2 MSL timeout */
        /*@ assert log_tw: walk(c, \at(start(c), Pre)) && c->nlog == \at(c->nlog, Pre) + 1; */
        /*@ assert fwd_tw: c->rcv_nxt == seq_add_l(\at(c->rcv_nxt, Pre), 1)
                           && c->rcount == \at(c->rcount, Pre)
                           && c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre); */
        /*@ assert kept_tw: c->sbuf == \at(c->sbuf, Pre) && c->scap == \at(c->scap, Pre)
                            && c->rbuf == \at(c->rbuf, Pre) && c->rcap == \at(c->rcap, Pre); */
        /*@ assert st_tw: c->state == fin_target(\at(c->state, Pre)); */
    } else {
        fire_to(c, k, TCPSM_EV_SEG_FIN)
            /*@ ghost (c->state == TCPSM_ESTABLISHED ? TCPSM_CLOSE_WAIT
                       : c->state == TCPSM_FIN_WAIT_1 ? TCPSM_CLOSING : c->state) */;
        /*@ assert log_to: walk(c, \at(start(c), Pre)) && c->nlog == \at(c->nlog, Pre) + 1; */
        /*@ assert fwd_to: c->rcv_nxt == seq_add_l(\at(c->rcv_nxt, Pre), 1)
                           && c->rcount == \at(c->rcount, Pre)
                           && c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre); */
        /*@ assert kept_to: c->sbuf == \at(c->sbuf, Pre) && c->scap == \at(c->scap, Pre)
                            && c->rbuf == \at(c->rbuf, Pre) && c->rcap == \at(c->rcap, Pre); */
        /*@ assert st_to: c->state == fin_target(\at(c->state, Pre)); */
    }
}

/*@
  // what a write into the receive ring or the reassembly leaves of the
  // walk (state and log): each a uint8_t beside the ring's bytes
  predicate log_kept{L1, L2}(struct tcpsm_conn *c) =
      \at(c->state, L1) == \at(c->state, L2) && \at(c->nlog, L1) == \at(c->nlog, L2)
      && \at(c->log[0].from, L1) == \at(c->log[0].from, L2)
      && \at(c->log[0].to, L1) == \at(c->log[0].to, L2)
      && \at(c->log[1].from, L1) == \at(c->log[1].from, L2)
      && \at(c->log[1].to, L1) == \at(c->log[1].to, L2)
      && \at(c->log[2].from, L1) == \at(c->log[2].from, L2)
      && \at(c->log[2].to, L1) == \at(c->log[2].to, L2)
      && \at(c->log[3].from, L1) == \at(c->log[3].from, L2)
      && \at(c->log[3].to, L1) == \at(c->log[3].to, L2);

  // the states that take text (3.10.7.4 seventh)
  predicate receiving_in(integer s) =
      s == TCPSM_ESTABLISHED || s == TCPSM_FIN_WAIT_1 || s == TCPSM_FIN_WAIT_2;
*/

/* RFC 9293 3.10.7.4 sixth: RCV.UP <- max(RCV.UP, SEG.UP), when urg. */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->rcv_up, c->rcv_urg;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c); */
static void urg_seen(struct tcpsm_conn *c, const struct tcpsm_segment *seg, bool urg)
{
    uint32_t up;
    if (!urg)
        return;
    up = seq_add(seg->seq, seg->urp);             /* RFC 9293 3.8.5 (MUST-62) */
    if (!c->rcv_urg || seq_lt(c->rcv_up, up)) {   /* RCV.UP <- max(RCV.UP, SEG.UP) */
        c->rcv_up = up;
        c->rcv_urg = true;
    }
}

/* The text at RCV.NXT into the ring, after the unread bytes; and what the
 * write keeps (proofs/frame.acsl). */
/*@ requires mem: tcb_mem(c);
    requires ring: c->rcap <= 1073741824 && (c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0)
                   && 0 < tlen && c->rcount + tlen <= c->rcap;
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    assigns c->rbuf[0 .. c->rcap - 1];
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures seq: c->rcv_nxt == \old(c->rcv_nxt); */
static void rbuf_put(struct tcpsm_conn *c, const uint8_t *text, uint32_t tlen)
{
    ring_put(c->rbuf, c->rcap, ring_pos(c->rhead, c->rcount, c->rcap), text, tlen);
}

/* tcpsm_ooo_store(), and what it keeps. */
/*@ requires mem: tcb_mem(c);
    requires ok: recv_ok(c);
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires win: 0 < off && 0 < tlen && off + tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->ooo[0 .. 7], c->nooo;
    ensures ok: recv_ok(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures rcv: c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap) && c->rhead == \old(c->rhead)
                 && c->rcount == \old(c->rcount) && c->rpush == \old(c->rpush)
                 && c->rcv_nxt == \old(c->rcv_nxt);
    ensures held: c->ooo_fin == \old(c->ooo_fin) && c->ooo_fin_off == \old(c->ooo_fin_off)
                  && c->ooo_psh == \old(c->ooo_psh) && c->ooo_psh_off == \old(c->ooo_psh_off); */
static void ooo_store_kept(struct tcpsm_conn *c, uint32_t off, const uint8_t *text, uint32_t tlen)
{
    tcpsm_ooo_store(c, off, text, tlen);
}

/* tcpsm_rcv_advance(), and what it keeps. */
/*@ requires mem: \valid(c);
    requires ok: recv_ok(c);
    requires n: c->rcount + n <= c->rcap;
    assigns c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush, c->ooo_psh,
            c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
    ensures ok: recv_ok0(c);
    ensures grows: \old(c->rcount) + n <= c->rcount;
    ensures delivery: c->rcount - \old(c->rcount) == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt));
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures rcv: c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap) && c->rhead == \old(c->rhead); */
static void advance_kept(struct tcpsm_conn *c, uint32_t n)
{
    tcpsm_rcv_advance(c, n);
}

/* RFC 9293 3.10.7.4 seventh: a PUSH with the text at RCV.NXT marks all
 * the unread bytes as pushed. */
/*@ requires \valid(c);
    requires ok: recv_ok0(c);
    assigns c->rpush;
    ensures ok: recv_ok0(c);
    ensures push: psh ==> c->rpush == c->rcount; */
static void push_seen(struct tcpsm_conn *c, bool psh)
{
    if (psh)
        c->rpush = c->rcount;   /* RFC 9293 3.10.7.4 seventh: PUSH seen */
}

/* A PUSH with held text is remembered until the gap fills (its end, from
 * RCV.NXT, is end). */
/*@ requires \valid(c);
    requires ok: recv_ok(c);
    requires end: 0 < end <= rcv_wnd_l(c);
    assigns c->ooo_psh, c->ooo_psh_off;
    ensures ok: recv_ok(c); */
static void psh_held(struct tcpsm_conn *c, bool psh, uint32_t end)
{
    if (psh && (!c->ooo_psh || end > c->ooo_psh_off)) {
        c->ooo_psh = true;      /* remember the PUSH until the gap fills */
        c->ooo_psh_off = end;
    }
}

/* 3.10.7.4 seventh, text at RCV.NXT: into the ring, then whatever held
 * text has become contiguous. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires st: receiving_in(c->state);
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires win: 0 < tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush,
            c->ooo_psh, c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
    ensures ok: tcb_ok0(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures kept: c->rbuf == \old(c->rbuf);
    ensures grows: \old(c->rcount) + tlen <= c->rcount;
    ensures delivery: c->rcount - \old(c->rcount) == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
static void text_in_order(struct tcpsm_conn *c, const uint8_t *text, uint32_t tlen, bool psh)
{
    rbuf_put(c, text, tlen);
    /*@ assert ok: tcb_ok(c); */
    advance_kept(c, tlen);
    /*@ assert send: send_ok(c); */
    /*@ assert flags: flags_ok(c) && timers_ok(c); */
    /*@ assert rest: config_ok(c) && peer_ok(c) && c->snd_mss != 0; */
    push_seen(c, psh);
    /*@ assert shape: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0)
                      && 0 <= c->state < TCPSM_NSTATES; */
}

/* 3.10.7.4 seventh, text beyond RCV.NXT (SHLD-31): held until the gap
 * before it fills, with its PUSH. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires st: receiving_in(c->state);
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires win: 0 < off && 0 < tlen && off + tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->ooo[0 .. 7], c->nooo, c->ooo_psh, c->ooo_psh_off;
    ensures ok: tcb_ok(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures rcv: c->rbuf == \old(c->rbuf) && c->rcount == \old(c->rcount)
                 && c->rcv_nxt == \old(c->rcv_nxt); */
static void text_held(struct tcpsm_conn *c, uint32_t off, const uint8_t *text, uint32_t tlen, bool psh)
{
    ooo_store_kept(c, off, text, tlen);
    /*@ assert send: send_ok(c); */
    /*@ assert flags: flags_ok(c) && timers_ok(c); */
    /*@ assert rest: config_ok(c) && peer_ok(c) && c->snd_mss != 0; */
    psh_held(c, psh, off + tlen);
    /*@ assert shape: (c->sbuf == \null ==> c->scap == 0) && (c->rbuf == \null ==> c->rcap == 0)
                      && 0 <= c->state < TCPSM_NSTATES; */
}

/* 3.10.7.4 seventh for the trimmed text (tlen > 0, the peer's FIN not in). */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires st: receiving_in(c->state) && c->fin_rcvd == 0;
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires win: 0 < tlen && seq_sub_l(seq, c->rcv_nxt) + tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush,
            c->ooo_psh, c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off, c->ack_now;
    ensures ok: tcb_ok0(c);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures kept: c->rbuf == \old(c->rbuf);
    ensures delivery: c->rcount - \old(c->rcount) == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt));
    ensures fin_win: seq_sub_l(seq, \old(c->rcv_nxt)) + tlen < \old(rcv_wnd_l(c))
                     && seq_lt_l(c->rcv_nxt, seq_add_l(seq, tlen))
                     ==> (c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)); */
static void take_text(struct tcpsm_conn *c, uint32_t seq, const uint8_t *text, uint32_t tlen, bool psh)
{
    uint32_t off = seq_sub(seq, c->rcv_nxt);
    /* first, so that each branch ends in its callee's post-state (the
       invariant after a write behind the merge came near the 20 s limit) */
    c->ack_now = true;              /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
    if (off == 0)
        text_in_order(c, text, tlen, psh);
    else
        text_held(c, off, text, tlen, psh);  /* SHLD-31: hold for later */
}

/* No held text may follow a FIN held at off: drop the ranges from off on,
 * cut the last one at off. */
/*@ requires \valid(c);
    requires ok: c->nooo <= 8 && ranges_ok(c, c->nooo);
    requires off: 0 < off;
    assigns c->nooo, c->ooo[0 .. 7];
    ensures ok: ranges_ok(c, c->nooo);
    ensures end: last_end(c, c->nooo) <= off;
    ensures fewer: c->nooo <= \old(c->nooo); */
static void cut_after(struct tcpsm_conn *c, uint32_t off)
{
    /*@ loop invariant 0 <= c->nooo <= \at(c->nooo, LoopEntry);
        loop invariant ok: ranges_ok(c, c->nooo);
        loop assigns c->nooo;
        loop variant c->nooo; */
    while (c->nooo > 0 && c->ooo[c->nooo - 1u].off >= off)
        c->nooo--;          /* nothing may follow the FIN */
    /*@ assert before: c->nooo > 0 ==> c->ooo[c->nooo - 1].off < off; */
    if (c->nooo > 0 && c->ooo[c->nooo - 1u].off + c->ooo[c->nooo - 1u].len > off) {
        /*@ ghost uint8_t n = c->nooo; */
        c->ooo[c->nooo - 1u].len = off - c->ooo[c->nooo - 1u].off;
        /*@ assert same: \forall integer i; 0 <= i < n - 1
                ==> (c->ooo[i].off == \at(c->ooo[i].off, Pre) && c->ooo[i].len == \at(c->ooo[i].len, Pre)); */
        /*@ assert last: range_ok(c, n - 1) && ooo_end(c, n - 1) == off; */
    }
}

/* 3.10.7.4 eighth, a FIN beyond RCV.NXT (SHLD-31): it waits for the gap,
 * and no held text may follow it. */
/*@ requires \valid(c);
    requires ok: recv_ok0(c);
    requires off: 0 < off < rcv_wnd_l(c);
    assigns c->ooo_fin, c->ooo_fin_off, c->nooo, c->ooo[0 .. 7];
    ensures ok: recv_ok0(c);
    ensures due: c->ooo_fin != 0 && c->ooo_fin_off == 0
                 ==> (\old(c->ooo_fin) != 0 && \old(c->ooo_fin_off) == 0);
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c); */
static void hold_fin(struct tcpsm_conn *c, uint32_t off)
{
    if (!c->ooo_fin || off < c->ooo_fin_off) {
        c->ooo_fin = true;      /* SHLD-31: the FIN waits for the gap */
        c->ooo_fin_off = off;
        cut_after(c, off);
    }
}

/* 3.10.7.4 seventh, when open (a state that takes text, the peer's FIN
 * not in yet). */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires open: open <==> (receiving_in(c->state) && c->fin_rcvd == 0);
    requires text: tlen > 0 ==> (\valid_read(text + (0 .. tlen - 1))
                                 && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1)));
    requires win: tlen > 0 ==> seq_sub_l(seq, c->rcv_nxt) + tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush,
            c->ooo_psh, c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off, c->ack_now;
    ensures ok: tcb_ok0(c);
    ensures due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures kept: c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures delivery: c->rcount - \old(c->rcount) == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt));
    ensures fin_win: seq_sub_l(seq, \old(c->rcv_nxt)) + tlen < \old(rcv_wnd_l(c))
                     && seq_lt_l(c->rcv_nxt, seq_add_l(seq, tlen))
                     ==> (c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)); */
static void seventh(struct tcpsm_conn *c, uint32_t seq, const uint8_t *text, uint32_t tlen, bool psh,
                    bool open)
{
    if (tlen > 0 && open)
        take_text(c, seq, text, tlen, psh);
}

/* 3.10.7.4 eighth, a FIN beyond RCV.NXT, when hold. */
/*@ requires mem: \valid(c);
    requires ok: tcb_ok0(c);
    requires due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires hold: hold ==> (seq_lt_l(c->rcv_nxt, fin_seq)
                             && seq_sub_l(fin_seq, c->rcv_nxt) < rcv_wnd_l(c));
    assigns c->ooo_fin, c->ooo_fin_off, c->nooo, c->ooo[0 .. 7], c->ack_now;
    ensures ok: tcb_ok0(c);
    ensures due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c); */
static void fin_beyond(struct tcpsm_conn *c, uint32_t fin_seq, bool hold)
{
    if (hold) {
        hold_fin(c, seq_sub(fin_seq, c->rcv_nxt));   /* SHLD-31: the FIN waits for the gap */
        /*@ assert send: send_ok(c); */
        /*@ assert flags: flags_ok(c) && timers_ok(c); */
        /*@ assert rest: config_ok(c) && peer_ok(c) && c->snd_mss != 0; */
        c->ack_now = true;
    }
}

/* 3.10.7.4 eighth, a held FIN (SHLD-31): taken once the gap before it has
 * filled. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok0(c);
    requires due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures snd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                 && c->rcount == \old(c->rcount);
    behavior taken:
      assumes c->ooo_fin != 0 && c->ooo_fin_off == 0 && c->fin_rcvd == 0;
      ensures fin: c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), 1) && c->fin_rcvd != 0;
    behavior waits:
      assumes !(c->ooo_fin != 0 && c->ooo_fin_off == 0 && c->fin_rcvd == 0);
      ensures fin: c->rcv_nxt == \old(c->rcv_nxt) && c->fin_rcvd == \old(c->fin_rcvd);
    complete behaviors;
    disjoint behaviors; */
static void held_fin(struct tcpsm_conn *c, const struct call *k)
{
    if (c->ooo_fin && c->ooo_fin_off == 0 && !c->fin_rcvd) {
        take_fin(c, k);             /* the gap before a held FIN has filled */
    } else {
        /*@ assert ok: tcb_ok(c); */
    }
}

/* 3.10.7.4 eighth, but for a FIN at RCV.NXT: a FIN beyond it is held
 * (when hold), and a held FIN whose gap has filled is taken. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok0(c);
    requires due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING;
    requires call: seg_call(c, k);
    requires hold: hold ==> (seq_lt_l(c->rcv_nxt, fin_seq)
                             && seq_sub_l(fin_seq, c->rcv_nxt) < rcv_wnd_l(c));
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures snd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                 && c->rcount == \old(c->rcount);
    ensures fin: (c->rcv_nxt == \old(c->rcv_nxt) && c->fin_rcvd == \old(c->fin_rcvd))
                 || (c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), 1) && c->fin_rcvd != 0); */
static void fin_rest(struct tcpsm_conn *c, const struct call *k, uint32_t fin_seq, bool hold)
{
    fin_beyond(c, fin_seq, hold);
    /*@ assert mem: tcb_mem(c) && seg_call(c, k); */
    /*@ assert log: c->nlog == \at(c->nlog, Pre) && walk(c, \at(start(c), Pre)); */
    /*@ assert same: c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre)
                     && c->rcount == \at(c->rcount, Pre) && c->rcv_nxt == \at(c->rcv_nxt, Pre)
                     && c->fin_rcvd == \at(c->fin_rcvd, Pre); */
    held_fin(c, k);
}

/* 3.10.7.4 eighth, the FIN bit, its sequence number fin_seq. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok0(c);
    requires due: c->ooo_fin != 0 && c->ooo_fin_off == 0 ==> c->fin_rcvd == 0;
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING;
    requires call: seg_call(c, k);
    requires hold: fin && open && seq_lt_l(c->rcv_nxt, fin_seq)
                   ==> seq_sub_l(fin_seq, c->rcv_nxt) < rcv_wnd_l(c);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures snd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                 && c->rcount == \old(c->rcount);
    behavior at_rcv_nxt:
      assumes fin && fin_seq == c->rcv_nxt;
      ensures fin: c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), 1) && c->fin_rcvd != 0;
    behavior rest:
      assumes !(fin && fin_seq == c->rcv_nxt);
      ensures fin: (c->rcv_nxt == \old(c->rcv_nxt) && c->fin_rcvd == \old(c->fin_rcvd))
                   || (c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), 1) && c->fin_rcvd != 0);
    complete behaviors;
    disjoint behaviors; */
static void eighth(struct tcpsm_conn *c, const struct call *k, uint32_t fin_seq, bool fin, bool open)
{
    if (fin && fin_seq == c->rcv_nxt)
        take_fin(c, k);                 /* RFC 9293 3.10.7.4 eighth (or a further FIN) */
    else
        fin_rest(c, k, fin_seq, fin && open && seq_gt(fin_seq, c->rcv_nxt));
}

/* Steps six to eight of 3.10.7.4 for the trimmed segment. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING;
    requires call: seg_call(c, k);
    requires text: tlen > 0 ==> (\valid_read(text + (0 .. tlen - 1))
                                 && \separated(text + (0 .. tlen - 1), c, c->sbuf + (0 .. c->scap - 1),
                                               c->rbuf + (0 .. c->rcap - 1)));
    requires win: tlen > 0 ==> seq_sub_l(seq, c->rcv_nxt) + tlen <= rcv_wnd_l(c);
    requires fin_win: fin ==> seq_sub_l(seq, c->rcv_nxt) + tlen < rcv_wnd_l(c);
    requires log: c->nlog <= 3 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures snd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt);
    ensures rcv_fwd: seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)) <= \old(c->rcap) - \old(c->rcount) + 1;
    ensures delivery: \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
static void continue_at_urg(struct tcpsm_conn *c, const struct call *k, uint32_t seq,
                            const uint8_t *text, uint32_t tlen, bool fin)
{
    const struct tcpsm_segment *seg = k->seg;
    bool receiving = c->state == TCPSM_ESTABLISHED || c->state == TCPSM_FIN_WAIT_1
                     || c->state == TCPSM_FIN_WAIT_2;
    bool open = receiving && !c->fin_rcvd;
    uint32_t fin_seq;

    /* Sixth, the URG bit (ignored once the peer's FIN is in) */
    urg_seen(c, seg, (seg->flags & TCPSM_URG) && open);
    /*@ assert urg_ok: tcb_ok(c); */

    /* Seventh, the segment text */
    seventh(c, seq, text, tlen, (seg->flags & TCPSM_PSH) != 0, open);
    /*@ assert done_ok: tcb_ok0(c); */
    /*@ assert done_mem: tcb_mem(c); */
    /*@ assert done_call: seg_call(c, k); */
    /*@ assert done_st: c->state == \at(c->state, Pre) && c->nlog == \at(c->nlog, Pre); */
    /*@ assert done_log: walk(c, \at(start(c), Pre)); */

    /*@ assert done_kept: c->sbuf == \at(c->sbuf, Pre) && c->scap == \at(c->scap, Pre)
                          && c->rbuf == \at(c->rbuf, Pre) && c->rcap == \at(c->rcap, Pre); */
    /*@ assert done_snd: c->snd_una == \at(c->snd_una, Pre) && c->snd_nxt == \at(c->snd_nxt, Pre)
                         && c->fin_rcvd == \at(c->fin_rcvd, Pre); */
    /*@ assert done_rcv: c->rcount - \at(c->rcount, Pre) == seq_sub_l(c->rcv_nxt, \at(c->rcv_nxt, Pre))
                         && c->rcount <= c->rcap; */
    /*@ ghost uint32_t rcv7 = c->rcv_nxt; */

    /* Eighth, the FIN bit (never in CLOSED, LISTEN, SYN-SENT) */
    fin_seq = seq_add(seq, tlen);
    /*@ assert hold: fin && open && seq_lt_l(c->rcv_nxt, fin_seq)
                     ==> seq_sub_l(fin_seq, c->rcv_nxt) < rcv_wnd_l(c); */
    eighth(c, k, fin_seq, fin, open);
    /*@ assert fin8: (c->rcv_nxt == rcv7 && c->fin_rcvd == \at(c->fin_rcvd, Pre))
                     || (c->rcv_nxt == seq_add_l(rcv7, 1) && c->fin_rcvd != 0); */
    /*@ assert step: seq_sub_l(rcv7, \at(c->rcv_nxt, Pre)) <= \at(c->rcap, Pre) - \at(c->rcount, Pre); */
}

/* RFC 9293 3.10.7.3 fourth: RCV.NXT <- SEG.SEQ+1, IRS <- SEG.SEQ, and the
 * peer's MSS. */
/*@ requires mem: \valid(c) && \valid_read(seg) && \separated(c, seg);
    requires ok: recv_ok(c) && config_ok(c);
    assigns c->irs, c->rcv_nxt, c->snd_mss;
    ensures ok: recv_ok(c) && config_ok(c);
    ensures mss: c->snd_mss != 0; */
static void syn_seen(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    c->irs = seg->seq;
    c->rcv_nxt = seq_add(seg->seq, 1u);
    tcpsm_take_mss(c, seg);
}

/* SND.UNA <- SEG.ACK in SYN-SENT, our SYN acknowledged: ack_advance, with
 * what ESTABLISHED needs of the send side, the flags and the timers, and
 * the receive side and the configuration it keeps (each a small goal
 * here, where the only write is ack_advance's). */
/*@ requires mem: \valid(c);
    requires send: send_ok_in(c, TCPSM_SYN_SENT);
    requires flags: flags_ok_in(c, TCPSM_SYN_SENT);
    requires timers: timers_ok_in(c, TCPSM_SYN_SENT);
    requires recv: recv_ok(c);
    requires cfg: config_ok(c) && c->snd_mss != 0;
    requires ack: seq_lt_l(c->snd_una, ack) && seq_le_l(ack, c->snd_nxt);
    assigns c->snd_una, c->syn_acked, c->syn_unsent, c->shead, c->scount, c->fin_acked,
            c->snd_urg, c->t_rtx, c->t_user, c->rtx_pending, c->rtx_count, c->rto_us;
    ensures send: send_ok_in(c, TCPSM_ESTABLISHED);
    ensures flags: flags_ok_in(c, TCPSM_ESTABLISHED);
    ensures timers: timers_ok_in(c, TCPSM_ESTABLISHED);
    ensures recv: recv_ok(c);
    ensures cfg: config_ok(c) && c->snd_mss != 0; */
static void ack_of_syn(struct tcpsm_conn *c, uint64_t now, uint32_t ack)
{
    ack_advance(c, now, ack);
    /*@ assert ooo: ooo_kept{Pre, Here}(c); */
    /*@ assert ranges: ranges_ok(c, c->nooo); */
}

/* RFC 9293 3.10.7.3 fourth: our SYN is acknowledged by the peer's SYN:
 * RCV.NXT <- SEG.SEQ+1, IRS <- SEG.SEQ, SND.UNA <- SEG.ACK, and the row to
 * ESTABLISHED. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_SYN_SENT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: syn_sent_rows;
    requires ack: seq_lt_l(c->snd_una, k->seg->ack) && seq_le_l(k->seg->ack, c->snd_nxt);
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures st: c->state == TCPSM_ESTABLISHED;
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures rwin: \valid(c) && c->rcount <= c->rcap;
    ensures log: walk(c, \old(start(c))) && c->nlog == 1; */
static void syn_sent_established(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    syn_seen(c, seg);
    /*@ assert ss_send: send_ok_in(c, TCPSM_SYN_SENT); */
    /*@ assert ss_flags: flags_ok_in(c, TCPSM_SYN_SENT); */
    /*@ assert ss_timers: timers_ok_in(c, TCPSM_SYN_SENT); */
    ack_of_syn(c, k->now, seg->ack);                  /* SND.UNA <- SEG.ACK */
    /*@ assert est_peer: peer_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert est: tcb_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert rwin: c->rcount <= c->rcap; */
    fire_to(c, k, TCPSM_EV_SEG_SYN_ACK) /*@ ghost (TCPSM_ESTABLISHED) */;  /* -> ESTABLISHED */
}

/* 3.10.7.3, SYN-SENT: what the segment does (no row: TCPSM_NEVENTS;
 * SS_RST_IGNORED: a RST without an acceptable ACK, counted). */
#define SS_RST_IGNORED (TCPSM_NEVENTS + 1u)
/*@ requires \valid_read(c) && \valid_read(seg);
    assigns \nothing;
    ensures ev: \result == TCPSM_EV_SEG_BAD_ACK || \result == TCPSM_EV_SEG_RST
                || \result == TCPSM_EV_SEG_SECURITY || \result == TCPSM_EV_SEG_SYN
                || \result == TCPSM_EV_SEG_SYN_ACK || \result == TCPSM_NEVENTS
                || \result == TCPSM_NEVENTS + 1;
    ensures ack: \result == TCPSM_EV_SEG_SYN_ACK
                 ==> (seq_lt_l(c->snd_una, seg->ack) && seq_le_l(seg->ack, c->snd_nxt)); */
static unsigned syn_sent_event(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    bool ack_ok = false;
    if (seg->flags & TCPSM_ACK) {       /* RFC 9293 3.10.7.3 first */
        if (seq_le(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_nxt))
            return (seg->flags & TCPSM_RST) ? TCPSM_NEVENTS
                                            : TCPSM_EV_SEG_BAD_ACK;  /* <SEQ=SEG.ACK><CTL=RST> */
        ack_ok = seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt);
    }
    if (seg->flags & TCPSM_RST)         /* RFC 9293 3.10.7.3 second */
        /* RCV.NXT is not known before the SYN: the acceptable ACK (exactly
         * SND.NXT here) is what authenticates the RST. */
        return ack_ok ? TCPSM_EV_SEG_RST : SS_RST_IGNORED;   /* "connection reset" */
    if (seg->compartment != c->compartment)    /* RFC 9293 3.10.7.3 third */
        return TCPSM_EV_SEG_SECURITY;
    if (!(seg->flags & TCPSM_SYN))     /* RFC 9293 3.10.7.3 fifth */
        return TCPSM_NEVENTS;
    /* RFC 9293 3.10.7.3 fourth */
    return ack_ok ? TCPSM_EV_SEG_SYN_ACK
                  : TCPSM_EV_SEG_SYN;   /* simultaneous open (MUST-10) */
}

/* RFC 9293 3.10.7.3 fourth, our SYN acknowledged: to ESTABLISHED, then
 * other controls or text: continue at the sixth step (URG), with the text
 * trimmed to the receive window. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_SYN_SENT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: syn_sent_rows && fin_rows;
    requires ack: seq_lt_l(c->snd_una, k->seg->ack) && seq_le_l(k->seg->ack, c->snd_nxt);
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))); */
static void syn_sent_synack(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    uint32_t tlen;
    bool fin;
    syn_sent_established(c, k);
    /*@ assert seg: k->seg == seg && k->payload == \at(k->payload, Pre); */
    /*@ assert rec: k->rcap == 0 && k->got == \null && k->rflags == \null && k->accepted == \null; */
    /*@ assert len: seg->len == \at(k->seg->len, Pre) && seg->len <= 65535; */
    /*@ assert call: seg_call(c, k); */
    tlen = min32(seg->len, rcv_wnd(c));
    fin = (seg->flags & TCPSM_FIN) && seg->len < rcv_wnd(c);
    continue_at_urg(c, k, c->rcv_nxt, k->payload, tlen, fin);
}

/* 3.10.7.3 second, SYN-SENT: a RST without an acceptable ACK is dropped,
 * counted. */
/*@ requires valid: valid_tcb(c);
    assigns c->n_rst_ignored;
    ensures valid: valid_tcb(c); */
static void rst_ignored(struct tcpsm_conn *c)
{
    c->n_rst_ignored = sat_inc(c->n_rst_ignored);
}

/* 3.10.7.3, SYN-SENT. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_SYN_SENT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: syn_sent_rows && fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))); */
static void seg_syn_sent(struct tcpsm_conn *c, const struct call *k)
{
    unsigned event = syn_sent_event(c, k->seg);
    if (event == TCPSM_EV_SEG_SYN_ACK)
        syn_sent_synack(c, k);
    else if (event == SS_RST_IGNORED)
        rst_ignored(c);
    else if (event < TCPSM_NEVENTS)
        fire_ok(c, k, event);
}

/*@ requires \valid_read(c) && \valid_read(seg) && seg->len <= 65535;
    assigns \nothing;
    ensures \result ==> c->state == TCPSM_TIME_WAIT; */
static bool wants_time_wait_fin(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    return c->state == TCPSM_TIME_WAIT && (seg->flags & TCPSM_FIN) && !(seg->flags & TCPSM_RST)
           && seq_add(seg->seq, seg_len(seg)) == c->rcv_nxt;
}

/* RFC 9293 3.10.7.4 fifth (ESTABLISHED): "If SND.UNA =< SEG.ACK =< SND.NXT,
 * the send window should be updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 =
 * SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <-
 * SEG.SEQ, and set SND.WL2 <- SEG.ACK."  The caller has checked SEG.ACK =<
 * SND.NXT.  The behaviors are the rule: an old segment (by SND.WL1, then
 * SND.WL2) never changes the window. */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    behavior wnd_update:
      assumes seq_le_l(c->snd_una, seg->ack)
              && (seq_lt_l(c->snd_wl1, seg->seq)
                  || (c->snd_wl1 == seg->seq && seq_le_l(c->snd_wl2, seg->ack)));
      ensures wnd_update: c->snd_wnd == seg->wnd && c->snd_wl1 == seg->seq
                          && c->snd_wl2 == seg->ack
                          && c->max_snd_wnd == \max(\old(c->max_snd_wnd), (integer)seg->wnd);
    behavior wnd_old_segment:
      assumes !(seq_le_l(c->snd_una, seg->ack)
                && (seq_lt_l(c->snd_wl1, seg->seq)
                    || (c->snd_wl1 == seg->seq && seq_le_l(c->snd_wl2, seg->ack))));
      assigns \nothing;
      ensures wnd_kept: c->snd_wnd == \old(c->snd_wnd) && c->snd_wl1 == \old(c->snd_wl1)
                        && c->snd_wl2 == \old(c->snd_wl2);
    complete behaviors;
    disjoint behaviors; */
static void window_update(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    if (seq_le(c->snd_una, seg->ack)
        && (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_le(c->snd_wl2, seg->ack)))) {
        c->snd_wnd = seg->wnd;
        c->snd_wl1 = seg->seq;
        c->snd_wl2 = seg->ack;
        if (seg->wnd > c->max_snd_wnd)
            c->max_snd_wnd = seg->wnd;
    }
}

/* RFC 9293 3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT,
 * then enter ESTABLISHED state and continue processing"; otherwise
 * <SEQ=SEG.ACK><CTL=RST>.  SND.UNA advances before the row, so that the
 * row starts from a TCB valid in ESTABLISHED (the action only records the
 * window).  True when the segment goes on. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_SYN_RECEIVED;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(TCPSM_SYN_RECEIVED) && ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= 1;
    ensures est: \result != 0
                 ==> (c->state == TCPSM_ESTABLISHED && c->snd_una == \old(k->seg->ack)
                      && c->snd_nxt == \old(c->snd_nxt)
                      && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                      && c->fin_rcvd == \old(c->fin_rcvd)); */
static bool syn_rcvd_ack(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    if (!(seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt))) {
        fire_ok(c, k, TCPSM_EV_SEG_BAD_ACK);        /* <SEQ=SEG.ACK><CTL=RST> */
        return false;
    }
    ack_advance(c, k->now, seg->ack);                  /* SND.UNA <- SEG.ACK */
    /*@ assert est_send: send_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert est_flags: flags_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert est_timers: timers_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert est_len: c->rcap <= 1073741824 && c->rcount <= c->rcap
                        && (c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0)
                        && c->rpush <= c->rcount && c->nooo <= 8; */
    /*@ assert est_ooo: ranges_ok(c, c->nooo); */
    /*@ assert est_fin: c->ooo_fin != 0 ==> (c->ooo_fin_off != 0 && c->ooo_fin_off < rcv_wnd_l(c)
                               && c->ooo_fin_off >= last_end(c, c->nooo)); */
    /*@ assert est_psh: c->ooo_psh != 0 ==> (c->ooo_psh_off != 0 && c->ooo_psh_off <= rcv_wnd_l(c)); */
    /*@ assert est_recv: recv_ok(c); */
    /*@ assert est_cfg: config_ok(c) && c->snd_mss != 0; */
    /*@ assert est_rest: recv_ok(c) && config_ok(c) && c->snd_mss != 0
                         && peer_ok_in(c, TCPSM_ESTABLISHED); */
    /*@ assert est: tcb_ok_in(c, TCPSM_ESTABLISHED); */
    fire_to(c, k, TCPSM_EV_SEG_ACK_OF_SYN) /*@ ghost (TCPSM_ESTABLISHED) */;  /* -> ESTABLISHED */
    return true;
}

/* RFC 9293 3.10.7.4 fifth, a synchronized state: the ACK is refused when it
 * is for data not yet sent ("If the ACK acks something not yet sent
 * (SEG.ACK > SND.NXT) then send an ACK, drop the segment"), or, with RFC
 * 5961 5.2 on, when it is older than SND.UNA - MAX.SND.WND. */
/*@ predicate refused(struct tcpsm_conn *c, struct tcpsm_segment *seg) =
      (c->cfg.rfc5961_ack != 0
       && seq_sub_l(seg->ack, seq_sub_l(c->snd_una, c->max_snd_wnd))
          > seq_sub_l(c->snd_nxt, seq_sub_l(c->snd_una, c->max_snd_wnd)))
      || seq_lt_l(c->snd_nxt, seg->ack); */
/*@ requires \valid_read(c) && \valid_read(seg);
    assigns \nothing;
    ensures def: \result != 0 <==> refused(c, seg);
    ensures sent: \result == 0 ==> !seq_lt_l(c->snd_nxt, seg->ack); */
static bool ack_refused(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    if (c->cfg.rfc5961_ack) {
        /* RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT */
        uint32_t lo = seq_sub(c->snd_una, c->max_snd_wnd);
        if (seq_sub(seg->ack, lo) > seq_sub(c->snd_nxt, lo))
            return true;
    }
    return seq_gt(seg->ack, c->snd_nxt);  /* ACK of something not yet sent */
}

/* RFC 9293 3.10.7.4 fifth: a refused ACK is counted, answered with an ACK
 * (the row's action) and the segment dropped. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 1 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state);
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                 ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                      && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                      && c->fin_rcvd == \old(c->fin_rcvd)); */
static void bad_ack(struct tcpsm_conn *c, const struct call *k)
{
    c->n_bad_ack_dropped = sat_inc(c->n_bad_ack_dropped);
    fire_ok(c, k, TCPSM_EV_SEG_BAD_ACK);
}

/*@
  // tcb_ok, but when SND.UNA has just covered our FIN in FIN-WAIT-1,
  // CLOSING or LAST-ACK: then the invariant of the state the ACK leads to
  predicate acked_ok(struct tcpsm_conn *c) =
      (!(c->fin_acked != 0 && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                               || c->state == TCPSM_LAST_ACK)) ==> tcb_ok(c))
      && (c->fin_acked != 0 && c->state == TCPSM_FIN_WAIT_1 ==> tcb_ok_in(c, TCPSM_FIN_WAIT_2))
      && (c->fin_acked != 0 && c->state == TCPSM_CLOSING ==> tcb_ok_nt(c, TCPSM_TIME_WAIT));
*/

/* window_update(), and what it keeps (proofs/frame.acsl). */
/*@ requires valid: valid_tcb(c);
    requires seg: \valid_read(seg) && \separated(c, seg);
    assigns c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures valid: valid_tcb(c); */
static void wnd_keep(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    window_update(c, seg);
}

/* RFC 9293 3.10.7.4 fifth: "If SND.UNA < SEG.ACK =< SND.NXT, then set
 * SND.UNA <- SEG.ACK"; in TIME-WAIT "the only thing that can arrive in
 * this state is a retransmission of the remote FIN": SND.UNA stays. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires sent: !seq_lt_l(c->snd_nxt, ack);
    assigns c->snd_una, c->syn_acked, c->syn_unsent, c->shead, c->scount, c->fin_acked,
            c->snd_urg, c->t_rtx, c->t_user, c->rtx_pending, c->rtx_count, c->rto_us;
    ensures ring: c->scount <= \old(c->scount)
                  && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    ensures room: seq_sub_l(c->snd_nxt, c->snd_una) <= snd_room(c)
                  && seq_sub_l(c->snd_nxt, c->snd_una) <= seq_sub_l(c->snd_nxt, \old(c->snd_una));
    ensures syn: \old(c->syn_acked) != 0 ==> c->syn_acked != 0;
    ensures fin: (c->fin_acked != 0 ==> c->fin_sent != 0)
                 && (\old(c->fin_acked) != 0 ==> c->fin_acked != 0);
    ensures rtx: c->t_rtx != 18446744073709551615 ==> c->snd_una != c->snd_nxt;
    ensures fin_done: c->fin_acked != 0 && \old(c->fin_acked) == 0
                      ==> (c->snd_una == c->snd_nxt && c->scount == 0);
    ensures fwd: seq_sub_l(c->snd_una, \old(c->snd_una))
                 <= seq_sub_l(c->snd_nxt, \old(c->snd_una));
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures cfg: c->cfg.mss == \old(c->cfg.mss) && c->cfg.rto_initial_us == \old(c->cfg.rto_initial_us)
                 && c->cfg.rto_max_us == \old(c->cfg.rto_max_us)
                 && c->cfg.msl_us == \old(c->cfg.msl_us) && c->nlog == \old(c->nlog)
                 && c->nreply == \old(c->nreply) && c->snd_mss == \old(c->snd_mss);
    ensures flg: c->fin_queued == \old(c->fin_queued) && c->fin_sent == \old(c->fin_sent)
                 && c->fin_rcvd == \old(c->fin_rcvd) && c->state == \old(c->state)
                 && c->t_2msl == \old(c->t_2msl) && c->snd_nxt == \old(c->snd_nxt);
    ensures tw: c->state == TCPSM_TIME_WAIT
                ==> (c->t_rtx == \old(c->t_rtx) && c->t_user == \old(c->t_user));
    ensures syn_fin: c->fin_acked != 0 && \old(c->fin_acked) == 0 ==> c->syn_acked != 0; */
static void ack_move(struct tcpsm_conn *c, uint32_t ack, uint64_t now)
{
    if (c->state != TCPSM_TIME_WAIT && seq_lt(c->snd_una, ack))
        ack_advance(c, now, ack);
}

/* ack_move() on a valid TCB, and the invariant after it, part by part
 * (each a small goal here, where the only write is ack_move's). */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires sent: !seq_lt_l(c->snd_nxt, ack);
    assigns c->snd_una, c->syn_acked, c->syn_unsent, c->shead, c->scount, c->fin_acked,
            c->snd_urg, c->t_rtx, c->t_user, c->rtx_pending, c->rtx_count, c->rto_us;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: acked_ok(c);
    ensures fwd: seq_sub_l(c->snd_una, \old(c->snd_una))
                 <= seq_sub_l(c->snd_nxt, \old(c->snd_una)); */
static void acked(struct tcpsm_conn *c, uint32_t ack, uint64_t now)
{
    ack_move(c, ack, now);
    /*@ assert t_kept: ooo_kept{Pre, Here}(c); */
    /*@ assert t_len: c->rcap <= 1073741824 && c->rcount <= c->rcap
                      && (c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0)
                      && c->rpush <= c->rcount && c->nooo <= 8; */
    /*@ assert t_ooo: ranges_ok(c, c->nooo); */
    /*@ assert t_fin: c->ooo_fin != 0 ==> (c->ooo_fin_off != 0 && c->ooo_fin_off < rcv_wnd_l(c)
                             && c->ooo_fin_off >= last_end(c, c->nooo)); */
    /*@ assert t_psh: c->ooo_psh != 0 ==> (c->ooo_psh_off != 0 && c->ooo_psh_off <= rcv_wnd_l(c)); */
    /*@ assert t_recv: recv_ok(c); */
    /*@ assert t_cfg: config_ok(c) && c->snd_mss != 0; */
    /*@ assert t_send: send_ok(c); */
    /*@ assert t_peer: peer_ok(c); */
    /*@ assert t_flags: !(c->fin_acked != 0 && (c->state == TCPSM_FIN_WAIT_1
                                              || c->state == TCPSM_CLOSING
                                              || c->state == TCPSM_LAST_ACK))
                        ==> flags_ok(c); */
    /*@ assert t_timers: timers_ok(c); */
    /*@ assert t_stay: !(c->fin_acked != 0 && (c->state == TCPSM_FIN_WAIT_1
                                             || c->state == TCPSM_CLOSING
                                             || c->state == TCPSM_LAST_ACK))
                       ==> tcb_ok(c); */
    /*@ assert t_fw2: c->fin_acked != 0 && c->state == TCPSM_FIN_WAIT_1
                      ==> tcb_ok_in(c, TCPSM_FIN_WAIT_2); */
    /*@ assert t_tw: c->fin_acked != 0 && c->state == TCPSM_CLOSING
                     ==> tcb_ok_nt(c, TCPSM_TIME_WAIT); */
}

/* RFC 9293 3.10.7.4 fifth, ESTABLISHED and the states that add to it: "If
 * SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK" (releasing
 * what it covers), and the send window.  The caller has checked SEG.ACK
 * =< SND.NXT. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires seg: \valid_read(seg) && \separated(c, seg);
    requires sent: !seq_lt_l(c->snd_nxt, seg->ack);
    assigns c->snd_una, c->syn_acked, c->syn_unsent, c->shead, c->scount, c->fin_acked,
            c->snd_urg, c->t_rtx, c->t_user, c->rtx_pending, c->rtx_count, c->rto_us,
            c->snd_wnd, c->snd_wl1, c->snd_wl2, c->max_snd_wnd;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures ok: acked_ok(c);
    ensures st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    ensures fwd: seq_sub_l(c->snd_una, \old(c->snd_una))
                 <= seq_sub_l(c->snd_nxt, \old(c->snd_una)); */
static void ack_take(struct tcpsm_conn *c, const struct tcpsm_segment *seg, uint64_t now)
{
    /* The window first: its test (SND.UNA =< SEG.ACK) reads the same on
     * either side of SND.UNA's advance, which the window does not touch. */
    wnd_keep(c, seg);
    acked(c, seg->ack, now);
}

/*@ predicate seq_same{L1, L2}(struct tcpsm_conn *c) =
      \at(c->snd_una, L1) == \at(c->snd_una, L2) && \at(c->snd_nxt, L1) == \at(c->snd_nxt, L2)
      && \at(c->rcv_nxt, L1) == \at(c->rcv_nxt, L2) && \at(c->rcount, L1) == \at(c->rcount, L2)
      && \at(c->fin_rcvd, L1) == \at(c->fin_rcvd, L2); */

/* RFC 9293 3.10.7.4 fifth, ESTABLISHED: the CLOSE deferred in SYN-RECEIVED
 * (3.10.4: "queue for processing after entering ESTABLISHED state"). */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_ESTABLISHED;
    requires call: seg_call(c, k);
    requires log: c->nlog <= 1 && walk(c, start(c));
    requires table: ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures st: c->state == TCPSM_FIN_WAIT_1;
    ensures fwd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                 && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                 && c->fin_rcvd == \old(c->fin_rcvd);
    ensures go: \result != 0; */
static bool deferred_close(struct tcpsm_conn *c, const struct call *k)
{
    fire_ok(c, k, TCPSM_EV_CLOSE);
    return true;
}

/* Our FIN is acknowledged in a state where that moves on (3.10.7.4 fifth,
 * FIN-WAIT-1, CLOSING, LAST-ACK). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result != 0 <==> (c->fin_acked != 0
                               && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                                   || c->state == TCPSM_LAST_ACK)); */
static bool fin_done(const struct tcpsm_conn *c)
{
    return c->fin_acked
           && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
               || c->state == TCPSM_LAST_ACK);
}

/* RFC 9293 3.10.7.4 fifth: our FIN acknowledged, in FIN-WAIT-1 ("enter
 * FIN-WAIT-2"), CLOSING ("enter the TIME-WAIT state") or LAST-ACK
 * ("delete the TCB, enter the CLOSED state, and return").  True when the
 * segment goes on to the sixth step. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires st: c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                 || c->state == TCPSM_LAST_ACK;
    requires fin_wait: c->state == TCPSM_FIN_WAIT_1 ==> tcb_ok_in(c, TCPSM_FIN_WAIT_2);
    requires closing: c->state == TCPSM_CLOSING ==> tcb_ok_nt(c, TCPSM_TIME_WAIT);
    requires call: seg_call(c, k);
    requires log: c->nlog <= 1 && walk(c, start(c));
    requires table: ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures st: \old(c->state) == TCPSM_FIN_WAIT_1 ==> c->state == TCPSM_FIN_WAIT_2;
    ensures st2: \old(c->state) == TCPSM_CLOSING ==> c->state == TCPSM_TIME_WAIT;
    ensures st3: \old(c->state) == TCPSM_LAST_ACK ==> c->state == TCPSM_CLOSED;
    ensures fwd: c->state != TCPSM_CLOSED
                 ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                      && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                      && c->fin_rcvd == \old(c->fin_rcvd));
    ensures go: \result != 0 <==> c->state != TCPSM_CLOSED; */
static bool ack_of_fin(struct tcpsm_conn *c, const struct call *k)
{
    if (c->state == TCPSM_FIN_WAIT_1) {
        fire_to(c, k, TCPSM_EV_SEG_ACK_OF_FIN) /*@ ghost (TCPSM_FIN_WAIT_2) */;
        return true;
    }
    if (c->state == TCPSM_CLOSING) {
        fire_tw(c, k, TCPSM_EV_SEG_ACK_OF_FIN);
        return true;
    }
    fire(c, k, TCPSM_EV_SEG_ACK_OF_FIN);       /* LAST-ACK: the TCB is deleted */
    return false;
}

/* RFC 9293 3.10.7.4 fifth, after SND.UNA: the deferred CLOSE, then our
 * FIN's acknowledgment.  True when the segment goes on to the sixth step. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires ok: acked_ok(c);
    requires call: seg_call(c, k);
    requires log: c->nlog <= 1 && walk(c, start(c));
    requires table: ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept_s: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap);
    ensures kept_r: c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures go: \result != 0
                ==> (TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                     && c->state != TCPSM_CLOSING);
    behavior deferred:
      assumes c->close_deferred != 0 && c->state == TCPSM_ESTABLISHED;
      ensures fwd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                   && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                   && c->fin_rcvd == \old(c->fin_rcvd);
    behavior fin:
      assumes !(c->close_deferred != 0 && c->state == TCPSM_ESTABLISHED)
              && c->fin_acked != 0
              && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                  || c->state == TCPSM_LAST_ACK);
      ensures fwd: c->state != TCPSM_CLOSED
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd));
    behavior other:
      assumes !(c->close_deferred != 0 && c->state == TCPSM_ESTABLISHED)
              && !(c->fin_acked != 0
                   && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                       || c->state == TCPSM_LAST_ACK));
      ensures fwd: c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                   && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                   && c->fin_rcvd == \old(c->fin_rcvd);
    complete behaviors;
    disjoint behaviors; */
static bool ack_after(struct tcpsm_conn *c, const struct call *k)
{
    if (c->close_deferred && c->state == TCPSM_ESTABLISHED)
        return deferred_close(c, k);    /* the CLOSE queued in SYN-RECEIVED */
    if (fin_done(c))
        return ack_of_fin(c, k);
    return c->state != TCPSM_CLOSING;   /* CLOSING: otherwise ignore the segment */
}

/* RFC 9293 3.10.7.4 fifth, an acceptable ACK (SEG.ACK =< SND.NXT) in a
 * synchronized state: SND.UNA and the send window, then the deferred CLOSE
 * and our FIN's acknowledgment.  True when the segment goes on. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires sent: !seq_lt_l(c->snd_nxt, k->seg->ack);
    requires log: c->nlog <= 1 && walk(c, start(c));
    requires table: ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= \old(c->nlog) + 1;
    ensures go: \result != 0
                ==> (TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING);
    ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                 ==> (c->snd_nxt == \old(c->snd_nxt)
                      && seq_sub_l(c->snd_una, \old(c->snd_una))
                         <= seq_sub_l(c->snd_nxt, \old(c->snd_una))
                      && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                      && c->fin_rcvd == \old(c->fin_rcvd)); */
static bool ack_go(struct tcpsm_conn *c, const struct call *k)
{
    bool go;
    ack_take(c, k->seg, k->now);
    /*@ assert call: seg_call(c, k); */
    /*@ assert log: c->nlog == \at(c->nlog, Pre) && walk(c, \at(start(c), Pre)); */
    /*@ assert take: c->snd_nxt == \at(c->snd_nxt, Pre) && c->rcv_nxt == \at(c->rcv_nxt, Pre)
                     && c->rcount == \at(c->rcount, Pre) && c->fin_rcvd == \at(c->fin_rcvd, Pre)
                     && seq_sub_l(c->snd_una, \at(c->snd_una, Pre))
                        <= seq_sub_l(c->snd_nxt, \at(c->snd_una, Pre)); */
    /*@ ghost uint32_t una = c->snd_una; */
    go = ack_after(c, k);
    /*@ assert s_una: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT ==> c->snd_una == una; */
    /*@ assert s_nxt: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                      ==> c->snd_nxt == \at(c->snd_nxt, Pre); */
    /*@ assert s_rcv: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                      ==> c->rcv_nxt == \at(c->rcv_nxt, Pre); */
    /*@ assert s_cnt: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                      ==> c->rcount == \at(c->rcount, Pre); */
    /*@ assert s_fin: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                      ==> c->fin_rcvd == \at(c->fin_rcvd, Pre); */
    return go;
}

/* RFC 9293 3.10.7.4 fifth, SYN-RECEIVED: the handshake's ACK, then the
 * rest of the fifth step in ESTABLISHED.  True when the segment goes on. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_SYN_RECEIVED;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(TCPSM_SYN_RECEIVED) && ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= 2;
    ensures go: \result != 0
                ==> (TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING
                     && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                     && c->fin_rcvd == \old(c->fin_rcvd)); */
static bool ack_syn_rcvd(struct tcpsm_conn *c, const struct call *k)
{
    /*@ ghost const struct tcpsm_segment *seg = k->seg; */
    if (!syn_rcvd_ack(c, k))
        return false;
    /*@ assert seg: k->seg == seg && k->payload == \at(k->payload, Pre); */
    /*@ assert rec: k->rcap == 0 && k->got == \null && k->rflags == \null && k->accepted == \null; */
    /*@ assert len: seg->len == \at(k->seg->len, Pre) && seg->len <= 65535
                    && seg->ack == \at(k->seg->ack, Pre); */
    /*@ assert call: seg_call(c, k); */
    /*@ assert una: c->snd_una == seg->ack && c->state == TCPSM_ESTABLISHED; */
    /*@ assert room: seq_sub_l(c->snd_nxt, c->snd_una) < 2147483648; */
    /*@ assert sent: !seq_lt_l(c->snd_nxt, k->seg->ack); */
    return ack_go(c, k);
}

/* RFC 9293 3.10.7.4 fifth, a synchronized state: a refused ACK is answered
 * and the segment dropped; an accepted one is taken.  True when the segment
 * goes on. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state) && ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= 1;
    ensures go: \result != 0
                ==> (TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING
                     && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                     && c->fin_rcvd == \old(c->fin_rcvd));
    behavior refused:
      assumes refused(c, k->seg);
      ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                   ==> (c->snd_una == \old(c->snd_una) && c->snd_nxt == \old(c->snd_nxt)
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd));
    behavior taken:
      assumes !refused(c, k->seg);
      ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                   ==> (c->snd_nxt == \old(c->snd_nxt)
                        && seq_sub_l(c->snd_una, \old(c->snd_una))
                           <= seq_sub_l(c->snd_nxt, \old(c->snd_una))
                        && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                        && c->fin_rcvd == \old(c->fin_rcvd));
    complete behaviors;
    disjoint behaviors; */
static bool ack_sync(struct tcpsm_conn *c, const struct call *k)
{
    if (ack_refused(c, k->seg)) {
        bad_ack(c, k);
        return false;
    }
    return ack_go(c, k);
}

/* RFC 9293 3.10.7.4 fifth, the ACK field, for a segment with ACK set: true
 * when the segment goes on to the sixth step. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_SYN_RECEIVED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state) && early_rows(TCPSM_ESTABLISHED)
                    && early_seq(TCPSM_ESTABLISHED) && ack_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c))) && c->nlog <= 2;
    ensures go: \result != 0
                ==> (TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && c->state != TCPSM_CLOSING
                     && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                     && c->fin_rcvd == \old(c->fin_rcvd));
    ensures fwd: TCPSM_ESTABLISHED <= \old(c->state) && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                 ==> (c->snd_nxt == \old(c->snd_nxt)
                      && seq_sub_l(c->snd_una, \old(c->snd_una))
                         <= seq_sub_l(c->snd_nxt, \old(c->snd_una))
                      && c->rcv_nxt == \old(c->rcv_nxt) && c->rcount == \old(c->rcount)
                      && c->fin_rcvd == \old(c->fin_rcvd)); */
static bool ack_check(struct tcpsm_conn *c, const struct call *k)
{
    if (c->state == TCPSM_SYN_RECEIVED)
        return ack_syn_rcvd(c, k);
    return ack_sync(c, k);
}

/* The segment as the steps after the first see it: trimmed to the window,
 * its text (seq, text, tlen) and its SYN and FIN if they lie in it. */
struct seg_cut {
    uint32_t seq;               /* the text's first octet (after a SYN) */
    uint32_t len;               /* SEG.LEN, for the acceptability test */
    uint32_t toff;              /* the text: tlen octets from toff in the payload */
    uint32_t tlen;
    bool syn;
    bool fin;
};

/* RFC 9293 3.5 Figure 7 (simultaneous open): in SYN-RECEIVED reached from
 * SYN-SENT, the peer's SYN,ACK repeats the SYN at IRS.  That SYN is trimmed
 * as lying before the window (3.10.7.4 first: "trimming off any portions
 * that lie outside the window (including SYN ...)") and the rest, whose ACK
 * completes the handshake, is processed. */
/*@ requires \valid_read(c) && \valid_read(seg);
    assigns \nothing;
    ensures syn: \result != 0 ==> (seg->flags & 2) != 0; */
static bool dup_syn_of(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    return c->state == TCPSM_SYN_RECEIVED && !c->passive && (seg->flags & TCPSM_SYN)
           && (seg->flags & TCPSM_ACK) && seg->seq == c->irs;
}

/* The segment as it arrived, less a duplicate SYN. */
/*@ requires v: \valid(v);
    requires seg: \valid_read(seg) && seg->len <= 65535 && \separated(v, seg);
    requires dup: dup != 0 ==> (seg->flags & 2) != 0;
    assigns *v;
    ensures text: v->toff == 0 && v->tlen == seg->len;
    ensures len: v->len <= 65537; */
static void cut_init(struct seg_cut *v, const struct tcpsm_segment *seg, bool dup)
{
    v->seq = seg->seq;
    v->len = seg_len(seg);
    v->toff = 0;
    v->tlen = seg->len;
    v->syn = (seg->flags & TCPSM_SYN) != 0;
    v->fin = (seg->flags & TCPSM_FIN) != 0;
    if (dup) {
        v->syn = false;
        v->seq = seq_add(v->seq, 1u);
        v->len--;
    }
}

/* RFC 9293 3.10.7.4 first: trim to "the idealized segment that begins at
 * RCV.NXT and does not exceed the window" (what lies before RCV.NXT, then
 * what does not fit). */
/*@ requires v: \valid(v);
    requires text: v->toff == 0 && v->tlen <= 65535;
    assigns v->seq, v->toff, v->tlen, v->syn, v->fin;
    ensures win: v->tlen > 0 ==> seq_sub_l(v->seq, rcv_nxt) + v->tlen <= wnd;
    ensures fin_win: v->fin ==> seq_sub_l(v->seq, rcv_nxt) + v->tlen < wnd;
    ensures len: v->tlen <= \old(v->tlen);
    ensures text: v->toff + v->tlen <= \old(v->tlen); */
static void cut_trim(struct seg_cut *v, uint32_t rcv_nxt, uint32_t wnd)
{
    uint32_t d = seq_lt(v->seq, rcv_nxt) ? seq_sub(rcv_nxt, v->seq) : 0u;
    uint32_t off, avail, s;
    if (d > 0 && v->syn) {
        v->syn = false;
        d--;
        v->seq = seq_add(v->seq, 1u);
    }
    if (d > 0) {
        uint32_t t = min32(d, v->tlen);
        v->toff = t;
        v->tlen -= t;
        d -= t;
        v->seq = seq_add(v->seq, t);
    }
    if (d > 0 && v->fin) {
        v->fin = false;
        v->seq = seq_add(v->seq, 1u);
    }
    off = seq_sub(v->seq, rcv_nxt);
    avail = off < wnd ? wnd - off : 0u;
    s = v->syn ? 1u : 0u;
    if (s + v->tlen > avail) {
        v->tlen = avail > s ? avail - s : 0u;
        v->fin = false;
    } else if (s + v->tlen + (v->fin ? 1u : 0u) > avail) {
        v->fin = false;
    }
    if (v->syn)
        v->seq = seq_add(v->seq, 1u);   /* text starts after the SYN */
}

/* RFC 9293 3.10.7.4 first, RCV.WND = 0: still take valid ACKs, URGs and
 * RSTs; the text is not acceptable, so it is answered with an ACK (not
 * when quiet: a RST, or a probe_ack). */
/*@ requires valid: valid_tcb(c);
    requires v: \valid(v) && \separated(v, c);
    assigns c->ack_now, v->tlen, v->syn, v->fin;
    ensures valid: valid_tcb(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures fwd: seq_same{Pre, Post}(c);
    ensures cut: v->tlen == 0 && !v->fin; */
static void zero_window(struct tcpsm_conn *c, bool quiet, struct seg_cut *v)
{
    if (!quiet)
        c->ack_now = true;
    v->tlen = 0;
    v->syn = false;
    v->fin = false;
}

/* RFC 9293 3.10.7.4 first, RCV.WND = 0: "special allowance should be made
 * to accept valid ACKs".  Besides a segment at RCV.NXT, that is a bare
 * ACK one octet past it: where a peer whose zero-window probe carried one
 * octet of new data (3.8.6.1) that we could not take puts its ACKs.  Its
 * ACK field is taken, and it is not answered (two such peers would
 * otherwise answer each other for ever). */
/*@ assigns \nothing;
    ensures \result <==> (wnd == 0 && len == 0 && ack && !rst && seq == seq_add_l(rcv_nxt, 1)); */
static bool probe_ack(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t wnd, bool ack, bool rst)
{
    return wnd == 0 && len == 0 && ack && !rst && seq == seq_add(rcv_nxt, 1u);
}

/* RFC 9293 3.10.7.4 TIME-WAIT: a retransmitted FIN is acknowledged and
 * restarts the 2 MSL timeout. */
/*@ requires valid: valid_tcb(c) && c->state == TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c)));
    ensures fwd: seq_same{Pre, Post}(c); */
static void tw_fin(struct tcpsm_conn *c, const struct call *k)
{
    c->ack_now = true;
    fire_tw(c, k, TCPSM_EV_SEG_FIN);
}

/* RFC 9293 3.10.7.4 first: a segment that is not acceptable. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_SYN_RECEIVED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state) && fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c)));
    ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT ==> seq_same{Pre, Post}(c); */
static void unacceptable(struct tcpsm_conn *c, const struct call *k)
{
    if (wants_time_wait_fin(c, k->seg)) {
        tw_fin(c, k);
        return;
    }
    if (k->seg->flags & TCPSM_RST) {
        rst_ignored(c);                 /* RFC 5961 3.2: out of window, silently */
        return;
    }
    fire_ok(c, k, TCPSM_EV_SEG_UNACCEPTABLE);   /* ACK and drop */
    /*@ assert fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT ==> seq_same{Pre, Here}(c); */
}

/* RFC 9293 3.10.7.4 second to fourth: the event the RST, security and SYN
 * checks decide, or TCPSM_NEVENTS when the segment goes on to the ACK. */
/*@ requires \valid_read(c) && \valid_read(seg);
    assigns \nothing;
    ensures ev: \result == TCPSM_NEVENTS || \result == TCPSM_EV_SEG_RST_CHALLENGE
                || \result == TCPSM_EV_SEG_RST_PASSIVE || \result == TCPSM_EV_SEG_RST
                || \result == TCPSM_EV_SEG_SECURITY || \result == TCPSM_EV_SEG_SYN_PASSIVE
                || \result == TCPSM_EV_SEG_SYN || \result == TCPSM_EV_SEG_SYN_RESET; */
static unsigned control_event(const struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                              bool dup_syn, bool syn)
{
    /* Second, check the RST bit */
    if (seg->flags & TCPSM_RST) {
        if (c->cfg.rfc5961_rst && seg->seq != c->rcv_nxt)
            return TCPSM_EV_SEG_RST_CHALLENGE;  /* RFC 5961 3.2: in window, not exact */
        if (c->state == TCPSM_SYN_RECEIVED && c->passive)
            return TCPSM_EV_SEG_RST_PASSIVE;    /* MUST-11: back to LISTEN */
        return TCPSM_EV_SEG_RST;
    }
    /* Third, check security */
    if (seg->compartment != c->compartment)
        return TCPSM_EV_SEG_SECURITY;
    /* Fourth, check the SYN bit */
    if ((seg->flags & TCPSM_SYN) && !dup_syn) {
        if (c->state == TCPSM_SYN_RECEIVED && c->passive)
            return TCPSM_EV_SEG_SYN_PASSIVE;
        if (c->cfg.rfc5961_syn)         /* RFC 5961 4.2: challenge ACK */
            return TCPSM_EV_SEG_SYN;
        if (syn)                        /* RFC 793: a SYN in the window is an error */
            return TCPSM_EV_SEG_SYN_RESET;
        /* a SYN before the window was trimmed off as an old duplicate */
    }
    return TCPSM_NEVENTS;
}

/* RFC 9293 3.10.7.4 second to fourth: the decided event, counted. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_SYN_RECEIVED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state);
    requires ev: ev == TCPSM_EV_SEG_RST_CHALLENGE
                 || ev == TCPSM_EV_SEG_RST_PASSIVE || ev == TCPSM_EV_SEG_RST
                 || ev == TCPSM_EV_SEG_SECURITY || ev == TCPSM_EV_SEG_SYN_PASSIVE
                 || ev == TCPSM_EV_SEG_SYN || ev == TCPSM_EV_SEG_SYN_RESET;
    assigns *c, c->sbuf[0 .. c->scap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c)));
    ensures fwd: TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT ==> seq_same{Pre, Post}(c); */
static void control_fire(struct tcpsm_conn *c, const struct call *k, unsigned ev)
{
    if (ev == TCPSM_EV_SEG_RST_CHALLENGE) {
        c->n_challenge_acks = sat_inc(c->n_challenge_acks);    /* RFC 5961 3.2 */
    } else if (ev == TCPSM_EV_SEG_SYN) {
        c->n_challenge_acks = sat_inc(c->n_challenge_acks);    /* RFC 5961 4.2 */
        c->n_syn_ignored = sat_inc(c->n_syn_ignored);
    }
    fire_ok(c, k, ev);
}

/*@ // seg_other's monotonicity clauses, of the TCB now against the values
    // (s0, una0, ...) it had on entry: one predicate, so that each path's
    // return asserts it of its own post-state (field equalities do not
    // survive the merge of five post-states)
    predicate mono(struct tcpsm_conn *c, integer s0, integer una0, integer nxt0, integer rcv0,
                   integer cnt0, integer cap0, integer fin0) =
      TCPSM_ESTABLISHED <= s0 <= TCPSM_TIME_WAIT && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
      ==> (c->snd_nxt == nxt0 && seq_sub_l(c->snd_una, una0) <= seq_sub_l(c->snd_nxt, una0)
           && seq_sub_l(c->rcv_nxt, rcv0) <= cap0 - cnt0 + 1
           && (fin0 == 0 ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - cnt0
                             == seq_sub_l(c->rcv_nxt, rcv0)));

    // and the rings, the same
    predicate bufs(struct tcpsm_conn *c, uint8_t *sbuf0, integer scap0, uint8_t *rbuf0, integer rcap0) =
      c->sbuf == sbuf0 && c->scap == scap0 && c->rbuf == rbuf0 && c->rcap == rcap0; */

/* Proof steps (ghost, no code): mono and bufs from their parts, each in a
 * context of its own. */
/*@ ghost
  /@ requires \valid_read(c);
     requires k: c->sbuf == sb && c->scap == sc && c->rbuf == rb && c->rcap == rc;
     assigns \nothing;
     ensures bufs(c, sb, sc, rb, rc); @/
  void bufs_step(struct tcpsm_conn *c, uint8_t *sb, uint32_t sc, uint8_t *rb, uint32_t rc)
  {
  }
*/
/*@ ghost
  /@ requires \valid_read(c);
     requires s: TCPSM_ESTABLISHED <= s0 ==> (nxt1 == nxt0 && seq_sub_l(una1, una0) <= seq_sub_l(nxt1, una0));
     requires e: c->snd_una == una1 && c->snd_nxt == nxt1;
     requires r: seq_sub_l(c->rcv_nxt, rcv0) <= cap0 - cnt0 + 1;
     requires d: fin0 == 0 ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - cnt0 == seq_sub_l(c->rcv_nxt, rcv0);
     assigns \nothing;
     ensures mono(c, s0, una0, nxt0, rcv0, cnt0, cap0, fin0); @/
  void mono_step(struct tcpsm_conn *c, unsigned s0, uint32_t una0, uint32_t nxt0, uint32_t rcv0,
                 uint32_t cnt0, uint32_t cap0, bool fin0, uint32_t una1, uint32_t nxt1)
  {
  }
*/

/* RFC 9293 3.10.7.4 fifth, then the sixth to eighth steps when the ACK lets
 * the segment on. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_SYN_RECEIVED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state) && early_rows(TCPSM_ESTABLISHED)
                    && early_seq(TCPSM_ESTABLISHED) && ack_rows && fin_rows;
    requires text: tlen > 0 ==> (\valid_read(text + (0 .. tlen - 1))
                                 && \separated(text + (0 .. tlen - 1), c, c->sbuf + (0 .. c->scap - 1),
                                               c->rbuf + (0 .. c->rcap - 1)));
    requires win: tlen > 0 ==> seq_sub_l(seq, c->rcv_nxt) + tlen <= rcv_wnd_l(c);
    requires fin_win: fin ==> seq_sub_l(seq, c->rcv_nxt) + tlen < rcv_wnd_l(c);
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: bufs(c, \old(c->sbuf), \old(c->scap), \old(c->rbuf), \old(c->rcap));
    ensures log: walk(c, \old(start(c)));
    ensures mono: mono(c, \old(c->state), \old(c->snd_una), \old(c->snd_nxt), \old(c->rcv_nxt),
                       \old(c->rcount), \old(c->rcap), \old(c->fin_rcvd)); */
static void ack_text(struct tcpsm_conn *c, const struct call *k, uint32_t seq, const uint8_t *text,
                     uint32_t tlen, bool fin)
{
    /*@ ghost const struct tcpsm_segment *seg = k->seg; */
    /*@ ghost unsigned s0 = c->state; */
    /*@ ghost uint32_t una0 = c->snd_una; */
    /*@ ghost uint32_t nxt0 = c->snd_nxt; */
    /*@ ghost uint32_t rcv0 = c->rcv_nxt; */
    /*@ ghost uint32_t cnt0 = c->rcount; */
    /*@ ghost uint32_t cap0 = c->rcap; */
    /*@ ghost bool fin0 = c->fin_rcvd; */
    /*@ ghost uint8_t *sb0 = c->sbuf; */
    /*@ ghost uint32_t sc0 = c->scap; */
    /*@ ghost uint8_t *rb0 = c->rbuf; */
    /*@ ghost uint32_t rc0 = c->rcap; */
    if (!ack_check(c, k)) {
        /*@ assert m4: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
        /*@ assert b4: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
        return;
    }
    /*@ assert a_seg: k->seg == seg && k->payload == \at(k->payload, Pre); */
    /*@ assert a_rec: k->rcap == 0 && k->got == \null && k->rflags == \null && k->accepted == \null; */
    /*@ assert a_len: seg->len == \at(k->seg->len, Pre) && seg->len <= 65535; */
    /*@ assert a_kept: c->sbuf == sb0 && c->scap == sc0 && c->rbuf == rb0 && c->rcap == rc0; */
    /*@ assert a_call: seg_call(c, k); */
    /*@ assert a_rcv: c->rcv_nxt == \at(c->rcv_nxt, Pre) && c->rcount == \at(c->rcount, Pre)
                      && c->fin_rcvd == \at(c->fin_rcvd, Pre); */
    /*@ assert a_snd: TCPSM_ESTABLISHED <= \at(c->state, Pre)
                      ==> (c->snd_nxt == \at(c->snd_nxt, Pre)
                           && seq_sub_l(c->snd_una, \at(c->snd_una, Pre))
                              <= seq_sub_l(c->snd_nxt, \at(c->snd_una, Pre))); */
    /*@ ghost uint32_t una5 = c->snd_una; */
    /*@ ghost uint32_t nxt5 = c->snd_nxt; */

    continue_at_urg(c, k, seq, text, tlen, fin);
    /*@ assert c_snd: c->snd_una == una5 && c->snd_nxt == nxt5; */
    /*@ assert c_rcv: seq_sub_l(c->rcv_nxt, \at(c->rcv_nxt, Pre))
                      <= \at(c->rcap, Pre) - \at(c->rcount, Pre) + 1; */
    /*@ assert c_dlv: \at(c->fin_rcvd, Pre) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \at(c->rcount, Pre)
                          == seq_sub_l(c->rcv_nxt, \at(c->rcv_nxt, Pre)); */
    /*@ ghost mono_step(c, s0, una0, nxt0, rcv0, cnt0, cap0, fin0, una5, nxt5); */
    /*@ ghost bufs_step(c, sb0, sc0, rb0, rc0); */
    /*@ assert m5: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
    /*@ assert b5: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
}

/* 3.10.7.4, SYN-RECEIVED and the synchronized states. */
/*@ requires valid: valid_tcb(c);
    requires st: TCPSM_SYN_RECEIVED <= c->state <= TCPSM_TIME_WAIT;
    requires call: seg_call(c, k);
    requires log: c->nlog == 0 && walk(c, start(c));
    requires table: early_rows(c->state) && early_seq(c->state) && early_rows(TCPSM_ESTABLISHED)
                    && early_seq(TCPSM_ESTABLISHED) && ack_rows && fin_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(start(c)));
    ensures snd_una_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> (c->snd_nxt == \old(c->snd_nxt)
                                  && seq_sub_l(c->snd_una, \old(c->snd_una))
                                     <= seq_sub_l(c->snd_nxt, \old(c->snd_una)));
    ensures rcv_nxt_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt))
                                 <= \old(c->rcap) - \old(c->rcount) + 1;
    ensures delivery: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                      && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt));
    ensures mono: mono(c, \old(c->state), \old(c->snd_una), \old(c->snd_nxt), \old(c->rcv_nxt),
                       \old(c->rcount), \old(c->rcap), \old(c->fin_rcvd)); */
static void seg_other(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    uint32_t wnd = rcv_wnd(c);
    bool dup_syn = dup_syn_of(c, seg);
    struct seg_cut v;
    unsigned ev;
    /*@ ghost uint8_t *sb0 = c->sbuf; */
    /*@ ghost uint32_t sc0 = c->scap; */
    /*@ ghost uint8_t *rb0 = c->rbuf; */
    /*@ ghost uint32_t rc0 = c->rcap; */
    cut_init(&v, seg, dup_syn);

    /* First, check the sequence number (RFC 9293 3.10.7.4, Table 6) */
    if (!acceptable(v.seq, v.len, c->rcv_nxt, wnd)) {
        bool rst = (seg->flags & TCPSM_RST) != 0;
        bool pa = probe_ack(v.seq, v.len, c->rcv_nxt, wnd, (seg->flags & TCPSM_ACK) != 0, rst);
        if (!(wnd == 0 && v.seq == c->rcv_nxt) && !pa) {
            unacceptable(c, k);
            /*@ assert m1: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
            /*@ assert b1: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
            return;
        }
        zero_window(c, rst || pa, &v);
    }
    cut_trim(&v, c->rcv_nxt, wnd);
    /*@ assert trimmed: (v.tlen > 0 ==> seq_sub_l(v.seq, c->rcv_nxt) + v.tlen <= wnd)
                        && (v.fin ==> seq_sub_l(v.seq, c->rcv_nxt) + v.tlen < wnd)
                        && v.tlen <= k->seg->len
                        && v.toff + v.tlen <= k->seg->len; */

    /* Second to fourth: the RST bit, security, the SYN bit */
    ev = control_event(c, seg, dup_syn, v.syn);
    if (ev != TCPSM_NEVENTS) {
        control_fire(c, k, ev);
        /*@ ghost bufs_step(c, sb0, sc0, rb0, rc0); */
        /*@ assert m2: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
        /*@ assert b2: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
        return;
    }

    /* Fifth, check the ACK field */
    if (!(seg->flags & TCPSM_ACK)) {
        /*@ assert m3: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
        /*@ assert b3: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
        return;
    }
    ack_text(c, k, v.seq, v.tlen > 0 ? k->payload + v.toff : NULL, v.tlen, v.fin);
    /*@ assert m5: mono(c, \at(c->state, Pre), \at(c->snd_una, Pre), \at(c->snd_nxt, Pre), \at(c->rcv_nxt, Pre),
                          \at(c->rcount, Pre), \at(c->rcap, Pre), \at(c->fin_rcvd, Pre)); */
    /*@ assert b5: bufs(c, \at(c->sbuf, Pre), \at(c->scap, Pre), \at(c->rbuf, Pre), \at(c->rcap, Pre)); */
}

/* The log of a call's steps starts empty (one write, in a function of its
 * own so that its callers get the invariant back as a fact). */
/*@ requires valid: valid_tcb(c);
    assigns c->nlog;
    ensures valid: valid_tcb(c);
    ensures log: c->nlog == 0 && walk(c, start(c)); */
static void log_reset(struct tcpsm_conn *c)
{
    c->nlog = 0;
}

/* Proof step (ghost, no code): the rows seg_other needs, of the state s,
 * from the table's facts, in a context without memory. */
/*@ ghost
  /@ requires table: input_rows && seq_rows;
     requires st: TCPSM_SYN_RECEIVED <= s <= TCPSM_TIME_WAIT;
     assigns \nothing;
     ensures early_rows(s) && early_seq(s) && early_rows(TCPSM_ESTABLISHED)
             && early_seq(TCPSM_ESTABLISHED) && ack_rows && fin_rows; @/
  void other_rows(unsigned s)
  {
  }
*/

/* The segment's walk through 3.10.7 from its call record: the log
 * starts empty, and the state picks the handler. */
/*@ requires mem: tcb_mem(c);
    requires ok: tcb_ok(c);
    requires call: seg_call(c, k);
    requires table: input_rows;
    requires seq: seq_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures ok: tcb_ok(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(c->state));
    ensures snd_una_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> (c->snd_nxt == \old(c->snd_nxt)
                                  && seq_sub_l(c->snd_una, \old(c->snd_una))
                                     <= seq_sub_l(c->snd_nxt, \old(c->snd_una)));
    ensures rcv_nxt_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt))
                                 <= \old(c->rcap) - \old(c->rcount) + 1;
    ensures delivery: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                      && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
static void walk_seg(struct tcpsm_conn *c, const struct call *k)
{
    log_reset(c);                       /* the log of this call's steps */
    switch (c->state) {
    case TCPSM_CLOSED:
        seg_closed(c, k);
        break;
    case TCPSM_LISTEN:
        seg_listen(c, k);
        break;
    case TCPSM_SYN_SENT:
        seg_syn_sent(c, k);
        break;
    default:
        /*@ ghost other_rows(c->state); */
        seg_other(c, k);
        break;
    }
}

/* The segment's walk through 3.10.7, once tcpsm_input has checked the
 * arguments and the sockets (the call record lives here, so that
 * tcpsm_input's own post-state has no local to forget). */
/*@ requires valid: valid_tcb(c);
    requires seg: \valid_read(seg) && seg->len <= 65535
                  && \separated(seg, c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1));
    requires payload: seg->len > 0
                      ==> (\valid_read(payload + (0 .. seg->len - 1))
                           && \separated(payload + (0 .. seg->len - 1), c,
                                         c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1)));
    requires table: input_rows;
    requires seq: seq_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures ok: tcb_ok(c);
    ensures kept: c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap);
    ensures log: walk(c, \old(c->state));
    ensures snd_una_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> (c->snd_nxt == \old(c->snd_nxt)
                                  && seq_sub_l(c->snd_una, \old(c->snd_una))
                                     <= seq_sub_l(c->snd_nxt, \old(c->snd_una)));
    ensures rcv_nxt_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt))
                                 <= \old(c->rcap) - \old(c->rcount) + 1;
    ensures delivery: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                      && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
static void input_walk(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                       const uint8_t *payload)
{
    /* an initialiser, not assignments, and nothing else written here: WP
       takes a local's initialiser as facts about the memory on entry, so
       the invariant reaches walk_seg without a frame through writes */
    struct call k = { 0 };
    k.now = now;
    k.seg = seg;
    k.payload = payload;
    walk_seg(c, &k);
}

/* The argument checks of tcpsm_input, each condition in a function of its
 * own: as one condition of several ||, they multiplied the paths of
 * tcpsm_input's goals. */
/*@ requires valid: valid_tcb(c);
    requires seg: seg == \null || \valid_read(seg);
    assigns \nothing;
    ensures def: \result <==> (seg != \null && (payload != \null || seg->len == 0)
                               && seg->len <= 65535); */
static bool input_args(const struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                       const uint8_t *payload)
{
    if (!call_ok(c) || seg == NULL)
        return false;
    if (payload == NULL && seg->len != 0)
        return false;
    return seg->len <= 0xFFFFu;
}

/* The segment is for this connection: its local socket, and the foreign
 * one (LISTEN: what OPEN gave, which may be unspecified; CLOSED takes any). */
/*@ requires \valid_read(c) && \valid_read(seg);
    assigns \nothing; */
static bool for_us(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    if (c->state == TCPSM_CLOSED)
        return true;
    if (!local_matches(&c->local, seg))
        return false;
    if (c->state == TCPSM_LISTEN)
        return remote_matches(&c->open_remote, seg);
    return remote_matches(&c->remote, seg);
}

/* tcpsm_cc_input_done(), and what it keeps: every field but c->cc
 * (proofs/frame.acsl, and the log). */
/*@ requires mem: \valid(c) && \valid_read(seg) && \separated(c, seg);
    assigns c->cc, c->rto_us;
    ensures snd: snd_kept{Pre, Post}(c);
    ensures rcv: rcv_kept{Pre, Post}(c);
    ensures ctl: ctl_kept{Pre, Post}(c);
    ensures ooo: ooo_kept{Pre, Post}(c);
    ensures log: log_kept{Pre, Post}(c);
    ensures seq: c->rcv_nxt == \old(c->rcv_nxt); */
static void input_done_frame(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                             uint32_t rcv_nxt, uint32_t rcv_up, uint8_t nooo, bool ack_now,
                             bool rcv_urg, uint32_t snd_una, uint32_t snd_nxt, uint32_t snd_wnd,
                             bool syn_acked)
{
    struct tcpsm_cc_view before;
    before.rcv_nxt = rcv_nxt;
    before.rcv_up = rcv_up;
    before.nooo = nooo;
    before.ack_now = ack_now;
    before.rcv_urg = rcv_urg;
    before.snd_una = snd_una;
    before.snd_nxt = snd_nxt;
    before.snd_wnd = snd_wnd;
    before.syn_acked = syn_acked;
    tcpsm_cc_input_done(c, now, seg, before);
}

/*@ // tcpsm_input's monotonicity clauses (issue 3), from the values at its
  // start: s0 = state, una0 = SND.UNA, nxt0 = SND.NXT, rnxt0 = RCV.NXT,
  // rcap0 = the receive buffer, rcount0 = the unread octets, fin0 = FIN seen
  predicate fwd(struct tcpsm_conn *c, integer s0, integer una0, integer nxt0, integer rnxt0,
                integer rcap0, integer rcount0, integer fin0) =
      (TCPSM_ESTABLISHED <= s0 <= TCPSM_TIME_WAIT
       && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
       ==> (c->snd_nxt == nxt0 && seq_sub_l(c->snd_una, una0) <= seq_sub_l(c->snd_nxt, una0)))
      && (TCPSM_ESTABLISHED <= s0 <= TCPSM_TIME_WAIT
          && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
          ==> seq_sub_l(c->rcv_nxt, rnxt0) <= rcap0 - rcount0 + 1)
      && (TCPSM_ESTABLISHED <= s0 <= TCPSM_TIME_WAIT
          && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && fin0 == 0
          ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - rcount0 == seq_sub_l(c->rcv_nxt, rnxt0));
*/

/* input_done_frame() on a valid TCB: the invariant, the log and the
 * sequence variables it keeps.  Proven here, where the goals are only the
 * call's frame, so that tcpsm_input's own goals need not carry them
 * through it. */
/*@ requires mem: \valid(c) && \valid_read(seg) && \separated(c, seg);
    requires tcb: valid_tcb(c);
    requires log: chain(c, 0, start(c));
    requires fwd: fwd(c, s0, una0, nxt0, rcv_nxt, rcap0, rcount0, fin0);
    assigns c->cc, c->rto_us;
    ensures tcb: valid_tcb(c);
    ensures log: chain(c, 0, start(c)) && start(c) == \old(start(c));
    ensures fwd: fwd(c, s0, una0, nxt0, rcv_nxt, rcap0, rcount0, fin0);
    ensures same: c->state == \old(c->state) && c->snd_una == \old(c->snd_una)
                  && c->snd_nxt == \old(c->snd_nxt) && c->rcv_nxt == \old(c->rcv_nxt)
                  && c->rcount == \old(c->rcount) && c->fin_rcvd == \old(c->fin_rcvd)
                  && c->rcap == \old(c->rcap); */
static void input_done_kept(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                            uint32_t rcv_nxt, uint32_t rcv_up, uint8_t nooo, bool ack_now,
                            bool rcv_urg, uint32_t snd_una, uint32_t snd_nxt, uint32_t snd_wnd,
                            bool syn_acked)
    /*@ ghost (unsigned s0, uint32_t una0, uint32_t nxt0, uint32_t rcap0, uint32_t rcount0,
               unsigned fin0) */
{
    input_done_frame(c, now, seg, rcv_nxt, rcv_up, nooo, ack_now, rcv_urg, snd_una, snd_nxt,
                     snd_wnd, syn_acked);
    /*@ assert ok: tcb_ok(c); */
    /*@ assert mem: tcb_mem(c); */
}

/* tcpsm_input once its arguments are good, but for cc.c's bookkeeping
 * after the segment (tcpsm_input: below). */
/*@ requires valid: valid_tcb(c);
    requires seg: seg == \null || \valid_read(seg);
    requires apart: seg != \null
                    ==> \separated(seg, c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1));
    requires payload: seg != \null && payload != \null && seg->len <= 65535
                      ==> (\valid_read(payload + (0 .. seg->len - 1))
                           && \separated(payload + (0 .. seg->len - 1), c,
                                         c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1)));
    requires args: seg != \null && (payload != \null || seg->len == 0) && seg->len <= 65535;
    requires table: input_rows;
    requires seq: seq_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: chain(c, 0, \old(c->state));
    // issue 3: while the connection stays synchronized (from input_walk's,
    // that is seg_other's, clauses of the same names)
    ensures snd_una_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> (c->snd_nxt == \old(c->snd_nxt)
                                  && seq_sub_l(c->snd_una, \old(c->snd_una))
                                     <= seq_sub_l(c->snd_nxt, \old(c->snd_una)));
    ensures rcv_nxt_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt))
                                 <= \old(c->rcap) - \old(c->rcount) + 1;
    // the first FIN only: a FIN at RCV.NXT after it advances RCV.NXT again
    // (test_fin_at_rcv_nxt_after_the_first_fin_is_acked_in_place)
    ensures delivery: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                      && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
static void input_taken(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                        const uint8_t *payload)
{
    input_walk(c, now, seg, payload);
    /*@ assert mem: tcb_mem(c); */
    /*@ assert ok: tcb_ok(c); */
    walk_is_chain(c);
}

/*@ requires valid: valid_tcb(c);
    requires seg: seg == \null || \valid_read(seg);
    requires apart: seg != \null
                    ==> \separated(seg, c, c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1));
    requires payload: seg != \null && payload != \null && seg->len <= 65535
                      ==> (\valid_read(payload + (0 .. seg->len - 1))
                           && \separated(payload + (0 .. seg->len - 1), c,
                                         c->sbuf + (0 .. c->scap - 1), c->rbuf + (0 .. c->rcap - 1)));
    requires table: input_rows;
    requires seq: seq_rows;
    assigns *c, c->sbuf[0 .. c->scap - 1], c->rbuf[0 .. c->rcap - 1];
    ensures valid: valid_tcb(c);
    ensures legal: \result == TCPSM_OK ==> chain(c, 0, \old(c->state));
    ensures error: \result != TCPSM_OK ==> *c == \old(*c);
    // issue 3: while the connection stays synchronized (from input_walk's,
    // that is seg_other's, clauses of the same names)
    ensures snd_una_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> (c->snd_nxt == \old(c->snd_nxt)
                                  && seq_sub_l(c->snd_una, \old(c->snd_una))
                                     <= seq_sub_l(c->snd_nxt, \old(c->snd_una)));
    ensures rcv_nxt_forward: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                             && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT
                             ==> seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt))
                                 <= \old(c->rcap) - \old(c->rcount) + 1;
    // the first FIN only: a FIN at RCV.NXT after it advances RCV.NXT again
    // (test_fin_at_rcv_nxt_after_the_first_fin_is_acked_in_place)
    ensures delivery: TCPSM_ESTABLISHED <= \old(c->state) <= TCPSM_TIME_WAIT
                      && TCPSM_ESTABLISHED <= c->state <= TCPSM_TIME_WAIT && \old(c->fin_rcvd) == 0
                      ==> (c->rcount + (c->fin_rcvd != 0 ? 1 : 0)) - \old(c->rcount)
                          == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
enum tcpsm_err tcpsm_input(struct tcpsm_conn *c, uint64_t now,
                           const struct tcpsm_segment *seg, const uint8_t *payload)
{
    uint32_t b_rcv_nxt, b_rcv_up, b_snd_una, b_snd_nxt, b_snd_wnd;
    uint8_t b_nooo;
    bool b_ack_now, b_rcv_urg, b_syn_acked;
    /* for the error paths, where the monotonicity clauses hold of an
       unchanged TCB: the one fact of the invariant they need */
    /*@ assert room: c->rcount <= c->rcap; */
    if (!input_args(c, seg, payload))
        return TCPSM_ERR_INVAL;
    if (!for_us(c, seg))
        return TCPSM_ERR_NOT_FOR_US;
    /* what the choices after the segment compare with */
    b_rcv_nxt = c->rcv_nxt;
    b_rcv_up = c->rcv_up;
    b_nooo = c->nooo;
    b_ack_now = c->ack_now;
    b_rcv_urg = c->rcv_urg;
    b_snd_una = c->snd_una;
    b_snd_nxt = c->snd_nxt;
    b_snd_wnd = c->snd_wnd;
    b_syn_acked = c->syn_acked;
    //@ ghost unsigned g_s0 = c->state;
    //@ ghost uint32_t g_una0 = c->snd_una;
    //@ ghost uint32_t g_nxt0 = c->snd_nxt;
    //@ ghost uint32_t g_rcap0 = c->rcap;
    //@ ghost uint32_t g_rcount0 = c->rcount;
    //@ ghost unsigned g_fin0 = c->fin_rcvd;
    input_taken(c, now, seg, payload);
    /*@ assert fwd: fwd(c, g_s0, g_una0, g_nxt0, b_rcv_nxt, g_rcap0, g_rcount0, g_fin0); */
    /* delayed ACK, urgent news, timers (RFC 9293 3.8, RFC 1122 4.2.2.4) */
    input_done_kept(c, now, seg, b_rcv_nxt, b_rcv_up, b_nooo, b_ack_now, b_rcv_urg, b_snd_una,
                    b_snd_nxt, b_snd_wnd, b_syn_acked)
        /*@ ghost (g_s0, g_una0, g_nxt0, g_rcap0, g_rcount0, g_fin0) */;
    return TCPSM_OK;
}
