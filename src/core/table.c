/*
 * table.c: the transition table, built from spec/transitions.def, and the
 * names used in logs.
 *
 * Implementation notes: the rows are the X-macro expansion of the spec
 * file in file order; each row also gets an enumerator (its index), so a
 * duplicated (state, event) pair is a compile error.  The lookups
 * tcpsm_row_find/_to/_action are switches expanded from the same rows.
 *
 * The names are switches rather than arrays of strings: a repeated case is
 * a compile error, a missing one yields "?" instead of NULL, and WP proves
 * each case readable on its own (with an array it has to go through every
 * element at once, which the provers do not finish for 24 of them).
 */
#include "tcpsm.h"

#define T(f, e, t, a, s) { TCPSM_##f, TCPSM_EV_##e, TCPSM_##t, TCPSM_A_##a, s },
const struct tcpsm_row tcpsm_rows[] = {
#include "../../spec/transitions.def"
};
#undef T

const uint16_t tcpsm_nrows = (uint16_t)(sizeof tcpsm_rows / sizeof tcpsm_rows[0]);

/* One enumerator per row: a repeated (state, event) pair fails to compile. */
enum row_id {
#define T(f, e, t, a, s) ROW_##f##_##e,
#include "../../spec/transitions.def"
#undef T
    ROW_COUNT
};

/* The lookups are switches generated from the same rows: a repeated
 * (state, event) pair is a repeated case label, a compile error; the
 * compiler makes jump tables of them; and WP proves each case against the
 * ACSL view of the table (build/proofs/transitions.acsl) on its own, where
 * an array lookup would make it go through every row at once. */
#define KEY(s, e) ((unsigned)(s) * (unsigned)TCPSM_NEVENTS + (unsigned)(e))

int tcpsm_row_find(unsigned state, unsigned event)
{
    if (state >= (unsigned)TCPSM_NSTATES || event >= (unsigned)TCPSM_NEVENTS)
        return -1;
    switch (KEY(state, event)) {
#define T(f, e, t, a, s) case KEY(TCPSM_##f, TCPSM_EV_##e): return ROW_##f##_##e;
#include "../../spec/transitions.def"
#undef T
    default:
        return -1;
    }
}

unsigned tcpsm_row_to(unsigned row)
{
    switch (row) {
#define T(f, e, t, a, s) case ROW_##f##_##e: return TCPSM_##t;
#include "../../spec/transitions.def"
#undef T
    default:
        return TCPSM_NSTATES;
    }
}

unsigned tcpsm_row_action(unsigned row)
{
    switch (row) {
#define T(f, e, t, a, s) case ROW_##f##_##e: return TCPSM_A_##a;
#include "../../spec/transitions.def"
#undef T
    default:
        return TCPSM_NACTIONS;
    }
}

const char *tcpsm_state_name(unsigned state)
{
    switch (state) {
    case TCPSM_CLOSED: return "CLOSED";
    case TCPSM_LISTEN: return "LISTEN";
    case TCPSM_SYN_SENT: return "SYN-SENT";
    case TCPSM_SYN_RECEIVED: return "SYN-RECEIVED";
    case TCPSM_ESTABLISHED: return "ESTABLISHED";
    case TCPSM_FIN_WAIT_1: return "FIN-WAIT-1";
    case TCPSM_FIN_WAIT_2: return "FIN-WAIT-2";
    case TCPSM_CLOSE_WAIT: return "CLOSE-WAIT";
    case TCPSM_CLOSING: return "CLOSING";
    case TCPSM_LAST_ACK: return "LAST-ACK";
    case TCPSM_TIME_WAIT: return "TIME-WAIT";
    default: return "?";
    }
}

const char *tcpsm_event_name(unsigned event)
{
    switch (event) {
    case TCPSM_EV_OPEN_PASSIVE: return "OPEN_PASSIVE";
    case TCPSM_EV_OPEN_ACTIVE: return "OPEN_ACTIVE";
    case TCPSM_EV_SEND: return "SEND";
    case TCPSM_EV_RECEIVE: return "RECEIVE";
    case TCPSM_EV_CLOSE: return "CLOSE";
    case TCPSM_EV_ABORT: return "ABORT";
    case TCPSM_EV_STATUS: return "STATUS";
    case TCPSM_EV_SEG_ANY: return "SEG_ANY";
    case TCPSM_EV_SEG_UNACCEPTABLE: return "SEG_UNACCEPTABLE";
    case TCPSM_EV_SEG_RST: return "SEG_RST";
    case TCPSM_EV_SEG_RST_PASSIVE: return "SEG_RST_PASSIVE";
    case TCPSM_EV_SEG_RST_CHALLENGE: return "SEG_RST_CHALLENGE";
    case TCPSM_EV_SEG_SECURITY: return "SEG_SECURITY";
    case TCPSM_EV_SEG_SYN: return "SEG_SYN";
    case TCPSM_EV_SEG_SYN_ACK: return "SEG_SYN_ACK";
    case TCPSM_EV_SEG_SYN_PASSIVE: return "SEG_SYN_PASSIVE";
    case TCPSM_EV_SEG_SYN_RESET: return "SEG_SYN_RESET";
    case TCPSM_EV_SEG_BAD_ACK: return "SEG_BAD_ACK";
    case TCPSM_EV_SEG_ACK_OF_SYN: return "SEG_ACK_OF_SYN";
    case TCPSM_EV_SEG_ACK_OF_FIN: return "SEG_ACK_OF_FIN";
    case TCPSM_EV_SEG_FIN: return "SEG_FIN";
    case TCPSM_EV_TIMEOUT_USER: return "TIMEOUT_USER";
    case TCPSM_EV_TIMEOUT_RTX: return "TIMEOUT_RTX";
    case TCPSM_EV_TIMEOUT_2MSL: return "TIMEOUT_2MSL";
    case TCPSM_EV_TIMEOUT_KEEPALIVE: return "TIMEOUT_KEEPALIVE";
    default: return "?";
    }
}

const char *tcpsm_action_name(unsigned action)
{
    switch (action) {
    case TCPSM_A_NONE: return "NONE";
    case TCPSM_A_LISTEN: return "LISTEN";
    case TCPSM_A_CONNECT: return "CONNECT";
    case TCPSM_A_CONNECT_SEND: return "CONNECT_SEND";
    case TCPSM_A_QUEUE_SEND: return "QUEUE_SEND";
    case TCPSM_A_RECEIVE: return "RECEIVE";
    case TCPSM_A_STATUS: return "STATUS";
    case TCPSM_A_QUEUE_FIN: return "QUEUE_FIN";
    case TCPSM_A_DELETE: return "DELETE";
    case TCPSM_A_SEND_RST: return "SEND_RST";
    case TCPSM_A_REPLY_RST: return "REPLY_RST";
    case TCPSM_A_SEND_ACK: return "SEND_ACK";
    case TCPSM_A_SYN_ACK: return "SYN_ACK";
    case TCPSM_A_ESTABLISH: return "ESTABLISH";
    case TCPSM_A_SYN_ACKED: return "SYN_ACKED";
    case TCPSM_A_TO_LISTEN: return "TO_LISTEN";
    case TCPSM_A_RESET: return "RESET";
    case TCPSM_A_RESET_SEND_RST: return "RESET_SEND_RST";
    case TCPSM_A_REFUSED: return "REFUSED";
    case TCPSM_A_TIME_WAIT: return "TIME_WAIT";
    case TCPSM_A_USER_TIMEOUT: return "USER_TIMEOUT";
    case TCPSM_A_TIMED_OUT: return "TIMED_OUT";
    case TCPSM_A_RETRANSMIT: return "RETRANSMIT";
    case TCPSM_A_ERR_EXISTS: return "ERR_EXISTS";
    case TCPSM_A_ERR_NOT_EXIST: return "ERR_NOT_EXIST";
    case TCPSM_A_ERR_CLOSING: return "ERR_CLOSING";
    default: return "?";
    }
}

/* RFC 9293 3.10: the error texts; the others are this library's own. */
const char *tcpsm_err_name(unsigned err)
{
    switch (err) {
    case TCPSM_OK: return "ok";
    case TCPSM_ERR_NOT_EXIST: return "connection does not exist";
    case TCPSM_ERR_EXISTS: return "connection already exists";
    case TCPSM_ERR_CLOSING: return "connection closing";
    case TCPSM_ERR_RESET: return "connection reset";
    case TCPSM_ERR_REFUSED: return "connection refused";
    case TCPSM_ERR_RESOURCES: return "insufficient resources";
    case TCPSM_ERR_UNSPECIFIED: return "remote socket unspecified";
    case TCPSM_ERR_ILLEGAL: return "connection illegal for this process";
    case TCPSM_ERR_SECURITY: return "security/compartment not allowed";
    case TCPSM_ERR_USER_TIMEOUT: return "connection aborted due to user timeout";
    case TCPSM_ERR_TIMED_OUT: return "connection timed out";
    case TCPSM_ERR_EMPTY: return "nothing to send";
    case TCPSM_ERR_INVAL: return "invalid argument";
    case TCPSM_ERR_NOT_FOR_US: return "segment does not match this connection";
    case TCPSM_ERR_TRUNCATED: return "segment truncated";
    case TCPSM_ERR_BAD_HEADER: return "bad TCP header";
    case TCPSM_ERR_BAD_OPTION: return "illegal option length";
    case TCPSM_ERR_BAD_CHECKSUM: return "bad checksum";
    case TCPSM_ERR_NOSPACE: return "output buffer too small";
    default: return "?";
    }
}

const char *tcpsm_inv_name(unsigned inv)
{
    switch (inv) {
    case TCPSM_INV_OK: return "ok";
    case TCPSM_INV_NULL: return "NULL TCB or buffer";
    case TCPSM_INV_STATE: return "state out of range";
    case TCPSM_INV_SND_ORDER: return "SND.UNA =< SND.NXT violated";
    case TCPSM_INV_SND_BUF: return "SND.NXT - SND.UNA exceeds what the send buffer holds";
    case TCPSM_INV_SND_RING: return "send ring index out of range";
    case TCPSM_INV_RCV_RING: return "receive ring index out of range";
    case TCPSM_INV_RCV_WND: return "RCV.WND inconsistent with the receive buffer";
    case TCPSM_INV_OOO: return "out-of-order ranges inconsistent";
    case TCPSM_INV_LISTEN_PEER: return "CLOSED/LISTEN holds a peer or data";
    case TCPSM_INV_CLOSED_TIMERS: return "timer running in CLOSED or LISTEN";
    case TCPSM_INV_TIMEWAIT_TIMER: return "2 MSL timer inconsistent with TIME-WAIT";
    case TCPSM_INV_RTX_TIMER: return "retransmission timer with nothing outstanding";
    case TCPSM_INV_SYN_STATE: return "SYN flags inconsistent with the state";
    case TCPSM_INV_FIN_STATE: return "FIN flags inconsistent with the state";
    case TCPSM_INV_MSS: return "send MSS is zero";
    case TCPSM_INV_CONFIG: return "configuration or queue count out of range";
    default: return "?";
    }
}
