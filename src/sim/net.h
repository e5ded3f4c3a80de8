/*
 * net.h: a faulty virtual network of hosts (src/host), deterministic for a
 * given seed.
 *
 * N hosts (struct tcpsm_host, the caller's) are joined by links, one per
 * direction, each with a one-way delay, a bandwidth, and probabilities of
 * loss, duplication, reordering and bit corruption.  Packets are whole IP
 * packets (tcpsm_host_output / tcpsm_host_input).
 *
 * Implementation notes:
 * - Time is virtual (microseconds) and jumps to the next event: a packet's
 *   arrival or a host's earliest deadline.  The only randomness is a
 *   xorshift64* generator seeded by the caller and drawn in a fixed order
 *   (per packet sent: loss, corruption, duplication, reordering), so a
 *   seed gives the same run, packet for packet.
 * - A packet's fate is decided when it is sent.  Bandwidth: a link sends one
 *   packet at a time, so a packet leaves when the previous one has left
 *   plus its own length at the link's rate, and arrives `delay` later.
 *   Reordering holds a packet back by an extra random delay of up to
 *   `reorder_us`.  Corruption flips one random bit of the packet; the IP or
 *   TCP checksum is what must catch it.
 * - Every packet is traced: n->log records each one sent (with its fate)
 *   and each delivery, the counters add them up, and the pcap trace (if
 *   set) holds the bytes as sent.
 * - No allocation: the caller owns the struct (a few megabytes: static
 *   storage).
 */
#ifndef TCPSM_SIM_NET_H
#define TCPSM_SIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap.h"
#include "tcpsm_host.h"

#define NET_MAX_HOSTS 8
#define NET_MAX_PKT 4096                /* packets in flight */
#define NET_PKT_BYTES 2200              /* largest IP packet */
#define NET_PPM 1000000u                /* probabilities are in parts per million */

struct net_link {
    uint64_t delay_us;                  /* one-way propagation delay */
    uint64_t bits_per_s;                /* 0: no limit */
    uint32_t loss_ppm;
    uint32_t dup_ppm;
    uint32_t reorder_ppm;
    uint64_t reorder_us;                /* most extra delay of a reordered packet */
    uint32_t corrupt_ppm;
    uint64_t busy_until;                /* (state) when the link is free again */
};

struct net_packet {
    uint64_t due;
    uint64_t order;                     /* send order, breaks ties */
    uint64_t packet;                    /* number of the packet sent (a duplicate shares it) */
    uint8_t from;
    uint8_t to;
    uint16_t len;
    uint8_t bytes[NET_PKT_BYTES];
};

/* One packet's fate, as the trace records it. */
enum net_fate {
    NET_QUEUED = 0,                     /* on its way (maybe reordered, corrupted, duplicated) */
    NET_LOST,
    NET_NO_ROUTE,                       /* no host has the destination address */
    NET_FULL,                           /* no room in flight */
    NET_DELIVERED,                      /* reached its host, which took it */
    NET_REFUSED                         /* reached its host, which refused it (checksum ...) */
};

#define NET_TRACE_MAX 8192              /* events kept; older ones are overwritten */

struct net_trace_event {
    uint64_t time;
    uint64_t packet;                    /* number of the packet, in send order from 1 */
    uint8_t from, to;                   /* host indices (to: 0xFF if no route) */
    uint8_t fate;                       /* enum net_fate */
    bool reordered, corrupted, duplicate;
    uint16_t len;                       /* IP packet length */
};

struct net_stats {
    uint64_t sent, delivered, lost, duplicated, reordered, corrupted, overflow, no_route;
    uint64_t rejected;                  /* delivered, refused by the host (checksum ...) */
};

struct net {
    uint64_t now;
    uint64_t rng;
    uint64_t order;
    struct tcpsm_host *host[NET_MAX_HOSTS];
    struct tcpsm_addr addr[NET_MAX_HOSTS];
    unsigned nhost;
    struct net_link link[NET_MAX_HOSTS][NET_MAX_HOSTS];   /* [from][to] */
    struct net_packet pkt[NET_MAX_PKT];
    uint16_t heap[NET_MAX_PKT];         /* indices into pkt, min-heap on (due, order) */
    uint16_t free_list[NET_MAX_PKT];
    unsigned nheap, nfree;
    struct net_stats stats;
    struct sim_pcap *trace;             /* if set: every packet sent, as sent */
    struct net_trace_event log[NET_TRACE_MAX];  /* every packet sent and delivered */
    uint64_t nlog;                      /* events recorded so far; the last
                                           min(nlog, NET_TRACE_MAX) are in log */
    uint8_t out[NET_PKT_BYTES];         /* the packet being sent */
};

/* Empty network at time `now`, randomness from `seed` (0 is taken as 1). */
void net_init(struct net *n, uint64_t seed, uint64_t now);

/* Attach a host with its address; returns its index, or -1 if full. */
int net_add(struct net *n, struct tcpsm_host *h, const struct tcpsm_addr *addr);

/* Set the link from -> to (every field but busy_until). */
void net_set_link(struct net *n, unsigned from, unsigned to, const struct net_link *l);

/* Send what every host has to send, then run the next event: deliver the
 * packets due first, or run the timers of the hosts due first.  Returns
 * false when nothing is in flight and no host has a deadline. */
bool net_step(struct net *n);

/* Send what every host has to send now (after the caller made user calls). */
void net_flush(struct net *n);

/* The time of the next event (UINT64_MAX if none). */
uint64_t net_next_time(const struct net *n);

#endif /* TCPSM_SIM_NET_H */
