/*
 * harness.h: shared helpers for the tcpsm unit tests (header-only).
 *
 * A fixture (struct fx) holds one connection, its buffers, the virtual
 * clock and the segments the last call produced.  Every public call goes
 * through a wrapper (fx_open, fx_send, fx_input, fx_timer ...) that
 *   (a) asserts tcpsm_conn_check() == TCPSM_INV_OK afterwards,
 *   (b) asserts that every step in c->log is a row of the table with the
 *       same from/to/event, that the steps chain from the state before the
 *       call to the state after it,
 *   (c) counts the rows fired in a coverage map (h_cov()),
 * and then drains tcpsm_output() into f->out[0..f->nout) (unless
 * f->autodrain is false).
 *
 * Drivers (fx_drive) bring a fresh connection into every state of RFC 9293
 * Figure 5 through the public API only, checking each segment on the way.
 *
 * The peer's data is a pattern of its sequence number (h_pat_byte), so any
 * byte the user receives can be checked against where it came from.
 *
 * Failures are reported at the test's line (the wrappers are macros that
 * pass __FILE__/__LINE__).
 */
#ifndef TCPSM_TEST_HARNESS_H
#define TCPSM_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsm.h"

/* ---------------------------------------------------------------------- */
/* Constants of the standard fixture */

#define H_LPORT 1000u
#define H_RPORT 2000u
#define H_ISS 100000u           /* our ISS */
#define H_IRS 300000u           /* the peer's ISS */
#define H_T0 1000000ull         /* the clock at setup: 1 s */
#define H_SBUF 8192u
#define H_RBUF 4096u
#define H_PEER_WND 8192u
#define H_PEER_MSS 1460u
#define H_BUFMAX 65536u
#define H_RBUFMAX 70000u
#define H_MAXOUT 64
#define H_OUTCAP 2048u

static inline struct tcpsm_addr h_addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct tcpsm_addr x;
    memset(&x, 0, sizeof x);
    x.family = TCPSM_AF_INET;
    x.addr[0] = a;
    x.addr[1] = b;
    x.addr[2] = c;
    x.addr[3] = d;
    return x;
}

static inline struct tcpsm_addr h_laddr(void) { return h_addr4(10, 0, 0, 1); }
static inline struct tcpsm_addr h_raddr(void) { return h_addr4(10, 0, 0, 2); }

/* The peer's byte at sequence number s. */
static inline uint8_t h_pat_byte(uint32_t s)
{
    return (uint8_t)((s * 131u) ^ (s >> 7) ^ 0x5Au);
}

/* The rows fired so far by this test binary. */
static inline unsigned *h_cov(void)
{
    static unsigned cov[1024];
    return cov;
}

/* ---------------------------------------------------------------------- */
/* The fixture */

struct fx {
    struct tcpsm_conn c;
    struct tcpsm_config cfg;
    uint8_t sbuf[H_BUFMAX];
    uint8_t rbuf[H_RBUFMAX];
    uint32_t scap, rcap;
    uint64_t now;

    /* Sockets and what the peer uses. */
    struct tcpsm_addr laddr, raddr;
    uint16_t lport, rport;
    uint32_t compartment;       /* given at OPEN and put on peer segments */
    uint32_t iss, irs;
    uint16_t peer_wnd;
    uint16_t peer_mss;          /* MSS option on the peer's SYN; 0 = none */
    bool listen_specified;      /* passive OPEN names the remote socket */

    /* What the drivers left: the sequence variables the RFC predicts. */
    uint32_t snd_nxt, rcv_nxt;

    bool autodrain;
    int nout;
    struct tcpsm_segment out[H_MAXOUT];
    uint8_t outdata[H_MAXOUT][H_OUTCAP];

    uint8_t pbuf[H_BUFMAX];     /* payload scratch */
};

/* A context string printed with every failure (e.g. the state a loop is
 * testing, or the seed of a randomised test); fx_setup clears it. */
static inline const char **h_ctx(void)
{
    static const char *ctx;
    return &ctx;
}

static inline void h_failf(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (*h_ctx() != NULL)
        print_error("[%s] ", *h_ctx());
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    print_error("\n");
    _fail(file, line);
}

#define H_REQUIRE(cond, file, line, ...) \
    do { if (!(cond)) h_failf((file), (line), __VA_ARGS__); } while (0)

static inline const char *h_flags_str(uint8_t fl)
{
    static char buf[8][40];
    static unsigned k;
    char *s = buf[k++ % 8];
    s[0] = '\0';
    static const struct { uint8_t bit; const char *name; } names[] = {
        { TCPSM_SYN, "SYN" }, { TCPSM_FIN, "FIN" }, { TCPSM_RST, "RST" }, { TCPSM_PSH, "PSH" },
        { TCPSM_ACK, "ACK" }, { TCPSM_URG, "URG" }, { TCPSM_ECE, "ECE" }, { TCPSM_CWR, "CWR" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (fl & names[i].bit) {
            if (s[0] != '\0')
                strcat(s, ",");
            strcat(s, names[i].name);
        }
    if (s[0] == '\0')
        strcat(s, "none");
    return s;
}

/* (a) invariant, (b) log legality, (c) coverage. */
static inline void h_post(struct fx *f, uint8_t before, const char *what, bool logged,
                          const char *file, int line)
{
    struct tcpsm_conn *c = &f->c;
    enum tcpsm_inv inv = tcpsm_conn_check(c);
    H_REQUIRE(inv == TCPSM_INV_OK, file, line, "%s: tcpsm_conn_check: %s (state %s)", what,
              tcpsm_inv_name(inv), tcpsm_state_name(c->state));
    if (!logged) {
        H_REQUIRE(c->state == before, file, line, "%s changed the state %s -> %s", what,
                  tcpsm_state_name(before), tcpsm_state_name(c->state));
        return;
    }
    H_REQUIRE(c->nlog <= TCPSM_LOG_MAX, file, line, "%s: nlog %u > %u", what, c->nlog,
              TCPSM_LOG_MAX);
    uint8_t cur = before;
    for (unsigned i = 0; i < c->nlog; i++) {
        const struct tcpsm_step *s = &c->log[i];
        H_REQUIRE(s->row < tcpsm_nrows, file, line, "%s: log[%u] row %u out of range", what, i,
                  s->row);
        const struct tcpsm_row *r = &tcpsm_rows[s->row];
        H_REQUIRE(r->from == s->from && r->to == s->to && r->event == s->event, file, line,
                  "%s: log[%u] (%s -%s-> %s) does not match row %u (%s -%s-> %s)", what, i,
                  tcpsm_state_name(s->from), tcpsm_event_name(s->event), tcpsm_state_name(s->to),
                  s->row, tcpsm_state_name(r->from), tcpsm_event_name(r->event),
                  tcpsm_state_name(r->to));
        H_REQUIRE(s->from == cur, file, line, "%s: log[%u] starts in %s, the connection was in %s",
                  what, i, tcpsm_state_name(s->from), tcpsm_state_name(cur));
        cur = s->to;
        h_cov()[s->row]++;
    }
    H_REQUIRE(cur == c->state, file, line, "%s: log ends in %s but the state is %s", what,
              tcpsm_state_name(cur), tcpsm_state_name(c->state));
}

static inline void h_drain(struct fx *f, const char *file, int line)
{
    f->nout = 0;
    for (;;) {
        struct tcpsm_segment s;
        H_REQUIRE(f->nout < H_MAXOUT, file, line, "more than %d segments in one drain",
                  H_MAXOUT);
        uint8_t before = f->c.state;
        enum tcpsm_err e = tcpsm_output(&f->c, f->now, &s, f->outdata[f->nout], H_OUTCAP);
        if (e == TCPSM_ERR_EMPTY)
            break;
        H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_output: %s", tcpsm_err_name(e));
        h_post(f, before, "tcpsm_output", false, file, line);
        H_REQUIRE(s.len <= H_OUTCAP, file, line, "output segment of %u bytes", s.len);
        H_REQUIRE(s.sport == f->lport && s.dport == f->rport, file, line,
                  "output ports %u -> %u, want %u -> %u", s.sport, s.dport, f->lport, f->rport);
        f->out[f->nout++] = s;
    }
}
#define fx_drain(f) h_drain((f), __FILE__, __LINE__)

static inline void h_after(struct fx *f, uint8_t before, const char *what, enum tcpsm_err e,
                           const char *file, int line)
{
    /* Calls refused as malformed leave the TCB (and its log) untouched. */
    bool logged = e != TCPSM_ERR_INVAL && e != TCPSM_ERR_NOT_FOR_US;
    h_post(f, before, what, logged, file, line);
    if (f->autodrain)
        h_drain(f, file, line);
}

/* Set up a fresh connection in CLOSED: cfg NULL = defaults. */
/* The tests of RFC 9293 3.10's event processing see every segment the
 * moment it is owed: the fixture turns the delayed ACK (3.8.6.3) and Nagle
 * (3.7.4) off, unless a test file asks for the configuration as given
 * (test_cc.c, which tests those two). */
static inline bool *h_keep_policy(void)
{
    static bool keep;
    return &keep;
}

static inline void h_setup(struct fx *f, const struct tcpsm_config *cfg, const char *file,
                           int line)
{
    memset(f, 0, sizeof *f);
    *h_ctx() = NULL;
    if (cfg != NULL)
        f->cfg = *cfg;
    else
        tcpsm_config_default(&f->cfg);
    if (!*h_keep_policy()) {
        f->cfg.delack_us = 0;
        f->cfg.nagle = false;
    }
    f->scap = H_SBUF;
    f->rcap = H_RBUF;
    f->now = H_T0;
    f->laddr = h_laddr();
    f->raddr = h_raddr();
    f->lport = H_LPORT;
    f->rport = H_RPORT;
    f->iss = H_ISS;
    f->irs = H_IRS;
    f->peer_wnd = H_PEER_WND;
    f->peer_mss = H_PEER_MSS;
    f->autodrain = true;
    enum tcpsm_err e = tcpsm_conn_init(&f->c, &f->cfg, f->sbuf, f->scap, f->rbuf, f->rcap);
    H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_conn_init: %s", tcpsm_err_name(e));
    H_REQUIRE(f->c.state == TCPSM_CLOSED, file, line, "init state %s",
              tcpsm_state_name(f->c.state));
    enum tcpsm_inv inv = tcpsm_conn_check(&f->c);
    H_REQUIRE(inv == TCPSM_INV_OK, file, line, "after init: %s", tcpsm_inv_name(inv));
}
#define fx_setup(f, cfg) h_setup((f), (cfg), __FILE__, __LINE__)

/* Re-initialise with other buffer sizes (after fx_setup, before OPEN). */
static inline void h_resize(struct fx *f, uint32_t scap, uint32_t rcap, const char *file,
                            int line)
{
    f->scap = scap;
    f->rcap = rcap;
    enum tcpsm_err e = tcpsm_conn_init(&f->c, &f->cfg, f->sbuf, scap, f->rbuf, rcap);
    H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_conn_init: %s", tcpsm_err_name(e));
}
#define fx_resize(f, s, r) h_resize((f), (s), (r), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* Wrapped public calls */

static inline struct tcpsm_open h_open_args(const struct fx *f, bool active, bool remote)
{
    struct tcpsm_open o;
    memset(&o, 0, sizeof o);
    o.active = active;
    o.local.ip = f->laddr;
    o.local.port = f->lport;
    if (remote) {
        o.remote.ip = f->raddr;
        o.remote.port = f->rport;
    }
    o.iss = f->iss;
    o.compartment = f->compartment;
    return o;
}

static inline enum tcpsm_err h_open_with(struct fx *f, const struct tcpsm_open *o,
                                         const char *file, int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_open(&f->c, f->now, o);
    h_after(f, before, "tcpsm_open", e, file, line);
    return e;
}
#define fx_open_with(f, o) h_open_with((f), (o), __FILE__, __LINE__)

static inline enum tcpsm_err h_open(struct fx *f, bool active, bool remote, const char *file,
                                    int line)
{
    struct tcpsm_open o = h_open_args(f, active, remote);
    return h_open_with(f, &o, file, line);
}
#define fx_open(f, active, remote) h_open((f), (active), (remote), __FILE__, __LINE__)

static inline enum tcpsm_err h_send(struct fx *f, const uint8_t *data, uint32_t len,
                                    unsigned flags, uint32_t *accepted, const char *file,
                                    int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_send(&f->c, f->now, data, len, flags, accepted);
    h_after(f, before, "tcpsm_send", e, file, line);
    return e;
}
#define fx_send(f, d, n, fl, acc) h_send((f), (d), (n), (fl), (acc), __FILE__, __LINE__)

/* Our data: byte i of what we send is (i * 7 + 3). */
static inline uint8_t h_our_byte(uint32_t i) { return (uint8_t)(i * 7u + 3u); }

static inline enum tcpsm_err h_send_n(struct fx *f, uint32_t off, uint32_t len, unsigned flags,
                                      uint32_t *accepted, const char *file, int line)
{
    static uint8_t data[H_BUFMAX];
    H_REQUIRE(len <= H_BUFMAX, file, line, "send too large");
    for (uint32_t i = 0; i < len; i++)
        data[i] = h_our_byte(off + i);
    return h_send(f, data, len, flags, accepted, file, line);
}
#define fx_send_n(f, off, n, fl, acc) h_send_n((f), (off), (n), (fl), (acc), __FILE__, __LINE__)

static inline enum tcpsm_err h_receive(struct fx *f, uint8_t *buf, uint32_t cap, uint32_t *got,
                                       unsigned *flags, const char *file, int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_receive(&f->c, f->now, buf, cap, got, flags);
    h_after(f, before, "tcpsm_receive", e, file, line);
    return e;
}
#define fx_receive(f, b, cap, got, fl) h_receive((f), (b), (cap), (got), (fl), __FILE__, __LINE__)

static inline enum tcpsm_err h_close(struct fx *f, const char *file, int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_close(&f->c, f->now);
    h_after(f, before, "tcpsm_close", e, file, line);
    return e;
}
#define fx_close(f) h_close((f), __FILE__, __LINE__)

static inline enum tcpsm_err h_abort(struct fx *f, const char *file, int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_abort(&f->c, f->now);
    h_after(f, before, "tcpsm_abort", e, file, line);
    return e;
}
#define fx_abort(f) h_abort((f), __FILE__, __LINE__)

/* STATUS takes a const TCB, so it cannot log; the wrapper records the
 * STATUS row itself when the call behaved as the row says, and checks that
 * the TCB did not change. */
static inline enum tcpsm_err h_status(struct fx *f, struct tcpsm_status *st, const char *file,
                                      int line)
{
    static struct tcpsm_conn copy;
    copy = f->c;
    enum tcpsm_err e = tcpsm_status(&f->c, st);
    H_REQUIRE(memcmp(&copy, &f->c, sizeof copy) == 0, file, line, "tcpsm_status changed the TCB");
    enum tcpsm_inv inv = tcpsm_conn_check(&f->c);
    H_REQUIRE(inv == TCPSM_INV_OK, file, line, "tcpsm_status: %s", tcpsm_inv_name(inv));
    int row = tcpsm_row_find(f->c.state, TCPSM_EV_STATUS);
    if (row >= 0) {
        bool closed = f->c.state == TCPSM_CLOSED;
        if ((closed && e == TCPSM_ERR_NOT_EXIST) || (!closed && e == TCPSM_OK
                                                    && st->state == f->c.state))
            h_cov()[row]++;
    }
    return e;
}
#define fx_status(f, st) h_status((f), (st), __FILE__, __LINE__)

static inline enum tcpsm_err h_input(struct fx *f, const struct tcpsm_segment *s,
                                     const uint8_t *payload, const char *file, int line)
{
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_input(&f->c, f->now, s, payload);
    h_after(f, before, "tcpsm_input", e, file, line);
    return e;
}
#define fx_input(f, s, p) h_input((f), (s), (p), __FILE__, __LINE__)

/* Advance the clock to t and run the timers. */
static inline enum tcpsm_err h_timer(struct fx *f, uint64_t t, const char *file, int line)
{
    H_REQUIRE(t >= f->now, file, line, "time goes backwards: %llu < %llu",
              (unsigned long long)t, (unsigned long long)f->now);
    f->now = t;
    uint8_t before = f->c.state;
    enum tcpsm_err e = tcpsm_timer(&f->c, f->now);
    h_after(f, before, "tcpsm_timer", e, file, line);
    return e;
}
#define fx_timer(f, t) h_timer((f), (t), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* Segments from the peer */

/* A segment from the peer's socket to ours; payload len bytes (not counting
 * SYN/FIN).  The window is f->peer_wnd; an MSS option is added on a SYN. */
static inline struct tcpsm_segment h_seg(const struct fx *f, uint8_t flags, uint32_t seq,
                                         uint32_t ack, uint32_t len)
{
    struct tcpsm_segment s;
    memset(&s, 0, sizeof s);
    s.src = f->raddr;
    s.dst = f->laddr;
    s.sport = f->rport;
    s.dport = f->lport;
    s.seq = seq;
    s.ack = (flags & TCPSM_ACK) ? ack : 0;
    s.flags = flags;
    s.wnd = f->peer_wnd;
    s.len = len;
    s.compartment = f->compartment;
    if ((flags & TCPSM_SYN) && f->peer_mss != 0) {
        s.opt.has_mss = true;
        s.opt.mss = f->peer_mss;
    }
    return s;
}

/* The peer's pattern bytes for [seq, seq+len) (data starts after the SYN). */
static inline const uint8_t *h_pat(struct fx *f, uint32_t seq, uint32_t len)
{
    for (uint32_t i = 0; i < len && i < H_BUFMAX; i++)
        f->pbuf[i] = h_pat_byte(seq + i);
    return len ? f->pbuf : NULL;
}

/* Build a segment and feed it in; the payload is the peer pattern at the
 * data's sequence number (after a SYN, if any). */
static inline enum tcpsm_err h_in(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack,
                                  uint32_t len, const char *file, int line)
{
    struct tcpsm_segment s = h_seg(f, flags, seq, ack, len);
    uint32_t dseq = (flags & TCPSM_SYN) ? seq + 1u : seq;
    return h_input(f, &s, h_pat(f, dseq, len), file, line);
}
#define fx_in(f, fl, seq, ack, len) h_in((f), (fl), (seq), (ack), (len), __FILE__, __LINE__)

/* Same with an explicit window. */
static inline enum tcpsm_err h_in_wnd(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack,
                                      uint32_t len, uint16_t wnd, const char *file, int line)
{
    struct tcpsm_segment s = h_seg(f, flags, seq, ack, len);
    s.wnd = wnd;
    uint32_t dseq = (flags & TCPSM_SYN) ? seq + 1u : seq;
    return h_input(f, &s, h_pat(f, dseq, len), file, line);
}
#define fx_in_wnd(f, fl, seq, ack, len, w) \
    h_in_wnd((f), (fl), (seq), (ack), (len), (w), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* Checks on what came out */

#define H_ANY UINT32_MAX        /* "do not check this field" */

static inline void h_expect_seg(const struct fx *f, int i, uint8_t flags, uint32_t seq,
                                uint32_t ack, const char *file, int line)
{
    H_REQUIRE(i < f->nout, file, line, "expected segment %d <SEQ=%u><ACK=%u><CTL=%s>, only %d out",
              i, seq, ack, h_flags_str(flags), f->nout);
    const struct tcpsm_segment *s = &f->out[i];
    uint8_t got = s->flags, want = flags;
    if (s->len > 0 || (s->flags & TCPSM_FIN)) {  /* PSH is free on data and FIN */
        got &= (uint8_t)~TCPSM_PSH;
        want &= (uint8_t)~TCPSM_PSH;
    }
    H_REQUIRE(got == want, file, line,
              "segment %d: flags %s, want %s (seq %u ack %u len %u)", i, h_flags_str(s->flags),
              h_flags_str(flags), s->seq, s->ack, s->len);
    H_REQUIRE(seq == H_ANY || s->seq == seq, file, line, "segment %d (%s): SEQ=%u, want %u", i,
              h_flags_str(s->flags), s->seq, seq);
    if (flags & TCPSM_ACK)
        H_REQUIRE(ack == H_ANY || s->ack == ack, file, line, "segment %d (%s): ACK=%u, want %u",
                  i, h_flags_str(s->flags), s->ack, ack);
}
#define expect_seg(f, i, fl, seq, ack) h_expect_seg((f), (i), (fl), (seq), (ack), __FILE__, __LINE__)

/* Exactly one segment came out, of this form. */
static inline void h_expect_one(const struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack,
                                const char *file, int line)
{
    if (f->nout != 1) {
        for (int i = 0; i < f->nout; i++)
            print_error("  out[%d]: %s seq %u ack %u len %u\n", i, h_flags_str(f->out[i].flags),
                        f->out[i].seq, f->out[i].ack, f->out[i].len);
    }
    H_REQUIRE(f->nout == 1, file, line, "expected one segment <SEQ=%u><ACK=%u><CTL=%s>, got %d",
              seq, ack, h_flags_str(flags), f->nout);
    h_expect_seg(f, 0, flags, seq, ack, file, line);
}
#define expect_one(f, fl, seq, ack) h_expect_one((f), (fl), (seq), (ack), __FILE__, __LINE__)

static inline void h_expect_none(const struct fx *f, const char *file, int line)
{
    if (f->nout != 0) {
        for (int i = 0; i < f->nout; i++)
            print_error("  out[%d]: %s seq %u ack %u len %u\n", i, h_flags_str(f->out[i].flags),
                        f->out[i].seq, f->out[i].ack, f->out[i].len);
    }
    H_REQUIRE(f->nout == 0, file, line, "expected no segment, got %d", f->nout);
}
#define expect_none(f) h_expect_none((f), __FILE__, __LINE__)

/* Exactly one RST came out with this SEQ (the ACK bit is not checked: used
 * where RFC 9293 says "send a reset" without giving the form). */
static inline void h_expect_rst(const struct fx *f, uint32_t seq, const char *file, int line)
{
    H_REQUIRE(f->nout == 1, file, line, "expected one RST <SEQ=%u>, got %d segments", seq,
              f->nout);
    const struct tcpsm_segment *s = &f->out[0];
    H_REQUIRE((s->flags & TCPSM_RST) && !(s->flags & (TCPSM_SYN | TCPSM_FIN)) && s->len == 0,
              file, line, "expected a RST, got %s len %u", h_flags_str(s->flags), s->len);
    H_REQUIRE(s->seq == seq, file, line, "RST SEQ=%u, want %u", s->seq, seq);
}
#define expect_rst(f, seq) h_expect_rst((f), (seq), __FILE__, __LINE__)

static inline void h_expect_state(const struct fx *f, unsigned st, const char *file, int line)
{
    H_REQUIRE(f->c.state == st, file, line, "state %s, want %s", tcpsm_state_name(f->c.state),
              tcpsm_state_name(st));
}
#define expect_state(f, st) h_expect_state((f), (st), __FILE__, __LINE__)

/* The last call fired row (state, event). */
static inline bool h_fired(const struct fx *f, unsigned from, unsigned event)
{
    for (unsigned i = 0; i < f->c.nlog && i < TCPSM_LOG_MAX; i++)
        if (f->c.log[i].from == from && f->c.log[i].event == event)
            return true;
    return false;
}

static inline void h_expect_fired(const struct fx *f, unsigned from, unsigned event,
                                  const char *file, int line)
{
    if (!h_fired(f, from, event)) {
        for (unsigned i = 0; i < f->c.nlog && i < TCPSM_LOG_MAX; i++)
            print_error("  log[%u]: %s -%s-> %s\n", i, tcpsm_state_name(f->c.log[i].from),
                        tcpsm_event_name(f->c.log[i].event), tcpsm_state_name(f->c.log[i].to));
        h_failf(file, line, "row (%s, %s) was not taken (%u steps logged)",
                tcpsm_state_name(from), tcpsm_event_name(event), f->c.nlog);
    }
}
#define expect_fired(f, st, ev) h_expect_fired((f), (st), (ev), __FILE__, __LINE__)

static inline void h_expect_err(enum tcpsm_err got, enum tcpsm_err want, const char *file,
                                int line)
{
    H_REQUIRE(got == want, file, line, "returned %s (\"%s\"), want %s (\"%s\")",
              tcpsm_err_name(got) ? tcpsm_err_name(got) : "?", tcpsm_err_name(got),
              tcpsm_err_name(want), tcpsm_err_name(want));
}
#define expect_err(got, want) h_expect_err((got), (want), __FILE__, __LINE__)

/* Open the congestion window (RFC 5681) wide, white-box: for the tests of
 * the send window (SND.WND) alone, which predate congestion control. */
static inline void fx_cwnd_open(struct fx *f)
{
    f->c.cc.cwnd = TCPSM_MAX_BUF;
    f->c.cc.ssthresh = TCPSM_MAX_BUF;
}

static inline struct tcpsm_status h_st(struct fx *f, const char *file, int line)
{
    struct tcpsm_status st;
    memset(&st, 0, sizeof st);
    enum tcpsm_err e = h_status(f, &st, file, line);
    H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_status: %s", tcpsm_err_name(e));
    return st;
}
#define fx_st(f) h_st((f), __FILE__, __LINE__)

/* Receive everything on hand; check it is the peer's pattern from seq on. */
static inline uint32_t h_recv_check(struct fx *f, uint32_t seq, uint32_t want, unsigned *flags,
                                    const char *file, int line)
{
    static uint8_t buf[H_BUFMAX];
    uint32_t got = 0;
    unsigned fl = 0;
    enum tcpsm_err e = h_receive(f, buf, sizeof buf, &got, &fl, file, line);
    H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_receive: %s", tcpsm_err_name(e));
    H_REQUIRE(want == H_ANY || got == want, file, line, "received %u bytes, want %u", got, want);
    for (uint32_t i = 0; i < got; i++)
        H_REQUIRE(buf[i] == h_pat_byte(seq + i), file, line,
                  "received byte %u (seq %u) is %#x, want %#x", i, seq + i, buf[i],
                  h_pat_byte(seq + i));
    if (flags)
        *flags = fl;
    return got;
}
#define fx_recv_check(f, seq, want, fl) h_recv_check((f), (seq), (want), (fl), __FILE__, __LINE__)

/* Check an output segment's payload is our byte stream at its offset. */
static inline void h_expect_our_data(const struct fx *f, int i, const char *file, int line)
{
    const struct tcpsm_segment *s = &f->out[i];
    uint32_t off = s->seq - (f->iss + 1u);
    for (uint32_t k = 0; k < s->len; k++)
        H_REQUIRE(f->outdata[i][k] == h_our_byte(off + k), file, line,
                  "out[%d] byte %u (offset %u) is %#x, want %#x", i, k, off + k,
                  f->outdata[i][k], h_our_byte(off + k));
}
#define expect_our_data(f, i) h_expect_our_data((f), (i), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* Drivers: bring a fresh connection into each state */

enum h_state {
    H_CLOSED,
    H_LISTEN,
    H_SYN_SENT,
    H_SYN_RCVD_P,       /* SYN-RECEIVED from a passive OPEN */
    H_SYN_RCVD_A,       /* SYN-RECEIVED from SYN-SENT (simultaneous open) */
    H_ESTAB,            /* ESTABLISHED via an active OPEN */
    H_ESTAB_P,          /* ESTABLISHED via a passive OPEN */
    H_FW1,
    H_FW2,
    H_CLOSE_WAIT,
    H_CLOSING,
    H_LAST_ACK,
    H_TIME_WAIT,
    H_NSTATES
};

static inline const char *h_state_label(enum h_state s)
{
    static const char *n[H_NSTATES] = {
        "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED(passive)", "SYN-RECEIVED(active)",
        "ESTABLISHED", "ESTABLISHED(passive)", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
        "CLOSING", "LAST-ACK", "TIME-WAIT",
    };
    return s < H_NSTATES ? n[s] : "?";
}

static inline unsigned h_state_of(enum h_state s)
{
    static const unsigned m[H_NSTATES] = {
        TCPSM_CLOSED, TCPSM_LISTEN, TCPSM_SYN_SENT, TCPSM_SYN_RECEIVED, TCPSM_SYN_RECEIVED,
        TCPSM_ESTABLISHED, TCPSM_ESTABLISHED, TCPSM_FIN_WAIT_1, TCPSM_FIN_WAIT_2,
        TCPSM_CLOSE_WAIT, TCPSM_CLOSING, TCPSM_LAST_ACK, TCPSM_TIME_WAIT,
    };
    return m[s];
}

#define H_DRV(cond, ...) H_REQUIRE((cond), file, line, __VA_ARGS__)

static inline void h_drive(struct fx *f, enum h_state to, const char *file, int line)
{
    enum tcpsm_err e;
    switch (to) {
    case H_CLOSED:
        break;
    case H_LISTEN:
        e = h_open(f, false, f->listen_specified, file, line);
        H_DRV(e == TCPSM_OK, "passive OPEN: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_LISTEN, file, line);
        h_expect_none(f, file, line);
        break;
    case H_SYN_SENT:
        e = h_open(f, true, true, file, line);
        H_DRV(e == TCPSM_OK, "active OPEN: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_SYN_SENT, file, line);
        /* RFC 9293 3.10.1: <SEQ=ISS><CTL=SYN> */
        h_expect_one(f, TCPSM_SYN, f->iss, 0, file, line);
        H_DRV(f->out[0].len == 0, "SYN carries %u bytes", f->out[0].len);
        H_DRV(f->out[0].opt.has_mss, "SYN without MSS option");
        f->snd_nxt = f->iss + 1u;
        break;
    case H_SYN_RCVD_P:
        h_drive(f, H_LISTEN, file, line);
        e = h_in(f, TCPSM_SYN, f->irs, 0, 0, file, line);
        H_DRV(e == TCPSM_OK, "SYN in LISTEN: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_SYN_RECEIVED, file, line);
        /* RFC 9293 3.10.7.2: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
        h_expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u, file, line);
        H_DRV(f->out[0].opt.has_mss, "SYN,ACK without MSS option");
        f->snd_nxt = f->iss + 1u;
        f->rcv_nxt = f->irs + 1u;
        break;
    case H_SYN_RCVD_A:
        h_drive(f, H_SYN_SENT, file, line);
        e = h_in(f, TCPSM_SYN, f->irs, 0, 0, file, line);
        H_DRV(e == TCPSM_OK, "SYN in SYN-SENT: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_SYN_RECEIVED, file, line);
        /* RFC 9293 3.10.7.3 fourth: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
        h_expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u, file, line);
        f->rcv_nxt = f->irs + 1u;
        break;
    case H_ESTAB:
        h_drive(f, H_SYN_SENT, file, line);
        e = h_in(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0, file, line);
        H_DRV(e == TCPSM_OK, "SYN,ACK in SYN-SENT: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_ESTABLISHED, file, line);
        /* RFC 9293 3.10.7.3 fourth: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        h_expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 1u, file, line);
        f->rcv_nxt = f->irs + 1u;
        break;
    case H_ESTAB_P:
        h_drive(f, H_SYN_RCVD_P, file, line);
        e = h_in(f, TCPSM_ACK, f->irs + 1u, f->iss + 1u, 0, file, line);
        H_DRV(e == TCPSM_OK, "ACK in SYN-RECEIVED: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_ESTABLISHED, file, line);
        h_expect_none(f, file, line);
        break;
    case H_FW1:
        h_drive(f, H_ESTAB, file, line);
        e = h_close(f, file, line);
        H_DRV(e == TCPSM_OK, "CLOSE in ESTABLISHED: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_FIN_WAIT_1, file, line);
        h_expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 1u, f->irs + 1u, file, line);
        f->snd_nxt = f->iss + 2u;
        break;
    case H_FW2:
        h_drive(f, H_FW1, file, line);
        e = h_in(f, TCPSM_ACK, f->irs + 1u, f->iss + 2u, 0, file, line);
        H_DRV(e == TCPSM_OK, "ACK of FIN in FIN-WAIT-1: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_FIN_WAIT_2, file, line);
        h_expect_none(f, file, line);
        break;
    case H_CLOSE_WAIT:
        h_drive(f, H_ESTAB, file, line);
        e = h_in(f, TCPSM_FIN | TCPSM_ACK, f->irs + 1u, f->iss + 1u, 0, file, line);
        H_DRV(e == TCPSM_OK, "FIN in ESTABLISHED: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_CLOSE_WAIT, file, line);
        h_expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 2u, file, line);
        f->rcv_nxt = f->irs + 2u;
        break;
    case H_CLOSING:
        h_drive(f, H_FW1, file, line);
        e = h_in(f, TCPSM_FIN | TCPSM_ACK, f->irs + 1u, f->iss + 1u, 0, file, line);
        H_DRV(e == TCPSM_OK, "FIN in FIN-WAIT-1: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_CLOSING, file, line);
        h_expect_one(f, TCPSM_ACK, f->iss + 2u, f->irs + 2u, file, line);
        f->rcv_nxt = f->irs + 2u;
        break;
    case H_LAST_ACK:
        h_drive(f, H_CLOSE_WAIT, file, line);
        e = h_close(f, file, line);
        H_DRV(e == TCPSM_OK, "CLOSE in CLOSE-WAIT: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_LAST_ACK, file, line);
        h_expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 1u, f->irs + 2u, file, line);
        f->snd_nxt = f->iss + 2u;
        break;
    case H_TIME_WAIT:
        h_drive(f, H_FW2, file, line);
        e = h_in(f, TCPSM_FIN | TCPSM_ACK, f->irs + 1u, f->iss + 2u, 0, file, line);
        H_DRV(e == TCPSM_OK, "FIN in FIN-WAIT-2: %s", tcpsm_err_name(e));
        h_expect_state(f, TCPSM_TIME_WAIT, file, line);
        h_expect_one(f, TCPSM_ACK, f->iss + 2u, f->irs + 2u, file, line);
        f->rcv_nxt = f->irs + 2u;
        break;
    default:
        h_failf(file, line, "bad driver state %d", (int)to);
    }
}
#define fx_drive(f, st) h_drive((f), (st), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* A seeded PRNG for the randomised tests */

static inline uint64_t h_rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static inline uint32_t h_rnd(uint64_t *s, uint32_t n) /* [0, n) */
{
    return n == 0 ? 0 : (uint32_t)(h_rng(s) % n);
}

static inline unsigned long long h_seed(void)
{
    const char *e = getenv("TCPSM_SEED");
    unsigned long long s = 20240601ull;
    if (e != NULL && *e != '\0')
        s = strtoull(e, NULL, 0);
    return s == 0 ? 1 : s;
}

#endif /* TCPSM_TEST_HARNESS_H */
