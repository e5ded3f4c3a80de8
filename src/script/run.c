/*
 * run.c: a parsed packetdrill script executed against a tcpsm_host on a
 * virtual clock.
 *
 * Implementation notes:
 * - tcpsm is "local" (192.168.0.1 or fd3d:fa7b:d17d::1, as packetdrill
 *   names the kernel's side); the script is "remote" (192.0.2.1 or
 *   fd3d:fa7b:d17d:8888::1).  A listening socket binds port 8080 and the
 *   script's packets come from port 51000; a connecting socket uses local
 *   port 40000 (then 40001 ...) towards remote port 8080.
 * - Sequence numbers as packetdrill reads them: in a '>' line the local
 *   side's seq is relative to tcpsm's ISS (learnt from its first SYN), its
 *   ack absolute; in a '<' line the seq is absolute and the ack relative to
 *   that ISS.  Before any ISS is known (a RST from LISTEN or CLOSED), both
 *   are taken as written.
 * - The clock: every engine call is made at the script time of its event.
 *   Between events the clock jumps from timer deadline to timer deadline
 *   (tcpsm_host_next_deadline); every segment the host then emits is
 *   queued with its time.  A '>' line takes the oldest queued segment,
 *   waiting on the clock up to its time plus the tolerance; as packetdrill,
 *   a segment no '>' line asks for shows only as the mismatch of the next
 *   '>' line (or not at all, at the end).
 * - Relative times (+t) count from the previous event's script time (a
 *   blocking call's start), or from the moment a '*' event happened.  The
 *   end of a relative event's range (+t1~t2) or blocking call (+t1...t2)
 *   is relative to the same base, as packetdrill takes it.
 * - A system call on a blocking socket that cannot complete waits (one at
 *   a time, as packetdrill's syscall thread); the script goes on, and the
 *   call's completion time is checked against its end time (t...end) or
 *   its start time (t) within the tolerance.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "tcpsm_host.h"
#include "tcpsm_wire.h"

#define NSLOT 8
#define NFD 32
#define FD_FIRST 3
#define QMAX 256
#define CTX 8                   /* packets of context after a failure */
#define BUF_MAX (1u << 20)      /* the largest socket buffer a script may ask for */
#define LISTEN_PORT 8080
#define REMOTE_PORT 51000
#define EPHEMERAL_PORT 40000
#define SPIN_MAX 1000000u       /* timer rounds without the clock moving */

/* ---- profiles ---- */

const char *script_profile_name(unsigned profile)
{
    switch (profile) {
    case PROFILE_RFC: return "rfc";
    case PROFILE_FREEBSD: return "freebsd";
    case PROFILE_LINUX: return "linux";
    default: return "?";
    }
}

bool script_profile_parse(const char *name, uint8_t *profile)
{
    unsigned i;
    for (i = PROFILE_RFC; i <= PROFILE_LINUX; i++)
        if (strcmp(name, script_profile_name(i)) == 0) {
            *profile = (uint8_t)i;
            return true;
        }
    return false;
}

void script_profile_config(unsigned profile, struct tcpsm_config *cfg, uint32_t *rcvbuf,
                           uint32_t *sndbuf)
{
    tcpsm_config_default(cfg);
    switch (profile) {
    case PROFILE_FREEBSD:
        *rcvbuf = 65536;                /* net.inet.tcp.recvspace */
        *sndbuf = 32768;                /* net.inet.tcp.sendspace */
        cfg->delack_us = 100000;        /* net.inet.tcp.delacktime */
        cfg->rto_min_us = 30000;        /* net.inet.tcp.rexmit_min */
        cfg->iw10 = true;               /* net.inet.tcp.initcwnd_segments */
        break;
    case PROFILE_LINUX:
        *rcvbuf = 131072;               /* net.ipv4.tcp_rmem[1] */
        *sndbuf = 16384;                /* net.ipv4.tcp_wmem[1] */
        cfg->delack_us = 40000;         /* TCP_DELACK_MIN */
        cfg->rto_min_us = 200000;       /* TCP_RTO_MIN */
        cfg->iw10 = true;               /* TCP_INIT_CWND */
        break;
    default:                            /* the RFC's values: tcpsm_config_default */
        *rcvbuf = 65535;
        *sndbuf = 65535;
        break;
    }
}

/* ---- symbols ---- */

struct sym {
    const char *name;
    int64_t linux_v, freebsd_v;
};

static const struct sym syms[] = {
    { "AF_INET", 2, 2 }, { "PF_INET", 2, 2 }, { "AF_INET6", 10, 28 }, { "PF_INET6", 10, 28 },
    { "SOCK_STREAM", 1, 1 }, { "IPPROTO_TCP", 6, 6 }, { "IPPROTO_IP", 0, 0 },
    { "SOL_SOCKET", 1, 0xffff }, { "SOL_TCP", 6, 6 },
    { "SO_REUSEADDR", 2, 4 }, { "SO_RCVBUF", 8, 0x1002 }, { "SO_SNDBUF", 7, 0x1001 },
    { "SO_ERROR", 4, 0x1007 }, { "SO_LINGER", 13, 0x80 }, { "SO_KEEPALIVE", 9, 8 },
    { "TCP_NODELAY", 1, 1 }, { "TCP_MAXSEG", 2, 2 },
    { "F_GETFL", 3, 3 }, { "F_SETFL", 4, 4 },
    { "O_RDONLY", 0, 0 }, { "O_WRONLY", 1, 1 }, { "O_RDWR", 2, 2 }, { "O_NONBLOCK", 04000, 4 },
    { "SHUT_RD", 0, 0 }, { "SHUT_WR", 1, 1 }, { "SHUT_RDWR", 2, 2 },
    { "MSG_OOB", 1, 1 }, { "MSG_DONTWAIT", 0x40, 0x80 },
    { "TCPI_ESTABLISHED", 1, 1 }, { "TCPI_SYN_SENT", 2, 2 }, { "TCPI_SYN_RECV", 3, 3 },
    { "TCPI_FIN_WAIT1", 4, 4 }, { "TCPI_FIN_WAIT2", 5, 5 }, { "TCPI_TIME_WAIT", 6, 6 },
    { "TCPI_CLOSE", 7, 7 }, { "TCPI_CLOSE_WAIT", 8, 8 }, { "TCPI_LAST_ACK", 9, 9 },
    { "TCPI_LISTEN", 10, 10 }, { "TCPI_CLOSING", 11, 11 },
    { "TCP_ESTABLISHED", 1, 1 }, { "TCP_SYN_SENT", 2, 2 }, { "TCP_SYN_RECV", 3, 3 },
    { "TCP_FIN_WAIT1", 4, 4 }, { "TCP_FIN_WAIT2", 5, 5 }, { "TCP_TIME_WAIT", 6, 6 },
    { "TCP_CLOSE", 7, 7 }, { "TCP_CLOSE_WAIT", 8, 8 }, { "TCP_LAST_ACK", 9, 9 },
    { "TCP_LISTEN", 10, 10 }, { "TCP_CLOSING", 11, 11 },
};

/* errno names and the numbers getsockopt(SO_ERROR) reports */
static const struct sym errnos[] = {
    { "EPERM", 1, 1 }, { "EBADF", 9, 9 }, { "EAGAIN", 11, 35 }, { "EWOULDBLOCK", 11, 35 },
    { "EINVAL", 22, 22 }, { "EPIPE", 32, 32 }, { "ENOTSOCK", 88, 38 },
    { "ENOPROTOOPT", 92, 42 }, { "EPROTONOSUPPORT", 93, 43 }, { "EOPNOTSUPP", 95, 45 },
    { "EAFNOSUPPORT", 97, 47 }, { "EADDRINUSE", 98, 48 }, { "ENOBUFS", 105, 55 },
    { "EISCONN", 106, 56 }, { "ENOTCONN", 107, 57 }, { "ETIMEDOUT", 110, 60 },
    { "ECONNREFUSED", 111, 61 }, { "ECONNRESET", 104, 54 }, { "EALREADY", 114, 37 },
    { "EINPROGRESS", 115, 36 }, { "EMFILE", 24, 24 },
};

/* ---- the run ---- */

enum sock_kind { SK_FREE, SK_NEW, SK_LISTEN, SK_CONN };
enum call_kind { PC_NONE, PC_ACCEPT, PC_CONNECT, PC_READ, PC_WRITE };

struct sock {
    uint8_t kind;               /* enum sock_kind */
    uint32_t handle;
    bool nonblock, bound, reuse, nodelay, keepalive, linger_on;
    bool shut_wr, shut_rd, connecting, refused_reported;
    int linger;
    uint32_t rcvbuf, sndbuf;
    uint16_t maxseg;
    int so_error;               /* an errno name index + 1, 0 = none */
    struct tcpsm_endpoint local, remote;    /* of its connect() */
};

struct qpkt {
    uint64_t t;
    struct tcpsm_segment seg;
    struct sopt opt[SCRIPT_MAX_OPTS];
    unsigned nopt;
    bool bad_opts;              /* options that could not be read */
};

struct pending {
    uint8_t kind;               /* enum call_kind */
    unsigned ev;                /* the event */
    int fd;
    uint32_t want, done;        /* write: bytes asked for, taken so far; read: asked */
    unsigned send_flags;        /* write: TCPSM_SEND_PUSH, and URGENT for MSG_OOB */
    int64_t end;                /* the time it must return at */
};

struct run {
    const struct script *s;
    const struct script_options *o;
    FILE *out;
    struct script_result *r;
    struct tcpsm_host h;
    struct tcpsm_host_slot slot[NSLOT];
    uint8_t *bufs;
    struct tcpsm_config cfg;    /* the profile's */
    uint32_t rcvbuf, sndbuf;
    uint32_t rcvbuf_open;       /* of the socket that listens or connects */
    uint64_t now;
    int64_t base;               /* where relative times count from */
    struct tcpsm_addr lip, rip;
    uint16_t next_eport;
    bool active;                /* a connect() made the connection: ports reversed */
    uint16_t aport;             /* its local port */
    bool iss_known;
    uint32_t iss;
    struct qpkt q[QMAX];
    unsigned qhead, qn;
    struct sock sk[NFD];
    int focus;                  /* the fd of the last connection used */
    bool focus_set;
    uint32_t focus_handle;      /* its host handle (kept after close: TIME-WAIT...) */
    struct pending pc;
    char ctx[CTX][200];
    unsigned nctx;
    bool failed;
    unsigned cur;               /* the event being run */
};

static void failf(struct run *u, unsigned line, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (u->failed)
        return;
    u->failed = true;
    u->r->status = SCRIPT_FAIL;
    n = snprintf(u->r->message, sizeof u->r->message, "%s:%u: ", u->s->path, line);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof u->r->message)
        vsnprintf(u->r->message + n, sizeof u->r->message - (size_t)n, fmt, ap);
    va_end(ap);
}

static const char *sec(uint64_t us, char *b, size_t n)
{
    snprintf(b, n, "%llu.%06llu", (unsigned long long)(us / 1000000u),
             (unsigned long long)(us % 1000000u));
    return b;
}

/* ---- formatting packets ---- */

static size_t put(char *b, size_t n, size_t at, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (at >= n)
        return at;
    va_start(ap, fmt);
    k = vsnprintf(b + at, n - at, fmt, ap);
    va_end(ap);
    return k < 0 ? at : at + (size_t)k;
}

static size_t put_flags(char *b, size_t n, size_t at, uint8_t f)
{
    static const struct { uint8_t bit; char c; } order[] = {
        { TCPSM_SYN, 'S' }, { TCPSM_FIN, 'F' }, { TCPSM_RST, 'R' }, { TCPSM_PSH, 'P' },
        { TCPSM_URG, 'U' }, { TCPSM_ECE, 'E' }, { TCPSM_CWR, 'W' }, { TCPSM_ACK, '.' },
    };
    unsigned i;
    for (i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit)
            at = put(b, n, at, "%c", order[i].c);
    return at;
}

static size_t put_opts(char *b, size_t n, size_t at, const struct sopt *o, unsigned no)
{
    unsigned i, j;
    at = put(b, n, at, " <");
    for (i = 0; i < no; i++) {
        if (i > 0)
            at = put(b, n, at, ",");
        switch (o[i].kind) {
        case SOPT_EOL: at = put(b, n, at, "eol"); break;
        case SOPT_NOP: at = put(b, n, at, "nop"); break;
        case SOPT_MSS: at = put(b, n, at, "mss %u", o[i].v1); break;
        case SOPT_WSCALE: at = put(b, n, at, "wscale %u", o[i].v1); break;
        case SOPT_SACKOK: at = put(b, n, at, "sackOK"); break;
        case SOPT_TS: at = put(b, n, at, "TS val %u ecr %u", o[i].v1, o[i].v2); break;
        case SOPT_SACK:
            at = put(b, n, at, "sack");
            for (j = 0; j < o[i].nblocks; j++)
                at = put(b, n, at, " %u:%u", o[i].left[j], o[i].right[j]);
            break;
        default: at = put(b, n, at, "option %u", o[i].v1); break;
        }
    }
    return put(b, n, at, ">");
}

/* A line of the script, as written. */
static void fmt_spec(const struct spacket *k, char *b, size_t n)
{
    size_t at = put(b, n, 0, "%c ", k->dir);
    at = put_flags(b, n, at, k->flags);
    at = put(b, n, at, " %u:%u(%u)", k->start, k->end, k->len);
    if (k->has_ack)
        at = put(b, n, at, " ack %u", k->ack);
    if (k->has_win)
        at = put(b, n, at, " win %u", k->win);
    if (k->has_urg)
        at = put(b, n, at, " urg %u", k->urg);
    if (k->opts_mode == SOPTS_ANY)
        at = put(b, n, at, " <...>");
    else if (k->opts_mode == SOPTS_LIST)
        at = put_opts(b, n, at, k->opt, k->nopt);
}

/* A segment from tcpsm, in the script's numbers. */
static void fmt_out(const struct run *u, const struct qpkt *p, char *b, size_t n)
{
    uint32_t seq = u->iss_known ? p->seg.seq - u->iss : p->seg.seq;
    size_t at = put(b, n, 0, "");
    at = put_flags(b, n, at, p->seg.flags);
    at = put(b, n, at, " %u:%u(%u)", seq, seq + p->seg.len, p->seg.len);
    if (p->seg.flags & TCPSM_ACK)
        at = put(b, n, at, " ack %u", p->seg.ack);
    at = put(b, n, at, " win %u", p->seg.wnd);
    if (p->seg.flags & TCPSM_URG)
        at = put(b, n, at, " urg %u", p->seg.urp);
    if (p->bad_opts)
        at = put(b, n, at, " <unreadable options>");
    else if (p->nopt > 0)
        at = put_opts(b, n, at, p->opt, p->nopt);
}

static void add_ctx(struct run *u, const char *fmt, ...)
{
    va_list ap;
    char *line = u->ctx[u->nctx % CTX];
    va_start(ap, fmt);
    vsnprintf(line, sizeof u->ctx[0], fmt, ap);
    va_end(ap);
    u->nctx++;
}

/* ---- the host and its TCBs ---- */

static void note_rows(struct run *u)
{
    unsigned i, j;
    for (i = 0; i <= NSLOT; i++) {
        const struct tcpsm_conn *c = i < NSLOT ? &u->slot[i].conn : &u->h.closed;
        if (i < NSLOT && u->slot[i].use == TCPSM_SLOT_FREE && c->nlog == 0)
            continue;
        for (j = 0; j < c->nlog && j < TCPSM_LOG_MAX; j++)
            if (c->log[j].row < sizeof u->r->rows)
                u->r->rows[c->log[j].row] = true;
    }
}

static struct tcpsm_conn *sock_conn(struct run *u, int fd)
{
    if (fd < 0 || fd >= NFD || u->sk[fd].kind == SK_FREE || u->sk[fd].kind == SK_NEW)
        return NULL;
    return tcpsm_host_conn(&u->h, u->sk[fd].handle);
}

/* The states of the TCBs in use, for -v. */
static void fmt_states(struct run *u, char *b, size_t n)
{
    unsigned i;
    size_t at = 0;
    b[0] = '\0';
    for (i = 0; i < NSLOT; i++) {
        if (u->slot[i].use == TCPSM_SLOT_FREE)
            continue;
        at = put(b, n, at, "%s%s", at ? " " : "", tcpsm_state_name(u->slot[i].conn.state));
    }
    if (at == 0)
        put(b, n, 0, "(none)");
}

/* Read the options of a segment tcpsm wrote, in wire order. */
static void read_opts(const uint8_t *b, size_t hlen, struct qpkt *p)
{
    size_t i = 20;
    p->nopt = 0;
    while (i < hlen && p->nopt < SCRIPT_MAX_OPTS) {
        struct sopt *o = &p->opt[p->nopt];
        uint8_t kind = b[i], len;
        memset(o, 0, sizeof *o);
        if (kind == 0 || kind == 1) {
            o->kind = kind == 0 ? SOPT_EOL : SOPT_NOP;
            p->nopt++;
            i++;
            continue;
        }
        if (i + 1 >= hlen || b[i + 1] < 2 || i + b[i + 1] > hlen) {
            p->bad_opts = true;
            return;
        }
        len = b[i + 1];
        if (kind == 2 && len == 4) {
            o->kind = SOPT_MSS;
            o->v1 = (uint32_t)(b[i + 2] << 8 | b[i + 3]);
        } else if (kind == 3 && len == 3) {
            o->kind = SOPT_WSCALE;
            o->v1 = b[i + 2];
        } else if (kind == 4 && len == 2) {
            o->kind = SOPT_SACKOK;
        } else if (kind == 8 && len == 10) {
            o->kind = SOPT_TS;
            o->v1 = (uint32_t)b[i + 2] << 24 | (uint32_t)b[i + 3] << 16 | (uint32_t)b[i + 4] << 8 | b[i + 5];
            o->v2 = (uint32_t)b[i + 6] << 24 | (uint32_t)b[i + 7] << 16 | (uint32_t)b[i + 8] << 8 | b[i + 9];
        } else if (kind == 5 && (len - 2) % 8 == 0 && (len - 2) / 8 <= SCRIPT_MAX_SACK) {
            unsigned j;
            o->kind = SOPT_SACK;
            o->nblocks = (uint8_t)((len - 2) / 8);
            for (j = 0; j < o->nblocks; j++) {
                const uint8_t *q = b + i + 2 + 8 * j;
                o->left[j] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
                o->right[j] = (uint32_t)q[4] << 24 | (uint32_t)q[5] << 16 | (uint32_t)q[6] << 8 | q[7];
            }
        } else {
            o->kind = 0xFF;
            o->v1 = kind;
        }
        p->nopt++;
        i += len;
    }
}

/* Every segment the host has to send, queued with the time. */
static void drain(struct run *u)
{
    for (;;) {
        uint8_t b[TCPSM_HDR_MAX + TCPSM_HOST_SCRATCH];
        struct tcpsm_addr src, dst;
        size_t len;
        struct qpkt *p;
        const uint8_t *payload;
        char line[200], st[120], t[32];
        if (tcpsm_host_output_segment(&u->h, u->now, &src, &dst, b, sizeof b, &len) != TCPSM_OK)
            break;
        note_rows(u);
        if (u->qn == QMAX) {
            failf(u, u->s->ev[u->cur].line, "more than %d segments from tcpsm wait for '>' lines",
                  QMAX);
            return;
        }
        p = &u->q[(u->qhead + u->qn) % QMAX];
        memset(p, 0, sizeof *p);
        p->t = u->now;
        if (tcpsm_wire_parse(b, len, &p->seg, &payload) != TCPSM_OK) {
            failf(u, u->s->ev[u->cur].line, "tcpsm wrote a segment it cannot parse");
            return;
        }
        if (p->seg.flags & TCPSM_SYN) {
            u->iss = p->seg.seq;        /* its ISS: the script's seq 0 from now on */
            u->iss_known = true;
        }
        read_opts(b, (size_t)(b[12] >> 4) * 4u, p);
        u->qn++;
        u->r->packets_out++;
        fmt_out(u, p, line, sizeof line);
        add_ctx(u, "%s > %s", sec(p->t, t, sizeof t), line);
        if (u->o->verbose) {
            fmt_states(u, st, sizeof st);
            fprintf(u->out, "%s: %s > %s   [%s]\n", u->s->path, t, line, st);
        }
    }
}

static void complete_pending(struct run *u);

/* Move the clock to t, running the timers due on the way. */
static void advance_to(struct run *u, uint64_t t)
{
    unsigned spins = 0;
    while (!u->failed) {
        uint64_t d = tcpsm_host_next_deadline(&u->h);
        if (d == TCPSM_NEVER || d > t)
            break;
        if (d < u->now)
            d = u->now;
        if (d == u->now && ++spins > SPIN_MAX) {
            failf(u, u->s->ev[u->cur].line, "tcpsm's timers do not move on at %llu us",
                  (unsigned long long)d);
            return;
        }
        if (d > u->now)
            spins = 0;
        u->now = d;
        tcpsm_host_timer(&u->h, u->now);
        note_rows(u);
        drain(u);
        complete_pending(u);
    }
    if (t > u->now)
        u->now = t;
    drain(u);
    complete_pending(u);
}

/* Free slots take the buffer sizes and options of the socket that opens
 * or listens (a listener's connections inherit its). */
/* The receive buffer a connection gets: the socket's, rounded up to a
 * multiple of the MSS under the freebsd profile (as FreeBSD's tcp_mss()
 * does once the MSS is known; a buffer smaller than the MSS stays). */
static uint32_t rcvbuf_for(const struct run *u, uint32_t rcvbuf, uint32_t mss)
{
    uint64_t r;
    if (u->o->profile != PROFILE_FREEBSD || mss == 0 || rcvbuf < mss)
        return rcvbuf;
    r = ((uint64_t)rcvbuf + mss - 1u) / mss * mss;
    return r > BUF_MAX ? BUF_MAX : (uint32_t)r;
}

static void set_free_rcap(struct run *u, uint32_t rcap)
{
    unsigned i;
    for (i = 0; i < NSLOT; i++)
        if (u->slot[i].use == TCPSM_SLOT_FREE)
            u->slot[i].rcap = rcap;
}

static void shape_slots(struct run *u, const struct sock *k)
{
    unsigned i;
    for (i = 0; i < NSLOT; i++) {
        if (u->slot[i].use != TCPSM_SLOT_FREE)
            continue;
        u->slot[i].rcap = k->rcvbuf;
        u->slot[i].scap = k->sndbuf;
    }
    u->h.cfg.mss = k->maxseg ? k->maxseg : u->cfg.mss;
    u->h.cfg.nagle = !k->nodelay;
    u->h.cfg.keepalive = k->keepalive;
    u->rcvbuf_open = k->rcvbuf;
}

/* ---- packets into tcpsm ---- */

static size_t put_opt_bytes(const struct spacket *k, uint8_t *o, uint32_t iss)
{
    size_t n = 0;
    unsigned i, j;
    for (i = 0; i < k->nopt; i++) {
        const struct sopt *x = &k->opt[i];
        switch (x->kind) {
        case SOPT_EOL: o[n++] = 0; break;
        case SOPT_NOP: o[n++] = 1; break;
        case SOPT_MSS:
            o[n++] = 2; o[n++] = 4; o[n++] = (uint8_t)(x->v1 >> 8); o[n++] = (uint8_t)x->v1;
            break;
        case SOPT_WSCALE: o[n++] = 3; o[n++] = 3; o[n++] = (uint8_t)x->v1; break;
        case SOPT_SACKOK: o[n++] = 4; o[n++] = 2; break;
        case SOPT_TS:
            o[n++] = 8; o[n++] = 10;
            for (j = 0; j < 4; j++)
                o[n++] = (uint8_t)(x->v1 >> (24 - 8 * j));
            for (j = 0; j < 4; j++)
                o[n++] = (uint8_t)(x->v2 >> (24 - 8 * j));
            break;
        case SOPT_SACK:
            o[n++] = 5; o[n++] = (uint8_t)(2 + 8 * x->nblocks);
            for (j = 0; j < x->nblocks; j++) {
                uint32_t l = x->left[j] + iss, r = x->right[j] + iss, s;
                for (s = 0; s < 4; s++)
                    o[n++] = (uint8_t)(l >> (24 - 8 * s));
                for (s = 0; s < 4; s++)
                    o[n++] = (uint8_t)(r >> (24 - 8 * s));
            }
            break;
        }
    }
    return n;
}

static size_t opt_bytes_len(const struct spacket *k)
{
    size_t n = 0;
    unsigned i;
    for (i = 0; i < k->nopt; i++) {
        switch (k->opt[i].kind) {
        case SOPT_EOL: case SOPT_NOP: n += 1; break;
        case SOPT_MSS: n += 4; break;
        case SOPT_WSCALE: n += 3; break;
        case SOPT_SACKOK: n += 2; break;
        case SOPT_TS: n += 10; break;
        case SOPT_SACK: n += 2u + 8u * k->opt[i].nblocks; break;
        }
    }
    return n;
}

static void inject(struct run *u, const struct sevent *e)
{
    const struct spacket *k = &e->pkt;
    uint8_t b[60 + 65535];
    size_t olen = opt_bytes_len(k), hlen, n;
    uint16_t sport, dport, ck;
    uint32_t ack = k->ack + (u->iss_known ? u->iss : 0u);
    char st0[120], st1[120], line[200], t[32];
    enum tcpsm_err err;
    if (olen > 40) {
        failf(u, e->line, "the options take %zu bytes; a TCP header holds 40", olen);
        return;
    }
    hlen = 20 + (olen + 3) / 4 * 4;
    n = hlen + k->len;
    memset(b, 0, n);
    if (u->active) {
        sport = LISTEN_PORT;
        dport = u->aport;
    } else {
        sport = REMOTE_PORT;
        dport = LISTEN_PORT;
    }
    b[0] = (uint8_t)(sport >> 8); b[1] = (uint8_t)sport;
    b[2] = (uint8_t)(dport >> 8); b[3] = (uint8_t)dport;
    b[4] = (uint8_t)(k->start >> 24); b[5] = (uint8_t)(k->start >> 16);
    b[6] = (uint8_t)(k->start >> 8); b[7] = (uint8_t)k->start;
    if (k->has_ack) {
        b[8] = (uint8_t)(ack >> 24); b[9] = (uint8_t)(ack >> 16);
        b[10] = (uint8_t)(ack >> 8); b[11] = (uint8_t)ack;
    }
    b[12] = (uint8_t)((hlen / 4) << 4);
    b[13] = k->flags;
    {
        uint32_t w = k->has_win ? k->win : 65535u;
        b[14] = (uint8_t)(w >> 8); b[15] = (uint8_t)w;
    }
    b[18] = (uint8_t)(k->urg >> 8); b[19] = (uint8_t)k->urg;
    put_opt_bytes(k, b + 20, u->iss_known ? u->iss : 0u);
    ck = tcpsm_wire_checksum(&u->rip, &u->lip, b, n);
    b[16] = (uint8_t)(ck >> 8); b[17] = (uint8_t)ck;
    if (!u->active && (k->flags & (TCPSM_SYN | TCPSM_ACK)) == TCPSM_SYN) {
        /* a new connection from a listener: its MSS is known now */
        uint32_t peer = u->s->ip_version == 6 ? 1220u : 536u;   /* MUST-15 */
        unsigned j;
        for (j = 0; j < k->nopt; j++)
            if (k->opt[j].kind == SOPT_MSS)
                peer = k->opt[j].v1;
        set_free_rcap(u, rcvbuf_for(u, u->rcvbuf_open, peer < u->h.cfg.mss ? peer : u->h.cfg.mss));
    }
    fmt_states(u, st0, sizeof st0);
    err = tcpsm_host_input_segment(&u->h, u->now, &u->rip, &u->lip, b, n);
    note_rows(u);
    u->r->packets_in++;
    fmt_spec(k, line, sizeof line);
    add_ctx(u, "%s %s", sec(u->now, t, sizeof t), line);
    if (u->o->verbose) {
        fmt_states(u, st1, sizeof st1);
        fprintf(u->out, "%s: %s %s   [%s -> %s]%s%s\n", u->s->path, t, line, st0, st1,
                err != TCPSM_OK && err != TCPSM_ERR_NOT_FOR_US ? " refused: " : "",
                err != TCPSM_OK && err != TCPSM_ERR_NOT_FOR_US ? tcpsm_err_name(err) : "");
    }
    drain(u);
    complete_pending(u);
}

/* ---- packets from tcpsm ---- */

static bool opts_match(const struct spacket *k, const struct qpkt *p)
{
    unsigned i, j;
    if (k->opts_mode == SOPTS_ANY)
        return true;
    if (p->bad_opts)
        return false;
    if (k->opts_mode == SOPTS_NONE)
        return p->nopt == 0;
    if (k->nopt != p->nopt)
        return false;
    for (i = 0; i < k->nopt; i++) {
        const struct sopt *a = &k->opt[i], *b = &p->opt[i];
        if (a->kind != b->kind)
            return false;
        switch (a->kind) {
        case SOPT_MSS: case SOPT_WSCALE:
            if (a->v1 != b->v1)
                return false;
            break;
        case SOPT_TS:
            if (a->v1 != b->v1 || a->v2 != b->v2)
                return false;
            break;
        case SOPT_SACK:
            if (a->nblocks != b->nblocks)
                return false;
            for (j = 0; j < a->nblocks; j++)
                if (a->left[j] != b->left[j] || a->right[j] != b->right[j])
                    return false;
            break;
        default:
            break;
        }
    }
    return true;
}

static bool pkt_match(struct run *u, const struct spacket *k, const struct qpkt *p)
{
    uint32_t seq;
    if (k->flags != p->seg.flags || k->len != p->seg.len)
        return false;
    seq = u->iss_known ? p->seg.seq - u->iss : p->seg.seq;
    if (seq != k->start)
        return false;
    if (k->has_ack && ((p->seg.flags & TCPSM_ACK) == 0 || p->seg.ack != k->ack))
        return false;
    if (k->has_win && p->seg.wnd != k->win)
        return false;
    if (k->has_urg && p->seg.urp != k->urg)
        return false;
    return opts_match(k, p);
}

static void expect(struct run *u, const struct sevent *e, int64_t lo, int64_t hi, bool any)
{
    const struct spacket *k = &e->pkt;
    char want[200], got[200], t[32], t2[32];
    struct qpkt *p;
    while (u->qn == 0 && !u->failed) {
        uint64_t d = tcpsm_host_next_deadline(&u->h);
        if (d == TCPSM_NEVER || (!any && (int64_t)d > hi)) {
            if (!any && (int64_t)u->now < hi)
                advance_to(u, (uint64_t)hi);
            break;
        }
        advance_to(u, d);
    }
    if (u->failed)
        return;
    fmt_spec(k, want, sizeof want);
    if (u->qn == 0) {
        failf(u, e->line, "expected %s but tcpsm sent nothing by time %s", want,
              sec(any ? u->now : (uint64_t)hi, t, sizeof t));
        return;
    }
    p = &u->q[u->qhead];
    if (!pkt_match(u, k, p)) {
        fmt_out(u, p, got, sizeof got);
        failf(u, e->line, "expected %s but tcpsm sent %s (at %s)", want, got,
              sec(p->t, t, sizeof t));
        return;
    }
    if (!any && ((int64_t)p->t < lo || (int64_t)p->t > hi)) {
        fmt_out(u, p, got, sizeof got);
        char t3[32];
        failf(u, e->line, "expected %s within %s..%s but tcpsm sent it at %s", want,
              sec(lo < 0 ? 0 : (uint64_t)lo, t, sizeof t), sec((uint64_t)hi, t2, sizeof t2),
              sec(p->t, t3, sizeof t3));
        return;
    }
    u->qhead = (u->qhead + 1) % QMAX;
    u->qn--;
    if (any)
        u->base = (int64_t)p->t;
}

/* ---- system calls ---- */

static bool sym_value(const struct run *u, const char *name, size_t n, int64_t *v)
{
    unsigned i;
    bool bsd = u->o->profile == PROFILE_FREEBSD;
    for (i = 0; i < sizeof syms / sizeof syms[0]; i++)
        if (strlen(syms[i].name) == n && memcmp(syms[i].name, name, n) == 0) {
            *v = bsd ? syms[i].freebsd_v : syms[i].linux_v;
            return true;
        }
    for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strlen(errnos[i].name) == n && memcmp(errnos[i].name, name, n) == 0) {
            *v = bsd ? errnos[i].freebsd_v : errnos[i].linux_v;
            return true;
        }
    return false;
}

/* The value of an argument: a number or an OR of symbols and numbers. */
static bool eval(struct run *u, const struct sevent *e, const struct sexpr *x, int64_t *v)
{
    const char *s;
    if (x->kind == SX_INT) {
        *v = x->num;
        return true;
    }
    if (x->kind == SX_LIST && x->n == 1)
        return eval(u, e, &x->item[0], v);
    if (x->kind != SX_SYM) {
        failf(u, e->line, "expected a number or a symbol");
        return false;
    }
    *v = 0;
    s = x->text;
    while (*s) {
        size_t n;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '|')
            s++;
        n = 0;
        while (s[n] && s[n] != '|' && !isspace((unsigned char)s[n]))
            n++;
        if (n == 0)
            break;
        if (isdigit((unsigned char)s[0])) {
            *v |= (int64_t)strtoll(s, NULL, 0);
        } else {
            int64_t w;
            if (!sym_value(u, s, n, &w)) {
                failf(u, e->line, "unknown symbol %.*s", (int)n, s);
                return false;
            }
            *v |= w;
        }
        s += n;
    }
    return true;
}

static const char *errno_name(int idx)
{
    return idx > 0 ? errnos[idx - 1].name : "0";
}

static int errno_index(const char *name)
{
    unsigned i;
    for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(errnos[i].name, name) == 0)
            return (int)i + 1;
    return 0;
}

/* The call's result against the script's "= value [ERRNO]". */
static void check_result(struct run *u, const struct sevent *e, int64_t ret, const char *err)
{
    const struct scall *k = &e->call;
    int64_t want;
    if (!eval(u, e, &k->ret, &want))
        return;
    if (want != ret || (ret == -1 && k->err != NULL && err != NULL && strcmp(k->err, err) != 0
                        && !((strcmp(k->err, "EAGAIN") == 0 || strcmp(k->err, "EWOULDBLOCK") == 0)
                             && (strcmp(err, "EAGAIN") == 0 || strcmp(err, "EWOULDBLOCK") == 0)))
        || (ret == -1 && k->err == NULL && err != NULL && want != -1)) {
        char w[64];
        if (k->ret.kind == SX_INT)
            snprintf(w, sizeof w, "%lld", (long long)want);
        else
            snprintf(w, sizeof w, "%s", k->ret.text);
        if (ret == -1 && err != NULL)
            failf(u, e->line, "expected %s(...) = %s%s%s but it returned -1 %s", k->name, w,
                  k->err ? " " : "", k->err ? k->err : "", err);
        else
            failf(u, e->line, "expected %s(...) = %s%s%s but it returned %lld", k->name, w,
                  k->err ? " " : "", k->err ? k->err : "", (long long)ret);
    }
}

static int arg_fd(struct run *u, const struct sevent *e, unsigned i, bool any_kind)
{
    int64_t fd;
    if (e->call.nargs <= i) {
        failf(u, e->line, "%s needs more arguments", e->call.name);
        return -1;
    }
    if (!eval(u, e, &e->call.arg[i], &fd))
        return -1;
    if (fd < FD_FIRST || fd >= NFD || u->sk[fd].kind == SK_FREE) {
        if (!any_kind)
            return -2;                  /* EBADF */
        return -2;
    }
    return (int)fd;
}

static int new_fd(struct run *u)
{
    int fd;
    for (fd = FD_FIRST; fd < NFD; fd++)
        if (u->sk[fd].kind == SK_FREE) {
            memset(&u->sk[fd], 0, sizeof u->sk[fd]);
            u->sk[fd].kind = SK_NEW;
            u->sk[fd].rcvbuf = u->rcvbuf;
            u->sk[fd].sndbuf = u->sndbuf;
            return fd;
        }
    return -1;
}

/* The errno of a failed connection, from the engine's error. */
static const char *err_errno(unsigned err)
{
    switch (err) {
    case TCPSM_ERR_REFUSED: return "ECONNREFUSED";
    case TCPSM_ERR_RESET: return "ECONNRESET";
    case TCPSM_ERR_USER_TIMEOUT: case TCPSM_ERR_TIMED_OUT: return "ETIMEDOUT";
    default: return "ECONNRESET";
    }
}

static const char *conn_errno(const struct tcpsm_conn *c)
{
    return err_errno(c->error);
}

/* The errno of a connect() that failed: a reset in SYN-SENT is what the
 * socket API calls "connection refused". */
static const char *connect_errno(const struct tcpsm_conn *c)
{
    return c->error == TCPSM_ERR_RESET ? "ECONNREFUSED" : conn_errno(c);
}

/* The socket reported the connection's error (connect, SO_ERROR): the
 * engine's copy, reported once to the next user call, is taken too (a
 * RECEIVE in CLOSED reports it and changes nothing else). */
static void take_error(struct run *u, struct tcpsm_conn *c)
{
    uint8_t one;
    uint32_t got = 0;
    if (c->state == TCPSM_CLOSED && c->error != TCPSM_OK)
        (void)tcpsm_receive(c, u->now, &one, 1, &got, NULL);
}

/* The connection later lines speak of: the socket last used, and its
 * host handle (kept after close, for TIME-WAIT). */
static void set_focus(struct run *u, int fd)
{
    u->focus = fd;
    u->focus_set = true;
    u->focus_handle = u->sk[fd].handle;
}

/* One attempt of a call that may block; true when it completed, with
 * *ret and *err set. */
static bool try_call(struct run *u, struct pending *pc, int64_t *ret, const char **err)
{
    struct sock *k = &u->sk[pc->fd];
    struct tcpsm_conn *c = sock_conn(u, pc->fd);
    *err = NULL;
    switch (pc->kind) {
    case PC_ACCEPT: {
        uint32_t h;
        int fd;
        if (tcpsm_host_accept(&u->h, k->handle, &h) != TCPSM_OK)
            return false;
        fd = new_fd(u);
        if (fd < 0) {
            *ret = -1;
            *err = "EMFILE";
            return true;
        }
        u->sk[fd].kind = SK_CONN;
        u->sk[fd].handle = h;
        u->sk[fd].rcvbuf = k->rcvbuf;
        u->sk[fd].sndbuf = k->sndbuf;
        u->sk[fd].nodelay = k->nodelay;
        u->sk[fd].keepalive = k->keepalive;
        u->sk[fd].maxseg = k->maxseg;
        set_focus(u, fd);
        *ret = fd;
        return true;
    }
    case PC_CONNECT:
        if (c == NULL)
            return false;
        if (c->state == TCPSM_CLOSED) {
            *ret = -1;
            *err = connect_errno(c);
            k->connecting = false;
            take_error(u, c);
            return true;
        }
        if (c->state == TCPSM_SYN_SENT || c->state == TCPSM_SYN_RECEIVED)
            return false;
        k->connecting = false;
        *ret = 0;
        return true;
    case PC_READ: {
        static uint8_t sink[BUF_MAX];
        uint32_t got = 0;
        enum tcpsm_err r;
        if (c == NULL) {
            *ret = -1;
            *err = "ENOTCONN";
            return true;
        }
        r = tcpsm_host_receive(&u->h, u->now, k->handle, sink,
                               pc->want < BUF_MAX ? pc->want : BUF_MAX, &got, NULL);
        note_rows(u);
        if (r == TCPSM_OK && got > 0) {
            *ret = got;
            return true;
        }
        if (r == TCPSM_ERR_CLOSING || r == TCPSM_ERR_NOT_EXIST
            || (r == TCPSM_OK && c->fin_rcvd && got == 0)) {
            *ret = 0;                   /* end of file */
            return true;
        }
        if (r == TCPSM_OK && c->state != TCPSM_CLOSED)
            return false;
        *ret = -1;                      /* a reset or a timeout, reported once */
        *err = r == TCPSM_ERR_RESET || r == TCPSM_ERR_REFUSED || r == TCPSM_ERR_USER_TIMEOUT
                       || r == TCPSM_ERR_TIMED_OUT
                   ? err_errno(r) : "ENOTCONN";
        return true;
    }
    case PC_WRITE: {
        static const uint8_t zeros[65536];
        while (pc->done < pc->want) {
            uint32_t n = pc->want - pc->done, acc = 0;
            enum tcpsm_err r;
            if (n > sizeof zeros)
                n = sizeof zeros;
            if (c == NULL) {
                *ret = -1;
                *err = "EPIPE";
                return true;
            }
            r = tcpsm_host_send(&u->h, u->now, k->handle, zeros, n, pc->send_flags, &acc);
            note_rows(u);
            if (r == TCPSM_ERR_RESOURCES || (r == TCPSM_OK && acc == 0))
                break;
            if (r != TCPSM_OK) {
                if (pc->done > 0)
                    break;
                *ret = -1;
                *err = r == TCPSM_ERR_RESET || r == TCPSM_ERR_REFUSED || r == TCPSM_ERR_USER_TIMEOUT
                               || r == TCPSM_ERR_TIMED_OUT
                           ? err_errno(r) : "EPIPE";
                return true;
            }
            pc->done += acc;
        }
        drain(u);
        if (pc->done == pc->want || (k->nonblock && pc->done > 0)) {
            *ret = pc->done;
            return true;
        }
        if (k->nonblock) {
            *ret = -1;
            *err = "EAGAIN";
            return true;
        }
        return false;
    }
    default:
        return false;
    }
}

static void complete_pending(struct run *u)
{
    int64_t ret;
    const char *err;
    const struct sevent *e;
    char t[32], t2[32];
    if (u->pc.kind == PC_NONE || u->failed)
        return;
    if (!try_call(u, &u->pc, &ret, &err))
        return;
    e = &u->s->ev[u->pc.ev];
    u->pc.kind = PC_NONE;
    drain(u);
    if ((int64_t)u->now < u->pc.end - u->s->tolerance_us
        || (int64_t)u->now > u->pc.end + u->s->tolerance_us) {
        failf(u, e->line, "expected %s(...) to return at %s but it returned at %s", e->call.name,
              sec((uint64_t)u->pc.end, t, sizeof t), sec(u->now, t2, sizeof t2));
        return;
    }
    if (u->o->verbose)
        fprintf(u->out, "%s: %s %s(...) returned %lld%s%s\n", u->s->path, sec(u->now, t, sizeof t),
                e->call.name, (long long)ret, err ? " " : "", err ? err : "");
    check_result(u, e, ret, err);
}

/* Start a call that may block: done now, or pending. */
static void start_call(struct run *u, const struct sevent *e, unsigned ev, int kind, int fd,
                       uint32_t want, int64_t end, unsigned send_flags)
{
    struct pending pc;
    int64_t ret;
    const char *err;
    memset(&pc, 0, sizeof pc);
    pc.kind = (uint8_t)kind;
    pc.ev = ev;
    pc.fd = fd;
    pc.want = want;
    pc.end = end;
    pc.send_flags = send_flags;
    if (try_call(u, &pc, &ret, &err)) {
        check_result(u, e, ret, err);
        if (e->blocking && (int64_t)u->now < end - u->s->tolerance_us) {
            char t[32], t2[32];
            failf(u, e->line, "expected %s(...) to return at %s but it returned at %s",
                  e->call.name, sec((uint64_t)end, t, sizeof t), sec(u->now, t2, sizeof t2));
        }
        return;
    }
    if (u->sk[fd].nonblock) {
        check_result(u, e, -1, kind == PC_CONNECT ? "EINPROGRESS" : "EAGAIN");
        return;
    }
    if (u->pc.kind != PC_NONE) {
        failf(u, e->line, "%s blocks while the call of line %u is still blocked", e->call.name,
              u->s->ev[u->pc.ev].line);
        return;
    }
    u->pc = pc;
}

static bool sockopt_name(struct run *u, const struct sevent *e, int64_t *level, int64_t *name)
{
    if (e->call.nargs < 4) {
        failf(u, e->line, "%s needs (fd, level, name, value, length)", e->call.name);
        return false;
    }
    return eval(u, e, &e->call.arg[1], level) && eval(u, e, &e->call.arg[2], name);
}

static bool opt_is(struct run *u, int64_t v, const char *name)
{
    int64_t w;
    return sym_value(u, name, strlen(name), &w) && w == v;
}

/* The value written in setsockopt's fourth argument: [N] or a struct. */
static bool sockopt_value(struct run *u, const struct sevent *e, int64_t *v, int64_t *linger)
{
    const struct sexpr *x = &e->call.arg[3];
    unsigned i;
    *linger = 0;
    if (x->kind == SX_STRUCT) {
        bool on = false, got = false;
        for (i = 0; i < x->n; i++) {
            const struct sexpr *f = &x->item[i];
            int64_t w;
            if (f->kind != SX_STRUCT || f->text == NULL || f->n != 1 || !eval(u, e, &f->item[0], &w))
                return false;
            if (strcmp(f->text, "l_onoff") == 0) {
                on = true;
                *v = w;
            } else if (strcmp(f->text, "l_linger") == 0) {
                got = true;
                *linger = w;
            }
        }
        if (!on || !got) {
            failf(u, e->line, "SO_LINGER takes {l_onoff=N, l_linger=N}");
            return false;
        }
        return true;
    }
    return eval(u, e, x, v);
}

static void do_setsockopt(struct run *u, const struct sevent *e, int fd)
{
    struct sock *k = &u->sk[fd];
    struct tcpsm_conn *c = sock_conn(u, fd);
    int64_t level, name, v, linger;
    if (!sockopt_name(u, e, &level, &name) || !sockopt_value(u, e, &v, &linger))
        return;
    if (opt_is(u, name, "SO_REUSEADDR") && opt_is(u, level, "SOL_SOCKET")) {
        k->reuse = v != 0;
    } else if (opt_is(u, name, "SO_RCVBUF") && opt_is(u, level, "SOL_SOCKET")) {
        if (v < 1 || v > BUF_MAX) {
            failf(u, e->line, "SO_RCVBUF %lld: tcpsm run takes 1 to %u", (long long)v, BUF_MAX);
            return;
        }
        k->rcvbuf = (uint32_t)v;
    } else if (opt_is(u, name, "SO_SNDBUF") && opt_is(u, level, "SOL_SOCKET")) {
        if (v < 1 || v > BUF_MAX) {
            failf(u, e->line, "SO_SNDBUF %lld: tcpsm run takes 1 to %u", (long long)v, BUF_MAX);
            return;
        }
        k->sndbuf = (uint32_t)v;
    } else if (opt_is(u, name, "SO_KEEPALIVE") && opt_is(u, level, "SOL_SOCKET")) {
        k->keepalive = v != 0;
        if (c != NULL)
            tcpsm_set_keepalive(c, k->keepalive);
    } else if (opt_is(u, name, "SO_LINGER") && opt_is(u, level, "SOL_SOCKET")) {
        k->linger_on = v != 0;
        k->linger = (int)linger;
    } else if (opt_is(u, name, "TCP_NODELAY")
               && (opt_is(u, level, "IPPROTO_TCP") || opt_is(u, level, "SOL_TCP"))) {
        k->nodelay = v != 0;
        if (c != NULL)
            tcpsm_set_nagle(c, !k->nodelay);
    } else if (opt_is(u, name, "TCP_MAXSEG")
               && (opt_is(u, level, "IPPROTO_TCP") || opt_is(u, level, "SOL_TCP"))) {
        if (v < 64 || v > 65535) {
            check_result(u, e, -1, "EINVAL");
            return;
        }
        k->maxseg = (uint16_t)v;
    } else {
        failf(u, e->line, "setsockopt: option not supported by tcpsm run");
        return;
    }
    check_result(u, e, 0, NULL);
}

static void do_getsockopt(struct run *u, const struct sevent *e, int fd)
{
    struct sock *k = &u->sk[fd];
    struct tcpsm_conn *c = sock_conn(u, fd);
    int64_t level, name, v = 0, want;
    const struct sexpr *x;
    if (!sockopt_name(u, e, &level, &name))
        return;
    if (opt_is(u, name, "SO_ERROR")) {
        if (k->connecting && c != NULL && c->state == TCPSM_CLOSED) {
            k->connecting = false;      /* a non-blocking connect that failed */
            k->so_error = errno_index(connect_errno(c));
            take_error(u, c);
        }
        if (k->so_error) {
            int64_t n;
            sym_value(u, errno_name(k->so_error), strlen(errno_name(k->so_error)), &n);
            v = n;
        }
        k->so_error = 0;
    } else if (opt_is(u, name, "SO_RCVBUF")) {
        v = c != NULL ? c->rcap : k->rcvbuf;    /* the connection's (freebsd: rounded) */
    } else if (opt_is(u, name, "SO_SNDBUF")) {
        v = k->sndbuf;
    } else if (opt_is(u, name, "SO_REUSEADDR")) {
        v = k->reuse;
    } else if (opt_is(u, name, "SO_KEEPALIVE")) {
        v = k->keepalive;
    } else if (opt_is(u, name, "TCP_NODELAY")) {
        v = k->nodelay;
    } else if (opt_is(u, name, "TCP_MAXSEG")) {
        v = c != NULL && c->state != TCPSM_LISTEN && c->state != TCPSM_CLOSED
                ? c->snd_mss : (k->maxseg ? k->maxseg : u->cfg.mss);
    } else {
        failf(u, e->line, "getsockopt: option not supported by tcpsm run");
        return;
    }
    x = &e->call.arg[3];
    if (x->kind != SX_ELLIPSIS && !(x->kind == SX_LIST && x->n == 1 && x->item[0].kind == SX_ELLIPSIS)) {
        if (!eval(u, e, x, &want))
            return;
        if (want != v) {
            failf(u, e->line, "getsockopt: expected the value %lld but it is %lld", (long long)want,
                  (long long)v);
            return;
        }
    }
    check_result(u, e, 0, NULL);
}

static int64_t arg_len(struct run *u, const struct sevent *e, unsigned i)
{
    int64_t n;
    if (e->call.nargs <= i) {
        failf(u, e->line, "%s needs a length", e->call.name);
        return -1;
    }
    if (!eval(u, e, &e->call.arg[i], &n))
        return -1;
    if (n < 0 || n > 0x7FFFFFFF) {
        failf(u, e->line, "%s: length %lld out of range", e->call.name, (long long)n);
        return -1;
    }
    return n;
}

static void do_close(struct run *u, const struct sevent *e, int fd)
{
    struct sock *k = &u->sk[fd];
    if (k->kind == SK_LISTEN) {
        if (k->linger_on && k->linger == 0) {
            (void)tcpsm_abort(&u->slot[k->handle].conn, u->now);    /* 3.10.5 LISTEN */
            note_rows(u);
        }
        tcpsm_host_release(&u->h, u->now, k->handle);
    } else if (k->kind == SK_CONN) {
        if (k->linger_on && k->linger == 0)
            tcpsm_host_abort(&u->h, u->now, k->handle);     /* RFC 9293 3.10.5 */
        else
            tcpsm_host_close(&u->h, u->now, k->handle);     /* 3.10.4 */
        note_rows(u);
        tcpsm_host_release(&u->h, u->now, k->handle);
    }
    note_rows(u);
    k->kind = SK_FREE;
    if (u->focus == fd)
        u->focus = -1;
    check_result(u, e, 0, NULL);
}

/* OPEN on the TCB a socket already has (RFC 9293 3.10.1 "other states":
 * connection already exists): the engine's row is taken; its answer. */
static enum tcpsm_err reopen_tcb(struct run *u, int fd, bool active)
{
    struct tcpsm_conn *c = &u->slot[u->sk[fd].handle].conn;
    struct tcpsm_open o;
    enum tcpsm_err r;
    memset(&o, 0, sizeof o);
    o.active = active;
    o.local = c->local;
    o.remote = c->remote;
    o.iss = c->iss;
    r = tcpsm_open(c, u->now, &o);
    note_rows(u);
    return r;
}

static void run_call(struct run *u, const struct sevent *e, unsigned ev, int64_t end)
{
    const char *n = e->call.name;
    int fd = -1;
    if (strcmp(n, "socket") == 0) {
        fd = new_fd(u);
        if (fd < 0)
            check_result(u, e, -1, "EMFILE");
        else
            check_result(u, e, fd, NULL);
        return;
    }
    if (strcmp(n, "bind") == 0 || strcmp(n, "listen") == 0 || strcmp(n, "accept") == 0
        || strcmp(n, "connect") == 0 || strcmp(n, "write") == 0 || strcmp(n, "send") == 0
        || strcmp(n, "read") == 0 || strcmp(n, "recv") == 0 || strcmp(n, "close") == 0
        || strcmp(n, "shutdown") == 0 || strcmp(n, "fcntl") == 0
        || strcmp(n, "setsockopt") == 0 || strcmp(n, "getsockopt") == 0) {
        fd = arg_fd(u, e, 0, true);
        if (u->failed || fd == -1)
            return;
        if (fd == -2) {
            check_result(u, e, -1, "EBADF");
            return;
        }
    } else {
        failf(u, e->line, "system call %s is not supported by tcpsm run", n);
        return;
    }
    if (strcmp(n, "bind") == 0) {
        u->sk[fd].bound = true;
        check_result(u, e, 0, NULL);
    } else if (strcmp(n, "listen") == 0) {
        struct tcpsm_endpoint local;
        int64_t backlog = 1;
        struct sock *k = &u->sk[fd];
        if (e->call.nargs > 1 && !eval(u, e, &e->call.arg[1], &backlog))
            return;
        if (k->kind == SK_LISTEN || k->kind == SK_CONN) {
            bool closed = u->slot[k->handle].conn.state == TCPSM_CLOSED;
            enum tcpsm_err r = closed ? TCPSM_ERR_EXISTS : reopen_tcb(u, fd, false);
            /* listen() again on a listener changes only its backlog */
            check_result(u, e, k->kind == SK_LISTEN && r == TCPSM_ERR_EXISTS ? 0 : -1,
                         k->kind == SK_LISTEN && r == TCPSM_ERR_EXISTS ? NULL : "EINVAL");
            return;
        }
        memset(&local, 0, sizeof local);
        local.ip = u->lip;
        local.port = LISTEN_PORT;
        shape_slots(u, k);
        if (tcpsm_host_listen(&u->h, u->now, &local, NULL, backlog < 1 ? 1u : (uint32_t)backlog,
                              &k->handle) != TCPSM_OK) {
            check_result(u, e, -1, "EADDRINUSE");
            return;
        }
        note_rows(u);
        k->kind = SK_LISTEN;
        u->active = false;
        set_focus(u, fd);
        check_result(u, e, 0, NULL);
    } else if (strcmp(n, "accept") == 0) {
        if (u->sk[fd].kind != SK_LISTEN) {
            check_result(u, e, -1, "EINVAL");
            return;
        }
        start_call(u, e, ev, PC_ACCEPT, fd, 0, end, 0);
    } else if (strcmp(n, "connect") == 0) {
        struct sock *k = &u->sk[fd];
        struct tcpsm_endpoint local, remote;
        if (k->kind == SK_CONN) {
            struct tcpsm_conn *c = &u->slot[k->handle].conn;
            if (c->state != TCPSM_CLOSED)
                (void)reopen_tcb(u, fd, true);  /* "connection already exists" */
            if (k->connecting && (c->state == TCPSM_SYN_SENT || c->state == TCPSM_SYN_RECEIVED))
                check_result(u, e, -1, "EALREADY");
            else if (k->connecting) {
                k->connecting = false;
                bool failed = c->state == TCPSM_CLOSED;
                const char *why = failed ? connect_errno(c) : NULL;
                if (failed)
                    take_error(u, c);
                check_result(u, e, failed ? -1 : 0, why);
            } else if (c->state == TCPSM_CLOSED) {
                /* RFC 9293 3.10.1 CLOSED: OPEN makes a new connection (its
                 * ISS by RFC 6528, as the host's) */
                struct tcpsm_open o;
                memset(&o, 0, sizeof o);
                o.active = true;
                o.local = k->local;
                o.remote = k->remote;
                o.iss = tcpsm_isn(u->h.key, &o.local, &o.remote, u->now);
                take_error(u, c);
                if (tcpsm_open(c, u->now, &o) != TCPSM_OK) {
                    check_result(u, e, -1, "EISCONN");
                    return;
                }
                note_rows(u);
                k->connecting = true;
                drain(u);
                start_call(u, e, ev, PC_CONNECT, fd, 0, end, 0);
            } else
                check_result(u, e, -1, "EISCONN");
            return;
        }
        if (k->kind != SK_NEW) {
            check_result(u, e, -1, "EISCONN");  /* a listening socket */
            return;
        }
        memset(&local, 0, sizeof local);
        memset(&remote, 0, sizeof remote);
        local.ip = u->lip;
        local.port = u->next_eport++;
        remote.ip = u->rip;
        remote.port = LISTEN_PORT;
        shape_slots(u, k);
        set_free_rcap(u, rcvbuf_for(u, k->rcvbuf, u->h.cfg.mss));
        if (tcpsm_host_connect(&u->h, u->now, &local, &remote, &k->handle) != TCPSM_OK) {
            check_result(u, e, -1, "ENOBUFS");
            return;
        }
        note_rows(u);
        k->kind = SK_CONN;
        k->connecting = true;
        k->local = local;
        k->remote = remote;
        u->active = true;
        u->aport = local.port;
        u->iss_known = false;
        set_focus(u, fd);
        drain(u);
        start_call(u, e, ev, PC_CONNECT, fd, 0, end, 0);
    } else if (strcmp(n, "write") == 0 || strcmp(n, "send") == 0) {
        int64_t len = arg_len(u, e, 2);
        struct sock *k = &u->sk[fd];
        if (len < 0)
            return;
        if (k->kind == SK_LISTEN) {
            /* RFC 9293 3.10.2 LISTEN with the foreign socket unspecified:
             * an error (the socket API: ENOTCONN) */
            uint32_t acc = 0;
            enum tcpsm_err r = tcpsm_send(&u->slot[k->handle].conn, u->now, (const uint8_t *)"",
                                          1, TCPSM_SEND_PUSH, &acc);
            note_rows(u);
            drain(u);
            check_result(u, e, r == TCPSM_OK ? 1 : -1, r == TCPSM_OK ? NULL : "ENOTCONN");
            return;
        }
        if (k->kind != SK_CONN) {
            check_result(u, e, -1, "EPIPE");
            return;
        }
        set_focus(u, fd);
        if (len == 0) {
            check_result(u, e, 0, NULL);
            return;
        }
        {
            /* send(fd, ..., len, MSG_OOB): the data is urgent (RFC 9293
             * 3.8.5, MUST-62: SND.UP after its last octet) */
            unsigned sf = TCPSM_SEND_PUSH;
            int64_t fl = 0;
            if (strcmp(n, "send") == 0 && e->call.nargs > 3) {
                if (!eval(u, e, &e->call.arg[3], &fl))
                    return;
                int64_t oob = 0;
                sym_value(u, "MSG_OOB", 7, &oob);
                if (fl & oob)
                    sf |= TCPSM_SEND_URGENT;
            }
            start_call(u, e, ev, PC_WRITE, fd, (uint32_t)len, end, sf);
        }
        drain(u);
    } else if (strcmp(n, "read") == 0 || strcmp(n, "recv") == 0) {
        int64_t len = arg_len(u, e, 2);
        struct sock *k = &u->sk[fd];
        if (len < 0)
            return;
        if (k->kind == SK_LISTEN) {
            /* RFC 9293 3.10.3 LISTEN: the RECEIVE would wait for the
             * connection; the socket API answers ENOTCONN at once */
            uint8_t one;
            uint32_t got = 0;
            (void)tcpsm_receive(&u->slot[k->handle].conn, u->now, &one, 1, &got, NULL);
            note_rows(u);
            check_result(u, e, -1, "ENOTCONN");
            return;
        }
        if (k->kind != SK_CONN) {
            check_result(u, e, -1, "ENOTCONN");
            return;
        }
        set_focus(u, fd);
        if (len == 0) {
            check_result(u, e, 0, NULL);
            return;
        }
        start_call(u, e, ev, PC_READ, fd, (uint32_t)len, end, 0);
        drain(u);
    } else if (strcmp(n, "close") == 0) {
        do_close(u, e, fd);
        drain(u);
    } else if (strcmp(n, "shutdown") == 0) {
        int64_t how;
        struct sock *k = &u->sk[fd];
        if (e->call.nargs < 2 || !eval(u, e, &e->call.arg[1], &how))
            return;
        if (k->kind != SK_CONN) {
            check_result(u, e, -1, "ENOTCONN");
            return;
        }
        if (opt_is(u, how, "SHUT_RD") || opt_is(u, how, "SHUT_RDWR"))
            k->shut_rd = true;
        if (opt_is(u, how, "SHUT_WR") || opt_is(u, how, "SHUT_RDWR")) {
            /* RFC 9293 3.10.4 CLOSE: our FIN; again: "connection closing",
             * which the socket API takes as done */
            enum tcpsm_err r = tcpsm_host_close(&u->h, u->now, k->handle);
            note_rows(u);
            k->shut_wr = true;
            if (r != TCPSM_OK && r != TCPSM_ERR_CLOSING) {
                check_result(u, e, -1, "ENOTCONN");
                drain(u);
                return;
            }
        }
        check_result(u, e, 0, NULL);
        drain(u);
    } else if (strcmp(n, "fcntl") == 0) {
        int64_t cmd, flags;
        struct sock *k = &u->sk[fd];
        int64_t rdwr, nb;
        sym_value(u, "O_RDWR", 6, &rdwr);
        sym_value(u, "O_NONBLOCK", 10, &nb);
        if (e->call.nargs < 2 || !eval(u, e, &e->call.arg[1], &cmd))
            return;
        if (opt_is(u, cmd, "F_GETFL")) {
            check_result(u, e, rdwr | (k->nonblock ? nb : 0), NULL);
        } else if (opt_is(u, cmd, "F_SETFL")) {
            if (e->call.nargs < 3 || !eval(u, e, &e->call.arg[2], &flags))
                return;
            k->nonblock = (flags & nb) != 0;
            check_result(u, e, 0, NULL);
        } else {
            failf(u, e->line, "fcntl: only F_GETFL and F_SETFL are supported");
        }
    } else if (strcmp(n, "setsockopt") == 0) {
        do_setsockopt(u, e, fd);
    } else if (strcmp(n, "getsockopt") == 0) {
        do_getsockopt(u, e, fd);
    }
}

/* ---- %{ }% blocks ---- */

struct tcpi {
    const char *name;
    int what;
};

static bool tcpi_value(struct run *u, const char *name, size_t n, int64_t *v)
{
    /* the slot itself: a closed socket's TCB lives on (FIN-WAIT, TIME-WAIT) */
    struct tcpsm_conn *c = u->focus_set && u->focus_handle < NSLOT
                                   && u->slot[u->focus_handle].use != TCPSM_SLOT_FREE
                               ? &u->slot[u->focus_handle].conn : NULL;
    struct tcpsm_status st;
    uint32_t mss;
    static const int lx[] = {   /* enum tcpsm_state -> Linux TCP_* */
        7, 10, 2, 3, 1, 4, 5, 8, 11, 9, 6,
    };
    unsigned k;
    enum tcpsm_err err;
    if (c == NULL)
        return false;
    err = tcpsm_status(c, &st);         /* RFC 9293 3.10.6 STATUS: its row, taken */
    for (k = 0; k < tcpsm_nrows && k < sizeof u->r->rows; k++)
        if (tcpsm_rows[k].from == c->state && tcpsm_rows[k].event == TCPSM_EV_STATUS)
            u->r->rows[k] = true;
    if (err != TCPSM_OK) {              /* no connection: only its state is known */
        if (n == 10 && memcmp(name, "tcpi_state", 10) == 0) {
            *v = lx[TCPSM_CLOSED];
            return true;
        }
        return false;
    }
    mss = st.snd_mss ? st.snd_mss : 1u;
#define IS(s) (n == strlen(s) && memcmp(name, s, n) == 0)
    if (IS("tcpi_state"))
        *v = st.state < sizeof lx / sizeof lx[0] ? lx[st.state] : -1;
    else if (IS("tcpi_snd_cwnd"))
        *v = st.cwnd / mss;
    else if (IS("tcpi_snd_ssthresh"))
        *v = st.ssthresh / mss;
    else if (IS("tcpi_rto"))
        *v = st.rto_us;
    else if (IS("tcpi_rtt"))
        *v = st.srtt_us;
    else if (IS("tcpi_rttvar"))
        *v = st.rttvar_us;
    else if (IS("tcpi_snd_mss"))
        *v = st.snd_mss;
    else if (IS("tcpi_total_retrans"))
        *v = (int64_t)st.retransmits + st.fast_retransmits;
    else if (IS("tcpi_snd_wnd"))
        *v = st.snd_wnd;
    else
        return false;
#undef IS
    return true;
}

/* A value in an assertion: a number, a symbol or a tcpi_ field. */
static bool code_value(struct run *u, const char **s, int64_t *v)
{
    const char *p = *s;
    size_t n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
        char *end;
        *v = strtoll(p, &end, 0);
        *s = end;
        return true;
    }
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    if (n == 0)
        return false;
    if (n > 5 && memcmp(p, "tcpi_", 5) == 0) {
        if (!tcpi_value(u, p, n, v))
            return false;
    } else if (!sym_value(u, p, n, v)) {
        return false;
    }
    *s = p + n;
    return true;
}

/* "assert A op B [and C op D ...][, message]"; false if it is not one
 * this runner reads (then it is skipped). */
static bool code_assert(struct run *u, const char *line, bool *holds)
{
    const char *s = line + 6;
    *holds = true;
    for (;;) {
        int64_t a, b;
        char op[3] = { 0 };
        bool r;
        if (!code_value(u, &s, &a))
            return false;
        while (*s == ' ' || *s == '\t')
            s++;
        if ((s[0] == '=' || s[0] == '!' || s[0] == '<' || s[0] == '>') && s[1] == '=') {
            op[0] = s[0];
            op[1] = '=';
            s += 2;
        } else if (s[0] == '<' || s[0] == '>') {
            op[0] = s[0];
            s++;
        } else {
            return false;
        }
        if (!code_value(u, &s, &b))
            return false;
        switch (op[0]) {
        case '=': r = a == b; break;
        case '!': r = a != b; break;
        case '<': r = op[1] ? a <= b : a < b; break;
        default: r = op[1] ? a >= b : a > b; break;
        }
        *holds = *holds && r;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncmp(s, "and ", 4) == 0) {
            s += 4;
            continue;
        }
        return *s == '\0' || *s == ',' || *s == '#';
    }
}

static void run_code(struct run *u, const struct sevent *e)
{
    const char *p = e->text;
    unsigned line = e->line;
    while (*p && !u->failed) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char buf[512];
        const char *l;
        bool holds;
        if (n >= sizeof buf)
            n = sizeof buf - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        l = buf;
        while (*l == ' ' || *l == '\t')
            l++;
        if (*l != '\0' && *l != '#') {
            if (strncmp(l, "assert ", 7) == 0 && code_assert(u, l, &holds)) {
                if (!holds)
                    failf(u, line, "assertion failed: %s", l);
                else if (u->o->verbose)
                    fprintf(u->out, "%s:%u: holds: %s\n", u->s->path, line, l);
            } else {
                u->r->skipped++;
                if (u->o->verbose)
                    fprintf(u->out, "%s:%u: skipped: %s\n", u->s->path, line, l);
            }
        }
        if (eol == NULL)
            break;
        p = eol + 1;
        line++;
    }
}

/* ---- the script ---- */

static bool parse_addr(const char *text, int family, struct tcpsm_addr *a)
{
    memset(a, 0, sizeof *a);
    if (family == 4) {
        a->family = TCPSM_AF_INET;
        return inet_pton(AF_INET, text, a->addr) == 1;
    }
    a->family = TCPSM_AF_INET6;
    return inet_pton(AF_INET6, text, a->addr) == 1;
}

static void context(struct run *u)
{
    unsigned i, first = u->nctx > CTX ? u->nctx - CTX : 0;
    if (u->nctx == 0)
        return;
    fprintf(u->out, "  the last packets:\n");
    for (i = first; i < u->nctx; i++)
        fprintf(u->out, "    %s\n", u->ctx[i % CTX]);
}

void script_run(const struct script *s, const struct script_options *o, FILE *out,
                struct script_result *r)
{
    struct run *u = calloc(1, sizeof *u);
    uint8_t key[TCPSM_ISN_KEY_LEN] = { 0 };
    unsigned i;
    memset(r, 0, sizeof *r);
    if (u == NULL || (u->bufs = malloc((size_t)NSLOT * 2u * BUF_MAX)) == NULL) {
        free(u);
        r->status = SCRIPT_FAIL;
        snprintf(r->message, sizeof r->message, "%s: out of memory", s->path);
        return;
    }
    u->s = s;
    u->o = o;
    u->out = out;
    u->r = r;
    u->focus = -1;
    u->next_eport = EPHEMERAL_PORT;
    script_profile_config(o->profile, &u->cfg, &u->rcvbuf, &u->sndbuf);
    u->cfg.mss = s->mss ? (uint16_t)s->mss : (s->ip_version == 6 ? 1440 : 1460);
    if (s->rfc5961 >= 0) {
        u->cfg.rfc5961_rst = s->rfc5961 != 0;
        u->cfg.rfc5961_syn = s->rfc5961 != 0;
        u->cfg.rfc5961_ack = s->rfc5961 != 0;
    }
    if (!parse_addr(s->local_ip ? s->local_ip : (s->ip_version == 6 ? "fd3d:fa7b:d17d::1" : "192.168.0.1"),
                    s->ip_version, &u->lip)
        || !parse_addr(s->remote_ip ? s->remote_ip
                                    : (s->ip_version == 6 ? "fd3d:fa7b:d17d:8888::1" : "192.0.2.1"),
                       s->ip_version, &u->rip)) {
        r->status = SCRIPT_SYNTAX;
        snprintf(r->message, sizeof r->message, "%s: --local_ip/--remote_ip: not an IPv%d address",
                 s->path, s->ip_version);
        free(u->bufs);
        free(u);
        return;
    }
    for (i = 0; i < NSLOT; i++) {
        u->slot[i].sbuf = u->bufs + (size_t)i * 2u * BUF_MAX;
        u->slot[i].rbuf = u->slot[i].sbuf + BUF_MAX;
        u->slot[i].scap = u->sndbuf;
        u->slot[i].rcap = u->rcvbuf;
    }
    /* the ISN key: fixed, so that a script runs the same way every time */
    for (i = 0; i < TCPSM_ISN_KEY_LEN; i++)
        key[i] = (uint8_t)(0x5a + 7 * i);
    if (tcpsm_host_init(&u->h, &u->cfg, u->slot, NSLOT, key) != TCPSM_OK) {
        r->status = SCRIPT_FAIL;
        snprintf(r->message, sizeof r->message, "%s: the profile's configuration is refused",
                 s->path);
        free(u->bufs);
        free(u);
        return;
    }
    /* the SYN options each kernel lays out (RFC 2018 SACK-permitted) */
    tcpsm_host_set_syn_options(&u->h, o->profile == PROFILE_FREEBSD ? TCPSM_SYN_OPTS_SACK_EOL
                                      : o->profile == PROFILE_LINUX ? TCPSM_SYN_OPTS_NOP_SACK
                                                                    : TCPSM_SYN_OPTS_MSS);
    for (i = 0; i < s->nev && !u->failed; i++) {
        const struct sevent *e = &s->ev[i];
        int64_t t = e->tkind == ST_ABS ? e->t_us : e->tkind == ST_REL ? u->base + e->t_us
                                                                        : (int64_t)u->now;
        int64_t end = t;
        u->cur = i;
        /* as packetdrill: the end of a relative event's range or blocking
         * call is relative too, "+" written or not */
        if (e->range || e->blocking)
            end = e->end_kind == ST_ABS && e->tkind != ST_REL ? e->end_us : u->base + e->end_us;
        if (end < t) {
            failf(u, e->line, "the end of the time range is before its start");
            break;
        }
        if (e->kind == SE_PACKET && e->pkt.dir == '>') {
            expect(u, e, t - s->tolerance_us, end + s->tolerance_us, e->tkind == ST_ANY);
            if (e->tkind != ST_ANY)
                u->base = t;
            continue;
        }
        if (t > (int64_t)u->now)
            advance_to(u, (uint64_t)t);
        if (u->failed)
            break;
        if (u->pc.kind != PC_NONE && (int64_t)u->now > u->pc.end + s->tolerance_us) {
            char t1[32], t2[32];
            failf(u, s->ev[u->pc.ev].line, "expected %s(...) to return at %s but it had not by %s",
                  s->ev[u->pc.ev].call.name, sec((uint64_t)u->pc.end, t1, sizeof t1),
                  sec(u->now, t2, sizeof t2));
            break;
        }
        u->base = e->tkind == ST_ANY ? (int64_t)u->now : t;
        switch (e->kind) {
        case SE_PACKET:
            inject(u, e);
            break;
        case SE_CALL:
            if (u->o->verbose) {
                char tt[32];
                fprintf(u->out, "%s: %s %s(...)\n", s->path, sec(u->now, tt, sizeof tt), e->call.name);
            }
            run_call(u, e, i, end);
            break;
        case SE_SHELL:
            r->skipped++;
            if (o->verbose)
                fprintf(out, "%s:%u: skipped: `%s`\n", s->path, e->line, e->text);
            break;
        case SE_CODE:
            run_code(u, e);
            break;
        }
    }
    if (!u->failed && u->pc.kind != PC_NONE) {
        advance_to(u, (uint64_t)(u->pc.end + s->tolerance_us));
        if (!u->failed && u->pc.kind != PC_NONE) {
            char t1[32];
            failf(u, s->ev[u->pc.ev].line, "%s(...) had not returned by %s (the end of the script)",
                  s->ev[u->pc.ev].call.name, sec(u->now, t1, sizeof t1));
        }
    }
    r->virtual_us = u->now;
    if (u->failed && out != NULL) {
        fprintf(out, "%s\n", r->message);
        context(u);
    }
    free(u->bufs);
    free(u);
}

void script_run_file(const char *path, const struct script_options *o, FILE *out,
                     struct script_result *r)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0;
    struct script s;
    memset(r, 0, sizeof *r);
    if (f == NULL) {
        r->status = SCRIPT_SYNTAX;
        snprintf(r->message, sizeof r->message, "%s: %s", path, strerror(errno));
        fprintf(out, "%s\n", r->message);
        return;
    }
    for (;;) {
        size_t n;
        if (len == cap) {
            char *m;
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20) || (m = realloc(text, cap)) == NULL) {
                free(text);
                fclose(f);
                r->status = SCRIPT_SYNTAX;
                snprintf(r->message, sizeof r->message, "%s: too large", path);
                fprintf(out, "%s\n", r->message);
                return;
            }
            text = m;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    if (!script_parse(&s, path, text, len, o->def, o->ndef, r->message, sizeof r->message)) {
        free(text);
        r->status = SCRIPT_SYNTAX;
        fprintf(out, "%s\n", r->message);
        return;
    }
    free(text);
    script_run(&s, o, out, r);
    for (unsigned i = 0; i < s.nunknown && i < sizeof r->unknown / sizeof r->unknown[0]; i++) {
        snprintf(r->unknown[i], sizeof r->unknown[i], "%s", s.unknown[i]);
        r->nunknown++;
    }
    script_free(&s);
}
