/*
 * table.c: the transition table, built from spec/transitions.def, and the
 * names used in logs.
 *
 * Implementation notes: the rows are the X-macro expansion of the spec
 * file in file order.  The (state, event) index is a designated-initialiser
 * array filled from the same rows, so a duplicated (state, event) pair is
 * a compile error under -Werror (-Woverride-init / duplicate enumerator),
 * and the lookup is one array read.  Index entries hold row + 1; 0 means
 * "no row: the state ignores this event".
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

static const uint16_t row_index[TCPSM_NSTATES][TCPSM_NEVENTS] = {
#define T(f, e, t, a, s) [TCPSM_##f][TCPSM_EV_##e] = (uint16_t)(ROW_##f##_##e + 1),
#include "../../spec/transitions.def"
#undef T
};

int tcpsm_row_find(unsigned state, unsigned event)
{
    if (state >= (unsigned)TCPSM_NSTATES || event >= (unsigned)TCPSM_NEVENTS)
        return -1;
    return (int)row_index[state][event] - 1;
}

static const char *const state_names[TCPSM_NSTATES] = {
    [TCPSM_CLOSED] = "CLOSED",
    [TCPSM_LISTEN] = "LISTEN",
    [TCPSM_SYN_SENT] = "SYN-SENT",
    [TCPSM_SYN_RECEIVED] = "SYN-RECEIVED",
    [TCPSM_ESTABLISHED] = "ESTABLISHED",
    [TCPSM_FIN_WAIT_1] = "FIN-WAIT-1",
    [TCPSM_FIN_WAIT_2] = "FIN-WAIT-2",
    [TCPSM_CLOSE_WAIT] = "CLOSE-WAIT",
    [TCPSM_CLOSING] = "CLOSING",
    [TCPSM_LAST_ACK] = "LAST-ACK",
    [TCPSM_TIME_WAIT] = "TIME-WAIT",
};

static const char *const event_names[TCPSM_NEVENTS] = {
    [TCPSM_EV_OPEN_PASSIVE] = "OPEN_PASSIVE",
    [TCPSM_EV_OPEN_ACTIVE] = "OPEN_ACTIVE",
    [TCPSM_EV_SEND] = "SEND",
    [TCPSM_EV_RECEIVE] = "RECEIVE",
    [TCPSM_EV_CLOSE] = "CLOSE",
    [TCPSM_EV_ABORT] = "ABORT",
    [TCPSM_EV_STATUS] = "STATUS",
    [TCPSM_EV_SEG_ANY] = "SEG_ANY",
    [TCPSM_EV_SEG_UNACCEPTABLE] = "SEG_UNACCEPTABLE",
    [TCPSM_EV_SEG_RST] = "SEG_RST",
    [TCPSM_EV_SEG_RST_PASSIVE] = "SEG_RST_PASSIVE",
    [TCPSM_EV_SEG_RST_CHALLENGE] = "SEG_RST_CHALLENGE",
    [TCPSM_EV_SEG_SECURITY] = "SEG_SECURITY",
    [TCPSM_EV_SEG_SYN] = "SEG_SYN",
    [TCPSM_EV_SEG_SYN_ACK] = "SEG_SYN_ACK",
    [TCPSM_EV_SEG_SYN_PASSIVE] = "SEG_SYN_PASSIVE",
    [TCPSM_EV_SEG_SYN_RESET] = "SEG_SYN_RESET",
    [TCPSM_EV_SEG_BAD_ACK] = "SEG_BAD_ACK",
    [TCPSM_EV_SEG_ACK_OF_SYN] = "SEG_ACK_OF_SYN",
    [TCPSM_EV_SEG_ACK_OF_FIN] = "SEG_ACK_OF_FIN",
    [TCPSM_EV_SEG_FIN] = "SEG_FIN",
    [TCPSM_EV_TIMEOUT_USER] = "TIMEOUT_USER",
    [TCPSM_EV_TIMEOUT_RTX] = "TIMEOUT_RTX",
    [TCPSM_EV_TIMEOUT_2MSL] = "TIMEOUT_2MSL",
};

static const char *const action_names[TCPSM_NACTIONS] = {
    [TCPSM_A_NONE] = "NONE",
    [TCPSM_A_LISTEN] = "LISTEN",
    [TCPSM_A_CONNECT] = "CONNECT",
    [TCPSM_A_CONNECT_SEND] = "CONNECT_SEND",
    [TCPSM_A_QUEUE_SEND] = "QUEUE_SEND",
    [TCPSM_A_RECEIVE] = "RECEIVE",
    [TCPSM_A_STATUS] = "STATUS",
    [TCPSM_A_QUEUE_FIN] = "QUEUE_FIN",
    [TCPSM_A_DELETE] = "DELETE",
    [TCPSM_A_SEND_RST] = "SEND_RST",
    [TCPSM_A_REPLY_RST] = "REPLY_RST",
    [TCPSM_A_SEND_ACK] = "SEND_ACK",
    [TCPSM_A_SYN_ACK] = "SYN_ACK",
    [TCPSM_A_ESTABLISH] = "ESTABLISH",
    [TCPSM_A_SYN_ACKED] = "SYN_ACKED",
    [TCPSM_A_TO_LISTEN] = "TO_LISTEN",
    [TCPSM_A_RESET] = "RESET",
    [TCPSM_A_RESET_SEND_RST] = "RESET_SEND_RST",
    [TCPSM_A_REFUSED] = "REFUSED",
    [TCPSM_A_TIME_WAIT] = "TIME_WAIT",
    [TCPSM_A_USER_TIMEOUT] = "USER_TIMEOUT",
    [TCPSM_A_RETRANSMIT] = "RETRANSMIT",
    [TCPSM_A_ERR_EXISTS] = "ERR_EXISTS",
    [TCPSM_A_ERR_NOT_EXIST] = "ERR_NOT_EXIST",
    [TCPSM_A_ERR_CLOSING] = "ERR_CLOSING",
};

/* RFC 9293 3.10: the error texts; the others are this library's own. */
static const char *const err_names[TCPSM_NERRS] = {
    [TCPSM_OK] = "ok",
    [TCPSM_ERR_NOT_EXIST] = "connection does not exist",
    [TCPSM_ERR_EXISTS] = "connection already exists",
    [TCPSM_ERR_CLOSING] = "connection closing",
    [TCPSM_ERR_RESET] = "connection reset",
    [TCPSM_ERR_REFUSED] = "connection refused",
    [TCPSM_ERR_RESOURCES] = "insufficient resources",
    [TCPSM_ERR_UNSPECIFIED] = "remote socket unspecified",
    [TCPSM_ERR_ILLEGAL] = "connection illegal for this process",
    [TCPSM_ERR_SECURITY] = "security/compartment not allowed",
    [TCPSM_ERR_USER_TIMEOUT] = "connection aborted due to user timeout",
    [TCPSM_ERR_EMPTY] = "nothing to send",
    [TCPSM_ERR_INVAL] = "invalid argument",
    [TCPSM_ERR_NOT_FOR_US] = "segment does not match this connection",
    [TCPSM_ERR_TRUNCATED] = "segment truncated",
    [TCPSM_ERR_BAD_HEADER] = "bad TCP header",
    [TCPSM_ERR_BAD_OPTION] = "illegal option length",
    [TCPSM_ERR_BAD_CHECKSUM] = "bad checksum",
    [TCPSM_ERR_NOSPACE] = "output buffer too small",
};

static const char *const inv_names[TCPSM_NINVS] = {
    [TCPSM_INV_OK] = "ok",
    [TCPSM_INV_NULL] = "NULL TCB or buffer",
    [TCPSM_INV_STATE] = "state out of range",
    [TCPSM_INV_SND_ORDER] = "SND.UNA =< SND.NXT violated",
    [TCPSM_INV_SND_BUF] = "SND.NXT - SND.UNA exceeds what the send buffer holds",
    [TCPSM_INV_SND_RING] = "send ring index out of range",
    [TCPSM_INV_RCV_RING] = "receive ring index out of range",
    [TCPSM_INV_RCV_WND] = "RCV.WND inconsistent with the receive buffer",
    [TCPSM_INV_OOO] = "out-of-order ranges inconsistent",
    [TCPSM_INV_LISTEN_PEER] = "CLOSED/LISTEN holds a peer or data",
    [TCPSM_INV_CLOSED_TIMERS] = "timer running in CLOSED or LISTEN",
    [TCPSM_INV_TIMEWAIT_TIMER] = "2 MSL timer inconsistent with TIME-WAIT",
    [TCPSM_INV_RTX_TIMER] = "retransmission timer with nothing outstanding",
    [TCPSM_INV_SYN_STATE] = "SYN flags inconsistent with the state",
    [TCPSM_INV_FIN_STATE] = "FIN flags inconsistent with the state",
    [TCPSM_INV_MSS] = "send MSS is zero",
};

const char *tcpsm_state_name(unsigned state)
{
    return state < (unsigned)TCPSM_NSTATES ? state_names[state] : "?";
}

const char *tcpsm_event_name(unsigned event)
{
    return event < (unsigned)TCPSM_NEVENTS ? event_names[event] : "?";
}

const char *tcpsm_action_name(unsigned action)
{
    return action < (unsigned)TCPSM_NACTIONS ? action_names[action] : "?";
}

const char *tcpsm_err_name(unsigned err)
{
    return err < (unsigned)TCPSM_NERRS ? err_names[err] : "?";
}

const char *tcpsm_inv_name(unsigned inv)
{
    return inv < (unsigned)TCPSM_NINVS ? inv_names[inv] : "?";
}
