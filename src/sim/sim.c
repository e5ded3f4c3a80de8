/*
 * sim.c: the virtual network of sim.h.
 *
 * Implementation notes:
 * - A packet lives in a slot (n->slot[], n->used[]); n->queue[] holds the
 *   indices of the slots in flight, sorted by (due, order).  Insertion
 *   walks back from the tail past every packet due later, so packets due
 *   at the same time keep their send order.  With SIM_MAX_PKT = 256 the
 *   linear moves cost nothing worth optimising.
 * - "Drain" means: call tcpsm_output() until TCPSM_ERR_EMPTY and transmit
 *   each segment.  Every engine call made here is followed by
 *   tcpsm_conn_check() on every endpoint (SIM_EV_BROKEN if one fails).
 * - conn->log describes only the last public call, so the transitions are
 *   copied into n->log right after tcpsm_input()/tcpsm_timer()/a user
 *   call, before any tcpsm_output().
 * - fate() decides at send time what the network does to a packet; it is
 *   the one place to grow loss/duplication/reordering/corruption models.
 *   Only an endpoint that goes down while a packet is on its way to it is
 *   checked again, in deliver() (SIM_EV_LOST).
 */
#include "sim.h"

#include <string.h>

/* ---------------------------------------------------------------------- */
/* The event log */

static void emit(struct sim_net *n, const struct sim_event *e)
{
    if (n->nlog + 1u < SIM_LOG_MAX) {
        n->log[n->nlog++] = *e;
        return;
    }
    /* Keep the last slot for a note saying how much was lost. */
    n->nlost++;
    memset(&n->log[SIM_LOG_MAX - 1u], 0, sizeof n->log[0]);
    n->log[SIM_LOG_MAX - 1u].kind = SIM_EV_OVERFLOW;
    n->log[SIM_LOG_MAX - 1u].time = n->now;
    n->log[SIM_LOG_MAX - 1u].peer = SIM_NOBODY;
    n->log[SIM_LOG_MAX - 1u].count = n->nlost;
    n->nlog = SIM_LOG_MAX;
}

static struct sim_event event(const struct sim_net *n, enum sim_kind kind, unsigned ep)
{
    struct sim_event e;

    memset(&e, 0, sizeof e);
    e.kind = (uint8_t)kind;
    e.ep = (uint8_t)ep;
    e.peer = SIM_NOBODY;
    e.time = n->now;
    return e;
}

static void report(struct sim_net *n, unsigned ep, const char *call, enum tcpsm_err err)
{
    struct sim_event e = event(n, SIM_EV_ERROR, ep);

    e.call = call;
    e.err = (uint8_t)err;
    emit(n, &e);
}

void sim_log_clear(struct sim_net *n)
{
    n->nlog = 0;
    n->nlost = 0;
}

/* ---------------------------------------------------------------------- */
/* After an engine call */

static void record_steps(struct sim_net *n, unsigned ep)
{
    const struct tcpsm_conn *c = n->ep[ep].conn;
    unsigned i, nlog = c->nlog <= TCPSM_LOG_MAX ? c->nlog : TCPSM_LOG_MAX;

    for (i = 0; i < nlog; i++) {
        struct sim_event e = event(n, SIM_EV_STEP, ep);

        e.step = c->log[i];
        emit(n, &e);
    }
}

static void check_all(struct sim_net *n)
{
    unsigned i;

    for (i = 0; i < n->nep; i++) {
        enum tcpsm_inv inv = tcpsm_conn_check(n->ep[i].conn);

        if (inv != TCPSM_INV_OK) {
            struct sim_event e = event(n, SIM_EV_BROKEN, i);

            e.inv = (uint8_t)inv;
            emit(n, &e);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Sending */

static size_t addr_len(const struct tcpsm_addr *a)
{
    return a->family == TCPSM_AF_INET ? 4u : a->family == TCPSM_AF_INET6 ? 16u : 0u;
}

static bool addr_eq(const struct tcpsm_addr *a, const struct tcpsm_addr *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, addr_len(a)) == 0;
}

static unsigned route(const struct sim_net *n, const struct tcpsm_addr *dst, uint16_t port)
{
    unsigned i;

    for (i = 0; i < n->nep; i++)
        if (n->ep[i].port == port && addr_eq(&n->ep[i].addr, dst))
            return i;
    return SIM_NOBODY;
}

static int free_slot(const struct sim_net *n)
{
    int i;

    for (i = 0; i < SIM_MAX_PKT; i++)
        if (!n->used[i])
            return i;
    return -1;
}

static void enqueue(struct sim_net *n, unsigned idx)
{
    unsigned pos = n->nqueue;
    uint64_t due = n->slot[idx].due;

    while (pos > 0 && n->slot[n->queue[pos - 1u]].due > due)
        pos--;
    memmove(&n->queue[pos + 1u], &n->queue[pos], (n->nqueue - pos) * sizeof n->queue[0]);
    n->queue[pos] = (uint16_t)idx;
    n->nqueue++;
    n->used[idx] = true;
}

/* What the network does to packet p: true = lose it; *down says whether
 * because its sender or its addressee is down. */
static bool fate(const struct sim_net *n, const struct sim_packet *p, bool *down)
{
    unsigned i;

    *down = n->ep[p->from].down || (p->to != SIM_NOBODY && n->ep[p->to].down);
    if (*down)
        return true;
    for (i = 0; i < n->ndrop; i++)
        if (n->drop[i].ep == p->from && n->drop[i].nth == p->pkt)
            return true;
    return false;
}

static void transmit(struct sim_net *n, unsigned from, struct tcpsm_segment *seg,
                     const uint8_t *payload)
{
    struct sim_endpoint *src = &n->ep[from];
    struct sim_event e = event(n, SIM_EV_SEND, from);
    struct sim_packet *p;
    enum tcpsm_err err;
    bool down;
    int idx;

    /* Addresses: ours, and the engine's destination (else the bound peer),
     * so that the checksum covers a real pseudo-header. */
    seg->src = src->addr;
    if (seg->dst.family == TCPSM_AF_UNSPEC)
        seg->dst = src->conn->remote.ip;

    src->nsent++;
    e.pkt = src->nsent;
    e.peer = (uint8_t)route(n, &seg->dst, seg->dport);
    e.seg = *seg;

    idx = free_slot(n);
    if (idx < 0) {
        e.kind = SIM_EV_DROP;
        e.err = TCPSM_ERR_RESOURCES;
        emit(n, &e);
        return;
    }
    p = &n->slot[idx];
    p->from = (uint8_t)from;
    p->to = e.peer;
    p->pkt = e.pkt;
    p->src = seg->src;
    p->dst = seg->dst;
    p->order = ++n->order;
    p->due = n->now + (e.peer != SIM_NOBODY ? n->delay_us[from][e.peer] : n->delay_us[from][from]);
    err = tcpsm_wire_write(seg, payload, p->bytes, sizeof p->bytes, &p->len);
    if (err != TCPSM_OK) {
        report(n, from, "tcpsm_wire_write", err);
        return;
    }
    e.wire_len = p->len;
    e.at = p->due;
    if (n->trace != NULL)   /* the capture shows what was sent, lost or not */
        sim_pcap_write(n->trace, n->now, &p->src, &p->dst, p->bytes, p->len);
    if (fate(n, p, &down)) {
        e.down = down;
        e.kind = SIM_EV_DROP;
        emit(n, &e);
        return;
    }
    enqueue(n, (unsigned)idx);
    emit(n, &e);
}

static void drain(struct sim_net *n, unsigned ep)
{
    struct tcpsm_conn *c = n->ep[ep].conn;
    uint8_t payload[SIM_PKT_BYTES];
    unsigned i;

    for (i = 0; i < SIM_MAX_DRAIN; i++) {
        struct tcpsm_segment seg;
        enum tcpsm_err err;

        memset(&seg, 0, sizeof seg);
        err = tcpsm_output(c, n->now, &seg, payload, SIM_PKT_BYTES - TCPSM_HDR_MAX);
        check_all(n);
        if (err == TCPSM_ERR_EMPTY)
            return;
        if (err != TCPSM_OK) {
            report(n, ep, "tcpsm_output", err);
            return;
        }
        transmit(n, ep, &seg, payload);
    }
    report(n, ep, "tcpsm_output (never returned EMPTY)", TCPSM_ERR_RESOURCES);
}

/* ---------------------------------------------------------------------- */
/* Receiving and timers */

static void deliver(struct sim_net *n)
{
    unsigned idx = n->queue[0];
    struct sim_packet *p = &n->slot[idx];
    struct sim_event e = event(n, SIM_EV_DELIVER, p->from);
    const uint8_t *payload = NULL;
    enum tcpsm_err err;

    n->nqueue--;
    memmove(&n->queue[0], &n->queue[1], n->nqueue * sizeof n->queue[0]);
    e.peer = p->to;
    e.pkt = p->pkt;
    e.wire_len = p->len;

    /* MUST-3: a segment with a bad checksum is discarded. */
    err = tcpsm_wire_verify(&p->src, &p->dst, p->bytes, p->len);
    if (err == TCPSM_OK)
        err = tcpsm_wire_parse(p->bytes, p->len, &e.seg, &payload);
    if (err == TCPSM_OK && p->to == SIM_NOBODY)
        err = TCPSM_ERR_NOT_FOR_US;
    if (err != TCPSM_OK) {
        e.kind = SIM_EV_REJECT;
        e.err = (uint8_t)err;
        emit(n, &e);
        n->used[idx] = false;
        return;
    }
    e.seg.src = p->src;
    e.seg.dst = p->dst;
    if (n->ep[p->to].down) {    /* it went down while the packet was in flight */
        e.kind = SIM_EV_LOST;
        e.down = true;
        emit(n, &e);
        n->used[idx] = false;
        return;
    }
    err = tcpsm_input(n->ep[p->to].conn, n->now, &e.seg, payload);
    e.err = (uint8_t)err;
    emit(n, &e);
    record_steps(n, p->to);
    check_all(n);
    n->used[idx] = false;       /* payload pointed into the slot until now */
    drain(n, p->to);
}

static void run_timers(struct sim_net *n, unsigned ep)
{
    struct sim_endpoint *s = &n->ep[ep];
    struct sim_event e = event(n, SIM_EV_TIMER, ep);
    enum tcpsm_err err;

    emit(n, &e);
    err = tcpsm_timer(s->conn, n->now);
    if (err != TCPSM_OK)
        report(n, ep, "tcpsm_timer", err);
    record_steps(n, ep);
    check_all(n);
    drain(n, ep);
    if (tcpsm_next_deadline(s->conn) <= n->now) {
        /* The timer did not move its deadline: ignore it from now on
         * rather than spin at this instant forever. */
        s->timer_stuck = true;
        report(n, ep, "tcpsm_timer (deadline still due afterwards)", TCPSM_ERR_INVAL);
    }
}

/* ---------------------------------------------------------------------- */
/* Public */

void sim_init(struct sim_net *n, uint64_t delay_us)
{
    unsigned i, j;

    memset(n, 0, sizeof *n);
    for (i = 0; i < SIM_MAX_EP; i++)
        for (j = 0; j < SIM_MAX_EP; j++)
            n->delay_us[i][j] = delay_us;
}

int sim_attach(struct sim_net *n, struct tcpsm_conn *c, const struct tcpsm_addr *addr,
               uint16_t port)
{
    struct sim_endpoint *s;

    if (n == NULL || c == NULL || addr == NULL || n->nep >= SIM_MAX_EP)
        return -1;
    s = &n->ep[n->nep];
    memset(s, 0, sizeof *s);
    s->conn = c;
    s->addr = *addr;
    s->port = port;
    return (int)n->nep++;
}

void sim_set_delay(struct sim_net *n, unsigned from, unsigned to, uint64_t delay_us)
{
    if (from < SIM_MAX_EP && to < SIM_MAX_EP)
        n->delay_us[from][to] = delay_us;
}

bool sim_drop_nth(struct sim_net *n, unsigned ep, uint32_t nth)
{
    if (n->ndrop >= SIM_MAX_DROPS || ep >= SIM_MAX_EP)
        return false;
    n->drop[n->ndrop].ep = (uint8_t)ep;
    n->drop[n->ndrop].nth = nth;
    n->ndrop++;
    return true;
}

void sim_set_down(struct sim_net *n, unsigned ep, bool down)
{
    if (ep < n->nep)
        n->ep[ep].down = down;
}

void sim_after_call(struct sim_net *n, unsigned ep)
{
    if (ep >= n->nep)
        return;
    record_steps(n, ep);
    check_all(n);
    drain(n, ep);
}

uint64_t sim_next_time(const struct sim_net *n)
{
    uint64_t t = SIM_NEVER;
    unsigned i;

    if (n->nqueue > 0)
        t = n->slot[n->queue[0]].due;
    for (i = 0; i < n->nep; i++) {
        uint64_t d;

        if (n->ep[i].timer_stuck)
            continue;
        d = tcpsm_next_deadline(n->ep[i].conn);
        if (d < t)
            t = d;
    }
    return t != SIM_NEVER && t < n->now ? n->now : t;
}

bool sim_step(struct sim_net *n)
{
    uint64_t t = sim_next_time(n);
    unsigned i;

    if (t == SIM_NEVER)
        return false;
    n->now = t;
    if (n->nqueue > 0 && n->slot[n->queue[0]].due <= n->now) {
        deliver(n);
        return true;
    }
    for (i = 0; i < n->nep; i++) {
        if (!n->ep[i].timer_stuck && tcpsm_next_deadline(n->ep[i].conn) <= n->now) {
            run_timers(n, i);
            return true;
        }
    }
    return false;
}

unsigned sim_in_flight(const struct sim_net *n)
{
    return n->nqueue;
}
