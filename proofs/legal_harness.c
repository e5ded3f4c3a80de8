/*
 * proofs/legal_harness.c: lemmas about legal_transition(from, to), the
 * predicate that `make prove` generates from spec/transitions.def
 * (proofs/transitions.acsl.in -> build/proofs/transitions.acsl, included
 * by tcpsm.h when TCPSM_PROOF is defined).
 *
 * They check the generated predicate against RFC 9293 Figure 5 on known
 * cells, and state the facts about it that later proofs will lean on.
 * WP proves each one; none is admitted.  Never compiled into the library.
 */
#include "tcpsm.h"
#include "rows.acsl"

/*@
  // a row of the table: LISTEN -SYN-> SYN-RECEIVED (3.10.7.2 third)
  lemma legal_listen_syn_received: legal_transition(TCPSM_LISTEN, TCPSM_SYN_RECEIVED);

  // no row goes from LISTEN to TIME-WAIT
  lemma illegal_listen_time_wait: !legal_transition(TCPSM_LISTEN, TCPSM_TIME_WAIT);

  // staying in a state is always legal (error rows, ignored events)
  lemma legal_stay: \forall integer s; legal_transition(s, s);

  // every state can be deleted (ABORT, RST, timeouts) ...
  lemma legal_to_closed: \forall integer s;
      TCPSM_CLOSED <= s <= TCPSM_TIME_WAIT ==> legal_transition(s, TCPSM_CLOSED);

  // ... but CLOSED is left only by OPEN
  lemma from_closed: \forall integer t;
      legal_transition(TCPSM_CLOSED, t)
      ==> t == TCPSM_CLOSED || t == TCPSM_LISTEN || t == TCPSM_SYN_SENT;

  // ESTABLISHED is entered only by completing a handshake
  lemma into_established: \forall integer s;
      legal_transition(s, TCPSM_ESTABLISHED)
      ==> s == TCPSM_ESTABLISHED || s == TCPSM_SYN_SENT || s == TCPSM_SYN_RECEIVED;

  // TIME-WAIT is entered only from CLOSING and FIN-WAIT-2 (Figure 5)
  lemma into_time_wait: \forall integer s;
      legal_transition(s, TCPSM_TIME_WAIT)
      ==> s == TCPSM_TIME_WAIT || s == TCPSM_CLOSING || s == TCPSM_FIN_WAIT_2;

  // the relation names states only
  lemma legal_states: \forall integer s, t;
      legal_transition(s, t) && s != t
      ==> TCPSM_CLOSED <= s <= TCPSM_TIME_WAIT && TCPSM_CLOSED <= t <= TCPSM_TIME_WAIT;

  // ---- the rows of the table (build/proofs/transitions.acsl) ----------
  lemma row_of_range: \forall integer s, e; -1 <= row_of(s, e) < tcpsm_nrows_l;
  lemma row_of_found: \forall integer s, e; row_of(s, e) >= 0 ==>
      row_from(row_of(s, e)) == s && row_event(row_of(s, e)) == e;
  lemma rows_fields: \forall integer r; 0 <= r < tcpsm_nrows_l ==>
      TCPSM_CLOSED <= row_from(r) <= TCPSM_TIME_WAIT && TCPSM_CLOSED <= row_to(r) <= TCPSM_TIME_WAIT
      && 0 <= row_event(r) < TCPSM_NEVENTS && 0 <= row_action(r) < TCPSM_NACTIONS;
  // every row is an edge of legal_transition
  lemma rows_legal: \forall integer r; 0 <= r < tcpsm_nrows_l ==>
      legal_transition(row_from(r), row_to(r));

  // ---- what each action does to the state -----------------------------
  // the TCB is deleted: every clearing row ends in CLOSED
  lemma clearing_rows: \forall integer r; 0 <= r < tcpsm_nrows_l && clearing(row_action(r))
      ==> row_to(r) == TCPSM_CLOSED;

  // these actions never change the state
  lemma staying_rows: \forall integer r; 0 <= r < tcpsm_nrows_l && staying(row_action(r))
      ==> row_to(r) == row_from(r);

  // OPEN passive, and MUST-11's return to LISTEN
  lemma listen_rows: \forall integer r; 0 <= r < tcpsm_nrows_l
      && (row_action(r) == TCPSM_A_LISTEN || row_action(r) == TCPSM_A_TO_LISTEN)
      ==> row_to(r) == TCPSM_LISTEN;

  // active OPEN, and SEND in LISTEN
  lemma connect_rows: \forall integer r; 0 <= r < tcpsm_nrows_l
      && (row_action(r) == TCPSM_A_CONNECT || row_action(r) == TCPSM_A_CONNECT_SEND)
      ==> row_to(r) == TCPSM_SYN_SENT
          && (row_action(r) == TCPSM_A_CONNECT_SEND ==> row_from(r) == TCPSM_LISTEN);

  // a SYN answered: from LISTEN or SYN-SENT to SYN-RECEIVED
  lemma syn_ack_rows: \forall integer r; 0 <= r < tcpsm_nrows_l && row_action(r) == TCPSM_A_SYN_ACK
      ==> row_to(r) == TCPSM_SYN_RECEIVED
          && (row_from(r) == TCPSM_LISTEN || row_from(r) == TCPSM_SYN_SENT);

  // the handshake completes
  lemma establish_rows: \forall integer r; 0 <= r < tcpsm_nrows_l
      && (row_action(r) == TCPSM_A_ESTABLISH || row_action(r) == TCPSM_A_SYN_ACKED)
      ==> row_to(r) == TCPSM_ESTABLISHED;

  // CLOSE with a FIN to send
  lemma queue_fin_rows: \forall integer r; 0 <= r < tcpsm_nrows_l && row_action(r) == TCPSM_A_QUEUE_FIN
      ==> (row_from(r) == TCPSM_ESTABLISHED && row_to(r) == TCPSM_FIN_WAIT_1)
          || (row_from(r) == TCPSM_SYN_RECEIVED && row_to(r) == TCPSM_FIN_WAIT_1)
          || (row_from(r) == TCPSM_CLOSE_WAIT && row_to(r) == TCPSM_LAST_ACK);

  // a retransmission timeout is taken only where something can be outstanding
  lemma retransmit_rows: \forall integer r; 0 <= r < tcpsm_nrows_l
      && row_action(r) == TCPSM_A_RETRANSMIT
      ==> row_from(r) != TCPSM_TIME_WAIT && row_from(r) != TCPSM_CLOSED
          && row_from(r) != TCPSM_LISTEN;

  lemma time_wait_rows: \forall integer r; 0 <= r < tcpsm_nrows_l && row_action(r) == TCPSM_A_TIME_WAIT
      ==> row_to(r) == TCPSM_TIME_WAIT;

  // ---- what the engine's entry points require of the table ------------
  // proofs/rows.acsl: the engine proves its entry points from these facts
  // (`requires table:`), this proves them of spec/transitions.def
  lemma input_rows_hold: input_rows;
  lemma seq_rows_hold: seq_rows;
  lemma user_rows_hold: user_rows;
  lemma timers_rows_hold: timers_rows;
*/
