/* Rankings through HTTP, with two daemons on one database: a placement
 * created, edited and closed through one daemon shows in the other's
 * rankings a moment later; candidates are pseudonymous for employers; one
 * pair is explained whether or not it passes the filters. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SKILL "http://data.europa.eu/esco/skill/test-"

static struct harness_db db;
static struct harness_server first, second;
static char *coordinator, *employer_user, *portal_key;
static long long employer, seeker, portal;

static long long created(struct http_response r)
{
    if (r.status != 201 && r.status != 200) { /* also used before the tests run */
        fprintf(stderr, "creating failed: %ld %s\n", r.status, r.body);
        exit(2);
    }
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

/* The matches item for `placement`, or NULL (a new reference). */
static json_t *item_for(const struct harness_server *server, long long placement, const char *list,
                        const char *query)
{
    struct http_response r = http_call_as(server, coordinator, "GET",
                                          fmt("/v1/seekers/%lld/matches%s", seeker, query), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_t *found = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, list), i,
                       item) if (json_integer_value(json_object_get(item, "placement_id")) ==
                                 placement) found = json_incref(item);
    http_response_free(&r);
    return found;
}

/* Waits until `placement` is (or is no longer) ranked on `server`. */
static bool wait_until_ranked(const struct harness_server *server, long long placement, bool ranked)
{
    for (int tries = 0; tries < 100; tries++) {
        json_t *item = item_for(server, placement, "items", "");
        bool present = item != NULL;
        json_decref(item);
        if (present == ranked)
            return true;
        usleep(100000);
    }
    return false;
}

static const char *placement_body(const char *skill)
{
    return fmt("{\"employer_id\":%lld,\"title\":\"Leidingen\",\"postcode\":\"2516\","
               "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:30\"}],"
               "\"hours_per_week\":8,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\","
               "\"capacity\":2,\"required_skills\":[{\"uri\":\"" SKILL "%s\",\"min_level\":2,"
               "\"essential\":true}],\"taught_skills\":[\"" SKILL "wiring\"]}",
               employer, skill);
}

START_TEST(rankings_follow_changes_through_either_daemon)
{
    long long placement = created(
        http_call_as(&second, coordinator, "POST", "/v1/placements", placement_body("solder")));
    struct http_response r = http_call_as(&second, coordinator, "POST",
                                          fmt("/v1/placements/%lld/open", placement), NULL);
    http_response_free(&r);
    ck_assert_msg(wait_until_ranked(&first, placement, true),
                  "a placement opened through the second daemon never ranked on the first");

    json_t *item = item_for(&first, placement, "items", "");
    ck_assert(json_is_true(json_object_get(item, "eligible")));
    int score = (int)json_integer_value(json_object_get(item, "score"));
    ck_assert(score > 0 && score <= 100);
    json_t *explanation = json_object_get(item, "explanation");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(explanation, "matched_skills"), 0), "uri")),
                     SKILL "solder");
    ck_assert_int_eq(json_integer_value(json_object_get(explanation, "overlap_hours_per_week")), 9);
    ck_assert_int_eq(json_integer_value(json_object_get(explanation, "taught_skills_among_goals")),
                     1);
    json_decref(item);

    /* edited to need a skill the seeker lacks: excluded, and says why */
    r = http_call_as(&second, coordinator, "PATCH", fmt("/v1/placements/%lld", placement),
                     fmt("{\"required_skills\":[{\"uri\":\"" SKILL "ladder\",\"min_level\":2,"
                         "\"essential\":true}]}"));
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert(wait_until_ranked(&first, placement, false));
    item = item_for(&first, placement, "excluded", "?include_excluded=true");
    ck_assert_ptr_nonnull(item);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "excluded_by"), 0)),
                     "essential_skill");
    json_decref(item);

    /* and back; then closed through the first, gone from the second */
    r = http_call_as(&second, coordinator, "PATCH", fmt("/v1/placements/%lld", placement),
                     fmt("{\"required_skills\":[{\"uri\":\"" SKILL "solder\",\"min_level\":2}]}"));
    http_response_free(&r);
    ck_assert(wait_until_ranked(&first, placement, true));
    ck_assert(wait_until_ranked(&second, placement, true));
    r = http_call_as(&first, coordinator, "POST", fmt("/v1/placements/%lld/close", placement),
                     NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert(wait_until_ranked(&second, placement, false));
}
END_TEST

START_TEST(candidates_are_pseudonymous_for_employers)
{
    long long placement = created(
        http_call_as(&first, coordinator, "POST", "/v1/placements", placement_body("solder")));
    struct http_response r =
        http_call_as(&first, coordinator, "POST", fmt("/v1/placements/%lld/open", placement), NULL);
    http_response_free(&r);
    ck_assert(wait_until_ranked(&first, placement, true));

    r = http_call_as(&first, coordinator, "GET", fmt("/v1/placements/%lld/candidates", placement),
                     NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *top = json_array_get(json_object_get(r.json, "items"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(top, "seeker_id")), seeker);
    http_response_free(&r);

    r = http_call_as(&first, employer_user, "GET", fmt("/v1/placements/%lld/candidates", placement),
                     NULL);
    ck_assert_int_eq(r.status, 200);
    top = json_array_get(json_object_get(r.json, "items"), 0);
    ck_assert_ptr_null(json_object_get(top, "seeker_id"));
    json_t *candidate = json_object_get(top, "candidate");
    ck_assert_int_eq(strncmp(json_string_value(json_object_get(candidate, "pseudonym")), "S-", 2),
                     0);
    ck_assert_ptr_null(strstr(r.body, "Samira"));
    ck_assert_ptr_null(strstr(r.body, "samira@"));
    http_response_free(&r);
}
END_TEST

START_TEST(one_pair_is_explained_even_when_excluded)
{
    long long placement = created(
        http_call_as(&first, coordinator, "POST", "/v1/placements", placement_body("ladder")));
    struct http_response r = http_call_as(
        &first, coordinator, "GET", fmt("/v1/seekers/%lld/matches/%lld", seeker, placement), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_false(json_object_get(r.json, "eligible")));
    json_t *why = json_object_get(r.json, "excluded_by");
    ck_assert_uint_eq(json_array_size(why), 2); /* a draft, and a missing essential skill */
    ck_assert_str_eq(json_string_value(json_array_get(why, 0)), "placement_not_open");
    ck_assert_str_eq(json_string_value(json_array_get(why, 1)), "essential_skill");
    ck_assert(json_is_integer(json_object_get(r.json, "score")));
    http_response_free(&r);

    /* a portal sees its own seeker against open placements only */
    r = http_call_as(&first, portal_key, "GET",
                     fmt("/v1/seekers/%lld/matches/%lld", seeker, placement), NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = http_call_as(&first, portal_key, "GET", fmt("/v1/seekers/%lld/matches", seeker), NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);

    const char *bad[] = {"?min_score=101", "?limit=0", "?within_km=-1", "?include_excluded=yes"};
    for (size_t i = 0; i < 4; i++) {
        r = http_call_as(&first, coordinator, "GET",
                         fmt("/v1/seekers/%lld/matches%s", seeker, bad[i]), NULL);
        ck_assert_int_eq(r.status, 422);
        http_response_free(&r);
    }
}
END_TEST

/* Neither side in the index (a paused seeker, a draft placement), each with
 * a skill no indexed item has: two different unknown skills must not count
 * as the same one. */
START_TEST(two_unknown_skills_are_not_the_same_skill)
{
    ck_assert_int_eq(harness_db_sql(&db, "INSERT INTO skills (uri, label_en, skill_type) VALUES"
                                         " ('" SKILL "rare-a', 'rare a', 'skill/competence'),"
                                         " ('" SKILL "rare-b', 'rare b', 'skill/competence')"),
                     0);
    long long paused = created(http_call_as(
        &first, portal_key, "POST", "/v1/seekers",
        "{\"name\":\"Ilse\",\"postcode\":\"2522\",\"status\":\"paused\","
        "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
        "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,"
        "\"skills\":[{\"uri\":\"" SKILL "rare-a\",\"level\":5}],\"consent\":{\"purpose\":"
        "\"matching\",\"text_version\":\"1\",\"given_at\":\"2026-11-01T10:00:00Z\"}}"));
    long long draft = created(
        http_call_as(&first, coordinator, "POST", "/v1/placements", placement_body("rare-b")));
    /* a daemon started now has never heard of either skill */
    struct harness_server fresh;
    int status = 0;
    ck_assert(harness_server_start(&fresh, db.url, NULL, &status));
    struct http_response r = http_call_as(
        &fresh, coordinator, "GET", fmt("/v1/seekers/%lld/matches/%lld", paused, draft), NULL);
    harness_server_stop(&fresh, SIGTERM);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"essential_skill\""));
    http_response_free(&r);
}
END_TEST

START_TEST(a_lost_listener_reconnects_and_reloads)
{
    /* Cut every daemon's listening connection, change the data while they
     * are deaf, and expect the reload after the reconnect to catch it. */
    ck_assert_int_eq(harness_db_sql(&db,
                                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                    " WHERE query LIKE 'LISTEN%' AND datname = current_database()"),
                     0);
    long long placement = created(
        http_call_as(&first, coordinator, "POST", "/v1/placements", placement_body("solder")));
    struct http_response r =
        http_call_as(&first, coordinator, "POST", fmt("/v1/placements/%lld/open", placement), NULL);
    http_response_free(&r);
    ck_assert(wait_until_ranked(&first, placement, true));
    ck_assert(wait_until_ranked(&second, placement, true));
    char *log = harness_server_log(&second);
    ck_assert_ptr_nonnull(strstr(log, "match_index_listener_lost"));
    free(log);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {"--migrate", NULL};
    int status = 0;
    if (!harness_server_start(&first, db.url, migrate, &status) ||
        !harness_server_start(&second, db.url, NULL, &status))
        return 2;
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        return 2;
    coordinator = harness_login_new_account(&first, db.url, "coord@example.org", NULL);
    portal_key = harness_new_portal(db.url, "Ranking portal", &portal);
    employer = created(http_call_as(&first, coordinator, "POST", "/v1/employers",
                                    "{\"kvk_number\":\"55555555\",\"name\":\"Leidingwerk BV\","
                                    "\"postcode\":\"2516\"}"));
    struct http_response r =
        http_call_as(&first, coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                     "{\"verified\":true}");
    http_response_free(&r);
    employer_user =
        harness_login_new_account(&first, db.url, "boss@example.org", fmt("%lld", employer));
    seeker = created(http_call_as(
        &first, portal_key, "POST", "/v1/seekers",
        "{\"name\":\"Samira\",\"email\":\"samira@example.org\",\"postcode\":\"2522\","
        "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
        "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,"
        "\"skills\":[{\"uri\":\"" SKILL "solder\",\"level\":3}],\"learning_goals\":[\"" SKILL
        "wiring\"],\"consent\":{\"purpose\":\"matching\",\"text_version\":\"1\","
        "\"given_at\":\"2026-11-01T10:00:00Z\"}}"));

    Suite *s = suite_create("matches");
    TCase *tc = tcase_create("ranking");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rankings_follow_changes_through_either_daemon);
    tcase_add_test(tc, candidates_are_pseudonymous_for_employers);
    tcase_add_test(tc, one_pair_is_explained_even_when_excluded);
    tcase_add_test(tc, two_unknown_skills_are_not_the_same_skill);
    tcase_add_test(tc, a_lost_listener_reconnects_and_reloads);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    for (struct harness_server *d = &first; d; d = d == &first ? &second : NULL) {
        int stopped = harness_server_stop(d, SIGTERM);
        if (!WIFEXITED(stopped) || WEXITSTATUS(stopped) != 0) {
            fprintf(stderr, "a daemon did not stop cleanly (%d); log %s\n", stopped, d->log_path);
            failed++;
        }
    }
    harness_db_destroy(&db);
    free(coordinator);
    free(employer_user);
    free(portal_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
