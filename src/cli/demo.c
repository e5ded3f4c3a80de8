/*
 * demo.c: `tcpsm demo`: two TCBs talk over the virtual network (src/sim),
 * printed as a sequence diagram, one line per event.
 *
 * Implementation notes:
 * - A scenario is data: for each side, a list of application steps "when
 *   <condition>, do <action>", taken in order, each once.  Conditions: at
 *   once; the TCB has reached ESTABLISHED (or a later state); the end of
 *   stream has been read; the network is quiet (nothing in flight); each
 *   optionally "and at least N bytes received".  All conditions of an
 *   instant are evaluated before any of its actions runs, so both sides can
 *   act at the same time (simultaneous open and close).
 * - Reading is automatic: whenever a side has data, an unread FIN or an
 *   error to report, its application calls RECEIVE and prints the result.
 * - The loop: react at the current instant until nothing more fires, let
 *   the network run one event (sim_step), print what it logged, repeat
 *   until the network is idle.  The clock only jumps; nothing here reads a
 *   real clock or a random source, so the output is the same every run.
 * - Every engine call that may change a TCB is followed by
 *   tcpsm_conn_check() on both TCBs (sim_after_call() and the sim do it);
 *   a broken invariant ends the run at once, exit 1.
 * - Verdict at the end: both sides CLOSED, each received exactly what the
 *   other sent, RECEIVE reported the errors the scenario expects and no
 *   others, every application step ran.  Anything else: exit 1.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"
#include "tcpsm.h"

#define SND_CAP 8192u           /* send buffer per side */
#define RCV_CAP 4096u           /* receive buffer per side (the window) */
#define KEEP 4096u              /* bytes per direction kept for the final check */
#define MAX_ACTS 8
#define MAX_STEPS 100000u       /* network events before giving up */
#define ARROW 64                /* width of the arrow between the columns */

enum when { W_NOW = 0, W_ESTABLISHED, W_EOF, W_QUIET };
enum what { A_END = 0, A_LISTEN, A_CONNECT, A_SEND, A_CLOSE, A_ABORT };

struct act {
    uint8_t what;               /* enum what */
    uint8_t when;               /* enum when */
    uint32_t got;               /* ... and at least this many bytes received */
    const char *text;           /* A_SEND */
};

struct scenario {
    const char *name;
    const char *about;
    struct act side[2][MAX_ACTS];   /* [0] client, [1] server */
    uint32_t lose_client_nth;       /* the network loses the client's nth packet */
    uint8_t expect_err[2];          /* what RECEIVE must report besides end of stream */
};

#define CLIENT_HELLO "hello server"
#define SERVER_HELLO "hello client"

static const struct scenario scenarios[] = {
    {"handshake",
     "three-way handshake, a line each way, client closes first, TIME-WAIT",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, CLIENT_HELLO},
       {A_CLOSE, W_NOW, 12, NULL}},
      {{A_LISTEN, W_NOW, 0, NULL},
       {A_SEND, W_NOW, 12, SERVER_HELLO},
       {A_CLOSE, W_EOF, 0, NULL}}},
     0, {TCPSM_OK, TCPSM_OK}},
    {"simultaneous-open",
     "both sides OPEN actively at once (RFC 9293 Figure 7), then a normal close",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, CLIENT_HELLO},
       {A_CLOSE, W_NOW, 12, NULL}},
      {{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, SERVER_HELLO},
       {A_CLOSE, W_EOF, 0, NULL}}},
     0, {TCPSM_OK, TCPSM_OK}},
    {"simultaneous-close",
     "both sides CLOSE at once: FIN-WAIT-1, CLOSING, TIME-WAIT (Figure 13)",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, CLIENT_HELLO},
       {A_CLOSE, W_QUIET, 12, NULL}},
      {{A_LISTEN, W_NOW, 0, NULL},
       {A_SEND, W_NOW, 12, SERVER_HELLO},
       {A_CLOSE, W_QUIET, 0, NULL}}},
     0, {TCPSM_OK, TCPSM_OK}},
    {"half-close",
     "client sends a request and CLOSEs; the server goes on sending, then closes",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, "GET /story"},
       {A_CLOSE, W_NOW, 0, NULL}},
      {{A_LISTEN, W_NOW, 0, NULL},
       {A_SEND, W_EOF, 0, "Once upon a time "},
       {A_SEND, W_QUIET, 0, "a FIN went out, "},
       {A_SEND, W_QUIET, 0, "and data kept flowing back."},
       {A_CLOSE, W_QUIET, 0, NULL}}},
     0, {TCPSM_OK, TCPSM_OK}},
    {"reset",
     "client ABORTs an established connection; the server sees \"connection reset\"",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, CLIENT_HELLO},
       {A_ABORT, W_QUIET, 12, NULL}},
      {{A_LISTEN, W_NOW, 0, NULL},
       {A_SEND, W_NOW, 12, SERVER_HELLO}}},
     0, {TCPSM_OK, TCPSM_ERR_RESET}},
    {"lost-syn",
     "the client's first SYN is lost; the 1 s RTO resends it; then as handshake",
     {{{A_CONNECT, W_NOW, 0, NULL},
       {A_SEND, W_ESTABLISHED, 0, CLIENT_HELLO},
       {A_CLOSE, W_NOW, 12, NULL}},
      {{A_LISTEN, W_NOW, 0, NULL},
       {A_SEND, W_NOW, 12, SERVER_HELLO},
       {A_CLOSE, W_EOF, 0, NULL}}},
     1, {TCPSM_OK, TCPSM_OK}},
};

#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

struct app {
    const char *name;
    unsigned ep;                /* index in the sim */
    struct tcpsm_endpoint local;
    uint32_t iss;
    const struct act *acts;
    unsigned next;              /* next step of acts[] */
    bool opened, eof, dead, aborted;
    uint8_t err;                /* first error RECEIVE reported (not end of stream) */
    uint32_t ntx, nrx;          /* bytes sent (accepted) and received */
    uint8_t tx[KEEP], rx[KEEP];
    struct tcpsm_conn conn;
    uint8_t sbuf[SND_CAP], rbuf[RCV_CAP];
};

struct demo {
    const struct scenario *sc;
    uint32_t delay_ms, msl_s;
    unsigned problems;          /* unexpected results seen on the way */
    bool broken;                /* an invariant failed: stop */
    struct app app[2];          /* [0] client, [1] server */
    struct sim_net net;
    const char *pcap_path;          /* --pcap FILE, or NULL */
    struct sim_pcap pcap;
};

const char *demo_scenario_name(unsigned i)
{
    return i < NSCENARIOS ? scenarios[i].name : NULL;
}

const char *demo_scenario_about(unsigned i)
{
    return i < NSCENARIOS ? scenarios[i].about : NULL;
}

/* ---------------------------------------------------------------------- */
/* Printing */

static void stamp(uint64_t us)
{
    printf("%3" PRIu64 ".%03u", us / 1000000u, (unsigned)(us / 1000u % 1000u));
}

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Append to a NUL-terminated buffer, truncating. */
static void add(char *buf, size_t cap, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void add(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;

    if (n + 1u >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

static void add_addr(char *buf, size_t cap, const struct tcpsm_endpoint *e)
{
    add(buf, cap, "%u.%u.%u.%u:%u", e->ip.addr[0], e->ip.addr[1], e->ip.addr[2],
        e->ip.addr[3], e->port);
}

/* Bytes as a quoted C-like string, cut after 48 characters. */
static void add_text(char *buf, size_t cap, const uint8_t *p, uint32_t n)
{
    uint32_t i;

    add(buf, cap, "\"");
    for (i = 0; i < n && i < 48u; i++) {
        if (p[i] == '"' || p[i] == '\\')
            add(buf, cap, "\\%c", p[i]);
        else if (p[i] == '\n')
            add(buf, cap, "\\n");
        else if (p[i] >= 0x20 && p[i] < 0x7f)
            add(buf, cap, "%c", p[i]);
        else
            add(buf, cap, "\\x%02x", p[i]);
    }
    add(buf, cap, "%s", n > 48u ? "\"..." : "\"");
}

static const char *who(const struct demo *d, unsigned ep)
{
    return ep < 2u ? d->app[ep].name : "nobody";
}

static void add_segment(char *buf, size_t cap, const struct tcpsm_segment *s)
{
    static const struct { uint8_t bit; const char *name; } flag[] = {
        {TCPSM_SYN, "SYN"}, {TCPSM_FIN, "FIN"}, {TCPSM_RST, "RST"}, {TCPSM_PSH, "PSH"},
        {TCPSM_URG, "URG"}, {TCPSM_ECE, "ECE"}, {TCPSM_CWR, "CWR"}, {TCPSM_ACK, "ACK"},
    };
    const struct tcpsm_options *o = &s->opt;
    const char *sep = "";
    unsigned i;

    for (i = 0; i < sizeof flag / sizeof flag[0]; i++) {
        if (s->flags & flag[i].bit) {
            add(buf, cap, "%s%s", sep, flag[i].name);
            sep = ",";
        }
    }
    if (*sep == '\0')
        add(buf, cap, "(no flags)");
    add(buf, cap, " seq=%" PRIu32, s->seq);
    if (s->flags & TCPSM_ACK)
        add(buf, cap, " ack=%" PRIu32, s->ack);
    add(buf, cap, " win=%u len=%" PRIu32, s->wnd, s->len);
    if (s->flags & TCPSM_URG)
        add(buf, cap, " urp=%u", s->urp);

    sep = " <";
    if (o->has_mss) {
        add(buf, cap, "%smss %u", sep, o->mss);
        sep = ",";
    }
    if (o->has_wscale) {
        add(buf, cap, "%swscale %u", sep, o->wscale);
        sep = ",";
    }
    if (o->sack_permitted) {
        add(buf, cap, "%ssackOK", sep);
        sep = ",";
    }
    if (o->has_ts) {
        add(buf, cap, "%sTS val %" PRIu32 " ecr %" PRIu32, sep, o->ts_val, o->ts_ecr);
        sep = ",";
    }
    for (i = 0; i < o->nsack && i < TCPSM_MAX_SACK; i++) {
        add(buf, cap, "%ssack %" PRIu32 "-%" PRIu32, sep, o->sack_left[i], o->sack_right[i]);
        sep = ",";
    }
    if (o->nunknown > 0) {
        add(buf, cap, "%s%u unknown", sep, o->nunknown);
        sep = ",";
    }
    if (*sep == ',')
        add(buf, cap, ">");
}

static void dashes(char *buf, size_t cap, int n)
{
    for (; n > 0; n--)
        add(buf, cap, "-");
}

/* client --- SYN ... ----> server, or client <-- ... ----- server;
 * a lost packet ends in "X lost" on the receiver's side. */
static void print_packet(const struct demo *d, const struct sim_event *e)
{
    char label[256] = "", arrow[320] = "";
    bool right = e->ep == d->app[0].ep;
    bool lost = e->kind == SIM_EV_DROP;
    int room;

    add_segment(label, sizeof label, &e->seg);
    if (right) {
        room = ARROW - 5 - (int)strlen(label) - (lost ? 7 : 1);
        add(arrow, sizeof arrow, "--- %s ", label);
        dashes(arrow, sizeof arrow, room < 2 ? 2 : room);
        add(arrow, sizeof arrow, lost ? " X lost" : ">");
    } else {
        room = ARROW - 5 - (int)strlen(label) - (lost ? 6 : 0);
        add(arrow, sizeof arrow, lost ? "X lost -- %s " : "<-- %s ", label);
        dashes(arrow, sizeof arrow, room < 2 ? 2 : room);
    }
    stamp(e->time);
    printf("  %s %s  %s", d->app[0].name, arrow, d->app[1].name);
    if (lost && e->err != TCPSM_OK)
        printf("  (%s)", tcpsm_err_name(e->err));
    if (e->peer == SIM_NOBODY)
        printf("  (no endpoint has this address)");
    printf("\n");
}

static void print_step(const struct demo *d, const struct sim_event *e)
{
    const struct tcpsm_step *s = &e->step;
    char tr[64];

    /* User calls that keep the state (SEND, RECEIVE, STATUS) are printed
     * as application lines already. */
    if (s->from == s->to && s->event < TCPSM_EV_SEG_ANY)
        return;
    snprintf(tr, sizeof tr, "%s -> %s", tcpsm_state_name(s->from), tcpsm_state_name(s->to));
    stamp(e->time);
    printf("  %s  %-27s  (%s, RFC 9293 %s)\n", who(d, e->ep), tr, tcpsm_event_name(s->event),
           s->row < tcpsm_nrows && tcpsm_rows[s->row].rfc != NULL ? tcpsm_rows[s->row].rfc
                                                             : "?");
}

/* Print and forget what the network logged. */
static void flush(struct demo *d)
{
    unsigned i;

    for (i = 0; i < d->net.nlog; i++) {
        const struct sim_event *e = &d->net.log[i];

        switch (e->kind) {
        case SIM_EV_SEND:
        case SIM_EV_DROP:
            print_packet(d, e);
            break;
        case SIM_EV_STEP:
            print_step(d, e);
            break;
        case SIM_EV_DELIVER:
            if (e->err != TCPSM_OK) {
                stamp(e->time);
                printf("  %s  tcpsm_input -> error: %s\n", who(d, e->peer),
                       tcpsm_err_name(e->err));
                d->problems++;
            }
            break;
        case SIM_EV_REJECT:
            stamp(e->time);
            printf("  %s  segment from %s discarded: %s\n", who(d, e->peer), who(d, e->ep),
                   tcpsm_err_name(e->err));
            d->problems++;
            break;
        case SIM_EV_TIMER:
            break;              /* its transitions say what happened */
        case SIM_EV_ERROR:
            stamp(e->time);
            printf("  %s  %s -> error: %s\n", who(d, e->ep), e->call, tcpsm_err_name(e->err));
            d->problems++;
            break;
        case SIM_EV_BROKEN:
            stamp(e->time);
            printf("  %s  INVARIANT BROKEN: %s\n", who(d, e->ep), tcpsm_inv_name(e->inv));
            fprintf(stderr, "tcpsm demo: %s's TCB broke an invariant: %s\n", who(d, e->ep),
                    tcpsm_inv_name(e->inv));
            d->broken = true;
            break;
        default:
            printf("  (%" PRIu32 " events lost from the log)\n", e->count);
            d->problems++;
            break;
        }
    }
    sim_log_clear(&d->net);
}

/* An application line: "  0.100  client: SEND 12 bytes ...", with the
 * error the call returned, if any. */
static void say(const struct app *a, uint64_t now, const char *what, enum tcpsm_err err)
{
    stamp(now);
    printf("  %s: %s", a->name, what);
    if (err != TCPSM_OK)
        printf(" -> error: %s", tcpsm_err_name(err));
    printf("\n");
}

/* ---------------------------------------------------------------------- */
/* The applications */

static void keep(uint8_t *dst, uint32_t *n, const uint8_t *src, uint32_t len)
{
    uint32_t room = *n < KEEP ? KEEP - *n : 0u;

    memcpy(dst + (*n < KEEP ? *n : KEEP), src, len < room ? len : room);
    *n += len;
}

/* Read whatever there is to read; true if RECEIVE was called. */
static bool read_all(struct demo *d, struct app *a)
{
    uint64_t now = d->net.now;
    bool called = false;
    unsigned i;

    if (!a->opened || a->aborted || a->dead)
        return false;
    for (i = 0; i < 64u && !d->broken; i++) {
        struct tcpsm_status st;
        uint8_t buf[RCV_CAP];
        char line[160] = "";
        uint32_t got = 0;
        unsigned flags = 0;
        bool ready = false, fin = false;
        enum tcpsm_err err;

        if (tcpsm_status(&a->conn, &st) == TCPSM_OK) {
            ready = st.recv_ready > 0;
            fin = st.fin_received;
        }
        if (!ready && !(fin && !a->eof) && a->conn.error == TCPSM_OK)
            break;
        err = tcpsm_receive(&a->conn, now, buf, sizeof buf, &got, &flags);
        called = true;
        if (err == TCPSM_OK && got > 0) {
            keep(a->rx, &a->nrx, buf, got);
            add(line, sizeof line, "RECEIVE %" PRIu32 " bytes ", got);
            add_text(line, sizeof line, buf, got);
            say(a, now, line, TCPSM_OK);
        } else if (err == TCPSM_OK) {
            say(a, now, "RECEIVE returned no data and no end of stream, though the "
                        "status said there was something to read", TCPSM_OK);
            d->problems++;
            a->dead = true;
        } else if (err == TCPSM_ERR_CLOSING) {
            say(a, now, "RECEIVE: end of stream (the peer's FIN: \"connection closing\")",
                TCPSM_OK);
            a->eof = true;
        } else {
            say(a, now, "RECEIVE", err);
            if (a->err == TCPSM_OK)
                a->err = (uint8_t)err;
            a->dead = true;
        }
        sim_after_call(&d->net, a->ep);
        flush(d);
        if (a->eof || a->dead)
            break;
    }
    return called;
}

static bool due(const struct demo *d, const struct app *a)
{
    const struct act *s;

    if (a->next >= MAX_ACTS)
        return false;
    s = &a->acts[a->next];
    if (s->what == A_END || a->nrx < s->got)
        return false;
    switch (s->when) {
    case W_ESTABLISHED:
        return a->conn.state >= TCPSM_ESTABLISHED;
    case W_EOF:
        return a->eof;
    case W_QUIET:
        return sim_in_flight(&d->net) == 0;
    default:
        return true;
    }
}

static void act(struct demo *d, struct app *a, const struct app *peer, const struct act *s)
{
    uint64_t now = d->net.now;
    char line[160] = "";
    enum tcpsm_err err = TCPSM_OK;

    switch (s->what) {
    case A_LISTEN:
    case A_CONNECT: {
        struct tcpsm_open o;

        memset(&o, 0, sizeof o);
        o.active = s->what == A_CONNECT;
        o.local = a->local;
        if (o.active)
            o.remote = peer->local;
        o.iss = a->iss;
        err = tcpsm_open(&a->conn, now, &o);
        a->opened = true;
        if (o.active) {
            add(line, sizeof line, "OPEN active ");
            add_addr(line, sizeof line, &a->local);
            add(line, sizeof line, " -> ");
            add_addr(line, sizeof line, &peer->local);
        } else {
            add(line, sizeof line, "OPEN passive on ");
            add_addr(line, sizeof line, &a->local);
        }
        add(line, sizeof line, ", ISS %" PRIu32, a->iss);
        break;
    }
    case A_SEND: {
        uint32_t len = (uint32_t)strlen(s->text), accepted = 0;

        err = tcpsm_send(&a->conn, now, (const uint8_t *)s->text, len, TCPSM_SEND_PUSH,
                         &accepted);
        keep(a->tx, &a->ntx, (const uint8_t *)s->text, accepted);
        add(line, sizeof line, "SEND %" PRIu32 " bytes ", len);
        add_text(line, sizeof line, (const uint8_t *)s->text, len);
        if (accepted != len)
            add(line, sizeof line, " (%" PRIu32 " accepted)", accepted);
        break;
    }
    case A_CLOSE:
        err = tcpsm_close(&a->conn, now);
        add(line, sizeof line, "CLOSE");
        break;
    default:
        err = tcpsm_abort(&a->conn, now);
        a->aborted = true;
        add(line, sizeof line, "ABORT");
        break;
    }
    say(a, now, line, err);
    if (err != TCPSM_OK)
        d->problems++;
    sim_after_call(&d->net, a->ep);
    flush(d);
}

/* Everything the applications do at this instant. */
static void react(struct demo *d)
{
    unsigned pass, i;

    for (pass = 0; pass < 64u && !d->broken; pass++) {
        bool fire[2], any = false;

        for (i = 0; i < 2u; i++)
            if (read_all(d, &d->app[i]))
                any = true;
        for (i = 0; i < 2u; i++)
            fire[i] = due(d, &d->app[i]);
        for (i = 0; i < 2u && !d->broken; i++) {
            if (fire[i]) {
                struct app *a = &d->app[i];

                act(d, a, &d->app[1u - i], &a->acts[a->next++]);
                any = true;
            }
        }
        if (!any)
            break;
    }
}

/* ---------------------------------------------------------------------- */
/* Setup, run, verdict */

static void endpoint(struct tcpsm_endpoint *e, uint8_t last, uint16_t port)
{
    memset(e, 0, sizeof *e);
    e->ip.family = TCPSM_AF_INET;
    e->ip.addr[0] = 10;
    e->ip.addr[3] = last;
    e->port = port;
}

static int setup(struct demo *d)
{
    struct tcpsm_config cfg;
    unsigned i;

    tcpsm_config_default(&cfg);
    cfg.msl_us = d->msl_s * 1000000u;
    sim_init(&d->net, (uint64_t)d->delay_ms * 1000u);
    d->app[0].name = "client";
    d->app[1].name = "server";
    endpoint(&d->app[0].local, 1, 40000);
    endpoint(&d->app[1].local, 2, 80);
    d->app[0].iss = 1000;
    d->app[1].iss = 5000;
    for (i = 0; i < 2u; i++) {
        struct app *a = &d->app[i];
        enum tcpsm_err err;
        int ep;

        a->acts = d->sc->side[i];
        err = tcpsm_conn_init(&a->conn, &cfg, a->sbuf, SND_CAP, a->rbuf, RCV_CAP);
        if (err != TCPSM_OK) {
            fprintf(stderr, "tcpsm demo: tcpsm_conn_init (%s): %s\n", a->name,
                    tcpsm_err_name(err));
            return 1;
        }
        ep = sim_attach(&d->net, &a->conn, &a->local.ip, a->local.port);
        if (ep < 0) {
            fprintf(stderr, "tcpsm demo: sim_attach failed\n");
            return 1;
        }
        a->ep = (unsigned)ep;
    }
    if (d->sc->lose_client_nth > 0)
        sim_drop_nth(&d->net, d->app[0].ep, d->sc->lose_client_nth);

    printf("tcpsm demo, scenario %s: %s\n", d->sc->name, d->sc->about);
    printf("  client 10.0.0.1:40000 (ISS 1000)    server 10.0.0.2:80 (ISS 5000)\n");
    printf("  ISS values are fixed for readability; choosing the ISN is the host's job\n");
    printf("  link: in memory, one-way delay %" PRIu32 " ms each way; virtual clock, "
           "seconds\n", d->delay_ms);
    printf("  timers: initial RTO %" PRIu32 ".%03" PRIu32 " s; MSL %" PRIu32
           " s, so TIME-WAIT lasts %" PRIu32 " s\n",
           cfg.rto_initial_us / 1000000u, cfg.rto_initial_us / 1000u % 1000u, d->msl_s,
           2u * d->msl_s);
    if (d->sc->lose_client_nth > 0)
        printf("  network: loses the client's packet #%" PRIu32 "\n", d->sc->lose_client_nth);
    printf("\n   time  %-*s  %s\n", ARROW + 7, "client", "server");

    /* The fresh TCBs must satisfy the invariants too. */
    for (i = 0; i < 2u; i++)
        sim_after_call(&d->net, d->app[i].ep);
    flush(d);
    return d->broken ? 1 : 0;
}

static bool same(const struct app *from, const struct app *to)
{
    uint32_t n = from->ntx < KEEP ? from->ntx : KEEP;

    return from->ntx == to->nrx && memcmp(from->tx, to->rx, n) == 0;
}

static int verdict(struct demo *d)
{
    unsigned i, failed = 0;

    printf("\nsummary at %" PRIu64 ".%03u s\n", d->net.now / 1000000u,
           (unsigned)(d->net.now / 1000u % 1000u));
    for (i = 0; i < 2u; i++) {
        const struct app *a = &d->app[i];

        printf("  %s  %-12s  sent %" PRIu32 " bytes, received %" PRIu32 " bytes",
               a->name, tcpsm_state_name(a->conn.state), a->ntx, a->nrx);
        if (a->err != TCPSM_OK)
            printf(", RECEIVE reported \"%s\"", tcpsm_err_name(a->err));
        printf("\n");
    }
    for (i = 0; i < 2u; i++) {
        const struct app *a = &d->app[i];

        if (a->conn.state != TCPSM_CLOSED) {
            printf("  FAILED: %s ended in %s, not CLOSED\n", a->name,
                   tcpsm_state_name(a->conn.state));
            failed++;
        }
        if (!same(&d->app[1u - i], a)) {
            printf("  FAILED: %s did not receive exactly what %s sent\n", a->name,
                   d->app[1u - i].name);
            failed++;
        }
        if (a->err != d->sc->expect_err[i]) {
            printf("  FAILED: %s's RECEIVE reported \"%s\", expected \"%s\"\n", a->name,
                   a->err != TCPSM_OK ? tcpsm_err_name(a->err) : "no error",
                   d->sc->expect_err[i] != TCPSM_OK ? tcpsm_err_name(d->sc->expect_err[i])
                                                    : "no error");
            failed++;
        }
        if (a->next < MAX_ACTS && a->acts[a->next].what != A_END) {
            printf("  FAILED: %s's application never got to its step %u\n", a->name,
                   a->next + 1u);
            failed++;
        }
    }
    if (d->problems > 0) {
        printf("  FAILED: %u unexpected result(s), printed above\n", d->problems);
        failed++;
    }
    if (failed > 0) {
        fprintf(stderr, "tcpsm demo: scenario %s failed (see the summary)\n", d->sc->name);
        return 1;
    }
    printf("  ok: both ends CLOSED, each received exactly the bytes the other sent\n");
    return 0;
}

static int run_net(struct demo *d);

static int run(struct demo *d)
{
    int rc;

    if (d->pcap_path != NULL) {
        char err[256];
        if (sim_pcap_open(&d->pcap, d->pcap_path, err, sizeof err) != 0) {
            fprintf(stderr, "tcpsm demo: --pcap %s: %s\n", d->pcap_path, err);
            return 1;
        }
    }
    rc = run_net(d);
    if (d->pcap_path != NULL) {
        if (sim_pcap_close(&d->pcap) != 0) {
            fprintf(stderr, "tcpsm demo: --pcap %s: not every packet was written\n",
                    d->pcap_path);
            return 1;
        }
        printf("  pcap: %u packets written to %s\n", (unsigned)d->pcap.written, d->pcap_path);
    }
    return rc;
}

static int run_net(struct demo *d)
{
    unsigned steps;

    if (setup(d) != 0)
        return 1;
    if (d->pcap_path != NULL)
        d->net.trace = &d->pcap;
    react(d);
    for (steps = 0; !d->broken; steps++) {
        if (steps == MAX_STEPS) {
            printf("  (stopped after %u network events)\n", MAX_STEPS);
            d->problems++;
            break;
        }
        if (!sim_step(&d->net))
            break;
        flush(d);
        react(d);
    }
    if (d->broken) {
        fprintf(stderr, "tcpsm demo: stopped: a TCB invariant does not hold\n");
        return 1;
    }
    return verdict(d);
}

/* ---------------------------------------------------------------------- */
/* Command line */

/* A decimal number in [0, max]. */
static bool number(const char *s, unsigned long max, uint32_t *out)
{
    unsigned long v = 0;

    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10u + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static void list(void)
{
    unsigned i;

    for (i = 0; i < NSCENARIOS; i++)
        printf("%-19s %s%s\n", scenarios[i].name, scenarios[i].about,
               i == 0 ? " (default)" : "");
}

int demo_main(int argc, char **argv)
{
    static struct demo d;       /* about half a megabyte: not on the stack */
    const char *name = "handshake";
    bool want_list = false;
    unsigned i;
    int k;

    memset(&d, 0, sizeof d);
    d.delay_ms = 50;
    d.msl_s = 120;
    for (k = 0; k < argc; k++) {
        const char *arg = argv[k], *eq = strchr(arg, '='), *val = NULL;
        size_t len = eq != NULL && strncmp(arg, "--", 2) == 0 ? (size_t)(eq - arg) : strlen(arg);

        if (len < strlen(arg))
            val = eq + 1;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            cli_usage(stdout);
            return 0;
        }
        if (len == 6 && strncmp(arg, "--list", len) == 0) {
            if (val != NULL) {
                fprintf(stderr, "tcpsm demo: --list takes no value\n");
                return CLI_USAGE;
            }
            want_list = true;
            continue;
        }
        if (!((len == 10 && strncmp(arg, "--scenario", len) == 0) ||
              (len == 7 && strncmp(arg, "--delay", len) == 0) ||
              (len == 5 && strncmp(arg, "--msl", len) == 0) ||
              (len == 6 && strncmp(arg, "--pcap", len) == 0))) {
            fprintf(stderr, "tcpsm demo: unknown %s '%s' (see 'tcpsm --help')\n",
                    arg[0] == '-' ? "option" : "argument", arg);
            return CLI_USAGE;
        }
        if (val == NULL) {
            if (k + 1 >= argc) {
                fprintf(stderr, "tcpsm demo: %s needs a value (see 'tcpsm --help')\n", arg);
                return CLI_USAGE;
            }
            val = argv[++k];
        }
        if (arg[2] == 's') {
            name = val;
        } else if (arg[2] == 'p') {
            d.pcap_path = val;
        } else if (arg[2] == 'd') {
            if (!number(val, 60000u, &d.delay_ms)) {
                fprintf(stderr, "tcpsm demo: --delay wants milliseconds, 0..60000, not '%s'\n",
                        val);
                return CLI_USAGE;
            }
        } else if (!number(val, 2000u, &d.msl_s)) {
            fprintf(stderr, "tcpsm demo: --msl wants seconds, 0..2000, not '%s'\n", val);
            return CLI_USAGE;
        }
    }
    if (want_list) {
        list();
        return 0;
    }
    for (i = 0; i < NSCENARIOS && d.sc == NULL; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            d.sc = &scenarios[i];
    if (d.sc == NULL) {
        fprintf(stderr, "tcpsm demo: unknown scenario '%s'; known:", name);
        for (i = 0; i < NSCENARIOS; i++)
            fprintf(stderr, " %s", scenarios[i].name);
        fprintf(stderr, " (tcpsm demo --list)\n");
        return CLI_USAGE;
    }
    return run(&d);
}
