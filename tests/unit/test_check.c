/*
 * test_check.c: tcpsm_conn_check(), the TCB invariant (src/core/check.c).
 *
 * Each test brings a connection into a real state through the public API
 * (harness drivers), checks that the invariant holds, then breaks exactly
 * one fact in a copy of the TCB and checks that tcpsm_conn_check() names
 * that invariant.  A checker that always said "ok" fails every test here.
 */
#include "harness.h"

static struct fx F;

static struct tcpsm_conn broken(enum h_state st)
{
    fx_setup(&F, NULL);
    fx_drive(&F, st);
    assert_int_equal(tcpsm_conn_check(&F.c), TCPSM_INV_OK);
    return F.c;
}

static void expect_inv(const struct tcpsm_conn *c, enum tcpsm_inv want)
{
    enum tcpsm_inv got = tcpsm_conn_check(c);
    if (got != want)
        fail_msg("tcpsm_conn_check: got \"%s\", want \"%s\"", tcpsm_inv_name(got),
                 tcpsm_inv_name(want));
}

static void test_check_holds_in_every_driven_state(void **state)
{
    (void)state;
    for (int s = 0; s < H_NSTATES; s++) {
        fx_setup(&F, NULL);
        fx_drive(&F, (enum h_state)s);
        if (tcpsm_conn_check(&F.c) != TCPSM_INV_OK)
            fail_msg("%s: %s", h_state_label((enum h_state)s),
                     tcpsm_inv_name(tcpsm_conn_check(&F.c)));
    }
}

static void test_check_null_tcb_and_null_buffers(void **state)
{
    (void)state;
    expect_inv(NULL, TCPSM_INV_NULL);
    struct tcpsm_conn c = broken(H_ESTAB);
    c.sbuf = NULL;
    expect_inv(&c, TCPSM_INV_NULL);
    c = broken(H_ESTAB);
    c.rbuf = NULL;
    expect_inv(&c, TCPSM_INV_NULL);
}

static void test_check_state_out_of_range(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.state = TCPSM_NSTATES;
    expect_inv(&c, TCPSM_INV_STATE);
}

static void test_check_snd_una_after_snd_nxt(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.snd_una = c.snd_nxt + 1u;         /* SND.UNA > SND.NXT */
    expect_inv(&c, TCPSM_INV_SND_ORDER);
}

static void test_check_snd_nxt_beyond_send_buffer(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.snd_nxt = c.snd_una + c.scount + 5u;  /* more in flight than queued */
    expect_inv(&c, TCPSM_INV_SND_BUF);
}

static void test_check_syn_states_pin_snd_una_to_iss(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_SYN_SENT);
    c.snd_nxt = c.iss;                  /* the SYN must occupy ISS */
    expect_inv(&c, TCPSM_INV_SND_BUF);
}

static void test_check_send_ring_index_out_of_range(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.shead = c.scap;
    expect_inv(&c, TCPSM_INV_SND_RING);
    c = broken(H_ESTAB);
    c.scount = c.scap + 1u;
    expect_inv(&c, TCPSM_INV_SND_RING);
}

static void test_check_receive_ring_index_out_of_range(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.rhead = c.rcap;
    expect_inv(&c, TCPSM_INV_RCV_RING);
    c = broken(H_ESTAB);
    c.rcount = c.rcap + 1u;
    expect_inv(&c, TCPSM_INV_RCV_RING);
}

static void test_check_push_point_beyond_unread_data(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.rpush = c.rcount + 1u;
    expect_inv(&c, TCPSM_INV_RCV_WND);
}

static void test_check_out_of_order_range_outside_window(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.nooo = 1;
    c.ooo[0].off = 10;
    c.ooo[0].len = c.rcap;              /* ends beyond RCV.NXT + RCV.WND */
    expect_inv(&c, TCPSM_INV_OOO);
}

static void test_check_out_of_order_ranges_unsorted_or_touching(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.nooo = 2;
    c.ooo[0].off = 100;
    c.ooo[0].len = 10;
    c.ooo[1].off = 50;                  /* unsorted */
    c.ooo[1].len = 10;
    expect_inv(&c, TCPSM_INV_OOO);
    c.ooo[1].off = 110;                 /* touches the first: should have merged */
    expect_inv(&c, TCPSM_INV_OOO);
    c.ooo[1].off = 111;                 /* a real gap: fine */
    expect_inv(&c, TCPSM_INV_OK);
    c.ooo[0].off = 0;                   /* at RCV.NXT: should have been delivered */
    expect_inv(&c, TCPSM_INV_OOO);
}

static void test_check_held_fin_before_held_data(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.nooo = 1;
    c.ooo[0].off = 100;
    c.ooo[0].len = 10;
    c.ooo_fin = true;
    c.ooo_fin_off = 50;                 /* data held after the peer's FIN */
    expect_inv(&c, TCPSM_INV_OOO);
    c.ooo_fin_off = 110;
    expect_inv(&c, TCPSM_INV_OK);
}

static void test_check_listen_has_no_peer(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_LISTEN);
    c.remote.port = 4242;               /* bound to a peer while listening */
    expect_inv(&c, TCPSM_INV_LISTEN_PEER);
    c = broken(H_LISTEN);
    c.rcount = 1;                       /* data in LISTEN */
    expect_inv(&c, TCPSM_INV_LISTEN_PEER);
}

static void test_check_closed_has_no_data(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_CLOSED);
    c.scount = 1;
    expect_inv(&c, TCPSM_INV_LISTEN_PEER);
}

static void test_check_no_timer_in_listen_or_closed(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_LISTEN);
    c.t_rtx = 5;                        /* no retransmission timer in LISTEN */
    expect_inv(&c, TCPSM_INV_CLOSED_TIMERS);
    c = broken(H_CLOSED);
    c.t_user = 5;
    expect_inv(&c, TCPSM_INV_CLOSED_TIMERS);
}

static void test_check_time_wait_timer_only_in_time_wait(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.t_2msl = 5;
    expect_inv(&c, TCPSM_INV_TIMEWAIT_TIMER);
    c = broken(H_TIME_WAIT);
    c.t_2msl = TCPSM_NEVER;             /* TIME-WAIT without its timer */
    expect_inv(&c, TCPSM_INV_TIMEWAIT_TIMER);
    c = broken(H_TIME_WAIT);
    c.t_user = 5;                       /* 3.10.7.4: other timers off */
    expect_inv(&c, TCPSM_INV_TIMEWAIT_TIMER);
}

static void test_check_rtx_timer_needs_outstanding_data(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    assert_int_equal(c.snd_una, c.snd_nxt);
    c.t_rtx = 5;
    expect_inv(&c, TCPSM_INV_RTX_TIMER);
}

static void test_check_syn_flags_follow_state(void **state)
{
    (void)state;
    /* (In SYN-SENT a SYN marked acked already breaks the send-side
     * accounting, which is checked first.) */
    struct tcpsm_conn c = broken(H_ESTAB);
    c.syn_acked = false;                /* ESTABLISHED with our SYN unacknowledged */
    expect_inv(&c, TCPSM_INV_SYN_STATE);
    c = broken(H_TIME_WAIT);
    c.syn_acked = false;
    expect_inv(&c, TCPSM_INV_SYN_STATE);
}

static void test_check_fin_flags_follow_state(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.fin_rcvd = true;                  /* ESTABLISHED has not seen the peer's FIN */
    expect_inv(&c, TCPSM_INV_FIN_STATE);
    c = broken(H_FW2);
    c.fin_acked = false;                /* FIN-WAIT-2 means our FIN is acked */
    expect_inv(&c, TCPSM_INV_FIN_STATE);
    c = broken(H_CLOSE_WAIT);
    c.fin_rcvd = false;
    expect_inv(&c, TCPSM_INV_FIN_STATE);
    c = broken(H_TIME_WAIT);
    c.fin_rcvd = false;
    expect_inv(&c, TCPSM_INV_FIN_STATE);
    c = broken(H_FW1);
    c.fin_queued = false;               /* FIN sent but never queued */
    expect_inv(&c, TCPSM_INV_FIN_STATE);
}

static void test_check_zero_send_mss(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_ESTAB);
    c.snd_mss = 0;
    expect_inv(&c, TCPSM_INV_MSS);
}

static void test_check_bad_config_or_counts(void **state)
{
    (void)state;
    struct tcpsm_conn c = broken(H_LISTEN);
    c.cfg.mss = 0;                      /* a later SYN would take MSS 0 from cfg */
    expect_inv(&c, TCPSM_INV_CONFIG);
    c = broken(H_ESTAB);
    c.cfg.msl_us = 0x80000000u;         /* 2 MSL would not fit in 32 bits */
    expect_inv(&c, TCPSM_INV_CONFIG);
    c = broken(H_ESTAB);
    c.cfg.rto_max_us = c.cfg.rto_initial_us - 1u;
    expect_inv(&c, TCPSM_INV_CONFIG);
    c = broken(H_ESTAB);
    c.nreply = TCPSM_REPLY_MAX + 1;
    expect_inv(&c, TCPSM_INV_CONFIG);
    c = broken(H_ESTAB);
    c.nlog = TCPSM_LOG_MAX + 1;
    expect_inv(&c, TCPSM_INV_CONFIG);
}

static void test_check_names_every_invariant(void **state)
{
    (void)state;
    for (unsigned i = 0; i < TCPSM_NINVS; i++) {
        const char *n = tcpsm_inv_name(i);
        assert_non_null(n);
        assert_string_not_equal(n, "?");
    }
    assert_string_equal(tcpsm_inv_name(TCPSM_NINVS), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_holds_in_every_driven_state),
        cmocka_unit_test(test_check_null_tcb_and_null_buffers),
        cmocka_unit_test(test_check_state_out_of_range),
        cmocka_unit_test(test_check_snd_una_after_snd_nxt),
        cmocka_unit_test(test_check_snd_nxt_beyond_send_buffer),
        cmocka_unit_test(test_check_syn_states_pin_snd_una_to_iss),
        cmocka_unit_test(test_check_send_ring_index_out_of_range),
        cmocka_unit_test(test_check_receive_ring_index_out_of_range),
        cmocka_unit_test(test_check_push_point_beyond_unread_data),
        cmocka_unit_test(test_check_out_of_order_range_outside_window),
        cmocka_unit_test(test_check_out_of_order_ranges_unsorted_or_touching),
        cmocka_unit_test(test_check_held_fin_before_held_data),
        cmocka_unit_test(test_check_listen_has_no_peer),
        cmocka_unit_test(test_check_closed_has_no_data),
        cmocka_unit_test(test_check_no_timer_in_listen_or_closed),
        cmocka_unit_test(test_check_time_wait_timer_only_in_time_wait),
        cmocka_unit_test(test_check_rtx_timer_needs_outstanding_data),
        cmocka_unit_test(test_check_syn_flags_follow_state),
        cmocka_unit_test(test_check_fin_flags_follow_state),
        cmocka_unit_test(test_check_zero_send_mss),
        cmocka_unit_test(test_check_bad_config_or_counts),
        cmocka_unit_test(test_check_names_every_invariant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
