/*
 * reasm.c: holding out-of-order text and delivering it in order
 * (RFC 9293 3.10.7.4 seventh, SHLD-31); reasm.h has the contracts of the
 * two entry points.
 */

#include "reasm.h"

/* Ranges i + 1 + gone .. nooo - 1 move down to i + 1 (nooo itself is the
 * caller's to update). */
/*@ requires mem: \valid(c);
    requires idx: i + 1 + gone <= c->nooo <= 8;
    assigns c->ooo[i + 1 .. 7];
    ensures moved: \forall integer x; i + 1 <= x < c->nooo - gone
                   ==> (c->ooo[x].off == \old(c->ooo[x + gone].off)
                        && c->ooo[x].len == \old(c->ooo[x + gone].len));
    ensures low: \forall integer x; 0 <= x <= i
                 ==> (c->ooo[x].off == \old(c->ooo[x].off) && c->ooo[x].len == \old(c->ooo[x].len)); */
static void ooo_close_gap(struct tcpsm_conn *c, uint32_t i, uint32_t gone)
{
    uint32_t m;
    /*@ loop invariant bounds: i + 1 <= m && m + gone <= c->nooo && c->nooo <= 8;
        loop invariant moved: \forall integer x; i + 1 <= x < m
            ==> (c->ooo[x].off == \at(c->ooo[x + gone].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x + gone].len, Pre));
        loop invariant still: \forall integer x; 0 <= x < 8 && (x <= i || m <= x)
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x].len, Pre));
        loop assigns m, c->ooo[i + 1 .. 7];
        loop variant c->nooo - m; */
    for (m = i + 1u; m + gone < c->nooo; m++) {
        c->ooo[m].off = c->ooo[m + gone].off;
        c->ooo[m].len = c->ooo[m + gone].len;
    }
}

/* A lemma as a ghost function: ranges sorted below i, at i, at i + 1 and
 * above are sorted.  Its proof is a goal of its own (in ooo_merge's
 * context the provers time out on it). */
/*@ ghost
  /@ requires \valid_read(c);
     requires s_low: \forall integer x; 0 < x < i ==> c->ooo[x].off > ooo_end(c, x - 1);
     requires s_i: i > 0 ==> c->ooo[i].off > ooo_end(c, i - 1);
     requires s_i1: i + 1 < c->nooo ==> c->ooo[i + 1].off > ooo_end(c, i);
     requires s_high: \forall integer x; i + 1 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1);
     assigns \nothing;
     ensures m_sorted: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1); @/
  void sorted_join(struct tcpsm_conn *c, uint32_t i) { }
*/

/* The new range [off, end) touches ranges i .. j-1 (i < j): one range
 * replaces them.  (Its own function: beside the rest of ooo_store the
 * provers time out on ranges_ok.) */
/*@ requires mem: \valid(c);
    requires ok: c->rcap <= 1073741824 && c->rcount <= c->rcap && c->nooo <= 8
                 && ranges_ok(c, c->nooo);
    requires idx: i < j <= c->nooo;
    requires new: 0 < off < end <= rcv_wnd_l(c);
    requires before: \forall integer x; 0 <= x < i ==> ooo_end(c, x) < off;
    requires after: j < c->nooo ==> c->ooo[j].off > end;
    assigns c->ooo[i .. 7], c->nooo;
    ensures ok: ranges_ok(c, c->nooo) && c->nooo <= \old(c->nooo);
    ensures last: last_end(c, c->nooo) <= \old(last_end(c, c->nooo)) || last_end(c, c->nooo) <= end; */
static void ooo_merge(struct tcpsm_conn *c, uint32_t i, uint32_t j, uint32_t off, uint32_t end)
{
    uint32_t lo = c->ooo[i].off < off ? c->ooo[i].off : off;
    uint32_t hi_last = c->ooo[j - 1].off + c->ooo[j - 1].len;
    uint32_t hi = hi_last > end ? hi_last : end;
    uint32_t gone = j - i - 1u;
    /*@ assert lo_after: i > 0 ==> lo > ooo_end(c, i - 1); */
    /*@ assert hi_before: j < c->nooo ==> c->ooo[j].off > hi; */
    /*@ assert hi_last: hi_last == ooo_end(c, j - 1) && hi_last == ooo_end(c, i + gone); */
    /*@ assert hi_max: j == c->nooo ==> hi_last == last_end(c, c->nooo); */
    /*@ assert hi_is: hi == hi_last || hi == end; */
    /*@ assert merged_ok: 0 < lo < hi && hi <= rcv_wnd_l(c)
                          && hi >= end && hi >= hi_last; */
    c->ooo[i].off = lo;
    c->ooo[i].len = hi - lo;
    /*@ assert others: \forall integer x; 0 <= x < 8 && x != i
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre) && c->ooo[x].len == \at(c->ooo[x].len, Pre)); */
    ooo_close_gap(c, i, gone);
    /*@ assert moved_pre: \forall integer x; i + 1 <= x < c->nooo - gone
            ==> (c->ooo[x].off == \at(c->ooo[x + (j - i - 1)].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x + (j - i - 1)].len, Pre)); */
    /*@ assert low_pre: \forall integer x; 0 <= x < i
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre) && c->ooo[x].len == \at(c->ooo[x].len, Pre)); */
    c->nooo = (uint8_t)(c->nooo - gone);
    /*@ assert n_new: c->nooo == \at(c->nooo, Pre) - (j - i - 1) && i < c->nooo; */
    /*@ assert high_src: \forall integer x; i < x < c->nooo
            ==> (x + (j - i - 1) < \at(c->nooo, Pre) && \at(range_ok(c, x + (j - i - 1)), Pre)); */
    /*@ assert m_low: \forall integer x; 0 <= x < i ==> range_ok(c, x); */
    /*@ assert m_mid: range_ok(c, i); */
    /*@ assert m_high: \forall integer x; i < x < c->nooo ==> range_ok(c, x); */
    /*@ assert m_each: \forall integer x; 0 <= x < c->nooo ==> range_ok(c, x); */
    /*@ assert s_low: \forall integer x; 0 < x < i ==> c->ooo[x].off > ooo_end(c, x - 1); */
    /*@ assert s_i: i > 0 ==> c->ooo[i].off > ooo_end(c, i - 1); */
    /*@ assert s_i1: i + 1 < c->nooo ==> c->ooo[i + 1].off > ooo_end(c, i); */
    /*@ assert s_high: \forall integer x; i + 1 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1); */
    /*@ ghost sorted_join(c, i); */
    /*@ assert last_a: j == \at(c->nooo, Pre) ==> (c->nooo == i + 1 && last_end(c, c->nooo) == hi); */
    /*@ assert last_b: j < \at(c->nooo, Pre)
            ==> last_end(c, c->nooo) == \at(last_end(c, c->nooo), Pre); */
}

/* A new range [off, end) at position i, which touches none. */
/*@ requires mem: \valid(c);
    requires ok: c->rcap <= 1073741824 && c->rcount <= c->rcap && c->nooo < 8
                 && ranges_ok(c, c->nooo);
    requires idx: i <= c->nooo;
    requires new: 0 < off < end <= rcv_wnd_l(c);
    requires before: \forall integer x; 0 <= x < i ==> ooo_end(c, x) < off;
    requires after: i < c->nooo ==> c->ooo[i].off > end;
    assigns c->ooo[i .. 7], c->nooo;
    ensures ok: ranges_ok(c, c->nooo) && c->nooo == \old(c->nooo) + 1;
    ensures last: last_end(c, c->nooo) <= \max(\old(last_end(c, c->nooo)), end); */
static void ooo_insert(struct tcpsm_conn *c, uint32_t i, uint32_t off, uint32_t end)
{
    uint32_t m;
    /*@ loop invariant bounds: i <= m <= c->nooo;
        loop invariant moved: \forall integer x; m < x <= c->nooo
            ==> (c->ooo[x].off == \at(c->ooo[x - 1].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x - 1].len, Pre));
        loop invariant still: \forall integer x; 0 <= x <= m
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x].len, Pre));
        loop assigns m, c->ooo[i + 1 .. 7];
        loop variant m; */
    for (m = c->nooo; m > i; m--)
        c->ooo[m] = c->ooo[m - 1u];
    c->ooo[i].off = off;
    c->ooo[i].len = end - off;
    c->nooo++;
    /*@ assert i_each: \forall integer x; 0 <= x < c->nooo ==> range_ok(c, x); */
    /*@ assert i_sorted: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1); */
}

/* The text goes into the ring at pos; the TCB stays as it is.  (Its own
 * function: beside the range updates of ooo_store, the provers time out
 * carrying recv_ok across the byte writes.) */
/*@ requires mem: \valid(c) && \valid(c->rbuf + (0 .. c->rcap - 1))
                  && \separated(c, c->rbuf + (0 .. c->rcap - 1));
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires ok: recv_ok(c);
    requires pos: tlen <= c->rcap && (c->rcap > 0 ==> pos < c->rcap);
    assigns c->rbuf[0 .. c->rcap - 1];
    ensures ok: recv_ok(c); */
static void ooo_put(struct tcpsm_conn *c, uint32_t pos, const uint8_t *text, uint32_t tlen)
{
    ring_put(c->rbuf, c->rcap, pos, text, tlen);
}

/* SHLD-31: hold text that arrives beyond RCV.NXT (contract: reasm.h). */
void tcpsm_ooo_store(struct tcpsm_conn *c, uint32_t off, const uint8_t *text, uint32_t tlen)
{
    uint32_t end = off + tlen, i, j;
    uint32_t base = ring_pos(c->rhead, c->rcount, c->rcap);
    if (c->ooo_fin && end > c->ooo_fin_off) {  /* nothing beyond the peer's FIN */
        if (off >= c->ooo_fin_off)
            return;
        end = c->ooo_fin_off;
        tlen = end - off;
    }
    /*@ assert text_cut: \valid_read(text + (0 .. tlen - 1))
            && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1)); */
    /* Find the ranges the new one touches (overlaps or abuts). */
    /*@ loop invariant 0 <= i <= c->nooo;
        loop invariant before: \forall integer x; 0 <= x < i ==> ooo_end(c, x) < off;
        loop assigns i;
        loop variant c->nooo - i; */
    for (i = 0; i < c->nooo && c->ooo[i].off + c->ooo[i].len < off; i++)
        ;
    /*@ loop invariant i <= j <= c->nooo;
        loop invariant touch: \forall integer x; i <= x < j ==> c->ooo[x].off <= end;
        loop assigns j;
        loop variant c->nooo - j; */
    for (j = i; j < c->nooo && c->ooo[j].off <= end; j++)
        ;
    if (i == j && c->nooo >= TCPSM_OOO_MAX)
        return; /* no room to remember another range: drop, the peer resends */
    /*@ assert cut: end == off + tlen && off < end && end <= rcv_wnd_l(c)
                    && (c->ooo_fin != 0 ==> end <= c->ooo_fin_off); */
    if (i < j)                          /* merge ranges i..j-1 with the new one */
        ooo_merge(c, i, j, off, end);
    else                                /* a new range at position i */
        ooo_insert(c, i, off, end);
    /*@ assert r_ranges: ranges_ok(c, c->nooo) && c->nooo <= 8; */
    /*@ assert r_fin: c->ooo_fin != 0 ==> c->ooo_fin_off >= last_end(c, c->nooo); */
    ooo_put(c, ring_pos(base, off, c->rcap), text, tlen);
}

/* RCV.NXT has moved n (rcount too): the ranges, offsets from the old
 * RCV.NXT, become offsets from the new one.  Those now wholly delivered
 * go (duplicates dropped), one that straddles RCV.NXT is cut to start at
 * offset 0, the rest move down by n.  (Its own function, like the other
 * loops over the ranges, so that the goals stay small.) */
/*@ requires mem: \valid(c);
    requires n: 0 < n <= c->rcount;
    requires shape: c->nooo <= 8 && c->rcap <= 1073741824 && c->rcount <= c->rcap;
    requires each: \forall integer x; 0 <= x < c->nooo
        ==> (c->ooo[x].len > 0 && c->ooo[x].off > 0 && ooo_end(c, x) <= rcv_wnd_l(c) + n);
    requires gaps: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1);
    assigns c->ooo[0 .. 7], c->nooo;
    ensures fewer: c->nooo <= \old(c->nooo);
    ensures each: \forall integer x; 0 <= x < c->nooo
        ==> (c->ooo[x].len > 0 && ooo_end(c, x) <= rcv_wnd_l(c));
    ensures gaps: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1);
    ensures last: c->nooo > 0 ==> last_end(c, c->nooo) + n == \old(last_end(c, c->nooo)); */
static void ooo_shift(struct tcpsm_conn *c, uint32_t n)
{
    uint32_t i, w = 0;
    /*@ loop invariant idx: 0 <= w <= i <= c->nooo && c->nooo == \at(c->nooo, Pre);
        loop invariant todo: \forall integer x; i <= x < 8
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre) && c->ooo[x].len == \at(c->ooo[x].len, Pre));
        loop invariant done: \forall integer x; 0 <= x < w
            ==> (c->ooo[x].len > 0 && ooo_end(c, x) <= rcv_wnd_l(c));
        loop invariant done_gaps: \forall integer x; 0 < x < w ==> c->ooo[x].off > ooo_end(c, x - 1);
        loop invariant lastw: w > 0 ==> \forall integer k; k == i - 1
            ==> ooo_end(c, w - 1) + n == \at(c->ooo[k].off, Pre) + \at(c->ooo[k].len, Pre);
        loop invariant link: w > 0 && i < c->nooo ==> ooo_end(c, w - 1) + n < c->ooo[i].off;
        loop assigns i, w, c->ooo[0 .. 7];
        loop variant c->nooo - i; */
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
        /*@ assert r_end: r.len > 0 && r.off + r.len + n == ooo_end(c, i); */
        /*@ assert r_ok: r.off + r.len <= rcv_wnd_l(c); */
        c->ooo[w++] = r;
        /*@ assert r_new: c->ooo[w - 1].len > 0 && ooo_end(c, w - 1) <= rcv_wnd_l(c); */
    }
    c->nooo = (uint8_t)w;
}

/* Range 0 is in order now: it goes, the others move down one. */
/*@ requires mem: \valid(c);
    requires idx: 0 < c->nooo <= 8;
    assigns c->ooo[0 .. 6], c->nooo;
    ensures n: c->nooo == \old(c->nooo) - 1;
    ensures moved: \forall integer x; 0 <= x < c->nooo
        ==> (c->ooo[x].off == \old(c->ooo[x + 1].off) && c->ooo[x].len == \old(c->ooo[x + 1].len)); */
static void ooo_drop_first(struct tcpsm_conn *c)
{
    uint32_t i;
    /*@ loop invariant idx: 1 <= i <= c->nooo && c->nooo == \at(c->nooo, Pre);
        loop invariant moved: \forall integer x; 0 <= x < i - 1
            ==> (c->ooo[x].off == \at(c->ooo[x + 1].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x + 1].len, Pre));
        loop invariant still: \forall integer x; i - 1 <= x < 8
            ==> (c->ooo[x].off == \at(c->ooo[x].off, Pre)
                 && c->ooo[x].len == \at(c->ooo[x].len, Pre));
        loop assigns i, c->ooo[0 .. 6];
        loop variant c->nooo - i; */
    for (i = 1; i < c->nooo; i++)
        c->ooo[i - 1u] = c->ooo[i];
    c->nooo--;
}

/* After ooo_shift: if range 0 starts at RCV.NXT, it is in order: it
 * goes, and its length is returned (else 0). */
/*@ requires mem: \valid(c);
    requires shape: c->nooo <= 8 && c->rcap <= 1073741824 && c->rcount <= c->rcap;
    requires each: \forall integer x; 0 <= x < c->nooo
        ==> (c->ooo[x].len > 0 && ooo_end(c, x) <= rcv_wnd_l(c));
    requires gaps: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1);
    assigns c->ooo[0 .. 6], c->nooo;
    ensures ranges: ranges_ok(c, c->nooo);
    ensures next: \result <= rcv_wnd_l(c);
    ensures fewer: c->nooo + (\result > 0 ? 1 : 0) <= \old(c->nooo);
    ensures last: last_end(c, c->nooo) <= \old(last_end(c, c->nooo)); */
static uint32_t ooo_take_first(struct tcpsm_conn *c)
{
    uint32_t n = 0;
    if (c->nooo > 0 && c->ooo[0].off == 0) {
        n = c->ooo[0].len;
        ooo_drop_first(c);
        /*@ assert t_each: \forall integer x; 0 <= x < c->nooo ==> range_ok(c, x); */
        /*@ assert t_gaps: \forall integer x; 0 < x < c->nooo ==> c->ooo[x].off > ooo_end(c, x - 1); */
        /*@ assert t_last: last_end(c, c->nooo) <= \at(last_end(c, c->nooo), Pre); */
    }
    return n;
}

/* The held PUSH and FIN marks, offsets from the old RCV.NXT, after
 * RCV.NXT (and rcount, from before) moved n. */
/*@ requires mem: \valid(c);
    requires n: 0 < n && c->rcount == before + n && c->rcount <= c->rcap;
    requires push: c->rpush <= before;
    requires psh: c->ooo_psh != 0 ==> (c->ooo_psh_off != 0 && c->ooo_psh_off <= rcv_wnd_l(c) + n);
    requires fin: c->ooo_fin != 0 ==> c->ooo_fin_off < rcv_wnd_l(c) + n;
    assigns c->rpush, c->ooo_psh, c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
    ensures push: c->rpush <= c->rcount;
    ensures psh: c->ooo_psh != 0 ==> (c->ooo_psh_off != 0 && c->ooo_psh_off <= rcv_wnd_l(c));
    ensures fin: c->ooo_fin != 0
        ==> (\old(c->ooo_fin) != 0 && c->ooo_fin_off < rcv_wnd_l(c)
             && c->ooo_fin_off + n == \old(c->ooo_fin_off)); */
static void marks_shift(struct tcpsm_conn *c, uint32_t n, uint32_t before)
{
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
}

/* n more bytes are in order: take them; return how many held bytes are
 * in order after them (0: none). */
/*@ requires mem: \valid(c);
    requires ok: recv_ok0(c);
    requires n: 0 < n && c->rcount + n <= c->rcap;
    assigns c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush, c->ooo_psh,
            c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
    ensures ok: recv_ok0(c);
    ensures next: c->rcount + \result <= c->rcap;
    ensures took: c->rcount == \old(c->rcount) + n;
    ensures nxt: c->rcv_nxt == seq_add_l(\old(c->rcv_nxt), n);
    ensures fewer: c->nooo + (\result > 0 ? 1 : 0) <= \old(c->nooo); */
static uint32_t rcv_step(struct tcpsm_conn *c, uint32_t n)
{
    uint32_t before = c->rcount;
    c->rcount += n;
    c->rcv_nxt = seq_add(c->rcv_nxt, n);
    ooo_shift(c, n);
    marks_shift(c, n, before);
    /*@ assert s_fin: c->ooo_fin != 0 ==> c->ooo_fin_off >= last_end(c, c->nooo); */
    return ooo_take_first(c);
}

/* Deliver n in-order bytes, then what became contiguous (reasm.h). */
void tcpsm_rcv_advance(struct tcpsm_conn *c, uint32_t n)
{
    /*@ loop invariant ok: recv_ok0(c);
        loop invariant room: c->rcount + n <= c->rcap;
        loop invariant grows: \at(c->rcount, Pre) + \at(n, Pre) <= c->rcount + n;
        loop invariant delivery: \at(c->rcount, Pre) <= c->rcount
                                 && c->rcount - \at(c->rcount, Pre) == seq_sub_l(c->rcv_nxt, \at(c->rcv_nxt, Pre));
        loop assigns n, c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush, c->ooo_psh,
                     c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
        loop variant c->nooo + (n > 0 ? 1 : 0); */
    while (n > 0)
        n = rcv_step(c, n);
}
