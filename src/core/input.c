/*
 * input.c: SEGMENT ARRIVES, RFC 9293 3.10.7, as the RFC's ordered checks;
 * each check that decides something fires the event that names the
 * decision.
 */

#include "conn_impl.h"

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
    ensures rtx: c->t_rtx != 18446744073709551615 ==> c->snd_una != c->snd_nxt; */
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
    (void)tcpsm_fire(c, k, TCPSM_EV_SEG_ANY);
}

static void seg_listen(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    if (seg->flags & TCPSM_RST) {       /* RFC 9293 3.10.7.2 first: ignore */
        c->n_rst_ignored = sat_inc(c->n_rst_ignored);
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_RST);
        return;
    }
    if (seg->flags & TCPSM_ACK) {       /* RFC 9293 3.10.7.2 second: <SEQ=SEG.ACK><CTL=RST> */
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_BAD_ACK);
        return;
    }
    if (seg->flags & TCPSM_SYN) {       /* RFC 9293 3.10.7.2 third */
        if (seg->compartment != c->compartment) {
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SECURITY);
            return;
        }
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN);
        return;
    }
    /* RFC 9293 3.10.7.2 fourth: anything else is dropped */
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
    (void)tcpsm_fire(c, k, TCPSM_EV_SEG_FIN);
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

static void seg_syn_sent(struct tcpsm_conn *c, const struct call *k)
{
    const struct tcpsm_segment *seg = k->seg;
    bool ack_ok = false, fin;
    uint32_t tlen;
    if (seg->flags & TCPSM_ACK) {       /* RFC 9293 3.10.7.3 first */
        if (seq_le(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_nxt)) {
            if (!(seg->flags & TCPSM_RST))
                (void)tcpsm_fire(c, k, TCPSM_EV_SEG_BAD_ACK);    /* <SEQ=SEG.ACK><CTL=RST> */
            return;
        }
        ack_ok = seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt);
    }
    if (seg->flags & TCPSM_RST) {       /* RFC 9293 3.10.7.3 second */
        /* RCV.NXT is not known before the SYN: the acceptable ACK (exactly
         * SND.NXT here) is what authenticates the RST. */
        if (ack_ok)
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_RST);            /* "connection reset" */
        else
            c->n_rst_ignored = sat_inc(c->n_rst_ignored);
        return;
    }
    if (seg->compartment != c->compartment) {  /* RFC 9293 3.10.7.3 third */
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SECURITY);
        return;
    }
    if (!(seg->flags & TCPSM_SYN))     /* RFC 9293 3.10.7.3 fifth */
        return;
    /* RFC 9293 3.10.7.3 fourth */
    if (ack_ok) {
        c->irs = seg->seq;
        c->rcv_nxt = seq_add(seg->seq, 1u);
        tcpsm_take_mss(c, seg);
        ack_advance(c, k->now, seg->ack);                  /* SND.UNA <- SEG.ACK */
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN_ACK);            /* -> ESTABLISHED */
        /* other controls or text: continue at the sixth step (URG), with
         * the text trimmed to the receive window */
        tlen = min32(seg->len, rcv_wnd(c));
        fin = (seg->flags & TCPSM_FIN) && seg->len < rcv_wnd(c);
        continue_at_urg(c, k, c->rcv_nxt, k->payload, tlen, fin);
        return;
    }
    (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN);                    /* simultaneous open (MUST-10) */
}

/*@ requires \valid_read(c) && \valid_read(seg) && seg->len <= 65535;
    assigns \nothing;
    ensures \result ==> c->state == TCPSM_TIME_WAIT; */
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
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_FIN);
            return;
        } else {
            if (seg->flags & TCPSM_RST) {
                c->n_rst_ignored = sat_inc(c->n_rst_ignored);     /* RFC 5961 3.2: out of window, silently */
                return;
            }
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_UNACCEPTABLE);   /* ACK and drop */
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
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_RST_CHALLENGE);
            return;
        }
        if (c->state == TCPSM_SYN_RECEIVED && c->passive)
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_RST_PASSIVE);    /* MUST-11: back to LISTEN */
        else
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_RST);
        return;
    }

    /* Third, check security */
    if (seg->compartment != c->compartment) {
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SECURITY);
        return;
    }

    /* Fourth, check the SYN bit */
    if ((seg->flags & TCPSM_SYN) && !dup_syn) {
        if (c->state == TCPSM_SYN_RECEIVED && c->passive) {
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN_PASSIVE);
            return;
        }
        if (c->cfg.rfc5961_syn) {       /* RFC 5961 4.2: challenge ACK */
            c->n_challenge_acks = sat_inc(c->n_challenge_acks);
            c->n_syn_ignored = sat_inc(c->n_syn_ignored);
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN);
            return;
        }
        if (syn) {                      /* RFC 793: a SYN in the window is an error */
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_SYN_RESET);
            return;
        }
        /* a SYN before the window was trimmed off as an old duplicate */
    }

    /* Fifth, check the ACK field */
    if (!(seg->flags & TCPSM_ACK))
        return;
    if (c->state == TCPSM_SYN_RECEIVED) {
        if (!(seq_lt(c->snd_una, seg->ack) && seq_le(seg->ack, c->snd_nxt))) {
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_BAD_ACK);        /* <SEQ=SEG.ACK><CTL=RST> */
            return;
        }
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_ACK_OF_SYN);         /* -> ESTABLISHED */
    } else if (c->cfg.rfc5961_ack) {
        /* RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT */
        uint32_t lo = seq_sub(c->snd_una, c->max_snd_wnd);
        if (seq_sub(seg->ack, lo) > seq_sub(c->snd_nxt, lo)) {
            c->n_bad_ack_dropped = sat_inc(c->n_bad_ack_dropped);
            (void)tcpsm_fire(c, k, TCPSM_EV_SEG_BAD_ACK);
            return;
        }
    }
    if (seq_gt(seg->ack, c->snd_nxt)) { /* ACK of something not yet sent */
        c->n_bad_ack_dropped = sat_inc(c->n_bad_ack_dropped);
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_BAD_ACK);
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
        (void)tcpsm_fire(c, k, TCPSM_EV_CLOSE);  /* the CLOSE queued in SYN-RECEIVED */
    if (c->fin_acked && (c->state == TCPSM_FIN_WAIT_1 || c->state == TCPSM_CLOSING
                         || c->state == TCPSM_LAST_ACK)) {
        (void)tcpsm_fire(c, k, TCPSM_EV_SEG_ACK_OF_FIN);
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
