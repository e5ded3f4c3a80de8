/*
 * test_cc.c: retransmission timeout (RFC 6298), giving up (RFC 1122
 * 4.2.3.5: R1, R2) and congestion control (RFC 5681, RFC 6582) of one
 * connection (src/core/cc.c and its calls in input.c, output.c, conn.c),
 * on the virtual clock with exact times.
 *
 * The peer is played by hand: each test says which segments it acknowledges
 * and when.  Every public call goes through the harness wrappers, which
 * check the TCB invariant and the legality of the logged transitions.
 */
#include "harness.h"

#define ISS H_ISS
#define IRS H_IRS
#define MSS 1460u
#define S1 1000000ull                   /* one second */

static struct fx F;

/* ESTABLISHED by an active OPEN whose SYN,ACK comes rtt after the SYN;
 * a 64 KiB send buffer and a peer window of 65535. */
static struct fx *est(const struct tcpsm_config *cfg, uint64_t rtt)
{
    fx_setup(&F, cfg);
    fx_resize(&F, H_BUFMAX, H_RBUF);
    F.peer_wnd = 65535;
    fx_drive(&F, H_SYN_SENT);
    F.now += rtt;
    expect_err(fx_in(&F, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u, 0), TCPSM_OK);
    expect_state(&F, TCPSM_ESTABLISHED);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    F.snd_nxt = ISS + 1u;
    F.rcv_nxt = IRS + 1u;
    return &F;
}

/* The peer acknowledges up to ack (a bare ACK at the current time). */
static void peer_ack(struct fx *f, uint32_t ack)
{
    expect_err(fx_in(f, TCPSM_ACK, IRS + 1u, ack, 0), TCPSM_OK);
}

/* The fixture's default config with a 1 ms minimum RTO, so that the
 * estimator's own value shows. */
static struct tcpsm_config fine(void)
{
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.rto_min_us = 1000u;
    return cfg;
}

/* Data bytes in f->out[0 .. nout). */
static uint32_t out_bytes(const struct fx *f)
{
    uint32_t n = 0;
    for (int i = 0; i < f->nout; i++)
        n += f->out[i].len;
    return n;
}

static void expect_deadline_at(const struct fx *f, uint64_t t, int line)
{
    uint64_t d = tcpsm_next_deadline(&f->c);
    if (d != t)
        print_error("line %d: deadline %llu, want %llu\n", line, (unsigned long long)d,
                    (unsigned long long)t);
    assert_true(d == t);
}
#define expect_deadline(f, t) expect_deadline_at((f), (t), __LINE__)

/* ---------------------------------------------------------------------- */
/* RFC 6298: the estimator */

static void test_first_measurement_sets_srtt_rttvar_and_rto(void **state)
{
    (void)state;
    struct tcpsm_config cfg = fine();
    /* RFC 6298 2.1: before any measurement the RTO is 1 s */
    fx_setup(&F, &cfg);
    assert_int_equal(F.c.rto_us, 1000000u);
    /* 2.2: the SYN's RTT of 100 ms: SRTT = R, RTTVAR = R/2,
     * RTO = SRTT + max(G, 4 RTTVAR) = 300 ms */
    struct fx *f = est(&cfg, 100000u);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.srtt_us, 100000);
    assert_int_equal(st.rttvar_us, 50000);
    assert_int_equal(st.rto_us, 300000);
    /* 2.3: R' = 60 ms: RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 60000| = 47500,
     * SRTT = 7/8 * 100000 + 1/8 * 60000 = 95000, RTO = 95000 + 4 * 47500 */
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    expect_deadline(f, t + 300000u);    /* 5.1: armed with the RTO of the time */
    f->now = t + 60000u;
    peer_ack(f, ISS + 101u);
    st = fx_st(f);
    assert_int_equal(st.rttvar_us, 47500);
    assert_int_equal(st.srtt_us, 95000);
    assert_int_equal(st.rto_us, 285000);
    expect_deadline(f, TCPSM_NEVER);    /* 5.2: all acknowledged, timer off */
}

static void test_rto_is_rounded_up_to_the_minimum(void **state)
{
    (void)state;
    /* RFC 6298 2.4: 10 ms of RTT give 30 ms, rounded up to 1 s by default */
    struct fx *f = est(NULL, 10000u);
    assert_int_equal(fx_st(f).srtt_us, 10000);
    assert_int_equal(fx_st(f).rto_us, 1000000);
    /* and to a configured minimum of 200 ms */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.rto_min_us = 200000u;
    f = est(&cfg, 10000u);
    assert_int_equal(fx_st(f).rto_us, 200000);
    /* a minimum above the maximum is refused */
    cfg.rto_min_us = cfg.rto_max_us + 1u;
    struct tcpsm_conn c;
    assert_int_equal(tcpsm_conn_init(&c, &cfg, NULL, 0, NULL, 0), TCPSM_ERR_INVAL);
}

static void test_one_segment_is_timed_at_a_time(void **state)
{
    (void)state;
    struct tcpsm_config cfg = fine();
    struct fx *f = est(&cfg, 100000u);
    uint64_t t = f->now;
    expect_err(tcpsm_set_nagle(&f->c, false), TCPSM_OK);   /* MUST-17 */
    /* two segments 10 ms apart; the first is timed, the second is not */
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    f->now = t + 10000u;
    expect_err(fx_send_n(f, 100, 100, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 1);
    /* both acknowledged at once 100 ms after the first: R = 100 ms */
    f->now = t + 100000u;
    peer_ack(f, ISS + 201u);
    assert_int_equal(fx_st(f).srtt_us, 100000);
    assert_int_equal(fx_st(f).rttvar_us, 37500);
}

static void test_ack_of_a_retransmitted_segment_is_no_measurement(void **state)
{
    (void)state;
    struct tcpsm_config cfg = fine();
    struct fx *f = est(&cfg, 100000u);          /* RTO 300 ms */
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    /* RFC 6298 5.4-5.6: retransmitted at exactly t + RTO, RTO doubled */
    fx_timer(f, t + 300000u - 1u);
    expect_none(f);
    fx_timer(f, t + 300000u);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_RTX);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    assert_int_equal(f->out[0].len, 100);
    assert_int_equal(fx_st(f).rto_us, 600000);
    expect_deadline(f, t + 900000u);
    /* the ACK comes 50 ms after the retransmission: Karn's algorithm
     * (MUST-18, RFC 6298 3) takes no sample, the backed-off RTO stays */
    f->now = t + 350000u;
    peer_ack(f, ISS + 101u);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.srtt_us, 100000);
    assert_int_equal(st.rttvar_us, 50000);
    assert_int_equal(st.rto_us, 600000);
    /* the next new segment is measured (100 ms) and the RTO collapses to
     * 100000 + 4 * 37500 */
    t = f->now;
    expect_err(fx_send_n(f, 100, 100, 0, NULL), TCPSM_OK);
    expect_deadline(f, t + 600000u);
    f->now = t + 100000u;
    peer_ack(f, ISS + 201u);
    st = fx_st(f);
    assert_int_equal(st.srtt_us, 100000);
    assert_int_equal(st.rttvar_us, 37500);
    assert_int_equal(st.rto_us, 250000);
}

static void test_syn_timeout_gives_rto_3s_and_a_one_segment_window(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    fx_resize(&F, H_BUFMAX, H_RBUF);
    F.peer_wnd = 65535;
    fx_drive(&F, H_SYN_SENT);
    /* the SYN is resent at exactly 1 s */
    fx_timer(&F, H_T0 + S1 - 1u);
    expect_none(&F);
    fx_timer(&F, H_T0 + S1);
    expect_one(&F, TCPSM_SYN, ISS, 0);
    /* the SYN,ACK answers a retransmitted SYN: no measurement; RFC 6298
     * 5.7: the RTO is 3 s when data transmission begins; RFC 5681 3.1:
     * the initial window is one segment */
    F.now = H_T0 + 1500000u;
    expect_err(fx_in(&F, TCPSM_SYN | TCPSM_ACK, IRS, ISS + 1u, 0), TCPSM_OK);
    expect_one(&F, TCPSM_ACK, ISS + 1u, IRS + 1u);
    struct tcpsm_status st = fx_st(&F);
    assert_int_equal(st.rto_us, 3000000);
    assert_int_equal(st.srtt_us, 0);
    assert_int_equal(st.cwnd, MSS);
    expect_err(fx_send_n(&F, 0, 5000, 0, NULL), TCPSM_OK);
    assert_int_equal(F.nout, 1);
    assert_int_equal(F.out[0].len, MSS);
    expect_deadline(&F, F.now + 3000000u);
}

static void test_backoff_doubles_to_the_cap_and_is_configurable(void **state)
{
    (void)state;
    /* RFC 6298 5.5, 2.5: 1, 2, 4, 8, 16, 32, 60, 60 s with the defaults */
    struct fx *f = est(NULL, 0);
    assert_int_equal(tcpsm_set_r2(&f->c, 0, 0), TCPSM_OK);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    const uint32_t gaps[] = { 1, 2, 4, 8, 16, 32, 60, 60 };
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        t += gaps[i] * S1;
        expect_deadline(f, t);
        fx_timer(f, t - 1u);
        expect_none(f);
        fx_timer(f, t);
        expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
        assert_int_equal(f->out[0].len, 10);
    }
    assert_int_equal(fx_st(f).retransmits, 8);
}

/* ---------------------------------------------------------------------- */
/* RFC 1122 4.2.3.5: R1 and R2 */

static void test_r1_tells_the_user_after_three_retransmissions(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    fx_timer(f, t + 1u * S1);
    fx_timer(f, t + 3u * S1);
    assert_false(fx_st(f).r1_reached);
    assert_int_equal(fx_st(f).r1_events, 0);
    /* MUST-21: the third retransmission reaches R1 = 3 */
    fx_timer(f, t + 7u * S1);
    assert_int_equal(f->nout, 1);
    assert_true(fx_st(f).r1_reached);
    assert_int_equal(fx_st(f).r1_events, 1);
    expect_state(f, TCPSM_ESTABLISHED);
    /* an ACK ends the episode; the count of episodes stays */
    peer_ack(f, ISS + 11u);
    assert_false(fx_st(f).r1_reached);
    assert_int_equal(fx_st(f).r1_events, 1);
}

static void test_r2_aborts_100s_after_the_first_retransmission(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    /* retransmissions at 1, 3, 7, 15, 31, 63 s; the next would be at 123 s,
     * but R2 = 100 s after the first (MUST-20, MUST-22) comes first */
    const uint32_t at_s[] = { 1, 3, 7, 15, 31, 63 };
    for (size_t i = 0; i < sizeof at_s / sizeof at_s[0]; i++) {
        expect_deadline(f, t + at_s[i] * S1);
        fx_timer(f, t + at_s[i] * S1);
        expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_RTX);
        assert_int_equal(f->nout, 1);
    }
    expect_deadline(f, t + 101u * S1);
    fx_timer(f, t + 101u * S1 - 1u);
    expect_none(f);
    expect_state(f, TCPSM_ESTABLISHED);
    /* "connection aborted due to user timeout" */
    fx_timer(f, t + 101u * S1);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_USER);
    expect_state(f, TCPSM_CLOSED);
    expect_none(f);
    uint32_t acc = 0;
    expect_err(fx_send_n(f, 0, 1, 0, &acc), TCPSM_ERR_USER_TIMEOUT);
}

static void test_syn_r2_is_three_minutes(void **state)
{
    (void)state;
    fx_setup(&F, NULL);
    fx_drive(&F, H_SYN_SENT);
    /* MUST-23: a SYN is retransmitted for 3 minutes from its first
     * retransmission (at 1 s): at 1, 3, 7, 15, 31, 63, 123 s, then R2 at
     * 181 s, before the 5-minute user timeout */
    const uint32_t at_s[] = { 1, 3, 7, 15, 31, 63, 123 };
    for (size_t i = 0; i < sizeof at_s / sizeof at_s[0]; i++) {
        fx_timer(&F, H_T0 + at_s[i] * S1);
        expect_one(&F, TCPSM_SYN, ISS, 0);
    }
    expect_deadline(&F, H_T0 + 181u * S1);
    fx_timer(&F, H_T0 + 181u * S1 - 1u);
    expect_state(&F, TCPSM_SYN_SENT);
    fx_timer(&F, H_T0 + 181u * S1);
    expect_fired(&F, TCPSM_SYN_SENT, TCPSM_EV_TIMEOUT_USER);
    expect_state(&F, TCPSM_CLOSED);
}

static void test_r2_can_count_retransmissions_and_be_set_by_the_user(void **state)
{
    (void)state;
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.r2_count = 3;
    cfg.r2_us = 0;
    struct fx *f = est(&cfg, 0);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    fx_timer(f, t + 1u * S1);
    fx_timer(f, t + 3u * S1);
    fx_timer(f, t + 7u * S1);
    expect_state(f, TCPSM_ESTABLISHED);
    fx_timer(f, t + 15u * S1);          /* the expiry after the third */
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_USER);
    expect_state(f, TCPSM_CLOSED);

    /* MUST-22: the application sets R2: 10 s */
    f = est(NULL, 0);
    expect_err(tcpsm_set_r2(&f->c, 10u * (uint32_t)S1, 180u * (uint32_t)S1), TCPSM_OK);
    t = f->now;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    fx_timer(f, t + 1u * S1);
    fx_timer(f, t + 3u * S1);
    fx_timer(f, t + 7u * S1);
    expect_deadline(f, t + 11u * S1);
    fx_timer(f, t + 11u * S1);
    expect_state(f, TCPSM_CLOSED);

    /* MUST-23: a SYN limit under 3 minutes is refused, the TCB unchanged */
    f = est(NULL, 0);
    struct tcpsm_conn before = f->c;
    expect_err(tcpsm_set_r2(&f->c, 10u * (uint32_t)S1, 179u * (uint32_t)S1), TCPSM_ERR_INVAL);
    assert_memory_equal(&before, &f->c, sizeof before);
    tcpsm_config_default(&cfg);
    cfg.r2_syn_us = 60u * (uint32_t)S1;
    struct tcpsm_conn c;
    assert_int_equal(tcpsm_conn_init(&c, &cfg, NULL, 0, NULL, 0), TCPSM_ERR_INVAL);
}

/* ---------------------------------------------------------------------- */
/* RFC 5681, RFC 6582: congestion control */

static void test_initial_window_follows_rfc5681_and_rfc6928(void **state)
{
    (void)state;
    /* RFC 5681 3.1: SMSS 1460 (> 1095): 3 segments */
    struct fx *f = est(NULL, 0);
    assert_int_equal(fx_st(f).cwnd, 3u * MSS);
    assert_int_equal(fx_st(f).ssthresh, TCPSM_MAX_BUF);
    expect_err(fx_send_n(f, 0, 10000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 3);
    assert_int_equal(out_bytes(f), 3u * MSS);
    /* SMSS 536 (=< 1095): 4 segments */
    fx_setup(&F, NULL);
    fx_resize(&F, H_BUFMAX, H_RBUF);
    F.peer_wnd = 65535;
    F.peer_mss = 536;
    fx_drive(&F, H_ESTAB);
    assert_int_equal(fx_st(&F).cwnd, 4u * 536u);
    expect_err(fx_send_n(&F, 0, 10000, 0, NULL), TCPSM_OK);
    assert_int_equal(F.nout, 4);
    /* RFC 6928: min(10 SMSS, max(2 SMSS, 14600)) = 14600 */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.iw10 = true;
    f = est(&cfg, 0);
    assert_int_equal(fx_st(f).cwnd, 14600);
    expect_err(fx_send_n(f, 0, 20000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 10);
}

static void test_slow_start_then_congestion_avoidance(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    expect_err(fx_send_n(f, 0, 60000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 3);
    /* slow start (RFC 5681 3.1 (2)): each ACK of a full segment adds one
     * SMSS, and two segments go for each */
    peer_ack(f, ISS + 1u + MSS);
    assert_int_equal(fx_st(f).cwnd, 4u * MSS);
    assert_int_equal(f->nout, 2);
    /* an ACK of half a segment adds half a segment: min(N, SMSS) */
    peer_ack(f, ISS + 1u + MSS + 730u);
    assert_int_equal(fx_st(f).cwnd, 4u * MSS + 730u);
    /* congestion avoidance once cwnd >= ssthresh: one SMSS per cwnd acked
     * (3.1 (3)); ssthresh is set white-box here, as a loss would */
    f->c.cc.ssthresh = 4u * MSS;
    uint32_t cw = fx_st(f).cwnd, una = ISS + 1u + MSS + 730u, acked = 0;
    while (acked + 730u < cw) {
        una += 730u;
        acked += 730u;
        peer_ack(f, una);
        assert_int_equal(fx_st(f).cwnd, cw);
    }
    peer_ack(f, una + 730u);
    assert_int_equal(fx_st(f).cwnd, cw + MSS);
}

/* 10 segments in flight (RFC 6928 window) from ISS+1. */
static struct fx *ten_in_flight(void)
{
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.iw10 = true;
    struct fx *f = est(&cfg, 0);
    expect_err(fx_send_n(f, 0, 30000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 10);
    return f;
}

static void test_third_duplicate_ack_fast_retransmits(void **state)
{
    (void)state;
    struct fx *f = ten_in_flight();
    /* the first segment is lost; segments 2 and 3 draw duplicate ACKs */
    peer_ack(f, ISS + 1u);
    expect_none(f);
    peer_ack(f, ISS + 1u);
    expect_none(f);
    assert_int_equal(fx_st(f).cwnd, 14600);
    /* RFC 5681 3.2 (2)-(4): the third: ssthresh = FlightSize/2 = 7300,
     * the front resent, cwnd = ssthresh + 3 SMSS */
    peer_ack(f, ISS + 1u);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    assert_int_equal(f->out[0].len, MSS);
    expect_our_data(f, 0);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.ssthresh, 7300);
    assert_int_equal(st.cwnd, 7300u + 3u * MSS);
    assert_int_equal(st.fast_retransmits, 1);
    assert_int_equal(st.retransmits, 0);
    /* RFC 6582 3.2 4: each further duplicate inflates cwnd by SMSS; new
     * data goes once cwnd passes the 14600 in flight */
    peer_ack(f, ISS + 1u);
    expect_none(f);
    peer_ack(f, ISS + 1u);
    expect_none(f);
    assert_int_equal(fx_st(f).cwnd, 7300u + 5u * MSS);
    peer_ack(f, ISS + 1u);
    expect_one(f, TCPSM_ACK, ISS + 1u + 14600u, IRS + 1u);
    /* 6: the full ACK (all up to recover = ISS+14601): cwnd =
     * min(ssthresh, max(FlightSize, SMSS) + SMSS) = min(7300, 1460+1460) */
    peer_ack(f, ISS + 1u + 14600u);
    st = fx_st(f);
    assert_int_equal(st.cwnd, 2u * MSS);
    assert_int_equal(st.ssthresh, 7300);
}

static void test_only_true_duplicate_acks_count(void **state)
{
    (void)state;
    struct fx *f = ten_in_flight();
    /* RFC 5681 2: two duplicates (window 65535) ... */
    peer_ack(f, ISS + 1u);
    peer_ack(f, ISS + 1u);
    /* ... then an ACK with another window and one with data are none */
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 60000), TCPSM_OK);
    expect_none(f);
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 10, 60000), TCPSM_OK);
    expect_none(f);                     /* its ACK is delayed (RFC 9293 3.8.6.3) */
    assert_int_equal(fx_st(f).fast_retransmits, 0);
    /* the next true duplicate is the third */
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 11u, ISS + 1u, 0, 60000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 11u);
    assert_int_equal(fx_st(f).fast_retransmits, 1);
}

static void test_partial_ack_resends_the_next_hole(void **state)
{
    (void)state;
    struct fx *f = ten_in_flight();
    /* segments 1 and 5 are lost; 2, 3, 4 draw three duplicates */
    for (int i = 0; i < 3; i++)
        peer_ack(f, ISS + 1u);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    /* the resent segment 1 arrives: the ACK covers 1-4 only (RFC 6582
     * 3.2 5, a partial ACK): segment 5 is resent at once, cwnd deflated by
     * the 5840 acknowledged and one SMSS added back */
    uint32_t cw = fx_st(f).cwnd;
    peer_ack(f, ISS + 1u + 4u * MSS);
    assert_true(f->nout >= 1);
    expect_seg(f, 0, TCPSM_ACK, ISS + 1u + 4u * MSS, IRS + 1u);
    assert_int_equal(f->out[0].len, MSS);
    assert_int_equal(fx_st(f).cwnd, cw - 4u * MSS + MSS);
    assert_int_equal(fx_st(f).fast_retransmits, 2);
    /* the full ACK ends recovery: min(ssthresh, max(FlightSize, SMSS) + SMSS)
     * with nothing in flight */
    peer_ack(f, ISS + 1u + 14600u);
    assert_int_equal(fx_st(f).cwnd, 2u * MSS);
    assert_int_equal(fx_st(f).ssthresh, 7300);
}

static void test_timeout_takes_cwnd_to_one_segment(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 10000, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 3);
    /* RFC 5681 3.1 (4): ssthresh = max(FlightSize/2, 2 SMSS) = 2920,
     * cwnd = LW = 1 SMSS */
    fx_timer(f, t + S1);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    struct tcpsm_status st = fx_st(f);
    assert_int_equal(st.cwnd, MSS);
    assert_int_equal(st.ssthresh, 2u * MSS);
    assert_int_equal(st.retransmits, 1);
    /* the ACK of the first shows the second missing: it goes again (the
     * lost flight after a timeout); cwnd grows by slow start */
    f->now = t + S1 + 1000u;
    peer_ack(f, ISS + 1u + MSS);
    expect_one(f, TCPSM_ACK, ISS + 1u + MSS, IRS + 1u);
    assert_int_equal(fx_st(f).cwnd, 2u * MSS);
    /* a second expiry does not halve ssthresh again */
    fx_timer(f, tcpsm_next_deadline(&f->c));
    assert_int_equal(fx_st(f).ssthresh, 2u * MSS);
}

static void test_restart_after_idle_limits_cwnd_to_the_initial_window(void **state)
{
    (void)state;
    /* RFC 5681 4.1: idle for longer than the RTO (1 s): cwnd = min(IW, cwnd) */
    struct fx *f = est(NULL, 0);
    expect_err(fx_send_n(f, 0, MSS, 0, NULL), TCPSM_OK);
    peer_ack(f, ISS + 1u + MSS);
    assert_int_equal(fx_st(f).cwnd, 4u * MSS);
    f->now += S1;                       /* exactly the RTO: not yet idle */
    expect_err(fx_send_n(f, MSS, 4u * MSS, 0, NULL), TCPSM_OK);
    assert_int_equal(f->nout, 4);
    peer_ack(f, ISS + 1u + 5u * MSS);
    assert_int_equal(fx_st(f).cwnd, 5u * MSS);
    f->now += S1 + 1u;                  /* 1 us more than the RTO */
    expect_err(fx_send_n(f, 5u * MSS, 10u * MSS, 0, NULL), TCPSM_OK);
    assert_int_equal(fx_st(f).cwnd, 3u * MSS);
    assert_int_equal(f->nout, 3);
}


/* ---------------------------------------------------------------------- */
/* RFC 9293 3.8.6.3: delayed ACK */

/* The peer's text: len octets at RCV.NXT + off. */
static void peer_data(struct fx *f, uint32_t off, uint32_t len)
{
    expect_err(fx_in(f, TCPSM_ACK, IRS + 1u + off, f->c.snd_nxt, len), TCPSM_OK);
}

static void test_ack_of_one_segment_waits_200ms(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    uint64_t t = f->now;
    peer_data(f, 0, 100);
    expect_none(f);                     /* SHLD-18 */
    expect_deadline(f, t + 200000u);
    fx_timer(f, t + 200000u - 1u);
    expect_none(f);
    fx_timer(f, t + 200000u);           /* MUST-40: 200 ms, under 0.5 s */
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 101u);
    expect_deadline(f, TCPSM_NEVER);
    /* 0.5 s or more is refused */
    struct tcpsm_config cfg;
    tcpsm_config_default(&cfg);
    cfg.delack_us = 500001u;
    struct tcpsm_conn c;
    assert_int_equal(tcpsm_conn_init(&c, &cfg, NULL, 0, NULL, 0), TCPSM_ERR_INVAL);
}

static void test_second_full_segment_is_acked_at_once(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    /* SHLD-19: every second full-sized segment (2 x 1460 octets) */
    peer_data(f, 0, MSS);
    expect_none(f);
    f->now += 1000u;
    peer_data(f, MSS, MSS);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u + 2u * MSS);
    expect_deadline(f, TCPSM_NEVER);
    /* the count starts again after that ACK (1000 octets: all the
     * 4096-octet buffer has room for) */
    peer_data(f, 2u * MSS, 1000);
    expect_none(f);
}

static void test_out_of_order_and_gap_filling_text_is_acked_at_once(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    /* RFC 9293 3.8.6.3 / RFC 5681 4.2: out of order: a duplicate ACK now */
    peer_data(f, 100, 100);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    /* the text that fills the gap: an ACK of both now */
    peer_data(f, 0, 100);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 201u);
}

static void test_delayed_ack_rides_on_data_sent_meanwhile(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    peer_data(f, 0, 100);
    expect_none(f);
    f->now += 50000u;
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 101u);     /* the ACK is on the data */
    assert_int_equal(f->out[0].len, 10);
    fx_timer(f, f->now + 150000u);
    expect_none(f);                     /* no second, bare ACK */
}

/* ---------------------------------------------------------------------- */
/* RFC 9293 3.7.4: Nagle; 3.8.6.2: SWS avoidance */

static void test_nagle_holds_short_segments_while_data_is_unacknowledged(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);       /* nothing unacked: goes */
    /* SHLD-7: two more short SENDs wait for the ACK ... */
    expect_err(fx_send_n(f, 100, 100, 0, NULL), TCPSM_OK);
    expect_none(f);
    expect_err(fx_send_n(f, 200, 100, TCPSM_SEND_PUSH, NULL), TCPSM_OK);
    expect_none(f);                     /* (whatever PSH says) */
    /* ... which sends them as one segment */
    peer_ack(f, ISS + 101u);
    expect_one(f, TCPSM_ACK, ISS + 101u, IRS + 1u);
    assert_int_equal(f->out[0].len, 200);
    expect_our_data(f, 0);
    /* a full segment goes whatever is unacknowledged */
    expect_err(fx_send_n(f, 300, MSS, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 301u, IRS + 1u);
    assert_int_equal(f->out[0].len, MSS);
    /* MUST-17: off for this connection, a short segment goes at once */
    expect_err(tcpsm_set_nagle(&f->c, false), TCPSM_OK);
    expect_err(fx_send_n(f, 300u + MSS, 10, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 301u + MSS, IRS + 1u);
    assert_int_equal(f->out[0].len, 10);
}

static void test_receiver_offers_window_in_sws_steps(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);       /* receive buffer 4096 */
    uint8_t buf[4096];
    uint32_t got = 0;
    /* the peer fills the buffer: 1460 + 1460 (ACKed at once) + 1176 */
    peer_data(f, 0, MSS);
    peer_data(f, MSS, MSS);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u + 2u * MSS);
    assert_int_equal(f->out[0].wnd, 4096u - 2u * MSS);
    peer_data(f, 2u * MSS, 4096u - 2u * MSS);
    fx_timer(f, f->now + 200000u);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 4097u);
    assert_int_equal(f->out[0].wnd, 0);
    /* MUST-39: reading 1000 octets does not move the right edge (less than
     * min(RCV.BUFF/2, MSS) = 1460): no window update */
    expect_err(fx_receive(f, buf, 1000, &got, NULL), TCPSM_OK);
    assert_int_equal(got, 1000);
    expect_none(f);
    /* a segment sent now still offers 0 */
    expect_err(fx_send_n(f, 0, 10, 0, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 4097u);
    assert_int_equal(f->out[0].wnd, 0);
    /* 500 more read (1500 free): the update goes, with all of it */
    expect_err(fx_receive(f, buf, 500, &got, NULL), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 11u, IRS + 4097u);
    assert_int_equal(f->out[0].wnd, 1500);
}


static void test_data_held_by_sws_avoidance_goes_after_the_override_timeout(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    /* the peer offered 65535, now offers 1000: 5000 octets queued, nothing
     * in flight; 1000 is less than a segment, than what is queued and than
     * half the largest window, so sender SWS avoidance holds them ... */
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 1000), TCPSM_OK);
    uint64_t t = f->now;
    expect_err(fx_send_n(f, 0, 5000, 0, NULL), TCPSM_OK);
    expect_none(f);
    /* ... until the override timeout, 200 ms (RFC 9293 3.8.6.2.1 (d)) */
    expect_deadline(f, t + 200000u);
    fx_timer(f, t + 200000u - 1u);
    expect_none(f);
    fx_timer(f, t + 200000u);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    assert_int_equal(f->out[0].len, 1000);
    expect_our_data(f, 0);
    expect_deadline(f, t + 200000u + S1);   /* the retransmission timer now */
}

/* ---------------------------------------------------------------------- */
/* RFC 9293 3.8.6.1: zero-window probing */

/* ESTABLISHED, the peer's window closed, 100 octets queued at time *t. */
static struct fx *closed_window(uint64_t *t)
{
    struct fx *f = est(NULL, 0);
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
    *t = f->now;
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_none(f);
    return f;
}

static void test_zero_window_probe_after_rto_with_backoff_forever_while_answered(void **state)
{
    (void)state;
    uint64_t t;
    struct fx *f = closed_window(&t);
    /* SHLD-29: the first probe one RTO (1 s) later; SHLD-30: then it is
     * resent 2, 4, 8, 16, 32 s apart, then at most 60 s (the RTO's upper
     * bound) apart */
    const uint32_t gap_s[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60 };
    for (size_t i = 0; i < sizeof gap_s / sizeof gap_s[0]; i++) {
        t += gap_s[i] * S1;
        expect_deadline(f, t);
        fx_timer(f, t - 1u);
        expect_none(f);
        fx_timer(f, t);
        /* RFC 9293 3.8.6.1 (MUST-36): one octet of new data at SND.NXT,
         * beyond the window; afterwards that octet is resent */
        expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
        assert_int_equal(f->out[0].len, 1);
        expect_our_data(f, 0);
        /* MUST-37: the peer answers, its window still 0: stay open, past
         * R2 (100 s) and the user timeout (5 min); no duplicate ACKs */
        f->now = t + 10000u;
        expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
        expect_none(f);
    }
    expect_state(f, TCPSM_ESTABLISHED);
    assert_int_equal(fx_st(f).zero_window_probes, 14);
    assert_int_equal(fx_st(f).fast_retransmits, 0);
    assert_true(t - H_T0 > 300u * S1);  /* 543 s */
    /* the window opens and the octet is taken: the rest goes, no more probes */
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 2u, 0, 1000), TCPSM_OK);
    expect_one(f, TCPSM_ACK, ISS + 2u, IRS + 1u);
    assert_int_equal(f->out[0].len, 99);
    expect_our_data(f, 1);
    /* no RTT sample from the probe (it waited on the peer's window) */
    assert_int_equal(fx_st(f).srtt_us, 0);
}

static void test_zero_window_probes_unanswered_for_r2_give_up(void **state)
{
    (void)state;
    uint64_t t;
    struct fx *f = closed_window(&t);
    uint64_t last = t;
    /* the probe at 1 s, resent at 3, 7, 15, 31, 63 s, none answered ... */
    const uint32_t at_s[] = { 1, 3, 7, 15, 31, 63 };
    for (size_t i = 0; i < sizeof at_s / sizeof at_s[0]; i++) {
        fx_timer(f, last + at_s[i] * S1);
        expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
        assert_int_equal(f->out[0].len, 1);
    }
    /* ... the next expiry, at 123 s, is past R2 (100 s) of silence */
    expect_deadline(f, last + 123u * S1);
    fx_timer(f, last + 123u * S1);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_USER);
    expect_state(f, TCPSM_CLOSED);
    expect_none(f);
}

/* MUST-37: time with nothing asked is not silence.  The window closed and
 * nothing was queued for 300 s (past R2): the first probe goes when data
 * comes (found by fuzz_pair, fuzz/regressions/fuzz_pair/idle-zero-window). */
static void test_zero_window_idle_past_r2_then_probe(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
    f->now += 300u * S1;
    expect_err(fx_send_n(f, 0, 100, 0, NULL), TCPSM_OK);
    expect_none(f);
    fx_timer(f, f->now + S1);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    assert_int_equal(f->out[0].len, 1);
    expect_state(f, TCPSM_ESTABLISHED);
}

/* MUST-37 with an R2 the user set below the probe interval's cap (30 s):
 * answered probes go on past it (found by fuzz_pair,
 * fuzz/regressions/fuzz_pair/short-r2-answered-probes). */
static void test_zero_window_short_r2_answered(void **state)
{
    (void)state;
    uint64_t t;
    struct fx *f = closed_window(&t);
    const uint32_t gap_s[] = { 1, 2, 4, 8, 16, 32, 60, 60 };
    expect_err(tcpsm_set_r2(&f->c, 30u * (uint32_t)S1, 0), TCPSM_OK);
    for (size_t i = 0; i < sizeof gap_s / sizeof gap_s[0]; i++) {
        t += gap_s[i] * S1;
        fx_timer(f, t);
        expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
        f->now = t + 10000u;
        expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
    }
    expect_state(f, TCPSM_ESTABLISHED);
    /* unanswered from here: given up 30 s after the first unanswered probe */
    t += 60u * S1;
    fx_timer(f, t);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);
    t += 60u * S1;
    fx_timer(f, t);
    expect_fired(f, TCPSM_ESTABLISHED, TCPSM_EV_TIMEOUT_USER);
    expect_state(f, TCPSM_CLOSED);
}

/* RFC 9293 3.10.7.4: our bare ACKs go at SND.NXT, also when the probe
 * octet has put SND.NXT one past the peer's closed window (the peer takes
 * them by 3.10.7.4 first's allowance: test_segment's
 * test_zero_window_takes_bare_ack_one_past_rcv_nxt).  An earlier version
 * sent them at SND.UNA, which a peer that had taken more than SND.UNA
 * dropped, answering with the same: an endless exchange (fuzz_pair). */
static void test_zero_window_bare_acks_go_at_snd_nxt(void **state)
{
    (void)state;
    uint64_t t;
    struct fx *f = closed_window(&t);
    t += S1;
    fx_timer(f, t);
    expect_one(f, TCPSM_ACK, ISS + 1u, IRS + 1u);       /* the probe octet */
    assert_int_equal(f->out[0].len, 1);
    f->now = t + 10000u;
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 0, 0), TCPSM_OK);
    expect_none(f);
    /* the peer, its window still closed, sends 100 octets */
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u, 100, 0), TCPSM_OK);
    fx_timer(f, f->now + 200000u);                      /* the delayed ACK */
    expect_one(f, TCPSM_ACK, ISS + 2u, IRS + 101u);
    assert_int_equal(f->out[0].len, 0);
}

/* MUST-37: the window closes while data is in flight, by an ACK that
 * takes part of it: the USER TIMEOUT (5 min) restarted by that ACK must
 * not end the connection while the peer answers every probe. */
static void test_zero_window_after_partial_ack_outlives_user_timeout(void **state)
{
    (void)state;
    struct fx *f = est(NULL, 0);
    uint64_t t;
    expect_err(fx_send_n(f, 0, 2u * MSS, 0, NULL), TCPSM_OK);
    assert_int_equal(out_bytes(f), 2u * MSS);
    f->now += 10000u;
    expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u + MSS, 0, 0), TCPSM_OK);
    t = f->now;
    /* the second segment is resent as the probe at 1, 3, 7 ... s (RTO
     * doubling to 60 s), each answered at once with the window still 0 */
    for (int i = 0; i < 12; i++) {
        t = tcpsm_next_deadline(&f->c);
        fx_timer(f, t);
        if (f->nout != 1)
            print_error("probe %d at %llu s: state %d\n", i, (unsigned long long)((t - H_T0) / S1), f->c.state);
        expect_one(f, TCPSM_ACK, ISS + 1u + MSS, IRS + 1u);
        f->now = t + 10000u;
        expect_err(fx_in_wnd(f, TCPSM_ACK, IRS + 1u, ISS + 1u + MSS, 0, 0), TCPSM_OK);
    }
    assert_true(t - H_T0 > 400u * S1);  /* past the 300 s USER TIMEOUT */
    expect_state(f, TCPSM_ESTABLISHED);
}

int main(void)
{
    *h_keep_policy() = true;            /* the defaults: delayed ACK and Nagle on */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_measurement_sets_srtt_rttvar_and_rto),
        cmocka_unit_test(test_rto_is_rounded_up_to_the_minimum),
        cmocka_unit_test(test_one_segment_is_timed_at_a_time),
        cmocka_unit_test(test_ack_of_a_retransmitted_segment_is_no_measurement),
        cmocka_unit_test(test_syn_timeout_gives_rto_3s_and_a_one_segment_window),
        cmocka_unit_test(test_backoff_doubles_to_the_cap_and_is_configurable),
        cmocka_unit_test(test_r1_tells_the_user_after_three_retransmissions),
        cmocka_unit_test(test_r2_aborts_100s_after_the_first_retransmission),
        cmocka_unit_test(test_syn_r2_is_three_minutes),
        cmocka_unit_test(test_r2_can_count_retransmissions_and_be_set_by_the_user),
        cmocka_unit_test(test_initial_window_follows_rfc5681_and_rfc6928),
        cmocka_unit_test(test_slow_start_then_congestion_avoidance),
        cmocka_unit_test(test_third_duplicate_ack_fast_retransmits),
        cmocka_unit_test(test_only_true_duplicate_acks_count),
        cmocka_unit_test(test_partial_ack_resends_the_next_hole),
        cmocka_unit_test(test_timeout_takes_cwnd_to_one_segment),
        cmocka_unit_test(test_restart_after_idle_limits_cwnd_to_the_initial_window),
        cmocka_unit_test(test_ack_of_one_segment_waits_200ms),
        cmocka_unit_test(test_second_full_segment_is_acked_at_once),
        cmocka_unit_test(test_out_of_order_and_gap_filling_text_is_acked_at_once),
        cmocka_unit_test(test_delayed_ack_rides_on_data_sent_meanwhile),
        cmocka_unit_test(test_nagle_holds_short_segments_while_data_is_unacknowledged),
        cmocka_unit_test(test_receiver_offers_window_in_sws_steps),
        cmocka_unit_test(test_data_held_by_sws_avoidance_goes_after_the_override_timeout),
        cmocka_unit_test(test_zero_window_probe_after_rto_with_backoff_forever_while_answered),
        cmocka_unit_test(test_zero_window_probes_unanswered_for_r2_give_up),
        cmocka_unit_test(test_zero_window_idle_past_r2_then_probe),
        cmocka_unit_test(test_zero_window_short_r2_answered),
        cmocka_unit_test(test_zero_window_bare_acks_go_at_snd_nxt),
        cmocka_unit_test(test_zero_window_after_partial_ack_outlives_user_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
