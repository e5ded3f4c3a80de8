/*
 * test_conn.c: the user calls and timeouts of RFC 9293 3.10.1-3.10.6 and
 * 3.10.8 in every state, and whole connections (src/core/conn.c, user.c,
 * input.c, output.c).
 *
 * What is covered here (SEGMENT ARRIVES check by check is test_segment.c):
 * - every (state, user call) cell: the return code, the state after, the
 *   row fired and the segments produced, in each of the 11 states (both
 *   SYN-RECEIVED variants, and ESTABLISHED reached from both sides);
 * - the errors a connection that died reports once in CLOSED;
 * - every timeout row: the retransmission timer at exactly its deadline
 *   (not a microsecond before), its backoff and cap, what it resends;
 *   TIME-WAIT's 2 MSL; USER TIMEOUT;
 * - whole connections between two engines or against hand-made peer
 *   segments: RFC 9293 Figure 6-style open/data/close with exact numbers,
 *   Figure 7 (simultaneous open), Figure 13 (simultaneous close),
 *   half-close, PUSH and URGENT, MSS and window, buffer limits;
 * - bad arguments leave the TCB byte-identical;
 * - a seeded random exchange over a lossy, duplicating, reordering network
 *   (TCPSM_SEED=n to reproduce; the seed is printed on failure);
 * - last: every user-call and timeout row of spec/transitions.def was
 *   taken by some test above.
 *
 * Every public call goes through the harness wrappers, which check the
 * TCB invariant and the legality of the logged transitions after it.
 */
#include "harness.h"

#define ISS H_ISS
#define IRS H_IRS
#define RTO1 1000000u                   /* default initial RTO (RFC 6298 2.1) */
#define MSL2 240000000ull               /* 2 MSL with the default MSL of 2 minutes */

static struct fx F, G;

/* ---------------------------------------------------------------------- */
/* Helpers */

static char ctxbuf[256];

static void ctx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctxbuf, sizeof ctxbuf, fmt, ap);
    va_end(ap);
    *h_ctx() = ctxbuf;
}

/* A fresh connection (cfg NULL = defaults) driven into s. */
static void at(struct fx *f, const struct tcpsm_config *cfg, enum h_state s)
{
    fx_setup(f, cfg);
    fx_drive(f, s);
    ctx("%s", h_state_label(s));
}

static void print_log(const struct fx *f)
{
    for (unsigned i = 0; i < f->c.nlog && i < TCPSM_LOG_MAX; i++)
        print_error("  log[%u]: %s -%s-> %s\n", i, tcpsm_state_name(f->c.log[i].from),
                    tcpsm_event_name(f->c.log[i].event), tcpsm_state_name(f->c.log[i].to));
}

/* The last call took exactly one row, (from, ev). */
static void h_expect_row(const struct fx *f, unsigned from, unsigned ev, const char *file, int line)
{
    if (f->c.nlog != 1)
        print_log(f);
    H_REQUIRE(f->c.nlog == 1, file, line, "%u rows taken, want exactly (%s, %s)", f->c.nlog,
              tcpsm_state_name(from), tcpsm_event_name(ev));
    h_expect_fired(f, from, ev, file, line);
}
#define expect_row(f, st, ev) h_expect_row((f), (st), (ev), __FILE__, __LINE__)

static void h_expect_no_row(const struct fx *f, const char *file, int line)
{
    if (f->c.nlog != 0)
        print_log(f);
    H_REQUIRE(f->c.nlog == 0, file, line, "%u rows taken, want none", f->c.nlog);
}
#define expect_no_row(f) h_expect_no_row((f), __FILE__, __LINE__)

/* Nothing but the log changed. */
static void h_expect_same_but_log(const struct tcpsm_conn *before, const struct tcpsm_conn *after,
                                  const char *file, int line)
{
    static struct tcpsm_conn b;
    memcpy(&b, before, sizeof b);
    b.nlog = after->nlog;
    memcpy(b.log, after->log, sizeof b.log);
    H_REQUIRE(memcmp(&b, after, sizeof b) == 0, file, line,
              "the call changed the TCB beyond its log");
}
#define expect_same_but_log(b, a) h_expect_same_but_log((b), (a), __FILE__, __LINE__)

static void h_expect_deadline(const struct fx *f, uint64_t want, const char *file, int line)
{
    uint64_t got = tcpsm_next_deadline(&f->c);
    H_REQUIRE(got == want, file, line, "next deadline %llu, want %llu (%s)",
              (unsigned long long)got, (unsigned long long)want,
              want == TCPSM_NEVER ? "never" : "a time");
}
#define expect_deadline(f, t) h_expect_deadline((f), (t), __FILE__, __LINE__)

/* Segment i carries len bytes of our stream. */
static void h_expect_len(const struct fx *f, int i, uint32_t len, const char *file, int line)
{
    H_REQUIRE(i < f->nout, file, line, "no segment %d", i);
    H_REQUIRE(f->out[i].len == len, file, line, "segment %d carries %u bytes, want %u", i,
              f->out[i].len, len);
    h_expect_our_data(f, i, file, line);
}
#define expect_len(f, i, n) h_expect_len((f), (i), (n), __FILE__, __LINE__)

/* Segment i is a SYN (or SYN,ACK) as RFC 9293 3.7.1 wants it: no text, MSS option. */
static void h_expect_syn_form(const struct fx *f, int i, const char *file, int line)
{
    const struct tcpsm_segment *s = &f->out[i];
    H_REQUIRE(i < f->nout, file, line, "no segment %d", i);
    H_REQUIRE(s->len == 0, file, line, "SYN carries %u bytes", s->len);
    H_REQUIRE(s->opt.has_mss && s->opt.mss == f->cfg.mss, file, line,
              "SYN MSS option %d/%u, want %u", s->opt.has_mss, s->opt.mss, f->cfg.mss);
    H_REQUIRE(s->wnd == f->rcap, file, line, "SYN window %u, want %u", s->wnd, f->rcap);
}
#define expect_syn_form(f, i) h_expect_syn_form((f), (i), __FILE__, __LINE__)

/* Exactly one RST came out, of the form <SEQ=seq><CTL=RST>, to the peer. */
static void h_expect_abort_rst(const struct fx *f, uint32_t seq, const char *file, int line)
{
    h_expect_rst(f, seq, file, line);
    const struct tcpsm_segment *s = &f->out[0];
    H_REQUIRE(s->flags == TCPSM_RST, file, line, "ABORT's RST has flags %s, want RST alone",
              h_flags_str(s->flags));
    H_REQUIRE(s->dst.family == f->raddr.family && memcmp(s->dst.addr, f->raddr.addr, 16) == 0,
              file, line, "RST not addressed to the peer");
}
#define expect_abort_rst(f, seq) h_expect_abort_rst((f), (seq), __FILE__, __LINE__)

static void h_expect_status_err(struct fx *f, enum tcpsm_err want, const char *file, int line)
{
    struct tcpsm_status st;
    enum tcpsm_err e = tcpsm_status(&f->c, &st);
    h_expect_err(e, want, file, line);
}
#define expect_status_err(f, e) h_expect_status_err((f), (e), __FILE__, __LINE__)

static struct tcpsm_status status_of(struct fx *f)
{
    struct tcpsm_status st;
    memset(&st, 0, sizeof st);
    assert_int_equal(tcpsm_status(&f->c, &st), TCPSM_OK);
    return st;
}

/* What the drivers leave in each state (the harness's fixed ISS/IRS). */
struct pred {
    uint32_t una, nxt, rcv;
    bool fin_rcvd;
};

static const struct pred PRED[H_NSTATES] = {
    [H_CLOSED] = { 0, 0, 0, false },
    [H_LISTEN] = { 0, 0, 0, false },
    [H_SYN_SENT] = { ISS, ISS + 1u, 0, false },
    [H_SYN_RCVD_P] = { ISS, ISS + 1u, IRS + 1u, false },
    [H_SYN_RCVD_A] = { ISS, ISS + 1u, IRS + 1u, false },
    [H_ESTAB] = { ISS + 1u, ISS + 1u, IRS + 1u, false },
    [H_ESTAB_P] = { ISS + 1u, ISS + 1u, IRS + 1u, false },
    [H_FW1] = { ISS + 1u, ISS + 2u, IRS + 1u, false },
    [H_FW2] = { ISS + 2u, ISS + 2u, IRS + 1u, false },
    [H_CLOSE_WAIT] = { ISS + 1u, ISS + 1u, IRS + 2u, true },
    [H_CLOSING] = { ISS + 1u, ISS + 2u, IRS + 2u, true },
    [H_LAST_ACK] = { ISS + 1u, ISS + 2u, IRS + 2u, true },
    [H_TIME_WAIT] = { ISS + 2u, ISS + 2u, IRS + 2u, true },
};

/* ---------------------------------------------------------------------- */
/* OPEN (3.10.1) */

static void test_open_passive_in_every_state(void **state)
{
    (void)state;
    static struct tcpsm_conn before;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        memcpy(&before, &F.c, sizeof before);
        enum tcpsm_err e = fx_open(&F, false, false);
        expect_none(&F);
        expect_row(&F, st, TCPSM_EV_OPEN_PASSIVE);
        if (s == H_CLOSED) {
            /* CLOSED: create the TCB, enter LISTEN */
            expect_err(e, TCPSM_OK);
            expect_state(&F, TCPSM_LISTEN);
            expect_deadline(&F, TCPSM_NEVER);
            struct tcpsm_status ss = status_of(&F);
            assert_int_equal(ss.local.port, H_LPORT);
            assert_int_equal(ss.remote.port, 0);
            assert_int_equal(ss.iss, ISS);
        } else {
            /* every other state: "connection already exists" */
            expect_err(e, TCPSM_ERR_EXISTS);
            expect_state(&F, st);
            expect_same_but_log(&before, &F.c);
        }
    }
}

static void test_open_active_in_every_state(void **state)
{
    (void)state;
    static struct tcpsm_conn before;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        memcpy(&before, &F.c, sizeof before);
        struct tcpsm_open o = h_open_args(&F, true, true);
        if (s == H_LISTEN)
            o.iss = 777777u;            /* LISTEN: "select an ISS" (the caller's) */
        F.now += 250;
        enum tcpsm_err e = fx_open_with(&F, &o);
        expect_row(&F, st, TCPSM_EV_OPEN_ACTIVE);
        if (s == H_CLOSED || s == H_LISTEN) {
            /* <SEQ=ISS><CTL=SYN>, SND.UNA = ISS, SND.NXT = ISS+1, SYN-SENT */
            expect_err(e, TCPSM_OK);
            expect_state(&F, TCPSM_SYN_SENT);
            expect_one(&F, TCPSM_SYN, o.iss, 0);
            expect_syn_form(&F, 0);
            struct tcpsm_status ss = status_of(&F);
            assert_int_equal(ss.snd_una, o.iss);
            assert_int_equal(ss.snd_nxt, o.iss + 1u);
            assert_int_equal(ss.remote.port, H_RPORT);
            expect_deadline(&F, F.now + RTO1);
        } else {
            expect_err(e, TCPSM_ERR_EXISTS);
            expect_state(&F, st);
            expect_none(&F);
            expect_same_but_log(&before, &F.c);
        }
    }
}

static void test_open_active_without_remote_socket_is_unspecified(void **state)
{
    (void)state;
    static struct tcpsm_conn before;
    const enum h_state from[] = { H_CLOSED, H_LISTEN };
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        for (int variant = 0; variant < 3; variant++) {
            at(&F, NULL, from[i]);
            ctx("%s, variant %d", h_state_label(from[i]), variant);
            unsigned st = F.c.state;
            struct tcpsm_open o = h_open_args(&F, true, true);
            if (variant == 0)
                memset(&o.remote, 0, sizeof o.remote);     /* nothing */
            else if (variant == 1)
                o.remote.port = 0;                          /* address only */
            else
                memset(&o.remote.ip, 0, sizeof o.remote.ip); /* port only */
            memcpy(&before, &F.c, sizeof before);
            enum tcpsm_err e = fx_open_with(&F, &o);
            /* RFC 9293 3.10.1: "error: remote socket unspecified" */
            expect_err(e, TCPSM_ERR_UNSPECIFIED);
            expect_state(&F, st);
            expect_no_row(&F);
            expect_none(&F);
            expect_same_but_log(&before, &F.c);
        }
    }
    /* A passive OPEN may leave it (partly) unspecified. */
    fx_setup(&F, NULL);
    struct tcpsm_open o = h_open_args(&F, false, true);
    memset(&o.remote.ip, 0, sizeof o.remote.ip);
    expect_err(fx_open_with(&F, &o), TCPSM_OK);
    expect_state(&F, TCPSM_LISTEN);
}

/* ---------------------------------------------------------------------- */
/* SEND (3.10.2) */

static void test_send_in_every_state(void **state)
{
    (void)state;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        uint32_t acc = 12345;
        F.now += 3000;
        enum tcpsm_err e = fx_send_n(&F, 0, 10, 0, &acc);
        switch (s) {
        case H_CLOSED:
            expect_err(e, TCPSM_ERR_NOT_EXIST);
            expect_row(&F, st, TCPSM_EV_SEND);
            assert_int_equal(acc, 0);
            expect_none(&F);
            break;
        case H_LISTEN:                  /* remote socket not given at OPEN */
            expect_err(e, TCPSM_ERR_UNSPECIFIED);
            expect_no_row(&F);
            expect_state(&F, TCPSM_LISTEN);
            assert_int_equal(acc, 0);
            expect_none(&F);
            break;
        case H_SYN_SENT:
        case H_SYN_RCVD_P:
        case H_SYN_RCVD_A:              /* queued until ESTABLISHED */
            expect_err(e, TCPSM_OK);
            expect_row(&F, st, TCPSM_EV_SEND);
            expect_state(&F, st);
            assert_int_equal(acc, 10);
            expect_none(&F);
            assert_int_equal(status_of(&F).send_queued, 10);
            expect_deadline(&F, H_T0 + RTO1);     /* still the SYN's */
            break;
        case H_ESTAB:
        case H_ESTAB_P:
        case H_CLOSE_WAIT:              /* segmentize, piggyback ACK = RCV.NXT */
            expect_err(e, TCPSM_OK);
            expect_row(&F, st, TCPSM_EV_SEND);
            expect_state(&F, st);
            assert_int_equal(acc, 10);
            expect_one(&F, TCPSM_ACK, PRED[s].nxt, PRED[s].rcv);
            expect_len(&F, 0, 10);
            expect_deadline(&F, F.now + RTO1);
            break;
        default:                        /* FIN-WAIT-1 .. TIME-WAIT */
            expect_err(e, TCPSM_ERR_CLOSING);
            expect_row(&F, st, TCPSM_EV_SEND);
            expect_state(&F, st);
            assert_int_equal(acc, 0);
            expect_none(&F);
            break;
        }
    }
}

static void test_send_in_listen_with_remote_socket_becomes_active_with_syn(void **state)
{
    (void)state;
    uint32_t acc = 0;
    fx_setup(&F, NULL);
    F.listen_specified = true;
    fx_drive(&F, H_LISTEN);
    /* RFC 9293 3.10.2 LISTEN: change to active, send a SYN, enter SYN-SENT;
     * the data is queued for after ESTABLISHED. */
    expect_err(fx_send_n(&F, 0, 10, TCPSM_SEND_PUSH, &acc), TCPSM_OK);
    assert_int_equal(acc, 10);
    expect_row(&F, TCPSM_LISTEN, TCPSM_EV_SEND);
    expect_state(&F, TCPSM_SYN_SENT);
    expect_one(&F, TCPSM_SYN, ISS, 0);
    expect_syn_form(&F, 0);
    expect_deadline(&F, F.now + RTO1);
    assert_int_equal(status_of(&F).snd_nxt, ISS + 1u);
    /* The SYN,ACK lets the data go, with the handshake's ACK on it. */
    expect_err(fx_in(&F, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 10);
    assert_true(F.out[0].flags & TCPSM_PSH);
}

static void test_send_in_listen_without_send_buffer_is_insufficient_resources(void **state)
{
    (void)state;
    uint32_t acc = 99;
    fx_setup(&F, NULL);
    fx_resize(&F, 0, H_RBUF);
    F.listen_specified = true;
    fx_drive(&F, H_LISTEN);
    expect_err(fx_send_n(&F, 0, 10, 0, &acc), TCPSM_ERR_RESOURCES);
    assert_int_equal(acc, 0);
    expect_state(&F, TCPSM_LISTEN);
    expect_no_row(&F);
    expect_none(&F);
}

static void test_send_buffer_full_accepts_part_then_insufficient_resources(void **state)
{
    (void)state;
    uint32_t acc = 0;
    fx_setup(&F, NULL);
    fx_resize(&F, 1000, H_RBUF);
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 600, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 600);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 600);
    /* Only 400 bytes of room: the rest is not taken. */
    expect_err(fx_send_n(&F, 600, 600, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 400);
    expect_one(&F, TCPSM_ACK, ISS + 601u, IRS + 1u);
    expect_len(&F, 0, 400);
    struct tcpsm_status st = status_of(&F);
    assert_int_equal(st.send_queued, 1000);
    assert_int_equal(st.send_space, 0);
    /* Full: "insufficient resources", nothing taken (the SEND row fired). */
    acc = 7;
    expect_err(fx_send_n(&F, 1000, 1, 0, &acc), TCPSM_ERR_RESOURCES);
    assert_int_equal(acc, 0);
    expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_SEND);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_none(&F);
    /* A zero-length SEND is fine even then. */
    expect_err(fx_send_n(&F, 1000, 0, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 0);
    expect_none(&F);
    /* The peer acknowledges 300: 300 bytes of room again. */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 301u, 0), TCPSM_OK);
    expect_none(&F);
    assert_int_equal(status_of(&F).send_space, 300);
    expect_err(fx_send_n(&F, 1000, 500, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 300);
    expect_one(&F, TCPSM_ACK, ISS + 1001u, IRS + 1u);
    expect_len(&F, 0, 300);

    /* SYN-SENT and CLOSE-WAIT say the same when full (3.10.2). */
    const enum h_state more[] = { H_SYN_SENT, H_CLOSE_WAIT };
    for (size_t i = 0; i < 2; i++) {
        fx_setup(&F, NULL);
        fx_resize(&F, 100, H_RBUF);
        fx_drive(&F, more[i]);
        ctx("%s", h_state_label(more[i]));
        expect_err(fx_send_n(&F, 0, 150, 0, &acc), TCPSM_OK);
        assert_int_equal(acc, 100);
        expect_err(fx_send_n(&F, 100, 1, 0, &acc), TCPSM_ERR_RESOURCES);
        assert_int_equal(acc, 0);
        expect_row(&F, h_state_of(more[i]), TCPSM_EV_SEND);
    }
}

/* ---------------------------------------------------------------------- */
/* RECEIVE (3.10.3) */

static void test_receive_in_every_state(void **state)
{
    (void)state;
    uint8_t buf[64];
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        uint32_t got = 555;
        unsigned fl = 555;
        enum tcpsm_err e = fx_receive(&F, buf, sizeof buf, &got, &fl);
        expect_none(&F);
        expect_state(&F, st);
        assert_int_equal(got, 0);
        assert_int_equal(fl, 0);
        expect_row(&F, st, TCPSM_EV_RECEIVE);
        switch (s) {
        case H_CLOSED:
            expect_err(e, TCPSM_ERR_NOT_EXIST);
            break;
        case H_CLOSE_WAIT:              /* nothing on hand after the FIN */
        case H_CLOSING:
        case H_LAST_ACK:
        case H_TIME_WAIT:
            expect_err(e, TCPSM_ERR_CLOSING);
            break;
        default:                        /* nothing yet */
            expect_err(e, TCPSM_OK);
            break;
        }
    }
}

/* Text that arrived before the peer's FIN is delivered in every state that
 * holds some; "connection closing" comes once it is all read. */
static void test_receive_returns_data_on_hand_then_connection_closing(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t got;
    /* ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2: data, no FIN. */
    const enum h_state open_states[] = { H_ESTAB, H_ESTAB_P, H_FW1, H_FW2 };
    for (size_t i = 0; i < sizeof open_states / sizeof open_states[0]; i++) {
        enum h_state s = open_states[i];
        at(&F, NULL, s);
        expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, PRED[s].una, 50), TCPSM_OK);
        expect_state(&F, h_state_of(s));
        expect_one(&F, TCPSM_ACK, PRED[s].nxt, IRS + 51u);
        fx_recv_check(&F, IRS + 1u, 50, NULL);
        expect_row(&F, h_state_of(s), TCPSM_EV_RECEIVE);
        expect_err(fx_receive(&F, buf, sizeof buf, &got, NULL), TCPSM_OK);
        assert_int_equal(got, 0);
    }
    /* CLOSE-WAIT, CLOSING, TIME-WAIT, LAST-ACK: 50 bytes + FIN in one segment. */
    for (int k = 0; k < 4; k++) {
        enum h_state via = k == 0 ? H_ESTAB : k == 1 ? H_FW1 : k == 2 ? H_FW2 : H_ESTAB;
        unsigned want = k == 0 ? TCPSM_CLOSE_WAIT : k == 1 ? TCPSM_CLOSING
                        : k == 2 ? TCPSM_TIME_WAIT : TCPSM_LAST_ACK;
        at(&F, NULL, via);
        ctx("data then FIN, to %s", tcpsm_state_name(want));
        expect_err(fx_in(&F, TCPSM_FIN | TCPSM_ACK, IRS + 1u, PRED[via].una, 50), TCPSM_OK);
        expect_one(&F, TCPSM_ACK, PRED[via].nxt, IRS + 52u);
        if (k == 3) {
            expect_err(fx_close(&F), TCPSM_OK);
            expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 52u);
        }
        expect_state(&F, want);
        unsigned fl = 0;
        expect_err(fx_receive(&F, buf, 20, &got, &fl), TCPSM_OK);
        assert_int_equal(got, 20);
        assert_int_equal(fl & TCPSM_RECV_PUSH, 0);
        fx_recv_check(&F, IRS + 21u, 30, &fl);
        assert_true(fl & TCPSM_RECV_PUSH);      /* FIN implies PUSH */
        expect_err(fx_receive(&F, buf, sizeof buf, &got, NULL), TCPSM_ERR_CLOSING);
        assert_int_equal(got, 0);
        expect_row(&F, want, TCPSM_EV_RECEIVE);
        expect_state(&F, want);
    }
}

/* ---------------------------------------------------------------------- */
/* CLOSE (3.10.4) */

static void test_close_in_every_state(void **state)
{
    (void)state;
    static struct tcpsm_conn before;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        memcpy(&before, &F.c, sizeof before);
        enum tcpsm_err e = fx_close(&F);
        expect_row(&F, st, TCPSM_EV_CLOSE);
        switch (s) {
        case H_CLOSED:
            expect_err(e, TCPSM_ERR_NOT_EXIST);
            expect_state(&F, TCPSM_CLOSED);
            expect_none(&F);
            break;
        case H_LISTEN:
        case H_SYN_SENT:                /* delete the TCB, nothing sent */
            expect_err(e, TCPSM_OK);
            expect_state(&F, TCPSM_CLOSED);
            expect_none(&F);
            expect_deadline(&F, TCPSM_NEVER);
            expect_status_err(&F, TCPSM_ERR_NOT_EXIST);
            break;
        case H_SYN_RCVD_P:
        case H_SYN_RCVD_A:
        case H_ESTAB:
        case H_ESTAB_P:                 /* FIN now, FIN-WAIT-1 */
            expect_err(e, TCPSM_OK);
            expect_state(&F, TCPSM_FIN_WAIT_1);
            expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 1u);
            assert_int_equal(F.out[0].len, 0);
            expect_deadline(&F, F.now + RTO1);
            break;
        case H_CLOSE_WAIT:              /* FIN now, LAST-ACK */
            expect_err(e, TCPSM_OK);
            expect_state(&F, TCPSM_LAST_ACK);
            expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 2u);
            break;
        default:                        /* no second FIN */
            expect_err(e, TCPSM_ERR_CLOSING);
            expect_state(&F, st);
            expect_none(&F);
            expect_same_but_log(&before, &F.c);
            break;
        }
    }
}

static void test_close_in_syn_received_without_data_sends_fin(void **state)
{
    (void)state;
    const enum h_state from[] = { H_SYN_RCVD_P, H_SYN_RCVD_A };
    for (size_t i = 0; i < 2; i++) {
        at(&F, NULL, from[i]);
        /* 3.10.4 SYN-RECEIVED: no SENDs issued, form a FIN, FIN-WAIT-1 */
        expect_err(fx_close(&F), TCPSM_OK);
        expect_row(&F, TCPSM_SYN_RECEIVED, TCPSM_EV_CLOSE);
        expect_state(&F, TCPSM_FIN_WAIT_1);
        expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 1u);
        /* The ACK of SYN and FIN together: FIN-WAIT-2. */
        expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 2u, 0), TCPSM_OK);
        expect_state(&F, TCPSM_FIN_WAIT_2);
        expect_none(&F);
        expect_deadline(&F, TCPSM_NEVER);
        /* The peer's FIN: TIME-WAIT. */
        expect_err(fx_in(&F, TCPSM_FIN | TCPSM_ACK, IRS + 1u, ISS + 2u, 0), TCPSM_OK);
        expect_state(&F, TCPSM_TIME_WAIT);
        expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 2u);
    }
}

static void test_close_in_syn_received_with_data_waits_for_established(void **state)
{
    (void)state;
    uint32_t acc;
    const enum h_state from[] = { H_SYN_RCVD_P, H_SYN_RCVD_A };
    for (size_t i = 0; i < 2; i++) {
        at(&F, NULL, from[i]);
        expect_err(fx_send_n(&F, 0, 100, 0, &acc), TCPSM_OK);
        expect_none(&F);
        /* 3.10.4 SYN-RECEIVED with data pending: queue the CLOSE */
        expect_err(fx_close(&F), TCPSM_OK);
        expect_no_row(&F);
        expect_state(&F, TCPSM_SYN_RECEIVED);
        expect_none(&F);
        assert_int_equal(status_of(&F).snd_nxt, ISS + 1u);
        /* After CLOSE the user has no more to send: "connection closing". */
        expect_err(fx_send_n(&F, 100, 10, 0, &acc), TCPSM_ERR_CLOSING);
        assert_int_equal(acc, 0);
        assert_int_equal(status_of(&F).send_queued, 100u);
        /* ESTABLISHED: the queued CLOSE is taken; data then FIN go out. */
        expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 0), TCPSM_OK);
        expect_fired(&F, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
        expect_fired(&F, TCPSM_ESTABLISHED, TCPSM_EV_CLOSE);
        expect_state(&F, TCPSM_FIN_WAIT_1);
        assert_true(F.nout >= 1);
        uint32_t last = (uint32_t)F.nout - 1u;
        uint32_t seq = ISS + 1u;
        for (int k = 0; k < F.nout; k++) {  /* the data, the FIN last */
            expect_seg(&F, k, (uint8_t)(TCPSM_ACK | ((uint32_t)k == last ? TCPSM_FIN : 0)), seq,
                       IRS + 1u);
            expect_our_data(&F, k);
            seq += F.out[k].len;
        }
        assert_int_equal(seq, ISS + 101u);
        assert_int_equal(status_of(&F).snd_nxt, ISS + 102u);
        expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 102u, 0), TCPSM_OK);
        expect_state(&F, TCPSM_FIN_WAIT_2);
    }
}

static void test_close_sends_fin_after_queued_data(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_wnd = 300;                   /* only 300 bytes may be in flight */
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 1000, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 1000);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 300);
    /* CLOSE with 700 bytes unsent: FIN-WAIT-1 at once, the FIN waits. */
    expect_err(fx_close(&F), TCPSM_OK);
    expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_CLOSE);
    expect_state(&F, TCPSM_FIN_WAIT_1);
    expect_none(&F);
    uint32_t una = ISS + 301u;
    for (int round = 0; round < 3; round++) {
        expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, una, 0, 300), TCPSM_OK);
        expect_one(&F, (uint8_t)(TCPSM_ACK | (round == 2 ? TCPSM_FIN : 0)), una, IRS + 1u);
        expect_len(&F, 0, round == 2 ? 100u : 300u);
        una += F.out[0].len;
    }
    /* The FIN rides on the last data segment, after byte 1000. */
    assert_int_equal(status_of(&F).snd_nxt, ISS + 1002u);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1002u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_FIN_WAIT_2);
}

/* ---------------------------------------------------------------------- */
/* ABORT (3.10.5) */

static void test_abort_in_every_state(void **state)
{
    (void)state;
    uint32_t acc;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        enum tcpsm_err e = fx_abort(&F);
        expect_row(&F, st, TCPSM_EV_ABORT);
        expect_state(&F, TCPSM_CLOSED);
        switch (s) {
        case H_CLOSED:
            expect_err(e, TCPSM_ERR_NOT_EXIST);
            expect_none(&F);
            break;
        case H_LISTEN:
        case H_SYN_SENT:
        case H_CLOSING:
        case H_LAST_ACK:
        case H_TIME_WAIT:               /* delete the TCB; no segment */
            expect_err(e, TCPSM_OK);
            expect_none(&F);
            break;
        default:                        /* <SEQ=SND.NXT><CTL=RST> */
            expect_err(e, TCPSM_OK);
            expect_abort_rst(&F, PRED[s].nxt);
            break;
        }
        expect_deadline(&F, TCPSM_NEVER);
        expect_status_err(&F, TCPSM_ERR_NOT_EXIST);
        /* The user aborted: nothing to report but "does not exist". */
        expect_err(fx_send_n(&F, 0, 1, 0, &acc), TCPSM_ERR_NOT_EXIST);
        expect_row(&F, TCPSM_CLOSED, TCPSM_EV_SEND);
    }
}

static void test_abort_flushes_queued_and_unacknowledged_data(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_wnd = 100;
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 500, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 40, 100), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 101u, IRS + 41u);
    expect_err(fx_abort(&F), TCPSM_OK);
    expect_abort_rst(&F, ISS + 101u);   /* SND.NXT, not SND.UNA */
    expect_state(&F, TCPSM_CLOSED);
    expect_deadline(&F, TCPSM_NEVER);
    /* Nothing of the old connection survives into the next one. */
    fx_drive(&F, H_ESTAB);
    struct tcpsm_status st = status_of(&F);
    assert_int_equal(st.send_queued, 0);
    assert_int_equal(st.recv_ready, 0);
    fx_timer(&F, F.now + 10u * RTO1);
    expect_none(&F);
}

/* ---------------------------------------------------------------------- */
/* STATUS (3.10.6) */

static void test_status_in_every_state(void **state)
{
    (void)state;
    static struct tcpsm_conn before;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        unsigned st = F.c.state;
        struct tcpsm_status ss;
        memset(&ss, 0xA5, sizeof ss);
        memcpy(&before, &F.c, sizeof before);
        enum tcpsm_err e = tcpsm_status(&F.c, &ss);
        assert_memory_equal(&before, &F.c, sizeof before);  /* STATUS changes nothing */
        if (s == H_CLOSED) {
            expect_err(e, TCPSM_ERR_NOT_EXIST);
        } else {
            const struct pred *p = &PRED[s];
            expect_err(e, TCPSM_OK);
            assert_int_equal(ss.state, st);
            assert_int_equal(ss.local.port, H_LPORT);
            assert_memory_equal(&ss.local.ip, &F.laddr, sizeof F.laddr);
            if (s == H_LISTEN) {
                assert_int_equal(ss.remote.port, 0);
                assert_int_equal(ss.remote.ip.family, TCPSM_AF_UNSPEC);
            } else {
                assert_int_equal(ss.remote.port, H_RPORT);
                assert_memory_equal(&ss.remote.ip, &F.raddr, sizeof F.raddr);
                assert_int_equal(ss.snd_una, p->una);
                assert_int_equal(ss.snd_nxt, p->nxt);
            }
            assert_int_equal(ss.iss, ISS);
            if (s != H_LISTEN && s != H_SYN_SENT) {
                assert_int_equal(ss.irs, IRS);
                assert_int_equal(ss.rcv_nxt, p->rcv);
            }
            if (s >= H_ESTAB)
                assert_int_equal(ss.snd_wnd, H_PEER_WND);
            assert_int_equal(ss.rcv_wnd, H_RBUF);
            assert_int_equal(ss.send_queued, 0);
            assert_int_equal(ss.send_space, H_SBUF);
            assert_int_equal(ss.recv_ready, 0);
            assert_false(ss.urgent);
            assert_int_equal(ss.fin_received, p->fin_rcvd);
            assert_int_equal(ss.snd_mss, 1460);
            assert_int_equal(ss.rto_us, RTO1);
        }
        /* tcpsm_status() takes a const TCB and logs no row.  Its result for
         * this state has just been checked field by field, so the STATUS
         * row of the state is counted as exercised here, by hand. */
        int row = tcpsm_row_find(st, TCPSM_EV_STATUS);
        assert_true(row >= 0);
        h_cov()[row]++;
    }

    /* With data both ways in flight and on hand. */
    uint32_t acc;
    at(&F, NULL, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 100, 0, &acc), TCPSM_OK);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 50), TCPSM_OK);
    struct tcpsm_status ss = status_of(&F);
    assert_int_equal(ss.snd_una, ISS + 1u);
    assert_int_equal(ss.snd_nxt, ISS + 101u);
    assert_int_equal(ss.rcv_nxt, IRS + 51u);
    assert_int_equal(ss.rcv_wnd, H_RBUF - 50u);
    assert_int_equal(ss.send_queued, 100);
    assert_int_equal(ss.send_space, H_SBUF - 100u);
    assert_int_equal(ss.recv_ready, 50);
}

/* ---------------------------------------------------------------------- */
/* Errors reported by the next call in CLOSED */

enum death { D_RESET_ESTAB, D_RESET_SYN_SENT, D_REFUSED, D_USER_TIMEOUT, D_NDEATHS };

/* Kill the connection the way `d` says; return the error it must report. */
static enum tcpsm_err die(enum death d)
{
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.user_timeout_us = 400000u;
    switch (d) {
    case D_RESET_ESTAB:                 /* 3.10.7.4 second: "connection reset" */
        at(&F, NULL, H_ESTAB);
        expect_err(fx_in(&F, TCPSM_RST, IRS + 1u, 0, 0), TCPSM_OK);
        expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_SEG_RST);
        expect_state(&F, TCPSM_CLOSED);
        return TCPSM_ERR_RESET;
    case D_RESET_SYN_SENT:              /* 3.10.7.3 second: "connection reset" */
        at(&F, NULL, H_SYN_SENT);
        expect_err(fx_in(&F, TCPSM_RST | TCPSM_ACK, 0, ISS + 1u, 0), TCPSM_OK);
        expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_SEG_RST);
        expect_state(&F, TCPSM_CLOSED);
        return TCPSM_ERR_RESET;
    case D_REFUSED:                     /* 3.10.7.4 second, from SYN-SENT: "refused" */
        at(&F, NULL, H_SYN_RCVD_A);
        expect_err(fx_in(&F, TCPSM_RST, IRS + 1u, 0, 0), TCPSM_OK);
        expect_row(&F, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_RST);
        expect_state(&F, TCPSM_CLOSED);
        return TCPSM_ERR_REFUSED;
    default:                            /* 3.10.8 USER TIMEOUT */
        at(&F, &cfg, H_SYN_SENT);
        fx_timer(&F, H_T0 + 400000u);
        expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_TIMEOUT_USER);
        expect_state(&F, TCPSM_CLOSED);
        return TCPSM_ERR_USER_TIMEOUT;
    }
}

static enum tcpsm_err user_call(struct fx *f, unsigned ev)
{
    uint8_t buf[16];
    uint32_t n = 0;
    switch (ev) {
    case TCPSM_EV_SEND:
        return fx_send_n(f, 0, 10, 0, &n);
    case TCPSM_EV_RECEIVE:
        return fx_receive(f, buf, sizeof buf, &n, NULL);
    case TCPSM_EV_CLOSE:
        return fx_close(f);
    default:
        return fx_abort(f);
    }
}

static void test_reset_refused_and_timeout_are_reported_once_by_the_next_call(void **state)
{
    (void)state;
    const unsigned calls[] = { TCPSM_EV_SEND, TCPSM_EV_RECEIVE, TCPSM_EV_CLOSE, TCPSM_EV_ABORT };
    for (int d = 0; d < D_NDEATHS; d++) {
        for (size_t k = 0; k < 4; k++) {
            enum tcpsm_err want = die((enum death)d);
            ctx("death %d, then %s", d, tcpsm_event_name(calls[k]));
            expect_none(&F);
            expect_deadline(&F, TCPSM_NEVER);
            expect_status_err(&F, TCPSM_ERR_NOT_EXIST);      /* STATUS does not consume it */
            enum tcpsm_err e = user_call(&F, calls[k]);
            expect_err(e, want);
            expect_no_row(&F);
            expect_state(&F, TCPSM_CLOSED);
            expect_none(&F);
            /* Once: then the TCB simply does not exist. */
            e = user_call(&F, calls[k]);
            expect_err(e, TCPSM_ERR_NOT_EXIST);
            expect_row(&F, TCPSM_CLOSED, calls[k]);
        }
        /* A new OPEN starts afresh: the old error is not carried over. */
        die((enum death)d);
        ctx("death %d, then OPEN", d);
        expect_err(fx_open(&F, false, false), TCPSM_OK);
        expect_state(&F, TCPSM_LISTEN);
        expect_err(fx_close(&F), TCPSM_OK);
        expect_err(user_call(&F, TCPSM_EV_SEND), TCPSM_ERR_NOT_EXIST);
    }
}

/* ---------------------------------------------------------------------- */
/* RETRANSMISSION TIMEOUT (3.10.8) */

static const enum h_state RTX_STATES[] = {
    H_SYN_SENT, H_SYN_RCVD_P, H_SYN_RCVD_A, H_ESTAB, H_FW1, H_CLOSE_WAIT, H_CLOSING, H_LAST_ACK,
};
#define N_RTX_STATES (sizeof RTX_STATES / sizeof RTX_STATES[0])

/* A connection in s with something of ours unacknowledged; returns the
 * time it went out (ESTABLISHED and CLOSE-WAIT send 100 bytes 5 ms in). */
static uint64_t with_outstanding(struct fx *f, const struct tcpsm_config *cfg, enum h_state s)
{
    uint32_t acc;
    at(f, cfg, s);
    if (s == H_ESTAB || s == H_CLOSE_WAIT) {
        f->now += 5000;
        expect_err(fx_send_n(f, 0, 100, 0, &acc), TCPSM_OK);
        expect_one(f, TCPSM_ACK, ISS + 1u, PRED[s].rcv);
    }
    return f->now;
}

/* The segment at the front of the retransmission queue in s. */
static void h_expect_front(const struct fx *f, enum h_state s, const char *file, int line)
{
    switch (s) {
    case H_SYN_SENT:
        h_expect_one(f, TCPSM_SYN, ISS, 0, file, line);
        h_expect_syn_form(f, 0, file, line);
        break;
    case H_SYN_RCVD_P:
    case H_SYN_RCVD_A:
        h_expect_one(f, TCPSM_SYN | TCPSM_ACK, ISS, IRS + 1u, file, line);
        h_expect_syn_form(f, 0, file, line);
        break;
    case H_ESTAB:
    case H_CLOSE_WAIT:
        h_expect_one(f, TCPSM_ACK, ISS + 1u, PRED[s].rcv, file, line);
        h_expect_len(f, 0, 100, file, line);
        break;
    default:                            /* FIN-WAIT-1, CLOSING, LAST-ACK: the FIN */
        h_expect_one(f, TCPSM_FIN | TCPSM_ACK, ISS + 1u, PRED[s].rcv, file, line);
        H_REQUIRE(f->out[0].len == 0, file, line, "FIN carries %u bytes", f->out[0].len);
        break;
    }
}
#define expect_front(f, s) h_expect_front((f), (s), __FILE__, __LINE__)

static void test_retransmission_fires_at_rto_not_a_microsecond_before(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RTX_STATES; i++) {
        enum h_state s = RTX_STATES[i];
        uint64_t t = with_outstanding(&F, NULL, s);
        unsigned st = F.c.state;
        expect_deadline(&F, t + RTO1);
        fx_timer(&F, t + RTO1 - 1u);
        expect_no_row(&F);
        expect_none(&F);
        expect_state(&F, st);
        expect_deadline(&F, t + RTO1);
        fx_timer(&F, t + RTO1);
        expect_row(&F, st, TCPSM_EV_TIMEOUT_RTX);
        expect_state(&F, st);
        expect_front(&F, s);
        /* reinitialised, backed off to 2 s (RFC 6298 5.5, 5.6) */
        expect_deadline(&F, t + RTO1 + 2u * RTO1);
        assert_int_equal(status_of(&F).rto_us, 2u * RTO1);
        assert_int_equal(F.c.n_retransmits, 1);
        fx_timer(&F, t + 3u * RTO1 - 1u);
        expect_none(&F);
        fx_timer(&F, t + 3u * RTO1);
        expect_row(&F, st, TCPSM_EV_TIMEOUT_RTX);
        expect_front(&F, s);
        expect_deadline(&F, t + 3u * RTO1 + 4u * RTO1);
    }
}

static void test_retransmission_backoff_doubles_up_to_rto_max(void **state)
{
    (void)state;
    /* Defaults: 1, 2, 4, 8, 16, 32, then 60 s (the cap), until the 5-minute
     * user timeout ends it (R2 off: tcpsm_set_r2). */
    at(&F, NULL, H_SYN_SENT);
    assert_int_equal(tcpsm_set_r2(&F.c, 0, 0), TCPSM_OK);
    const uint64_t ut = H_T0 + 300000000ull;
    uint64_t t = H_T0, rto = RTO1;
    int fired = 0;
    for (;;) {
        uint64_t due = t + rto;
        expect_deadline(&F, due < ut ? due : ut);
        if (due >= ut)
            break;
        fx_timer(&F, due - 1u);
        expect_none(&F);
        fx_timer(&F, due);
        expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_TIMEOUT_RTX);
        expect_front(&F, H_SYN_SENT);
        fired++;
        t = due;
        rto = rto * 2u > 60000000ull ? 60000000ull : rto * 2u;
        assert_int_equal(status_of(&F).rto_us, rto);
    }
    assert_int_equal(fired, 9);         /* at 1, 3, 7, 15, 31, 63, 123, 183, 243 s */
    fx_timer(&F, ut - 1u);
    expect_state(&F, TCPSM_SYN_SENT);
    fx_timer(&F, ut);
    expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_TIMEOUT_USER);
    expect_state(&F, TCPSM_CLOSED);
    expect_none(&F);

    /* A cap that is not a power of two: 1, 2, 4, 5, 5, 5 s, on data. */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.rto_max_us = 5000000u;
    t = with_outstanding(&F, &cfg, H_ESTAB);
    const uint32_t gaps[] = { 1000000u, 2000000u, 4000000u, 5000000u, 5000000u, 5000000u };
    for (size_t k = 0; k < sizeof gaps / sizeof gaps[0]; k++) {
        expect_deadline(&F, t + gaps[k]);
        fx_timer(&F, t + gaps[k] - 1u);
        expect_none(&F);
        t += gaps[k];
        fx_timer(&F, t);
        expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_RTX);
        expect_front(&F, H_ESTAB);
    }
    /* All acknowledged: the timer stops.  The ACK is of a retransmitted
     * segment, so it is no measurement (Karn, MUST-18) and the backed-off
     * RTO stays (RFC 6298 5, after 5.7)... */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 101u, 0), TCPSM_OK);
    expect_deadline(&F, TCPSM_NEVER);
    assert_int_equal(status_of(&F).rto_us, 5000000u);
    fx_timer(&F, t + 100000000ull);
    expect_none(&F);
    expect_no_row(&F);
    /* ... until new data is sent and acknowledged: a 40 ms measurement
     * collapses it to the 1 s minimum (RFC 6298 2.3, 2.4; the handshake
     * measured 0, so SRTT = 40000/8, RTTVAR = 40000/4) */
    uint32_t acc;
    expect_err(fx_send_n(&F, 100, 10, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 101u, IRS + 1u);
    expect_deadline(&F, F.now + 5000000u);
    F.now += 40000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 111u, 0), TCPSM_OK);
    assert_int_equal(status_of(&F).rto_us, RTO1);
    assert_int_equal(status_of(&F).srtt_us, 5000);
    assert_int_equal(status_of(&F).rttvar_us, 10000);
}

static void test_retransmission_resends_earliest_unacknowledged_segment(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_mss = 500;
    fx_drive(&F, H_ESTAB);
    ctx("three segments in flight");
    expect_err(fx_send_n(&F, 0, 1200, 0, &acc), TCPSM_OK);
    assert_int_equal(F.nout, 3);
    /* The first is acknowledged 100 ms later: the timer restarts from then. */
    F.now += 100000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 501u, 0), TCPSM_OK);
    expect_none(&F);
    uint64_t t = F.now;
    expect_deadline(&F, t + RTO1);
    fx_timer(&F, t + RTO1 - 1u);
    expect_none(&F);
    fx_timer(&F, t + RTO1);
    expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_RTX);
    expect_one(&F, TCPSM_ACK, ISS + 501u, IRS + 1u);   /* the second, not the first or third */
    expect_len(&F, 0, 500);
    /* The second is acknowledged: the third is the front now. */
    F.now += 1000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1001u, 0), TCPSM_OK);
    t = F.now;
    uint32_t rto = status_of(&F).rto_us;
    expect_deadline(&F, t + rto);
    fx_timer(&F, t + rto);
    expect_one(&F, TCPSM_ACK, ISS + 1001u, IRS + 1u);
    expect_len(&F, 0, 200);

    /* FIN-WAIT-1 reached from SYN-RECEIVED: the SYN,ACK is still the front. */
    at(&F, NULL, H_SYN_RCVD_P);
    expect_err(fx_close(&F), TCPSM_OK);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 1u);
    fx_timer(&F, H_T0 + RTO1);
    expect_row(&F, TCPSM_FIN_WAIT_1, TCPSM_EV_TIMEOUT_RTX);
    expect_one(&F, TCPSM_SYN | TCPSM_ACK, ISS, IRS + 1u);
}

static void test_retransmission_of_data_followed_by_fin(void **state)
{
    (void)state;
    uint32_t acc;
    at(&F, NULL, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 100, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_err(fx_close(&F), TCPSM_OK);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 101u, IRS + 1u);
    fx_timer(&F, H_T0 + RTO1);
    expect_row(&F, TCPSM_FIN_WAIT_1, TCPSM_EV_TIMEOUT_RTX);
    /* The front is the data (the FIN may ride along: it follows it). */
    assert_int_equal(F.nout, 1);
    expect_seg(&F, 0, (uint8_t)(TCPSM_ACK | (F.out[0].flags & TCPSM_FIN)), ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 100);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 101u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_FIN_WAIT_1);
    /* Now the FIN alone is outstanding, and it is what comes back. */
    uint64_t t = F.now;
    fx_timer(&F, t + status_of(&F).rto_us);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 101u, IRS + 1u);
    assert_int_equal(F.out[0].len, 0);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 102u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_FIN_WAIT_2);
    expect_deadline(&F, TCPSM_NEVER);
}

/* ---------------------------------------------------------------------- */
/* TIME-WAIT TIMEOUT (3.10.8) */

static void test_time_wait_expires_at_exactly_2msl(void **state)
{
    (void)state;
    uint32_t acc;
    at(&F, NULL, H_TIME_WAIT);
    expect_deadline(&F, H_T0 + MSL2);
    fx_timer(&F, H_T0 + MSL2 - 1u);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_no_row(&F);
    expect_none(&F);
    fx_timer(&F, H_T0 + MSL2);
    expect_row(&F, TCPSM_TIME_WAIT, TCPSM_EV_TIMEOUT_2MSL);
    expect_state(&F, TCPSM_CLOSED);
    expect_none(&F);
    expect_deadline(&F, TCPSM_NEVER);
    /* An orderly end: no error to report. */
    expect_err(fx_send_n(&F, 0, 1, 0, &acc), TCPSM_ERR_NOT_EXIST);

    /* Entered from CLOSING, later, with another MSL: 2 MSL from entry. */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.msl_us = 1500u;
    at(&F, &cfg, H_CLOSING);
    F.now += 7000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 2u, ISS + 2u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_deadline(&F, H_T0 + 7000u + 3000u);
    fx_timer(&F, H_T0 + 7000u + 2999u);
    expect_state(&F, TCPSM_TIME_WAIT);
    fx_timer(&F, H_T0 + 7000u + 3000u);
    expect_row(&F, TCPSM_TIME_WAIT, TCPSM_EV_TIMEOUT_2MSL);
    expect_state(&F, TCPSM_CLOSED);
}

static void test_time_wait_retransmitted_fin_restarts_2msl(void **state)
{
    (void)state;
    at(&F, NULL, H_TIME_WAIT);
    /* The peer did not get our ACK and sends its FIN again, 1 s later. */
    F.now = H_T0 + RTO1;
    expect_err(fx_in(&F, TCPSM_FIN | TCPSM_ACK, IRS + 1u, ISS + 2u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_TIME_WAIT, TCPSM_EV_SEG_FIN);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 2u);
    expect_deadline(&F, H_T0 + RTO1 + MSL2);
    fx_timer(&F, H_T0 + MSL2);          /* the old deadline: nothing */
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_no_row(&F);
    fx_timer(&F, H_T0 + RTO1 + MSL2 - 1u);
    expect_state(&F, TCPSM_TIME_WAIT);
    fx_timer(&F, H_T0 + RTO1 + MSL2);
    expect_row(&F, TCPSM_TIME_WAIT, TCPSM_EV_TIMEOUT_2MSL);
    expect_state(&F, TCPSM_CLOSED);
}

/* ---------------------------------------------------------------------- */
/* USER TIMEOUT (3.10.8) */

static void test_user_timeout_in_every_state_that_has_one(void **state)
{
    (void)state;
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.user_timeout_us = 400000u;      /* before the first retransmission */
    for (size_t i = 0; i < N_RTX_STATES; i++) {
        enum h_state s = RTX_STATES[i];
        uint64_t t = with_outstanding(&F, &cfg, s);
        unsigned st = F.c.state;
        expect_deadline(&F, t + 400000u);
        fx_timer(&F, t + 399999u);
        expect_state(&F, st);
        expect_no_row(&F);
        expect_none(&F);
        fx_timer(&F, t + 400000u);
        expect_row(&F, st, TCPSM_EV_TIMEOUT_USER);
        expect_state(&F, TCPSM_CLOSED);
        expect_none(&F);                /* flush all queues: nothing goes out */
        expect_deadline(&F, TCPSM_NEVER);
        expect_err(user_call(&F, TCPSM_EV_RECEIVE), TCPSM_ERR_USER_TIMEOUT);
        expect_err(user_call(&F, TCPSM_EV_RECEIVE), TCPSM_ERR_NOT_EXIST);
    }
    /* FIN-WAIT-2 has a USER TIMEOUT row, but the user timeout runs only
     * while something of ours is unacknowledged, which is never the case
     * there: no timer is left running (see the last test). */
    at(&F, &cfg, H_FW2);
    expect_deadline(&F, TCPSM_NEVER);
    fx_timer(&F, F.now + 10u * 400000u);
    expect_state(&F, TCPSM_FIN_WAIT_2);

    /* A new acknowledgment restarts it (the peer is alive). */
    uint32_t acc;
    fx_setup(&F, &cfg);
    F.peer_mss = 100;
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 200, 0, &acc), TCPSM_OK);
    F.now += 300000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 101u, 0), TCPSM_OK);
    expect_deadline(&F, F.now + 400000u);
}

static void test_next_deadline_in_every_state(void **state)
{
    (void)state;
    for (int i = 0; i < H_NSTATES; i++) {
        enum h_state s = (enum h_state)i;
        at(&F, NULL, s);
        uint64_t want;
        switch (s) {
        case H_SYN_SENT:
        case H_SYN_RCVD_P:
        case H_SYN_RCVD_A:
        case H_FW1:
        case H_CLOSING:
        case H_LAST_ACK:
            want = H_T0 + RTO1;         /* a SYN or FIN is outstanding */
            break;
        case H_TIME_WAIT:
            want = H_T0 + MSL2;
            break;
        default:                        /* nothing outstanding */
            want = TCPSM_NEVER;
            break;
        }
        expect_deadline(&F, want);
        /* Calling the timer early changes nothing. */
        fx_timer(&F, F.now);
        expect_no_row(&F);
        expect_none(&F);
        expect_deadline(&F, want);
    }
    /* The earliest of the running timers. */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.user_timeout_us = 300000u;
    at(&F, &cfg, H_SYN_SENT);
    expect_deadline(&F, H_T0 + 300000u);
    assert_int_equal(tcpsm_next_deadline(NULL), TCPSM_NEVER);
}

/* ---------------------------------------------------------------------- */
/* Two engines talking (through the wire codec) */

/* Serialise from's segment i, verify its checksum, parse it and give it to `to`. */
static void h_xfer(struct fx *from, int i, struct fx *to, const char *file, int line)
{
    static uint8_t wire[TCPSM_HDR_MAX + H_OUTCAP];
    static struct tcpsm_segment s;
    struct tcpsm_segment in;
    const uint8_t *payload = NULL;
    size_t n = 0;
    H_REQUIRE(i < from->nout, file, line, "no segment %d to deliver (%d out)", i, from->nout);
    s = from->out[i];
    enum tcpsm_err e = tcpsm_wire_write(&s, from->outdata[i], wire, sizeof wire, &n);
    H_REQUIRE(e == TCPSM_OK, file, line, "wire_write: %s", tcpsm_err_name(e));
    e = tcpsm_wire_verify(&s.src, &s.dst, wire, n);
    H_REQUIRE(e == TCPSM_OK, file, line, "wire_verify: %s", tcpsm_err_name(e));
    e = tcpsm_wire_parse(wire, n, &in, &payload);
    H_REQUIRE(e == TCPSM_OK, file, line, "wire_parse: %s", tcpsm_err_name(e));
    in.src = s.src;                     /* what the IP layer knows */
    in.dst = s.dst;
    in.compartment = s.compartment;
    to->now = from->now;
    e = h_input(to, &in, payload, file, line);
    H_REQUIRE(e == TCPSM_OK, file, line, "tcpsm_input: %s", tcpsm_err_name(e));
}
#define xfer(from, i, to) h_xfer((from), (i), (to), __FILE__, __LINE__)

/* F is 10.0.0.1:1000 with ISS 100000; G is 10.0.0.2:2000 with ISS 300000. */
static void pair_setup(const struct tcpsm_config *cfg)
{
    fx_setup(&F, cfg);
    fx_setup(&G, cfg);
    G.laddr = h_raddr();
    G.raddr = h_laddr();
    G.lport = H_RPORT;
    G.rport = H_LPORT;
    G.iss = IRS;
    G.irs = ISS;
}

/* Read everything on hand: `want` bytes of the other side's stream from off. */
static void h_recv_stream(struct fx *f, uint32_t off, uint32_t want, unsigned want_flags,
                          const char *file, int line)
{
    static uint8_t buf[H_BUFMAX];
    uint32_t got = 0;
    unsigned fl = 0;
    enum tcpsm_err e = h_receive(f, buf, sizeof buf, &got, &fl, file, line);
    H_REQUIRE(e == TCPSM_OK, file, line, "receive: %s", tcpsm_err_name(e));
    H_REQUIRE(got == want, file, line, "received %u bytes, want %u", got, want);
    H_REQUIRE(fl == want_flags, file, line, "receive flags %#x, want %#x", fl, want_flags);
    for (uint32_t i = 0; i < got; i++)
        H_REQUIRE(buf[i] == h_our_byte(off + i), file, line, "byte %u of the stream is wrong",
                  off + i);
}
#define recv_stream(f, off, n, fl) h_recv_stream((f), (off), (n), (fl), __FILE__, __LINE__)

static void h_expect_wnd(const struct fx *f, int i, uint16_t wnd, const char *file, int line)
{
    H_REQUIRE(f->out[i].wnd == wnd, file, line, "segment %d advertises %u, want %u", i,
              f->out[i].wnd, wnd);
}
#define expect_wnd(f, i, w) h_expect_wnd((f), (i), (w), __FILE__, __LINE__)

/* RFC 9293 3.5 Figure 6: F opens actively to G, then 100 bytes F -> G and
 * 200 bytes G -> F; every segment's SEQ/ACK checked. */
static void handshake_and_data(void)
{
    uint32_t acc = 0;
    pair_setup(NULL);
    ctx("handshake");
    expect_err(fx_open(&G, false, false), TCPSM_OK);
    expect_state(&G, TCPSM_LISTEN);
    expect_none(&G);
    expect_err(fx_open(&F, true, true), TCPSM_OK);
    expect_state(&F, TCPSM_SYN_SENT);
    expect_one(&F, TCPSM_SYN, ISS, 0);                  /* <SEQ=100000><CTL=SYN> */
    expect_syn_form(&F, 0);
    xfer(&F, 0, &G);
    expect_row(&G, TCPSM_LISTEN, TCPSM_EV_SEG_SYN);
    expect_state(&G, TCPSM_SYN_RECEIVED);
    expect_one(&G, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u); /* <SEQ=300000><ACK=100001> */
    expect_syn_form(&G, 0);
    xfer(&G, 0, &F);
    expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN_ACK);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);      /* <SEQ=100001><ACK=300001> */
    xfer(&F, 0, &G);
    expect_row(&G, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
    expect_state(&G, TCPSM_ESTABLISHED);
    expect_none(&G);

    ctx("data F -> G");
    expect_err(fx_send_n(&F, 0, 100, TCPSM_SEND_PUSH, &acc), TCPSM_OK);
    assert_int_equal(acc, 100);
    expect_one(&F, TCPSM_ACK | TCPSM_PSH, ISS + 1u, IRS + 1u);
    assert_true(F.out[0].flags & TCPSM_PSH);
    expect_len(&F, 0, 100);
    xfer(&F, 0, &G);
    expect_one(&G, TCPSM_ACK, IRS + 1u, ISS + 101u);    /* <SEQ=300001><ACK=100101> */
    expect_wnd(&G, 0, H_RBUF - 100u);
    xfer(&G, 0, &F);
    expect_none(&F);
    recv_stream(&G, 0, 100, TCPSM_RECV_PUSH);
    expect_none(&G);                    /* no window update owed: it never fell below 1460 */
    expect_deadline(&F, TCPSM_NEVER);

    ctx("data G -> F");
    expect_err(fx_send_n(&G, 0, 200, 0, &acc), TCPSM_OK);
    expect_one(&G, TCPSM_ACK, IRS + 1u, ISS + 101u);
    assert_false(G.out[0].flags & TCPSM_PSH);
    /* RFC 9293 3.8.6.2.2 (MUST-39): the 100 octets read do not move the
     * right edge, which moves by min(RCV.BUFF/2, Eff.snd.MSS) at least */
    expect_wnd(&G, 0, H_RBUF - 100u);
    expect_len(&G, 0, 200);
    xfer(&G, 0, &F);
    expect_one(&F, TCPSM_ACK, ISS + 101u, IRS + 201u);  /* <SEQ=100101><ACK=300201> */
    xfer(&F, 0, &G);
    expect_none(&G);
    recv_stream(&F, 0, 200, 0);
    expect_none(&F);
    expect_deadline(&G, TCPSM_NEVER);
}

/* RFC 9293 3.6 Figure 12: a (SND.NXT an) closes first, p (SND.NXT pn) second. */
static void four_way_close(struct fx *a, uint32_t an, struct fx *p, uint32_t pn)
{
    uint32_t got;
    uint8_t buf[8];
    ctx("close: %s first", a == &F ? "F" : "G");
    expect_err(fx_close(a), TCPSM_OK);
    expect_row(a, TCPSM_ESTABLISHED, TCPSM_EV_CLOSE);
    expect_state(a, TCPSM_FIN_WAIT_1);
    expect_one(a, TCPSM_FIN | TCPSM_ACK, an, pn);
    xfer(a, 0, p);
    expect_row(p, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
    expect_state(p, TCPSM_CLOSE_WAIT);
    expect_one(p, TCPSM_ACK, pn, an + 1u);
    xfer(p, 0, a);
    expect_row(a, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(a, TCPSM_FIN_WAIT_2);
    expect_none(a);
    expect_deadline(a, TCPSM_NEVER);
    expect_err(fx_receive(p, buf, sizeof buf, &got, NULL), TCPSM_ERR_CLOSING);  /* EOF */
    expect_none(p);
    expect_err(fx_close(p), TCPSM_OK);
    expect_row(p, TCPSM_CLOSE_WAIT, TCPSM_EV_CLOSE);
    expect_state(p, TCPSM_LAST_ACK);
    expect_one(p, TCPSM_FIN | TCPSM_ACK, pn, an + 1u);
    xfer(p, 0, a);
    expect_row(a, TCPSM_FIN_WAIT_2, TCPSM_EV_SEG_FIN);
    expect_state(a, TCPSM_TIME_WAIT);
    expect_one(a, TCPSM_ACK, an + 1u, pn + 1u);
    expect_deadline(a, a->now + MSL2);
    xfer(a, 0, p);
    expect_row(p, TCPSM_LAST_ACK, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(p, TCPSM_CLOSED);
    expect_none(p);
    expect_status_err(p, TCPSM_ERR_NOT_EXIST);
    expect_err(fx_send_n(p, 0, 1, 0, &got), TCPSM_ERR_NOT_EXIST);   /* no error to report */
    expect_err(fx_receive(a, buf, sizeof buf, &got, NULL), TCPSM_ERR_CLOSING);  /* EOF */
    uint64_t t = a->now;
    fx_timer(a, t + MSL2 - 1u);
    expect_state(a, TCPSM_TIME_WAIT);
    fx_timer(a, t + MSL2);
    expect_state(a, TCPSM_CLOSED);
    expect_none(a);
    expect_err(fx_send_n(a, 0, 1, 0, &got), TCPSM_ERR_NOT_EXIST);
}

static void test_connection_handshake_data_and_active_close(void **state)
{
    (void)state;
    handshake_and_data();
    four_way_close(&F, ISS + 101u, &G, IRS + 201u);
}

static void test_connection_handshake_data_and_passive_close(void **state)
{
    (void)state;
    handshake_and_data();
    four_way_close(&G, IRS + 201u, &F, ISS + 101u);
}

/* RFC 9293 Figure 7, against a hand-made peer. */
static void test_simultaneous_open_figure_7(void **state)
{
    (void)state;
    uint32_t acc;
    at(&F, NULL, H_SYN_SENT);                           /* 2. --> <SEQ=ISS><CTL=SYN> */
    expect_err(fx_in(&F, TCPSM_SYN, IRS, 0, 0), TCPSM_OK);  /* 3. <-- <SEQ=IRS><CTL=SYN> */
    expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN);
    expect_state(&F, TCPSM_SYN_RECEIVED);
    expect_one(&F, TCPSM_SYN | TCPSM_ACK, ISS, IRS + 1u); /* 5. --> SYN,ACK */
    expect_syn_form(&F, 0);
    /* 6. <-- <SEQ=IRS><ACK=ISS+1><CTL=SYN,ACK>: ESTABLISHED, nothing to send */
    expect_err(fx_in(&F, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_none(&F);
    expect_deadline(&F, TCPSM_NEVER);
    /* and it carries data both ways */
    expect_err(fx_send_n(&F, 0, 10, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 11u, 20), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 11u, IRS + 21u);
    fx_recv_check(&F, IRS + 1u, 20, NULL);
    expect_deadline(&F, TCPSM_NEVER);
}

/* The same between two engines that both open actively.  A segment that
 * crosses another in flight is kept in a copy of its sender's fixture. */
static struct fx XF, XG;

static void test_simultaneous_open_between_two_engines(void **state)
{
    (void)state;
    pair_setup(NULL);
    expect_err(fx_open(&F, true, true), TCPSM_OK);
    expect_one(&F, TCPSM_SYN, ISS, 0);
    XF = F;                             /* F's SYN, in flight */
    expect_err(fx_open(&G, true, true), TCPSM_OK);
    expect_one(&G, TCPSM_SYN, IRS, 0);
    xfer(&G, 0, &F);                    /* G's SYN reaches F */
    expect_row(&F, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN);
    expect_state(&F, TCPSM_SYN_RECEIVED);
    expect_one(&F, TCPSM_SYN | TCPSM_ACK, ISS, IRS + 1u);
    xfer(&XF, 0, &G);                   /* F's SYN reaches G */
    expect_state(&G, TCPSM_SYN_RECEIVED);
    expect_one(&G, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u);
    XG = G;                             /* G's SYN,ACK, in flight */
    xfer(&F, 0, &G);                    /* the SYN,ACKs cross */
    expect_row(&G, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
    expect_state(&G, TCPSM_ESTABLISHED);
    expect_none(&G);
    xfer(&XG, 0, &F);
    expect_row(&F, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_none(&F);
    four_way_close(&F, ISS + 1u, &G, IRS + 1u);
}

/* RFC 9293 Figure 13, against a hand-made peer. */
static void test_simultaneous_close_figure_13(void **state)
{
    (void)state;
    at(&F, NULL, H_ESTAB);
    expect_err(fx_close(&F), TCPSM_OK);                 /* 2. --> FIN,ACK */
    expect_state(&F, TCPSM_FIN_WAIT_1);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 1u, IRS + 1u);
    /* 3. <-- <SEQ=IRS+1><ACK=ISS+1><CTL=FIN,ACK> (it has not seen ours) */
    F.now += 2000;
    expect_err(fx_in(&F, TCPSM_FIN | TCPSM_ACK, IRS + 1u, ISS + 1u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_FIN);
    expect_state(&F, TCPSM_CLOSING);
    expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 2u);      /* 4. --> ACK of its FIN */
    expect_deadline(&F, H_T0 + RTO1);                   /* our FIN still outstanding */
    /* 5. <-- <SEQ=IRS+2><ACK=ISS+2><CTL=ACK> */
    F.now += 2000;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 2u, ISS + 2u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_none(&F);
    expect_deadline(&F, F.now + MSL2);
    fx_timer(&F, F.now + MSL2);
    expect_state(&F, TCPSM_CLOSED);
}

/* The same between two engines: both CLOSE, the FINs cross, then the ACKs. */
static void test_simultaneous_close_between_two_engines(void **state)
{
    (void)state;
    handshake_and_data();
    ctx("simultaneous close");
    expect_err(fx_close(&F), TCPSM_OK);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 101u, IRS + 201u);
    XF = F;                             /* F's FIN, in flight */
    expect_err(fx_close(&G), TCPSM_OK);
    expect_one(&G, TCPSM_FIN | TCPSM_ACK, IRS + 201u, ISS + 101u);
    xfer(&G, 0, &F);
    expect_row(&F, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_FIN);
    expect_state(&F, TCPSM_CLOSING);
    expect_one(&F, TCPSM_ACK, ISS + 102u, IRS + 202u);
    xfer(&XF, 0, &G);
    expect_state(&G, TCPSM_CLOSING);
    expect_one(&G, TCPSM_ACK, IRS + 202u, ISS + 102u);
    XG = G;                             /* G's ACK, in flight */
    xfer(&F, 0, &G);
    expect_row(&G, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&G, TCPSM_TIME_WAIT);
    expect_none(&G);
    xfer(&XG, 0, &F);
    expect_row(&F, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_none(&F);
    expect_deadline(&F, F.now + MSL2);
    expect_deadline(&G, G.now + MSL2);
    fx_timer(&F, F.now + MSL2);
    fx_timer(&G, G.now + MSL2);
    expect_state(&F, TCPSM_CLOSED);
    expect_state(&G, TCPSM_CLOSED);
}

/* RFC 9293 3.6: after our CLOSE we keep receiving until the peer's FIN. */
static void test_half_close_keeps_receiving_until_peer_fin(void **state)
{
    (void)state;
    uint32_t acc;
    uint8_t buf[8];
    at(&F, NULL, H_FW1);
    /* data before the peer has acknowledged our FIN */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 300), TCPSM_OK);
    expect_state(&F, TCPSM_FIN_WAIT_1);
    expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 301u);
    /* more data, with the ACK of our FIN */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 301u, ISS + 2u, 200), TCPSM_OK);
    expect_fired(&F, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&F, TCPSM_FIN_WAIT_2);
    expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 501u);
    fx_recv_check(&F, IRS + 1u, 500, NULL);
    /* we cannot send any more */
    expect_err(fx_send_n(&F, 0, 5, 0, &acc), TCPSM_ERR_CLOSING);
    expect_none(&F);
    /* in FIN-WAIT-2, as long as the peer likes */
    for (uint32_t k = 0; k < 3; k++) {
        uint32_t seq = IRS + 501u + k * 100u;
        expect_err(fx_in(&F, TCPSM_ACK | TCPSM_PSH, seq, ISS + 2u, 100), TCPSM_OK);
        expect_one(&F, TCPSM_ACK, ISS + 2u, seq + 100u);
        unsigned fl = 0;
        fx_recv_check(&F, seq, 100, &fl);
        assert_true(fl & TCPSM_RECV_PUSH);
        expect_state(&F, TCPSM_FIN_WAIT_2);
    }
    /* the peer's FIN ends it */
    expect_err(fx_in(&F, TCPSM_FIN | TCPSM_ACK, IRS + 801u, ISS + 2u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_TIME_WAIT);
    expect_one(&F, TCPSM_ACK, ISS + 2u, IRS + 802u);
    expect_err(fx_receive(&F, buf, sizeof buf, &acc, NULL), TCPSM_ERR_CLOSING);
}

/* The other half: the peer closed; we keep sending until our CLOSE. */
static void test_close_wait_keeps_sending_until_close(void **state)
{
    (void)state;
    uint32_t acc;
    at(&F, NULL, H_CLOSE_WAIT);
    expect_err(fx_send_n(&F, 0, 100, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 2u);
    expect_len(&F, 0, 100);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 2u, ISS + 101u, 0), TCPSM_OK);
    expect_none(&F);
    expect_err(fx_send_n(&F, 100, 50, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 101u, IRS + 2u);
    expect_len(&F, 0, 50);
    expect_err(fx_close(&F), TCPSM_OK);
    expect_state(&F, TCPSM_LAST_ACK);
    expect_one(&F, TCPSM_FIN | TCPSM_ACK, ISS + 151u, IRS + 2u);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 2u, ISS + 151u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_LAST_ACK);                   /* data acked, FIN not yet */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 2u, ISS + 152u, 0), TCPSM_OK);
    expect_row(&F, TCPSM_LAST_ACK, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(&F, TCPSM_CLOSED);
    expect_none(&F);
}

/* ---------------------------------------------------------------------- */
/* PUSH and URGENT */

static void test_push_on_send_sets_psh_on_the_segment_that_ends_it(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_mss = 500;
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 1200, TCPSM_SEND_PUSH, &acc), TCPSM_OK);
    assert_int_equal(F.nout, 3);
    assert_false(F.out[0].flags & TCPSM_PSH);
    assert_false(F.out[1].flags & TCPSM_PSH);
    assert_true(F.out[2].flags & TCPSM_PSH);
    assert_int_equal(F.out[2].len, 200);
    /* no PUSH asked: no PSH */
    expect_err(fx_send_n(&F, 1200, 100, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1201u, IRS + 1u);
    assert_false(F.out[0].flags & TCPSM_PSH);
    /* two SENDs held back by the window go out together: the PUSH point
     * falls inside the segment, which carries PSH */
    at(&F, NULL, H_ESTAB);
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
    expect_err(fx_send_n(&F, 0, 100, TCPSM_SEND_PUSH, &acc), TCPSM_OK);
    expect_none(&F);
    expect_err(fx_send_n(&F, 100, 100, 0, &acc), TCPSM_OK);
    expect_none(&F);
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 1000), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 200);
    assert_true(F.out[0].flags & TCPSM_PSH);
}

static void test_urgent_on_send_sets_urg_and_the_pointer_after_the_urgent_data(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_mss = 100;
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 5, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);      /* URG not set */
    /* 250 urgent bytes over three segments: each points at ISS+256, the
     * octet after the urgent data (MUST-62). */
    expect_err(fx_send_n(&F, 5, 250, TCPSM_SEND_URGENT, &acc), TCPSM_OK);
    assert_int_equal(F.nout, 3);
    const uint16_t urp[3] = { 250, 150, 50 };
    for (int k = 0; k < 3; k++) {
        expect_seg(&F, k, TCPSM_ACK | TCPSM_URG, ISS + 6u + 100u * (uint32_t)k, IRS + 1u);
        expect_our_data(&F, k);
        assert_int_equal(F.out[k].urp, urp[k]);
    }
    /* data after the urgent data: no URG */
    expect_err(fx_send_n(&F, 255, 10, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 256u, IRS + 1u);
    assert_int_equal(F.out[0].urp, 0);
    /* a retransmission of urgent data keeps the pointer */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 106u, 0), TCPSM_OK);
    fx_timer(&F, F.now + status_of(&F).rto_us);
    expect_one(&F, TCPSM_ACK | TCPSM_URG, ISS + 106u, IRS + 1u);
    assert_int_equal(F.out[0].urp, 150);
    /* once all is acknowledged, no more URG */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 266u, 0), TCPSM_OK);
    expect_err(fx_send_n(&F, 265, 10, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 266u, IRS + 1u);
}

static void test_push_and_urgent_on_receive_are_reported_in_flags(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t got;
    unsigned fl;
    at(&F, NULL, H_ESTAB);
    /* 100 bytes with PSH read 40 at a time: PUSH with the read that ends at it */
    expect_err(fx_in(&F, TCPSM_ACK | TCPSM_PSH, IRS + 1u, ISS + 1u, 100), TCPSM_OK);
    for (int k = 0; k < 3; k++) {
        expect_err(fx_receive(&F, buf, 40, &got, &fl), TCPSM_OK);
        assert_int_equal(got, k < 2 ? 40 : 20);
        assert_int_equal(fl, k < 2 ? 0u : (unsigned)TCPSM_RECV_PUSH);
    }
    /* without PSH: no PUSH */
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 101u, ISS + 1u, 50), TCPSM_OK);
    fx_recv_check(&F, IRS + 101u, 50, &fl);
    assert_int_equal(fl, 0);
    /* 30 bytes, the first 20 urgent (RCV.UP = SEG.SEQ + SEG.UP) */
    struct tcpsm_segment s = h_seg(&F, TCPSM_ACK | TCPSM_URG, IRS + 151u, ISS + 1u, 30);
    s.urp = 20;
    expect_err(fx_input(&F, &s, h_pat(&F, IRS + 151u, 30)), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 181u);
    assert_true(status_of(&F).urgent);
    expect_err(fx_receive(&F, buf, 10, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 10);
    assert_int_equal(fl, TCPSM_RECV_URGENT);
    assert_true(status_of(&F).urgent);
    expect_err(fx_receive(&F, buf, 10, &got, &fl), TCPSM_OK);
    assert_int_equal(fl, TCPSM_RECV_URGENT);         /* urgent data was still ahead */
    assert_false(status_of(&F).urgent);               /* now read up to RCV.UP */
    expect_err(fx_receive(&F, buf, 10, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 10);
    assert_int_equal(fl, 0);
}

/* ---------------------------------------------------------------------- */
/* MSS (MUST-15, MUST-16) and the send window */

/* Send n bytes at once from ESTABLISHED and check they went out in pieces
 * of `piece` bytes (the last shorter), back to back. */
static void h_expect_pieces(struct fx *f, uint32_t n, uint32_t piece, const char *file, int line)
{
    uint32_t acc = 0, seq = ISS + 1u, left = n;
    enum tcpsm_err e = h_send_n(f, 0, n, 0, &acc, file, line);
    H_REQUIRE(e == TCPSM_OK && acc == n, file, line, "send: %s, %u taken", tcpsm_err_name(e), acc);
    H_REQUIRE((uint32_t)f->nout == (n + piece - 1u) / piece, file, line,
              "%d segments for %u bytes at MSS %u", f->nout, n, piece);
    for (int k = 0; k < f->nout; k++) {
        uint32_t want = left < piece ? left : piece;
        h_expect_seg(f, k, TCPSM_ACK, seq, IRS + 1u, file, line);
        H_REQUIRE(f->out[k].len == want, file, line, "segment %d: %u bytes, want %u", k,
                  f->out[k].len, want);
        h_expect_our_data(f, k, file, line);
        seq += want;
        left -= want;
    }
}
#define expect_pieces(f, n, piece) h_expect_pieces((f), (n), (piece), __FILE__, __LINE__)

static void test_send_segments_at_the_peer_mss_when_smaller(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    F.peer_mss = 500;
    fx_drive(&F, H_ESTAB);
    assert_int_equal(status_of(&F).snd_mss, 500);
    expect_pieces(&F, 1200, 500);
    /* the passive side takes it from the SYN too */
    fx_setup(&F, NULL);
    F.peer_mss = 700;
    fx_drive(&F, H_ESTAB_P);
    assert_int_equal(status_of(&F).snd_mss, 700);
    expect_pieces(&F, 1500, 700);
}

static void test_send_segments_at_our_mss_when_smaller(void **state)
{
    (void)state;
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.mss = 400;
    fx_setup(&F, &cfg);
    fx_drive(&F, H_ESTAB);              /* the driver checks the SYN's MSS = cfg.mss */
    assert_int_equal(status_of(&F).snd_mss, 400);
    expect_pieces(&F, 1000, 400);
}

static void test_peer_without_mss_option_gets_536_or_1220(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    F.peer_mss = 0;                     /* no MSS option on the peer's SYN */
    fx_drive(&F, H_ESTAB);
    assert_int_equal(status_of(&F).snd_mss, 536);      /* MUST-15, IPv4 */
    expect_pieces(&F, 1200, 536);
    fx_setup(&F, NULL);
    F.peer_mss = 0;
    fx_drive(&F, H_SYN_RCVD_P);
    assert_int_equal(status_of(&F).snd_mss, 536);
    /* IPv6: 1220 */
    fx_setup(&F, NULL);
    F.peer_mss = 0;
    memset(&F.laddr, 0, sizeof F.laddr);
    memset(&F.raddr, 0, sizeof F.raddr);
    F.laddr.family = F.raddr.family = TCPSM_AF_INET6;
    F.laddr.addr[0] = F.raddr.addr[0] = 0xfd;
    F.laddr.addr[15] = 1;
    F.raddr.addr[15] = 2;
    fx_drive(&F, H_ESTAB);
    assert_int_equal(status_of(&F).snd_mss, 1220);
    expect_pieces(&F, 2000, 1220);
    /* The default follows the peer's family even when OPEN left our own
     * address unspecified (the IP layer picks it). */
    fx_setup(&F, NULL);
    F.peer_mss = 0;
    memset(&F.laddr, 0, sizeof F.laddr);
    memset(&F.raddr, 0, sizeof F.raddr);
    F.raddr.family = TCPSM_AF_INET6;
    F.raddr.addr[0] = 0xfd;
    F.raddr.addr[15] = 2;
    fx_drive(&F, H_ESTAB);
    assert_int_equal(status_of(&F).snd_mss, 1220);
}

static void test_send_respects_snd_wnd(void **state)
{
    (void)state;
    uint32_t acc;
    fx_setup(&F, NULL);
    F.peer_mss = 500;
    F.peer_wnd = 700;
    fx_drive(&F, H_ESTAB);
    expect_err(fx_send_n(&F, 0, 1200, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 1200);
    /* 500 go; the 200 usable octets left wait (MUST-38, sender SWS: less
     * than a segment, than what is queued and than half the window) */
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_len(&F, 0, 500);
    /* 500 acknowledged, window 700: 500 + the last 200 go, no more */
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 501u, 0, 700), TCPSM_OK);
    assert_int_equal(F.nout, 2);        /* 700 = SND.WND */
    expect_seg(&F, 0, TCPSM_ACK, ISS + 501u, IRS + 1u);
    expect_len(&F, 0, 500);
    expect_seg(&F, 1, TCPSM_ACK, ISS + 1001u, IRS + 1u);
    expect_len(&F, 1, 200);
    /* all acknowledged, window closed: new data waits */
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1201u, 0, 0), TCPSM_OK);
    expect_none(&F);
    expect_err(fx_send_n(&F, 1200, 10, 0, &acc), TCPSM_OK);
    expect_none(&F);
    /* a window of 4 is too small for any of the 10 (SWS) ... */
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1201u, 0, 4), TCPSM_OK);
    expect_none(&F);
    /* ... one of 100 lets all of them go */
    expect_err(fx_in_wnd(&F, TCPSM_ACK, IRS + 1u, ISS + 1201u, 0, 100), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1201u, IRS + 1u);
    expect_len(&F, 0, 10);
}

/* ---------------------------------------------------------------------- */
/* Bad arguments: TCPSM_ERR_INVAL and the TCB byte for byte as it was */

static struct tcpsm_conn snap;

static void h_expect_inval_untouched(enum tcpsm_err e, const char *what, const char *file,
                                     int line)
{
    H_REQUIRE(e == TCPSM_ERR_INVAL, file, line, "%s returned %s, want TCPSM_ERR_INVAL", what,
              tcpsm_err_name(e));
    H_REQUIRE(memcmp(&snap, &F.c, sizeof snap) == 0, file, line,
              "%s changed the TCB (nlog %u -> %u, state %s -> %s)", what, snap.nlog, F.c.nlog,
              tcpsm_state_name(snap.state), tcpsm_state_name(F.c.state));
}
#define BAD(call) \
    do { memcpy(&snap, &F.c, sizeof snap); \
         h_expect_inval_untouched((call), #call, __FILE__, __LINE__); } while (0)

static void test_bad_arguments_return_inval_and_leave_the_tcb_untouched(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t n = 77;
    unsigned fl = 77;
    struct tcpsm_segment seg;
    struct tcpsm_status st;
    at(&F, NULL, H_ESTAB);
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 1u, 30), TCPSM_OK);   /* unread data */
    expect_err(fx_send_n(&F, 0, 40, 0, &n), TCPSM_OK);   /* unacked data; logs a row */
    assert_int_equal(F.c.nlog, 1);
    const uint64_t now = F.now;

    struct tcpsm_open o = h_open_args(&F, true, true);
    BAD(tcpsm_open(&F.c, now, NULL));
    o.local.port = 0;
    BAD(tcpsm_open(&F.c, now, &o));     /* no local port */
    o = h_open_args(&F, true, true);
    o.remote.ip.family = TCPSM_AF_INET6;
    BAD(tcpsm_open(&F.c, now, &o));     /* local and remote of different families */

    n = 77;
    BAD(tcpsm_send(&F.c, now, NULL, 10, 0, &n));
    assert_int_equal(n, 77);
    BAD(tcpsm_receive(&F.c, now, buf, sizeof buf, NULL, &fl));
    BAD(tcpsm_receive(&F.c, now, NULL, 10, &n, &fl));
    assert_int_equal(n, 77);
    BAD(tcpsm_status(&F.c, NULL));
    BAD(tcpsm_input(&F.c, now, NULL, NULL));
    seg = h_seg(&F, TCPSM_ACK, IRS + 31u, ISS + 41u, 10);
    BAD(tcpsm_input(&F.c, now, &seg, NULL));            /* len > 0, no payload */
    seg.len = 0x10000u;
    BAD(tcpsm_input(&F.c, now, &seg, F.pbuf));          /* longer than any segment */
    BAD(tcpsm_output(&F.c, now, NULL, buf, sizeof buf));
    BAD(tcpsm_output(&F.c, now, &seg, NULL, 10));

    /* NULL TCB */
    assert_int_equal(tcpsm_open(NULL, now, &o), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_send(NULL, now, buf, 1, 0, &n), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_receive(NULL, now, buf, 1, &n, NULL), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_close(NULL, now), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_abort(NULL, now), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_status(NULL, &st), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_input(NULL, now, &seg, F.pbuf), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_output(NULL, now, &seg, buf, sizeof buf), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_timer(NULL, now), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_set_iss(NULL, 1), TCPSM_ERR_INVAL);
    assert_int_equal(tcpsm_next_deadline(NULL), TCPSM_NEVER);

    /* A TCB whose state is out of range is refused by every call, untouched. */
    F.c.state = TCPSM_NSTATES;
    o = h_open_args(&F, true, true);
    seg = h_seg(&F, TCPSM_ACK, IRS + 31u, ISS + 41u, 0);
    BAD(tcpsm_open(&F.c, now, &o));
    BAD(tcpsm_send(&F.c, now, buf, 1, 0, &n));
    BAD(tcpsm_receive(&F.c, now, buf, sizeof buf, &n, &fl));
    BAD(tcpsm_close(&F.c, now));
    BAD(tcpsm_abort(&F.c, now));
    BAD(tcpsm_status(&F.c, &st));
    BAD(tcpsm_input(&F.c, now, &seg, NULL));
    BAD(tcpsm_output(&F.c, now, &seg, buf, sizeof buf));
    BAD(tcpsm_timer(&F.c, now + 1000000000ull));
    F.c.state = TCPSM_ESTABLISHED;
    assert_int_equal(tcpsm_conn_check(&F.c), TCPSM_INV_OK);
}

static void test_conn_init_bad_arguments_return_inval_and_leave_the_tcb_untouched(void **state)
{
    (void)state;
    struct tcpsm_config cfg;
    const uint32_t gib = 1u << 30;
    at(&F, NULL, H_ESTAB);              /* a TCB worth keeping */

    assert_int_equal(tcpsm_conn_init(NULL, NULL, F.sbuf, 10, F.rbuf, 10), TCPSM_ERR_INVAL);
    BAD(tcpsm_conn_init(&F.c, NULL, NULL, 10, F.rbuf, 10));
    BAD(tcpsm_conn_init(&F.c, NULL, F.sbuf, 10, NULL, 10));
    BAD(tcpsm_conn_init(&F.c, NULL, F.sbuf, gib + 1u, F.rbuf, 10));   /* over 1 GiB */
    BAD(tcpsm_conn_init(&F.c, NULL, F.sbuf, 10, F.rbuf, gib + 1u));
    BAD(tcpsm_conn_init(&F.c, NULL, F.sbuf, UINT32_MAX, F.rbuf, UINT32_MAX));
    tcpsm_config_default(&cfg);
    cfg.mss = 0;
    BAD(tcpsm_conn_init(&F.c, &cfg, F.sbuf, 10, F.rbuf, 10));
    tcpsm_config_default(&cfg);
    cfg.rto_initial_us = 0;
    BAD(tcpsm_conn_init(&F.c, &cfg, F.sbuf, 10, F.rbuf, 10));
    tcpsm_config_default(&cfg);
    cfg.rto_max_us = cfg.rto_initial_us - 1u;
    BAD(tcpsm_conn_init(&F.c, &cfg, F.sbuf, 10, F.rbuf, 10));
    tcpsm_config_default(&cfg);
    cfg.msl_us = 0x80000000u;
    BAD(tcpsm_conn_init(&F.c, &cfg, F.sbuf, 10, F.rbuf, 10));

    /* The edges that are fine: exactly 1 GiB (not touched at init), and
     * NULL buffers of capacity 0. */
    static struct tcpsm_conn c;
    assert_int_equal(tcpsm_conn_init(&c, NULL, F.sbuf, gib, F.rbuf, gib), TCPSM_OK);
    assert_int_equal(c.state, TCPSM_CLOSED);
    assert_int_equal(tcpsm_conn_init(&c, NULL, NULL, 0, NULL, 0), TCPSM_OK);
    assert_int_equal(tcpsm_conn_check(&c), TCPSM_INV_OK);
}

/* ---------------------------------------------------------------------- */
/* Seeded random exchange over a lossy network */

#define RT_NET 256
#define RT_STEPS 400
#define RT_ROUNDS 6
#define RT_CHUNK 3000u

/* The engine has no zero-window probe yet (RFC 9293 3.8.6.1, MUST-35/36:
 * flow control is "not yet" in the README).  So when the window update
 * that reopens a shut window is lost and the sender has nothing in
 * flight, the connection waits for ever.  Until probing exists, a round
 * that ends in exactly that state stops there (the prefix checks made on
 * the way still count); set this to 0 to make it a failure. */
#define RT_TOLERATE_SHUT_WINDOW 1

struct rt_pkt {
    struct tcpsm_segment s;
    uint8_t d[H_OUTCAP];
    uint8_t to;
};

struct rt_side {
    struct fx *f;
    uint64_t sent, rcvd;        /* bytes of its stream taken by SEND; of the other's read */
    bool closed;                /* the user called CLOSE */
};

static struct rt_pkt rt_net[RT_NET];
static int rt_n;
static struct rt_side rt[2];
static uint64_t rt_now;
static unsigned long long rt_seed;
static int rt_step;
static const char *rt_phase;
static int rt_shut;             /* rounds stopped by RT_TOLERATE_SHUT_WINDOW */

#define RT_REQUIRE(cond, ...) H_REQUIRE((cond), __FILE__, __LINE__, __VA_ARGS__)

static void rt_ctx(void)
{
    ctx("random exchange: seed %llu (TCPSM_SEED=%llu reproduces it), %s, step %d",
        rt_seed, rt_seed, rt_phase, rt_step);
}

/* Byte i of side k's stream. */
static uint8_t rt_byte(int k, uint64_t i)
{
    return (uint8_t)((i * 7u + 3u) ^ (i >> 9) ^ (k ? 0xA5u : 0x00u));
}

/* Put what side k just sent on the network, towards the other side. */
static void rt_collect(int k)
{
    struct fx *f = rt[k].f;
    for (int i = 0; i < f->nout; i++) {
        const struct tcpsm_segment *s = &f->out[i];
        /* A RST never has a reason to appear before the closing phase. */
        RT_REQUIRE(!(s->flags & TCPSM_RST) || f->c.state == TCPSM_CLOSED,
                   "side %d (%s) sent %s seq %u ack %u", k, tcpsm_state_name(f->c.state),
                   h_flags_str(s->flags), s->seq, s->ack);
        if (rt_n == RT_NET) {           /* the network is full: the oldest is lost */
            memmove(&rt_net[0], &rt_net[1], (RT_NET - 1) * sizeof rt_net[0]);
            rt_n--;
        }
        rt_net[rt_n].s = *s;
        memcpy(rt_net[rt_n].d, f->outdata[i], s->len);
        rt_net[rt_n].to = (uint8_t)(1 - k);
        rt_n++;
    }
    f->nout = 0;
}

static void rt_send(int k, uint32_t len, unsigned flags)
{
    static uint8_t data[RT_CHUNK];
    struct fx *f = rt[k].f;
    unsigned st = f->c.state;
    if (rt[k].closed || !(st == TCPSM_SYN_SENT || st == TCPSM_SYN_RECEIVED
                          || st == TCPSM_ESTABLISHED || st == TCPSM_CLOSE_WAIT))
        return;
    uint32_t space = status_of(f).send_space;
    for (uint32_t i = 0; i < len; i++)
        data[i] = rt_byte(k, rt[k].sent + i);
    uint32_t acc = 0xFFFFFFFFu;
    f->now = rt_now;
    enum tcpsm_err e = fx_send(f, data, len, flags, &acc);
    uint32_t want = len < space ? len : space;
    RT_REQUIRE(acc == want, "side %d: SEND of %u with %u free took %u", k, len, space, acc);
    RT_REQUIRE(e == ((len > 0 && want == 0) ? TCPSM_ERR_RESOURCES : TCPSM_OK),
               "side %d: SEND returned %s", k, tcpsm_err_name(e));
    rt[k].sent += acc;
    rt_collect(k);
}

/* Read up to cap bytes at side k; they must continue the other's stream. */
static uint32_t rt_receive(int k, uint32_t cap)
{
    static uint8_t buf[8192];
    struct fx *f = rt[k].f;
    if (f->c.state == TCPSM_CLOSED)
        return 0;
    uint32_t got = 0xFFFFFFFFu;
    f->now = rt_now;
    enum tcpsm_err e = fx_receive(f, buf, cap, &got, NULL);
    rt_collect(k);
    if (e == TCPSM_ERR_CLOSING) {
        RT_REQUIRE(rt[1 - k].closed && rt[k].rcvd == rt[1 - k].sent && got == 0,
                   "side %d: \"connection closing\" after %llu of %llu bytes", k,
                   (unsigned long long)rt[k].rcvd, (unsigned long long)rt[1 - k].sent);
        return 0;
    }
    RT_REQUIRE(e == TCPSM_OK, "side %d: RECEIVE returned %s", k, tcpsm_err_name(e));
    RT_REQUIRE(rt[k].rcvd + got <= rt[1 - k].sent,
               "side %d received %llu bytes, more than the %llu sent", k,
               (unsigned long long)(rt[k].rcvd + got), (unsigned long long)rt[1 - k].sent);
    for (uint32_t i = 0; i < got; i++)
        RT_REQUIRE(buf[i] == rt_byte(1 - k, rt[k].rcvd + i),
                   "side %d: byte %llu of the stream is %#x, want %#x (reordered, "
                   "duplicated or corrupted)", k, (unsigned long long)(rt[k].rcvd + i), buf[i],
                   rt_byte(1 - k, rt[k].rcvd + i));
    rt[k].rcvd += got;
    return got;
}

/* mode 0: deliver; 1: deliver and keep a duplicate; 2: lose it. */
static void rt_deliver(int idx, int mode)
{
    static struct rt_pkt p;
    p = rt_net[idx];
    if (mode != 1) {
        memmove(&rt_net[idx], &rt_net[idx + 1], (size_t)(rt_n - idx - 1) * sizeof rt_net[0]);
        rt_n--;
    }
    if (mode == 2)
        return;
    int k = p.to;
    struct fx *f = rt[k].f;
    f->now = rt_now;
    enum tcpsm_err e = fx_input(f, &p.s, p.s.len ? p.d : NULL);
    RT_REQUIRE(e == TCPSM_OK, "side %d: input returned %s", k, tcpsm_err_name(e));
    rt_collect(k);
}

static void rt_timers(int k)
{
    struct fx *f = rt[k].f;
    for (int guard = 0; tcpsm_next_deadline(&f->c) <= rt_now; guard++) {
        RT_REQUIRE(guard < 8, "side %d: deadline %llu still due at %llu", k,
                   (unsigned long long)tcpsm_next_deadline(&f->c), (unsigned long long)rt_now);
        fx_timer(f, rt_now);
        rt_collect(k);
    }
}

/* Side k holds data it cannot send and nothing of its is in flight: only
 * a window update from the other side would let it go on. */
static bool rt_window_shut(int k)
{
    const struct tcpsm_conn *c = &rt[k].f->c;
    uint32_t unsent = status_of(rt[k].f).send_queued;
    return unsent > 0 && c->snd_una == c->snd_nxt && c->snd_wnd == 0
           && rt[1 - k].f->c.rcap - rt[1 - k].f->c.rcount > 0;
}

/* Deliver everything without loss (a segment a millisecond, the users
 * reading as it comes, the timers running) until nothing is left to do;
 * then every byte sent must have been received.  Returns false for the
 * one stall that is tolerated, see RT_TOLERATE_SHUT_WINDOW. */
static bool rt_settle(bool closing)
{
    for (int it = 0; it < 200000; it++) {
        for (int k = 0; k < 2; k++)
            while (rt_receive(k, 8192) > 0)
                ;
        if (rt_n > 0) {
            /* Two engines may trade ACKs for a while here: a pure ACK
             * whose SEQ is past the peer's window (after the peer's
             * window update was lost, or at its right edge) is not
             * acceptable (RFC 9293 Table 6) and is answered with an ACK.
             * Time passing lets the retransmission fill the hole. */
            rt_deliver(0, 0);
            rt_now += 1000;
            rt_timers(0);
            rt_timers(1);
            continue;
        }
        uint64_t t0 = tcpsm_next_deadline(&rt[0].f->c), t1 = tcpsm_next_deadline(&rt[1].f->c);
        uint64_t t = t0 < t1 ? t0 : t1;
        if (t == TCPSM_NEVER) {
            bool done = rt[0].rcvd == rt[1].sent && rt[1].rcvd == rt[0].sent;
            if (!done && RT_TOLERATE_SHUT_WINDOW && !closing
                && (rt_window_shut(0) || rt_window_shut(1)))
                return false;
            RT_REQUIRE(done, "stalled: side 0 read %llu of %llu, side 1 read %llu of %llu, "
                             "states %s/%s, send windows %u/%u",
                       (unsigned long long)rt[0].rcvd, (unsigned long long)rt[1].sent,
                       (unsigned long long)rt[1].rcvd, (unsigned long long)rt[0].sent,
                       tcpsm_state_name(rt[0].f->c.state), tcpsm_state_name(rt[1].f->c.state),
                       rt[0].f->c.snd_wnd, rt[1].f->c.snd_wnd);
            if (closing)
                RT_REQUIRE(rt[0].f->c.state == TCPSM_CLOSED && rt[1].f->c.state == TCPSM_CLOSED,
                           "closing ended in %s/%s", tcpsm_state_name(rt[0].f->c.state),
                           tcpsm_state_name(rt[1].f->c.state));
            return true;
        }
        if (t > rt_now)
            rt_now = t;
        rt_timers(0);
        rt_timers(1);
    }
    RT_REQUIRE(false, "the exchange did not settle");
    return false;
}

static void rt_round(unsigned long long seed)
{
    uint64_t rng = seed;
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.user_timeout_us = 0;            /* losses may be long; never give up */
    cfg.rto_max_us = 4000000u;
    cfg.msl_us = 1000000u;
    pair_setup(&cfg);
    F.iss = (uint32_t)h_rng(&rng);      /* anywhere, wrapping included */
    G.iss = (uint32_t)h_rng(&rng);
    memset(rt, 0, sizeof rt);
    rt[0].f = &F;
    rt[1].f = &G;
    rt_n = 0;
    rt_now = H_T0;
    rt_seed = seed;
    rt_phase = "open";
    rt_step = 0;
    rt_ctx();
    expect_err(fx_open(&G, false, false), TCPSM_OK);
    expect_err(fx_open(&F, true, true), TCPSM_OK);
    rt_collect(0);

    rt_phase = "lossy exchange";
    for (rt_step = 0; rt_step < RT_STEPS; rt_step++) {
        rt_ctx();
        uint32_t r = h_rnd(&rng, 100);
        int k = (int)h_rnd(&rng, 2);
        if (r < 18) {
            unsigned fl = (h_rnd(&rng, 4) == 0 ? TCPSM_SEND_PUSH : 0u)
                          | (h_rnd(&rng, 16) == 0 ? TCPSM_SEND_URGENT : 0u);
            rt_send(k, h_rnd(&rng, RT_CHUNK + 1u), fl);
        } else if (r < 34) {
            rt_receive(k, 1u + h_rnd(&rng, RT_CHUNK));
        } else if (r < 82) {
            if (rt_n == 0)
                continue;
            /* mostly in order, sometimes any segment in flight (reordering) */
            int idx = h_rnd(&rng, 3) == 0 ? (int)h_rnd(&rng, (uint32_t)rt_n) : 0;
            uint32_t d = h_rnd(&rng, 100);
            rt_deliver(idx, d < 15 ? 2 : d < 25 ? 1 : 0);
        } else {
            rt_now += h_rnd(&rng, 400000);
            rt_timers(0);
            rt_timers(1);
        }
    }

    rt_phase = "lossless drain";
    rt_ctx();
    if (!rt_settle(false)) {
        rt_shut++;
        return;
    }
    RT_REQUIRE(F.c.state == TCPSM_ESTABLISHED && G.c.state == TCPSM_ESTABLISHED,
               "after the exchange: %s/%s", tcpsm_state_name(F.c.state),
               tcpsm_state_name(G.c.state));

    rt_phase = "close";
    rt_ctx();
    int first = (int)h_rnd(&rng, 2);
    for (int j = 0; j < 2; j++) {
        int k = j == 0 ? first : 1 - first;
        rt[k].f->now = rt_now;
        expect_err(fx_close(rt[k].f), TCPSM_OK);
        rt[k].closed = true;
        rt_collect(k);
        for (uint32_t m = h_rnd(&rng, 3); m > 0 && rt_n > 0; m--)
            rt_deliver(0, 0);
    }
    rt_settle(true);
    RT_REQUIRE(F.c.error == TCPSM_OK && G.c.error == TCPSM_OK, "errors after close: %s/%s",
               tcpsm_err_name(F.c.error), tcpsm_err_name(G.c.error));
}

static void test_random_exchange_delivers_exact_prefixes_over_a_lossy_network(void **state)
{
    (void)state;
    unsigned long long seed = h_seed();
    rt_shut = 0;
    for (int round = 0; round < RT_ROUNDS; round++) {
        rt_round(seed);
        /* the next round's seed: TCPSM_SEED=<it> replays that round first */
        uint64_t s = seed;
        h_rng(&s);
        seed = s == 0 ? 1 : s;
    }
    if (rt_shut > 0)
        print_message("note: %d of %d rounds (seed %llu) stopped at a shut window that only a "
                      "zero-window probe would reopen\n", rt_shut, RT_ROUNDS, h_seed());
}


/* ---------------------------------------------------------------------- */
/* Keep-alive (RFC 9293 3.8.4, RFC 1122 4.2.3.6) */

#define HOURS2 7200000000ull            /* the default idle time: 2 hours */
#define KA_IVL 75000000ull              /* the default interval: 75 s */

/* A keep-alive probe: <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, len octets. */
static void h_expect_probe(const struct fx *f, uint32_t len, const char *file, int line)
{
    h_expect_one(f, TCPSM_ACK, f->c.snd_nxt - 1u, f->c.rcv_nxt, file, line);
    H_REQUIRE(f->out[0].len == len, file, line, "probe of %u octets, want %u", f->out[0].len,
              len);
}
#define expect_probe(f, len) h_expect_probe((f), (len), __FILE__, __LINE__)

static void test_keepalive_is_off_by_default(void **state)
{
    (void)state;
    /* MUST-25: an idle connection sends nothing, however long */
    at(&F, NULL, H_ESTAB);
    expect_deadline(&F, TCPSM_NEVER);
    fx_timer(&F, H_T0 + 10u * HOURS2);
    expect_none(&F);
    expect_state(&F, TCPSM_ESTABLISHED);
}

static void test_keepalive_probes_after_idle_then_every_interval_then_times_out(void **state)
{
    (void)state;
    /* MUST-24: the application asks for keep-alives on a connection */
    at(&F, NULL, H_ESTAB);
    expect_err(tcpsm_set_keepalive(&F.c, true), TCPSM_OK);
    /* MUST-26, MUST-28: the first probe when 2 hours passed with nothing
     * received, not a microsecond earlier */
    expect_deadline(&F, H_T0 + HOURS2);
    fx_timer(&F, H_T0 + HOURS2 - 1u);
    expect_none(&F);
    fx_timer(&F, H_T0 + HOURS2);
    expect_no_row(&F);
    expect_probe(&F, 0);                /* SHLD-12: no data */
    /* unanswered: every 75 s, 9 probes in all */
    for (unsigned i = 1; i < 9; i++) {
        uint64_t t = H_T0 + HOURS2 + i * KA_IVL;
        expect_deadline(&F, t);
        fx_timer(&F, t - 1u);
        expect_none(&F);
        fx_timer(&F, t);
        expect_probe(&F, 0);
    }
    assert_int_equal(status_of(&F).keepalive_probes, 9);
    assert_int_equal(status_of(&F).keepalive_unanswered, 9);
    /* the 9th unanswered for one interval: "connection timed out" */
    fx_timer(&F, H_T0 + HOURS2 + 9u * KA_IVL);
    expect_row(&F, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_KEEPALIVE);
    expect_state(&F, TCPSM_CLOSED);
    expect_none(&F);
    expect_err(user_call(&F, TCPSM_EV_RECEIVE), TCPSM_ERR_TIMED_OUT);
}

static void test_keepalive_tolerates_lost_acks_and_restarts_when_answered(void **state)
{
    (void)state;
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.keepalive = true;
    at(&F, &cfg, H_ESTAB);
    fx_timer(&F, H_T0 + HOURS2);
    expect_probe(&F, 0);
    /* MUST-29: the answer to the first probe is lost; the second is
     * answered 10 ms after it went */
    fx_timer(&F, H_T0 + HOURS2 + KA_IVL);
    expect_probe(&F, 0);
    F.now = H_T0 + HOURS2 + KA_IVL + 10000u;
    expect_err(fx_in(&F, TCPSM_ACK, F.c.rcv_nxt, F.c.snd_nxt, 0), TCPSM_OK);
    expect_none(&F);
    assert_int_equal(status_of(&F).keepalive_unanswered, 0);
    /* the idle time starts again from that ACK */
    expect_deadline(&F, F.now + HOURS2);
    /* data exchanged restarts it too; while data is outstanding no probe */
    F.now += 1000000u;
    uint32_t acc;
    expect_err(fx_send_n(&F, 0, 10, 0, &acc), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_deadline(&F, F.now + RTO1);  /* the retransmission timer, no keep-alive */
    F.now += 20000u;
    expect_err(fx_in(&F, TCPSM_ACK, IRS + 1u, ISS + 11u, 0), TCPSM_OK);
    expect_deadline(&F, F.now + HOURS2);
}

static void test_keepalive_interval_count_and_garbage_octet_are_configurable(void **state)
{
    (void)state;
    /* MUST-27, MAY-6: 10 s idle, 1 s between probes, 2 probes, each with
     * one garbage octet; in each state a keep-alive runs in */
    static const enum h_state states[] = { H_ESTAB, H_FW2, H_CLOSE_WAIT };
    static const unsigned st[] = { TCPSM_ESTABLISHED, TCPSM_FIN_WAIT_2, TCPSM_CLOSE_WAIT };
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.keepalive = true;
    cfg.keepalive_garbage = true;
    cfg.keepalive_idle_us = 10000000u;
    cfg.keepalive_intvl_us = 1000000u;
    cfg.keepalive_count = 2;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        at(&F, &cfg, states[i]);
        expect_deadline(&F, H_T0 + 10000000u);
        fx_timer(&F, H_T0 + 10000000u);
        expect_probe(&F, 1);
        fx_timer(&F, H_T0 + 11000000u);
        expect_probe(&F, 1);
        fx_timer(&F, H_T0 + 12000000u);
        expect_row(&F, st[i], TCPSM_EV_TIMEOUT_KEEPALIVE);
        expect_state(&F, TCPSM_CLOSED);
    }
    /* no keep-alive where something is outstanding: FIN-WAIT-1 */
    at(&F, &cfg, H_FW1);
    fx_timer(&F, H_T0 + 10000000u);
    expect_front(&F, H_FW1);            /* that is the retransmission */
    expect_state(&F, TCPSM_FIN_WAIT_1);
}

/* ---------------------------------------------------------------------- */
/* Coverage: runs last */

static void test_every_user_call_and_timeout_row_is_exercised(void **state)
{
    (void)state;
    static char missing[8192];
    size_t len = 0;
    unsigned nmissing = 0;
    missing[0] = '\0';
    for (uint16_t r = 0; r < tcpsm_nrows; r++) {
        unsigned ev = tcpsm_rows[r].event;
        bool user = ev <= TCPSM_EV_STATUS;
        bool timeout = ev == TCPSM_EV_TIMEOUT_USER || ev == TCPSM_EV_TIMEOUT_RTX
                       || ev == TCPSM_EV_TIMEOUT_2MSL || ev == TCPSM_EV_TIMEOUT_KEEPALIVE;
        if ((!user && !timeout) || h_cov()[r] > 0)
            continue;
        nmissing++;
        if (len < sizeof missing - 128u)
            len += (size_t)snprintf(missing + len, sizeof missing - len,
                                    "  row %u: %s -%s-> %s (%s)\n", r,
                                    tcpsm_state_name(tcpsm_rows[r].from), tcpsm_event_name(ev),
                                    tcpsm_state_name(tcpsm_rows[r].to), tcpsm_rows[r].rfc);
    }
    if (nmissing > 0)
        fail_msg("%u user-call/timeout rows of spec/transitions.def never taken:\n%s", nmissing,
                 missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_passive_in_every_state),
        cmocka_unit_test(test_open_active_in_every_state),
        cmocka_unit_test(test_open_active_without_remote_socket_is_unspecified),
        cmocka_unit_test(test_send_in_every_state),
        cmocka_unit_test(test_send_in_listen_with_remote_socket_becomes_active_with_syn),
        cmocka_unit_test(test_send_in_listen_without_send_buffer_is_insufficient_resources),
        cmocka_unit_test(test_send_buffer_full_accepts_part_then_insufficient_resources),
        cmocka_unit_test(test_receive_in_every_state),
        cmocka_unit_test(test_receive_returns_data_on_hand_then_connection_closing),
        cmocka_unit_test(test_close_in_every_state),
        cmocka_unit_test(test_close_in_syn_received_without_data_sends_fin),
        cmocka_unit_test(test_close_in_syn_received_with_data_waits_for_established),
        cmocka_unit_test(test_close_sends_fin_after_queued_data),
        cmocka_unit_test(test_abort_in_every_state),
        cmocka_unit_test(test_abort_flushes_queued_and_unacknowledged_data),
        cmocka_unit_test(test_status_in_every_state),
        cmocka_unit_test(test_reset_refused_and_timeout_are_reported_once_by_the_next_call),
        cmocka_unit_test(test_retransmission_fires_at_rto_not_a_microsecond_before),
        cmocka_unit_test(test_retransmission_backoff_doubles_up_to_rto_max),
        cmocka_unit_test(test_retransmission_resends_earliest_unacknowledged_segment),
        cmocka_unit_test(test_retransmission_of_data_followed_by_fin),
        cmocka_unit_test(test_time_wait_expires_at_exactly_2msl),
        cmocka_unit_test(test_time_wait_retransmitted_fin_restarts_2msl),
        cmocka_unit_test(test_user_timeout_in_every_state_that_has_one),
        cmocka_unit_test(test_next_deadline_in_every_state),
        cmocka_unit_test(test_keepalive_is_off_by_default),
        cmocka_unit_test(test_keepalive_probes_after_idle_then_every_interval_then_times_out),
        cmocka_unit_test(test_keepalive_tolerates_lost_acks_and_restarts_when_answered),
        cmocka_unit_test(test_keepalive_interval_count_and_garbage_octet_are_configurable),
        cmocka_unit_test(test_connection_handshake_data_and_active_close),
        cmocka_unit_test(test_connection_handshake_data_and_passive_close),
        cmocka_unit_test(test_simultaneous_open_figure_7),
        cmocka_unit_test(test_simultaneous_open_between_two_engines),
        cmocka_unit_test(test_simultaneous_close_figure_13),
        cmocka_unit_test(test_simultaneous_close_between_two_engines),
        cmocka_unit_test(test_half_close_keeps_receiving_until_peer_fin),
        cmocka_unit_test(test_close_wait_keeps_sending_until_close),
        cmocka_unit_test(test_push_on_send_sets_psh_on_the_segment_that_ends_it),
        cmocka_unit_test(test_urgent_on_send_sets_urg_and_the_pointer_after_the_urgent_data),
        cmocka_unit_test(test_push_and_urgent_on_receive_are_reported_in_flags),
        cmocka_unit_test(test_send_segments_at_the_peer_mss_when_smaller),
        cmocka_unit_test(test_send_segments_at_our_mss_when_smaller),
        cmocka_unit_test(test_peer_without_mss_option_gets_536_or_1220),
        cmocka_unit_test(test_send_respects_snd_wnd),
        cmocka_unit_test(test_bad_arguments_return_inval_and_leave_the_tcb_untouched),
        cmocka_unit_test(test_conn_init_bad_arguments_return_inval_and_leave_the_tcb_untouched),
        cmocka_unit_test(test_random_exchange_delivers_exact_prefixes_over_a_lossy_network),
        /* last: reads the coverage the tests above left */
        cmocka_unit_test(test_every_user_call_and_timeout_row_is_exercised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
