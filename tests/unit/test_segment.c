/*
 * test_segment.c: SEGMENT ARRIVES (RFC 9293 3.10.7), state by state and
 * check by check.
 *
 * Each test drives a fresh connection into a state through the public API
 * (harness drivers), feeds one or a few segments from the peer, and checks
 * what the RFC says must happen: the exact reply (<SEQ=..><ACK=..><CTL=..>),
 * the state after, the row of spec/transitions.def that was taken, the
 * sequence variables (through STATUS) and the bytes the user receives.
 * Tests that hold for several states loop over them; a failure names the
 * state being tested.
 *
 * Expected values come from the RFC and from what the drivers predict
 * (F.snd_nxt, F.rcv_nxt), never from the TCB under test.
 *
 * The last test checks that every segment row of the table was taken by
 * some test before it.
 */
#include "harness.h"

static struct fx F;

/* ---------------------------------------------------------------------- */
/* Helpers */

/* The states 3.10.7.4 covers, as the drivers reach them. */
static const enum h_state other_states[] = {
    H_SYN_RCVD_P, H_SYN_RCVD_A, H_ESTAB, H_ESTAB_P, H_FW1, H_FW2,
    H_CLOSE_WAIT, H_CLOSING, H_LAST_ACK, H_TIME_WAIT,
};
#define N_OTHER (sizeof other_states / sizeof other_states[0])

static struct tcpsm_config cfg_5961(bool rst, bool syn, bool ack)
{
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.rfc5961_rst = rst;
    cfg.rfc5961_syn = syn;
    cfg.rfc5961_ack = ack;
    return cfg;
}

/* A fresh connection in state st; failures name the state. */
static struct fx *start(enum h_state st, const struct tcpsm_config *cfg)
{
    fx_setup(&F, cfg);
    fx_drive(&F, st);
    *h_ctx() = h_state_label(st);
    return &F;
}

/* The same with other buffer sizes. */
static struct fx *start_sized(enum h_state st, const struct tcpsm_config *cfg, uint32_t scap,
                              uint32_t rcap)
{
    fx_setup(&F, cfg);
    fx_resize(&F, scap, rcap);
    fx_drive(&F, st);
    *h_ctx() = h_state_label(st);
    return &F;
}

/* SND.UNA the RFC predicts in each driven state: the SYN is outstanding in
 * SYN-RECEIVED, our FIN in FIN-WAIT-1, CLOSING and LAST-ACK. */
static uint32_t una_of(const struct fx *f, enum h_state st)
{
    switch (st) {
    case H_SYN_RCVD_P:
    case H_SYN_RCVD_A:
        return f->iss;
    case H_FW1:
    case H_CLOSING:
    case H_LAST_ACK:
        return f->iss + 1u;
    default:
        return f->snd_nxt;
    }
}

static bool is_syn_rcvd(enum h_state st) { return st == H_SYN_RCVD_P || st == H_SYN_RCVD_A; }

/* The receive window the drivers leave: the whole (empty) buffer. */
static uint32_t rwnd(const struct fx *f) { return f->rcap; }

/* Exactly the pure ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
#define expect_pure_ack(f) expect_one((f), TCPSM_ACK, (f)->snd_nxt, (f)->rcv_nxt)

/* No row was taken by the last call. */
#define expect_no_row(f) \
    H_REQUIRE((f)->c.nlog == 0, __FILE__, __LINE__, "%u rows taken, want none (first %s -%s->)", \
              (f)->c.nlog, tcpsm_state_name((f)->c.log[0].from), \
              tcpsm_event_name((f)->c.log[0].event))

#define expect_not_fired(f, st, ev) \
    H_REQUIRE(!h_fired((f), (st), (ev)), __FILE__, __LINE__, "row (%s, %s) was taken", \
              tcpsm_state_name(st), tcpsm_event_name(ev))

#define expect_u32(got, want, what) \
    H_REQUIRE((uint32_t)(got) == (uint32_t)(want), __FILE__, __LINE__, "%s = %u, want %u", (what), \
              (unsigned)(got), (unsigned)(want))

/* After the TCB was deleted: the next user call reports err once (none:
 * straight "connection does not exist"). */
static void h_expect_gone(struct fx *f, enum tcpsm_err err, const char *file, int line)
{
    uint8_t buf[4];
    uint32_t got = 0;
    h_expect_state(f, TCPSM_CLOSED, file, line);
    H_REQUIRE(tcpsm_next_deadline(&f->c) == TCPSM_NEVER, file, line, "a timer runs in CLOSED");
    if (err != TCPSM_OK)
        h_expect_err(h_receive(f, buf, sizeof buf, &got, NULL, file, line), err, file, line);
    h_expect_err(h_receive(f, buf, sizeof buf, &got, NULL, file, line), TCPSM_ERR_NOT_EXIST, file,
                 line);
    h_expect_none(f, file, line);
}
#define expect_gone(f, err) h_expect_gone((f), (err), __FILE__, __LINE__)

/* Feed a segment built by h_seg with a changed compartment. */
static enum tcpsm_err h_in_comp(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack,
                                uint32_t len, uint32_t comp, const char *file, int line)
{
    struct tcpsm_segment s = h_seg(f, flags, seq, ack, len);
    s.compartment = comp;
    return h_input(f, &s, h_pat(f, (flags & TCPSM_SYN) ? seq + 1u : seq, len), file, line);
}
#define fx_in_comp(f, fl, seq, ack, len, comp) \
    h_in_comp((f), (fl), (seq), (ack), (len), (comp), __FILE__, __LINE__)

/* Feed a segment with the URG bit and an urgent pointer. */
static enum tcpsm_err h_in_urg(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack,
                               uint32_t len, uint16_t urp, const char *file, int line)
{
    struct tcpsm_segment s = h_seg(f, (uint8_t)(flags | TCPSM_URG), seq, ack, len);
    s.urp = urp;
    return h_input(f, &s, h_pat(f, seq, len), file, line);
}
#define fx_in_urg(f, fl, seq, ack, len, urp) \
    h_in_urg((f), (fl), (seq), (ack), (len), (urp), __FILE__, __LINE__)

static bool addr_same(const struct tcpsm_addr *a, const struct tcpsm_addr *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* A copy of the TCB, to show that a refused call changed nothing. */
static struct tcpsm_conn tcb_copy;

static void h_expect_untouched(const struct fx *f, const char *file, int line)
{
    H_REQUIRE(memcmp(&tcb_copy, &f->c, sizeof tcb_copy) == 0, file, line,
              "the TCB changed although the segment was refused");
}
#define expect_untouched(f) h_expect_untouched((f), __FILE__, __LINE__)

/* ---------------------------------------------------------------------- */
/* 3.10.7.1 CLOSED */

static void test_closed_rst_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    expect_err(fx_in(f, TCPSM_RST, 5000, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, 5000, 777, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_CLOSED);
}

static void test_closed_ack_draws_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    /* RFC 9293 3.10.7.1: ACK on -> <SEQ=SEG.ACK><CTL=RST> */
    expect_err(fx_in(f, TCPSM_ACK, 5000, 123456, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST, 123456, 0);
    expect_fired(f, TCPSM_CLOSED, TCPSM_EV_SEG_ANY);
    expect_state(f, TCPSM_CLOSED);
    /* data and FIN do not change the form when ACK is on */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN | TCPSM_PSH, 5000, 99, 20), TCPSM_OK);
    expect_one(f, TCPSM_RST, 99, 0);
    assert_int_equal(f->out[0].len, 0);
}

static void test_closed_no_ack_draws_rst_ack_counting_syn_fin_and_text(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    /* RFC 9293 3.10.7.1: ACK off -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
    expect_err(fx_in(f, TCPSM_SYN, 5000, 0, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 5001);           /* SYN counts 1 */
    expect_fired(f, TCPSM_CLOSED, TCPSM_EV_SEG_ANY);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_FIN, 5000, 0, 7), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 5009);           /* 7 + SYN + FIN */
    expect_err(fx_in(f, 0, 5000, 0, 10), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 5010);           /* text only */
    expect_err(fx_in(f, TCPSM_FIN, 5000, 0, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 5001);           /* FIN counts 1 */
    expect_err(fx_in(f, 0, 0xFFFFFFFFu, 0, 3), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 2);              /* modulo 2^32 */
    expect_err(fx_in(f, 0, 5000, 0, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 5000);           /* empty, no flags */
    expect_state(f, TCPSM_CLOSED);
}

static void test_closed_rst_reply_is_addressed_back_to_the_sender(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    /* Any sender: the reply goes from the segment's destination to its source. */
    f->laddr = h_addr4(192, 168, 7, 9);
    f->raddr = h_addr4(172, 16, 0, 33);
    f->lport = 8080;
    f->rport = 41234;
    struct tcpsm_segment s = h_seg(f, TCPSM_ACK, 10, 20, 0);
    expect_err(fx_input(f, &s, NULL), TCPSM_OK);
    expect_one(f, TCPSM_RST, 20, 0);
    const struct tcpsm_segment *r = &f->out[0];
    assert_int_equal(r->sport, 8080);
    assert_int_equal(r->dport, 41234);
    assert_true(addr_same(&r->src, &s.dst));
    assert_true(addr_same(&r->dst, &s.src));
    /* also for the RST,ACK form */
    s = h_seg(f, TCPSM_SYN, 10, 0, 0);
    expect_err(fx_input(f, &s, NULL), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, 11);
    assert_true(addr_same(&f->out[0].src, &s.dst));
    assert_true(addr_same(&f->out[0].dst, &s.src));
}

static void test_closed_after_reset_answers_with_rst(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_CLOSED);
    /* the TCB is gone: the peer's next segment draws a reset */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 5), TCPSM_OK);
    expect_one(f, TCPSM_RST, f->snd_nxt, 0);
    expect_fired(f, TCPSM_CLOSED, TCPSM_EV_SEG_ANY);
    expect_gone(f, TCPSM_ERR_RESET);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.2 LISTEN */

static void test_listen_rst_is_ignored(void **state)
{
    (void)state;
    struct fx *f = start(H_LISTEN, NULL);
    uint32_t ign = f->c.n_rst_ignored;
    expect_err(fx_in(f, TCPSM_RST, 5000, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_LISTEN);
    expect_fired(f, TCPSM_LISTEN, TCPSM_EV_SEG_RST);
    expect_u32(f->c.n_rst_ignored, ign + 1u, "n_rst_ignored");
    /* RST checked before ACK and SYN: still no reply */
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, 5000, 42, 0), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_SYN, 5000, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_LISTEN);
}

static void test_listen_ack_draws_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_LISTEN, NULL);
    /* RFC 9293 3.10.7.2 second: <SEQ=SEG.ACK><CTL=RST> */
    expect_err(fx_in(f, TCPSM_ACK, 5000, 31337, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST, 31337, 0);
    expect_fired(f, TCPSM_LISTEN, TCPSM_EV_SEG_BAD_ACK);
    expect_state(f, TCPSM_LISTEN);
    /* a SYN,ACK is an ACK-bearing segment too */
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, 5000, 777, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST, 777, 0);
    expect_state(f, TCPSM_LISTEN);
    /* ACK with data and FIN */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, 5000, 8, 30), TCPSM_OK);
    expect_one(f, TCPSM_RST, 8, 0);
    expect_state(f, TCPSM_LISTEN);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, 0);     /* still not bound to anyone */
}

static void test_listen_syn_moves_to_syn_received_with_syn_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_LISTEN, NULL);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_fired(f, TCPSM_LISTEN, TCPSM_EV_SEG_SYN);
    /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, RCV.NXT = SEG.SEQ+1 */
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_true(f->out[0].opt.has_mss);
    assert_int_equal(f->out[0].opt.mss, 1460);
    assert_int_equal(f->out[0].len, 0);
    assert_int_equal(f->out[0].wnd, f->rcap);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.irs, f->irs, "IRS");
    expect_u32(st.rcv_nxt, f->irs + 1u, "RCV.NXT");
    expect_u32(st.snd_una, f->iss, "SND.UNA");
    expect_u32(st.snd_nxt, f->iss + 1u, "SND.NXT");
    expect_u32(st.iss, f->iss, "ISS");
}

static void test_listen_syn_text_and_fin_are_not_accepted(void **state)
{
    (void)state;
    struct fx *f = start(H_LISTEN, NULL);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_FIN | TCPSM_PSH, f->irs, 0, 25), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    /* only the SYN is acknowledged: the peer sends text and FIN again */
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.rcv_nxt, f->irs + 1u, "RCV.NXT");
    expect_u32(st.recv_ready, 0, "recv_ready");
    assert_false(st.fin_received);
}

static void test_listen_fully_specified_takes_the_named_peer(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    struct fx *f = &F;
    f->listen_specified = true;
    fx_drive(f, H_LISTEN);
    /* a SYN from another port of the named host is not for this TCB */
    struct tcpsm_segment s = h_seg(f, TCPSM_SYN, f->irs, 0, 0);
    s.sport = 2001;
    tcb_copy = f->c;
    expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
    expect_untouched(f);
    /* nor one from another host */
    s = h_seg(f, TCPSM_SYN, f->irs, 0, 0);
    s.src = h_addr4(10, 0, 0, 99);
    expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
    expect_untouched(f);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, f->rport);
    assert_true(addr_same(&st.remote.ip, &f->raddr));
}

static void test_listen_partly_specified_port_fills_the_address(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    struct tcpsm_open o = h_open_args(f, false, false);
    o.remote.port = f->rport;               /* port given, address unspecified */
    expect_err(fx_open_with(f, &o), TCPSM_OK);
    expect_state(f, TCPSM_LISTEN);
    /* a SYN from a non-matching source port: not for us, nothing changes */
    struct tcpsm_segment s = h_seg(f, TCPSM_SYN, f->irs, 0, 0);
    s.sport = (uint16_t)(f->rport + 1u);
    tcb_copy = f->c;
    expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
    expect_untouched(f);
    /* any address with the named port binds */
    f->raddr = h_addr4(203, 0, 113, 5);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_true(addr_same(&f->out[0].dst, &f->raddr));
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, f->rport);
    assert_true(addr_same(&st.remote.ip, &f->raddr));
}

static void test_listen_partly_specified_address_fills_the_port(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    struct tcpsm_open o = h_open_args(f, false, false);
    o.remote.ip = f->raddr;                 /* address given, port unspecified */
    expect_err(fx_open_with(f, &o), TCPSM_OK);
    /* a SYN from another host: not for us */
    struct tcpsm_segment s = h_seg(f, TCPSM_SYN, f->irs, 0, 0);
    s.src = h_addr4(10, 9, 9, 9);
    tcb_copy = f->c;
    expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
    expect_untouched(f);
    f->rport = 50505;
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_int_equal(f->out[0].dport, 50505);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, 50505);
    assert_true(addr_same(&st.remote.ip, &f->raddr));
}

static void test_listen_unspecified_binds_to_the_syn_source(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    struct tcpsm_open o = h_open_args(f, false, false);
    o.local.ip.family = TCPSM_AF_UNSPEC;    /* local address unspecified too */
    memset(o.local.ip.addr, 0, sizeof o.local.ip.addr);
    expect_err(fx_open_with(f, &o), TCPSM_OK);
    f->raddr = h_addr4(198, 51, 100, 7);
    f->rport = 61000;
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_true(addr_same(&f->out[0].dst, &f->raddr));
    assert_true(addr_same(&f->out[0].src, &f->laddr));
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, 61000);
    assert_true(addr_same(&st.remote.ip, &f->raddr));
    assert_true(addr_same(&st.local.ip, &f->laddr));
    /* bound now: another peer's segment is not for this TCB */
    struct tcpsm_segment s = h_seg(f, TCPSM_ACK, f->irs + 1u, f->iss + 1u, 0);
    s.sport = 61001;
    tcb_copy = f->c;
    expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
    expect_untouched(f);
}

static void test_listen_syn_with_other_compartment_draws_rst_ack(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    struct fx *f = &F;
    f->compartment = 3;
    fx_drive(f, H_LISTEN);
    /* RFC 9293 3.10.7.2 third: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
    expect_err(fx_in_comp(f, TCPSM_SYN, f->irs, 0, 0, 4), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->irs + 1u);
    expect_fired(f, TCPSM_LISTEN, TCPSM_EV_SEG_SECURITY);
    expect_state(f, TCPSM_LISTEN);
    expect_err(fx_in_comp(f, TCPSM_SYN | TCPSM_FIN, f->irs, 0, 10, 0), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->irs + 12u);
    expect_state(f, TCPSM_LISTEN);
    /* the matching compartment opens */
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_int_equal(f->out[0].compartment, 3);
}

static void test_listen_other_segments_are_dropped(void **state)
{
    (void)state;
    struct fx *f = start(H_LISTEN, NULL);
    static const uint8_t fl[] = { 0, TCPSM_FIN, TCPSM_PSH, TCPSM_URG, TCPSM_FIN | TCPSM_PSH };
    for (size_t i = 0; i < sizeof fl; i++) {
        expect_err(fx_in(f, fl[i], 5000, 0, (uint32_t)(i * 7u)), TCPSM_OK);
        expect_none(f);
        expect_no_row(f);
        expect_state(f, TCPSM_LISTEN);
    }
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.recv_ready, 0);
    assert_int_equal(st.remote.port, 0);
}

static void test_listen_syn_peer_mss_smaller_sets_send_mss(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    f->peer_mss = 536;
    fx_drive(f, H_LISTEN);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    /* MUST-16: Eff.snd.MSS = min(SendMSS, our MSS) */
    expect_u32(fx_st(f).snd_mss, 536, "snd_mss");
    /* our SYN,ACK still advertises our own MSS */
    assert_int_equal(f->out[0].opt.mss, 1460);
    expect_err(fx_in(f, TCPSM_ACK, f->irs + 1u, f->iss + 1u, 0), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    /* 1000 bytes go out as 536 + 464 */
    expect_err(fx_send_n(f, 0, 1000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 2);
    assert_int_equal(f->out[0].len, 536);
    assert_int_equal(f->out[1].len, 464);
    expect_our_data(f, 0);
    expect_our_data(f, 1);
}

static void test_listen_syn_without_mss_option_uses_536(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    f->peer_mss = 0;                         /* no MSS option on the SYN */
    fx_drive(f, H_LISTEN);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    /* MUST-15: the default send MSS for IPv4 is 536 */
    expect_u32(fx_st(f).snd_mss, 536, "snd_mss");
}

static void test_listen_syn_peer_mss_larger_keeps_ours(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSED, NULL);
    f->peer_mss = 9000;
    fx_drive(f, H_LISTEN);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_u32(fx_st(f).snd_mss, 1460, "snd_mss");
}

/* ---------------------------------------------------------------------- */
/* Malformed requests: refused, TCB byte-identical */

static void test_malformed_segments_are_refused_and_change_nothing(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_CLOSED, H_LISTEN, H_SYN_SENT, H_SYN_RCVD_P, H_ESTAB,
                                        H_FW1, H_CLOSE_WAIT, H_TIME_WAIT };
    for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++) {
        struct fx *f = start(sts[i], NULL);
        uint32_t seq = sts[i] == H_CLOSED || sts[i] == H_LISTEN || sts[i] == H_SYN_SENT
                           ? f->irs : f->rcv_nxt;
        tcb_copy = f->c;
        /* NULL segment */
        expect_err(tcpsm_input(&f->c, f->now, NULL, NULL), TCPSM_ERR_INVAL);
        expect_untouched(f);
        /* payload NULL with len > 0 */
        struct tcpsm_segment s = h_seg(f, TCPSM_ACK, seq, f->snd_nxt, 10);
        expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_INVAL);
        expect_untouched(f);
        /* SEG.LEN beyond what a TCP segment can carry */
        s = h_seg(f, TCPSM_ACK | TCPSM_RST, seq, f->snd_nxt, 65536);
        expect_err(tcpsm_input(&f->c, f->now, &s, h_pat(f, seq, 65536)), TCPSM_ERR_INVAL);
        expect_untouched(f);
        s = h_seg(f, TCPSM_SYN, seq, 0, 0xFFFFFFFFu);
        expect_err(tcpsm_input(&f->c, f->now, &s, f->pbuf), TCPSM_ERR_INVAL);
        expect_untouched(f);
        fx_drain(f);
        expect_none(f);
        expect_untouched(f);
    }
}

static void test_segment_for_other_sockets_is_not_for_us(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_LISTEN, H_SYN_SENT, H_SYN_RCVD_A, H_ESTAB, H_FW2,
                                        H_LAST_ACK, H_TIME_WAIT };
    for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++) {
        struct fx *f = start(sts[i], NULL);
        uint8_t fl = sts[i] == H_LISTEN ? TCPSM_SYN : TCPSM_RST;
        uint32_t seq = sts[i] == H_LISTEN || sts[i] == H_SYN_SENT ? f->irs : f->rcv_nxt;
        uint32_t ack = sts[i] == H_SYN_SENT ? f->iss + 1u : 0u;
        if (sts[i] == H_SYN_SENT)
            fl |= TCPSM_ACK;
        tcb_copy = f->c;
        struct tcpsm_segment s = h_seg(f, fl, seq, ack, 0);
        s.dport = (uint16_t)(f->lport + 1u);            /* another local port */
        expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
        expect_untouched(f);
        s = h_seg(f, fl, seq, ack, 0);
        s.dst = h_addr4(10, 0, 0, 77);                  /* another local address */
        expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
        expect_untouched(f);
        if (sts[i] != H_LISTEN) {                       /* LISTEN names no peer */
            s = h_seg(f, fl, seq, ack, 0);
            s.sport = (uint16_t)(f->rport + 1u);        /* another remote port */
            expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
            expect_untouched(f);
            s = h_seg(f, fl, seq, ack, 0);
            s.src = h_addr4(10, 0, 0, 78);              /* another remote address */
            expect_err(tcpsm_input(&f->c, f->now, &s, NULL), TCPSM_ERR_NOT_FOR_US);
            expect_untouched(f);
        }
        fx_drain(f);
        expect_none(f);
        expect_untouched(f);
    }
}

static void test_segment_with_unspecified_addresses_matches_on_ports(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    /* addresses are compared only when both sides specify them */
    struct tcpsm_segment s = h_seg(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 4);
    memset(&s.src, 0, sizeof s.src);
    memset(&s.dst, 0, sizeof s.dst);
    expect_err(fx_input(f, &s, h_pat(f, f->rcv_nxt, 4)), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 4u);
    fx_recv_check(f, f->rcv_nxt, 4, NULL);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.3 SYN-SENT */

static void test_syn_sent_unacceptable_ack_draws_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    /* RFC 9293 3.10.7.3 first: SEG.ACK =< ISS or SEG.ACK > SND.NXT ->
     * <SEQ=SEG.ACK><CTL=RST>, discard */
    static const int32_t delta[] = { 0, -1, -1000, 2, 3, 100000 };
    for (size_t i = 0; i < sizeof delta / sizeof delta[0]; i++) {
        uint32_t ack = f->iss + (uint32_t)delta[i];
        expect_err(fx_in(f, i % 2 ? TCPSM_ACK : TCPSM_SYN | TCPSM_ACK, f->irs, ack, 0), TCPSM_OK);
        expect_one(f, TCPSM_RST, ack, 0);
        expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_BAD_ACK);
        expect_state(f, TCPSM_SYN_SENT);
    }
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss, "SND.UNA");   /* our SYN is still outstanding */
    expect_u32(st.rcv_nxt, 0, "RCV.NXT");
    /* the connection still completes */
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
}

static void test_syn_sent_unacceptable_ack_with_rst_is_dropped(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, f->irs, f->iss, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, f->irs, f->iss + 2u, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_SYN_SENT);
}

static void test_syn_sent_rst_with_acceptable_ack_closes(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    /* RFC 9293 3.10.7.3 second: "error: connection reset", CLOSED */
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, 0, f->iss + 1u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_RST);
    expect_none(f);
    expect_gone(f, TCPSM_ERR_RESET);
}

static void test_syn_sent_rst_without_ack_is_dropped(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    uint32_t ign = f->c.n_rst_ignored;
    expect_err(fx_in(f, TCPSM_RST, f->irs, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_SYN_SENT);
    expect_u32(f->c.n_rst_ignored, ign + 1u, "n_rst_ignored");
    expect_err(fx_in(f, TCPSM_RST | TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_SYN_SENT);
    expect_u32(fx_st(f).snd_una, f->iss, "SND.UNA");
}

static void test_syn_sent_security_mismatch_with_ack_draws_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in_comp(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0, 9), TCPSM_OK);
    expect_one(f, TCPSM_RST, f->iss + 1u, 0);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SECURITY);
    expect_state(f, TCPSM_SYN_SENT);
    expect_u32(fx_st(f).snd_una, f->iss, "SND.UNA");  /* the ACK was not taken */
}

static void test_syn_sent_security_mismatch_without_ack_draws_rst_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in_comp(f, TCPSM_SYN, f->irs, 0, 0, 9), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->irs + 1u);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SECURITY);
    expect_state(f, TCPSM_SYN_SENT);
    expect_err(fx_in_comp(f, TCPSM_SYN | TCPSM_FIN, f->irs, 0, 4, 9), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->irs + 6u);
    expect_state(f, TCPSM_SYN_SENT);
}

static void test_syn_sent_syn_ack_establishes_and_acks(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    f->peer_mss = 1000;
    expect_err(fx_in_wnd(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0, 3000), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN_ACK);
    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 1u);
    assert_int_equal(f->out[0].len, 0);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.irs, f->irs, "IRS");
    expect_u32(st.rcv_nxt, f->irs + 1u, "RCV.NXT");
    expect_u32(st.snd_una, f->iss + 1u, "SND.UNA");
    expect_u32(st.snd_nxt, f->iss + 1u, "SND.NXT");
    expect_u32(st.snd_wnd, 3000, "SND.WND");
    expect_u32(st.snd_mss, 1000, "snd_mss");
    /* the SYN is acknowledged: no retransmission pending */
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
}

static void test_syn_sent_syn_ack_with_text_delivers_it(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK | TCPSM_PSH, f->irs, f->iss + 1u, 30), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN_ACK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 31u);
    unsigned fl = 0;
    fx_recv_check(f, f->irs + 1u, 30, &fl);
    assert_true(fl & TCPSM_RECV_PUSH);
}

static void test_syn_sent_syn_ack_with_text_and_fin_enters_close_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK | TCPSM_FIN, f->irs, f->iss + 1u, 5), TCPSM_OK);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN_ACK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_CLOSE_WAIT);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 7u);
    unsigned fl = 0;
    fx_recv_check(f, f->irs + 1u, 5, &fl);
    assert_true(fl & TCPSM_RECV_PUSH);          /* FIN implies PUSH */
    uint8_t b[4];
    uint32_t got = 0;
    expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
}

static void test_syn_sent_syn_alone_is_simultaneous_open(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    uint32_t chal = f->c.n_challenge_acks;
    expect_err(fx_in_wnd(f, TCPSM_SYN, f->irs, 0, 0, 4000), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_SYN);
    /* RFC 9293 3.10.7.3 fourth (MUST-10): <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    assert_true(f->out[0].opt.has_mss);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss, "SND.UNA");
    expect_u32(st.snd_nxt, f->iss + 1u, "SND.NXT");
    expect_u32(st.rcv_nxt, f->irs + 1u, "RCV.NXT");
    expect_u32(st.snd_wnd, 4000, "SND.WND");
    /* Figure 7 line 6: the peer's SYN,ACK completes the handshake */
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
    expect_none(f);
    expect_u32(f->c.n_challenge_acks, chal, "n_challenge_acks");
    expect_u32(fx_st(f).snd_una, f->iss + 1u, "SND.UNA");
}

static void test_syn_sent_syn_with_text_is_acked_without_the_text(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_FIN, f->irs, 0, 12), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, f->irs + 1u);
    expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
}

static void test_syn_sent_segment_without_syn_or_rst_is_dropped(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_SENT, NULL);
    /* RFC 9293 3.10.7.3 fifth: even with an acceptable ACK */
    expect_err(fx_in(f, TCPSM_ACK, f->irs, f->iss + 1u, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->irs, f->iss + 1u, 10), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in(f, 0, f->irs, 0, 10), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in(f, TCPSM_FIN, f->irs, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_SYN_SENT);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss, "SND.UNA");
    expect_u32(st.recv_ready, 0, "recv_ready");
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 first: the sequence number check (Table 6) */

struct seqcase {
    int32_t off;        /* SEG.SEQ - RCV.NXT; INT32_MAX = RCV.NXT + RCV.WND */
    int32_t woff;       /* added to RCV.WND when off is INT32_MAX */
    uint32_t len;
    bool ok;
};

static void test_sequence_check_window_edges_in_every_state(void **state)
{
    (void)state;
    /* RCV.WND > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND, or (length > 0) the
     * last octet RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND */
    static const struct seqcase cases[] = {
        { -1, 0, 0, false }, { 0, 0, 0, true },  { INT32_MAX, -1, 0, true },
        { INT32_MAX, 0, 0, false },
        { -1, 0, 1, false }, { 0, 0, 1, true },  { INT32_MAX, -1, 1, true },
        { INT32_MAX, 0, 1, false },
        { -1, 0, 2, true },  { -10, 0, 10, false }, { -10, 0, 11, true },
        { INT32_MAX, -1, 30, true }, { INT32_MAX, 1, 30, false },
        { -100000, 0, 50, false }, { 1000000, 0, 0, false },
    };
    for (size_t s = 0; s < N_OTHER; s++) {
        struct fx *f = start(other_states[s], NULL);
        unsigned st = f->c.state;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const struct seqcase *k = &cases[i];
            uint32_t seq = k->off == INT32_MAX ? f->rcv_nxt + rwnd(f) + (uint32_t)k->woff
                                               : f->rcv_nxt + (uint32_t)k->off;
            /* no ACK bit: an acceptable segment goes on to the fifth check
             * and is dropped there silently; an unacceptable one is ACKed */
            expect_err(fx_in(f, 0, seq, 0, k->len), TCPSM_OK);
            if (k->ok) {
                expect_none(f);
                expect_no_row(f);
            } else {
                expect_pure_ack(f);
                expect_fired(f, st, TCPSM_EV_SEG_UNACCEPTABLE);
            }
            expect_state(f, st);
        }
        expect_u32(fx_st(f).rcv_nxt, f->rcv_nxt, "RCV.NXT");
    }
}

/* Bring the receive window to zero: SYN-RECEIVED with no receive buffer,
 * the others by filling a 32-byte buffer with in-order text. */
static struct fx *start_zero_window(enum h_state st)
{
    struct fx *f;
    if (is_syn_rcvd(st))
        return start_sized(st, NULL, H_SBUF, 0);
    f = start_sized(st, NULL, H_SBUF, 32);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, una_of(f, st), 32), TCPSM_OK);
    f->rcv_nxt += 32u;
    expect_pure_ack(f);
    assert_int_equal(f->out[0].wnd, 0);
    return f;
}

static void test_sequence_check_zero_window_four_cases(void **state)
{
    (void)state;
    /* (CLOSE-WAIT, CLOSING, LAST-ACK and TIME-WAIT cannot have a zero
     * window: the peer's FIN needs a free octet of window and no text is
     * taken after it.) */
    static const enum h_state sts[] = { H_SYN_RCVD_P, H_SYN_RCVD_A, H_ESTAB, H_ESTAB_P, H_FW1,
                                        H_FW2 };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start_zero_window(sts[s]);
        unsigned st = f->c.state;
        uint32_t ready = fx_st(f).recv_ready;
        expect_u32(fx_st(f).rcv_wnd, 0, "RCV.WND");
        /* length 0, window 0: acceptable only at SEG.SEQ = RCV.NXT */
        expect_err(fx_in(f, 0, f->rcv_nxt, 0, 0), TCPSM_OK);
        expect_none(f);
        expect_no_row(f);
        expect_err(fx_in(f, 0, f->rcv_nxt + 1u, 0, 0), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_UNACCEPTABLE);
        expect_err(fx_in(f, 0, f->rcv_nxt - 1u, 0, 0), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_UNACCEPTABLE);
        /* length > 0, window 0: never acceptable; the text is ACKed and
         * dropped (at RCV.NXT the ACK field is still processed, below) */
        expect_err(fx_in(f, TCPSM_PSH, f->rcv_nxt, 0, 5), TCPSM_OK);
        expect_pure_ack(f);
        expect_err(fx_in(f, 0, f->rcv_nxt + 1u, 0, 5), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_UNACCEPTABLE);
        expect_state(f, st);
        struct tcpsm_status stt = fx_st(f);
        expect_u32(stt.rcv_nxt, f->rcv_nxt, "RCV.NXT");
        expect_u32(stt.recv_ready, ready, "recv_ready");
    }
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 second: RST */

/* What an acceptable reset does in each state. */
static void h_expect_reset_outcome(struct fx *f, enum h_state st, const char *file, int line)
{
    h_expect_none(f, file, line);
    switch (st) {
    case H_SYN_RCVD_P:          /* MUST-11: back to LISTEN, the user is not told */
        h_expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_RST_PASSIVE, file, line);
        h_expect_state(f, TCPSM_LISTEN, file, line);
        H_REQUIRE(tcpsm_next_deadline(&f->c) == TCPSM_NEVER, file, line,
                  "the SYN,ACK is still queued for retransmission");
        break;
    case H_SYN_RCVD_A:          /* "connection refused" */
        h_expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_RST, file, line);
        h_expect_gone(f, TCPSM_ERR_REFUSED, file, line);
        break;
    case H_CLOSING:
    case H_LAST_ACK:
    case H_TIME_WAIT:           /* CLOSED, nothing to report */
        h_expect_fired(f, h_state_of(st), TCPSM_EV_SEG_RST, file, line);
        h_expect_gone(f, TCPSM_OK, file, line);
        break;
    default:                    /* "connection reset" */
        h_expect_fired(f, h_state_of(st), TCPSM_EV_SEG_RST, file, line);
        h_expect_gone(f, TCPSM_ERR_RESET, file, line);
        break;
    }
}
#define expect_reset_outcome(f, st) h_expect_reset_outcome((f), (st), __FILE__, __LINE__)

static void test_rst_at_rcv_nxt_resets_in_every_state(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        struct fx *f = start(other_states[s], NULL);
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt, 0, 0), TCPSM_OK);
        expect_reset_outcome(f, other_states[s]);
        /* the same with the ACK bit on */
        f = start(other_states[s], NULL);
        expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, f->rcv_nxt, una_of(f, other_states[s]), 0),
                   TCPSM_OK);
        expect_reset_outcome(f, other_states[s]);
    }
}

static void test_syn_received_passive_rst_returns_to_listen_and_listens_again(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_RCVD_P, NULL);
    expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_LISTEN);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.remote.port, 0);        /* unbound again */
    /* no SYN,ACK retransmission after the timeout */
    fx_timer(f, f->now + 10000000u);
    expect_none(f);
    /* a new peer (new ISS) is accepted */
    f->rport = 3333;
    expect_err(fx_in(f, TCPSM_SYN, 777u, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_SYN_RECEIVED);
    expect_one(f, TCPSM_SYN | TCPSM_ACK, f->iss, 778u);
}

static void test_rst_in_window_not_exact_draws_challenge_ack(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        struct fx *f = start(other_states[s], NULL);
        unsigned st = f->c.state;
        uint32_t chal = f->c.n_challenge_acks;
        /* RFC 5961 3.2 (RFC 9293 3.10.7.4 second, 3): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt + 1u, 0, 0), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_RST_CHALLENGE);
        expect_state(f, st);
        expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, f->rcv_nxt + rwnd(f) - 1u, f->snd_nxt, 0),
                   TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_RST_CHALLENGE);
        expect_state(f, st);
        expect_u32(f->c.n_challenge_acks, chal + 2u, "n_challenge_acks");
    }
}

static void test_rst_outside_window_is_dropped_silently(void **state)
{
    (void)state;
    for (int on = 0; on < 2; on++) {
        struct tcpsm_config cfg = cfg_5961(on != 0, true, true);
        for (size_t s = 0; s < N_OTHER; s++) {
            struct fx *f = start(other_states[s], &cfg);
            unsigned st = f->c.state;
            uint32_t ign = f->c.n_rst_ignored;
            expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt - 1u, 0, 0), TCPSM_OK);
            expect_none(f);
            expect_no_row(f);
            expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, f->rcv_nxt + rwnd(f), f->snd_nxt, 0),
                       TCPSM_OK);
            expect_none(f);
            expect_no_row(f);
            expect_state(f, st);
            expect_u32(f->c.n_rst_ignored, ign + 2u, "n_rst_ignored");
        }
    }
}

static void test_rst_in_window_resets_without_rfc5961(void **state)
{
    (void)state;
    struct tcpsm_config cfg = cfg_5961(false, true, true);
    for (size_t s = 0; s < N_OTHER; s++) {
        struct fx *f = start(other_states[s], &cfg);
        uint32_t chal = f->c.n_challenge_acks;
        /* RFC 9293 3.10.7.4 second (without RFC 5961): any acceptable RST */
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt + rwnd(f) - 1u, 0, 0), TCPSM_OK);
        expect_u32(f->c.n_challenge_acks, chal, "n_challenge_acks");
        expect_reset_outcome(f, other_states[s]);
    }
}

static void test_rst_in_zero_window_at_rcv_nxt_resets_elsewhere_dropped(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_SYN_RCVD_P, H_SYN_RCVD_A, H_ESTAB, H_FW1, H_FW2 };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start_zero_window(sts[s]);
        unsigned st = f->c.state;
        /* RCV.WND = 0: only SEG.SEQ = RCV.NXT is acceptable */
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt + 1u, 0, 0), TCPSM_OK);
        expect_none(f);
        expect_no_row(f);
        expect_state(f, st);
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt, 0, 0), TCPSM_OK);
        expect_reset_outcome(f, sts[s]);
    }
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 third: security/compartment */

static void test_security_mismatch_resets_synchronized_states(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        enum h_state hs = other_states[s];
        struct fx *f = start(hs, NULL);
        unsigned st = f->c.state;
        uint32_t ack = is_syn_rcvd(hs) ? f->iss + 1u : f->snd_nxt;
        expect_err(fx_in_comp(f, TCPSM_ACK, f->rcv_nxt, ack, 0, 7), TCPSM_OK);
        /* <SEQ=SEG.ACK><CTL=RST> (3.10.7.1 form for an ACK-bearing segment) */
        expect_one(f, TCPSM_RST, ack, 0);
        expect_fired(f, st, TCPSM_EV_SEG_SECURITY);
        if (is_syn_rcvd(hs)) {
            /* SYN-RECEIVED: send a reset and return, no state change */
            expect_state(f, TCPSM_SYN_RECEIVED);
            expect_u32(fx_st(f).snd_una, f->iss, "SND.UNA");
        } else {
            /* synchronized: reset, "connection reset", CLOSED */
            f->nout = 0;
            expect_gone(f, TCPSM_ERR_RESET);
        }
    }
}

static void test_security_mismatch_without_ack_draws_rst_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in_comp(f, TCPSM_FIN, f->rcv_nxt, 0, 9, 2), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->rcv_nxt + 10u);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_SECURITY);
    f->nout = 0;
    expect_gone(f, TCPSM_ERR_RESET);
    f = start(H_SYN_RCVD_P, NULL);
    expect_err(fx_in_comp(f, 0, f->rcv_nxt, 0, 3, 2), TCPSM_OK);
    expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->rcv_nxt + 3u);
    expect_state(f, TCPSM_SYN_RECEIVED);
}

static void test_security_checked_after_sequence(void **state)
{
    (void)state;
    /* an old segment of another compartment only draws the ACK of the
     * sequence check: it cannot abort the connection */
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in_comp(f, TCPSM_ACK, f->rcv_nxt - 1u, f->snd_nxt, 0, 7), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_state(f, TCPSM_ESTABLISHED);
    /* and a RST is checked before security: an exact RST of another
     * compartment resets without a reply */
    expect_err(fx_in_comp(f, TCPSM_RST, f->rcv_nxt, 0, 0, 7), TCPSM_OK);
    expect_none(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_RST);
    expect_gone(f, TCPSM_ERR_RESET);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 fourth: SYN */

static void test_syn_draws_challenge_ack_in_synchronized_states(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        enum h_state hs = other_states[s];
        if (hs == H_SYN_RCVD_P)
            continue;                       /* passive: back to LISTEN, below */
        struct fx *f = start(hs, NULL);
        unsigned st = f->c.state;
        uint32_t chal = f->c.n_challenge_acks, ign = f->c.n_syn_ignored;
        /* RFC 5961 4.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop */
        expect_err(fx_in(f, TCPSM_SYN, f->rcv_nxt, 0, 0), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_SYN);
        expect_state(f, st);
        /* irrespective of the sequence number inside the window, with an
         * ACK, text and FIN */
        expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK | TCPSM_FIN, f->rcv_nxt + 100u,
                         una_of(f, hs) + (is_syn_rcvd(hs) ? 1u : 0u), 20), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_SYN);
        expect_state(f, st);
        expect_u32(f->c.n_challenge_acks, chal + 2u, "n_challenge_acks");
        expect_u32(f->c.n_syn_ignored, ign + 2u, "n_syn_ignored");
        struct tcpsm_status stt = fx_st(f);
        expect_u32(stt.rcv_nxt, f->rcv_nxt, "RCV.NXT");
        expect_u32(stt.recv_ready, 0, "recv_ready");
    }
}

static void test_syn_outside_window_draws_the_sequence_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_SYN, f->rcv_nxt + rwnd(f), 0, 0), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_state(f, TCPSM_ESTABLISHED);
}

static void test_syn_received_passive_syn_returns_to_listen(void **state)
{
    (void)state;
    for (int on = 0; on < 2; on++) {
        struct tcpsm_config cfg = cfg_5961(true, on != 0, true);
        struct fx *f = start(H_SYN_RCVD_P, &cfg);
        expect_err(fx_in(f, TCPSM_SYN, f->rcv_nxt + 10u, 0, 0), TCPSM_OK);
        expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_SYN_PASSIVE);
        expect_state(f, TCPSM_LISTEN);
        expect_none(f);
        assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
    }
}

static void test_syn_in_window_resets_without_rfc5961(void **state)
{
    (void)state;
    struct tcpsm_config cfg = cfg_5961(true, false, true);
    for (size_t s = 0; s < N_OTHER; s++) {
        enum h_state hs = other_states[s];
        if (hs == H_SYN_RCVD_P)
            continue;
        struct fx *f = start(hs, &cfg);
        unsigned st = f->c.state;
        /* RFC 793: a SYN in the window is an error; RST in the 3.10.7.1 form */
        expect_err(fx_in(f, TCPSM_SYN, f->rcv_nxt + 5u, 0, 0), TCPSM_OK);
        expect_one(f, TCPSM_RST | TCPSM_ACK, 0, f->rcv_nxt + 6u);
        expect_fired(f, st, TCPSM_EV_SEG_SYN_RESET);
        f->nout = 0;
        expect_gone(f, TCPSM_ERR_RESET);
        /* with the ACK bit: <SEQ=SEG.ACK><CTL=RST> */
        f = start(hs, &cfg);
        expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 0), TCPSM_OK);
        expect_one(f, TCPSM_RST, f->snd_nxt, 0);
        expect_fired(f, st, TCPSM_EV_SEG_SYN_RESET);
        f->nout = 0;
        expect_gone(f, TCPSM_ERR_RESET);
    }
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 fifth: ACK */

static void test_ack_bit_off_drops_the_segment(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        struct fx *f = start(other_states[s], NULL);
        unsigned st = f->c.state;
        /* text, FIN and URG at RCV.NXT: all dropped with the segment */
        struct tcpsm_segment sg = h_seg(f, TCPSM_FIN | TCPSM_PSH | TCPSM_URG, f->rcv_nxt, 0, 10);
        sg.urp = 5;
        expect_err(fx_input(f, &sg, h_pat(f, f->rcv_nxt, 10)), TCPSM_OK);
        expect_none(f);
        expect_no_row(f);
        expect_state(f, st);
        struct tcpsm_status stt = fx_st(f);
        expect_u32(stt.rcv_nxt, f->rcv_nxt, "RCV.NXT");
        expect_u32(stt.recv_ready, 0, "recv_ready");
        assert_false(stt.urgent);
    }
}

static void test_syn_received_bad_ack_draws_rst_seq_seg_ack(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_SYN_RCVD_P, H_SYN_RCVD_A };
    for (size_t s = 0; s < 2; s++) {
        struct fx *f = start(sts[s], NULL);
        /* RFC 9293 3.10.7.4 fifth SYN-RECEIVED: not SND.UNA < SEG.ACK =< SND.NXT */
        static const int32_t delta[] = { 0, -1, 2, 5000 };
        for (size_t i = 0; i < sizeof delta / sizeof delta[0]; i++) {
            uint32_t ack = f->iss + (uint32_t)delta[i];
            expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, ack, 0), TCPSM_OK);
            expect_one(f, TCPSM_RST, ack, 0);
            expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_BAD_ACK);
            expect_state(f, TCPSM_SYN_RECEIVED);
        }
        expect_u32(fx_st(f).snd_una, f->iss, "SND.UNA");
    }
}

static void test_bad_ack_is_acked_and_dropped_with_rfc5961(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OTHER; s++) {
        enum h_state hs = other_states[s];
        if (is_syn_rcvd(hs))
            continue;
        struct fx *f = start(hs, NULL);
        unsigned st = f->c.state;
        uint32_t una = una_of(f, hs), bad = f->c.n_bad_ack_dropped;
        /* RFC 5961 5.2: acceptable only for SND.UNA-MAX.SND.WND =< SEG.ACK =< SND.NXT */
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->snd_nxt + 1u, 3), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_BAD_ACK);
        expect_state(f, st);
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, una - H_PEER_WND - 1u, 3),
                   TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_BAD_ACK);
        expect_state(f, st);
        expect_u32(f->c.n_bad_ack_dropped, bad + 2u, "n_bad_ack_dropped");
        /* dropped: neither text nor FIN was taken */
        struct tcpsm_status stt = fx_st(f);
        expect_u32(stt.rcv_nxt, f->rcv_nxt, "RCV.NXT");
        expect_u32(stt.snd_una, una, "SND.UNA");
        /* the lower edge SND.UNA - MAX.SND.WND is acceptable (an old ACK,
         * ignored): a pure ACK there draws nothing */
        expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, una - H_PEER_WND, 0), TCPSM_OK);
        expect_none(f);
        expect_not_fired(f, st, TCPSM_EV_SEG_BAD_ACK);
        expect_state(f, st);
    }
}

static void test_old_ack_within_max_snd_wnd_is_ignored_and_text_taken(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt - H_PEER_WND, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 10u);
    fx_recv_check(f, f->rcv_nxt, 10, NULL);
    expect_u32(fx_st(f).snd_una, f->snd_nxt, "SND.UNA");
}

static void test_ack_of_unsent_data_is_acked_and_dropped_without_rfc5961(void **state)
{
    (void)state;
    struct tcpsm_config cfg = cfg_5961(true, true, false);
    for (size_t s = 0; s < N_OTHER; s++) {
        enum h_state hs = other_states[s];
        if (is_syn_rcvd(hs))
            continue;
        struct fx *f = start(hs, &cfg);
        unsigned st = f->c.state;
        /* RFC 9293 3.10.7.4 fifth: SEG.ACK > SND.NXT -> send an ACK, drop */
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->snd_nxt + 1u, 3), TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_BAD_ACK);
        expect_state(f, st);
        expect_u32(fx_st(f).rcv_nxt, f->rcv_nxt, "RCV.NXT");
    }
    /* an old ACK far below SND.UNA is only ignored: the text is taken */
    struct fx *f = start(H_ESTAB, &cfg);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt - 100000u, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 10u);
    expect_not_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_BAD_ACK);
    fx_recv_check(f, f->rcv_nxt, 10, NULL);
}

static void test_syn_received_ack_of_syn_establishes(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_SYN_RCVD_P, H_SYN_RCVD_A };
    for (size_t s = 0; s < 2; s++) {
        struct fx *f = start(sts[s], NULL);
        /* SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED, SND.WND <- SEG.WND */
        expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1u, 0, 5000), TCPSM_OK);
        expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
        expect_state(f, TCPSM_ESTABLISHED);
        expect_none(f);
        struct tcpsm_status st = fx_st(f);
        expect_u32(st.snd_una, f->iss + 1u, "SND.UNA");
        expect_u32(st.snd_nxt, f->iss + 1u, "SND.NXT");
        expect_u32(st.snd_wnd, 5000, "SND.WND");
        /* the SYN,ACK is acknowledged: its timers stop */
        assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
    }
}

static void test_syn_received_ack_of_syn_with_text_delivers_it(void **state)
{
    (void)state;
    struct fx *f = start(H_SYN_RCVD_P, NULL);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_PSH, f->rcv_nxt, f->iss + 1u, 20), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt + 20u);
    fx_recv_check(f, f->rcv_nxt, 20, NULL);
}

static void test_syn_received_ack_of_syn_with_fin_enters_close_wait(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_SYN_RCVD_P, H_SYN_RCVD_A };
    for (size_t s = 0; s < 2; s++) {
        struct fx *f = start(sts[s], NULL);
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 1u, 4), TCPSM_OK);
        expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_ACK_OF_SYN);
        expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
        expect_state(f, TCPSM_CLOSE_WAIT);
        expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt + 5u);
        fx_recv_check(f, f->rcv_nxt, 4, NULL);
    }
}

static void test_syn_received_retransmitted_syn_is_acked_as_old(void **state)
{
    (void)state;
    /* the peer's SYN again (SEG.SEQ = IRS) lies before the window: the
     * sequence check answers <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
    struct fx *f = start(H_SYN_RCVD_P, NULL);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_state(f, TCPSM_SYN_RECEIVED);
}

static void test_ack_advances_snd_una_and_releases_data(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t acc = 0;
    expect_err(fx_send_n(f, 0, 300, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 300);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt);
    assert_int_equal(f->out[0].len, 300);
    expect_our_data(f, 0);
    uint64_t sent_at = f->now;
    assert_true(tcpsm_next_deadline(&f->c) == sent_at + 1000000u);
    /* a partial ACK: SND.UNA advances, the acked bytes leave the queue and
     * the retransmission timer restarts */
    fx_timer(f, sent_at + 400000u);
    expect_none(f);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 101u, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss + 101u, "SND.UNA");
    expect_u32(st.send_queued, 200, "send_queued");
    assert_true(tcpsm_next_deadline(&f->c) == f->now + 1000000u);
    /* a duplicate and an old ACK change nothing */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 101u, 0), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 51u, 0), TCPSM_OK);
    expect_none(f);
    expect_u32(fx_st(f).snd_una, f->iss + 101u, "SND.UNA");
    /* everything acknowledged: the timers stop */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 301u, 0), TCPSM_OK);
    expect_none(f);
    st = fx_st(f);
    expect_u32(st.snd_una, f->iss + 301u, "SND.UNA");
    expect_u32(st.send_queued, 0, "send_queued");
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
    /* and now SEG.ACK = old SND.NXT + 1 is an ACK of unsent data */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 302u, 0), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 301u, f->rcv_nxt);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_BAD_ACK);
}

static void test_ack_advances_snd_una_in_close_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSE_WAIT, NULL);
    expect_err(fx_send_n(f, 0, 50, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt);
    assert_int_equal(f->out[0].len, 50);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 51u, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_CLOSE_WAIT);
    expect_u32(fx_st(f).snd_una, f->iss + 51u, "SND.UNA");
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
}

static void test_send_window_update_ignores_older_segments(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_u32(fx_st(f).snd_wnd, H_PEER_WND, "SND.WND");
    /* SND.WL1 < SEG.SEQ: update */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, f->snd_nxt, 0, 3000), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 3000, "SND.WND");
    /* a later segment (a pure ACK sent after 10 octets the peer sent
     * before it) arrives first: it updates, SND.WL1 <- nxt + 10 */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 0, 7000), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 7000, "SND.WND");
    /* the older segment (SEG.SEQ < SND.WL1) must not update the window */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, f->snd_nxt, 10, 100), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 10u);
    expect_u32(fx_st(f).snd_wnd, 7000, "SND.WND");
    fx_recv_check(f, nxt, 10, NULL);
    /* SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK: update, down to zero */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 0, 2000), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 2000, "SND.WND");
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 0, 0), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 0, "SND.WND");
    expect_none(f);
}

static void test_send_window_not_updated_by_an_old_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->iss + 101u, 0, 5000), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 5000, "SND.WND");
    /* SEG.ACK < SND.UNA: "SND.UNA =< SEG.ACK =< SND.NXT" fails, no update */
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt + 1u, f->iss + 51u, 0, 9000), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 5000, "SND.WND");
    expect_none(f);
}

static void test_send_window_update_limits_and_releases_sending(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 0, 100), TCPSM_OK);
    expect_u32(fx_st(f).snd_wnd, 100, "SND.WND");
    expect_err(fx_send_n(f, 0, 300, 0, NULL), TCPSM_OK);
    /* 100 usable octets of 300 queued, in a window once 8192: sender SWS
     * avoidance (MUST-38) holds them */
    expect_none(f);
    /* a window of 500 holds all 300: they go, and no more than SND.WND */
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1u, 0, 500), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt);
    assert_int_equal(f->out[0].len, 300);
    expect_our_data(f, 0);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss + 1u, "SND.UNA");
    expect_u32(st.snd_nxt, f->iss + 301u, "SND.NXT");
    expect_u32(st.snd_wnd, 500, "SND.WND");
    /* the window then shrinks to 100 from SND.UNA: nothing new may go */
    expect_err(fx_send_n(f, 300, 300, 0, NULL), TCPSM_OK);
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->iss + 101u, 0, 100), TCPSM_OK);
    expect_none(f);
    expect_u32(fx_st(f).snd_nxt, f->iss + 301u, "SND.NXT");
}

static void test_zero_window_still_processes_ack_and_urg(void **state)
{
    (void)state;
    struct fx *f = start_zero_window(H_ESTAB);
    expect_err(fx_send_n(f, 0, 50, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt);
    /* text at RCV.NXT into a zero window: ACKed and dropped, but its ACK,
     * window and URG are taken */
    expect_err(fx_in_urg(f, TCPSM_ACK, f->rcv_nxt, f->iss + 51u, 5, 3), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 51u, f->rcv_nxt);
    expect_not_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, f->iss + 51u, "SND.UNA");
    expect_u32(st.rcv_nxt, f->rcv_nxt, "RCV.NXT");
    expect_u32(st.recv_ready, 32, "recv_ready");
    assert_true(st.urgent);
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
    /* the 32 octets taken before are intact */
    fx_recv_check(f, f->rcv_nxt - 32u, 32, NULL);
}

/* RFC 9293 3.10.7.4 first, "special allowance ... valid ACKs": with
 * RCV.WND = 0, a bare ACK one octet past RCV.NXT (where a peer that
 * probed our closed window with one octet of new data puts its ACKs) has
 * its ACK and window taken and draws no answer; two past, or with a RST,
 * it is unacceptable as before.  (fuzz_pair: without it, such a peer's
 * ACKs of our data were dropped until we gave up.) */
static void test_zero_window_takes_bare_ack_one_past_rcv_nxt(void **state)
{
    (void)state;
    struct fx *f = start_zero_window(H_ESTAB);
    expect_err(fx_send_n(f, 0, 50, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->rcv_nxt);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt + 2u, f->iss + 21u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_one(f, TCPSM_ACK, f->iss + 51u, f->rcv_nxt);
    expect_u32(fx_st(f).snd_una, f->iss + 1u, "SND.UNA");
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt + 1u, f->iss + 21u, 0), TCPSM_OK);
    expect_not_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_none(f);
    expect_u32(fx_st(f).snd_una, f->iss + 21u, "SND.UNA");
    expect_u32(fx_st(f).rcv_nxt, f->rcv_nxt, "RCV.NXT");
    /* a RST there is out of the window: dropped (RFC 5961 3.2) */
    expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt + 1u, 0, 0), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_none(f);
}

/* ACK of our FIN */

static void test_fin_wait_1_ack_of_fin_enters_fin_wait_2(void **state)
{
    (void)state;
    struct fx *f = start(H_FW1, NULL);
    /* an ACK short of our FIN keeps FIN-WAIT-1 */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1u, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_FIN_WAIT_1);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 2u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(f, TCPSM_FIN_WAIT_2);
    expect_none(f);
    expect_u32(fx_st(f).snd_una, f->iss + 2u, "SND.UNA");
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
}

static void test_fin_wait_1_ack_of_data_then_fin(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_err(fx_close(f), TCPSM_OK);
    expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 101u, f->rcv_nxt);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 101u, 0), TCPSM_OK);
    expect_state(f, TCPSM_FIN_WAIT_1);
    expect_u32(fx_st(f).send_queued, 0, "send_queued");
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 102u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(f, TCPSM_FIN_WAIT_2);
}

static void test_closing_ack_of_fin_enters_time_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSING, NULL);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1u, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_CLOSING);
    fx_timer(f, f->now + 300000u);
    expect_none(f);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 2u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_none(f);
    /* the time-wait timer runs 2 MSL from now, nothing else */
    assert_true(tcpsm_next_deadline(&f->c) == f->now + 2ull * f->cfg.msl_us);
}

static void test_closing_segment_not_acking_our_fin_is_ignored(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSING, NULL);
    /* RFC 9293 3.10.7.4 fifth CLOSING: "otherwise, ignore the segment" */
    expect_err(fx_in_urg(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 1u, 8, 2), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_CLOSING);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.rcv_nxt, f->rcv_nxt, "RCV.NXT");
    assert_false(st.urgent);
}

static void test_last_ack_ack_of_fin_closes(void **state)
{
    (void)state;
    struct fx *f = start(H_LAST_ACK, NULL);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1u, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_LAST_ACK);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 2u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_LAST_ACK, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_none(f);
    expect_gone(f, TCPSM_OK);
}

static void test_last_ack_with_data_outstanding_closes_on_ack_of_fin(void **state)
{
    (void)state;
    struct fx *f = start(H_CLOSE_WAIT, NULL);
    expect_err(fx_send_n(f, 0, 40, 0, NULL), TCPSM_OK);
    expect_err(fx_close(f), TCPSM_OK);
    expect_state(f, TCPSM_LAST_ACK);
    expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 41u, f->rcv_nxt);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 41u, 0), TCPSM_OK);
    expect_state(f, TCPSM_LAST_ACK);
    expect_no_row(f);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 42u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_LAST_ACK, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_gone(f, TCPSM_OK);
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 sixth: URG */

static void test_urg_sets_rcv_up_and_receive_reports_urgent(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    assert_false(fx_st(f).urgent);
    /* RCV.UP <- SEG.SEQ + SEG.UP = nxt + 6 */
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt, f->snd_nxt, 10, 6), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 10u);
    assert_true(fx_st(f).urgent);
    uint8_t buf[16];
    uint32_t got = 0;
    unsigned fl = 0;
    expect_err(fx_receive(f, buf, 3, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 3);
    assert_true(fl & TCPSM_RECV_URGENT);
    assert_true(fx_st(f).urgent);               /* nxt + 3 < RCV.UP */
    expect_err(fx_receive(f, buf + 3, 13, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 7);
    assert_true(fl & TCPSM_RECV_URGENT);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(buf[i], h_pat_byte(nxt + i));
    assert_false(fx_st(f).urgent);              /* all urgent data consumed */
    /* more text without URG: no urgent notice */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 5), TCPSM_OK);
    fx_recv_check(f, nxt + 10u, 5, &fl);
    assert_false(fl & TCPSM_RECV_URGENT);
}


static void test_urgent_arrival_and_advance_are_signalled_by_the_call(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* RFC 1122 4.2.2.4 (MUST-32): the tcpsm_input call that brings an
     * urgent pointer, with none pending, says so in STATUS ... */
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 5), TCPSM_OK);
    assert_false(fx_st(f).urgent_signal);
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt + 5u, f->snd_nxt, 10, 6), TCPSM_OK);  /* RCV.UP nxt+11 */
    assert_true(fx_st(f).urgent_signal);
    assert_int_equal(fx_st(f).urgent_signals, 1);
    /* ... the next one, without news, does not */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 15u, f->snd_nxt, 5), TCPSM_OK);
    assert_false(fx_st(f).urgent_signal);
    /* the pointer moves on (nxt+11 -> nxt+21): news */
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt + 20u, f->snd_nxt, 1, 1), TCPSM_OK);  /* nxt+21 */
    assert_true(fx_st(f).urgent_signal);
    /* the same pointer again: no news */
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt + 21u, f->snd_nxt, 1, 0), TCPSM_OK);  /* nxt+21 */
    assert_false(fx_st(f).urgent_signal);
    assert_int_equal(fx_st(f).urgent_signals, 2);
}

static void test_urg_pointer_only_moves_forward(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    unsigned fl = 0;
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt, f->snd_nxt, 10, 20), TCPSM_OK);  /* RCV.UP = nxt+20 */
    expect_err(fx_in_urg(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 10, 1), TCPSM_OK); /* nxt+11: older */
    uint8_t buf[20];
    uint32_t got = 0;
    expect_err(fx_receive(f, buf, 12, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 12);
    assert_true(fl & TCPSM_RECV_URGENT);
    assert_true(fx_st(f).urgent);               /* RCV.UP stayed at nxt + 20 */
    expect_err(fx_receive(f, buf + 12, 8, &got, &fl), TCPSM_OK);
    assert_int_equal(got, 8);
    assert_true(fl & TCPSM_RECV_URGENT);
    assert_false(fx_st(f).urgent);
    for (uint32_t i = 0; i < 20; i++)
        assert_int_equal(buf[i], h_pat_byte(nxt + i));
}

static void test_urg_in_fin_wait_states_is_processed(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_FW1, H_FW2 };
    for (size_t s = 0; s < 2; s++) {
        struct fx *f = start(sts[s], NULL);
        expect_err(fx_in_urg(f, TCPSM_ACK, f->rcv_nxt, una_of(f, sts[s]), 4, 2), TCPSM_OK);
        expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 4u);
        assert_true(fx_st(f).urgent);
        unsigned fl = 0;
        fx_recv_check(f, f->rcv_nxt, 4, &fl);
        assert_true(fl & TCPSM_RECV_URGENT);
    }
}

static void test_urg_after_fin_is_ignored(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_CLOSE_WAIT, H_LAST_ACK, H_TIME_WAIT };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start(sts[s], NULL);
        expect_err(fx_in_urg(f, TCPSM_ACK, f->rcv_nxt, una_of(f, sts[s]), 0, 5), TCPSM_OK);
        expect_none(f);
        assert_false(fx_st(f).urgent);
        expect_state(f, h_state_of(sts[s]));
    }
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 seventh: segment text */

static void test_text_in_order_is_delivered_and_acked(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB_P, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 100), TCPSM_OK);
    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, window = free buffer */
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 100u);
    assert_int_equal(f->out[0].wnd, f->rcap - 100u);
    expect_u32(fx_st(f).rcv_wnd, f->rcap - 100u, "RCV.WND");
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_PSH, nxt + 100u, f->snd_nxt, 50), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 150u);
    unsigned fl = 0;
    fx_recv_check(f, nxt, 150, &fl);
    assert_true(fl & TCPSM_RECV_PUSH);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 150u, f->snd_nxt, 20), TCPSM_OK);
    fx_recv_check(f, nxt + 150u, 20, &fl);
    assert_false(fl & TCPSM_RECV_PUSH);
    expect_u32(fx_st(f).rcv_nxt, nxt + 170u, "RCV.NXT");
}

static void test_text_in_fin_wait_states_is_delivered(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_FW1, H_FW2 };
    for (size_t s = 0; s < 2; s++) {
        struct fx *f = start(sts[s], NULL);
        expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, una_of(f, sts[s]), 60), TCPSM_OK);
        expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 60u);
        expect_state(f, h_state_of(sts[s]));
        fx_recv_check(f, f->rcv_nxt, 60, NULL);
    }
}

static void test_text_out_of_order_is_held_and_delivered_when_the_gap_fills(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* SHLD-31: held; a duplicate ACK for RCV.NXT at once */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 10u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
    fx_recv_check(f, nxt, 0, NULL);
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 20u);
    fx_recv_check(f, nxt, 20, NULL);
}

static void test_text_up_to_eight_holes_are_held(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* eight ranges [10,20) [30,40) ... [150,160) beyond RCV.NXT */
    for (uint32_t k = 0; k < TCPSM_OOO_MAX; k++) {
        expect_err(fx_in(f, TCPSM_ACK, nxt + 10u + 20u * k, f->snd_nxt, 10), TCPSM_OK);
        expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    }
    /* a ninth range cannot be remembered: dropped (the peer resends) */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 170u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    /* filling each gap delivers up to the end of the next held range */
    for (uint32_t k = 0; k < TCPSM_OOO_MAX; k++) {
        expect_err(fx_in(f, TCPSM_ACK, nxt + 20u * k, f->snd_nxt, 10), TCPSM_OK);
        expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 20u * k + 20u);
    }
    expect_err(fx_in(f, TCPSM_ACK, nxt + 160u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 170u);  /* [170,180) was not kept */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 170u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 180u);
    fx_recv_check(f, nxt, 180, NULL);
    expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
}

static void test_duplicate_and_overlapping_text_is_delivered_once(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 10), TCPSM_OK);
    fx_recv_check(f, nxt, 10, NULL);
    /* a duplicate lies wholly before RCV.NXT: unacceptable, ACKed */
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 10u);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
    /* an overlap: only the new part [10,20) is taken */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 5u, f->snd_nxt, 15), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 20u);
    fx_recv_check(f, nxt + 10u, 10, NULL);
    /* an overlap that is not read yet: still taken once */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 20u, f->snd_nxt, 10), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 25u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 35u);
    fx_recv_check(f, nxt + 20u, 15, NULL);
}

static void test_overlapping_held_ranges_are_merged_and_delivered_once(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    static const uint32_t held[][2] = {     /* {offset, length} */
        { 20, 10 }, { 25, 15 }, { 50, 10 }, { 40, 10 }, { 22, 6 }, { 70, 5 }, { 65, 12 },
    };
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++) {
        expect_err(fx_in(f, TCPSM_ACK, nxt + held[i][0], f->snd_nxt, held[i][1]), TCPSM_OK);
        expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    }
    /* [20,60) and [65,77) are held; [0,25) fills up to 60 */
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 25), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 60u);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 58u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 77u);
    fx_recv_check(f, nxt, 77, NULL);
    expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
}

static void test_text_beyond_the_window_is_trimmed(void **state)
{
    (void)state;
    struct fx *f = start_sized(H_ESTAB, NULL, H_SBUF, 100);
    uint32_t nxt = f->rcv_nxt;
    /* out of order across the right edge: only [90,100) is held */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 90u, f->snd_nxt, 20), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    /* in order, 150 octets (and a FIN) into a 100-octet window */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, nxt, f->snd_nxt, 150), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 100u);
    assert_int_equal(f->out[0].wnd, 0);
    expect_state(f, TCPSM_ESTABLISHED);        /* the FIN lay beyond the window */
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.rcv_nxt, nxt + 100u, "RCV.NXT");
    assert_false(st.fin_received);
    fx_recv_check(f, nxt, 100, NULL);
}

static void test_text_is_ignored_after_the_peers_fin(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_CLOSE_WAIT, H_CLOSING, H_LAST_ACK, H_TIME_WAIT };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start(sts[s], NULL);
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_PSH, f->rcv_nxt, una_of(f, sts[s]), 20), TCPSM_OK);
        expect_none(f);
        expect_state(f, h_state_of(sts[s]));
        struct tcpsm_status st = fx_st(f);
        expect_u32(st.rcv_nxt, f->rcv_nxt, "RCV.NXT");
        expect_u32(st.recv_ready, 0, "recv_ready");
        uint8_t b[4];
        uint32_t got = 0;
        expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
        assert_int_equal(got, 0);
    }
}

/* ---------------------------------------------------------------------- */
/* 3.10.7.4 eighth: FIN */

static void test_fin_in_established_enters_close_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, nxt, f->snd_nxt, 10), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_CLOSE_WAIT);
    /* RCV.NXT advances over text and FIN; the FIN is acknowledged */
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 11u);
    struct tcpsm_status st = fx_st(f);
    assert_true(st.fin_received);
    expect_u32(st.rcv_nxt, nxt + 11u, "RCV.NXT");
    /* the data first (FIN implies PUSH), then "connection closing" */
    unsigned fl = 0;
    fx_recv_check(f, nxt, 10, &fl);
    assert_true(fl & TCPSM_RECV_PUSH);
    uint8_t b[4];
    uint32_t got = 0;
    expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
    expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
}

static void test_fin_in_fin_wait_1_enters_closing(void **state)
{
    (void)state;
    struct fx *f = start(H_FW1, NULL);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 1u, 3), TCPSM_OK);
    expect_fired(f, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_CLOSING);
    expect_one(f, TCPSM_ACK, f->iss + 2u, f->rcv_nxt + 4u);
    fx_recv_check(f, f->rcv_nxt, 3, NULL);
    /* our FIN is still unacknowledged: its retransmission timer runs */
    assert_true(tcpsm_next_deadline(&f->c) != TCPSM_NEVER);
}

static void test_fin_acking_our_fin_in_fin_wait_1_enters_time_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_FW1, NULL);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 2u, 0), TCPSM_OK);
    /* FIN-WAIT-1 -ACK of FIN-> FIN-WAIT-2 -FIN-> TIME-WAIT, in one segment */
    expect_fired(f, TCPSM_FIN_WAIT_1, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_fired(f, TCPSM_FIN_WAIT_2, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_one(f, TCPSM_ACK, f->iss + 2u, f->rcv_nxt + 1u);
    assert_true(tcpsm_next_deadline(&f->c) == f->now + 2ull * f->cfg.msl_us);
}

static void test_fin_in_fin_wait_2_enters_time_wait(void **state)
{
    (void)state;
    struct fx *f = start(H_FW2, NULL);
    fx_timer(f, f->now + 5000000u);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 2u, 7), TCPSM_OK);
    expect_fired(f, TCPSM_FIN_WAIT_2, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_one(f, TCPSM_ACK, f->iss + 2u, f->rcv_nxt + 8u);
    /* start the time-wait timer, turn off the others */
    assert_true(tcpsm_next_deadline(&f->c) == f->now + 2ull * f->cfg.msl_us);
    unsigned fl = 0;
    fx_recv_check(f, f->rcv_nxt, 7, &fl);
    assert_true(fl & TCPSM_RECV_PUSH);
    uint8_t b[4];
    uint32_t got = 0;
    expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
}

static void test_fin_out_of_order_is_held_until_the_gap_fills(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* text [5,10) and the FIN at 10, before [0,5) arrived */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, nxt + 5u, f->snd_nxt, 5), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    expect_state(f, TCPSM_ESTABLISHED);
    assert_false(fx_st(f).fin_received);
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 5), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_CLOSE_WAIT);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 11u);
    fx_recv_check(f, nxt, 10, NULL);
    uint8_t b[4];
    uint32_t got = 0;
    expect_err(fx_receive(f, b, sizeof b, &got, NULL), TCPSM_ERR_CLOSING);
}

static void test_fin_alone_out_of_order_in_fin_wait_2_is_held(void **state)
{
    (void)state;
    struct fx *f = start(H_FW2, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, nxt + 20u, f->snd_nxt, 0), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    expect_state(f, TCPSM_FIN_WAIT_2);
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 20), TCPSM_OK);
    expect_fired(f, TCPSM_FIN_WAIT_2, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 21u);
    fx_recv_check(f, nxt, 20, NULL);
}

static void test_fin_retransmitted_in_time_wait_is_acked_and_restarts_2msl(void **state)
{
    (void)state;
    struct fx *f = start(H_TIME_WAIT, NULL);
    uint64_t msl2 = 2ull * f->cfg.msl_us;
    uint64_t first = f->now + msl2;
    assert_true(tcpsm_next_deadline(&f->c) == first);
    fx_timer(f, f->now + 100000000u);           /* 100 s later */
    expect_state(f, TCPSM_TIME_WAIT);
    /* the peer's FIN again (SEG.SEQ+SEG.LEN = RCV.NXT) */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt - 1u, f->snd_nxt, 0), TCPSM_OK);
    expect_fired(f, TCPSM_TIME_WAIT, TCPSM_EV_SEG_FIN);
    expect_pure_ack(f);
    expect_state(f, TCPSM_TIME_WAIT);
    uint64_t second = f->now + msl2;
    assert_true(tcpsm_next_deadline(&f->c) == second);
    fx_timer(f, first);                         /* the old deadline passes */
    expect_state(f, TCPSM_TIME_WAIT);
    fx_timer(f, second - 1u);
    expect_state(f, TCPSM_TIME_WAIT);
    fx_timer(f, second);
    expect_fired(f, TCPSM_TIME_WAIT, TCPSM_EV_TIMEOUT_2MSL);
    expect_gone(f, TCPSM_OK);
}

static void test_fin_retransmitted_in_close_wait_draws_an_ack(void **state)
{
    (void)state;
    static const enum h_state sts[] = { H_CLOSE_WAIT, H_CLOSING, H_LAST_ACK };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start(sts[s], NULL);
        unsigned st = f->c.state;
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt - 1u, una_of(f, sts[s]), 0),
                   TCPSM_OK);
        expect_pure_ack(f);
        expect_fired(f, st, TCPSM_EV_SEG_UNACCEPTABLE);
        expect_state(f, st);
    }
}

static void test_fin_at_rcv_nxt_after_the_first_fin_is_acked_in_place(void **state)
{
    (void)state;
    /* RFC 9293 3.10.7.4 eighth: advance RCV.NXT over the FIN, ACK it;
     * CLOSE-WAIT, LAST-ACK and TIME-WAIT remain where they are */
    static const enum h_state sts[] = { H_CLOSE_WAIT, H_LAST_ACK, H_TIME_WAIT };
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        struct fx *f = start(sts[s], NULL);
        unsigned st = f->c.state;
        expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, una_of(f, sts[s]), 0), TCPSM_OK);
        expect_fired(f, st, TCPSM_EV_SEG_FIN);
        expect_state(f, st);
        expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 1u);
    }
}

static void test_fin_in_closing_is_processed_in_time_wait_once_our_fin_is_acked(void **state)
{
    (void)state;
    /* CLOSING ignores a segment that does not ACK our FIN (fifth check);
     * one that does moves to TIME-WAIT, where its FIN is processed */
    struct fx *f = start(H_CLOSING, NULL);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 1u, 0), TCPSM_OK);
    expect_none(f);
    expect_no_row(f);
    expect_state(f, TCPSM_CLOSING);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, f->rcv_nxt, f->iss + 2u, 0), TCPSM_OK);
    expect_fired(f, TCPSM_CLOSING, TCPSM_EV_SEG_ACK_OF_FIN);
    expect_fired(f, TCPSM_TIME_WAIT, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 1u);
}

/* ---------------------------------------------------------------------- */
/* Further cases: modular arithmetic, window edges, trimming */

static void test_sequence_check_wraps_modulo_2_32(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    struct fx *f = &F;
    f->irs = 0xFFFFFFF0u;
    f->iss = 0xFFFFFFFFu;                   /* SND.NXT wraps to 0 */
    fx_drive(f, H_ESTAB);
    assert_int_equal(f->rcv_nxt, 0xFFFFFFF1u);
    expect_u32(fx_st(f).snd_nxt, 0, "SND.NXT");
    /* 40 octets across the wrap */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, 0, 40), TCPSM_OK);
    expect_one(f, TCPSM_ACK, 0, 0x19u);
    fx_recv_check(f, 0xFFFFFFF1u, 40, NULL);
    f->rcv_nxt = 0x19u;
    /* RCV.NXT - 1 is before the window, also across the wrap */
    expect_err(fx_in(f, TCPSM_ACK, 0xFFFFFFFFu, 0, 0x1Au), TCPSM_OK);   /* ends at 0x18 */
    expect_pure_ack(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    /* an ACK of unsent data across the wrap */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, 1, 0), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_BAD_ACK);
}

static void test_right_window_edge_does_not_move_left_with_unread_data(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t edge = f->rcv_nxt + f->rcap;   /* RCV.NXT + RCV.WND */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 100), TCPSM_OK);
    f->rcv_nxt += 100u;
    expect_pure_ack(f);
    /* 100 octets unread: RCV.WND = rcap - 100, the edge stays */
    expect_u32(fx_st(f).rcv_wnd, f->rcap - 100u, "RCV.WND");
    expect_err(fx_in(f, 0, edge - 1u, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in(f, 0, edge, 0, 0), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    /* a RST there is outside the window: silently dropped */
    expect_err(fx_in(f, TCPSM_RST, edge, 0, 0), TCPSM_OK);
    expect_none(f);
    expect_state(f, TCPSM_ESTABLISHED);
}

static void test_push_on_held_text_is_reported_when_the_gap_fills(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* RFC 9293 3.10.7.4 seventh: the segment [10,20) carries PUSH */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_PSH, nxt + 10u, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt);
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 20u);
    unsigned fl = 0;
    fx_recv_check(f, nxt, 20, &fl);
    H_REQUIRE(fl & TCPSM_RECV_PUSH, __FILE__, __LINE__,
              "RECEIVE of [0,20) did not report the PUSH of the held segment [10,20)");
}

static void test_syn_received_active_retransmitted_syn_is_acked_as_old(void **state)
{
    (void)state;
    /* SEG.SEQ = IRS, SEG.LEN = 1: SEG.SEQ+SEG.LEN-1 < RCV.NXT, not
     * acceptable -> <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (Table 6), as for
     * a passive SYN-RECEIVED */
    struct fx *f = start(H_SYN_RCVD_A, NULL);
    expect_err(fx_in(f, TCPSM_SYN, f->irs, 0, 0), TCPSM_OK);
    expect_pure_ack(f);
    expect_fired(f, TCPSM_SYN_RECEIVED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_state(f, TCPSM_SYN_RECEIVED);
}

static void test_syn_before_the_window_is_trimmed_without_rfc5961(void **state)
{
    (void)state;
    struct tcpsm_config cfg = cfg_5961(true, false, true);
    struct fx *f = start(H_ESTAB, &cfg);
    uint32_t nxt = f->rcv_nxt;
    /* SYN at RCV.NXT-1 followed by 10 octets: the SYN lies outside the
     * window and is trimmed; the text from RCV.NXT on is taken */
    struct tcpsm_segment sg = h_seg(f, TCPSM_SYN | TCPSM_ACK, nxt - 1u, f->snd_nxt, 10);
    expect_err(fx_input(f, &sg, h_pat(f, nxt, 10)), TCPSM_OK);
    expect_not_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_SYN_RESET);
    expect_state(f, TCPSM_ESTABLISHED);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 10u);
    fx_recv_check(f, nxt, 10, NULL);
}

static void test_syn_sent_syn_ack_text_beyond_the_window_is_trimmed(void **state)
{
    (void)state;
    struct fx *f = start_sized(H_SYN_SENT, NULL, H_SBUF, 100);
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK | TCPSM_FIN, f->irs, f->iss + 1u, 150), TCPSM_OK);
    expect_state(f, TCPSM_ESTABLISHED);    /* the FIN lay beyond the window */
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 101u);
    assert_int_equal(f->out[0].wnd, 0);
    fx_recv_check(f, f->irs + 1u, 100, NULL);
}

static void test_fin_on_a_segment_straddling_rcv_nxt_is_taken(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 10), TCPSM_OK);
    /* [5,15) + FIN: [5,10) is old, [10,15) and the FIN are new */
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_FIN, nxt + 5u, f->snd_nxt, 10), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_FIN);
    expect_state(f, TCPSM_CLOSE_WAIT);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 16u);
    fx_recv_check(f, nxt, 15, NULL);
}

/* ---------------------------------------------------------------------- */
/* Requirements shown end to end (RFC 9293 Appendix B rows) */

/* MUST-65: no segment without SYN carries an MSS option; returns how many
 * non-SYN segments were looked at. */
static unsigned h_expect_no_mss_off_syn(const struct fx *f, const char *file, int line)
{
    unsigned n = 0;
    for (int i = 0; i < f->nout; i++) {
        const struct tcpsm_segment *s = &f->out[i];
        if (s->flags & TCPSM_SYN)
            continue;
        n++;
        H_REQUIRE(!s->opt.has_mss, file, line,
                  "out[%d] (%s seq %u len %u) carries an MSS option (%u) without SYN", i,
                  h_flags_str(s->flags), s->seq, s->len, s->opt.mss);
    }
    return n;
}
#define expect_no_mss_off_syn(f) h_expect_no_mss_off_syn((f), __FILE__, __LINE__)

static void test_mss_option_is_sent_only_on_syn_segments(void **state)
{
    (void)state;
    unsigned checked = 0;
    /* RFC 9293 3.2: the MSS option MUST NOT be sent in non-SYN segments */
    struct fx *f = start(H_SYN_SENT, NULL);
    assert_true(f->out[0].opt.has_mss);                 /* the SYN may carry it */
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 1u);   /* handshake ACK */
    checked += expect_no_mss_off_syn(f);
    uint32_t nxt = f->irs + 1u;
    /* data: 1460 + 1460 + 80 */
    expect_err(fx_send_n(f, 0, 3000, TCPSM_SEND_PUSH, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 3);
    checked += expect_no_mss_off_syn(f);
    /* retransmission of the segment at SND.UNA */
    fx_timer(f, tcpsm_next_deadline(&f->c));
    expect_one(f, TCPSM_ACK, f->iss + 1u, nxt);
    assert_int_equal(f->out[0].len, 1460);
    checked += expect_no_mss_off_syn(f);
    /* the peer's text draws a pure ACK */
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->iss + 3001u, 100), TCPSM_OK);
    nxt += 100u;
    expect_one(f, TCPSM_ACK, f->iss + 3001u, nxt);
    checked += expect_no_mss_off_syn(f);
    /* FIN, its retransmission, the ACK of the peer's FIN */
    expect_err(fx_close(f), TCPSM_OK);
    expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 3001u, nxt);
    checked += expect_no_mss_off_syn(f);
    fx_timer(f, tcpsm_next_deadline(&f->c));
    expect_one(f, TCPSM_FIN | TCPSM_ACK, f->iss + 3001u, nxt);
    checked += expect_no_mss_off_syn(f);
    expect_err(fx_in(f, TCPSM_FIN | TCPSM_ACK, nxt, f->iss + 3002u, 0), TCPSM_OK);
    expect_state(f, TCPSM_TIME_WAIT);
    expect_one(f, TCPSM_ACK, f->iss + 3002u, nxt + 1u);
    checked += expect_no_mss_off_syn(f);

    /* RST from ABORT: <SEQ=SND.NXT><CTL=RST> */
    f = start(H_ESTAB, NULL);
    expect_err(fx_abort(f), TCPSM_OK);
    expect_rst(f, f->snd_nxt);
    checked += expect_no_mss_off_syn(f);
    /* RST reply to a bad ACK in SYN-RECEIVED (the SYN,ACK may carry MSS) */
    f = start(H_SYN_RCVD_P, NULL);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 7u, 0), TCPSM_OK);
    expect_rst(f, f->iss + 7u);
    checked += expect_no_mss_off_syn(f);
    /* RST reply in CLOSED, and a challenge ACK */
    f = start(H_CLOSED, NULL);
    expect_err(fx_in(f, TCPSM_ACK, 5000, 123456, 0), TCPSM_OK);
    expect_rst(f, 123456);
    checked += expect_no_mss_off_syn(f);
    f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_SYN, f->rcv_nxt, 0, 0), TCPSM_OK);
    expect_pure_ack(f);
    checked += expect_no_mss_off_syn(f);
    assert_int_equal(checked, 13);
}

static void test_rst_with_data_resets_and_the_data_is_never_delivered(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t got = 1;
    /* RFC 9293 3.5.3 (SHLD-2): a RST may carry data; ESTABLISHED, at RCV.NXT */
    struct fx *f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK | TCPSM_PSH, f->rcv_nxt, f->snd_nxt, 20), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_RST);
    expect_none(f);                                     /* the text is not acknowledged */
    expect_state(f, TCPSM_CLOSED);
    expect_err(fx_receive(f, buf, sizeof buf, &got, NULL), TCPSM_ERR_RESET);
    assert_int_equal(got, 0);                           /* nor delivered */
    expect_err(fx_receive(f, buf, sizeof buf, &got, NULL), TCPSM_ERR_NOT_EXIST);
    assert_int_equal(got, 0);
    /* the same with earlier text unread: the RST's text is not appended */
    f = start(H_ESTAB, NULL);
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 10), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->snd_nxt, f->rcv_nxt + 10u);
    expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt + 10u, 0, 30), TCPSM_OK);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_RST);
    expect_none(f);
    expect_err(fx_receive(f, buf, sizeof buf, &got, NULL), TCPSM_ERR_RESET);
    assert_int_equal(got, 0);
    /* every other state: the reset is taken as without text */
    for (size_t s = 0; s < N_OTHER; s++) {
        f = start(other_states[s], NULL);
        expect_err(fx_in(f, TCPSM_RST, f->rcv_nxt, 0, 20), TCPSM_OK);
        expect_reset_outcome(f, other_states[s]);
        if (other_states[s] == H_SYN_RCVD_P)
            expect_u32(fx_st(f).recv_ready, 0, "recv_ready");
    }
    /* SYN-SENT: RST,ACK with an acceptable ACK and text */
    *h_ctx() = NULL;
    f = start(H_SYN_SENT, NULL);
    expect_err(fx_in(f, TCPSM_RST | TCPSM_ACK, 0, f->iss + 1u, 20), TCPSM_OK);
    expect_fired(f, TCPSM_SYN_SENT, TCPSM_EV_SEG_RST);
    expect_none(f);
    expect_gone(f, TCPSM_ERR_RESET);
}

static void test_shrinking_window_stops_new_data_and_retransmits_from_snd_una(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt, iss = f->iss;
    /* 4000 octets in flight in an 8192 window: 1460 + 1460 + 1080 */
    expect_err(fx_send_n(f, 0, 4000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 3);
    expect_u32(fx_st(f).snd_nxt, iss + 4001u, "SND.NXT");
    /* the peer ACKs 1000 and shrinks the window to 1000: the right edge
     * SND.UNA+SND.WND = ISS+2001 is left of SND.NXT = ISS+4001, the usable
     * window is negative (RFC 9293 3.8.6, MUST-34) */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, iss + 1001u, 0, 1000), TCPSM_OK);
    expect_none(f);                                     /* tcpsm_conn_check held (wrapper) */
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_una, iss + 1001u, "SND.UNA");
    expect_u32(st.snd_wnd, 1000, "SND.WND");
    expect_u32(st.snd_nxt, iss + 4001u, "SND.NXT");
    /* new data is queued but not sent (SHLD-15) */
    expect_err(fx_send_n(f, 4000, 500, 0, NULL), TCPSM_OK);
    expect_none(f);
    /* text from the peer draws a pure ACK, still no new data */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, iss + 1001u, 10, 1000), TCPSM_OK);
    nxt += 10u;
    expect_one(f, TCPSM_ACK, iss + 4001u, nxt);
    assert_int_equal(f->out[0].len, 0);
    st = fx_st(f);
    expect_u32(st.snd_nxt, iss + 4001u, "SND.NXT");
    expect_u32(st.send_queued, 3500, "send_queued");
    /* RTO: the segment at SND.UNA is retransmitted as usual (SHLD-16); it
     * runs to ISS+2461, beyond the right edge ISS+2001 (MAY-7) */
    fx_timer(f, tcpsm_next_deadline(&f->c));
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_RTX);
    expect_one(f, TCPSM_ACK, iss + 1001u, nxt);
    assert_int_equal(f->out[0].len, 1460);
    expect_our_data(f, 0);
    expect_u32(fx_st(f).snd_nxt, iss + 4001u, "SND.NXT");
    fx_cwnd_open(f);        /* the RTO took cwnd to 1 SMSS; this test is about SND.WND */
    /* that is acknowledged, the window stays 1000: edge ISS+3461 < SND.NXT;
     * no new data, but the ACK shows the next hole of the flight the
     * timeout declared lost, which goes again (RFC 6582 after an RTO) */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, iss + 2461u, 0, 1000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, iss + 2461u, nxt);
    assert_int_equal(f->out[0].len, 1460);
    expect_our_data(f, 0);
    fx_cwnd_open(f);
    /* the window reopens to 4000 (edge ISS+6461): the 500 queued go out */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, iss + 2461u, 0, 4000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, iss + 4001u, nxt);
    assert_int_equal(f->out[0].len, 500);
    expect_our_data(f, 0);
    st = fx_st(f);
    expect_u32(st.snd_nxt, iss + 4501u, "SND.NXT");
    expect_u32(st.snd_wnd, 4000, "SND.WND");
    /* all acknowledged: nothing left, timer off */
    expect_err(fx_in_wnd(f, TCPSM_ACK, nxt, iss + 4501u, 0, 4000), TCPSM_OK);
    expect_none(f);
    assert_true(tcpsm_next_deadline(&f->c) == TCPSM_NEVER);
}

static void test_queued_segments_are_all_processed_before_one_aggregate_ack(void **state)
{
    (void)state;
    struct fx *f = start(H_ESTAB, NULL);
    uint32_t nxt = f->rcv_nxt;
    /* RFC 9293 3.10.7.4 (MUST-58, MUST-59): three in-order segments are
     * queued; all are processed, then one ACK covers them */
    f->autodrain = false;
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->snd_nxt, 100), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 100u, f->snd_nxt, 100), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK | TCPSM_PSH, nxt + 200u, f->snd_nxt, 100), TCPSM_OK);
    fx_drain(f);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 300u);
    assert_int_equal(f->out[0].wnd, f->rcap - 300u);
    fx_drain(f);
    expect_none(f);
    /* out of order in the queue: still one ACK, for all of it */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 400u, f->snd_nxt, 100), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 300u, f->snd_nxt, 100), TCPSM_OK);
    fx_drain(f);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 500u);
    /* with our data waiting, the ACK rides on it: one segment in all */
    expect_err(fx_send_n(f, 0, 200, 0, NULL), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 500u, f->snd_nxt, 50), TCPSM_OK);
    expect_err(fx_in(f, TCPSM_ACK, nxt + 550u, f->snd_nxt, 50), TCPSM_OK);
    fx_drain(f);
    expect_one(f, TCPSM_ACK, f->snd_nxt, nxt + 600u);
    assert_int_equal(f->out[0].len, 200);
    expect_our_data(f, 0);
    f->autodrain = true;
    fx_recv_check(f, nxt, 600, NULL);
    expect_u32(fx_st(f).rcv_nxt, nxt + 600u, "RCV.NXT");
}

/* Send len octets (the send buffer holding them) and check that exactly
 * want go out, in MSS-sized segments of our byte stream. */
static void h_expect_sent_run(struct fx *f, uint32_t want, const char *file, int line)
{
    uint32_t total = 0;
    for (int i = 0; i < f->nout; i++) {
        const struct tcpsm_segment *s = &f->out[i];
        H_REQUIRE(s->seq == f->iss + 1u + total, file, line, "out[%d] SEQ=%u, want %u", i,
                  s->seq, f->iss + 1u + total);
        H_REQUIRE(s->len > 0 && s->len <= H_PEER_MSS, file, line, "out[%d] len %u", i, s->len);
        h_expect_our_data(f, i, file, line);
        total += s->len;
    }
    H_REQUIRE(total == want, file, line, "%u octets sent, want %u", total, want);
}
#define expect_sent_run(f, want) h_expect_sent_run((f), (want), __FILE__, __LINE__)

static void test_peer_window_of_32768_or_more_is_unsigned_and_used_fully(void **state)
{
    (void)state;
    uint32_t acc = 0;
    /* RFC 9293 3.1 Window (MUST-1): 65535 from the SYN,ACK */
    fx_setup(&F, NULL);
    fx_resize(&F, H_BUFMAX, H_RBUF);
    F.peer_wnd = 65535;
    fx_drive(&F, H_ESTAB);
    struct fx *f = &F;
    fx_cwnd_open(f);        /* beyond the initial window: the test is about SND.WND */
    expect_u32(fx_st(f).snd_wnd, 65535, "SND.WND");
    expect_err(fx_send_n(f, 0, 65536, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 65536);
    /* 44 x 1460; the 1295 usable octets left are one short of the 1296
     * queued, so sender SWS avoidance (MUST-38) holds them */
    assert_int_equal(f->nout, 44);
    expect_sent_run(f, 64240);
    struct tcpsm_status st = fx_st(f);
    expect_u32(st.snd_nxt, f->iss + 64241u, "SND.NXT");
    expect_u32(st.send_queued, 65536, "send_queued");
    /* the first segment's ACK opens room for all of them */
    expect_err(fx_in(f, TCPSM_ACK, f->rcv_nxt, f->iss + 1461u, 0), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 64241u, f->rcv_nxt);
    assert_int_equal(f->out[0].len, 1296);
    expect_our_data(f, 0);

    /* 40000 (negative as a signed 16-bit number) from a window update */
    fx_setup(&F, NULL);
    fx_resize(&F, H_BUFMAX, H_RBUF);
    fx_drive(&F, H_ESTAB);
    f = &F;
    fx_cwnd_open(f);
    expect_err(fx_in_wnd(f, TCPSM_ACK, f->rcv_nxt, f->snd_nxt, 0, 40000), TCPSM_OK);
    expect_none(f);
    expect_u32(fx_st(f).snd_wnd, 40000, "SND.WND");
    expect_err(fx_send_n(f, 0, 50000, 0, &acc), TCPSM_OK);
    assert_int_equal(acc, 50000);
    /* 27 x 1460 = 39420; the 580 usable octets left are held (MUST-38) */
    assert_int_equal(f->nout, 27);
    expect_sent_run(f, 39420);
    st = fx_st(f);
    expect_u32(st.snd_nxt, f->iss + 39421u, "SND.NXT");
    expect_u32(st.snd_wnd, 40000, "SND.WND");
    expect_u32(st.send_queued, 50000, "send_queued");
}

static void test_receive_buffer_above_65535_advertises_65535_with_32_bit_rcv_wnd(void **state)
{
    (void)state;
    /* RFC 9293 3.1 Window (REC-1): RCV.WND is 32-bit; the field holds 65535 */
    struct fx *f = start_sized(H_SYN_SENT, NULL, H_SBUF, H_RBUFMAX);
    assert_int_equal(f->out[0].wnd, 65535);             /* on the SYN */
    expect_err(fx_in(f, TCPSM_SYN | TCPSM_ACK, f->irs, f->iss + 1u, 0), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, f->irs + 1u);
    assert_int_equal(f->out[0].wnd, 65535);
    expect_u32(fx_st(f).rcv_wnd, H_RBUFMAX, "RCV.WND");
    uint32_t nxt = f->irs + 1u;
    /* 3000 octets unread: 67000 free, still 65535 in the field */
    expect_err(fx_in(f, TCPSM_ACK, nxt, f->iss + 1u, 3000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, nxt + 3000u);
    assert_int_equal(f->out[0].wnd, 65535);
    expect_u32(fx_st(f).rcv_wnd, H_RBUFMAX - 3000u, "RCV.WND");
    /* 8000 unread: 62000 free, now the field says so */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 3000u, f->iss + 1u, 5000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, nxt + 8000u);
    assert_int_equal(f->out[0].wnd, H_RBUFMAX - 8000u);
    expect_u32(fx_st(f).rcv_wnd, H_RBUFMAX - 8000u, "RCV.WND");
    fx_recv_check(f, nxt, 8000, NULL);
    nxt += 8000u;
    expect_u32(fx_st(f).rcv_wnd, H_RBUFMAX, "RCV.WND");
    /* the acceptability test uses the 32-bit RCV.WND: text 66000 octets
     * ahead is in the window (held), text at RCV.NXT+RCV.WND is not */
    expect_err(fx_in(f, TCPSM_ACK, nxt + 66000u, f->iss + 1u, 100), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, nxt);
    expect_not_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    assert_int_equal(f->out[0].wnd, 65535);
    expect_err(fx_in(f, TCPSM_ACK, nxt + H_RBUFMAX, f->iss + 1u, 100), TCPSM_OK);
    expect_one(f, TCPSM_ACK, f->iss + 1u, nxt);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_SEG_UNACCEPTABLE);
    expect_u32(fx_st(f).rcv_wnd, H_RBUFMAX, "RCV.WND");
}

/* ---------------------------------------------------------------------- */
/* The coverage check (must stay last) */

static void test_every_segment_row_is_exercised(void **state)
{
    (void)state;
    unsigned missing = 0;
    for (unsigned r = 0; r < tcpsm_nrows; r++) {
        const struct tcpsm_row *row = &tcpsm_rows[r];
        if (row->event < TCPSM_EV_SEG_ANY || row->event > TCPSM_EV_SEG_FIN)
            continue;
        if (h_cov()[r] == 0) {
            print_error("  row %u never fired: %s -%s-> %s (%s, \"%s\")\n", r,
                        tcpsm_state_name(row->from), tcpsm_event_name(row->event),
                        tcpsm_state_name(row->to), tcpsm_action_name(row->action), row->rfc);
            missing++;
        }
    }
    if (missing != 0)
        fail_msg("%u segment rows of spec/transitions.def were never taken", missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 3.10.7.1 CLOSED */
        cmocka_unit_test(test_closed_rst_is_dropped_without_reply),
        cmocka_unit_test(test_closed_ack_draws_rst_seq_seg_ack),
        cmocka_unit_test(test_closed_no_ack_draws_rst_ack_counting_syn_fin_and_text),
        cmocka_unit_test(test_closed_rst_reply_is_addressed_back_to_the_sender),
        cmocka_unit_test(test_closed_after_reset_answers_with_rst),
        /* 3.10.7.2 LISTEN */
        cmocka_unit_test(test_listen_rst_is_ignored),
        cmocka_unit_test(test_listen_ack_draws_rst_seq_seg_ack),
        cmocka_unit_test(test_listen_syn_moves_to_syn_received_with_syn_ack),
        cmocka_unit_test(test_listen_syn_text_and_fin_are_not_accepted),
        cmocka_unit_test(test_listen_fully_specified_takes_the_named_peer),
        cmocka_unit_test(test_listen_partly_specified_port_fills_the_address),
        cmocka_unit_test(test_listen_partly_specified_address_fills_the_port),
        cmocka_unit_test(test_listen_unspecified_binds_to_the_syn_source),
        cmocka_unit_test(test_listen_syn_with_other_compartment_draws_rst_ack),
        cmocka_unit_test(test_listen_other_segments_are_dropped),
        cmocka_unit_test(test_listen_syn_peer_mss_smaller_sets_send_mss),
        cmocka_unit_test(test_listen_syn_without_mss_option_uses_536),
        cmocka_unit_test(test_listen_syn_peer_mss_larger_keeps_ours),
        /* malformed requests */
        cmocka_unit_test(test_malformed_segments_are_refused_and_change_nothing),
        cmocka_unit_test(test_segment_for_other_sockets_is_not_for_us),
        cmocka_unit_test(test_segment_with_unspecified_addresses_matches_on_ports),
        /* 3.10.7.3 SYN-SENT */
        cmocka_unit_test(test_syn_sent_unacceptable_ack_draws_rst_seq_seg_ack),
        cmocka_unit_test(test_syn_sent_unacceptable_ack_with_rst_is_dropped),
        cmocka_unit_test(test_syn_sent_rst_with_acceptable_ack_closes),
        cmocka_unit_test(test_syn_sent_rst_without_ack_is_dropped),
        cmocka_unit_test(test_syn_sent_security_mismatch_with_ack_draws_rst_seq_seg_ack),
        cmocka_unit_test(test_syn_sent_security_mismatch_without_ack_draws_rst_ack),
        cmocka_unit_test(test_syn_sent_syn_ack_establishes_and_acks),
        cmocka_unit_test(test_syn_sent_syn_ack_with_text_delivers_it),
        cmocka_unit_test(test_syn_sent_syn_ack_with_text_and_fin_enters_close_wait),
        cmocka_unit_test(test_syn_sent_syn_alone_is_simultaneous_open),
        cmocka_unit_test(test_syn_sent_syn_with_text_is_acked_without_the_text),
        cmocka_unit_test(test_syn_sent_segment_without_syn_or_rst_is_dropped),
        /* 3.10.7.4 first: sequence number */
        cmocka_unit_test(test_sequence_check_window_edges_in_every_state),
        cmocka_unit_test(test_sequence_check_zero_window_four_cases),
        /* second: RST */
        cmocka_unit_test(test_rst_at_rcv_nxt_resets_in_every_state),
        cmocka_unit_test(test_syn_received_passive_rst_returns_to_listen_and_listens_again),
        cmocka_unit_test(test_rst_in_window_not_exact_draws_challenge_ack),
        cmocka_unit_test(test_rst_outside_window_is_dropped_silently),
        cmocka_unit_test(test_rst_in_window_resets_without_rfc5961),
        cmocka_unit_test(test_rst_in_zero_window_at_rcv_nxt_resets_elsewhere_dropped),
        /* third: security */
        cmocka_unit_test(test_security_mismatch_resets_synchronized_states),
        cmocka_unit_test(test_security_mismatch_without_ack_draws_rst_ack),
        cmocka_unit_test(test_security_checked_after_sequence),
        /* fourth: SYN */
        cmocka_unit_test(test_syn_draws_challenge_ack_in_synchronized_states),
        cmocka_unit_test(test_syn_outside_window_draws_the_sequence_ack),
        cmocka_unit_test(test_syn_received_passive_syn_returns_to_listen),
        cmocka_unit_test(test_syn_in_window_resets_without_rfc5961),
        /* fifth: ACK */
        cmocka_unit_test(test_ack_bit_off_drops_the_segment),
        cmocka_unit_test(test_syn_received_bad_ack_draws_rst_seq_seg_ack),
        cmocka_unit_test(test_bad_ack_is_acked_and_dropped_with_rfc5961),
        cmocka_unit_test(test_old_ack_within_max_snd_wnd_is_ignored_and_text_taken),
        cmocka_unit_test(test_ack_of_unsent_data_is_acked_and_dropped_without_rfc5961),
        cmocka_unit_test(test_syn_received_ack_of_syn_establishes),
        cmocka_unit_test(test_syn_received_ack_of_syn_with_text_delivers_it),
        cmocka_unit_test(test_syn_received_ack_of_syn_with_fin_enters_close_wait),
        cmocka_unit_test(test_syn_received_retransmitted_syn_is_acked_as_old),
        cmocka_unit_test(test_ack_advances_snd_una_and_releases_data),
        cmocka_unit_test(test_ack_advances_snd_una_in_close_wait),
        cmocka_unit_test(test_send_window_update_ignores_older_segments),
        cmocka_unit_test(test_send_window_not_updated_by_an_old_ack),
        cmocka_unit_test(test_send_window_update_limits_and_releases_sending),
        cmocka_unit_test(test_zero_window_still_processes_ack_and_urg),
        cmocka_unit_test(test_zero_window_takes_bare_ack_one_past_rcv_nxt),
        cmocka_unit_test(test_fin_wait_1_ack_of_fin_enters_fin_wait_2),
        cmocka_unit_test(test_fin_wait_1_ack_of_data_then_fin),
        cmocka_unit_test(test_closing_ack_of_fin_enters_time_wait),
        cmocka_unit_test(test_closing_segment_not_acking_our_fin_is_ignored),
        cmocka_unit_test(test_last_ack_ack_of_fin_closes),
        cmocka_unit_test(test_last_ack_with_data_outstanding_closes_on_ack_of_fin),
        /* sixth: URG */
        cmocka_unit_test(test_urg_sets_rcv_up_and_receive_reports_urgent),
        cmocka_unit_test(test_urg_pointer_only_moves_forward),
        cmocka_unit_test(test_urgent_arrival_and_advance_are_signalled_by_the_call),
        cmocka_unit_test(test_urg_in_fin_wait_states_is_processed),
        cmocka_unit_test(test_urg_after_fin_is_ignored),
        /* seventh: text */
        cmocka_unit_test(test_text_in_order_is_delivered_and_acked),
        cmocka_unit_test(test_text_in_fin_wait_states_is_delivered),
        cmocka_unit_test(test_text_out_of_order_is_held_and_delivered_when_the_gap_fills),
        cmocka_unit_test(test_text_up_to_eight_holes_are_held),
        cmocka_unit_test(test_duplicate_and_overlapping_text_is_delivered_once),
        cmocka_unit_test(test_overlapping_held_ranges_are_merged_and_delivered_once),
        cmocka_unit_test(test_text_beyond_the_window_is_trimmed),
        cmocka_unit_test(test_text_is_ignored_after_the_peers_fin),
        /* eighth: FIN */
        cmocka_unit_test(test_fin_in_established_enters_close_wait),
        cmocka_unit_test(test_fin_in_fin_wait_1_enters_closing),
        cmocka_unit_test(test_fin_acking_our_fin_in_fin_wait_1_enters_time_wait),
        cmocka_unit_test(test_fin_in_fin_wait_2_enters_time_wait),
        cmocka_unit_test(test_fin_out_of_order_is_held_until_the_gap_fills),
        cmocka_unit_test(test_fin_alone_out_of_order_in_fin_wait_2_is_held),
        cmocka_unit_test(test_fin_retransmitted_in_time_wait_is_acked_and_restarts_2msl),
        cmocka_unit_test(test_fin_retransmitted_in_close_wait_draws_an_ack),
        cmocka_unit_test(test_fin_at_rcv_nxt_after_the_first_fin_is_acked_in_place),
        cmocka_unit_test(test_fin_in_closing_is_processed_in_time_wait_once_our_fin_is_acked),
        /* further cases */
        cmocka_unit_test(test_sequence_check_wraps_modulo_2_32),
        cmocka_unit_test(test_right_window_edge_does_not_move_left_with_unread_data),
        cmocka_unit_test(test_push_on_held_text_is_reported_when_the_gap_fills),
        cmocka_unit_test(test_syn_received_active_retransmitted_syn_is_acked_as_old),
        cmocka_unit_test(test_syn_before_the_window_is_trimmed_without_rfc5961),
        cmocka_unit_test(test_syn_sent_syn_ack_text_beyond_the_window_is_trimmed),
        cmocka_unit_test(test_fin_on_a_segment_straddling_rcv_nxt_is_taken),
        /* RFC 9293 Appendix B rows shown end to end */
        cmocka_unit_test(test_mss_option_is_sent_only_on_syn_segments),
        cmocka_unit_test(test_rst_with_data_resets_and_the_data_is_never_delivered),
        cmocka_unit_test(test_shrinking_window_stops_new_data_and_retransmits_from_snd_una),
        cmocka_unit_test(test_queued_segments_are_all_processed_before_one_aggregate_ack),
        cmocka_unit_test(test_peer_window_of_32768_or_more_is_unsigned_and_used_fully),
        cmocka_unit_test(test_receive_buffer_above_65535_advertises_65535_with_32_bit_rcv_wnd),
        /* must stay last */
        cmocka_unit_test(test_every_segment_row_is_exercised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
