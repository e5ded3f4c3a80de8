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
 * - Conditions may also say "and not before time T" (struct act's at_ms).
 *   The clock only jumps to events, so such a step runs at the first event
 *   at or after T (the diagram shows when), not at T itself.
 * - Reading is automatic: whenever a side has data, an unread FIN or an
 *   error to report, its application calls RECEIVE and prints the result;
 *   A_HOLD pauses that, A_READ resumes it.
 * - A_VANISH is a host that dies: its TCB is initialised again (CLOSED,
 *   nothing sent) and its sim endpoint goes down, so packets to and from
 *   it are lost; the other side finds out only through its timers.
 * - SEND with no text sends `bytes` bytes of LOREM, which keeps the quoted
 *   text in the diagram readable.  A scenario may change a few settings
 *   (struct extras: MSS, keep-alive per side), printed in the header.
 * - The diagram names what a header alone does not say: retransmissions,
 *   zero-window and keep-alive probes, duplicate ACKs (remark()).
 * - The loop: react at the current instant until nothing more fires, let
 *   the network run one event (sim_step), print what it logged, repeat
 *   until the network is idle.  The clock only jumps; nothing here reads a
 *   real clock or a random source, so the output is the same every run.
 * - Every engine call that may change a TCB is followed by
 *   tcpsm_conn_check() on both TCBs (sim_after_call() and the sim do it);
 *   a broken invariant ends the run at once, exit 1.
 * - Verdict at the end: both sides CLOSED, each received exactly what the
 *   other sent (less the bytes a scenario says a dead host never got),
 *   RECEIVE reported the errors the scenario expects and no others, every
 *   application step ran, and the client's last STATUS shows what the
 *   scenario is about (struct extras' shows; the summary then prints both
 *   sides' counters).  Anything else: exit 1.
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
#define KEEP 16384u             /* bytes per direction kept for the final check */
#define MAX_ACTS 8
#define MAX_STEPS 100000u       /* network events before giving up */
#define ARROW 64                /* width of the arrow between the columns */

enum when { W_NOW = 0, W_ESTABLISHED, W_EOF, W_QUIET };
enum what {
    A_END = 0, A_LISTEN, A_CONNECT, A_SEND, A_CLOSE, A_ABORT,
    A_HOLD,                     /* the application stops reading */
    A_READ,                     /* ... and reads again */
    A_VANISH                    /* the host dies: TCB forgotten, endpoint down */
};

/* A row reads: {what, when, got, at_ms, text, bytes}. */
struct act {
    uint8_t what;               /* enum what */
    uint8_t when;               /* enum when */
    uint32_t got;               /* ... and at least this many bytes received */
    uint32_t at_ms;             /* ... and the clock at or past this (0: any time) */
    const char *text;           /* A_SEND: these bytes, or when NULL ... */
    uint32_t bytes;             /* ... this many bytes of LOREM, repeated */
};

/* What a scenario is about, checked on the client's last STATUS by the
 * verdict (and the summary then prints both sides' counters). */
enum shows {
    S_NOTHING = 0,
    S_FAST_RTX,                 /* retransmitted on duplicate ACKs, never on a timeout */
    S_PROBES,                   /* zero-window probes, more than one (backoff) */
    S_KEEPALIVE,                /* keep-alive probes, at least keepalive_count */
    S_BACKOFF                   /* retransmissions on timeouts, several */
};

/* Settings that differ from the defaults, and expectations; {0}: none. */
struct extras {
    uint16_t mss;               /* both sides' cfg.mss; 0 = the default */
    bool keepalive[2];          /* tcpsm_set_keepalive(conn, true) on this side */
    uint32_t undelivered[2];    /* bytes this side sends that never reach the peer */
    uint8_t shows;              /* enum shows */
    bool hours;                 /* the run lasts hours: times as h:mm:ss.mmm */
};

struct scenario {
    const char *name;
    const char *about;
    struct act side[2][MAX_ACTS];   /* [0] client, [1] server */
    uint32_t lose_client_nth;       /* the network loses the client's nth packet */
    uint8_t expect_err[2];          /* what RECEIVE must report besides end of stream */
    struct extras x;
};

/* Generated data (A_SEND with bytes): readable in the diagram's quotes. */
static const char LOREM[] =
    "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua. ";

#define CLIENT_HELLO "hello server"
#define SERVER_HELLO "hello client"

static const struct scenario scenarios[] = {
    {"handshake",
     "three-way handshake, a line each way, client closes first, TIME-WAIT",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_CLOSE, W_NOW, 12, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0},
       {A_CLOSE, W_EOF, 0, 0, NULL, 0}}},
     0, {TCPSM_OK, TCPSM_OK}, {0}},
    {"simultaneous-open",
     "both sides OPEN actively at once (RFC 9293 Figure 7), then a normal close",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_CLOSE, W_NOW, 12, 0, NULL, 0}},
      {{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, SERVER_HELLO, 0},
       {A_CLOSE, W_EOF, 0, 0, NULL, 0}}},
     0, {TCPSM_OK, TCPSM_OK}, {0}},
    {"simultaneous-close",
     "both sides CLOSE at once: FIN-WAIT-1, CLOSING, TIME-WAIT (Figure 13)",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_CLOSE, W_QUIET, 12, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0},
       {A_CLOSE, W_QUIET, 0, 0, NULL, 0}}},
     0, {TCPSM_OK, TCPSM_OK}, {0}},
    {"half-close",
     "client sends a request and CLOSEs; the server goes on sending, then closes",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, "GET /story", 0},
       {A_CLOSE, W_NOW, 0, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_EOF, 0, 0, "Once upon a time ", 0},
       {A_SEND, W_QUIET, 0, 0, "a FIN went out, ", 0},
       {A_SEND, W_QUIET, 0, 0, "and data kept flowing back.", 0},
       {A_CLOSE, W_QUIET, 0, 0, NULL, 0}}},
     0, {TCPSM_OK, TCPSM_OK}, {0}},
    {"reset",
     "client ABORTs an established connection; the server sees \"connection reset\"",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_ABORT, W_QUIET, 12, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0}}},
     0, {TCPSM_OK, TCPSM_ERR_RESET}, {0}},
    {"lost-syn",
     "the client's first SYN is lost; the 1 s RTO resends it; then as handshake",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_CLOSE, W_NOW, 12, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0},
       {A_CLOSE, W_EOF, 0, 0, NULL, 0}}},
     1, {TCPSM_OK, TCPSM_OK}, {0}},
    /* MSS 536 so that the 4096-byte window holds enough segments for three
     * duplicate ACKs; packet #4 is the second data segment. */
    {"lost-data",
     "a data segment is lost; 3 duplicate ACKs bring a fast retransmit, not an RTO",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, NULL, 6000},
       {A_CLOSE, W_NOW, 0, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_CLOSE, W_EOF, 0, 0, NULL, 0}}},
     4, {TCPSM_OK, TCPSM_OK}, {.mss = 536, .shows = S_FAST_RTX}},
    /* MSS 1024: four segments fill the window exactly, so it closes to 0.
     * (With MSS 1460 two segments leave 1176 bytes, under half the
     * window: sender SWS avoidance holds the rest and no probe runs.)
     * The READ at 15 s fires with the probe due then (see due()). */
    {"zero-window",
     "server stops reading: zero window, probes with backoff, reads again at 15 s",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, NULL, 6000},
       {A_CLOSE, W_NOW, 0, 0, NULL, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_HOLD, W_NOW, 0, 0, NULL, 0},
       {A_READ, W_NOW, 0, 15000, NULL, 0},
       {A_CLOSE, W_EOF, 0, 0, NULL, 0}}},
     0, {TCPSM_OK, TCPSM_OK}, {.mss = 1024, .shows = S_PROBES}},
    /* The server dies at the first event at or after 4 h: the client's
     * second probe, already on its way, is lost on arrival. */
    {"keepalive",
     "keep-alive probe answered at 2 h idle; the server dies: 9 unanswered, timed out",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0},
       {A_VANISH, W_NOW, 0, 4u * 3600u * 1000u, NULL, 0}}},
     0, {TCPSM_ERR_TIMED_OUT, TCPSM_OK},
     {.keepalive = {true, false}, .shows = S_KEEPALIVE, .hours = true}},
    /* Once the line each way is done, at the same instant, the client sends
     * and the server dies: the 14 bytes never arrive. */
    {"timeout",
     "the server dies with data on its way; RTO backoff, R2 (100 s) gives up",
     {{{A_CONNECT, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_ESTABLISHED, 0, 0, CLIENT_HELLO, 0},
       {A_SEND, W_QUIET, 12, 0, "are you there?", 0}},
      {{A_LISTEN, W_NOW, 0, 0, NULL, 0},
       {A_SEND, W_NOW, 12, 0, SERVER_HELLO, 0},
       {A_VANISH, W_QUIET, 0, 0, NULL, 0}}},
     0, {TCPSM_ERR_USER_TIMEOUT, TCPSM_OK}, {.undelivered = {14, 0}, .shows = S_BACKOFF}},
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
    bool hold;                  /* A_HOLD: not reading until A_READ */
    bool gone;                  /* A_VANISH: the host died */
    bool have_last;
    struct tcpsm_status last;   /* the last STATUS that succeeded (before CLOSED) */
    uint8_t err;                /* first error RECEIVE reported (not end of stream) */
    uint32_t ntx, nrx;          /* bytes sent (accepted) and received */
    uint8_t tx[KEEP], rx[KEEP];
    struct tcpsm_conn conn;
    uint8_t sbuf[SND_CAP], rbuf[RCV_CAP];
};

struct demo {
    const struct scenario *sc;
    struct tcpsm_config cfg;    /* both sides' (A_VANISH initialises a TCB again) */
    uint32_t delay_ms, msl_s;
    unsigned problems;          /* unexpected results seen on the way */
    bool broken;                /* an invariant failed: stop */
    /* What each side has put on the wire, to name retransmissions and
     * probes: the highest sequence number used + 1, the last ACK and window. */
    bool sent_any[2];
    uint32_t sent_end[2];
    uint32_t sent_ack[2];
    uint16_t sent_wnd[2];
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

/* Times in seconds, or h:mm:ss.mmm for a scenario that runs for hours
 * (set once by setup()). */
static bool stamp_hours;

static void stamp(uint64_t us)
{
    uint64_t s = us / 1000000u;

    if (stamp_hours)
        printf("%" PRIu64 ":%02u:%02u.%03u", s / 3600u, (unsigned)(s / 60u % 60u),
               (unsigned)(s % 60u), (unsigned)(us / 1000u % 1000u));
    else
        printf("%3" PRIu64 ".%03u", s, (unsigned)(us / 1000u % 1000u));
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

/* What a segment from side i is besides what its header says: a
 * keep-alive probe <SEQ=SND.NXT-1><CTL=ACK> (everything acknowledged), a
 * zero-window probe (one octet while the peer's last window was 0: new,
 * or resent), a data retransmission (text below the highest sequence
 * number sent), or a duplicate ACK (RFC 5681 2: no data, the same ACK and
 * window as the last segment, while the peer has sent more).  NULL:
 * nothing to say.  Records the segment. */
static const char *remark(struct demo *d, unsigned i, const struct tcpsm_segment *s)
{
    uint32_t end = s->seq + s->len + ((s->flags & TCPSM_SYN) ? 1u : 0u)
                   + ((s->flags & TCPSM_FIN) ? 1u : 0u);
    const char *r = NULL;
    bool closed, all_acked;

    if (i >= 2u)
        return NULL;
    closed = d->sent_any[1u - i] && d->sent_wnd[1u - i] == 0;
    all_acked = d->sent_any[1u - i] && d->sent_ack[1u - i] == d->sent_end[i];
    if (d->sent_any[i] && s->flags == TCPSM_ACK && s->len <= 1u
        && s->seq + 1u == d->sent_end[i] && all_acked)
        r = closed ? "zero-window probe" : "keep-alive probe";
    else if (d->sent_any[i] && s->flags == TCPSM_ACK && s->len == 1u && closed
             && (s->seq == d->sent_end[i] || s->seq + 1u == d->sent_end[i]))
        r = "zero-window probe";
    else if (d->sent_any[i] && s->len > 0 && (int32_t)(s->seq - d->sent_end[i]) < 0)
        r = "retransmission";
    else if (d->sent_any[i] && s->flags == TCPSM_ACK && s->len == 0
             && s->ack == d->sent_ack[i] && s->wnd == d->sent_wnd[i]
             && d->sent_any[1u - i] && (int32_t)(d->sent_end[1u - i] - s->ack) > 0)
        r = "duplicate ACK";
    if (!d->sent_any[i] || (int32_t)(end - d->sent_end[i]) > 0)
        d->sent_end[i] = end;
    d->sent_any[i] = true;
    d->sent_ack[i] = s->ack;
    d->sent_wnd[i] = s->wnd;
    return r;
}

/* client --- SYN ... ----> server, or client <-- ... ----- server;
 * a lost packet ends in "X lost" on the receiver's side. */
static void print_packet(struct demo *d, const struct sim_event *e)
{
    char label[256] = "", arrow[320] = "";
    bool right = e->ep == d->app[0].ep;
    bool lost = e->kind == SIM_EV_DROP;
    const char *what = remark(d, e->ep, &e->seg);
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
    if (what != NULL)
        printf("  (%s)", what);
    if (lost && e->down)
        printf("  (%s is down)", d->net.ep[e->ep].down ? who(d, e->ep) : who(d, e->peer));
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

/* Keep each open TCB's STATUS: the summary shows its counters, which
 * STATUS no longer reports once the TCB is CLOSED. */
static void remember(struct demo *d)
{
    unsigned i;

    for (i = 0; i < 2u; i++) {
        struct app *a = &d->app[i];
        struct tcpsm_status st;

        if (!a->gone && tcpsm_status(&a->conn, &st) == TCPSM_OK) {
            a->last = st;
            a->have_last = true;
        }
    }
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
        case SIM_EV_LOST: {
            char label[256] = "";

            add_segment(label, sizeof label, &e->seg);
            stamp(e->time);
            printf("  %s  is down: %s's %s is lost on arrival\n", who(d, e->peer),
                   who(d, e->ep), label);
            break;
        }
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
    remember(d);
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

    if (!a->opened || a->aborted || a->dead || a->hold || a->gone)
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
    /* The clock only jumps from event to event (sim.h), so a step due at
     * at_ms runs at the first event at or after that time, not exactly
     * then; the diagram shows when. */
    if (d->net.now < (uint64_t)s->at_ms * 1000u)
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
        static uint8_t gen[SND_CAP];
        const uint8_t *data = (const uint8_t *)s->text;
        uint32_t len, accepted = 0, i;

        if (data == NULL) {     /* the stream of LOREM goes on where it stopped */
            len = s->bytes < SND_CAP ? s->bytes : SND_CAP;
            for (i = 0; i < len; i++)
                gen[i] = (uint8_t)LOREM[(a->ntx + i) % (sizeof LOREM - 1u)];
            data = gen;
        } else {
            len = (uint32_t)strlen(s->text);
        }
        err = tcpsm_send(&a->conn, now, data, len, TCPSM_SEND_PUSH, &accepted);
        keep(a->tx, &a->ntx, data, accepted);
        add(line, sizeof line, "SEND %" PRIu32 " bytes ", len);
        add_text(line, sizeof line, data, len);
        if (accepted != len)
            add(line, sizeof line, " (%" PRIu32 " accepted)", accepted);
        break;
    }
    case A_CLOSE:
        err = tcpsm_close(&a->conn, now);
        add(line, sizeof line, "CLOSE");
        break;
    case A_HOLD:
        a->hold = true;
        say(a, now, "stops reading: RECEIVE is not called, the receive buffer fills up",
            TCPSM_OK);
        return;
    case A_READ:
        a->hold = false;
        say(a, now, "reads again", TCPSM_OK);
        return;
    case A_VANISH:
        /* Nothing is sent: the TCB is simply forgotten, as by a crash. */
        err = tcpsm_conn_init(&a->conn, &d->cfg, a->sbuf, SND_CAP, a->rbuf, RCV_CAP);
        sim_set_down(&d->net, a->ep, true);
        a->gone = true;
        add(line, sizeof line, "the host dies: TCB forgotten (CLOSED), nothing sent; "
                               "packets to and from it are lost");
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

/* A duration: "2 h", "75 s", "0.200 s". */
static void add_duration(char *buf, size_t cap, uint64_t us)
{
    uint64_t s = us / 1000000u;

    if (us % 1000000u != 0)
        add(buf, cap, "%" PRIu64 ".%03u s", s, (unsigned)(us / 1000u % 1000u));
    else if (s >= 3600u && s % 3600u == 0)
        add(buf, cap, "%" PRIu64 " h", s / 3600u);
    else
        add(buf, cap, "%" PRIu64 " s", s);
}

/* The header lines for a scenario's non-default settings. */
static void print_settings(const struct demo *d)
{
    const struct extras *x = &d->sc->x;
    struct tcpsm_config def;
    char line[256];
    unsigned i;

    tcpsm_config_default(&def);
    if (x->mss != 0)
        printf("  MSS %u on both sides (default %u)\n", x->mss, def.mss);
    for (i = 0; i < 2u; i++) {
        if (!x->keepalive[i])
            continue;
        line[0] = '\0';
        add(line, sizeof line, "  %s: keep-alive on (default off): first probe after ",
            d->app[i].name);
        add_duration(line, sizeof line, d->cfg.keepalive_idle_us);
        add(line, sizeof line, " idle, then every ");
        add_duration(line, sizeof line, d->cfg.keepalive_intvl_us);
        add(line, sizeof line, "; %" PRIu32 " unanswered: \"%s\"", d->cfg.keepalive_count,
            tcpsm_err_name(TCPSM_ERR_TIMED_OUT));
        printf("%s\n", line);
    }
    if (x->shows == S_BACKOFF) {
        line[0] = '\0';
        add(line, sizeof line, "  retransmission: the RTO doubles up to ");
        add_duration(line, sizeof line, d->cfg.rto_max_us);
        add(line, sizeof line, "; R2: given up ");
        add_duration(line, sizeof line, d->cfg.r2_us);
        add(line, sizeof line, " after the first retransmission");
        printf("%s\n", line);
    }
}

static int setup(struct demo *d)
{
    struct tcpsm_config *cfg = &d->cfg;
    unsigned i;

    tcpsm_config_default(cfg);
    cfg->msl_us = d->msl_s * 1000000u;
    stamp_hours = d->sc->x.hours;
    if (d->sc->x.mss != 0)
        cfg->mss = d->sc->x.mss;
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
        err = tcpsm_conn_init(&a->conn, cfg, a->sbuf, SND_CAP, a->rbuf, RCV_CAP);
        if (err == TCPSM_OK && d->sc->x.keepalive[i])
            err = tcpsm_set_keepalive(&a->conn, true);
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
    printf("  link: in memory, one-way delay %" PRIu32 " ms each way; virtual clock, %s\n",
           d->delay_ms, stamp_hours ? "h:mm:ss.mmm" : "seconds");
    printf("  timers: initial RTO %" PRIu32 ".%03" PRIu32 " s; MSL %" PRIu32
           " s, so TIME-WAIT lasts %" PRIu32 " s\n",
           cfg->rto_initial_us / 1000000u, cfg->rto_initial_us / 1000u % 1000u, d->msl_s,
           2u * d->msl_s);
    print_settings(d);
    if (d->sc->lose_client_nth > 0)
        printf("  network: loses the client's packet #%" PRIu32 "\n", d->sc->lose_client_nth);
    printf("\n%s  %-*s  %s\n", stamp_hours ? "       time" : "   time", ARROW + 7, "client",
           "server");

    /* The fresh TCBs must satisfy the invariants too. */
    for (i = 0; i < 2u; i++)
        sim_after_call(&d->net, d->app[i].ep);
    flush(d);
    return d->broken ? 1 : 0;
}

/* `to` received exactly what `from` sent, less the last `undelivered`
 * bytes (lost with a host that died). */
static bool same(const struct app *from, const struct app *to, uint32_t undelivered)
{
    uint32_t want = from->ntx >= undelivered ? from->ntx - undelivered : 0u;
    uint32_t n = want < KEEP ? want : KEEP;

    return from->ntx >= undelivered && want == to->nrx && memcmp(from->tx, to->rx, n) == 0;
}

static void print_counters(const struct app *a)
{
    const struct tcpsm_status *st = &a->last;

    if (!a->have_last) {
        printf("  %s  no STATUS\n", a->name);
        return;
    }
    printf("  %s  %s: retransmitted %" PRIu32 " fast, %" PRIu32 " on timeout; probes %"
           PRIu32 " zero-window, %" PRIu32 " keep-alive; srtt %" PRIu32 " ms, rto %" PRIu32
           " ms, cwnd %" PRIu32 "\n",
           a->name, tcpsm_state_name(st->state), st->fast_retransmits, st->retransmits,
           st->zero_window_probes, st->keepalive_probes, st->srtt_us / 1000u,
           st->rto_us / 1000u, st->cwnd);
}

/* Does the client's last STATUS show what the scenario is about? */
static bool shown(const struct demo *d, const char **what)
{
    const struct tcpsm_status *st = &d->app[0].last;
    bool have = d->app[0].have_last;

    switch (d->sc->x.shows) {
    case S_FAST_RTX:
        *what = "a fast retransmit and no retransmission on a timeout";
        return have && st->fast_retransmits > 0 && st->retransmits == 0;
    case S_PROBES:
        *what = "more than one zero-window probe";
        return have && st->zero_window_probes > 1;
    case S_KEEPALIVE:
        *what = "at least keepalive_count keep-alive probes";
        return have && st->keepalive_probes >= d->cfg.keepalive_count;
    case S_BACKOFF:
        *what = "several retransmissions on a timeout";
        return have && st->retransmits > 3;
    default:
        *what = "";
        return true;
    }
}

static int verdict(struct demo *d)
{
    unsigned i, failed = 0;

    printf("\nsummary at ");
    if (stamp_hours) {
        stamp(d->net.now);
        printf(" (");
    }
    printf("%" PRIu64 ".%03u s%s\n", d->net.now / 1000000u,
           (unsigned)(d->net.now / 1000u % 1000u), stamp_hours ? ")" : "");
    for (i = 0; i < 2u; i++) {
        const struct app *a = &d->app[i];

        printf("  %s  %-12s  sent %" PRIu32 " bytes, received %" PRIu32 " bytes",
               a->name, tcpsm_state_name(a->conn.state), a->ntx, a->nrx);
        if (a->err != TCPSM_OK)
            printf(", RECEIVE reported \"%s\"", tcpsm_err_name(a->err));
        if (d->sc->x.undelivered[i] > 0)
            printf("; the last %" PRIu32 " never arrived", d->sc->x.undelivered[i]);
        printf("\n");
    }
    if (d->sc->x.shows != S_NOTHING) {
        printf("  counters from each side's last STATUS before CLOSED:\n");
        for (i = 0; i < 2u; i++)
            print_counters(&d->app[i]);
    }
    for (i = 0; i < 2u; i++) {
        const struct app *a = &d->app[i];

        if (a->conn.state != TCPSM_CLOSED) {
            printf("  FAILED: %s ended in %s, not CLOSED\n", a->name,
                   tcpsm_state_name(a->conn.state));
            failed++;
        }
        if (!same(&d->app[1u - i], a, d->sc->x.undelivered[1u - i])) {
            printf("  FAILED: %s did not receive exactly what %s sent", a->name,
                   d->app[1u - i].name);
            if (d->sc->x.undelivered[1u - i] > 0)
                printf(" but its last %" PRIu32 " bytes", d->sc->x.undelivered[1u - i]);
            printf("\n");
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
    {
        const char *what;

        if (!shown(d, &what)) {
            printf("  FAILED: the client's STATUS does not show %s, which this scenario "
                   "is about\n", what);
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
    if (d->sc->x.undelivered[0] > 0 || d->sc->x.undelivered[1] > 0)
        printf("  ok: both ends CLOSED, each received exactly the bytes the other sent, "
               "but the %" PRIu32 " the dead host never got\n",
               d->sc->x.undelivered[0] + d->sc->x.undelivered[1]);
    else
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
