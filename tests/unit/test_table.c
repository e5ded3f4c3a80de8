/*
 * test_table.c: the transition table API (tcpsm_rows, tcpsm_row_find, the
 * name functions) against spec/transitions.def, the one source of truth,
 * and against the shape of RFC 9293 Figure 5 and section 3.10.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "tcpsm.h"

/* The specification, expanded here independently of the core. */
struct def_row {
    uint8_t from, event, to, action;
    const char *rfc;
    const char *text;
};

static const struct def_row def_rows[] = {
#define T(F, E, TO, A, R) \
    { TCPSM_##F, TCPSM_EV_##E, TCPSM_##TO, TCPSM_A_##A, R, #F " " #E " -> " #TO " " #A },
#include "transitions.def"
#undef T
};
#define NDEF (sizeof def_rows / sizeof def_rows[0])

static const unsigned user_calls[] = {
    TCPSM_EV_OPEN_PASSIVE, TCPSM_EV_OPEN_ACTIVE, TCPSM_EV_SEND, TCPSM_EV_RECEIVE,
    TCPSM_EV_CLOSE, TCPSM_EV_ABORT, TCPSM_EV_STATUS,
};
#define NUSER (sizeof user_calls / sizeof user_calls[0])

static int def_find(unsigned from, unsigned event)
{
    for (size_t i = 0; i < NDEF; i++)
        if (def_rows[i].from == from && def_rows[i].event == event)
            return (int)i;
    return -1;
}

/* ---------------------------------------------------------------------- */

static void test_row_count_matches_transitions_def(void **state)
{
    (void)state;
    assert_int_equal(NDEF, 173); /* pinned: a table change must be deliberate */
    assert_int_equal(tcpsm_nrows, NDEF);
}

static void test_every_row_has_fields_in_range(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tcpsm_nrows; i++) {
        const struct tcpsm_row *r = &tcpsm_rows[i];
        if (r->from >= TCPSM_NSTATES || r->to >= TCPSM_NSTATES || r->event >= TCPSM_NEVENTS
            || r->action >= TCPSM_NACTIONS || r->rfc == NULL) {
            print_error("row %u out of range: from %u event %u to %u action %u\n", i,
                        r->from, r->event, r->to, r->action);
            fail();
        }
    }
}

static void test_rows_are_exactly_the_rows_of_transitions_def(void **state)
{
    (void)state;
    /* Every row of the spec is in the core's table, with the same
     * target, action and RFC reference, and vice versa. */
    for (size_t d = 0; d < NDEF; d++) {
        const struct def_row *dr = &def_rows[d];
        int found = -1;
        for (unsigned i = 0; i < tcpsm_nrows; i++)
            if (tcpsm_rows[i].from == dr->from && tcpsm_rows[i].event == dr->event)
                found = (int)i;
        if (found < 0) {
            print_error("spec row missing from tcpsm_rows: %s\n", dr->text);
            fail();
        }
        const struct tcpsm_row *r = &tcpsm_rows[found];
        if (r->to != dr->to || r->action != dr->action || strcmp(r->rfc, dr->rfc) != 0) {
            print_error("row %d differs from spec row %s: to %u action %u rfc \"%s\"\n",
                        found, dr->text, r->to, r->action, r->rfc);
            fail();
        }
    }
    for (unsigned i = 0; i < tcpsm_nrows; i++)
        if (def_find(tcpsm_rows[i].from, tcpsm_rows[i].event) < 0) {
            print_error("tcpsm_rows[%u] (%s, %s) is not in the spec\n", i,
                        tcpsm_state_name(tcpsm_rows[i].from),
                        tcpsm_event_name(tcpsm_rows[i].event));
            fail();
        }
}

static void test_no_two_rows_share_from_and_event(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tcpsm_nrows; i++)
        for (unsigned j = i + 1; j < tcpsm_nrows; j++)
            if (tcpsm_rows[i].from == tcpsm_rows[j].from
                && tcpsm_rows[i].event == tcpsm_rows[j].event) {
                print_error("rows %u and %u share (%s, %s)\n", i, j,
                            tcpsm_state_name(tcpsm_rows[i].from),
                            tcpsm_event_name(tcpsm_rows[i].event));
                fail();
            }
    for (size_t i = 0; i < NDEF; i++)
        for (size_t j = i + 1; j < NDEF; j++)
            if (def_rows[i].from == def_rows[j].from && def_rows[i].event == def_rows[j].event) {
                print_error("spec rows %s and %s share a cell\n", def_rows[i].text,
                            def_rows[j].text);
                fail();
            }
}

static void test_row_find_returns_the_row_for_every_listed_cell(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tcpsm_nrows; i++) {
        int k = tcpsm_row_find(tcpsm_rows[i].from, tcpsm_rows[i].event);
        if (k != (int)i) {
            print_error("tcpsm_row_find(%s, %s) = %d, want %u\n",
                        tcpsm_state_name(tcpsm_rows[i].from),
                        tcpsm_event_name(tcpsm_rows[i].event), k, i);
            fail();
        }
    }
}

static void test_row_to_and_row_action_agree_with_the_rows(void **state)
{
    (void)state;
    /* The switches the engine dispatches on and tcpsm_rows[] are two
     * expansions of spec/transitions.def; they must agree row by row. */
    for (unsigned i = 0; i < tcpsm_nrows; i++) {
        if (tcpsm_row_to(i) != tcpsm_rows[i].to || tcpsm_row_action(i) != tcpsm_rows[i].action) {
            print_error("row %u: tcpsm_row_to %u / tcpsm_row_action %u, tcpsm_rows[] says %u / %u\n",
                        i, tcpsm_row_to(i), tcpsm_row_action(i), tcpsm_rows[i].to,
                        tcpsm_rows[i].action);
            fail();
        }
    }
    assert_int_equal(tcpsm_row_to(tcpsm_nrows), TCPSM_NSTATES);
    assert_int_equal(tcpsm_row_action(tcpsm_nrows), TCPSM_NACTIONS);
    assert_int_equal(tcpsm_row_to(UINT_MAX), TCPSM_NSTATES);
}

static void test_row_find_returns_minus_one_for_unlisted_cells(void **state)
{
    (void)state;
    unsigned unlisted = 0;
    for (unsigned s = 0; s < TCPSM_NSTATES; s++)
        for (unsigned e = 0; e < TCPSM_NEVENTS; e++) {
            int k = tcpsm_row_find(s, e);
            if (def_find(s, e) < 0) {
                unlisted++;
                if (k != -1) {
                    print_error("tcpsm_row_find(%s, %s) = %d, want -1\n", tcpsm_state_name(s),
                                tcpsm_event_name(e), k);
                    fail();
                }
            } else {
                assert_true(k >= 0 && k < (int)tcpsm_nrows);
                assert_int_equal(tcpsm_rows[k].from, s);
                assert_int_equal(tcpsm_rows[k].event, e);
            }
        }
    assert_int_equal(unlisted + NDEF, TCPSM_NSTATES * TCPSM_NEVENTS);
    /* Out of range arguments. */
    assert_int_equal(tcpsm_row_find(TCPSM_NSTATES, TCPSM_EV_SEND), -1);
    assert_int_equal(tcpsm_row_find(TCPSM_CLOSED, TCPSM_NEVENTS), -1);
    assert_int_equal(tcpsm_row_find(255u, 255u), -1);
    assert_int_equal(tcpsm_row_find(UINT_MAX, 0u), -1);
    assert_int_equal(tcpsm_row_find(0u, UINT_MAX), -1);
}

static void test_every_state_has_a_row_for_each_user_call(void **state)
{
    (void)state;
    /* RFC 9293 3.10.1-3.10.6 describe every user call in every state. */
    for (unsigned s = 0; s < TCPSM_NSTATES; s++)
        for (size_t u = 0; u < NUSER; u++)
            if (tcpsm_row_find(s, user_calls[u]) < 0) {
                print_error("%s has no row for %s\n", tcpsm_state_name(s),
                            tcpsm_event_name(user_calls[u]));
                fail();
            }
}

static void test_user_call_error_rows_do_not_change_state(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tcpsm_nrows; i++) {
        const struct tcpsm_row *r = &tcpsm_rows[i];
        switch (r->action) {
        case TCPSM_A_ERR_EXISTS:
        case TCPSM_A_ERR_NOT_EXIST:
        case TCPSM_A_ERR_CLOSING:
        case TCPSM_A_STATUS:
        case TCPSM_A_RECEIVE:
        case TCPSM_A_QUEUE_SEND:
        case TCPSM_A_SEND_ACK:
        case TCPSM_A_REPLY_RST:
        case TCPSM_A_RETRANSMIT:
            if (r->from != r->to) {
                print_error("row %u (%s, %s) action %s changes state to %s\n", i,
                            tcpsm_state_name(r->from), tcpsm_event_name(r->event),
                            tcpsm_action_name(r->action), tcpsm_state_name(r->to));
                fail();
            }
            break;
        case TCPSM_A_DELETE:
        case TCPSM_A_SEND_RST:
        case TCPSM_A_RESET:
        case TCPSM_A_RESET_SEND_RST:
        case TCPSM_A_REFUSED:
        case TCPSM_A_USER_TIMEOUT:
        case TCPSM_A_TIMED_OUT:
            assert_int_equal(r->to, TCPSM_CLOSED);
            break;
        case TCPSM_A_TIME_WAIT:
            assert_int_equal(r->to, TCPSM_TIME_WAIT);
            break;
        case TCPSM_A_TO_LISTEN:
        case TCPSM_A_LISTEN:
            assert_int_equal(r->to, TCPSM_LISTEN);
            break;
        case TCPSM_A_CONNECT:
        case TCPSM_A_CONNECT_SEND:
            assert_int_equal(r->to, TCPSM_SYN_SENT);
            break;
        case TCPSM_A_SYN_ACK:
            assert_int_equal(r->to, TCPSM_SYN_RECEIVED);
            break;
        case TCPSM_A_ESTABLISH:
        case TCPSM_A_SYN_ACKED:
            assert_int_equal(r->to, TCPSM_ESTABLISHED);
            break;
        default:
            break;
        }
        /* Status never changes the state; the 2 MSL timer is TIME-WAIT's. */
        if (r->event == TCPSM_EV_STATUS || r->event == TCPSM_EV_RECEIVE)
            assert_int_equal(r->from, r->to);
        if (r->event == TCPSM_EV_TIMEOUT_2MSL)
            assert_int_equal(r->from, TCPSM_TIME_WAIT);
        if (r->event == TCPSM_EV_ABORT || r->event == TCPSM_EV_TIMEOUT_USER
            || r->event == TCPSM_EV_TIMEOUT_KEEPALIVE)
            assert_int_equal(r->to, TCPSM_CLOSED);
    }
}

/* The edges of RFC 9293 Figure 5, plus "anything -> CLOSED" (ABORT, RST,
 * timeouts) and "stay". */
static bool figure5_edge(unsigned from, unsigned to)
{
    static const uint8_t edges[][2] = {
        { TCPSM_CLOSED, TCPSM_LISTEN },        { TCPSM_CLOSED, TCPSM_SYN_SENT },
        { TCPSM_LISTEN, TCPSM_SYN_RECEIVED },  { TCPSM_LISTEN, TCPSM_SYN_SENT },
        { TCPSM_SYN_SENT, TCPSM_SYN_RECEIVED }, { TCPSM_SYN_SENT, TCPSM_ESTABLISHED },
        { TCPSM_SYN_RECEIVED, TCPSM_ESTABLISHED }, { TCPSM_SYN_RECEIVED, TCPSM_FIN_WAIT_1 },
        { TCPSM_SYN_RECEIVED, TCPSM_LISTEN },  { TCPSM_ESTABLISHED, TCPSM_FIN_WAIT_1 },
        { TCPSM_ESTABLISHED, TCPSM_CLOSE_WAIT }, { TCPSM_FIN_WAIT_1, TCPSM_FIN_WAIT_2 },
        { TCPSM_FIN_WAIT_1, TCPSM_CLOSING },   { TCPSM_FIN_WAIT_2, TCPSM_TIME_WAIT },
        { TCPSM_CLOSE_WAIT, TCPSM_LAST_ACK },  { TCPSM_CLOSING, TCPSM_TIME_WAIT },
    };
    if (from == to || to == TCPSM_CLOSED)
        return true;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        if (edges[i][0] == from && edges[i][1] == to)
            return true;
    return false;
}

static void test_every_row_is_an_edge_of_figure_5(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tcpsm_nrows; i++)
        if (!figure5_edge(tcpsm_rows[i].from, tcpsm_rows[i].to)) {
            print_error("row %u: %s -> %s is not in RFC 9293 Figure 5\n", i,
                        tcpsm_state_name(tcpsm_rows[i].from), tcpsm_state_name(tcpsm_rows[i].to));
            fail();
        }
}

static void reach(unsigned start, bool forward, bool seen[TCPSM_NSTATES])
{
    memset(seen, 0, TCPSM_NSTATES * sizeof seen[0]);
    seen[start] = true;
    bool grew = true;
    while (grew) {
        grew = false;
        for (unsigned i = 0; i < tcpsm_nrows; i++) {
            unsigned a = forward ? tcpsm_rows[i].from : tcpsm_rows[i].to;
            unsigned b = forward ? tcpsm_rows[i].to : tcpsm_rows[i].from;
            if (seen[a] && !seen[b]) {
                seen[b] = true;
                grew = true;
            }
        }
    }
}

static void test_every_state_is_reachable_from_closed(void **state)
{
    (void)state;
    bool seen[TCPSM_NSTATES];
    reach(TCPSM_CLOSED, true, seen);
    for (unsigned s = 0; s < TCPSM_NSTATES; s++)
        if (!seen[s]) {
            print_error("%s is unreachable from CLOSED\n", tcpsm_state_name(s));
            fail();
        }
}

static void test_closed_is_reachable_from_every_state(void **state)
{
    (void)state;
    bool seen[TCPSM_NSTATES];
    reach(TCPSM_CLOSED, false, seen);
    for (unsigned s = 0; s < TCPSM_NSTATES; s++)
        if (!seen[s]) {
            print_error("CLOSED is unreachable from %s\n", tcpsm_state_name(s));
            fail();
        }
}

static void test_rfc_reference_of_every_row_starts_with_3_10(void **state)
{
    (void)state;
    /* but the keep-alive rows: 3.8.4 (with RFC 1122 4.2.3.6) */
    for (unsigned i = 0; i < tcpsm_nrows; i++)
        if (strncmp(tcpsm_rows[i].rfc, "3.10", 4) != 0
            && !(tcpsm_rows[i].event == TCPSM_EV_TIMEOUT_KEEPALIVE
                 && strncmp(tcpsm_rows[i].rfc, "3.8.4", 5) == 0)) {
            print_error("row %u rfc \"%s\"\n", i, tcpsm_rows[i].rfc);
            fail();
        }
}

static void check_names(const char *(*fn)(unsigned), unsigned n, const char *what)
{
    for (unsigned i = 0; i < n; i++) {
        const char *a = fn(i);
        if (a == NULL || a[0] == '\0' || strcmp(a, "?") == 0) {
            print_error("%s name %u is %s\n", what, i, a == NULL ? "NULL" : a);
            fail();
        }
        for (unsigned j = 0; j < i; j++)
            if (strcmp(a, fn(j)) == 0) {
                print_error("%s names %u and %u are both \"%s\"\n", what, j, i, a);
                fail();
            }
    }
    static const unsigned outside[] = { 0, 1, 255, 256, 65535, UINT_MAX };
    for (size_t k = 0; k < sizeof outside / sizeof outside[0]; k++) {
        unsigned v = outside[k] + (k < 2 ? n : 0);
        if (v < n)
            continue;
        const char *s = fn(v);
        if (s == NULL || strcmp(s, "?") != 0) {
            print_error("%s name of out-of-range %u is %s, want \"?\"\n", what, v,
                        s == NULL ? "NULL" : s);
            fail();
        }
    }
}

static void test_state_names_are_distinct_and_question_mark_out_of_range(void **state)
{
    (void)state;
    check_names(tcpsm_state_name, TCPSM_NSTATES, "state");
}

static void test_event_names_are_distinct_and_question_mark_out_of_range(void **state)
{
    (void)state;
    check_names(tcpsm_event_name, TCPSM_NEVENTS, "event");
}

static void test_action_names_are_distinct_and_question_mark_out_of_range(void **state)
{
    (void)state;
    check_names(tcpsm_action_name, TCPSM_NACTIONS, "action");
}

static void test_err_names_are_distinct_and_question_mark_out_of_range(void **state)
{
    (void)state;
    check_names(tcpsm_err_name, TCPSM_NERRS, "err");
}

static void test_inv_names_are_distinct_and_question_mark_out_of_range(void **state)
{
    (void)state;
    check_names(tcpsm_inv_name, TCPSM_NINVS, "inv");
}

static void test_err_names_use_the_rfc_wording(void **state)
{
    (void)state;
    static const struct { unsigned err; const char *text; } w[] = {
        { TCPSM_ERR_NOT_EXIST, "connection does not exist" },
        { TCPSM_ERR_EXISTS, "connection already exists" },
        { TCPSM_ERR_CLOSING, "connection closing" },
        { TCPSM_ERR_RESET, "connection reset" },
        { TCPSM_ERR_REFUSED, "connection refused" },
        { TCPSM_ERR_RESOURCES, "insufficient resources" },
        { TCPSM_ERR_UNSPECIFIED, "remote socket unspecified" },
        { TCPSM_ERR_ILLEGAL, "connection illegal for this process" },
        { TCPSM_ERR_SECURITY, "security/compartment not allowed" },
        { TCPSM_ERR_USER_TIMEOUT, "connection aborted due to user timeout" },
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        const char *s = tcpsm_err_name(w[i].err);
        if (s == NULL || strstr(s, w[i].text) == NULL) {
            print_error("tcpsm_err_name(%u) = \"%s\", want it to say \"%s\"\n", w[i].err,
                        s == NULL ? "NULL" : s, w[i].text);
            fail();
        }
    }
}

static void test_state_names_follow_rfc_figure_5(void **state)
{
    (void)state;
    /* The RFC writes SYN-SENT; accept '-' or '_' as the separator. */
    static const char *rfc[TCPSM_NSTATES] = {
        "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
        "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
    };
    for (unsigned s = 0; s < TCPSM_NSTATES; s++) {
        const char *n = tcpsm_state_name(s);
        assert_non_null(n);
        size_t len = strlen(rfc[s]);
        bool ok = strlen(n) == len;
        for (size_t i = 0; ok && i < len; i++) {
            char a = n[i], b = rfc[s][i];
            if (a == '_')
                a = '-';
            if (a >= 'a' && a <= 'z')
                a = (char)(a - 'a' + 'A');
            ok = a == b;
        }
        if (!ok) {
            print_error("state %u is named \"%s\", want \"%s\"\n", s, n, rfc[s]);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_count_matches_transitions_def),
        cmocka_unit_test(test_every_row_has_fields_in_range),
        cmocka_unit_test(test_rows_are_exactly_the_rows_of_transitions_def),
        cmocka_unit_test(test_no_two_rows_share_from_and_event),
        cmocka_unit_test(test_row_find_returns_the_row_for_every_listed_cell),
        cmocka_unit_test(test_row_find_returns_minus_one_for_unlisted_cells),
        cmocka_unit_test(test_row_to_and_row_action_agree_with_the_rows),
        cmocka_unit_test(test_every_state_has_a_row_for_each_user_call),
        cmocka_unit_test(test_user_call_error_rows_do_not_change_state),
        cmocka_unit_test(test_every_row_is_an_edge_of_figure_5),
        cmocka_unit_test(test_every_state_is_reachable_from_closed),
        cmocka_unit_test(test_closed_is_reachable_from_every_state),
        cmocka_unit_test(test_rfc_reference_of_every_row_starts_with_3_10),
        cmocka_unit_test(test_state_names_are_distinct_and_question_mark_out_of_range),
        cmocka_unit_test(test_event_names_are_distinct_and_question_mark_out_of_range),
        cmocka_unit_test(test_action_names_are_distinct_and_question_mark_out_of_range),
        cmocka_unit_test(test_err_names_are_distinct_and_question_mark_out_of_range),
        cmocka_unit_test(test_inv_names_are_distinct_and_question_mark_out_of_range),
        cmocka_unit_test(test_err_names_use_the_rfc_wording),
        cmocka_unit_test(test_state_names_follow_rfc_figure_5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
