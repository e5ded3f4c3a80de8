/*
 * tcpsm_host.h: the host layer.  One struct tcpsm_host owns many connections:
 * a fixed table of slots the caller provides (no allocation), keyed by
 * the 4-tuple, IPv4 and IPv6; listeners; the replies to segments for no
 * connection (RFC 9293 3.10.7.1); RFC 6528 ISNs for the connections it
 * opens.
 *
 * Like the core it has no I/O, no clock and no randomness: wire bytes go
 * in through tcpsm_host_input_segment() (a TCP segment and its two
 * addresses) and come out through tcpsm_host_output_segment(); time is
 * `now` in microseconds; the ISN key is the caller's.
 *
 * Handles: a connection or a listener is named by the index of its slot.
 * A handle stays valid until the application gives it up
 * (tcpsm_host_release); the slot is then reused once the connection is
 * CLOSED (a connection in TIME-WAIT keeps its slot for 2 MSL).
 */
#ifndef TCPSM_HOST_H
#define TCPSM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsm.h"

enum tcpsm_slot_use {
    TCPSM_SLOT_FREE = 0,
    TCPSM_SLOT_LISTENER,      /* a passive OPEN: its TCB stays in LISTEN */
    TCPSM_SLOT_CONN           /* a connection (opened, or made by a listener) */
};

/* One slot of the table.  The caller sets sbuf/scap and rbuf/rcap (the
 * connection's send and receive buffers) before tcpsm_host_init and
 * leaves the rest to the host. */
struct tcpsm_host_slot {
    uint8_t *sbuf;
    uint32_t scap;
    uint8_t *rbuf;
    uint32_t rcap;
    struct tcpsm_conn conn;
    uint8_t use;              /* enum tcpsm_slot_use */
    bool queued;              /* made by a listener, not yet accepted */
    bool released;            /* the application gave the handle up */
    uint32_t parent;          /* queued: the listener's slot */
    uint32_t backlog;         /* listener: most connections queued at once */
    uint32_t pending;         /* listener: connections queued now */
    uint64_t born;            /* order of creation (accept hands out the oldest) */
    bool peer_sack_ok;        /* the SYN that made it offered SACK-permitted (RFC 2018) */
};

/* What the host did with the segments and calls it was given. */
struct tcpsm_host_stats {
    uint64_t seg_in;          /* segments given to tcpsm_host_input_segment */
    uint64_t seg_bad;         /* of which malformed or with a bad checksum */
    uint64_t seg_not_unicast; /* of which to a broadcast/multicast address (MUST-57) */
    uint64_t syn_bad_source;  /* SYNs from a broadcast/multicast source (MUST-63) */
    uint64_t syn_backlog;     /* SYNs dropped: listener's backlog full */
    uint64_t syn_no_slot;     /* SYNs dropped: no free slot */
    uint64_t no_conn;         /* segments for no connection (answered by RST unless RST) */
    uint64_t seg_out;         /* segments written by tcpsm_host_output_segment */
    /* RFC 5961, summed over the host's connections (each TCB counts its own) */
    uint64_t challenge_acks;  /* challenge ACKs sent (3.2 RST, 4.2 SYN, 5.2 ACK) */
    uint64_t challenge_limited; /* segments dropped without one: over the limit (7) */
    uint64_t rst_ignored;     /* RSTs that reset nothing (out of window, or limited) */
    uint64_t syn_ignored;     /* SYNs in a synchronized state (challenged or limited) */
    uint64_t tw_reopened;     /* SYNs that reopened a connection in TIME-WAIT (MAY-2) */
};

#define TCPSM_HOST_MAX_SLOTS 65535u
#define TCPSM_HOST_SCRATCH 2048u      /* most text per segment written */

struct tcpsm_host {
    struct tcpsm_config cfg;
    struct tcpsm_host_slot *slot;
    uint32_t nslot;
    uint8_t key[TCPSM_ISN_KEY_LEN];   /* RFC 6528's secret (MUST-9: the caller's) */
    struct tcpsm_conn closed;         /* a CLOSED TCB: answers segments for no connection */
    uint32_t next_out;                /* round robin over the slots for output */
    uint64_t births;                  /* slots taken so far */
    uint32_t challenge_limit;         /* challenge ACKs per second, all connections (RFC 5961 7) */
    uint32_t challenge_used;          /* sent in the current second */
    uint64_t challenge_since;         /* start of the current second */
    struct tcpsm_host_stats stats;
    bool tw_reopen;                   /* MAY-2: a new SYN may reopen from TIME-WAIT */
    uint8_t syn_opts;                 /* enum tcpsm_syn_opts */
    uint8_t scratch[TCPSM_HOST_SCRATCH];   /* the text of the segment being written */
};


/* Take the caller's slots (their buffers set), configuration (NULL for
 * the defaults) and ISN key.  TCPSM_ERR_INVAL on a bad argument. */
enum tcpsm_err tcpsm_host_init(struct tcpsm_host *h, const struct tcpsm_config *cfg,
                               struct tcpsm_host_slot *slots, uint32_t nslot,
                               const uint8_t key[TCPSM_ISN_KEY_LEN]);

/* Passive OPEN on `local` (its address may be unspecified: any of the
 * host's; its port must be given) for connections from `remote`, which
 * may be fully specified, partly (address or port 0) or unspecified
 * (NULL).  Several listeners may share a local port if their foreign
 * sockets differ (MUST-42); a SYN goes to the most specific match.  At
 * most `backlog` (>= 1) connections wait for tcpsm_host_accept at once. */
enum tcpsm_err tcpsm_host_listen(struct tcpsm_host *h, uint64_t now,
                                 const struct tcpsm_endpoint *local,
                                 const struct tcpsm_endpoint *remote,
                                 uint32_t backlog, uint32_t *handle);

/* Active OPEN from `local` (address and port given) to `remote` (fully
 * specified), with the RFC 6528 ISN. */
enum tcpsm_err tcpsm_host_connect(struct tcpsm_host *h, uint64_t now,
                                  const struct tcpsm_endpoint *local,
                                  const struct tcpsm_endpoint *remote, uint32_t *handle);

/* A connection of `listener` that reached ESTABLISHED (or later), oldest
 * slot first; TCPSM_ERR_EMPTY when none waits. */
enum tcpsm_err tcpsm_host_accept(struct tcpsm_host *h, uint32_t listener, uint32_t *handle);

/* The TCB behind a handle, for tcpsm_send, tcpsm_receive, tcpsm_close,
 * tcpsm_abort and tcpsm_status (NULL for a bad handle). */
struct tcpsm_conn *tcpsm_host_conn(struct tcpsm_host *h, uint32_t handle);

/* The user calls of RFC 9293 3.10 on the connection `handle` (the core's
 * tcpsm_send ... tcpsm_status on its TCB; TCPSM_ERR_NOT_EXIST for a handle
 * that names no connection of the application's). */
enum tcpsm_err tcpsm_host_send(struct tcpsm_host *h, uint64_t now, uint32_t handle,
                               const uint8_t *data, uint32_t len, unsigned flags,
                               uint32_t *accepted);
enum tcpsm_err tcpsm_host_receive(struct tcpsm_host *h, uint64_t now, uint32_t handle,
                                  uint8_t *buf, uint32_t cap, uint32_t *got, unsigned *flags);
enum tcpsm_err tcpsm_host_close(struct tcpsm_host *h, uint64_t now, uint32_t handle);
enum tcpsm_err tcpsm_host_abort(struct tcpsm_host *h, uint64_t now, uint32_t handle);
enum tcpsm_err tcpsm_host_status(struct tcpsm_host *h, uint32_t handle, struct tcpsm_status *st);

/* The application is done with `handle`: a listener is closed and its
 * waiting connections reset; a connection keeps running (its FIN, TIME-WAIT)
 * and its slot is freed once it is CLOSED. */
enum tcpsm_err tcpsm_host_release(struct tcpsm_host *h, uint64_t now, uint32_t handle);

/* A TCP segment (header and text, wire bytes) from `src` to `dst`:
 * checksum verified, parsed, given to its connection, to a listener, or
 * answered as RFC 9293 3.10.7.1 says for no connection.  An error
 * (TCPSM_ERR_BAD_CHECKSUM, TCPSM_ERR_TRUNCATED, ...) means the segment was
 * dropped and nothing changed but the counters. */
enum tcpsm_err tcpsm_host_input_segment(struct tcpsm_host *h, uint64_t now,
                                        const struct tcpsm_addr *src,
                                        const struct tcpsm_addr *dst,
                                        const uint8_t *bytes, size_t len);

/* The next segment any connection wants to send, as wire bytes (checksum
 * filled) in buf[0 .. *len), with its addresses.  TCPSM_ERR_EMPTY when
 * nothing is waiting. */
enum tcpsm_err tcpsm_host_output_segment(struct tcpsm_host *h, uint64_t now,
                                         struct tcpsm_addr *src, struct tcpsm_addr *dst,
                                         uint8_t *buf, size_t cap, size_t *len);

/* ---- Whole IP packets (src/host/ip.c) ---- */

#define TCPSM_IPV4_HDR 20u      /* an IPv4 header without options */
#define TCPSM_IPV6_HDR 40u      /* the IPv6 fixed header */

/* The TCP segment inside an IPv4 or IPv6 packet, and its addresses.
 * Refused: a bad IPv4 header checksum (TCPSM_ERR_BAD_CHECKSUM), a fragment
 * or an IPv6 extension header (TCPSM_ERR_BAD_HEADER), a packet shorter than
 * its header says (TCPSM_ERR_TRUNCATED), another protocol
 * (TCPSM_ERR_NOT_FOR_US). */
enum tcpsm_err tcpsm_ip_parse(const uint8_t *pkt, size_t n, struct tcpsm_addr *src,
                              struct tcpsm_addr *dst, const uint8_t **tcp, size_t *tcplen);

/* An IP packet from src to dst (both IPv4 or both IPv6) around the TCP
 * segment tcp[0 .. tcplen), into out (which may hold the segment already,
 * at out + TCPSM_IPV6_HDR).  TTL 64; IPv4 with DF and ID 0. */
enum tcpsm_err tcpsm_ip_write(const struct tcpsm_addr *src, const struct tcpsm_addr *dst,
                              const uint8_t *tcp, size_t tcplen, uint8_t *out, size_t cap,
                              size_t *outlen);

/* tcpsm_host_input_segment for a whole IPv4 or IPv6 packet. */
enum tcpsm_err tcpsm_host_input(struct tcpsm_host *h, uint64_t now, const uint8_t *pkt, size_t n);

/* tcpsm_host_output_segment as a whole IP packet in buf[0 .. *len);
 * cap must be at least TCPSM_IPV6_HDR + TCPSM_HDR_MAX. */
enum tcpsm_err tcpsm_host_output(struct tcpsm_host *h, uint64_t now, uint8_t *buf, size_t cap,
                                 size_t *len);

/* The earliest timer deadline of any connection (TCPSM_NEVER if none). */
uint64_t tcpsm_host_next_deadline(const struct tcpsm_host *h);

/* Run the timers due at `now`, and free the slots whose connection is
 * CLOSED and released. */
enum tcpsm_err tcpsm_host_timer(struct tcpsm_host *h, uint64_t now);

/* RFC 5961 7: at most `per_second` challenge ACKs per second over all the
 * host's connections (default TCPSM_HOST_CHALLENGE_LIMIT).  Beyond it, a
 * segment that would draw one (an in-window RST not at RCV.NXT, a SYN in a
 * synchronized state, an ACK outside SND.UNA - MAX.SND.WND .. SND.NXT) is
 * dropped without it, as RFC 5961 drops it anyway, and counted in
 * stats.challenge_limited. */
#define TCPSM_HOST_CHALLENGE_LIMIT 1000u
void tcpsm_host_set_challenge_limit(struct tcpsm_host *h, uint32_t per_second);

/* RFC 9293 3.6.1 (MAY-2), RFC 1122 4.2.2.13: let a new SYN reopen a
 * connection whose TCB is in TIME-WAIT (off by default).  Only a SYN with
 * no ACK, whose sequence number is beyond the old connection's RCV.NXT,
 * to a port with a listener, does; the new connection's ISS is beyond
 * every sequence number the old one used.  The TIME-WAIT TCB stays until
 * the new connection reaches ESTABLISHED: if the SYN was an old duplicate
 * (the new connection is reset or times out), TIME-WAIT goes on as if it
 * had never come. */
void tcpsm_host_set_time_wait_reopen(struct tcpsm_host *h, bool on);

/* The options of the SYNs the host's connections send.  The engine puts
 * the MSS option in every SYN (RFC 9293 3.7.1); these styles add RFC
 * 2018's SACK-permitted, laid out as kernels lay it out, for peers (and
 * test scripts) that expect it.  SACK-permitted goes in a SYN, and in a
 * SYN,ACK only when the peer's SYN offered it.  The connection still
 * neither sends SACK blocks nor uses those it receives: RFC 2018 makes
 * both optional (the receiver MAY send them; the sender's retransmission
 * does not depend on them). */
enum tcpsm_syn_opts {
    TCPSM_SYN_OPTS_MSS = 0,         /* <mss N> (the default) */
    TCPSM_SYN_OPTS_SACK_EOL,        /* <mss N,sackOK,eol,eol>: FreeBSD's layout */
    TCPSM_SYN_OPTS_NOP_SACK         /* <mss N,nop,nop,sackOK>: Linux's, without timestamps
                                       or window scaling */
};
void tcpsm_host_set_syn_options(struct tcpsm_host *h, unsigned style);

/* Slots in use (listeners and connections, TIME-WAIT included). */
uint32_t tcpsm_host_in_use(const struct tcpsm_host *h);

/* Same family and the same 16 address octets (false if either is NULL). */
bool tcpsm_addr_eq(const struct tcpsm_addr *a, const struct tcpsm_addr *b);

/* Is `a` a broadcast or multicast address (IPv4 255.255.255.255 or
 * 224.0.0.0/4, IPv6 ff00::/8)? */
bool tcpsm_addr_is_multi(const struct tcpsm_addr *a);

#endif /* TCPSM_HOST_H */
