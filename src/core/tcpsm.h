/*
 * tcpsm.h: the public interface of the tcpsm core.
 *
 * tcpsm is the RFC 9293 TCP state machine for one connection as a pure
 * library: no I/O, no clock, no allocation, no global state.  The caller
 * owns every byte of memory (the TCB and its two buffers), passes the time
 * (`now`, microseconds, monotonic) into every call, feeds parsed segments in
 * with tcpsm_input(), and pulls the segments the engine wants sent with
 * tcpsm_output() until it returns TCPSM_ERR_EMPTY.  tcpsm_next_deadline()
 * says when tcpsm_timer() must be called next.
 *
 * The wire codec (parse/serialise a TCP header, options, the Internet
 * checksum) is declared at the end of this header; it is independent of
 * the state machine.
 *
 * Implementation notes:
 * - RFC variable names are kept: snd_una, snd_nxt, rcv_nxt, irs, iss ...
 * - All sequence arithmetic goes through seq.h (modulo 2^32, wrap-free).
 * - Every state change goes through one function in conn.c, which takes
 *   the row from spec/transitions.def; no other code writes c->state.
 */
#ifndef TCPSM_H
#define TCPSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TCPSM_VERSION "0.1.0"

/* ---------------------------------------------------------------------- */
/* States (RFC 9293 Figure 5), events and actions, from spec/transitions.def */

enum tcpsm_state {
    TCPSM_CLOSED = 0,
    TCPSM_LISTEN,
    TCPSM_SYN_SENT,
    TCPSM_SYN_RECEIVED,
    TCPSM_ESTABLISHED,
    TCPSM_FIN_WAIT_1,
    TCPSM_FIN_WAIT_2,
    TCPSM_CLOSE_WAIT,
    TCPSM_CLOSING,
    TCPSM_LAST_ACK,
    TCPSM_TIME_WAIT,
    TCPSM_NSTATES
};

/* Events of RFC 9293 3.10: user calls, the decisions of the SEGMENT ARRIVES
 * checks (3.10.7), and the three timeouts (3.10.8). */
enum tcpsm_event {
    TCPSM_EV_OPEN_PASSIVE = 0,  /* 3.10.1 passive OPEN */
    TCPSM_EV_OPEN_ACTIVE,       /* 3.10.1 active OPEN */
    TCPSM_EV_SEND,              /* 3.10.2 */
    TCPSM_EV_RECEIVE,           /* 3.10.3 */
    TCPSM_EV_CLOSE,             /* 3.10.4 */
    TCPSM_EV_ABORT,             /* 3.10.5 */
    TCPSM_EV_STATUS,            /* 3.10.6 */
    TCPSM_EV_SEG_ANY,           /* 3.10.7.1 a non-RST segment with no TCB */
    TCPSM_EV_SEG_UNACCEPTABLE,  /* 3.10.7.4 first: fails the sequence test */
    TCPSM_EV_SEG_RST,           /* an acceptable RST */
    TCPSM_EV_SEG_RST_PASSIVE,   /* acceptable RST in SYN-RECEIVED from a passive OPEN */
    TCPSM_EV_SEG_RST_CHALLENGE, /* in-window RST, SEG.SEQ != RCV.NXT (RFC 5961 3.2) */
    TCPSM_EV_SEG_SECURITY,      /* security/compartment mismatch */
    TCPSM_EV_SEG_SYN,           /* SYN (LISTEN, SYN-SENT) or SYN in a synchronised state */
    TCPSM_EV_SEG_SYN_ACK,       /* SYN-SENT: SYN with an acceptable ACK */
    TCPSM_EV_SEG_SYN_PASSIVE,   /* SYN in SYN-RECEIVED from a passive OPEN */
    TCPSM_EV_SEG_SYN_RESET,     /* in-window SYN, RFC 5961 off: RFC 793 reset */
    TCPSM_EV_SEG_BAD_ACK,       /* unacceptable ACK field */
    TCPSM_EV_SEG_ACK_OF_SYN,    /* SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT */
    TCPSM_EV_SEG_ACK_OF_FIN,    /* our FIN is now acknowledged */
    TCPSM_EV_SEG_FIN,           /* FIN at RCV.NXT */
    TCPSM_EV_TIMEOUT_USER,      /* 3.10.8 USER TIMEOUT */
    TCPSM_EV_TIMEOUT_RTX,       /* 3.10.8 RETRANSMISSION TIMEOUT */
    TCPSM_EV_TIMEOUT_2MSL,      /* 3.10.8 TIME-WAIT TIMEOUT */
    TCPSM_EV_TIMEOUT_KEEPALIVE, /* RFC 1122 4.2.3.6: keep-alive probes unanswered */
    TCPSM_NEVENTS
};

/* What a table row does besides changing state; a switch in conn.c. */
enum tcpsm_action {
    TCPSM_A_NONE = 0,
    TCPSM_A_LISTEN,         /* fill the TCB for a passive OPEN */
    TCPSM_A_CONNECT,        /* select ISS, queue <SEQ=ISS><CTL=SYN> */
    TCPSM_A_CONNECT_SEND,   /* LISTEN + SEND: become active, queue SYN and data */
    TCPSM_A_QUEUE_SEND,     /* queue user data (and URG/PSH marks) */
    TCPSM_A_RECEIVE,        /* hand in-order data to the user */
    TCPSM_A_STATUS,
    TCPSM_A_QUEUE_FIN,      /* FIN after all queued data */
    TCPSM_A_DELETE,         /* delete the TCB */
    TCPSM_A_SEND_RST,       /* <SEQ=SND.NXT><CTL=RST>, flush, delete (ABORT) */
    TCPSM_A_REPLY_RST,      /* RST in reply to the offending segment */
    TCPSM_A_SEND_ACK,       /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
    TCPSM_A_SYN_ACK,        /* record IRS, queue <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
    TCPSM_A_ESTABLISH,      /* SYN-SENT: our SYN acked, queue ACK */
    TCPSM_A_SYN_ACKED,      /* SYN-RECEIVED: our SYN acked */
    TCPSM_A_TO_LISTEN,      /* flush and return to LISTEN (MUST-11) */
    TCPSM_A_RESET,          /* signal "connection reset", delete */
    TCPSM_A_RESET_SEND_RST, /* send RST, signal "connection reset", delete */
    TCPSM_A_REFUSED,        /* signal "connection refused", delete */
    TCPSM_A_TIME_WAIT,      /* start the 2 MSL timer, stop the others */
    TCPSM_A_USER_TIMEOUT,   /* signal "connection aborted due to user timeout", delete */
    TCPSM_A_RETRANSMIT,     /* resend the front of the retransmission queue */
    TCPSM_A_ERR_EXISTS,     /* "connection already exists" */
    TCPSM_A_ERR_NOT_EXIST,  /* "connection does not exist" */
    TCPSM_A_ERR_CLOSING,    /* "connection closing" */
    TCPSM_A_TIMED_OUT,      /* signal "connection timed out" (keep-alive), delete */
    TCPSM_NACTIONS
};

/* ---------------------------------------------------------------------- */
/* Errors, named after RFC 9293's error texts where it has one. */

enum tcpsm_err {
    TCPSM_OK = 0,
    TCPSM_ERR_NOT_EXIST,      /* "connection does not exist" */
    TCPSM_ERR_EXISTS,         /* "connection already exists" */
    TCPSM_ERR_CLOSING,        /* "connection closing" */
    TCPSM_ERR_RESET,          /* "connection reset" */
    TCPSM_ERR_REFUSED,        /* "connection refused" */
    TCPSM_ERR_RESOURCES,      /* "insufficient resources" */
    TCPSM_ERR_UNSPECIFIED,    /* "remote socket unspecified" */
    TCPSM_ERR_ILLEGAL,        /* "connection illegal for this process" */
    TCPSM_ERR_SECURITY,       /* "security/compartment not allowed" */
    TCPSM_ERR_USER_TIMEOUT,   /* "connection aborted due to user timeout" */
    TCPSM_ERR_EMPTY,          /* tcpsm_output: nothing to send */
    TCPSM_ERR_INVAL,          /* a bad argument (NULL, impossible length ...) */
    TCPSM_ERR_NOT_FOR_US,     /* segment does not match this TCB's sockets */
    TCPSM_ERR_TRUNCATED,      /* wire: shorter than the header says */
    TCPSM_ERR_BAD_HEADER,     /* wire: data offset < 5 or beyond the buffer */
    TCPSM_ERR_BAD_OPTION,     /* wire: illegal option length (MUST-7) */
    TCPSM_ERR_BAD_CHECKSUM,   /* wire: checksum mismatch (MUST-3) */
    TCPSM_ERR_NOSPACE,        /* wire: output buffer too small */
    TCPSM_ERR_TIMED_OUT,      /* "connection timed out" (keep-alive probes unanswered) */
    TCPSM_NERRS
};

/* Invariants checked by tcpsm_conn_check(); TCPSM_INV_OK when all hold. */
enum tcpsm_inv {
    TCPSM_INV_OK = 0,
    TCPSM_INV_NULL,             /* NULL TCB or buffer pointer with non-zero capacity */
    TCPSM_INV_STATE,            /* state out of range */
    TCPSM_INV_SND_ORDER,        /* SND.UNA =< SND.NXT violated */
    TCPSM_INV_SND_BUF,          /* SND.NXT - SND.UNA exceeds buffered data + SYN + FIN */
    TCPSM_INV_SND_RING,         /* send ring head/count out of range */
    TCPSM_INV_RCV_RING,         /* receive ring head/count out of range */
    TCPSM_INV_RCV_WND,          /* RCV.WND + queued data exceeds the receive buffer */
    TCPSM_INV_OOO,              /* out-of-order ranges unsorted, overlapping or outside RCV.WND */
    TCPSM_INV_LISTEN_PEER,      /* LISTEN holds a bound peer or data */
    TCPSM_INV_CLOSED_TIMERS,    /* a timer runs in CLOSED or LISTEN */
    TCPSM_INV_TIMEWAIT_TIMER,   /* 2 MSL timer outside TIME-WAIT, or missing in it */
    TCPSM_INV_RTX_TIMER,        /* retransmission timer with nothing outstanding */
    TCPSM_INV_SYN_STATE,        /* SYN-acked flag inconsistent with the state */
    TCPSM_INV_FIN_STATE,        /* FIN flags inconsistent with the state */
    TCPSM_INV_MSS,              /* send MSS zero */
    TCPSM_INV_CONFIG,           /* configuration (MSS 0, RTO, MSL) or queue count out of range */
    TCPSM_NINVS
};

/* ---------------------------------------------------------------------- */
/* Addresses and segments */

enum tcpsm_family { TCPSM_AF_UNSPEC = 0, TCPSM_AF_INET = 4, TCPSM_AF_INET6 = 6 };

/* An IPv4 address is in addr[0..3]; the rest is zero. */
struct tcpsm_addr {
    uint8_t family;             /* enum tcpsm_family; UNSPEC = unspecified */
    uint8_t addr[16];
};

/* A socket (RFC 9293 "socket": address + port). Port 0 = unspecified. */
struct tcpsm_endpoint {
    struct tcpsm_addr ip;
    uint16_t port;
};

/* Control bits (RFC 9293 3.1). */
#define TCPSM_FIN 0x01u
#define TCPSM_SYN 0x02u
#define TCPSM_RST 0x04u
#define TCPSM_PSH 0x08u
#define TCPSM_ACK 0x10u
#define TCPSM_URG 0x20u
#define TCPSM_ECE 0x40u
#define TCPSM_CWR 0x80u

#define TCPSM_MAX_SACK 4

/* Options the codec knows (RFC 9293 3.2; RFC 7323; RFC 2018). The engine
 * itself uses only MSS; the rest is parsed so drivers can see it. */
struct tcpsm_options {
    bool has_mss;
    bool has_wscale;
    bool sack_permitted;
    bool has_ts;
    uint16_t mss;
    uint8_t wscale;
    uint8_t nsack;              /* SACK blocks present (0..TCPSM_MAX_SACK) */
    uint8_t nunknown;           /* unknown options skipped (MUST-6) */
    uint32_t ts_val;
    uint32_t ts_ecr;
    uint32_t sack_left[TCPSM_MAX_SACK];
    uint32_t sack_right[TCPSM_MAX_SACK];
};

/* A parsed TCP segment (the payload travels beside it). */
struct tcpsm_segment {
    struct tcpsm_addr src;      /* filled by the driver; UNSPEC if unknown */
    struct tcpsm_addr dst;
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;              /* TCPSM_FIN | TCPSM_SYN | ... */
    uint16_t wnd;
    uint16_t urp;
    uint32_t len;               /* payload bytes (not counting SYN/FIN) */
    uint32_t compartment;       /* security/compartment label; 0 = default */
    struct tcpsm_options opt;
};

/* ---------------------------------------------------------------------- */
/* Configuration */

struct tcpsm_config {
    bool rfc5961_rst;           /* challenge ACK for in-window RST (RFC 5961 3) */
    bool rfc5961_syn;           /* challenge ACK for SYN in synchronised states (RFC 5961 4) */
    bool rfc5961_ack;           /* ACK acceptability check (RFC 5961 5, MAY-12) */
    uint16_t mss;               /* MSS we advertise and the cap on our send MSS */
    uint32_t rto_initial_us;    /* initial RTO (RFC 6298 2.1: 1 s) */
    uint32_t rto_max_us;        /* upper bound of the backed-off RTO (>= 60 s) */
    uint32_t msl_us;            /* Maximum Segment Lifetime; TIME-WAIT lasts 2 MSL */
    uint32_t user_timeout_us;   /* USER TIMEOUT (3.10.8); 0 = none */
    /* Retransmission and congestion control (RFC 6298, RFC 1122 4.2.3.5,
     * RFC 5681, RFC 6582); src/core/cc.c. */
    uint32_t rto_min_us;        /* RTO rounded up to this (RFC 6298 2.4: 1 s) */
    uint32_t r1;                /* R1: retransmissions before the user is told (3) */
    uint32_t r2_us;             /* R2 for data, time from the first retransmission (100 s) */
    uint32_t r2_syn_us;         /* R2 for a SYN (at least 3 minutes, MUST-23) */
    uint32_t r2_count;          /* R2 in retransmissions as well; 0 = by time only */
    bool iw10;                  /* initial window of RFC 6928 (10 segments) */
    /* Delayed ACK (RFC 9293 3.8.6.3), Nagle (3.7.4), keep-alive (3.8.4). */
    uint32_t delack_us;         /* ACK delay, at most 500 ms (MUST-40); 0 = none (200 ms) */
    bool nagle;                 /* Nagle algorithm (SHLD-7; per connection, MUST-17) (on) */
    bool keepalive;             /* keep-alives (MUST-24/25) (off) */
    bool keepalive_garbage;     /* probes carry one garbage octet (MAY-6) (off) */
    uint64_t keepalive_idle_us; /* idle time before the first probe (MUST-28: 2 hours) */
    uint32_t keepalive_intvl_us;/* between unanswered probes (75 s) */
    uint32_t keepalive_count;   /* unanswered probes before "connection timed out" (9) */
};

/* Fill *cfg with the defaults: all RFC 5961 mitigations on, MSS 1460,
 * RTO 1 s initial / 1 s min / 60 s max, MSL 2 minutes, user timeout 5
 * minutes, R1 3 retransmissions, R2 100 s (SYN: 180 s), the RFC 5681
 * initial window. */
void tcpsm_config_default(struct tcpsm_config *cfg);

/* ---------------------------------------------------------------------- */
/* The TCB */

#define TCPSM_OOO_MAX 8         /* out-of-order ranges held (SHLD-31) */
#define TCPSM_REPLY_MAX 4       /* RST replies queued for output */
#define TCPSM_LOG_MAX 4         /* transitions remembered per call */
#define TCPSM_NEVER UINT64_MAX  /* a timer that is not running */
#define TCPSM_MAX_BUF (1u << 30) /* largest send or receive buffer (windows << 2^31) */

/* One transition taken during the last public call (for tests, tracing and
 * the fuzzers' legality oracle). */
struct tcpsm_step {
    uint8_t from;               /* enum tcpsm_state */
    uint8_t to;                 /* enum tcpsm_state */
    uint8_t event;              /* enum tcpsm_event */
    uint16_t row;               /* index into tcpsm_rows[] */
};

struct tcpsm_reply {            /* a RST waiting for tcpsm_output */
    uint8_t flags;
    uint32_t seq;
    uint32_t ack;
    struct tcpsm_addr src;      /* addressed back to the offending segment */
    struct tcpsm_addr dst;
    uint16_t sport;
    uint16_t dport;
};

struct tcpsm_range {            /* out-of-order data, offsets from RCV.NXT */
    uint32_t off;
    uint32_t len;
};

/* Round-trip time, retransmission and congestion state (src/core/cc.c). */
struct tcpsm_cc {
    /* RFC 6298 2: the estimator, in microseconds. */
    bool have_rtt;              /* a first measurement was made */
    bool timing;                /* a segment is being timed (Karn, MUST-18) */
    bool syn_timed_out;         /* our SYN was retransmitted (RFC 6298 5.7) */
    uint32_t srtt_us;
    uint32_t rttvar_us;
    uint32_t rtt_seq;           /* the timed segment's first sequence number */
    uint64_t rtt_start;         /* when it was sent */
    /* RFC 5681, RFC 6582: congestion control, in bytes. */
    uint32_t cwnd;              /* 0 until our SYN is acknowledged */
    uint32_t ssthresh;
    uint32_t acked_ca;          /* bytes acknowledged in congestion avoidance */
    uint32_t dupacks;           /* consecutive duplicate ACKs */
    uint32_t recover;           /* RFC 6582 "recover" */
    bool in_recovery;           /* fast recovery (RFC 6582 3.2) */
    bool rto_recovery;          /* after a timeout, until SND.UNA passes recover */
    bool fast_rtx;              /* resend the front of the queue now */
    bool partial_seen;          /* a partial ACK in this recovery (6582 3.2 5) */
    uint64_t last_send;         /* time of the last segment with data, SYN or FIN */
    /* RFC 1122 4.2.3.5: giving up. */
    uint64_t rtx_first;         /* time of the first retransmission of this episode */
    bool r1_reached;            /* R1 reached in this episode (the user is told) */
    uint32_t r1_events;         /* episodes that reached R1 */
    uint32_t n_fast;            /* fast retransmissions (3 duplicate ACKs, partial ACKs) */
    /* Delayed ACK (RFC 9293 3.8.6.3). */
    bool ack_delay;             /* the ACK owed (ack_now) may wait until t_delack */
    uint32_t rcv_unacked;       /* in-order octets received since our last ACK */
    uint64_t t_delack;
    /* Zero-window probing (RFC 9293 3.8.6.1) and keep-alive (3.8.4). */
    bool probe_now;             /* send a probe <SEQ=SND.NXT-1><ACK=RCV.NXT> */
    bool probe_garbage;         /* ... with one garbage octet (MAY-6) */
    uint64_t t_persist;
    uint32_t persist_iv;        /* the interval to the next zero-window probe */
    uint64_t t_keep;
    uint32_t keep_probes;       /* keep-alive probes unanswered */
    uint64_t last_rcv;          /* time the last segment arrived */
    uint64_t last_probe;        /* the last keep-alive probe went; while the peer's window
                                   is zero: the first probe not answered (NEVER: none) */
    uint32_t n_probes;          /* zero-window probes sent */
    uint32_t n_keepalives;      /* keep-alive probes sent */
    /* Receiver SWS avoidance (RFC 9293 3.8.6.2.2): the right edge offered. */
    bool adv_valid;
    uint32_t adv_edge;          /* RCV.NXT + RCV.WND in our last segment */
    bool wnd_update;            /* the right edge may move: announce it */
    /* RFC 1122 4.2.2.4 (MUST-32): the last segment brought urgent data. */
    bool urg_signal;
    uint32_t n_urg_signals;
};

/* The transmission control block.  Allocate it anywhere; initialise it with
 * tcpsm_conn_init(); treat the fields as read-only (use the calls). */
struct tcpsm_conn {
    struct tcpsm_config cfg;
    uint8_t state;              /* enum tcpsm_state */

    /* Sockets (3.10.1). open_remote is what OPEN specified; remote is the
     * bound peer (filled from the SYN for a partly specified LISTEN). */
    struct tcpsm_endpoint local;
    struct tcpsm_endpoint remote;
    struct tcpsm_endpoint open_remote;
    uint32_t compartment;
    bool passive;               /* this incarnation came from LISTEN */

    /* Send sequence variables (3.3.1). */
    uint32_t iss;
    uint32_t snd_una;
    uint32_t snd_nxt;
    uint32_t snd_wnd;
    uint32_t snd_wl1;
    uint32_t snd_wl2;
    uint32_t snd_up;
    uint32_t max_snd_wnd;       /* RFC 5961 MAX.SND.WND */
    uint16_t snd_mss;           /* effective send MSS (MUST-16) */
    bool snd_urg;               /* SND.UP is meaningful */
    bool snd_psh;               /* a PUSH is pending at snd_psh_seq */
    uint32_t snd_psh_seq;

    /* Receive sequence variables (3.3.1). */
    uint32_t irs;
    uint32_t rcv_nxt;
    uint32_t rcv_up;
    bool rcv_urg;               /* RCV.UP is meaningful */
    bool rcv_urg_signalled;

    /* Control flags. */
    bool syn_acked;             /* our SYN is acknowledged (or none was needed) */
    bool syn_unsent;            /* our SYN/SYN,ACK has not gone out yet */
    bool fin_queued;            /* user CLOSE: FIN after the queued data */
    bool fin_sent;              /* our FIN occupies sequence space */
    bool fin_acked;
    bool fin_rcvd;              /* the peer's FIN has been accepted */
    bool close_deferred;        /* CLOSE in SYN-RECEIVED with data queued */
    bool ack_now;               /* an ACK must be sent */
    bool rtx_pending;           /* resend the front of the queue */

    /* Send ring: bytes from the first unacknowledged data byte on. */
    uint8_t *sbuf;
    uint32_t scap;
    uint32_t shead;
    uint32_t scount;

    /* Receive ring: in-order unread bytes, then room for out-of-order data. */
    uint8_t *rbuf;
    uint32_t rcap;
    uint32_t rhead;
    uint32_t rcount;
    uint32_t rpush;             /* unread bytes up to the last PUSH point */
    struct tcpsm_range ooo[TCPSM_OOO_MAX];
    uint8_t nooo;
    bool ooo_fin;               /* a FIN is held at ooo_fin_off */
    uint32_t ooo_fin_off;
    bool ooo_psh;               /* a PUSH point is held at ooo_psh_off */
    uint32_t ooo_psh_off;

    /* Timers: absolute deadlines in microseconds, TCPSM_NEVER = off. */
    uint64_t t_rtx;
    uint64_t t_user;
    uint64_t t_2msl;
    uint32_t rto_us;
    uint32_t rtx_count;         /* consecutive retransmissions */

    /* Replies queued for output (RSTs to offending segments). */
    struct tcpsm_reply reply[TCPSM_REPLY_MAX];
    uint8_t nreply;

    /* The error to report to the user, once (reset, refused, timeout). */
    uint8_t error;              /* enum tcpsm_err */

    /* Transitions taken by the last public call. */
    struct tcpsm_step log[TCPSM_LOG_MAX];
    uint8_t nlog;

    /* Counters (RFC 5961 accounting and diagnostics). */
    uint32_t n_challenge_acks;
    uint32_t n_rst_ignored;
    uint32_t n_syn_ignored;
    uint32_t n_bad_ack_dropped;
    uint32_t n_retransmits;

    struct tcpsm_cc cc;
};

/* The entry points below have ACSL contracts, proven by `make prove`: they
 * are in src/core/contracts.h (with the predicates they use), and the
 * codec's in tcpsm_wire.h.  Each requires and ensures the TCB invariant
 * valid_tcb and states which state changes it may make. */

/* Initialise *c in CLOSED with *cfg (or the defaults when cfg is NULL) and
 * the caller's buffers.  Buffers of capacity 0 may be NULL.  A receive
 * buffer larger than 1 GiB or a send buffer larger than 1 GiB is refused
 * (TCPSM_ERR_INVAL): windows stay far below 2^31. */
enum tcpsm_err tcpsm_conn_init(struct tcpsm_conn *c, const struct tcpsm_config *cfg,
                               uint8_t *sndbuf, uint32_t sndcap,
                               uint8_t *rcvbuf, uint32_t rcvcap);

/* ---------------------------------------------------------------------- */
/* User calls (RFC 9293 3.10.1 - 3.10.6) */

struct tcpsm_open {
    bool active;                    /* active (true) or passive OPEN */
    struct tcpsm_endpoint local;
    struct tcpsm_endpoint remote;   /* passive: may be fully or partly unspecified */
    uint32_t iss;                   /* initial send sequence number (the caller's ISN) */
    uint32_t compartment;
};

/* OPEN (3.10.1). */
enum tcpsm_err tcpsm_open(struct tcpsm_conn *c, uint64_t now, const struct tcpsm_open *o);

/* Set the ISS that the next SYN this TCB answers or sends will use (only in
 * CLOSED or LISTEN; otherwise TCPSM_ERR_EXISTS). */
enum tcpsm_err tcpsm_set_iss(struct tcpsm_conn *c, uint32_t iss);

#define TCPSM_SEND_PUSH   0x1u
#define TCPSM_SEND_URGENT 0x2u

/* SEND (3.10.2): queue up to len bytes; *accepted says how many were taken
 * (fewer when the send buffer is nearly full; none: "insufficient
 * resources").  accepted may be NULL. */
enum tcpsm_err tcpsm_send(struct tcpsm_conn *c, uint64_t now, const uint8_t *data,
                          uint32_t len, unsigned flags, uint32_t *accepted);

#define TCPSM_RECV_PUSH   0x1u  /* the data returned ends at a PUSH point */
#define TCPSM_RECV_URGENT 0x2u  /* urgent data is ahead of what was read */

/* RECEIVE (3.10.3): copy up to cap in-order bytes.  TCPSM_OK with *got == 0
 * means nothing yet; TCPSM_ERR_CLOSING means the peer's FIN was reached.
 * flags may be NULL. */
enum tcpsm_err tcpsm_receive(struct tcpsm_conn *c, uint64_t now, uint8_t *buf,
                             uint32_t cap, uint32_t *got, unsigned *flags);

/* CLOSE (3.10.4): half-close; receiving goes on until the peer's FIN. */
enum tcpsm_err tcpsm_close(struct tcpsm_conn *c, uint64_t now);

/* ABORT (3.10.5). */
enum tcpsm_err tcpsm_abort(struct tcpsm_conn *c, uint64_t now);

struct tcpsm_status {
    uint8_t state;              /* enum tcpsm_state */
    struct tcpsm_endpoint local;
    struct tcpsm_endpoint remote;
    uint32_t snd_una, snd_nxt, snd_wnd, iss;
    uint32_t rcv_nxt, rcv_wnd, irs;
    uint32_t send_queued;       /* bytes in the send buffer (unacked + unsent) */
    uint32_t send_space;        /* bytes SEND can take now */
    uint32_t recv_ready;        /* bytes RECEIVE can return now */
    bool urgent;                /* urgent data pending for the user */
    bool fin_received;
    uint16_t snd_mss;
    uint32_t rto_us;
    uint32_t srtt_us;           /* 0 before the first measurement */
    uint32_t rttvar_us;
    uint32_t cwnd;              /* congestion window (RFC 5681), bytes */
    uint32_t ssthresh;
    uint32_t retransmits;       /* segments retransmitted on a timeout */
    uint32_t fast_retransmits;  /* ... on three duplicate ACKs or a partial ACK */
    bool r1_reached;            /* R1 reached, not yet cleared by an ACK (RFC 1122 4.2.3.5) */
    uint32_t r1_events;         /* times R1 was reached */
    uint32_t zero_window_probes;
    uint32_t keepalive_probes;  /* sent; unanswered ones in keepalive_unanswered */
    uint32_t keepalive_unanswered;
    bool urgent_signal;         /* the last tcpsm_input brought an urgent pointer, or moved
                                   it on (RFC 1122 4.2.2.4, MUST-32) */
    uint32_t urgent_signals;    /* times that happened */
};

/* STATUS (3.10.6). */
enum tcpsm_err tcpsm_status(const struct tcpsm_conn *c, struct tcpsm_status *st);

/* ---------------------------------------------------------------------- */
/* Segments and timers */

/* SEGMENT ARRIVES (3.10.7).  payload holds seg->len bytes (may be NULL when
 * len is 0).  Returns TCPSM_OK when the segment was processed (which
 * includes "dropped as the RFC says"), an error for a malformed request
 * (TCPSM_ERR_INVAL, TCPSM_ERR_NOT_FOR_US), in which case the TCB is
 * untouched.  State changes are signalled through c->log / c->error. */
enum tcpsm_err tcpsm_input(struct tcpsm_conn *c, uint64_t now,
                           const struct tcpsm_segment *seg, const uint8_t *payload);

/* Pull the next segment to send.  Fills *seg (addresses, ports, header,
 * MSS option on a SYN) and copies its payload (seg->len bytes) into buf.
 * Returns TCPSM_ERR_EMPTY when there is nothing to send.  Call until EMPTY
 * after every other call. */
enum tcpsm_err tcpsm_output(struct tcpsm_conn *c, uint64_t now,
                            struct tcpsm_segment *seg, uint8_t *buf, uint32_t cap);

/* Set R2 (RFC 1122 4.2.3.5, MUST-22): how long, from the first
 * retransmission, retransmissions go on before the connection is aborted
 * (TCPSM_ERR_USER_TIMEOUT); r2_syn_us for a SYN, at least 3 minutes
 * (MUST-23).  0 = no limit in time.  TCPSM_ERR_INVAL for a SYN limit below
 * 3 minutes. */
enum tcpsm_err tcpsm_set_r2(struct tcpsm_conn *c, uint32_t r2_us, uint32_t r2_syn_us);

/* Turn the Nagle algorithm on or off for this connection (MUST-17). */
enum tcpsm_err tcpsm_set_nagle(struct tcpsm_conn *c, bool on);

/* Turn keep-alives on or off for this connection (MUST-24). */
enum tcpsm_err tcpsm_set_keepalive(struct tcpsm_conn *c, bool on);

/* The earliest timer deadline (TCPSM_NEVER if none). */
uint64_t tcpsm_next_deadline(const struct tcpsm_conn *c);

/* Run the timers that are due at `now` (3.10.8). */
enum tcpsm_err tcpsm_timer(struct tcpsm_conn *c, uint64_t now);

/* The executable twin of the ACSL predicate valid_tcb. */
enum tcpsm_inv tcpsm_conn_check(const struct tcpsm_conn *c);

/* ---------------------------------------------------------------------- */
/* Initial sequence numbers (src/core/isn.c) */

#define TCPSM_ISN_KEY_LEN 16    /* octets of the secret key */

/* SipHash-2-4 of msg[0 .. len-1] under a 128-bit key (the 64-bit result;
 * its little-endian octets are the reference implementation's output). */
/*@ requires \valid_read(key + (0 .. 15));
    requires len == 0 || \valid_read(msg + (0 .. len - 1));
    assigns \nothing; */
uint64_t tcpsm_siphash24(const uint8_t key[16], const uint8_t *msg, size_t len);

/* The ISN of RFC 6528 for the connection local <-> remote at `now`
 * (microseconds): a 4-microsecond clock plus SipHash-2-4 of the 4-tuple
 * under the caller's secret key.  Same inputs, same ISN; give it to
 * tcpsm_open (struct tcpsm_open's iss) or tcpsm_set_iss. */
/*@ requires \valid_read(key + (0 .. 15));
    requires \valid_read(local) && \valid_read(remote);
    assigns \nothing; */
uint32_t tcpsm_isn(const uint8_t key[16], const struct tcpsm_endpoint *local,
                   const struct tcpsm_endpoint *remote, uint64_t now);

/* ---------------------------------------------------------------------- */
/* The transition table (spec/transitions.def) */

struct tcpsm_row {
    uint8_t from;               /* enum tcpsm_state */
    uint8_t event;              /* enum tcpsm_event */
    uint8_t to;                 /* enum tcpsm_state */
    uint8_t action;             /* enum tcpsm_action */
    const char *rfc;            /* "3.10.7.4 fifth ..." */
};

extern const struct tcpsm_row tcpsm_rows[];
extern const uint16_t tcpsm_nrows;

/* The ACSL view of spec/transitions.def: row_of(state, event) (-1: no
 * row), row_from/_event/_to/_action(row), tcpsm_nrows_l and
 * legal_edge(from, to) (some row goes from `from` to another state `to`;
 * legal_transition below adds from == to).  `make prove` generates them from the table
 * (build/proofs/transitions.acsl, proofs/README.md) and defines
 * TCPSM_PROOF; any other Frama-C run sees them undefined, so nothing can
 * be proven from them there.  The engine's files define TCPSM_PROOF_OPAQUE
 * (conn_impl.h): their proofs use only the lookups' contracts, and so
 * hold for any table those contracts are proven against. */
#if defined(TCPSM_PROOF) && !defined(TCPSM_PROOF_OPAQUE)
#include "transitions.acsl"
#else
/*@ axiomatic tcpsm_transitions {
      logic integer tcpsm_nrows_l;
      logic integer row_of(integer s, integer e);
      logic integer row_from(integer r);
      logic integer row_event(integer r);
      logic integer row_to(integer r);
      logic integer row_action(integer r);
      predicate legal_edge(integer from, integer to);
    } */
#endif

/*@ // RFC 9293 3.3.2, Figure 5: staying in a state, or a row of the table
  predicate legal_transition(integer from, integer to) = from == to || legal_edge(from, to);
*/

/*@ // actions that delete the TCB, and actions that never change the state
  predicate clearing(integer a) =
      a == TCPSM_A_DELETE || a == TCPSM_A_RESET || a == TCPSM_A_REFUSED
      || a == TCPSM_A_USER_TIMEOUT || a == TCPSM_A_SEND_RST || a == TCPSM_A_RESET_SEND_RST
      || a == TCPSM_A_TIMED_OUT;

  predicate staying(integer a) =
      a == TCPSM_A_STATUS || a == TCPSM_A_QUEUE_SEND || a == TCPSM_A_RECEIVE
      || a == TCPSM_A_SEND_ACK || a == TCPSM_A_REPLY_RST || a == TCPSM_A_RETRANSMIT
      || a == TCPSM_A_ERR_EXISTS || a == TCPSM_A_ERR_NOT_EXIST || a == TCPSM_A_ERR_CLOSING;
*/

/* The row for (state, event), or -1 when the state ignores the event. */
/*@ assigns \nothing;
    ensures table: \result == row_of(state, event)
                   && -1 <= \result < tcpsm_nrows_l && \result <= 255
                   && (\result >= 0 ==> (row_from(\result) == state && row_event(\result) == event)); */
int tcpsm_row_find(unsigned state, unsigned event);

/* Row `row`'s target state and action (TCPSM_NSTATES, TCPSM_NACTIONS for a
 * row that does not exist).  Each contract is one clause, proven row by
 * row: the target is a legal successor of the source state, and each
 * action takes its rows where the dispatcher (conn.c) expects.  The same
 * facts over all rows are lemmas in proofs/legal_harness.c. */
/*@ requires row: row < tcpsm_nrows_l;
    assigns \nothing;
    ensures table: \result == row_to(row) && \result <= TCPSM_TIME_WAIT
                   && legal_transition(row_from(row), \result); */
unsigned tcpsm_row_to(unsigned row);

/*@ requires row: row < tcpsm_nrows_l;
    assigns \nothing;
    ensures table: \result == row_action(row) && \result < TCPSM_NACTIONS
      && (clearing(\result) ==> row_to(row) == TCPSM_CLOSED)
      && (staying(\result) ==> row_to(row) == row_from(row))
      && ((\result == TCPSM_A_LISTEN || \result == TCPSM_A_TO_LISTEN) ==> row_to(row) == TCPSM_LISTEN)
      && (\result == TCPSM_A_CONNECT ==> row_to(row) == TCPSM_SYN_SENT)
      && (\result == TCPSM_A_CONNECT_SEND
          ==> (row_to(row) == TCPSM_SYN_SENT && row_from(row) == TCPSM_LISTEN))
      && (\result == TCPSM_A_SYN_ACK
          ==> (row_to(row) == TCPSM_SYN_RECEIVED
               && (row_from(row) == TCPSM_LISTEN || row_from(row) == TCPSM_SYN_SENT)))
      && ((\result == TCPSM_A_ESTABLISH || \result == TCPSM_A_SYN_ACKED)
          ==> row_to(row) == TCPSM_ESTABLISHED)
      && (\result == TCPSM_A_QUEUE_FIN
          ==> ((row_from(row) == TCPSM_ESTABLISHED && row_to(row) == TCPSM_FIN_WAIT_1)
               || (row_from(row) == TCPSM_SYN_RECEIVED && row_to(row) == TCPSM_FIN_WAIT_1)
               || (row_from(row) == TCPSM_CLOSE_WAIT && row_to(row) == TCPSM_LAST_ACK)))
      && (\result == TCPSM_A_QUEUE_SEND
          ==> (row_from(row) != TCPSM_CLOSED && row_from(row) != TCPSM_LISTEN))
      && (\result == TCPSM_A_RETRANSMIT
          ==> (row_from(row) != TCPSM_TIME_WAIT && row_from(row) != TCPSM_CLOSED
               && row_from(row) != TCPSM_LISTEN))
      && (\result == TCPSM_A_TIME_WAIT ==> row_to(row) == TCPSM_TIME_WAIT)
      && ((\result == TCPSM_A_REPLY_RST || \result == TCPSM_A_RESET_SEND_RST
           || \result == TCPSM_A_SYN_ACK || \result == TCPSM_A_ESTABLISH
           || \result == TCPSM_A_SYN_ACKED)
          ==> TCPSM_EV_SEG_ANY <= row_event(row) <= TCPSM_EV_SEG_FIN)
      && ((\result == TCPSM_A_LISTEN || \result == TCPSM_A_CONNECT)
          ==> (row_event(row) == TCPSM_EV_OPEN_ACTIVE || row_event(row) == TCPSM_EV_OPEN_PASSIVE))
      && ((\result == TCPSM_A_CONNECT_SEND || \result == TCPSM_A_QUEUE_SEND)
          ==> row_event(row) == TCPSM_EV_SEND)
      && (\result == TCPSM_A_RECEIVE ==> row_event(row) == TCPSM_EV_RECEIVE); */
unsigned tcpsm_row_action(unsigned row);

/* Names for logs (never NULL; "?" for out-of-range values). */
/*@ assigns \nothing;
    ensures name: \valid_read(\result); */
const char *tcpsm_state_name(unsigned state);
/*@ assigns \nothing;
    ensures name: \valid_read(\result); */
const char *tcpsm_event_name(unsigned event);
/*@ assigns \nothing;
    ensures name: \valid_read(\result); */
const char *tcpsm_action_name(unsigned action);
/*@ assigns \nothing;
    ensures name: \valid_read(\result); */
const char *tcpsm_err_name(unsigned err);   /* the RFC's wording, e.g. "connection reset" */
/*@ assigns \nothing;
    ensures name: \valid_read(\result); */
const char *tcpsm_inv_name(unsigned inv);

/* ---------------------------------------------------------------------- */
/* Wire codec (src/core/wire.c): parse, serialise, checksum */

#ifdef __cplusplus
}
#endif

#include "tcpsm_wire.h"

#endif /* TCPSM_H */
