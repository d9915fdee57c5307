/* The match state graph: who may do what from where. */
#include "match_life.h"
#include "suites.h"

START_TEST(the_graph_of_the_brief)
{
    const struct bpa_match_action *approve = bpa_match_action("approve");
    ck_assert(bpa_match_action_allowed(approve, "applied", BPA_ACTOR_COORDINATOR));
    ck_assert(bpa_match_action_allowed(approve, "proposed", BPA_ACTOR_COORDINATOR));
    ck_assert(!bpa_match_action_allowed(approve, "applied", BPA_ACTOR_EMPLOYER));
    ck_assert(!bpa_match_action_allowed(approve, "applied", BPA_ACTOR_PORTAL));
    ck_assert(!bpa_match_action_allowed(approve, "approved", BPA_ACTOR_COORDINATOR));
    ck_assert(bpa_match_action_allowed(bpa_match_action("accept"), "approved", BPA_ACTOR_EMPLOYER));
    ck_assert(!bpa_match_action_allowed(bpa_match_action("accept"), "applied", BPA_ACTOR_EMPLOYER));
    ck_assert(bpa_match_action_allowed(bpa_match_action("confirm"), "approved", BPA_ACTOR_PORTAL));
    ck_assert(
        !bpa_match_action_allowed(bpa_match_action("start"), "approved", BPA_ACTOR_COORDINATOR));
    ck_assert(
        bpa_match_action_allowed(bpa_match_action("start"), "confirmed", BPA_ACTOR_COORDINATOR));
    ck_assert(
        bpa_match_action_allowed(bpa_match_action("complete"), "started", BPA_ACTOR_COORDINATOR));
    ck_assert(bpa_match_action("cancel")->needs_reason);
    ck_assert(
        !bpa_match_action_allowed(bpa_match_action("cancel"), "completed", BPA_ACTOR_COORDINATOR));
    ck_assert_ptr_null(bpa_match_action("dance"));
    ck_assert_ptr_null(bpa_match_action(NULL));
    /* "approved" must not match inside another word */
    ck_assert(!bpa_match_action_allowed(approve, "applie", BPA_ACTOR_COORDINATOR));
}
END_TEST

START_TEST(agreement_and_allowed_lists)
{
    ck_assert_str_eq(bpa_match_after_agreement(true, false), "approved");
    ck_assert_str_eq(bpa_match_after_agreement(false, true), "approved");
    ck_assert_str_eq(bpa_match_after_agreement(true, true), "confirmed");
    char allowed[128];
    bpa_match_actions_from("approved", BPA_ACTOR_EMPLOYER, allowed, sizeof allowed);
    ck_assert_str_eq(allowed, "accept decline");
    bpa_match_actions_from("approved", BPA_ACTOR_COORDINATOR, allowed, sizeof allowed);
    ck_assert_str_eq(allowed, "reject cancel");
    bpa_match_actions_from("completed", BPA_ACTOR_COORDINATOR, allowed, sizeof allowed);
    ck_assert_str_eq(allowed, "");
    ck_assert(bpa_match_state_holds_place("confirmed"));
    ck_assert(!bpa_match_state_holds_place("applied"));
}
END_TEST

Suite *match_life_suite(void)
{
    Suite *s = suite_create("match_life");
    TCase *tc = tcase_create("graph");
    tcase_add_test(tc, the_graph_of_the_brief);
    tcase_add_test(tc, agreement_and_allowed_lists);
    suite_add_tcase(s, tc);
    return s;
}
