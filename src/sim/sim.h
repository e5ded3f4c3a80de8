/*
 * sim.h: a deterministic in-memory network on a virtual clock.
 *
 * A struct sim_net connects up to SIM_MAX_EP endpoints, each a caller-owned
 * struct tcpsm_conn with an address and a port.  Segments travel as wire
 * bytes: whatever an engine outputs is serialised with tcpsm_wire_write()
 * (real checksum over the pseudo-header), queued with a delivery time, and
 * on delivery verified, parsed and handed to the addressee's tcpsm_input().
 *
 * Implementation notes:
 * - Time is virtual (microseconds) and only jumps: to the next packet
 *   delivery or to the earliest tcpsm_next_deadline() of any endpoint.
 *   The network never reads a clock and uses no randomness; the same calls
 *   produce the same events, byte for byte.
 * - Order: the in-flight queue is sorted by delivery time, then by send
 *   order (a global counter), so packets due together arrive in the order
 *   they were sent.  At equal times packets are delivered before timers run
 *   (an arriving ACK may cancel a timer due at the same instant).
 * - The "fate" of a packet (delivered, dropped) is decided once, when it is
 *   sent; today by a fixed list of (sender, n-th packet) drop rules and by
 *   the endpoints that are down.  Loss, duplication, reordering and
 *   corruption belong in that same place.  The one exception: a packet
 *   that arrives for an endpoint which went down while it was in flight is
 *   lost on arrival (SIM_EV_LOST).
 * - An endpoint that is down (sim_set_down) models a host that died: every
 *   packet it sends and every packet addressed to it is lost; packets it
 *   sent before it went down still arrive.  Its TCB is left alone: what
 *   the host forgets is up to the caller.
 * - Nothing is printed: every send, drop, delivery, transition, engine
 *   error and broken invariant is appended to n->log, which the caller
 *   reads and clears (sim_log_clear) after each call.
 * - No allocation: the whole network (packets and log included) lives in
 *   the struct, so the caller decides where (about 470 KiB: static
 *   storage rather than the stack).
 */
#ifndef TCPSM_SIM_H
#define TCPSM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsm.h"
#include "pcap.h"

#define SIM_MAX_EP 8          /* endpoints */
#define SIM_MAX_PKT 256       /* packets in flight */
#define SIM_PKT_BYTES 1600    /* bytes per packet (TCP header + payload) */
#define SIM_MAX_DROPS 16      /* drop rules */
#define SIM_LOG_MAX 256       /* events between two sim_log_clear() */
#define SIM_MAX_DRAIN 64      /* segments pulled per call before giving up */
#define SIM_NEVER UINT64_MAX
#define SIM_NOBODY 0xFFu      /* no endpoint (a packet nobody listens for) */

enum sim_kind {
    SIM_EV_SEND = 0,  /* ep put seg on the wire; it will arrive at `at` */
    SIM_EV_DROP,      /* ep sent seg; the network loses it */
    SIM_EV_DELIVER,   /* seg reached peer; tcpsm_input returned err */
    SIM_EV_REJECT,    /* seg reached peer (or nobody) but was discarded:
                         err = checksum/parse error, or NOT_FOR_US (no route) */
    SIM_EV_STEP,      /* ep's TCB took the transition `step` */
    SIM_EV_TIMER,     /* tcpsm_timer ran for ep (its deadline was due) */
    SIM_EV_ERROR,     /* an engine call (`call`) on ep returned err */
    SIM_EV_BROKEN,    /* tcpsm_conn_check(ep) reported `inv` */
    SIM_EV_OVERFLOW,  /* the log was full: `count` events were lost */
    SIM_EV_LOST       /* seg reached peer, which is down: lost on arrival */
};

struct sim_event {
    uint8_t kind;               /* enum sim_kind */
    uint8_t ep;                 /* endpoint concerned (the sender for packets) */
    uint8_t peer;               /* receiver of a packet, or SIM_NOBODY */
    uint8_t err;                /* enum tcpsm_err */
    uint8_t inv;                /* enum tcpsm_inv */
    bool down;                  /* DROP, LOST: lost because ep or peer is down */
    uint64_t time;              /* when it happened */
    uint64_t at;                /* SEND: delivery time */
    uint32_t pkt;               /* packets: number among ep's sends, from 1 */
    uint32_t count;             /* OVERFLOW: events lost */
    size_t wire_len;            /* packets: bytes on the wire */
    const char *call;           /* ERROR: "tcpsm_input", "tcpsm_output", ... */
    struct tcpsm_segment seg;   /* packets: the segment */
    struct tcpsm_step step;     /* STEP */
};

struct sim_endpoint {
    struct tcpsm_conn *conn;    /* caller-owned */
    struct tcpsm_addr addr;
    uint16_t port;
    uint32_t nsent;             /* packets sent so far */
    bool timer_stuck;           /* tcpsm_timer left a past deadline: ignored */
    bool down;                  /* the host is down: its packets are lost */
};

struct sim_packet {
    uint64_t due;               /* delivery time */
    uint64_t order;             /* global send order */
    uint8_t from;
    uint8_t to;                 /* SIM_NOBODY if no endpoint matched */
    uint32_t pkt;               /* number among the sender's packets */
    struct tcpsm_addr src;
    struct tcpsm_addr dst;
    size_t len;
    uint8_t bytes[SIM_PKT_BYTES];
};

struct sim_drop_rule {
    uint8_t ep;
    uint32_t nth;               /* 1 = the first packet ep sends */
};

struct sim_net {
    uint64_t now;
    uint64_t order;             /* packets sent so far, all endpoints */

    struct sim_endpoint ep[SIM_MAX_EP];
    unsigned nep;
    uint64_t delay_us[SIM_MAX_EP][SIM_MAX_EP];  /* one-way, [from][to] */

    struct sim_drop_rule drop[SIM_MAX_DROPS];
    unsigned ndrop;

    /* In flight: slots, and their indices sorted by (due, order). */
    struct sim_packet slot[SIM_MAX_PKT];
    bool used[SIM_MAX_PKT];
    uint16_t queue[SIM_MAX_PKT];
    unsigned nqueue;

    struct sim_pcap *trace;     /* if set, every packet sent is written there */

    struct sim_event log[SIM_LOG_MAX];
    unsigned nlog;
    uint32_t nlost;             /* events that did not fit since last clear */
};

/* Empty network at time 0; every direction gets a one-way delay of
 * delay_us. */
void sim_init(struct sim_net *n, uint64_t delay_us);

/* Add an endpoint for *c (initialised by the caller) at addr:port.
 * Returns its index, or -1 when SIM_MAX_EP endpoints exist or an argument
 * is NULL. */
int sim_attach(struct sim_net *n, struct tcpsm_conn *c, const struct tcpsm_addr *addr,
               uint16_t port);

/* One-way delay of packets sent by `from` to `to`. */
void sim_set_delay(struct sim_net *n, unsigned from, unsigned to, uint64_t delay_us);

/* Lose the nth packet (from 1) that endpoint ep sends.  false when the
 * rule list is full. */
bool sim_drop_nth(struct sim_net *n, unsigned ep, uint32_t nth);

/* Take endpoint ep down (down = true) or bring it back up: while it is
 * down, every packet it sends (SIM_EV_DROP) and every packet that arrives
 * for it (SIM_EV_LOST, also for packets already in flight) is lost, each
 * event with `down` set.  Its TCB is not touched. */
void sim_set_down(struct sim_net *n, unsigned ep, bool down);

/* Call after every user call (OPEN, SEND, RECEIVE, CLOSE, ABORT ...) the
 * caller makes on endpoint ep's TCB: records the transitions it took,
 * checks every TCB, and puts the segments ep queued on the network. */
void sim_after_call(struct sim_net *n, unsigned ep);

/* When the next event happens (never earlier than n->now), or SIM_NEVER
 * when no packet is in flight and no timer runs. */
uint64_t sim_next_time(const struct sim_net *n);

/* Advance the clock to sim_next_time() and run one event there: deliver
 * the first packet due, or else run the timers of the first endpoint whose
 * deadline is due.  false when there is nothing left to do. */
bool sim_step(struct sim_net *n);

/* Packets in flight. */
unsigned sim_in_flight(const struct sim_net *n);

/* Forget the events in n->log. */
void sim_log_clear(struct sim_net *n);

#endif /* TCPSM_SIM_H */
