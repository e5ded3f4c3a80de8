/*
 * conn.c: one TCP connection, RFC 9293 section 3.10.
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

#include "seq.h"
#include "tcpsm.h"
#include "../../proofs/tcb.acsl"
#include "../../proofs/actions.acsl"

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
static uint32_t sat_inc(uint32_t x) { return x == UINT32_MAX ? x : x + 1u; }

/*@ assigns \nothing;
    ensures \result == \min(a, b); */
static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result <==> (a->family == TCPSM_AF_INET || a->family == TCPSM_AF_INET6); */
static bool addr_specified(const struct tcpsm_addr *a)
{
    return a->family == TCPSM_AF_INET || a->family == TCPSM_AF_INET6;
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

/*@ requires \valid_read(e);
    assigns \nothing;
    ensures \result <==> (e->port != 0
                         && (e->ip.family == TCPSM_AF_INET || e->ip.family == TCPSM_AF_INET6)); */
static bool endpoint_specified(const struct tcpsm_endpoint *e)
{
    return e->port != 0 && addr_specified(&e->ip);
}

/*@ assigns \nothing;
    ensures \result <==> (TCPSM_ESTABLISHED <= s <= TCPSM_TIME_WAIT); */
static bool synchronized(unsigned s)
{
    return s >= TCPSM_ESTABLISHED && s <= TCPSM_TIME_WAIT;
}

/* RFC 9293 3.4: SEG.LEN counts SYN and FIN. */
/*@ requires \valid_read(seg) && seg->len <= 65535;
    assigns \nothing;
    ensures def: \result == seg->len + ((seg->flags & 2) != 0 ? 1 : 0)
                            + ((seg->flags & 1) != 0 ? 1 : 0); */
static uint32_t seg_len(const struct tcpsm_segment *seg)
{
    return seg->len + ((seg->flags & TCPSM_SYN) ? 1u : 0u) + ((seg->flags & TCPSM_FIN) ? 1u : 0u);
}

/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result == c->rcap - c->rcount; */
static uint32_t rcv_wnd(const struct tcpsm_conn *c) { return c->rcap - c->rcount; }

/*@ requires \valid_read(c) && c->rcount <= c->rcap;
    assigns \nothing;
    ensures \result == \min(c->rcap - c->rcount, 65535); */
static uint16_t adv_wnd(const struct tcpsm_conn *c)
{
    return (uint16_t)min32(rcv_wnd(c), 0xFFFFu);
}

/* Sequence number of the first byte in the send ring. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result == (c->syn_acked != 0 ? c->snd_una : seq_add_l(c->snd_una, 1)); */
static uint32_t snd_data_seq(const struct tcpsm_conn *c)
{
    return c->syn_acked ? c->snd_una : seq_add(c->snd_una, 1u);
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

static bool remote_matches(const struct tcpsm_endpoint *want, const struct tcpsm_segment *seg)
{
    if (want->port != 0 && want->port != seg->sport)
        return false;
    if (addr_specified(&want->ip) && addr_specified(&seg->src) && !addr_eq(&want->ip, &seg->src))
        return false;
    return true;
}

static bool local_matches(const struct tcpsm_endpoint *me, const struct tcpsm_segment *seg)
{
    if (me->port != 0 && me->port != seg->dport)
        return false;
    if (addr_specified(&me->ip) && addr_specified(&seg->dst) && !addr_eq(&me->ip, &seg->dst))
        return false;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Rings */

/* Copy n bytes into the ring at pos (wrapping).  Byte loops rather than
 * memcpy: they are what the proof can follow, and -O2 vectorises them. */
/*@ requires shape: n <= cap && (cap > 0 ==> pos < cap);
    requires mem: \valid(buf + (0 .. cap - 1)) && \valid_read(src + (0 .. n - 1));
    requires apart: \separated(buf + (0 .. cap - 1), src + (0 .. n - 1));
    assigns buf[0 .. cap - 1]; */
static void ring_put(uint8_t *buf, uint32_t cap, uint32_t pos, const uint8_t *src, uint32_t n)
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
    assigns dst[0 .. n - 1]; */
static void ring_get(const uint8_t *buf, uint32_t cap, uint32_t pos, uint8_t *dst, uint32_t n)
{
    uint32_t i, p = pos;
    /*@ loop invariant 0 <= i <= n;
        loop invariant cap > 0 ==> p < cap;
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
static uint32_t ring_pos(uint32_t head, uint32_t off, uint32_t cap)
{
    uint32_t room = cap - head;
    if (off < room)
        return head + off;
    off -= room;
    return off < cap ? off : off - cap;
}

/* ---------------------------------------------------------------------- */
/* Timers and TCB life cycle */

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

/* now + us, saturating below TCPSM_NEVER (which means "not running"). */
/*@ assigns \nothing;
    ensures running: \result < 18446744073709551615;
    ensures exact: now + us < 18446744073709551615 ==> \result == now + us; */
static uint64_t deadline_after(uint64_t now, uint32_t us)
{
    return now <= TCPSM_NEVER - 1u - us ? now + us : TCPSM_NEVER - 1u;
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

/* Reset every per-connection field; keep the configuration, the buffers,
 * the state (set_state moves it), the replies still to send, the error to
 * report, the log and counters. */
/*@ requires mem: tcb_mem(c) && shape_ok(c);
    assigns c->local, c->remote, c->open_remote, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures fresh: tcb_ok_in(c, TCPSM_CLOSED) && tcb_ok_in(c, TCPSM_LISTEN);
    ensures kept: c->state == \old(c->state) && c->error == \old(c->error)
                  && c->nlog == \old(c->nlog) && c->nreply == \old(c->nreply);
    ensures zero: c->snd_una == 0 && c->snd_nxt == 0 && c->iss == 0 && c->passive == 0
                  && c->syn_unsent == 0 && c->ack_now == 0 && c->rtx_pending == 0
                  && c->close_deferred == 0 && c->snd_urg == 0 && c->rcv_urg == 0
                  && c->local.port == 0 && c->remote.port == 0 && c->open_remote.port == 0
                  && c->remote.ip.family == 0 && c->open_remote.ip.family == 0; */
static void tcb_clear(struct tcpsm_conn *c)
{
    /* Field by field, so that WP follows it (a memset of the struct it
     * cannot); a field added to struct tcpsm_conn must be added here. */
    c->local.ip.family = TCPSM_AF_UNSPEC;  /* the address bytes of an */
    c->local.port = 0;                      /* unspecified socket are never */
    c->remote.ip.family = TCPSM_AF_UNSPEC;  /* read; whole-struct copies here */
    c->remote.port = 0;                     /* would cost the prover minutes */
    c->open_remote.ip.family = TCPSM_AF_UNSPEC;
    c->open_remote.port = 0;
    c->compartment = 0;
    c->passive = false;
    c->iss = 0;
    c->snd_una = 0;
    c->snd_nxt = 0;
    c->snd_wnd = 0;
    c->snd_wl1 = 0;
    c->snd_wl2 = 0;
    c->snd_up = 0;
    c->max_snd_wnd = 0;
    c->snd_mss = c->cfg.mss;
    c->snd_urg = false;
    c->snd_psh = false;
    c->snd_psh_seq = 0;
    c->irs = 0;
    c->rcv_nxt = 0;
    c->rcv_up = 0;
    c->rcv_urg = false;
    c->rcv_urg_signalled = false;
    c->syn_acked = false;
    c->syn_unsent = false;
    c->fin_queued = false;
    c->fin_sent = false;
    c->fin_acked = false;
    c->fin_rcvd = false;
    c->close_deferred = false;
    c->ack_now = false;
    c->rtx_pending = false;
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
    c->t_rtx = TCPSM_NEVER;             /* timers_off(), inline: a call here */
    c->t_user = TCPSM_NEVER;            /* would make the prover re-derive */
    c->t_2msl = TCPSM_NEVER;            /* every other field's frame */
    c->rto_us = c->cfg.rto_initial_us;
    c->rtx_count = 0;
}

/*@ requires cfg == \null || \valid(cfg);
    assigns *cfg;
    ensures cfg != \null ==> (cfg->mss != 0 && cfg->rto_initial_us != 0
                              && cfg->rto_max_us >= cfg->rto_initial_us
                              && cfg->msl_us <= 2147483647); */
void tcpsm_config_default(struct tcpsm_config *cfg)
{
    struct tcpsm_config d = { 0 };
    if (cfg == NULL)
        return;
    d.rfc5961_rst = true;               /* RFC 9293 3.10.7.4 second, RFC 5961 3 */
    d.rfc5961_syn = true;               /* RFC 9293 3.10.7.4 fourth, RFC 5961 4 */
    d.rfc5961_ack = true;               /* RFC 9293 3.10.7.4 fifth, RFC 5961 5 (MAY-12) */
    d.mss = 1460;
    d.rto_initial_us = 1000000u;        /* RFC 6298 2.1 */
    d.rto_max_us = 60000000u;           /* RFC 6298 2.5: at least 60 s */
    d.msl_us = 120000000u;              /* RFC 9293 3.4.2: MSL 2 minutes */
    d.user_timeout_us = 300000000u;     /* RFC 9293 3.8.3: R2 well above 100 s */
    *cfg = d;
}

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
                               uint8_t *rcvbuf, uint32_t rcvcap)
{
    struct tcpsm_config d;
    if (c == NULL || (sndbuf == NULL && sndcap != 0) || (rcvbuf == NULL && rcvcap != 0))
        return TCPSM_ERR_INVAL;
    if (sndcap > TCPSM_MAX_BUF || rcvcap > TCPSM_MAX_BUF)
        return TCPSM_ERR_INVAL;
    if (cfg != NULL)
        d = *cfg;
    else
        tcpsm_config_default(&d);
    if (d.mss == 0 || d.rto_initial_us == 0 || d.rto_max_us < d.rto_initial_us
        || d.msl_us > 0x7FFFFFFFu)
        return TCPSM_ERR_INVAL;
    c->cfg = d;
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
    tcb_clear(c);                       /* every per-connection field */
    return TCPSM_OK;
}

/*@ requires valid_tcb(c);
    assigns c->iss;
    ensures valid_tcb(c) && c->state == \old(c->state); */
enum tcpsm_err tcpsm_set_iss(struct tcpsm_conn *c, uint32_t iss)
{
    if (c == NULL)
        return TCPSM_ERR_INVAL;
    if (c->state != TCPSM_CLOSED && c->state != TCPSM_LISTEN)
        return TCPSM_ERR_EXISTS;
    c->iss = iss;
    return TCPSM_OK;
}

/* ---------------------------------------------------------------------- */
/* Replies */

/* Queue a RST (or RST,ACK) addressed back to the sender of seg. */
/*@ requires \valid(c) && c->nreply <= 4 && \valid_read(seg) && \separated(c, seg);
    assigns c->nreply, c->reply[0 .. 3];
    ensures c->nreply <= 4; */
static void queue_reply(struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                        uint8_t flags, uint32_t seq, uint32_t ack)
{
    struct tcpsm_reply *r;
    if (c->nreply >= TCPSM_REPLY_MAX)
        return; /* best effort: the peer retransmits and draws another */
    r = &c->reply[c->nreply++];
    r->flags = flags;
    r->seq = seq;
    r->ack = ack;
    r->src = seg->dst;
    r->dst = seg->src;
    r->sport = seg->dport;
    r->dport = seg->sport;
}

/* The reset that answers an offending segment: RFC 9293 3.10.7.1 form. */
/*@ requires \valid(c) && c->nreply <= 4 && \valid_read(seg) && \separated(c, seg)
             && seg->len <= 65535;
    assigns c->nreply, c->reply[0 .. 3];
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

/* ---------------------------------------------------------------------- */
/* The one writer of c->state */

/*@ requires mem: \valid(c) && c->nlog <= 4;
    requires row: 0 <= row < tcpsm_nrows_l && row_from(row) == c->state;
    assigns c->state, c->nlog, c->log[0 .. 3];
    ensures table: c->state == row_to(row);
    ensures legal: legal_transition(\old(c->state), c->state);
    ensures log: c->nlog <= 4; */
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

/* ---------------------------------------------------------------------- */
/* Actions */

/*@ requires \valid(c) && \valid_read(o) && \separated(c, o);
    assigns c->local, c->open_remote, c->remote, c->iss, c->compartment;
    ensures c->remote.port == c->open_remote.port
            && c->remote.ip.family == c->open_remote.ip.family; */
static void bind_open(struct tcpsm_conn *c, const struct tcpsm_open *o)
{
    c->local = o->local;
    c->open_remote = o->remote;
    c->remote = o->remote;
    c->iss = o->iss;
    c->compartment = o->compartment;
}

/* RFC 9293 3.10.1: SND.UNA <- ISS, SND.NXT <- ISS+1, SYN queued. */
/*@ requires \valid(c);
    assigns c->passive, c->remote, c->snd_una, c->snd_nxt, c->syn_acked, c->syn_unsent;
    ensures c->snd_una == c->iss && c->snd_nxt == seq_add_l(c->iss, 1) && c->syn_acked == 0; */
static void start_active(struct tcpsm_conn *c)
{
    c->passive = false;
    c->remote = c->open_remote;
    c->snd_una = c->iss;
    c->snd_nxt = seq_add(c->iss, 1u);
    c->syn_acked = false;
    c->syn_unsent = true;
}

/*@ requires mem: \valid(c) && \valid(c->sbuf + (0 .. c->scap - 1)) && \valid_read(k)
                  && \separated(c, c->sbuf + (0 .. c->scap - 1), k);
    requires ring: c->scap <= 1073741824 && c->scount <= c->scap
                   && (c->scap > 0 ? c->shead < c->scap : c->shead == 0);
    requires data: \valid_read(k->data + (0 .. k->len - 1))
                   && \separated(k->data + (0 .. k->len - 1), c->sbuf + (0 .. c->scap - 1));
    requires acc: k->accepted == \null
                  || (\valid(k->accepted) && \separated(k->accepted, c, c->sbuf + (0 .. c->scap - 1)));
    assigns c->scount, c->snd_psh, c->snd_psh_seq, c->snd_urg, c->snd_up,
            c->sbuf[0 .. c->scap - 1], k->accepted[0 .. (k->accepted == \null ? -1 : 0)];
    ensures grows: \old(c->scount) <= c->scount <= c->scap; */
static enum tcpsm_err queue_send(struct tcpsm_conn *c, const struct call *k)
{
    uint32_t space = c->scap - c->scount;
    uint32_t n = min32(k->len, space);
    uint32_t end;
    if (k->len == 0)
        return TCPSM_OK;
    if (n == 0)
        return TCPSM_ERR_RESOURCES;     /* RFC 9293 3.10.2: no room to queue */
    ring_put(c->sbuf, c->scap, ring_pos(c->shead, c->scount, c->scap), k->data, n);
    c->scount += n;
    end = seq_add(snd_data_seq(c), c->scount);
    if (k->flags & TCPSM_SEND_PUSH) {
        c->snd_psh = true;              /* RFC 9293 3.9.1.2: PUSH marks the end */
        c->snd_psh_seq = end;
    }
    if (k->flags & TCPSM_SEND_URGENT) {
        c->snd_urg = true;              /* RFC 9293 3.8.5 (MUST-62): octet after the urgent data */
        c->snd_up = end;
    }
    if (k->accepted != NULL)
        *k->accepted = n;
    return TCPSM_OK;
}

/* Sequence number of the first byte the user has not read yet. */
/*@ requires \valid_read(c);
    assigns \nothing; */
static uint32_t rcv_read_seq(const struct tcpsm_conn *c)
{
    uint32_t behind = c->rcount + (c->fin_rcvd ? 1u : 0u);
    return seq_sub(c->rcv_nxt, behind);
}

/*@ requires mem: \valid(c) && \valid(c->rbuf + (0 .. c->rcap - 1)) && \valid_read(k)
                  && \separated(c, c->rbuf + (0 .. c->rcap - 1), k);
    requires ok: recv_ok(c);
    requires user: \valid(k->rbuf + (0 .. k->rcap - 1)) && \valid(k->got)
                   && \separated(k->rbuf + (0 .. k->rcap - 1), c, c->rbuf + (0 .. c->rcap - 1), k->got, k)
                   && \separated(k->got, c, c->rbuf + (0 .. c->rcap - 1), k)
                   && (k->rflags == \null
                       || (\valid(k->rflags)
                           && \separated(k->rflags, c, c->rbuf + (0 .. c->rcap - 1), k->got, k,
                                         k->rbuf + (0 .. k->rcap - 1))));
    assigns c->rhead, c->rcount, c->rpush, c->rcv_urg, c->ack_now,
            k->rbuf[0 .. k->rcap - 1], *k->got, k->rflags[0 .. (k->rflags == \null ? -1 : 0)];
    ensures ok: recv_ok(c);
    ensures shrinks: c->rcount <= \old(c->rcount); */
static enum tcpsm_err do_receive(struct tcpsm_conn *c, const struct call *k)
{
    uint32_t n = min32(k->rcap, c->rcount);
    uint32_t before = rcv_wnd(c);
    uint32_t thresh;
    unsigned fl = 0;
    /* RFC 9293 3.10.3: tell the user when RCV.UP is ahead of what is read. */
    if (c->rcv_urg && seq_lt(rcv_read_seq(c), c->rcv_up))
        fl |= TCPSM_RECV_URGENT;
    if (n == 0) {
        if (k->rflags != NULL)
            *k->rflags = fl;
        /* RFC 9293 3.10.3 CLOSE-WAIT: no text left after the FIN */
        return c->fin_rcvd ? TCPSM_ERR_CLOSING : TCPSM_OK;
    }
    ring_get(c->rbuf, c->rcap, c->rhead, k->rbuf, n);
    c->rhead = ring_pos(c->rhead, n, c->rcap);
    c->rcount -= n;
    if (c->rpush != 0) {               /* RFC 9293 3.10.3: mark "push seen" */
        if (n >= c->rpush) {
            fl |= TCPSM_RECV_PUSH;
            c->rpush = 0;
        } else {
            c->rpush -= n;
        }
    }
    if (c->rcv_urg && !seq_lt(rcv_read_seq(c), c->rcv_up))
        c->rcv_urg = false;             /* RFC 9293 3.8.5: back to "normal mode" */
    /* RFC 9293 3.8.6.2.2: announce the window once it has opened by
     * min(RCV.BUFF/2, Eff.snd.MSS) from below that size. */
    thresh = min32(c->rcap / 2u, c->snd_mss);
    if (before < thresh && rcv_wnd(c) >= thresh && synchronized(c->state) && !c->fin_rcvd)
        c->ack_now = true;
    *k->got = n;
    if (k->rflags != NULL)
        *k->rflags = fl;
    return TCPSM_OK;
}

/* Peer MSS from the SYN (RFC 9293 3.7.1, MUST-15/MUST-16). */
/*@ requires \valid(c) && \valid_read(seg) && \separated(c, seg) && c->cfg.mss != 0;
    assigns c->snd_mss;
    ensures c->snd_mss != 0; */
static void take_mss(struct tcpsm_conn *c, const struct tcpsm_segment *seg)
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
    assigns c->local, c->remote, c->open_remote, c->compartment, c->passive, c->iss,
            c->snd_una, c->snd_nxt, c->snd_wnd, c->snd_wl1, c->snd_wl2, c->snd_up,
            c->max_snd_wnd, c->snd_mss, c->snd_urg, c->snd_psh, c->snd_psh_seq, c->irs,
            c->rcv_nxt, c->rcv_up, c->rcv_urg, c->rcv_urg_signalled, c->syn_acked,
            c->syn_unsent, c->fin_queued, c->fin_sent, c->fin_acked, c->fin_rcvd,
            c->close_deferred, c->ack_now, c->rtx_pending, c->shead, c->scount, c->rhead,
            c->rcount, c->rpush, c->nooo, c->ooo_fin, c->ooo_fin_off, c->ooo_psh,
            c->ooo_psh_off, c->t_rtx, c->t_user, c->t_2msl, c->rto_us, c->rtx_count;
    ensures mem: tcb_mem(c) && shape_ok(c);
    ensures listen: tcb_ok_in(c, TCPSM_LISTEN);
    ensures kept: c->state == \old(c->state) && c->sbuf == \old(c->sbuf) && c->scap == \old(c->scap)
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap); */
static void to_listen(struct tcpsm_conn *c)
{
    struct tcpsm_endpoint local = c->local, open_remote = c->open_remote;
    uint32_t iss = c->iss, compartment = c->compartment;
    tcb_clear(c);
    c->local = local;
    c->open_remote = open_remote;
    c->remote = open_remote;
    c->iss = iss;
    c->compartment = compartment;
    c->passive = true;
}

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
                  ==> (\valid_read(k->seg) && k->seg->len <= 65535);
    requires open: event == TCPSM_EV_OPEN_ACTIVE || event == TCPSM_EV_OPEN_PASSIVE
                   ==> \valid_read(k->open);
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
                  && c->rbuf == \old(c->rbuf) && c->rcap == \old(c->rcap); */
static enum tcpsm_err fire(struct tcpsm_conn *c, const struct call *k, unsigned event)
{
    const struct tcpsm_segment *seg = k->seg;
    enum tcpsm_err err = TCPSM_OK;
    int row = tcpsm_row_find(c->state, event);
    unsigned action;
    if (row < 0)
        return TCPSM_OK;
    action = tcpsm_row_action((unsigned)row);
    switch (action) {
    case TCPSM_A_NONE:
    case TCPSM_A_STATUS:
        err = TCPSM_OK; break;
    case TCPSM_A_LISTEN:                /* RFC 9293 3.10.1 CLOSED, passive */
        tcb_clear(c);
        bind_open(c, k->open);
        c->passive = true;
        err = TCPSM_OK; break;
    case TCPSM_A_CONNECT:               /* RFC 9293 3.10.1 CLOSED/LISTEN, active */
        tcb_clear(c);
        bind_open(c, k->open);
        start_active(c);
        err = TCPSM_OK; break;
    case TCPSM_A_CONNECT_SEND:          /* RFC 9293 3.10.2 LISTEN */
        start_active(c);
        err = queue_send(c, k); break;
    case TCPSM_A_QUEUE_SEND:            /* RFC 9293 3.10.2 */
        err = queue_send(c, k); break;
    case TCPSM_A_RECEIVE:               /* RFC 9293 3.10.3 */
        err = do_receive(c, k); break;
    case TCPSM_A_QUEUE_FIN:             /* RFC 9293 3.10.4: FIN after queued SENDs */
        c->fin_queued = true;
        c->close_deferred = false;
        err = TCPSM_OK; break;
    case TCPSM_A_DELETE:                /* delete the TCB */
        tcb_clear(c);
        err = TCPSM_OK; break;
    case TCPSM_A_SEND_RST:              /* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST> */
        send_rst(c);
        tcb_clear(c);
        err = TCPSM_OK; break;
    case TCPSM_A_REPLY_RST:
        reply_rst(c, seg);
        err = TCPSM_OK; break;
    case TCPSM_A_SEND_ACK:              /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        c->ack_now = true;
        err = TCPSM_OK; break;
    case TCPSM_A_SYN_ACK:               /* RFC 9293 3.10.7.2 third / 3.10.7.3 fourth */
        if (c->state == TCPSM_LISTEN) {
            c->remote.ip = seg->src;    /* fill in the unspecified foreign socket */
            c->remote.port = seg->sport;
            if (!addr_specified(&c->local.ip))
                c->local.ip = seg->dst;
            c->snd_una = c->iss;
            c->snd_nxt = seq_add(c->iss, 1u);
            c->syn_acked = false;
        } else {
            c->snd_wnd = seg->wnd;      /* RFC 9293 3.10.7.3: SND.WND <- SEG.WND ... */
            c->snd_wl1 = seg->seq;
            c->snd_wl2 = seg->ack;
            c->max_snd_wnd = seg->wnd;
        }
        c->irs = seg->seq;
        c->rcv_nxt = seq_add(seg->seq, 1u);
        take_mss(c, seg);
        c->syn_unsent = true;           /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
        err = TCPSM_OK; break;
    case TCPSM_A_ESTABLISH:             /* RFC 9293 3.10.7.3: form an ACK */
        c->snd_wnd = seg->wnd;
        c->snd_wl1 = seg->seq;
        c->snd_wl2 = seg->ack;
        c->max_snd_wnd = seg->wnd;
        c->ack_now = true;
        err = TCPSM_OK; break;
    case TCPSM_A_SYN_ACKED:             /* RFC 9293 3.10.7.4 fifth SYN-RECEIVED */
        c->snd_wnd = seg->wnd;
        c->snd_wl1 = seg->seq;
        c->snd_wl2 = seg->ack;
        if (seg->wnd > c->max_snd_wnd)
            c->max_snd_wnd = seg->wnd;
        err = TCPSM_OK; break;
    case TCPSM_A_TO_LISTEN:             /* RFC 9293 3.10.7.4 (MUST-11) */
        to_listen(c);
        err = TCPSM_OK; break;
    case TCPSM_A_RESET:                 /* signal "connection reset" */
        tcb_clear(c);
        c->error = TCPSM_ERR_RESET;
        err = TCPSM_OK; break;
    case TCPSM_A_RESET_SEND_RST:
        reply_rst(c, seg);
        tcb_clear(c);
        c->error = TCPSM_ERR_RESET;
        err = TCPSM_OK; break;
    case TCPSM_A_REFUSED:               /* signal "connection refused" */
        tcb_clear(c);
        c->error = TCPSM_ERR_REFUSED;
        err = TCPSM_OK; break;
    case TCPSM_A_TIME_WAIT:             /* RFC 9293 3.10.7.4 eighth: start 2 MSL, others off */
        timers_off(c);
        c->rtx_pending = false;
        c->t_2msl = deadline_after(k->now, c->cfg.msl_us * 2u);
        err = TCPSM_OK; break;
    case TCPSM_A_USER_TIMEOUT:          /* RFC 9293 3.10.8 USER TIMEOUT */
        tcb_clear(c);
        c->error = TCPSM_ERR_USER_TIMEOUT;
        err = TCPSM_OK; break;
    case TCPSM_A_RETRANSMIT:            /* RFC 9293 3.10.8, RFC 6298 5.5-5.6 */
        c->rtx_pending = true;
        c->rtx_count = sat_inc(c->rtx_count);
        c->n_retransmits = sat_inc(c->n_retransmits);
        c->rto_us = (c->rto_us > c->cfg.rto_max_us / 2u) ? c->cfg.rto_max_us : c->rto_us * 2u;
        c->t_rtx = deadline_after(k->now, c->rto_us);
        err = TCPSM_OK; break;
    case TCPSM_A_ERR_EXISTS:
        err = TCPSM_ERR_EXISTS; break;
    case TCPSM_A_ERR_NOT_EXIST:
        err = TCPSM_ERR_NOT_EXIST; break;
    case TCPSM_A_ERR_CLOSING:
        err = TCPSM_ERR_CLOSING; break;
    default:
        err = TCPSM_ERR_INVAL; break;
    }
    set_state(c, row, event);
    return err;
}

/* ---------------------------------------------------------------------- */
/* User calls */

/*@ requires c == \null || \valid_read(c);
    assigns \nothing;
    ensures \result <==> (c != \null && c->state < TCPSM_NSTATES); */
static bool call_ok(const struct tcpsm_conn *c)
{
    return c != NULL && c->state < TCPSM_NSTATES;
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
    return fire(c, &k, o->active ? TCPSM_EV_OPEN_ACTIVE : TCPSM_EV_OPEN_PASSIVE);
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
    return fire(c, &k, TCPSM_EV_SEND);
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
    return fire(c, &k, TCPSM_EV_RECEIVE);
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
    return fire(c, &k, TCPSM_EV_CLOSE);
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
    return fire(c, &k, TCPSM_EV_ABORT);
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

/* ---------------------------------------------------------------------- */
/* SEGMENT ARRIVES */

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
    if (c->snd_una == c->snd_nxt) {    /* RFC 6298 5.2: all acknowledged, timer off */
        c->t_rtx = TCPSM_NEVER;
        c->t_user = TCPSM_NEVER;
        c->rtx_pending = false;
        c->rtx_count = 0;
        c->rto_us = c->cfg.rto_initial_us;
    } else {                            /* RFC 6298 5.3: restart on new ACK */
        c->t_rtx = deadline_after(now, c->rto_us);
        if (c->cfg.user_timeout_us != 0)
            c->t_user = deadline_after(now, c->cfg.user_timeout_us);
    }
}

static void seg_closed(struct tcpsm_conn *c, const struct call *k)
{
    /* RFC 9293 3.10.7.1: discard; answer anything but a RST with a RST */
    if (k->seg->flags & TCPSM_RST)
        return;
    (void)fire(c, k, TCPSM_EV_SEG_ANY);
}

static void seg_listen(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    if (seg->flags & TCPSM_RST) {       /* RFC 9293 3.10.7.2 first: ignore */
        c->n_rst_ignored = sat_inc(c->n_rst_ignored);
        (void)fire(c, k, TCPSM_EV_SEG_RST);
        return;
    }
    if (seg->flags & TCPSM_ACK) {       /* RFC 9293 3.10.7.2 second: <SEQ=SEG.ACK><CTL=RST> */
        (void)fire(c, k, TCPSM_EV_SEG_BAD_ACK);
        return;
    }
    if (seg->flags & TCPSM_SYN) {       /* RFC 9293 3.10.7.2 third */
        if (seg->compartment != c->compartment) {
            (void)fire(c, k, TCPSM_EV_SEG_SECURITY);
            return;
        }
        (void)fire(c, k, TCPSM_EV_SEG_SYN);
        return;
    }
    /* RFC 9293 3.10.7.2 fourth: anything else is dropped */
}

static void continue_at_urg(struct tcpsm_conn *c, const struct call *k, uint32_t seq,
                            const uint8_t *text, uint32_t tlen, bool fin);

static void seg_syn_sent(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    bool ack_ok = false, fin;
    uint32_t tlen;
    if (seg->flags & TCPSM_ACK) {       /* RFC 9293 3.10.7.3 first */
        if (seq_le(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_nxt)) {
            if (!(seg->flags & TCPSM_RST))
                (void)fire(c, k, TCPSM_EV_SEG_BAD_ACK);    /* <SEQ=SEG.ACK><CTL=RST> */
            return;
        }
        ack_ok = seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt);
    }
    if (seg->flags & TCPSM_RST) {       /* RFC 9293 3.10.7.3 second */
        /* RCV.NXT is not known before the SYN: the acceptable ACK (exactly
         * SND.NXT here) is what authenticates the RST. */
        if (ack_ok)
            (void)fire(c, k, TCPSM_EV_SEG_RST);            /* "connection reset" */
        else
            c->n_rst_ignored = sat_inc(c->n_rst_ignored);
        return;
    }
    if (seg->compartment != c->compartment) {  /* RFC 9293 3.10.7.3 third */
        (void)fire(c, k, TCPSM_EV_SEG_SECURITY);
        return;
    }
    if (!(seg->flags & TCPSM_SYN))     /* RFC 9293 3.10.7.3 fifth */
        return;
    /* RFC 9293 3.10.7.3 fourth */
    if (ack_ok) {
        c->irs = seg->seq;
        c->rcv_nxt = seq_add(seg->seq, 1u);
        take_mss(c, seg);
        ack_advance(c, k->now, seg->ack);                  /* SND.UNA <- SEG.ACK */
        (void)fire(c, k, TCPSM_EV_SEG_SYN_ACK);            /* -> ESTABLISHED */
        /* other controls or text: continue at the sixth step (URG), with
         * the text trimmed to the receive window */
        tlen = min32(seg->len, rcv_wnd(c));
        fin = (seg->flags & TCPSM_FIN) && seg->len < rcv_wnd(c);
        continue_at_urg(c, k, c->rcv_nxt, k->payload, tlen, fin);
        return;
    }
    (void)fire(c, k, TCPSM_EV_SEG_SYN);                    /* simultaneous open (MUST-10) */
}

/* Insert out-of-order text at offset off from RCV.NXT (SHLD-31). */
static void ooo_store(struct tcpsm_conn *c, uint32_t off, const uint8_t *text, uint32_t tlen)
{
    uint32_t end = off + tlen, i, j;
    uint32_t base = ring_pos(c->rhead, c->rcount, c->rcap);
    if (c->ooo_fin && end > c->ooo_fin_off) {  /* nothing beyond the peer's FIN */
        if (off >= c->ooo_fin_off)
            return;
        end = c->ooo_fin_off;
        tlen = end - off;
    }
    /* Find the ranges the new one touches (overlaps or abuts). */
    for (i = 0; i < c->nooo && c->ooo[i].off + c->ooo[i].len < off; i++)
        ;
    for (j = i; j < c->nooo && c->ooo[j].off <= end; j++)
        ;
    if (i == j && c->nooo >= TCPSM_OOO_MAX)
        return; /* no room to remember another range: drop, the peer resends */
    ring_put(c->rbuf, c->rcap, ring_pos(base, off, c->rcap), text, tlen);
    if (i < j) {                        /* merge ranges i..j-1 with the new one */
        uint32_t lo = c->ooo[i].off < off ? c->ooo[i].off : off;
        uint32_t hi_last = c->ooo[j - 1].off + c->ooo[j - 1].len;
        uint32_t hi = hi_last > end ? hi_last : end;
        uint32_t gone = j - i - 1u, m;
        c->ooo[i].off = lo;
        c->ooo[i].len = hi - lo;
        for (m = i + 1u; m + gone < c->nooo; m++)
            c->ooo[m] = c->ooo[m + gone];
        c->nooo = (uint8_t)(c->nooo - gone);
    } else {                            /* a new range at position i */
        uint32_t m;
        for (m = c->nooo; m > i; m--)
            c->ooo[m] = c->ooo[m - 1u];
        c->ooo[i].off = off;
        c->ooo[i].len = tlen;
        c->nooo++;
    }
}

/* n in-order bytes are in the ring after the unread ones: take them, then
 * whatever out-of-order data has become contiguous. */
static void rcv_advance(struct tcpsm_conn *c, uint32_t n)
{
    while (n > 0) {
        uint32_t i, w = 0, before = c->rcount;
        c->rcount += n;
        c->rcv_nxt = seq_add(c->rcv_nxt, n);
        for (i = 0; i < c->nooo; i++) {
            struct tcpsm_range r = c->ooo[i];
            if (r.off + r.len <= n)
                continue;               /* wholly delivered: duplicates dropped */
            if (r.off < n) {
                r.len -= n - r.off;
                r.off = 0;
            } else {
                r.off -= n;
            }
            c->ooo[w++] = r;
        }
        c->nooo = (uint8_t)w;
        if (c->ooo_psh) {              /* a held PUSH point is now in order */
            if (c->ooo_psh_off <= n) {
                c->rpush = before + c->ooo_psh_off;
                c->ooo_psh = false;
            } else {
                c->ooo_psh_off -= n;
            }
        }
        if (c->ooo_fin) {
            if (c->ooo_fin_off < n)
                c->ooo_fin = false;     /* data claimed to follow the FIN: forget it */
            else
                c->ooo_fin_off -= n;
        }
        n = 0;
        if (c->nooo > 0 && c->ooo[0].off == 0) {
            n = c->ooo[0].len;
            for (i = 1; i < c->nooo; i++)
                c->ooo[i - 1u] = c->ooo[i];
            c->nooo--;
        }
    }
}

/* RFC 9293 3.10.7.4 eighth: the FIN at RCV.NXT. */
static void take_fin(struct tcpsm_conn *c, const struct call *k)
{
    c->rcv_nxt = seq_add(c->rcv_nxt, 1u);  /* advance RCV.NXT over the FIN */
    c->fin_rcvd = true;                     /* signal "connection closing" */
    c->ooo_fin = false;
    c->ooo_psh = false;
    c->nooo = 0;
    c->rpush = c->rcount;                   /* FIN implies PUSH */
    c->ack_now = true;                      /* acknowledge the FIN */
    (void)fire(c, k, TCPSM_EV_SEG_FIN);
}

/* Steps six to eight of 3.10.7.4 for the trimmed segment. */
static void continue_at_urg(struct tcpsm_conn *c, const struct call *k, uint32_t seq,
                            const uint8_t *text, uint32_t tlen, bool fin)
{
    const struct tcpsm_segment *seg = k->seg;
    bool receiving = c->state == TCPSM_ESTABLISHED || c->state == TCPSM_FIN_WAIT_1
                     || c->state == TCPSM_FIN_WAIT_2;

    /* Sixth, the URG bit (ignored once the peer's FIN is in) */
    if ((seg->flags & TCPSM_URG) && receiving && !c->fin_rcvd) {
        uint32_t up = seq_add(seg->seq, seg->urp);     /* RFC 9293 3.8.5 (MUST-62) */
        if (!c->rcv_urg || seq_lt(c->rcv_up, up)) {   /* RCV.UP <- max(RCV.UP, SEG.UP) */
            c->rcv_up = up;
            c->rcv_urg = true;
        }
    }

    /* Seventh, the segment text */
    if (tlen > 0 && receiving && !c->fin_rcvd) {
        uint32_t off = seq_sub(seq, c->rcv_nxt);
        if (off == 0) {
            ring_put(c->rbuf, c->rcap, ring_pos(c->rhead, c->rcount, c->rcap), text, tlen);
            rcv_advance(c, tlen);
            if (seg->flags & TCPSM_PSH)
                c->rpush = c->rcount;   /* RFC 9293 3.10.7.4 seventh: PUSH seen */
        } else {
            ooo_store(c, off, text, tlen);  /* SHLD-31: hold for later */
            if ((seg->flags & TCPSM_PSH) && (!c->ooo_psh || off + tlen > c->ooo_psh_off)) {
                c->ooo_psh = true;      /* remember the PUSH until the gap fills */
                c->ooo_psh_off = off + tlen;
            }
        }
        c->ack_now = true;              /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
    }

    /* Eighth, the FIN bit (never in CLOSED, LISTEN, SYN-SENT) */
    if (fin && !c->fin_rcvd) {
        uint32_t fin_seq = seq_add(seq, tlen);
        if (fin_seq == c->rcv_nxt) {
            take_fin(c, k);
        } else if (receiving && seq_gt(fin_seq, c->rcv_nxt)) {
            uint32_t off = seq_sub(fin_seq, c->rcv_nxt);
            if (!c->ooo_fin || off < c->ooo_fin_off) {
                c->ooo_fin = true;      /* SHLD-31: the FIN waits for the gap */
                c->ooo_fin_off = off;
                while (c->nooo > 0 && c->ooo[c->nooo - 1u].off >= off)
                    c->nooo--;          /* nothing may follow the FIN */
                if (c->nooo > 0 && c->ooo[c->nooo - 1u].off + c->ooo[c->nooo - 1u].len > off)
                    c->ooo[c->nooo - 1u].len = off - c->ooo[c->nooo - 1u].off;
            }
            c->ack_now = true;
        }
    } else if (fin && seq_add(seq, tlen) == c->rcv_nxt) {
        take_fin(c, k);                 /* RFC 9293 3.10.7.4 eighth: a further FIN */
    }
    if (c->ooo_fin && c->ooo_fin_off == 0 && !c->fin_rcvd)
        take_fin(c, k);                 /* the gap before a held FIN has filled */
}

static bool wants_time_wait_fin(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    return c->state == TCPSM_TIME_WAIT && (seg->flags & TCPSM_FIN) && !(seg->flags & TCPSM_RST)
           && seq_add(seg->seq, seg_len(seg)) == c->rcv_nxt;
}

static void seg_other(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    uint32_t wnd = rcv_wnd(c);
    uint32_t seq = seg->seq;
    const uint8_t *text = k->payload;
    uint32_t tlen = seg->len;
    bool syn = (seg->flags & TCPSM_SYN) != 0;
    bool fin = (seg->flags & TCPSM_FIN) != 0;
    uint32_t len = seg_len(seg);
    uint32_t d, off, avail;
    /* RFC 9293 3.5 Figure 7 (simultaneous open): in SYN-RECEIVED reached
     * from SYN-SENT, the peer's SYN,ACK repeats the SYN at IRS.  That SYN
     * is trimmed as lying before the window (3.10.7.4 first: "trimming off
     * any portions that lie outside the window (including SYN ...)") and
     * the rest, whose ACK completes the handshake, is processed. */
    bool dup_syn = c->state == TCPSM_SYN_RECEIVED && !c->passive && syn
                   && (seg->flags & TCPSM_ACK) && seq == c->irs;
    if (dup_syn) {
        syn = false;
        seq = seq_add(seq, 1u);
        len--;
    }

    /* First, check the sequence number (RFC 9293 3.10.7.4, Table 6) */
    if (!acceptable(seq, len, c->rcv_nxt, wnd)) {
        if (wnd == 0 && seq == c->rcv_nxt) {
            /* RCV.WND = 0: still take valid ACKs, URGs and RSTs; the text
             * is not acceptable, so it is answered with an ACK */
            if (!(seg->flags & TCPSM_RST))
                c->ack_now = true;
            tlen = 0;
            syn = false;
            fin = false;
        } else if (wants_time_wait_fin(c, seg)) {
            /* RFC 9293 3.10.7.4 TIME-WAIT: a retransmitted FIN is
             * acknowledged and restarts the 2 MSL timeout */
            c->ack_now = true;
            (void)fire(c, k, TCPSM_EV_SEG_FIN);
            return;
        } else {
            if (seg->flags & TCPSM_RST) {
                c->n_rst_ignored = sat_inc(c->n_rst_ignored);     /* RFC 5961 3.2: out of window, silently */
                return;
            }
            (void)fire(c, k, TCPSM_EV_SEG_UNACCEPTABLE);   /* ACK and drop */
            return;
        }
    }

    /* Trim to the idealised segment that starts in the window. */
    d = seq_lt(seq, c->rcv_nxt) ? seq_sub(c->rcv_nxt, seq) : 0u;
    if (d > 0 && syn) {
        syn = false;
        d--;
        seq = seq_add(seq, 1u);
    }
    if (d > 0) {
        uint32_t t = min32(d, tlen);
        if (text != NULL)
            text += t;
        tlen -= t;
        d -= t;
        seq = seq_add(seq, t);
    }
    if (d > 0 && fin) {
        fin = false;
        seq = seq_add(seq, 1u);
    }
    off = seq_sub(seq, c->rcv_nxt);
    avail = off < wnd ? wnd - off : 0u;
    if ((syn ? 1u : 0u) + tlen > avail) {
        tlen = avail > (syn ? 1u : 0u) ? avail - (syn ? 1u : 0u) : 0u;
        fin = false;
    } else if ((syn ? 1u : 0u) + tlen + (fin ? 1u : 0u) > avail) {
        fin = false;
    }
    if (syn)
        seq = seq_add(seq, 1u);         /* text starts after the SYN */

    /* Second, check the RST bit */
    if (seg->flags & TCPSM_RST) {
        if (c->cfg.rfc5961_rst && seg->seq != c->rcv_nxt) {
            c->n_challenge_acks = sat_inc(c->n_challenge_acks);      /* RFC 5961 3.2: in window, not exact */
            (void)fire(c, k, TCPSM_EV_SEG_RST_CHALLENGE);
            return;
        }
        if (c->state == TCPSM_SYN_RECEIVED && c->passive)
            (void)fire(c, k, TCPSM_EV_SEG_RST_PASSIVE);    /* MUST-11: back to LISTEN */
        else
            (void)fire(c, k, TCPSM_EV_SEG_RST);
        return;
    }

    /* Third, check security */
    if (seg->compartment != c->compartment) {
        (void)fire(c, k, TCPSM_EV_SEG_SECURITY);
        return;
    }

    /* Fourth, check the SYN bit */
    if ((seg->flags & TCPSM_SYN) && !dup_syn) {
        if (c->state == TCPSM_SYN_RECEIVED && c->passive) {
            (void)fire(c, k, TCPSM_EV_SEG_SYN_PASSIVE);
            return;
        }
        if (c->cfg.rfc5961_syn) {       /* RFC 5961 4.2: challenge ACK */
            c->n_challenge_acks = sat_inc(c->n_challenge_acks);
            c->n_syn_ignored = sat_inc(c->n_syn_ignored);
            (void)fire(c, k, TCPSM_EV_SEG_SYN);
            return;
        }
        if (syn) {                      /* RFC 793: a SYN in the window is an error */
            (void)fire(c, k, TCPSM_EV_SEG_SYN_RESET);
            return;
        }
        /* a SYN before the window was trimmed off as an old duplicate */
    }

    /* Fifth, check the ACK field */
    if (!(seg->flags & TCPSM_ACK))
        return;
    if (c->state == TCPSM_SYN_RECEIVED) {
        if (!(seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt))) {
            (void)fire(c, k, TCPSM_EV_SEG_BAD_ACK);        /* <SEQ=SEG.ACK><CTL=RST> */
            return;
        }
        (void)fire(c, k, TCPSM_EV_SEG_ACK_OF_SYN);         /* -> ESTABLISHED */
    } else if (c->cfg.rfc5961_ack) {
        /* RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT */
        uint32_t lo = seq_sub(c->snd_una, c->max_snd_wnd);
        if (seq_sub(seg->ack, lo) > seq_sub(c->snd_nxt, lo)) {
            c->n_bad_ack_dropped = sat_inc(c->n_bad_ack_dropped);
            (void)fire(c, k, TCPSM_EV_SEG_BAD_ACK);
            return;
        }
    }
    if (seq_gt(seg->ack, c->snd_nxt)) { /* ACK of something not yet sent */
        c->n_bad_ack_dropped = sat_inc(c->n_bad_ack_dropped);
        (void)fire(c, k, TCPSM_EV_SEG_BAD_ACK);
        return;
    }
    if (seq_lt(c->snd_una, seg->ack))
        ack_advance(c, k->now, seg->ack);
    /* SND.WND update (SND.WL1/SND.WL2 guard against old segments) */
    if (seq_le(c->snd_una, seg->ack)
        && (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_le(c->snd_wl2, seg->ack)))) {
        c->snd_wnd = seg->wnd;
        c->snd_wl1 = seg->seq;
        c->snd_wl2 = seg->ack;
        if (seg->wnd > c->max_snd_wnd)
            c->max_snd_wnd = seg->wnd;
    }
    if (c->close_deferred && c->state == TCPSM_ESTABLISHED)
        (void)fire(c, k, TCPSM_EV_CLOSE);  /* the CLOSE queued in SYN-RECEIVED */
    if (c->fin_acked && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                         || c->state == TCPSM_LAST_ACK)) {
        (void)fire(c, k, TCPSM_EV_SEG_ACK_OF_FIN);
        if (c->state == TCPSM_CLOSED)
            return;                     /* LAST-ACK: TCB deleted */
    } else if (c->state == TCPSM_CLOSING) {
        return;                         /* CLOSING: otherwise ignore the segment */
    }

    continue_at_urg(c, k, seq, text, tlen, fin);
}

enum tcpsm_err tcpsm_input(struct tcpsm_conn *c, uint64_t now,
                           const struct tcpsm_segment *seg, const uint8_t *payload)
{
    struct call k = { 0 };
    if (!call_ok(c) || seg == NULL || (payload == NULL && seg->len != 0) || seg->len > 0xFFFFu)
        return TCPSM_ERR_INVAL;
    switch (c->state) {
    case TCPSM_CLOSED:
        break;
    case TCPSM_LISTEN:
        if (!local_matches(&c->local, seg) || !remote_matches(&c->open_remote, seg))
            return TCPSM_ERR_NOT_FOR_US;
        break;
    default:
        if (!local_matches(&c->local, seg) || !remote_matches(&c->remote, seg))
            return TCPSM_ERR_NOT_FOR_US;
        break;
    }
    c->nlog = 0;
    k.now = now;
    k.seg = seg;
    k.payload = payload;
    switch (c->state) {
    case TCPSM_CLOSED:
        seg_closed(c, &k);
        break;
    case TCPSM_LISTEN:
        seg_listen(c, &k);
        break;
    case TCPSM_SYN_SENT:
        seg_syn_sent(c, &k);
        break;
    default:
        seg_other(c, &k);
        break;
    }
    return TCPSM_OK;
}

/* ---------------------------------------------------------------------- */
/* Timers (RFC 9293 3.10.8) */

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
        return fire(c, &k, TCPSM_EV_TIMEOUT_USER);
    }
    if (c->t_2msl != TCPSM_NEVER && now >= c->t_2msl) {
        c->t_2msl = TCPSM_NEVER;
        return fire(c, &k, TCPSM_EV_TIMEOUT_2MSL);
    }
    if (c->t_rtx != TCPSM_NEVER && now >= c->t_rtx) {
        c->t_rtx = TCPSM_NEVER;
        if (c->snd_una == c->snd_nxt)
            return TCPSM_OK;            /* nothing outstanding */
        return fire(c, &k, TCPSM_EV_TIMEOUT_RTX);   /* re-arms the timer */
    }
    return TCPSM_OK;
}

/* ---------------------------------------------------------------------- */
/* Output */

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
