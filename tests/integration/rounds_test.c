/* Cohort rounds through HTTP against PostgreSQL: computed, read, a pair
 * dropped, committed as proposed matches once, a placement closed between
 * computing and committing skipped with its reason, recomputed, and refused
 * to anyone but coordinators. Each test makes its own seekers and
 * placements and names them in its rounds, so tests do not see each other. */
#include "api_checks.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct harness_db db;
static struct harness_server server;
static char *coordinator, *employer_user, *portal_key;
static long long employer, portal;

static long long created_id(struct http_response r)
{
    API_EXPECT(r, 201, NULL);
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    return id;
}

/* An open placement for `capacity` people. */
static long long open_placement(int capacity)
{
    long long id = created_id(api_call(&server, coordinator, "POST", "/v1/placements",
                                       api_placement_body(employer, capacity)));
    API_EXPECT_ANSWER(
        api_call(&server, coordinator, "POST", fmt("/v1/placements/%lld/open", id), NULL), 200,
        NULL);
    return id;
}

static long long new_seeker(const char *name)
{
    return created_id(
        api_call(&server, portal_key, "POST", "/v1/seekers", api_seeker_body(name, "")));
}

/* "[a,b,c]" */
static const char *id_list(const long long *ids, size_t count)
{
    char *text = fmt("[");
    for (size_t i = 0; i < count; i++)
        text = fmt("%s%s%lld", text, i ? "," : "", ids[i]);
    return fmt("%s]", text);
}

static struct http_response new_round(const char *mode, const long long *seekers,
                                      size_t seeker_count, const long long *placements,
                                      size_t placement_count)
{
    return api_call(&server, coordinator, "POST", "/v1/rounds",
                    fmt("{\"mode\":\"%s\",\"name\":\"Cohort\",\"seeker_ids\":%s,"
                        "\"placement_ids\":%s}",
                        mode, id_list(seekers, seeker_count),
                        id_list(placements, placement_count)));
}

static long long pair_placement_of(const json_t *round, long long seeker)
{
    size_t i;
    json_t *pair;
    json_array_foreach(json_object_get(round, "pairs"), i,
                       pair) if (api_number(pair, "seeker_id") ==
                                 seeker) return api_number(pair, "placement_id");
    return 0;
}

START_TEST(a_round_is_computed_explained_and_committed_once)
{
    long long seekers[3] = {new_seeker("Ayla"), new_seeker("Bram"), new_seeker("Cem")};
    long long places[2] = {open_placement(1), open_placement(1)};
    struct http_response r = new_round("stable", seekers, 3, places, 2);
    API_EXPECT(r, 201, NULL);
    long long round = api_number(r.json, "id");
    char location[64];
    ck_assert(http_header(&r, "Location", location, sizeof location));
    ck_assert_str_eq(location, fmt("/v1/rounds/%lld", round));
    ck_assert_str_eq(api_text(r.json, "status"), "computed");
    ck_assert_int_eq(api_number(r.json, "seeker_count"), 3);
    ck_assert_int_eq(api_number(r.json, "placement_count"), 2);
    ck_assert_int_eq(api_number(r.json, "eligible_pairs"), 6);
    const json_t *totals = json_object_get(r.json, "totals");
    ck_assert_int_eq(api_number(totals, "placed"), 2);
    ck_assert_int_eq(api_number(totals, "unassigned"), 1);
    ck_assert_int_eq(api_number(totals, "blocking_pairs"), 0);
    ck_assert_int_eq(api_number(totals, "places_left"), 0);
    /* both places went to others: the third seeker is told who took them */
    const json_t *left_out = json_array_get(json_object_get(r.json, "unassigned"), 0);
    ck_assert_str_eq(api_text(left_out, "reason"), "places_went_to_others");
    const json_t *contested = json_object_get(left_out, "contested");
    ck_assert_uint_eq(json_array_size(contested), 2);
    ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(contested, 0), "taken_by")),
                      1);
    /* each pair explained, each seeker once */
    const json_t *pair = json_array_get(json_object_get(r.json, "pairs"), 0);
    ck_assert(json_is_object(json_object_get(pair, "explanation")));
    ck_assert_int_gt(api_number(pair, "score"), 0);
    ck_assert_int_eq(api_number(pair, "employer_id"), employer);
    const json_t *comparison = json_object_get(r.json, "comparison");
    ck_assert_int_eq(api_number(json_object_get(comparison, "optimal"), "placed"), 2);
    ck_assert(strlen(api_text(comparison, "note")) > 20);
    http_response_free(&r);

    /* read back: the same, and not stale */
    r = api_call(&server, coordinator, "GET", fmt("/v1/rounds/%lld", round), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert(json_is_false(json_object_get(r.json, "stale")));
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "pairs")), 2);
    long long closing =
        api_number(json_array_get(json_object_get(r.json, "pairs"), 0), "placement_id");
    http_response_free(&r);

    /* a placement closed between computing and committing */
    API_EXPECT_ANSWER(
        api_call(&server, coordinator, "POST", fmt("/v1/placements/%lld/close", closing), NULL),
        200, NULL);
    r = api_call(&server, coordinator, "GET", fmt("/v1/rounds/%lld", round), NULL);
    ck_assert_msg(json_is_true(json_object_get(r.json, "stale")), "%s", r.body);
    http_response_free(&r);

    r = api_call(&server, coordinator, "POST", fmt("/v1/rounds/%lld/commit", round), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert(json_is_true(json_object_get(r.json, "stale")));
    const json_t *made = json_object_get(r.json, "created");
    const json_t *skipped = json_object_get(r.json, "skipped");
    ck_assert_uint_eq(json_array_size(made), 1);
    ck_assert_uint_eq(json_array_size(skipped), 1);
    ck_assert_int_eq(api_number(json_array_get(skipped, 0), "placement_id"), closing);
    ck_assert_str_eq(api_text(json_array_get(skipped, 0), "reason"), "placement_closed");
    long long match = api_number(json_array_get(made, 0), "match_id");
    http_response_free(&r);

    /* the match goes on as any proposal: proposed, then approved */
    r = api_call(&server, coordinator, "GET", fmt("/v1/matches/%lld", match), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "state"), "proposed");
    ck_assert_str_eq(api_text(json_array_get(json_object_get(r.json, "history"), 0), "action"),
                     "propose");
    http_response_free(&r);
    API_EXPECT_ANSWER(api_call(&server, coordinator, "POST",
                               fmt("/v1/matches/%lld/transitions", match),
                               "{\"action\":\"approve\"}"),
                      200, NULL);

    /* once only; and no more changes */
    API_EXPECT_ANSWER(
        api_call(&server, coordinator, "POST", fmt("/v1/rounds/%lld/commit", round), NULL), 409,
        "round_committed");
    API_EXPECT_ANSWER(api_call(&server, coordinator, "PATCH",
                               fmt("/v1/rounds/%lld/pairs/%lld", round, seekers[0]),
                               "{\"dropped\":true}"),
                      409, "round_committed");
    API_EXPECT_ANSWER(
        api_call(&server, coordinator, "POST", fmt("/v1/rounds/%lld/recompute", round), NULL), 409,
        "round_committed");
    char audited[64];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log"
                                   " WHERE resource_type = 'round' AND resource_id = '%lld'",
                                   round),
                               audited, sizeof audited));
    ck_assert_str_eq(audited, "round.create,round.commit");
    r = api_call(&server, coordinator, "GET", fmt("/v1/rounds/%lld", round), NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "committed");
    ck_assert_uint_eq(
        json_array_size(json_object_get(json_object_get(r.json, "commit"), "created")), 1);
    http_response_free(&r);
}
END_TEST

START_TEST(a_dropped_pair_is_not_committed_and_a_recomputed_round_supersedes)
{
    long long seekers[2] = {new_seeker("Dewi"), new_seeker("Eva")};
    long long places[1] = {open_placement(2)};
    struct http_response r = new_round("optimal", seekers, 2, places, 1);
    API_EXPECT(r, 201, NULL);
    long long round = api_number(r.json, "id");
    ck_assert_str_eq(api_text(r.json, "mode"), "optimal");
    ck_assert_int_eq(api_number(json_object_get(r.json, "totals"), "placed"), 2);
    http_response_free(&r);

    r = api_call(&server, coordinator, "PATCH",
                 fmt("/v1/rounds/%lld/pairs/%lld", round, seekers[0]), "{\"dropped\":true}");
    API_EXPECT(r, 200, NULL);
    ck_assert(json_is_true(json_object_get(r.json, "dropped")));
    http_response_free(&r);
    API_EXPECT_ANSWER(api_call(&server, coordinator, "PATCH",
                               fmt("/v1/rounds/%lld/pairs/999999", round), "{\"dropped\":true}"),
                      404, "not_found");
    API_EXPECT_ANSWER(api_call(&server, coordinator, "PATCH",
                               fmt("/v1/rounds/%lld/pairs/%lld", round, seekers[0]),
                               "{\"dropped\":\"yes\"}"),
                      422, "validation_failed");

    /* recomputed: a new round, the old one superseded and closed */
    r = api_call(&server, coordinator, "POST", fmt("/v1/rounds/%lld/recompute", round), NULL);
    API_EXPECT(r, 201, NULL);
    long long newer = api_number(r.json, "id");
    ck_assert_int_ne(newer, round);
    ck_assert_str_eq(api_text(json_object_get(r.json, "params"), "mode"), "optimal");
    http_response_free(&r);
    r = api_call(&server, coordinator, "GET", fmt("/v1/rounds/%lld", round), NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "superseded");
    ck_assert_int_eq(api_number(r.json, "recomputed_as"), newer);
    http_response_free(&r);
    API_EXPECT_ANSWER(
        api_call(&server, coordinator, "POST", fmt("/v1/rounds/%lld/commit", round), NULL), 409,
        "round_superseded");

    /* in the new round: drop one, commit with a key, retry with it */
    API_EXPECT_ANSWER(api_call(&server, coordinator, "PATCH",
                               fmt("/v1/rounds/%lld/pairs/%lld", newer, seekers[1]),
                               "{\"dropped\":true}"),
                      200, NULL);
    r = api_call_with_key(&server, coordinator, "POST", fmt("/v1/rounds/%lld/commit", newer), NULL,
                          "round-commit-1");
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "created")), 1);
    ck_assert_int_eq(api_number(json_array_get(json_object_get(r.json, "created"), 0), "seeker_id"),
                     seekers[0]);
    http_response_free(&r);
    r = api_call_with_key(&server, coordinator, "POST", fmt("/v1/rounds/%lld/commit", newer), NULL,
                          "round-commit-1");
    API_EXPECT(r, 200, NULL);
    ck_assert(api_replayed(&r));
    http_response_free(&r);
    char count[16];
    ck_assert(harness_db_value(
        &db, fmt("SELECT count(*) FROM matches WHERE placement_id = %lld", places[0]), count,
        sizeof count));
    ck_assert_str_eq(count, "1");
}
END_TEST

START_TEST(the_same_inputs_in_another_order_give_the_same_round)
{
    long long seekers[4] = {new_seeker("Fay"), new_seeker("Gus"), new_seeker("Hil"),
                            new_seeker("Ivo")};
    long long places[2] = {open_placement(1), open_placement(2)};
    long long reversed_seekers[4] = {seekers[3], seekers[2], seekers[1], seekers[0]};
    long long reversed_places[2] = {places[1], places[0]};
    for (int mode = 0; mode < 2; mode++) {
        const char *name = mode ? "optimal" : "stable";
        struct http_response a = new_round(name, seekers, 4, places, 2);
        struct http_response b = new_round(name, reversed_seekers, 4, reversed_places, 2);
        API_EXPECT(a, 201, NULL);
        API_EXPECT(b, 201, NULL);
        for (int s = 0; s < 4; s++)
            ck_assert_int_eq(pair_placement_of(a.json, seekers[s]),
                             pair_placement_of(b.json, seekers[s]));
        ck_assert_int_eq(api_number(json_object_get(a.json, "totals"), "placed"), 3);
        http_response_free(&a);
        http_response_free(&b);
    }
}
END_TEST

START_TEST(rounds_are_for_coordinators_and_check_their_input)
{
    API_EXPECT_ANSWER(api_call(&server, portal_key, "POST", "/v1/rounds", "{\"mode\":\"stable\"}"),
                      403, "forbidden");
    API_EXPECT_ANSWER(api_call(&server, employer_user, "GET", "/v1/rounds", NULL), 403,
                      "forbidden");
    API_EXPECT_ANSWER(api_call(&server, NULL, "GET", "/v1/rounds/1", NULL), 401, "unauthenticated");
    API_EXPECT_ANSWER(api_call(&server, coordinator, "GET", "/v1/rounds/999999", NULL), 404,
                      "not_found");
    API_EXPECT_ANSWER(api_call(&server, coordinator, "POST", "/v1/rounds/999999/commit", NULL), 404,
                      "not_found");
    struct http_response r =
        api_call(&server, coordinator, "POST", "/v1/rounds",
                 "{\"mode\":\"greedy\",\"min_score\":101,\"postcode_prefix\":\"0x\","
                 "\"seeker_ids\":[1,-2],\"start_from\":\"2027-03-01\","
                 "\"start_until\":\"2027-02-01\"}");
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "mode");
    API_EXPECT_FIELD(r, "min_score");
    API_EXPECT_FIELD(r, "postcode_prefix");
    API_EXPECT_FIELD(r, "seeker_ids[1]");
    API_EXPECT_FIELD(r, "start_until");
    http_response_free(&r);
    /* a selection with nobody in it is a round of nobody, not an error */
    r = api_call(&server, coordinator, "POST", "/v1/rounds",
                 "{\"mode\":\"stable\",\"postcode_prefix\":\"9999\"}");
    API_EXPECT(r, 201, NULL);
    ck_assert_int_eq(api_number(r.json, "seeker_count"), 0);
    http_response_free(&r);
    r = api_call(&server, coordinator, "GET", "/v1/rounds?limit=1", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    http_response_free(&r);
}
END_TEST

static bool set_up(void)
{
    coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    portal_key = harness_new_portal(db.url, "Round portal", &portal);
    employer = api_new_verified_employer(&server, coordinator,
                                         "{\"kvk_number\":\"71717171\",\"name\":\"Rondewerk BV\","
                                         "\"postcode\":\"2516\",\"lat\":52.076,\"lon\":4.336}");
    if (!employer)
        return false;
    employer_user =
        harness_login_new_account(&server, db.url, "werk@example.org", fmt("%lld", employer));
    return harness_db_sql(&db, "INSERT INTO postcodes VALUES (2516, 52.076, 4.336, 'Den Haag',"
                               " 'Den Haag'), (2522, 52.064, 4.330, 'Den Haag', 'Den Haag')"
                               " ON CONFLICT DO NOTHING") == 0;
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {"--migrate", NULL};
    int failed = 1;
    if (api_start_with_reference_data(&server, &db, migrate)) {
        if (set_up()) {
            Suite *s = suite_create("rounds");
            TCase *tc = tcase_create("rounds");
            tcase_set_timeout(tc, 120);
            tcase_add_test(tc, a_round_is_computed_explained_and_committed_once);
            tcase_add_test(tc, a_dropped_pair_is_not_committed_and_a_recomputed_round_supersedes);
            tcase_add_test(tc, the_same_inputs_in_another_order_give_the_same_round);
            tcase_add_test(tc, rounds_are_for_coordinators_and_check_their_input);
            suite_add_tcase(s, tc);
            failed = harness_run_suite(s);
        } else {
            fprintf(stderr, "rounds_test: setting up failed\n");
        }
        if (!harness_server_stop_cleanly(&server))
            failed++;
    }
    harness_db_destroy(&db);
    free(coordinator);
    free(employer_user);
    free(portal_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
