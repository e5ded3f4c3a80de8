/*
 * reasm.h: the receive side's reassembly (RFC 9293 3.10.7.4 seventh,
 * SHLD-31), internal to the engine: text that arrives beyond RCV.NXT is
 * held in the receive ring as up to TCPSM_OOO_MAX ranges, and delivered
 * once the gap before it fills.  input.c calls it; reasm.c is it.  Its
 * own file so that it is proven apart from the rest of SEGMENT ARRIVES.
 */
#ifndef TCPSM_REASM_H
#define TCPSM_REASM_H

#include "conn_impl.h"

/*@
  // recv_ok, but a held FIN may have become due (offset 0)
  predicate recv_ok0(struct tcpsm_conn *c) =
      c->rcap <= 1073741824 && c->rcount <= c->rcap
      && (c->rcap > 0 ? c->rhead < c->rcap : c->rhead == 0)
      && c->rpush <= c->rcount
      && c->nooo <= 8
      && ranges_ok(c, c->nooo)
      && (c->ooo_fin != 0 ==> (c->ooo_fin_off < rcv_wnd_l(c)
                               && c->ooo_fin_off >= last_end(c, c->nooo)))
      && (c->ooo_psh != 0 ==> (c->ooo_psh_off != 0 && c->ooo_psh_off <= rcv_wnd_l(c)));
*/

/* Insert out-of-order text at offset off from RCV.NXT (SHLD-31). */
/*@ requires mem: \valid(c) && \valid(c->rbuf + (0 .. c->rcap - 1))
                  && \separated(c, c->rbuf + (0 .. c->rcap - 1));
    requires text: \valid_read(text + (0 .. tlen - 1))
                   && \separated(text + (0 .. tlen - 1), c, c->rbuf + (0 .. c->rcap - 1));
    requires ok: recv_ok(c);
    requires win: 0 < off && 0 < tlen && off + tlen <= rcv_wnd_l(c);
    assigns c->rbuf[0 .. c->rcap - 1], c->ooo[0 .. 7], c->nooo;
    ensures ok: recv_ok(c); */
void tcpsm_ooo_store(struct tcpsm_conn *c, uint32_t off, const uint8_t *text, uint32_t tlen);

/* n in-order bytes are in the ring after the unread ones: take them, then
 * whatever out-of-order data has become contiguous. */
/*@ requires mem: \valid(c);
    requires ok: recv_ok(c);
    requires n: c->rcount + n <= c->rcap;
    assigns c->rcount, c->rcv_nxt, c->ooo[0 .. 7], c->nooo, c->rpush, c->ooo_psh,
            c->ooo_psh_off, c->ooo_fin, c->ooo_fin_off;
    ensures ok: recv_ok0(c);
    ensures grows: \old(c->rcount) + n <= c->rcount;
    ensures delivery: c->rcount - \old(c->rcount) == seq_sub_l(c->rcv_nxt, \old(c->rcv_nxt)); */
void tcpsm_rcv_advance(struct tcpsm_conn *c, uint32_t n);

#endif
