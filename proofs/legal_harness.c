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
*/
