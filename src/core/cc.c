/*
 * cc.c: round-trip time, retransmission timeout and congestion control of
 * one connection: RFC 6298 (the RTO), RFC 1122 4.2.3.5 (R1 and R2, giving
 * up), RFC 5681 (slow start, congestion avoidance, fast retransmit, restart
 * after idle) and RFC 6582 (NewReno fast recovery).
 *
 * Implementation notes:
 * - Everything here reads the TCB and writes only c->cc (and c->rto_us,
 *   the RTO the retransmission timer is armed with), so the proofs of the
 *   state machine see these calls as writes of fields that its invariant
 *   does not read.
 * - Times are microseconds; the clock granularity G of RFC 6298 is 1 us.
 * - Windows are bytes, capped at TCPSM_MAX_BUF (no arithmetic here wraps;
 *   `make prove` checks it).  FlightSize is SND.NXT - SND.UNA.
 * - Delayed ACK (RFC 9293 3.8.6.3), zero-window probing (3.8.6.1),
 *   keep-alive (3.8.4, RFC 1122 4.2.3.6) and receiver SWS avoidance
 *   (3.8.6.2.2) keep their state here too: deadlines t_delack, t_persist,
 *   t_keep, re-derived from the TCB by tcpsm_cc_arm() after every call.
 * - "recover" (RFC 6582) holds the sequence number after the highest one
 *   sent when recovery began (SND.NXT), so "the ACK covers more than
 *   recover" reads SEG.ACK >= recover here.
 */
#include "conn_impl.h"

#define SAMPLE_MAX 0x7FFFFFFFu      /* a longer RTT sample is taken as this */
#define SYN_RTO_US 3000000u         /* RFC 6298 5.7 */
#define SWS_OVERRIDE_US 200000u     /* RFC 9293 3.8.6.2.1 (d): 0.1 - 1 s */

/*@ assigns \nothing;
    ensures \result == \max(a, b); */
static uint32_t max32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* a + b, stopping at TCPSM_MAX_BUF. */
/*@ assigns \nothing;
    ensures \result <= 1073741824; */
static uint32_t win_add(uint32_t a, uint32_t b)
{
    if (a >= TCPSM_MAX_BUF || b >= TCPSM_MAX_BUF - a)
        return TCPSM_MAX_BUF;
    return a + b;
}

/* a + b, stopping below TCPSM_NEVER. */
/*@ assigns \nothing;
    ensures \result < 18446744073709551615; */
static uint64_t time_add(uint64_t a, uint64_t b)
{
    if (a >= TCPSM_NEVER - 1u || b >= TCPSM_NEVER - 1u - a)
        return TCPSM_NEVER - 1u;
    return a + b;
}

/*@ assigns \nothing;
    ensures \result <==> (TCPSM_ESTABLISHED <= s <= TCPSM_LAST_ACK); */
static bool open_state(unsigned s)
{
    return s >= TCPSM_ESTABLISHED && s <= TCPSM_LAST_ACK;
}

/* The sender MSS in bytes, never 0. */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures 1 <= \result <= 65535; */
static uint32_t smss(const struct tcpsm_conn *c)
{
    return c->snd_mss != 0 ? c->snd_mss : 536u;
}

/* RFC 5681 3.1: the initial window IW (RFC 6928 with cfg.iw10). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures 1 <= \result <= 655350; */
static uint32_t initial_window(const struct tcpsm_conn *c)
{
    uint32_t m = smss(c);
    if (c->cfg.iw10)                    /* RFC 6928 2: min(10*MSS, max(2*MSS, 14600)) */
        return m * 10u < max32(m * 2u, 14600u) ? m * 10u : max32(m * 2u, 14600u);
    if (m > 2190u)
        return m * 2u;                  /* RFC 5681 3.1: at most 2 segments */
    if (m > 1095u)
        return m * 3u;                  /* at most 3 */
    return m * 4u;                      /* at most 4 */
}

/* FlightSize (RFC 5681 2). */
/*@ requires \valid_read(c);
    assigns \nothing; */
static uint32_t flight(const struct tcpsm_conn *c)
{
    return seq_sub(c->snd_nxt, c->snd_una);
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
/*@ requires \valid_read(c);
    assigns \nothing; */
static uint32_t half_flight(const struct tcpsm_conn *c)
{
    return max32(flight(c) / 2u, smss(c) * 2u);
}

/* Contract: conn_impl.h. */
void tcpsm_cc_reset(struct tcpsm_conn *c)
{
    c->cc.have_rtt = false;
    c->cc.timing = false;
    c->cc.syn_timed_out = false;
    c->cc.srtt_us = 0;
    c->cc.rttvar_us = 0;
    c->cc.rtt_seq = 0;
    c->cc.rtt_start = 0;
    c->cc.cwnd = 0;                     /* set when our SYN is acknowledged */
    c->cc.ssthresh = TCPSM_MAX_BUF;     /* RFC 5681 3.1: arbitrarily high */
    c->cc.acked_ca = 0;
    c->cc.dupacks = 0;
    c->cc.recover = 0;
    c->cc.in_recovery = false;
    c->cc.rto_recovery = false;
    c->cc.fast_rtx = false;
    c->cc.last_send = 0;
    c->cc.rtx_first = 0;
    c->cc.r1_reached = false;
    c->cc.r1_events = 0;
    c->cc.n_fast = 0;
    c->cc.ack_delay = false;
    c->cc.rcv_unacked = 0;
    c->cc.t_delack = TCPSM_NEVER;
    c->cc.probe_now = false;
    c->cc.probe_garbage = false;
    c->cc.t_persist = TCPSM_NEVER;
    c->cc.persist_iv = 0;
    c->cc.t_keep = TCPSM_NEVER;
    c->cc.keep_probes = 0;
    c->cc.last_rcv = 0;
    c->cc.last_probe = TCPSM_NEVER;
    c->cc.n_probes = 0;
    c->cc.n_keepalives = 0;
    c->cc.adv_valid = false;
    c->cc.adv_edge = 0;
    c->cc.wnd_update = false;
    c->cc.urg_signal = false;
    c->cc.n_urg_signals = 0;
}

/* Our ACK went out (on any segment): nothing is owed (RFC 9293 3.8.6.3). */
/*@ requires \valid(c);
    assigns c->cc.ack_delay, c->cc.t_delack, c->cc.rcv_unacked; */
static void ack_out(struct tcpsm_conn *c)
{
    c->cc.ack_delay = false;
    c->cc.t_delack = TCPSM_NEVER;
    c->cc.rcv_unacked = 0;
}

/* Contract: conn_impl.h. */
uint32_t tcpsm_cc_window(const struct tcpsm_conn *c)
{
    return c->cc.cwnd != 0 ? c->cc.cwnd : initial_window(c);
}

/* RFC 6298 2.3 (2.4, 2.5): RTO = SRTT + max(G, K*RTTVAR), K = 4, within
 * [rto_min, rto_max]. */
/*@ requires \valid_read(c) && c->cc.srtt_us <= 2147483647 && c->cc.rttvar_us <= 2147483647;
    assigns \nothing;
    ensures max: \result <= c->cfg.rto_max_us;
    ensures min: c->cfg.rto_min_us <= c->cfg.rto_max_us ==> \result >= c->cfg.rto_min_us; */
static uint32_t rto_of(const struct tcpsm_conn *c)
{
    uint64_t var = 4u * (uint64_t)c->cc.rttvar_us;
    uint64_t rto = (uint64_t)c->cc.srtt_us + (var < 1u ? 1u : var);
    if (rto < c->cfg.rto_min_us)
        rto = c->cfg.rto_min_us;        /* RFC 6298 2.4 */
    if (rto > c->cfg.rto_max_us)
        rto = c->cfg.rto_max_us;        /* RFC 6298 2.5 */
    return (uint32_t)rto;
}

/* One RTT measurement r (RFC 6298 2.2, 2.3; alpha 1/8, beta 1/4). */
/*@ requires \valid(c) && r <= 2147483647;
    assigns c->cc.srtt_us, c->cc.rttvar_us, c->cc.have_rtt, c->rto_us; */
static void rtt_sample(struct tcpsm_conn *c, uint32_t r)
{
    if (!c->cc.have_rtt || c->cc.srtt_us > SAMPLE_MAX || c->cc.rttvar_us > SAMPLE_MAX) {
        c->cc.srtt_us = r;              /* 2.2: SRTT <- R, RTTVAR <- R/2 */
        c->cc.rttvar_us = r / 2u;
        c->cc.have_rtt = true;
    } else {
        uint32_t s = c->cc.srtt_us;
        uint32_t delta = s > r ? s - r : r - s;
        /* 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT <- 7/8 SRTT + 1/8 R' */
        c->cc.rttvar_us = (uint32_t)((3u * (uint64_t)c->cc.rttvar_us + delta) / 4u);
        c->cc.srtt_us = (uint32_t)((7u * (uint64_t)s + r) / 8u);
    }
    c->rto_us = rto_of(c);
}

/* Sequence space from seq went out for the first time (data, SYN, FIN). */
/*@ requires \valid(c);
    assigns c->cc; */
static void cc_sent(struct tcpsm_conn *c, uint64_t now, uint32_t seq)
{
    if (!c->cc.timing) {                /* RFC 6298 3: one segment timed at a time */
        c->cc.timing = true;
        c->cc.rtt_seq = seq;
        c->cc.rtt_start = now;
    }
    c->cc.last_send = now;
    c->cc.probe_now = false;            /* what was forced out has gone */
    ack_out(c);
}

/* A retransmission went out. */
/*@ requires \valid(c);
    assigns c->cc; */
static void cc_resent(struct tcpsm_conn *c, uint64_t now)
{
    c->cc.timing = false;               /* RFC 6298 3, Karn (MUST-18): no sample */
    c->cc.fast_rtx = false;
    c->cc.last_send = now;
    ack_out(c);
}

/* A segment with our ACK went out. */
/*@ requires \valid(c);
    assigns c->cc; */
static void ack_sent(struct tcpsm_conn *c)
{
    ack_out(c);
    c->cc.wnd_update = false;
}

/* Contract: conn_impl.h. */
void tcpsm_cc_before_send(struct tcpsm_conn *c, uint64_t now)
{
    /* RFC 5681 4.1: after an idle interval longer than the RTO, cwnd is no
     * more than RW = min(IW, cwnd) */
    if (c->cc.cwnd != 0 && c->snd_una == c->snd_nxt && now >= c->cc.last_send
        && now - c->cc.last_send > c->rto_us)
        c->cc.cwnd = c->cc.cwnd < initial_window(c) ? c->cc.cwnd : initial_window(c);
    /* RFC 9293 3.8.6.2.2: once the window offered may move right (by the
     * SWS step), say so, even with nothing else to send */
    c->cc.wnd_update = open_state(c->state) && !c->fin_rcvd && c->rcount <= c->rcap
                       && c->cc.adv_valid && seq_le(c->rcv_nxt, c->cc.adv_edge)
                       && tcpsm_cc_rcv_wnd(c) > seq_sub(c->cc.adv_edge, c->rcv_nxt);
}

/* Our SYN is acknowledged: congestion control starts (RFC 5681 3.1). */
/*@ requires \valid(c);
    assigns c->cc.cwnd, c->cc.ssthresh, c->cc.recover, c->rto_us; */
static void syn_acked(struct tcpsm_conn *c)
{
    /* RFC 5681 3.1: after a lost SYN or SYN/ACK the initial window is one
     * segment */
    c->cc.cwnd = c->cc.syn_timed_out ? smss(c) : initial_window(c);
    c->cc.ssthresh = TCPSM_MAX_BUF;
    c->cc.recover = c->iss;             /* RFC 6582 3.2 1: recover <- ISS */
    /* RFC 6298 5.7: a SYN timed out and nothing measured since: RTO 3 s */
    if (c->cc.syn_timed_out && !c->cc.have_rtt)
        c->rto_us = SYN_RTO_US < c->cfg.rto_max_us ? SYN_RTO_US : c->cfg.rto_max_us;
}

/* New data acknowledged outside fast recovery: slow start or congestion
 * avoidance (RFC 5681 3.1). */
/*@ requires \valid(c);
    assigns c->cc.cwnd, c->cc.acked_ca; */
static void cwnd_grow(struct tcpsm_conn *c, uint32_t acked)
{
    uint32_t m = smss(c);
    if (c->cc.cwnd < c->cc.ssthresh) {
        c->cc.cwnd = win_add(c->cc.cwnd, acked < m ? acked : m);   /* (2): += min(N, SMSS) */
        return;
    }
    /* (3), counted in bytes: one SMSS per cwnd acknowledged */
    c->cc.acked_ca = win_add(c->cc.acked_ca, acked);
    if (c->cc.acked_ca >= c->cc.cwnd) {
        c->cc.acked_ca -= c->cc.cwnd;
        c->cc.cwnd = win_add(c->cc.cwnd, m);
    }
}

/* An ACK of new data in fast recovery (RFC 6582 3.2 steps 5 and 6). */
/*@ requires \valid(c);
    assigns c->cc.cwnd, c->cc.in_recovery, c->cc.fast_rtx, c->cc.n_fast, c->cc.acked_ca; */
static void recovery_ack(struct tcpsm_conn *c, uint32_t ack, uint32_t acked)
{
    uint32_t m = smss(c);
    if (seq_ge(ack, c->cc.recover)) {
        /* 6: full acknowledgment: cwnd <- min(ssthresh, max(FlightSize, SMSS) + SMSS) */
        uint32_t after = seq_sub(c->snd_nxt, ack);
        uint32_t w = win_add(max32(after, m), m);
        c->cc.cwnd = w < c->cc.ssthresh ? w : c->cc.ssthresh;
        c->cc.in_recovery = false;
        c->cc.acked_ca = 0;
        return;
    }
    /* 5: partial acknowledgment: resend the first unacknowledged segment,
     * deflate cwnd by the amount acknowledged, add back one SMSS if that
     * was at least one SMSS */
    c->cc.fast_rtx = true;
    c->cc.n_fast = sat_inc(c->cc.n_fast);
    c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : 0u;
    if (acked >= m)
        c->cc.cwnd = win_add(c->cc.cwnd, m);
    if (c->cc.cwnd < m)
        c->cc.cwnd = m;
}

/* SND.UNA moved from una0 to SND.NXT... to c->snd_una on this segment's
 * ACK (syn0: our SYN was acknowledged before it). */
/*@ requires \valid(c);
    assigns c->cc, c->rto_us; */
static void acked(struct tcpsm_conn *c, uint64_t now, uint32_t una0, bool syn0)
{
    uint32_t ack = c->snd_una;
    uint32_t n = seq_sub(ack, una0);
    if (!syn0)
        syn_acked(c);
    /* RFC 6298 3 (Karn): the timed segment is acknowledged and was not
     * retransmitted: a measurement */
    if (c->cc.timing && seq_lt(c->cc.rtt_seq, ack)) {
        uint64_t r = now >= c->cc.rtt_start ? now - c->cc.rtt_start : 0u;
        c->cc.timing = false;
        rtt_sample(c, r > SAMPLE_MAX ? SAMPLE_MAX : (uint32_t)r);
    }
    c->cc.dupacks = 0;                  /* RFC 5681 3.2 */
    c->cc.r1_reached = false;           /* RFC 1122 4.2.3.5: the segment got through */
    if (c->cc.in_recovery) {
        recovery_ack(c, ack, n);
        return;
    }
    if (c->cc.rto_recovery) {
        /* after a timeout, each ACK below recover shows the next hole of
         * the lost flight: resend it (RFC 6582 5, RFC 5681 3.1) */
        if (seq_lt(ack, c->cc.recover)) {
            c->cc.fast_rtx = true;
            c->cc.n_fast = sat_inc(c->cc.n_fast);
        } else {
            c->cc.rto_recovery = false;
        }
    }
    if (syn0)                           /* the SYN's ACK opens the initial window only */
        cwnd_grow(c, n);
}

/* A duplicate ACK (RFC 5681 2): nothing moved, the segment at RCV.NXT
 * without data, SYN or FIN, SEG.ACK = SND.UNA with data outstanding, the
 * window the same as before. */
/*@ requires \valid(c) && \valid_read(seg) && \valid_read(b);
    assigns c->cc; */
static void dupack(struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                   const struct tcpsm_cc_view *b)
{
    uint32_t m = smss(c);
    /* the segment passed the acceptability test (RFC 9293 3.10.7.4 first,
     * zero length): at RCV.NXT, or inside a window that is not zero */
    uint32_t wnd = c->rcount <= c->rcap ? c->rcap - c->rcount : 0u;
    uint32_t off = seq_sub(seg->seq, b->rcv_nxt);
    if (!b->syn_acked || b->snd_una == b->snd_nxt || c->snd_una != b->snd_una
        || seg->len != 0 || (seg->flags & (TCPSM_SYN | TCPSM_FIN | TCPSM_RST)) != 0
        || (seg->flags & TCPSM_ACK) == 0 || seg->ack != b->snd_una || seg->wnd != b->snd_wnd
        || seg->wnd == 0                /* an answer to a zero-window probe */
        || !(off == 0 || off < wnd) || !open_state(c->state))
        return;
    c->cc.dupacks = sat_inc(c->cc.dupacks);
    if (c->cc.in_recovery) {
        c->cc.cwnd = win_add(c->cc.cwnd, m);    /* RFC 6582 3.2 4: inflate */
        return;
    }
    /* RFC 6582 3.2 2: the third duplicate ACK, if it covers more than
     * recover: fast retransmit (RFC 5681 3.2 2-4) */
    if (c->cc.dupacks == 3u && seq_ge(seg->ack, c->cc.recover)) {
        c->cc.ssthresh = half_flight(c);
        c->cc.recover = c->snd_nxt;
        c->cc.cwnd = win_add(c->cc.ssthresh, 3u * m);
        c->cc.in_recovery = true;
        c->cc.rto_recovery = false;
        c->cc.fast_rtx = true;
        c->cc.acked_ca = 0;
        c->cc.n_fast = sat_inc(c->cc.n_fast);
    }
}

/* The peer's window is closed (RFC 9293 3.8.6.1): what we send or resend
 * is a probe, its answers are no duplicate ACKs, and the connection stays
 * while the peer answers (MUST-37). */
/*@ requires \valid_read(c);
    assigns \nothing; */
static bool probing(const struct tcpsm_conn *c)
{
    return c->syn_acked && c->snd_wnd == 0;
}

/* MUST-37, RFC 1122 4.2.3.5: a probe (zero-window, or keep-alive before
 * it) has gone unanswered for R2: nothing received since the first probe
 * after the last segment, for R2.  Time when nothing was asked is not
 * silence. */
/*@ requires \valid_read(c);
    assigns \nothing; */
static bool unanswered_r2(const struct tcpsm_conn *c, uint64_t now)
{
    return c->cfg.r2_us != 0 && c->cc.last_probe != TCPSM_NEVER && now >= c->cc.last_probe
           && now - c->cc.last_probe >= c->cfg.r2_us;
}

/* Contract: conn_impl.h. */
void tcpsm_cc_timeout(struct tcpsm_conn *c, uint64_t now)
{
    if (probing(c)) {
        /* RFC 9293 3.8.6.1: the probe resent, the backed-off RTO apart
         * (SHLD-30): no loss, so no congestion response; Karn still */
        c->cc.timing = false;
        c->cc.n_probes = sat_inc(c->cc.n_probes);
        if (c->cc.last_probe == TCPSM_NEVER)
            c->cc.last_probe = now;     /* the first probe not answered yet */
        return;
    }
    if (c->rtx_count <= 1u) {
        c->cc.rtx_first = now;          /* R2 counts from here (RFC 1122 4.2.3.5) */
        /* RFC 5681 (4): the segment was not yet resent by the timer */
        c->cc.ssthresh = half_flight(c);
    }
    if (!c->syn_acked)
        c->cc.syn_timed_out = true;     /* RFC 6298 5.7, RFC 5681 3.1 */
    else
        c->cc.cwnd = smss(c);           /* RFC 5681 3.1: cwnd <- LW = 1 SMSS */
    c->cc.recover = c->snd_nxt;         /* RFC 6582 4 */
    c->cc.in_recovery = false;
    c->cc.rto_recovery = true;
    c->cc.fast_rtx = false;
    c->cc.dupacks = 0;
    c->cc.acked_ca = 0;
    c->cc.timing = false;               /* Karn (MUST-18) */
    /* RFC 1122 4.2.3.5: R1 reached: the user is told (MUST-21) */
    if (!c->cc.r1_reached && c->cfg.r1 != 0 && c->rtx_count >= c->cfg.r1) {
        c->cc.r1_reached = true;
        c->cc.r1_events = sat_inc(c->cc.r1_events);
    }
}

/* The R2 limit in time for what is outstanding (0: none). */
/*@ requires \valid_read(c);
    assigns \nothing; */
static uint32_t r2_time(const struct tcpsm_conn *c)
{
    return c->syn_acked ? c->cfg.r2_us : c->cfg.r2_syn_us;
}

/* Contract: conn_impl.h. */
bool tcpsm_cc_give_up(const struct tcpsm_conn *c, uint64_t now)
{
    uint32_t r2 = r2_time(c);
    if (c->rtx_count == 0)
        return false;
    if (probing(c))                     /* MUST-37: only R2 of silence ends probing */
        return unanswered_r2(c, now);
    if (c->cfg.r2_count != 0 && c->rtx_count >= c->cfg.r2_count)
        return true;                    /* R2 in retransmissions */
    return r2 != 0 && now >= c->cc.rtx_first && now - c->cc.rtx_first >= r2;
}

/* Contract: conn_impl.h. */
uint64_t tcpsm_cc_rtx_deadline(const struct tcpsm_conn *c, uint64_t now)
{
    uint64_t t = deadline_after(now, c->rto_us);
    uint32_t r2 = r2_time(c);
    /* RFC 1122 4.2.3.5: the timer fires at R2 itself, not one backed-off
     * RTO later */
    if (r2 != 0 && c->rtx_count != 0 && !probing(c)) {
        uint64_t end = deadline_after(c->cc.rtx_first, r2);
        if (end > now && end < t)
            t = end;
    }
    return t;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_set_r2(struct tcpsm_conn *c, uint32_t r2_us, uint32_t r2_syn_us)
{
    if (c == NULL)
        return TCPSM_ERR_INVAL;
    if (r2_syn_us != 0 && r2_syn_us < 180000000u)
        return TCPSM_ERR_INVAL;         /* MUST-23: a SYN's R2 is at least 3 minutes */
    c->cfg.r2_us = r2_us;
    c->cfg.r2_syn_us = r2_syn_us;
    return TCPSM_OK;
}

/* ---------------------------------------------------------------------- */
/* Delayed ACK, zero-window probing, keep-alive, receiver SWS avoidance */

/* RFC 9293 3.8.6.3: may the ACK this segment drew wait?  Only for text
 * that arrived in order, filled no gap and left none, in a state that
 * takes text; an ACK already owed at once stays owed at once. */
/*@ requires \valid_read(c) && \valid_read(seg) && \valid_read(b);
    assigns \nothing; */
static bool delayable(const struct tcpsm_conn *c, const struct tcpsm_segment *seg,
                      const struct tcpsm_cc_view *b)
{
    if (c->cfg.delack_us == 0 || seg->len == 0
        || (seg->flags & (TCPSM_SYN | TCPSM_FIN | TCPSM_RST | TCPSM_URG)) != 0)
        return false;
    if (c->state != TCPSM_ESTABLISHED && c->state != TCPSM_FIN_WAIT_1
        && c->state != TCPSM_FIN_WAIT_2)
        return false;
    if (seq_sub(c->rcv_nxt, b->rcv_nxt) != seg->len)
        return false;                   /* not exactly this text, in order */
    if (b->nooo != 0 || c->nooo != 0)
        return false;                   /* out of order, or filling a gap: at once */
    return !b->ack_now || c->cc.ack_delay;
}

/* Contract: conn_impl.h. */
void tcpsm_cc_input_done(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                         struct tcpsm_cc_view before)
{
    uint32_t rmss = min32(c->cfg.mss, smss(c));
    /* RFC 6298, RFC 5681 3, RFC 6582 3.2: what the segment's ACK did */
    if (seq_lt(before.snd_una, c->snd_una))
        acked(c, now, before.snd_una, before.syn_acked);
    else
        dupack(c, seg, &before);
    /* RFC 9293 3.8.6.1: the window opened and the probe, sent beyond the
     * zero window, is not acknowledged: the peer dropped it; resend it
     * now rather than at the backed-off RTO */
    if (before.syn_acked && before.snd_wnd == 0 && c->snd_wnd != 0
        && c->snd_una == before.snd_una && c->snd_una != c->snd_nxt)
        c->cc.fast_rtx = true;
    c->cc.last_rcv = now;               /* RFC 1122 4.2.3.6: the peer is alive */
    c->cc.last_probe = TCPSM_NEVER;     /* and has answered every probe */
    c->cc.keep_probes = 0;
    /* RFC 1122 4.2.2.4 (MUST-32): tell the user when an urgent pointer
     * arrives with none pending, or moves on */
    c->cc.urg_signal = c->rcv_urg && (!before.rcv_urg || seq_gt(c->rcv_up, before.rcv_up));
    if (c->cc.urg_signal)
        c->cc.n_urg_signals = sat_inc(c->cc.n_urg_signals);
    if (c->ack_now) {
        if (delayable(c, seg, &before)) {
            c->cc.rcv_unacked = win_add(c->cc.rcv_unacked, seg->len);
            /* SHLD-19: an ACK for at least every second full-sized segment */
            c->cc.ack_delay = c->cc.rcv_unacked < 2u * rmss;
        } else {
            c->cc.ack_delay = false;
        }
        if (c->cc.ack_delay && c->cc.t_delack == TCPSM_NEVER)
            c->cc.t_delack = deadline_after(now, c->cfg.delack_us);  /* MUST-40 */
    }
    tcpsm_cc_arm(c, now);
}

/* RFC 9293 3.8.4, RFC 1122 4.2.3.6: keep-alive on an idle connection
 * (MUST-24..28): nothing outstanding or queued; the first probe when
 * nothing arrived for the idle time, the next ones an interval apart. */
/*@ requires \valid(c);
    assigns c->cc.t_keep, c->cc.keep_probes; */
static void keep_arm(struct tcpsm_conn *c)
{
    if (c->cfg.keepalive && c->snd_una == c->snd_nxt && c->scount == 0
        && (c->state == TCPSM_ESTABLISHED || c->state == TCPSM_CLOSE_WAIT
            || c->state == TCPSM_FIN_WAIT_2)) {
        c->cc.t_keep = c->cc.keep_probes == 0
                           ? time_add(c->cc.last_rcv, c->cfg.keepalive_idle_us)   /* MUST-26 */
                           : time_add(c->cc.last_probe, c->cfg.keepalive_intvl_us);
    } else {
        c->cc.t_keep = TCPSM_NEVER;
        c->cc.keep_probes = 0;
    }
}

/* Contract: conn_impl.h. */
void tcpsm_cc_arm(struct tcpsm_conn *c, uint64_t now)
{
    bool open = open_state(c->state);
    /* the delayed-ACK timer runs while a delayable ACK is owed */
    if (!open || !c->ack_now || !c->cc.ack_delay) {
        c->cc.ack_delay = false;
        c->cc.t_delack = TCPSM_NEVER;
    }
    /* Data waiting and nothing in flight: the window is zero (RFC 9293
     * 3.8.6.1: probe, the first time one RTO from now, SHLD-29), or sender
     * SWS avoidance holds it (3.8.6.2.1 (d): send it anyway after the
     * override timeout).  One timer for both, as 3.8.6.2.1 suggests. */
    if (open && c->syn_acked && !c->fin_sent && c->snd_una == c->snd_nxt && c->scount > 0) {
        if (c->cc.t_persist == TCPSM_NEVER) {
            c->cc.persist_iv = c->snd_wnd == 0 ? c->rto_us : min32(c->rto_us, SWS_OVERRIDE_US);
            c->cc.t_persist = deadline_after(now, c->cc.persist_iv);
        }
    } else {
        c->cc.t_persist = TCPSM_NEVER;
        c->cc.persist_iv = 0;
    }
    keep_arm(c);
}

/* Contract: conn_impl.h. */
unsigned tcpsm_cc_timer(struct tcpsm_conn *c, uint64_t now)
{
    if (c->cc.t_delack != TCPSM_NEVER && now >= c->cc.t_delack) {
        c->cc.t_delack = TCPSM_NEVER;   /* RFC 9293 3.8.6.3: the owed ACK goes now */
        c->cc.ack_delay = false;
    }
    if (c->cc.t_persist != TCPSM_NEVER && now >= c->cc.t_persist && c->snd_wnd != 0) {
        /* RFC 9293 3.8.6.2.1 (d): the override timeout: the data SWS
         * avoidance held goes now (tcpsm_output sends what the window takes) */
        c->cc.probe_now = true;
        c->cc.probe_garbage = false;
        c->cc.t_persist = deadline_after(now, c->cc.persist_iv);
    } else if (c->cc.t_persist != TCPSM_NEVER && now >= c->cc.t_persist) {
        /* MUST-37: probing goes on while the peer answers; after R2 of
         * silence the connection is given up (RFC 1122 4.2.3.5) */
        if (unanswered_r2(c, now)) {
            c->cc.t_persist = TCPSM_NEVER;
            return TCPSM_CC_PERSIST_DEAD;
        }
        if (c->cc.last_probe == TCPSM_NEVER)
            c->cc.last_probe = now;     /* the first probe not answered yet */
        c->cc.probe_now = true;         /* MUST-36: a zero-window probe: tcpsm_output */
                                        /* sends one octet of new data (3.8.6.1) */
        c->cc.probe_garbage = false;
        c->cc.n_probes = sat_inc(c->cc.n_probes);
        /* SHLD-30: the retransmission timer resends that octet; its
         * interval doubles from here, as after a timeout (Karn: until a
         * new measurement) */
        c->rto_us = c->rto_us > c->cfg.rto_max_us / 2u ? max32(c->cfg.rto_max_us, c->rto_us)
                                                       : c->rto_us * 2u;
        /* SHLD-30: the interval doubles, up to the RTO's upper bound */
        c->cc.persist_iv = c->cc.persist_iv > c->cfg.rto_max_us / 2u
                               ? max32(c->cfg.rto_max_us, c->cc.persist_iv)
                               : c->cc.persist_iv * 2u;
        c->cc.t_persist = deadline_after(now, c->cc.persist_iv);
    }
    if (c->cc.t_keep != TCPSM_NEVER && now >= c->cc.t_keep) {
        if (c->cc.keep_probes >= c->cfg.keepalive_count) {
            c->cc.t_keep = TCPSM_NEVER;
            return TCPSM_CC_KEEPALIVE_DEAD;     /* "connection timed out" */
        }
        c->cc.probe_now = true;         /* MAY-5, SHLD-12: no data (or MAY-6's octet) */
        c->cc.probe_garbage = c->cfg.keepalive_garbage;
        c->cc.keep_probes = sat_inc(c->cc.keep_probes);
        c->cc.n_keepalives = sat_inc(c->cc.n_keepalives);
        c->cc.last_probe = now;
        c->cc.t_keep = time_add(now, c->cfg.keepalive_intvl_us);   /* MUST-29: go on probing */
    }
    return TCPSM_CC_NONE;
}

/* Contract: conn_impl.h. */
uint16_t tcpsm_cc_rcv_wnd(const struct tcpsm_conn *c)
{
    uint32_t free = min32(c->rcap - c->rcount, 0xFFFFu);
    /* RFC 9293 3.8.6.2.2 (MUST-39): the right edge offered moves only by
     * min(RCV.BUFF/2, Eff.snd.MSS) at a time */
    if (c->cc.adv_valid && seq_le(c->rcv_nxt, c->cc.adv_edge)) {
        uint32_t cur = seq_sub(c->cc.adv_edge, c->rcv_nxt);
        uint32_t step = min32(c->rcap / 2u, min32(c->cfg.mss, smss(c)));
        if (cur < free && free - cur < step)
            return (uint16_t)cur;
    }
    return (uint16_t)free;
}

/* Contract: conn_impl.h. */
void tcpsm_cc_output_done(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_segment *seg,
                          bool sent, uint32_t snd_nxt, bool syn_unsent)
{
    if (sent && (seg->flags & TCPSM_RST) == 0) {
        bool syn = (seg->flags & TCPSM_SYN) != 0;
        bool room = syn || (seg->flags & TCPSM_FIN) != 0 || seg->len > 0;
        /* RFC 6298 3: time it (RFC 5681 4.1), but not a zero-window probe:
         * the peer acknowledges it only when its window opens */
        if (syn ? syn_unsent : (room && seg->seq == snd_nxt && !probing(c)))
            cc_sent(c, now, seg->seq);
        else if (room)
            cc_resent(c, now);          /* Karn (MUST-18): no measurement */
        if ((seg->flags & TCPSM_ACK) != 0) {
            ack_sent(c);                /* RFC 9293 3.8.6.3: nothing owed now */
            c->cc.adv_valid = true;     /* 3.8.6.2.2: the right edge offered */
            c->cc.adv_edge = seq_add(seg->ack, seg->wnd);
        }
        if (!syn)
            c->cc.probe_now = false;    /* a probe, or data forced out, went */
    }
    if (c->snd_una == c->snd_nxt)
        c->cc.fast_rtx = false;         /* nothing left to resend */
    tcpsm_cc_arm(c, now);
}

/* Contract: conn_impl.h. */
uint64_t tcpsm_cc_deadline(const struct tcpsm_conn *c)
{
    uint64_t t = c->cc.t_delack;
    if (c->cc.t_persist < t)
        t = c->cc.t_persist;
    if (c->cc.t_keep < t)
        t = c->cc.t_keep;
    return t;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_set_nagle(struct tcpsm_conn *c, bool on)
{
    if (c == NULL)
        return TCPSM_ERR_INVAL;
    c->cfg.nagle = on;                  /* MUST-17 */
    return TCPSM_OK;
}

/* Contract: contracts.h. */
enum tcpsm_err tcpsm_set_keepalive(struct tcpsm_conn *c, bool on)
{
    if (c == NULL)
        return TCPSM_ERR_INVAL;
    c->cfg.keepalive = on;              /* MUST-24 */
    c->cc.keep_probes = 0;
    keep_arm(c);
    return TCPSM_OK;
}
