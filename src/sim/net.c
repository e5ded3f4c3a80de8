/*
 * net.c: the faulty virtual network of hosts (net.h).
 */
#include <string.h>

#include "net.h"

static uint64_t rnd(struct net *n)              /* xorshift64* */
{
    n->rng ^= n->rng >> 12;
    n->rng ^= n->rng << 25;
    n->rng ^= n->rng >> 27;
    return n->rng * 0x2545F4914F6CDD1DULL;
}

static bool chance(struct net *n, uint32_t ppm)
{
    uint64_t r = rnd(n) % NET_PPM;              /* drawn even when ppm is 0: same sequence */
    return r < ppm;
}

void net_init(struct net *n, uint64_t seed, uint64_t now)
{
    /* Every field but the packet slots, the heap, the trace events and
     * the send buffer, which are written before they are read (put(),
     * heap_push(), record(), net_flush()): clearing those 9 MB was most of
     * a short run's time (fuzz_pair).  A new field must be set here. */
    n->order = 0;
    memset(n->host, 0, sizeof n->host);
    memset(n->addr, 0, sizeof n->addr);
    n->nhost = 0;
    memset(n->link, 0, sizeof n->link);
    n->nheap = 0;
    memset(&n->stats, 0, sizeof n->stats);
    n->trace = NULL;
    n->nlog = 0;
    n->rng = seed == 0 ? 1 : seed;
    n->now = now;
    for (unsigned i = 0; i < NET_MAX_PKT; i++)
        n->free_list[i] = (uint16_t)(NET_MAX_PKT - 1 - i);
    n->nfree = NET_MAX_PKT;
}

int net_add(struct net *n, struct tcpsm_host *h, const struct tcpsm_addr *addr)
{
    if (n->nhost >= NET_MAX_HOSTS || h == NULL || addr == NULL)
        return -1;
    n->host[n->nhost] = h;
    n->addr[n->nhost] = *addr;
    return (int)n->nhost++;
}

void net_set_link(struct net *n, unsigned from, unsigned to, const struct net_link *l)
{
    if (from >= NET_MAX_HOSTS || to >= NET_MAX_HOSTS || l == NULL)
        return;
    n->link[from][to] = *l;
    n->link[from][to].busy_until = 0;
}

static bool before(const struct net *n, uint16_t a, uint16_t b)
{
    const struct net_packet *x = &n->pkt[a], *y = &n->pkt[b];
    return x->due < y->due || (x->due == y->due && x->order < y->order);
}

static void heap_push(struct net *n, uint16_t idx)
{
    unsigned i = n->nheap++;
    n->heap[i] = idx;
    while (i > 0) {
        unsigned up = (i - 1) / 2;
        if (!before(n, n->heap[i], n->heap[up]))
            break;
        uint16_t t = n->heap[i];
        n->heap[i] = n->heap[up];
        n->heap[up] = t;
        i = up;
    }
}

static uint16_t heap_pop(struct net *n)
{
    uint16_t top = n->heap[0];
    unsigned i = 0;
    n->heap[0] = n->heap[--n->nheap];
    for (;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;
        if (l < n->nheap && before(n, n->heap[l], n->heap[m]))
            m = l;
        if (r < n->nheap && before(n, n->heap[r], n->heap[m]))
            m = r;
        if (m == i)
            break;
        uint16_t t = n->heap[i];
        n->heap[i] = n->heap[m];
        n->heap[m] = t;
        i = m;
    }
    return top;
}

/* The host whose address is dst, or -1. */
static int route(const struct net *n, const struct tcpsm_addr *dst)
{
    for (unsigned i = 0; i < n->nhost; i++)
        if (tcpsm_addr_eq(&n->addr[i], dst))
            return (int)i;
    return -1;
}

static void record(struct net *n, uint64_t packet, unsigned from, int to, enum net_fate fate,
                   bool reordered, bool corrupted, bool duplicate, size_t len)
{
    struct net_trace_event *e = &n->log[n->nlog % NET_TRACE_MAX];
    e->time = n->now;
    e->packet = packet;
    e->from = (uint8_t)from;
    e->to = to < 0 ? 0xFFu : (uint8_t)to;
    e->fate = (uint8_t)fate;
    e->reordered = reordered;
    e->corrupted = corrupted;
    e->duplicate = duplicate;
    e->len = (uint16_t)len;
    n->nlog++;
}

/* Queue one copy of pkt for `to`, due at `due`. */
static bool put(struct net *n, unsigned from, unsigned to, uint64_t due, const uint8_t *pkt,
                size_t len, uint64_t packet)
{
    struct net_packet *p;
    uint16_t idx;
    if (n->nfree == 0) {
        n->stats.overflow++;
        return false;
    }
    idx = n->free_list[--n->nfree];
    p = &n->pkt[idx];
    p->due = due;
    p->order = ++n->order;
    p->from = (uint8_t)from;
    p->to = (uint8_t)to;
    p->packet = packet;
    p->len = (uint16_t)len;
    memcpy(p->bytes, pkt, len);
    heap_push(n, idx);
    return true;
}

/* One packet from host `from`: trace it, decide its fate, queue it. */
static void send_one(struct net *n, unsigned from, uint8_t *pkt, size_t len)
{
    struct tcpsm_addr src, dst;
    const uint8_t *tcp;
    size_t tlen;
    int to = -1;
    struct net_link *l;
    uint64_t leave, due;
    bool lost, corrupt, dup, reorder;
    uint64_t r_bit, r_extra;
    uint64_t packet = ++n->stats.sent;
    if (tcpsm_ip_parse(pkt, len, &src, &dst, &tcp, &tlen) == TCPSM_OK) {
        to = route(n, &dst);
        if (n->trace != NULL)
            sim_pcap_write(n->trace, n->now, &src, &dst, tcp, tlen);
    }
    if (to < 0) {
        n->stats.no_route++;
        record(n, packet, from, to, NET_NO_ROUTE, false, false, false, len);
        return;
    }
    l = &n->link[from][to];
    /* the draws, always all four and in this order */
    lost = chance(n, l->loss_ppm);
    corrupt = chance(n, l->corrupt_ppm);
    dup = chance(n, l->dup_ppm);
    reorder = chance(n, l->reorder_ppm);
    r_bit = rnd(n);
    r_extra = rnd(n);
    leave = n->now > l->busy_until ? n->now : l->busy_until;
    if (l->bits_per_s != 0)
        leave += ((uint64_t)len * 8u * 1000000u + l->bits_per_s - 1) / l->bits_per_s;
    l->busy_until = leave;
    if (lost) {
        n->stats.lost++;
        record(n, packet, from, to, NET_LOST, false, false, false, len);
        return;
    }
    due = leave + l->delay_us;
    if (reorder && l->reorder_us != 0) {
        due += 1 + r_extra % l->reorder_us;
        n->stats.reordered++;
    }
    if (corrupt) {
        uint64_t bit = r_bit % ((uint64_t)len * 8u);
        pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        n->stats.corrupted++;
    }
    if (!put(n, from, (unsigned)to, due, pkt, len, packet)) {
        record(n, packet, from, to, NET_FULL, false, false, false, len);
        return;
    }
    if (dup && put(n, from, (unsigned)to, due + 1, pkt, len, packet))
        n->stats.duplicated++;
    else
        dup = false;
    record(n, packet, from, to, NET_QUEUED, reorder && l->reorder_us != 0, corrupt, dup, len);
}

void net_flush(struct net *n)
{
    for (unsigned i = 0; i < n->nhost; i++) {
        size_t len;
        while (tcpsm_host_output(n->host[i], n->now, n->out, sizeof n->out, &len) == TCPSM_OK)
            send_one(n, i, n->out, len);
    }
}

uint64_t net_next_time(const struct net *n)
{
    uint64_t t = UINT64_MAX;
    if (n->nheap > 0)
        t = n->pkt[n->heap[0]].due;
    for (unsigned i = 0; i < n->nhost; i++) {
        uint64_t d = tcpsm_host_next_deadline(n->host[i]);
        if (d < t)
            t = d;
    }
    return t;
}

bool net_step(struct net *n)
{
    uint64_t t;
    net_flush(n);
    t = net_next_time(n);
    if (t == UINT64_MAX)
        return false;
    if (t > n->now)
        n->now = t;
    /* packets first: an arriving ACK may cancel a timer due at the same time */
    while (n->nheap > 0 && n->pkt[n->heap[0]].due <= n->now) {
        uint16_t idx = heap_pop(n);
        struct net_packet *p = &n->pkt[idx];
        bool took = tcpsm_host_input(n->host[p->to], n->now, p->bytes, p->len) == TCPSM_OK;
        if (took)
            n->stats.delivered++;
        else
            n->stats.rejected++;
        record(n, p->packet, p->from, p->to, took ? NET_DELIVERED : NET_REFUSED, false, false,
               false, p->len);
        n->free_list[n->nfree++] = idx;
    }
    for (unsigned i = 0; i < n->nhost; i++)
        if (tcpsm_host_next_deadline(n->host[i]) <= n->now)
            (void)tcpsm_host_timer(n->host[i], n->now);
    net_flush(n);
    return true;
}
