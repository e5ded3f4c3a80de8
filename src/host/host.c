/*
 * host.c: many connections over the core (tcpsm_host.h).
 *
 * Implementation notes:
 * - The table is the caller's array of slots; a slot is FREE, a LISTENER
 *   or a CONN.  Lookups are linear scans: the table is meant to be small
 *   (a test host, a simulator endpoint, a reference model), and a scan has
 *   no hidden state that could make two runs differ.
 * - Demultiplexing (tcpsm_host_input_segment): a connection whose 4-tuple
 *   is the segment's; else the most specific listener on the destination
 *   (MUST-42: a specified local address, then a specified foreign
 *   address, then a specified foreign port, each beats its wildcard);
 *   else no connection, and a CLOSED TCB of the host's own answers as RFC
 *   9293 3.10.7.1 says (the core's rules, so the RST's fields are the
 *   core's, and no RST answers a RST).
 * - A SYN to a listener makes a new connection in a free slot: the
 *   listener's TCB is never given the SYN, so it stays in LISTEN
 *   (MUST-41: nothing else is disturbed).  The new TCB is a passive OPEN
 *   on the segment's 4-tuple with the RFC 6528 ISN, then gets the SYN.  A
 *   full backlog or table drops the SYN without an answer.
 * - A connection made by a listener that goes back to LISTEN (a RST in
 *   SYN-RECEIVED, 3.10.7.4) or to CLOSED before it is accepted is freed at
 *   once: the listener itself is still there.
 */
#include <string.h>

#include "tcpsm_host.h"

bool tcpsm_addr_eq(const struct tcpsm_addr *a, const struct tcpsm_addr *b)
{
    return a != NULL && b != NULL && a->family == b->family
           && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

static bool addr_given(const struct tcpsm_addr *a)
{
    return a->family != TCPSM_AF_UNSPEC;
}

static bool family_ok(uint8_t f)
{
    return f == TCPSM_AF_INET || f == TCPSM_AF_INET6;
}

bool tcpsm_addr_is_multi(const struct tcpsm_addr *a)
{
    if (a == NULL)
        return false;
    if (a->family == TCPSM_AF_INET)
        return (a->addr[0] & 0xF0u) == 0xE0u   /* 224.0.0.0/4: multicast */
               || (a->addr[0] == 255 && a->addr[1] == 255
                   && a->addr[2] == 255 && a->addr[3] == 255);   /* limited broadcast */
    if (a->family == TCPSM_AF_INET6)
        return a->addr[0] == 0xFFu;            /* ff00::/8: multicast */
    return false;
}

enum tcpsm_err tcpsm_host_init(struct tcpsm_host *h, const struct tcpsm_config *cfg,
                               struct tcpsm_host_slot *slots, uint32_t nslot,
                               const uint8_t key[TCPSM_ISN_KEY_LEN])
{
    enum tcpsm_err e;
    if (h == NULL || (slots == NULL && nslot != 0) || nslot > TCPSM_HOST_MAX_SLOTS
        || key == NULL)
        return TCPSM_ERR_INVAL;
    for (uint32_t i = 0; i < nslot; i++)
        if ((slots[i].sbuf == NULL && slots[i].scap != 0)
            || (slots[i].rbuf == NULL && slots[i].rcap != 0)
            || slots[i].scap > TCPSM_MAX_BUF || slots[i].rcap > TCPSM_MAX_BUF)
            return TCPSM_ERR_INVAL;
    memset(h, 0, sizeof *h);
    if (cfg != NULL)
        h->cfg = *cfg;
    else
        tcpsm_config_default(&h->cfg);
    e = tcpsm_conn_init(&h->closed, &h->cfg, NULL, 0, NULL, 0);
    if (e != TCPSM_OK)
        return e;           /* a bad configuration */
    h->slot = slots;
    h->nslot = nslot;
    h->challenge_limit = TCPSM_HOST_CHALLENGE_LIMIT;
    memcpy(h->key, key, TCPSM_ISN_KEY_LEN);
    for (uint32_t i = 0; i < nslot; i++) {
        slots[i].use = TCPSM_SLOT_FREE;
        slots[i].queued = false;
        slots[i].released = false;
        slots[i].parent = 0;
        slots[i].backlog = 0;
        slots[i].pending = 0;
        slots[i].born = 0;
    }
    return TCPSM_OK;
}

/* A free slot with a fresh CLOSED TCB over its buffers, or NULL. */
static struct tcpsm_host_slot *take_slot(struct tcpsm_host *h, uint32_t *index)
{
    for (uint32_t i = 0; i < h->nslot; i++) {
        struct tcpsm_host_slot *s = &h->slot[i];
        if (s->use != TCPSM_SLOT_FREE)
            continue;
        if (tcpsm_conn_init(&s->conn, &h->cfg, s->sbuf, s->scap, s->rbuf, s->rcap) != TCPSM_OK)
            continue;
        s->queued = false;
        s->released = false;
        s->parent = 0;
        s->backlog = 0;
        s->pending = 0;
        s->peer_sack_ok = false;
        s->born = ++h->births;
        *index = i;
        return s;
    }
    return NULL;
}

static void free_slot(struct tcpsm_host *h, uint32_t i)
{
    struct tcpsm_host_slot *s = &h->slot[i];
    if (s->use == TCPSM_SLOT_CONN && s->queued && s->parent < h->nslot
        && h->slot[s->parent].pending > 0)
        h->slot[s->parent].pending--;
    s->use = TCPSM_SLOT_FREE;
    s->queued = false;
    s->released = false;
}

/* Free slot i if its connection is over and nobody holds it: CLOSED with
 * nothing left to send, and released or never accepted.  A connection made
 * by a listener that went back to LISTEN is over too. */
static void reap(struct tcpsm_host *h, uint32_t i)
{
    struct tcpsm_host_slot *s = &h->slot[i];
    if (s->use != TCPSM_SLOT_CONN)
        return;
    if (s->queued && s->conn.state == TCPSM_LISTEN) {
        free_slot(h, i);
        return;
    }
    if (s->conn.state == TCPSM_CLOSED && s->conn.nreply == 0 && (s->released || s->queued))
        free_slot(h, i);
}

static bool endpoint_ok(const struct tcpsm_endpoint *e, bool need_addr, bool need_port)
{
    if (e == NULL)
        return !need_addr && !need_port;
    if (e->ip.family != TCPSM_AF_UNSPEC && !family_ok(e->ip.family))
        return false;
    if (need_addr && !addr_given(&e->ip))
        return false;
    return !need_port || e->port != 0;
}

static bool endpoint_eq(const struct tcpsm_endpoint *a, const struct tcpsm_endpoint *b)
{
    return tcpsm_addr_eq(&a->ip, &b->ip) && a->port == b->port;
}

enum tcpsm_err tcpsm_host_listen(struct tcpsm_host *h, uint64_t now,
                                 const struct tcpsm_endpoint *local,
                                 const struct tcpsm_endpoint *remote,
                                 uint32_t backlog, uint32_t *handle)
{
    static const struct tcpsm_endpoint any;
    struct tcpsm_open o;
    struct tcpsm_host_slot *s;
    uint32_t i;
    enum tcpsm_err e;
    if (h == NULL || handle == NULL || backlog == 0 || !endpoint_ok(local, false, true)
        || !endpoint_ok(remote, false, false))
        return TCPSM_ERR_INVAL;
    if (remote == NULL)
        remote = &any;
    if (addr_given(&local->ip) && addr_given(&remote->ip) && local->ip.family != remote->ip.family)
        return TCPSM_ERR_INVAL;
    /* MUST-42: one listener per (local socket, foreign socket) */
    for (i = 0; i < h->nslot; i++)
        if (h->slot[i].use == TCPSM_SLOT_LISTENER && !h->slot[i].released
            && endpoint_eq(&h->slot[i].conn.local, local)
            && endpoint_eq(&h->slot[i].conn.open_remote, remote))
            return TCPSM_ERR_EXISTS;
    s = take_slot(h, &i);
    if (s == NULL)
        return TCPSM_ERR_RESOURCES;
    memset(&o, 0, sizeof o);
    o.active = false;
    o.local = *local;
    o.remote = *remote;
    e = tcpsm_open(&s->conn, now, &o);
    if (e != TCPSM_OK)
        return e;           /* the slot stays free */
    s->use = TCPSM_SLOT_LISTENER;
    s->backlog = backlog;
    *handle = i;
    return TCPSM_OK;
}

/* A connection (not a listener) on exactly this 4-tuple, or NULL. */
static struct tcpsm_host_slot *find_conn(struct tcpsm_host *h, const struct tcpsm_addr *lip,
                                         uint16_t lport, const struct tcpsm_addr *rip,
                                         uint16_t rport, uint32_t *index)
{
    struct tcpsm_host_slot *found = NULL;
    for (uint32_t i = 0; i < h->nslot; i++) {
        struct tcpsm_host_slot *s = &h->slot[i];
        const struct tcpsm_conn *c = &s->conn;
        if (s->use != TCPSM_SLOT_CONN || c->state == TCPSM_CLOSED || c->state == TCPSM_LISTEN)
            continue;
        if (c->local.port == lport && c->remote.port == rport
            && tcpsm_addr_eq(&c->local.ip, lip) && tcpsm_addr_eq(&c->remote.ip, rip)) {
            *index = i;
            if (c->state != TCPSM_TIME_WAIT)
                return s;               /* a connection reopened from TIME-WAIT (MAY-2) first */
            found = s;
        }
    }
    if (found != NULL)
        *index = (uint32_t)(found - h->slot);
    return found;
}

enum tcpsm_err tcpsm_host_connect(struct tcpsm_host *h, uint64_t now,
                                  const struct tcpsm_endpoint *local,
                                  const struct tcpsm_endpoint *remote, uint32_t *handle)
{
    struct tcpsm_open o;
    struct tcpsm_host_slot *s;
    uint32_t i;
    enum tcpsm_err e;
    if (h == NULL || handle == NULL || !endpoint_ok(local, true, true)
        || !endpoint_ok(remote, true, true) || local->ip.family != remote->ip.family)
        return TCPSM_ERR_INVAL;
    if (tcpsm_addr_is_multi(&remote->ip) || tcpsm_addr_is_multi(&local->ip))
        return TCPSM_ERR_ILLEGAL;
    if (find_conn(h, &local->ip, local->port, &remote->ip, remote->port, &i) != NULL)
        return TCPSM_ERR_EXISTS;
    s = take_slot(h, &i);
    if (s == NULL)
        return TCPSM_ERR_RESOURCES;     /* 5: a full table refuses, evicts nothing */
    memset(&o, 0, sizeof o);
    o.active = true;
    o.local = *local;
    o.remote = *remote;
    o.iss = tcpsm_isn(h->key, local, remote, now);   /* RFC 6528 (MUST-8, SHLD-1) */
    e = tcpsm_open(&s->conn, now, &o);
    if (e != TCPSM_OK)
        return e;
    s->use = TCPSM_SLOT_CONN;
    *handle = i;
    return TCPSM_OK;
}

enum tcpsm_err tcpsm_host_accept(struct tcpsm_host *h, uint32_t listener, uint32_t *handle)
{
    uint32_t best = 0;
    bool found = false;
    if (h == NULL || handle == NULL || listener >= h->nslot
        || h->slot[listener].use != TCPSM_SLOT_LISTENER || h->slot[listener].released)
        return TCPSM_ERR_INVAL;
    for (uint32_t i = 0; i < h->nslot; i++) {
        const struct tcpsm_host_slot *s = &h->slot[i];
        uint8_t st = s->conn.state;
        if (s->use != TCPSM_SLOT_CONN || !s->queued || s->parent != listener
            || st == TCPSM_SYN_RECEIVED || st == TCPSM_LISTEN || st == TCPSM_CLOSED)
            continue;
        if (!found || s->born < h->slot[best].born) {
            best = i;
            found = true;
        }
    }
    if (!found)
        return TCPSM_ERR_EMPTY;
    h->slot[best].queued = false;
    if (h->slot[listener].pending > 0)
        h->slot[listener].pending--;
    *handle = best;
    return TCPSM_OK;
}

struct tcpsm_conn *tcpsm_host_conn(struct tcpsm_host *h, uint32_t handle)
{
    if (h == NULL || handle >= h->nslot || h->slot[handle].use == TCPSM_SLOT_FREE
        || h->slot[handle].released || h->slot[handle].queued)
        return NULL;
    return &h->slot[handle].conn;
}

/* The TCB of a connection (not a listener) the application holds. */
static struct tcpsm_conn *user_conn(struct tcpsm_host *h, uint32_t handle)
{
    struct tcpsm_conn *c = tcpsm_host_conn(h, handle);
    return c != NULL && h->slot[handle].use == TCPSM_SLOT_CONN ? c : NULL;
}

enum tcpsm_err tcpsm_host_send(struct tcpsm_host *h, uint64_t now, uint32_t handle,
                               const uint8_t *data, uint32_t len, unsigned flags,
                               uint32_t *accepted)
{
    struct tcpsm_conn *c = user_conn(h, handle);
    return c == NULL ? TCPSM_ERR_NOT_EXIST : tcpsm_send(c, now, data, len, flags, accepted);
}

enum tcpsm_err tcpsm_host_receive(struct tcpsm_host *h, uint64_t now, uint32_t handle,
                                  uint8_t *buf, uint32_t cap, uint32_t *got, unsigned *flags)
{
    struct tcpsm_conn *c = user_conn(h, handle);
    return c == NULL ? TCPSM_ERR_NOT_EXIST : tcpsm_receive(c, now, buf, cap, got, flags);
}

enum tcpsm_err tcpsm_host_close(struct tcpsm_host *h, uint64_t now, uint32_t handle)
{
    struct tcpsm_conn *c = user_conn(h, handle);
    return c == NULL ? TCPSM_ERR_NOT_EXIST : tcpsm_close(c, now);
}

enum tcpsm_err tcpsm_host_abort(struct tcpsm_host *h, uint64_t now, uint32_t handle)
{
    struct tcpsm_conn *c = user_conn(h, handle);
    return c == NULL ? TCPSM_ERR_NOT_EXIST : tcpsm_abort(c, now);
}

enum tcpsm_err tcpsm_host_status(struct tcpsm_host *h, uint32_t handle, struct tcpsm_status *st)
{
    struct tcpsm_conn *c = user_conn(h, handle);
    return c == NULL ? TCPSM_ERR_NOT_EXIST : tcpsm_status(c, st);
}

enum tcpsm_err tcpsm_host_release(struct tcpsm_host *h, uint64_t now, uint32_t handle)
{
    struct tcpsm_host_slot *s;
    if (h == NULL || handle >= h->nslot)
        return TCPSM_ERR_INVAL;
    s = &h->slot[handle];
    if (s->use == TCPSM_SLOT_FREE || s->released || s->queued)
        return TCPSM_ERR_INVAL;
    if (s->use == TCPSM_SLOT_LISTENER) {
        /* its waiting connections were never the application's: reset them */
        for (uint32_t i = 0; i < h->nslot; i++) {
            struct tcpsm_host_slot *q = &h->slot[i];
            if (q->use == TCPSM_SLOT_CONN && q->queued && q->parent == handle) {
                (void)tcpsm_abort(&q->conn, now);
                q->queued = false;
                q->released = true;
                reap(h, i);
            }
        }
        (void)tcpsm_close(&s->conn, now);   /* LISTEN -> CLOSED (3.10.4) */
        s->pending = 0;
        free_slot(h, handle);
        return TCPSM_OK;
    }
    s->released = true;
    reap(h, handle);
    return TCPSM_OK;
}

/* The listener that takes a segment to (dst, dport) from (src, sport):
 * the most specific match (MUST-42), or none. */
static bool find_listener(struct tcpsm_host *h, const struct tcpsm_segment *seg,
                          uint32_t *index)
{
    int best_score = -1;
    for (uint32_t i = 0; i < h->nslot; i++) {
        const struct tcpsm_host_slot *s = &h->slot[i];
        const struct tcpsm_conn *c = &s->conn;
        int score = 0;
        if (s->use != TCPSM_SLOT_LISTENER || s->released || c->state != TCPSM_LISTEN
            || c->local.port != seg->dport)
            continue;
        if (addr_given(&c->local.ip)) {
            if (!tcpsm_addr_eq(&c->local.ip, &seg->dst))
                continue;
            score += 4;
        }
        if (addr_given(&c->open_remote.ip)) {
            if (!tcpsm_addr_eq(&c->open_remote.ip, &seg->src))
                continue;
            score += 2;
        }
        if (c->open_remote.port != 0) {
            if (c->open_remote.port != seg->sport)
                continue;
            score += 1;
        }
        if (score > best_score) {
            best_score = score;
            *index = i;
        }
    }
    return best_score >= 0;
}

/* A SYN for listener l: a new connection in SYN-RECEIVED, or a silent drop.
 * Its ISS is the RFC 6528 ISN, or `after` + 65536 when `reopen` and the ISN
 * is not beyond `after` (MAY-2). */
static enum tcpsm_err spawn(struct tcpsm_host *h, uint64_t now, uint32_t l,
                            const struct tcpsm_segment *seg, const uint8_t *payload,
                            bool reopen, uint32_t after)
{
    struct tcpsm_host_slot *ls = &h->slot[l], *s;
    struct tcpsm_open o;
    uint32_t i;
    enum tcpsm_err e;
    if (tcpsm_addr_is_multi(&seg->src)) {
        h->stats.syn_bad_source++;      /* MUST-63: reject a SYN from a broadcast/multicast source */
        return TCPSM_OK;
    }
    if (ls->pending >= ls->backlog) {
        h->stats.syn_backlog++;         /* a full backlog drops the SYN, no RST */
        return TCPSM_OK;
    }
    s = take_slot(h, &i);
    if (s == NULL) {
        h->stats.syn_no_slot++;
        return TCPSM_OK;
    }
    memset(&o, 0, sizeof o);
    o.active = false;
    o.local.ip = seg->dst;
    o.local.port = seg->dport;
    o.remote.ip = seg->src;
    o.remote.port = seg->sport;
    o.iss = tcpsm_isn(h->key, &o.local, &o.remote, now);    /* RFC 6528 */
    if (reopen && (int32_t)(o.iss - after) <= 0)
        o.iss = after + 65536u;         /* RFC 1122 4.2.2.13 (1): beyond the old one's */
    e = tcpsm_open(&s->conn, now, &o);
    if (e == TCPSM_OK)
        e = tcpsm_input(&s->conn, now, seg, payload);
    if (e != TCPSM_OK || s->conn.state != TCPSM_SYN_RECEIVED)
        return e;           /* the slot was never marked used: it stays free */
    s->use = TCPSM_SLOT_CONN;
    s->queued = true;
    s->parent = l;
    s->peer_sack_ok = seg->opt.sack_permitted;
    ls->pending++;
    return TCPSM_OK;
}

void tcpsm_host_set_challenge_limit(struct tcpsm_host *h, uint32_t per_second)
{
    if (h != NULL)
        h->challenge_limit = per_second;
}

void tcpsm_host_set_time_wait_reopen(struct tcpsm_host *h, bool on)
{
    if (h != NULL)
        h->tw_reopen = on;
}

/* RFC 9293 3.6.1 (MAY-2): may seg, for the TIME-WAIT connection in slot i,
 * open a new one through listener *l?  A SYN without ACK or RST, beyond the
 * old connection's RCV.NXT (so no old duplicate of it), with a listener. */
static bool reopens(struct tcpsm_host *h, uint32_t i, const struct tcpsm_segment *seg,
                    uint32_t *l)
{
    const struct tcpsm_conn *c = &h->slot[i].conn;
    if (!h->tw_reopen || c->state != TCPSM_TIME_WAIT
        || (seg->flags & (TCPSM_SYN | TCPSM_ACK | TCPSM_RST)) != TCPSM_SYN)
        return false;
    if ((int32_t)(seg->seq - c->rcv_nxt) <= 0)
        return false;
    return find_listener(h, seg, l);
}

/* Connection i reached ESTABLISHED: a TIME-WAIT TCB of the same sockets
 * that it reopened (MAY-2) is done with. */
static void supersede(struct tcpsm_host *h, uint64_t now, uint32_t i)
{
    const struct tcpsm_conn *n = &h->slot[i].conn;
    if (n->state < TCPSM_ESTABLISHED || n->state == TCPSM_TIME_WAIT)
        return;
    for (uint32_t j = 0; j < h->nslot; j++) {
        struct tcpsm_host_slot *s = &h->slot[j];
        const struct tcpsm_conn *c = &s->conn;
        if (j != i && s->use == TCPSM_SLOT_CONN && c->state == TCPSM_TIME_WAIT
            && c->local.port == n->local.port && c->remote.port == n->remote.port
            && tcpsm_addr_eq(&c->local.ip, &n->local.ip)
            && tcpsm_addr_eq(&c->remote.ip, &n->remote.ip)) {
            /* a handle the application still holds stays valid: its TCB
             * ends (3.10.5 ABORT in TIME-WAIT: deleted, nothing sent) and
             * the slot is freed when the handle is released */
            if (!s->released) {
                (void)tcpsm_abort(&s->conn, now);
                continue;
            }
            free_slot(h, j);
        }
    }
}

/* Would c answer seg with a challenge ACK (RFC 5961 3.2, 4.2, 5.2)?  Only
 * asked when the host's budget is spent; the core decides otherwise. */
static bool draws_challenge(const struct tcpsm_conn *c, const struct tcpsm_segment *seg)
{
    bool synced = c->state >= TCPSM_ESTABLISHED && c->state <= TCPSM_TIME_WAIT;
    if (c->state < TCPSM_SYN_RECEIVED || c->state > TCPSM_TIME_WAIT)
        return false;
    if (seg->flags & TCPSM_RST)
        return c->cfg.rfc5961_rst && seg->seq != c->rcv_nxt;
    /* a SYN in SYN-RECEIVED of an active OPEN is handled as in the
     * synchronized states (the core's challenge ACK, RFC 5961 4.2) */
    if ((seg->flags & TCPSM_SYN) && c->cfg.rfc5961_syn
        && (synced || (c->state == TCPSM_SYN_RECEIVED && !c->passive)))
        return true;
    if (!synced)
        return false;
    if ((seg->flags & TCPSM_ACK) && c->cfg.rfc5961_ack) {
        uint32_t lo = c->snd_una - c->max_snd_wnd;      /* modulo 2^32 */
        return (uint32_t)(seg->ack - lo) > (uint32_t)(c->snd_nxt - lo);
    }
    return false;
}

/* Is a challenge ACK still allowed in the current second? */
static bool challenge_left(struct tcpsm_host *h, uint64_t now)
{
    if (now - h->challenge_since >= 1000000u || now < h->challenge_since) {
        h->challenge_since = now;
        h->challenge_used = 0;
    }
    return h->challenge_used < h->challenge_limit;
}

/* A segment for the connection in slot i: RFC 5961's limit, then the core. */
static enum tcpsm_err to_conn(struct tcpsm_host *h, uint64_t now, uint32_t i,
                              const struct tcpsm_segment *seg, const uint8_t *payload)
{
    struct tcpsm_conn *c = &h->slot[i].conn;
    uint32_t ch = c->n_challenge_acks, ba = c->n_bad_ack_dropped, ri = c->n_rst_ignored,
             si = c->n_syn_ignored, sent;
    enum tcpsm_err e;
    if (draws_challenge(c, seg) && !challenge_left(h, now)) {
        h->stats.challenge_limited++;   /* RFC 5961 7: no challenge ACK; dropped as it would be */
        if (seg->flags & TCPSM_RST)
            h->stats.rst_ignored++;
        else if (seg->flags & TCPSM_SYN)
            h->stats.syn_ignored++;
        return TCPSM_OK;
    }
    e = tcpsm_input(c, now, seg, payload);
    sent = (c->n_challenge_acks - ch) + (c->cfg.rfc5961_ack ? c->n_bad_ack_dropped - ba : 0u);
    h->stats.challenge_acks += sent;
    h->stats.rst_ignored += c->n_rst_ignored - ri + (c->n_challenge_acks - ch
                                                     - (c->n_syn_ignored - si));
    h->stats.syn_ignored += c->n_syn_ignored - si;
    (void)challenge_left(h, now);
    h->challenge_used = h->challenge_used + sent < h->challenge_used ? UINT32_MAX
                                                                     : h->challenge_used + sent;
    supersede(h, now, i);
    reap(h, i);
    return e;
}

enum tcpsm_err tcpsm_host_input_segment(struct tcpsm_host *h, uint64_t now,
                                        const struct tcpsm_addr *src,
                                        const struct tcpsm_addr *dst,
                                        const uint8_t *bytes, size_t len)
{
    struct tcpsm_segment seg;
    const uint8_t *payload;
    enum tcpsm_err e;
    uint32_t i;
    if (h == NULL || src == NULL || dst == NULL || bytes == NULL)
        return TCPSM_ERR_INVAL;
    h->stats.seg_in++;
    if (!family_ok(src->family) || src->family != dst->family) {
        h->stats.seg_bad++;
        return TCPSM_ERR_INVAL;
    }
    e = tcpsm_wire_parse(bytes, len, &seg, &payload);
    if (e == TCPSM_OK)
        e = tcpsm_wire_verify(src, dst, bytes, len);    /* MUST-3: a bad checksum is dropped */
    if (e != TCPSM_OK) {
        h->stats.seg_bad++;
        return e;
    }
    seg.src = *src;
    seg.dst = *dst;
    if (tcpsm_addr_is_multi(dst)) {
        h->stats.seg_not_unicast++;     /* MUST-57: silently drop */
        return TCPSM_ERR_NOT_FOR_US;
    }
    if (find_conn(h, dst, seg.dport, src, seg.sport, &i) != NULL) {
        uint32_t l;
        if (reopens(h, i, &seg, &l)) {
            h->stats.tw_reopened++;
            return spawn(h, now, l, &seg, payload, true, h->slot[i].conn.snd_nxt);
        }
        return to_conn(h, now, i, &seg, payload);
    }
    if (find_listener(h, &seg, &i)) {
        if ((seg.flags & (TCPSM_SYN | TCPSM_RST | TCPSM_ACK)) == TCPSM_SYN)
            return spawn(h, now, i, &seg, payload, false, 0);
        if (tcpsm_addr_is_multi(src))
            return TCPSM_OK;            /* no RST to a broadcast/multicast source */
        /* 3.10.7.2: RST ignored, ACK answered by RST, the rest dropped */
        return tcpsm_input(&h->slot[i].conn, now, &seg, payload);
    }
    h->stats.no_conn++;
    if (tcpsm_addr_is_multi(src))
        return TCPSM_OK;                /* no reply to a broadcast/multicast source */
    /* RFC 9293 3.10.7.1: no TCB, the CLOSED state's rules */
    return tcpsm_input(&h->closed, now, &seg, payload);
}

void tcpsm_host_set_syn_options(struct tcpsm_host *h, unsigned style)
{
    if (h != NULL && style <= TCPSM_SYN_OPTS_NOP_SACK)
        h->syn_opts = (uint8_t)style;
}

/* Serialise the segment seg (its text in scratch) into buf; a SYN of
 * connection s (NULL: the host's CLOSED TCB) in the host's option style. */
static enum tcpsm_err emit(struct tcpsm_host *h, const struct tcpsm_host_slot *s,
                           struct tcpsm_segment *seg, struct tcpsm_addr *src,
                           struct tcpsm_addr *dst, uint8_t *buf, size_t cap, size_t *len)
{
    enum tcpsm_err e;
    bool sack = h->syn_opts != TCPSM_SYN_OPTS_MSS && s != NULL && (seg->flags & TCPSM_SYN)
                && seg->opt.has_mss && !seg->opt.sack_permitted
                && (!(seg->flags & TCPSM_ACK) || s->peer_sack_ok);
    if (sack)
        seg->opt.sack_permitted = true;         /* RFC 2018 2: in the SYN only */
    e = tcpsm_wire_write(seg, h->scratch, buf, cap, len);
    if (e != TCPSM_OK)
        return e;
    /* the writer lays out mss,sackOK,eol,eol (8 bytes); Linux's layout is
     * nop,nop,sackOK after the MSS in the same 8 bytes */
    if (sack && h->syn_opts == TCPSM_SYN_OPTS_NOP_SACK && *len >= 28 && buf[12] >> 4 == 7
        && buf[20] == 2 && buf[24] == 4 && buf[25] == 2) {
        uint16_t ck;
        buf[24] = 1;
        buf[25] = 1;
        buf[26] = 4;
        buf[27] = 2;
        buf[16] = 0;
        buf[17] = 0;
        ck = tcpsm_wire_checksum(&seg->src, &seg->dst, buf, *len);
        buf[16] = (uint8_t)(ck >> 8);
        buf[17] = (uint8_t)ck;
    }
    *src = seg->src;
    *dst = seg->dst;
    h->stats.seg_out++;
    return TCPSM_OK;
}

enum tcpsm_err tcpsm_host_output_segment(struct tcpsm_host *h, uint64_t now,
                                         struct tcpsm_addr *src, struct tcpsm_addr *dst,
                                         uint8_t *buf, size_t cap, size_t *len)
{
    struct tcpsm_segment seg;
    uint32_t room;
    if (h == NULL || src == NULL || dst == NULL || buf == NULL || len == NULL
        || cap < TCPSM_HDR_MAX)
        return TCPSM_ERR_INVAL;
    room = (uint32_t)(cap - TCPSM_HDR_MAX < TCPSM_HOST_SCRATCH ? cap - TCPSM_HDR_MAX
                                                            : TCPSM_HOST_SCRATCH);
    if (tcpsm_output(&h->closed, now, &seg, h->scratch, room) == TCPSM_OK)
        return emit(h, NULL, &seg, src, dst, buf, cap, len);
    for (uint32_t n = 0; n < h->nslot; n++) {
        uint32_t i = (h->next_out + n) % h->nslot;
        struct tcpsm_host_slot *s = &h->slot[i];
        if (s->use == TCPSM_SLOT_FREE)
            continue;
        if (tcpsm_output(&s->conn, now, &seg, h->scratch, room) == TCPSM_OK) {
            h->next_out = (i + 1u) % h->nslot;
            reap(h, i);
            return emit(h, s, &seg, src, dst, buf, cap, len);
        }
        reap(h, i);
    }
    return TCPSM_ERR_EMPTY;
}

uint64_t tcpsm_host_next_deadline(const struct tcpsm_host *h)
{
    uint64_t d = TCPSM_NEVER;
    if (h == NULL)
        return d;
    for (uint32_t i = 0; i < h->nslot; i++) {
        uint64_t t;
        if (h->slot[i].use == TCPSM_SLOT_FREE)
            continue;
        t = tcpsm_next_deadline(&h->slot[i].conn);
        if (t < d)
            d = t;
    }
    return d;
}

enum tcpsm_err tcpsm_host_timer(struct tcpsm_host *h, uint64_t now)
{
    if (h == NULL)
        return TCPSM_ERR_INVAL;
    for (uint32_t i = 0; i < h->nslot; i++) {
        struct tcpsm_host_slot *s = &h->slot[i];
        if (s->use == TCPSM_SLOT_FREE)
            continue;
        if (tcpsm_next_deadline(&s->conn) <= now)
            (void)tcpsm_timer(&s->conn, now);
        reap(h, i);
    }
    return TCPSM_OK;
}

uint32_t tcpsm_host_in_use(const struct tcpsm_host *h)
{
    uint32_t n = 0;
    if (h == NULL)
        return 0;
    for (uint32_t i = 0; i < h->nslot; i++)
        if (h->slot[i].use != TCPSM_SLOT_FREE)
            n++;
    return n;
}
