/* A match's life through HTTP, two daemons on one database: the story from
 * application to completion with its history, what the employer sees when,
 * illegal transitions, and the races: dozens of concurrent approvals for a
 * placement with 3 places yield exactly 3, and a seeker holds one place. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SKILL "http://data.europa.eu/esco/skill/test-"

static struct harness_db db;
static struct harness_server first, second;
static char *coordinator, *employer_user, *portal_key;
static long long employer, portal;

static long long created(struct http_response r)
{
    if (r.status != 201 && r.status != 200) {
        fprintf(stderr, "creating failed: %ld %s\n", r.status, r.body);
        exit(2);
    }
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static long long new_placement(int capacity)
{
    long long id = created(http_call_as(
        &first, employer_user, "POST", "/v1/placements",
        fmt("{\"title\":\"Werkplaats\",\"postcode\":\"2516\",\"schedule\":[{\"day\":\"mon\","
            "\"from\":\"08:00\",\"to\":\"16:00\"}],\"hours_per_week\":8,\"start_date\":"
            "\"2027-02-01\",\"end_date\":\"2027-04-01\",\"capacity\":%d}",
            capacity)));
    struct http_response r =
        http_call_as(&first, employer_user, "POST", fmt("/v1/placements/%lld/open", id), NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    return id;
}

static long long new_seeker(const char *name)
{
    return created(
        http_call_as(&first, portal_key, "POST", "/v1/seekers",
                     fmt("{\"name\":\"%s\",\"email\":\"%s@example.org\",\"postcode\":\"2522\","
                         "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":"
                         "\"17:00\"}],\"available_from\":\"2027-01-01\",\"max_hours_per_week\":"
                         "24,\"max_travel_km\":10,\"consent\":{\"purpose\":\"matching\","
                         "\"text_version\":\"1\",\"given_at\":\"2026-11-01T10:00:00Z\"}}",
                         name, name)));
}

static long long apply(long long seeker, long long placement)
{
    return created(
        http_call_as(&first, portal_key, "POST", "/v1/matches",
                     fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)));
}

static struct http_response act(const struct harness_server *server, const char *token,
                                long long match, const char *body)
{
    return http_call_as(server, token, "POST", fmt("/v1/matches/%lld/transitions", match), body);
}

static void expect_act(const char *token, long long match, const char *body, long status,
                       const char *state)
{
    struct http_response r = act(&first, token, match, body);
    ck_assert_msg(r.status == status, "%s: %ld %s", body, r.status, r.body);
    if (state)
        ck_assert_str_eq(json_string_value(json_object_get(r.json, "state")), state);
    http_response_free(&r);
}

START_TEST(the_story_from_application_to_completion)
{
    long long placement = new_placement(2);
    long long seeker = new_seeker("Yasmina");
    long long match = apply(seeker, placement);

    /* not yet the employer's to see */
    struct http_response r =
        http_call_as(&first, employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = http_call_as(&first, coordinator, "GET", "/v1/matches/queue", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, fmt("\"id\":%lld,", match)));
    http_response_free(&r);

    expect_act(coordinator, match, "{\"action\":\"approve\",\"note\":\"goede match\"}", 200,
               "approved");
    r = http_call_as(&first, employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(json_object_get(r.json, "seeker_id"));
    ck_assert(json_is_null(json_object_get(r.json, "seeker_contact")));
    ck_assert_int_eq(strncmp(json_string_value(json_object_get(json_object_get(r.json, "candidate"),
                                                               "pseudonym")),
                             "S-", 2),
                     0);
    ck_assert_ptr_null(strstr(r.body, "Yasmina"));
    http_response_free(&r);

    expect_act(employer_user, match, "{\"action\":\"accept\"}", 200, "approved");
    expect_act(portal_key, match, "{\"action\":\"confirm\"}", 200, "confirmed");
    r = http_call_as(&first, employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(r.json, "seeker_contact"), "name")),
        "Yasmina");
    http_response_free(&r);
    expect_act(coordinator, match, "{\"action\":\"start\"}", 200, "started");
    expect_act(coordinator, match, "{\"action\":\"complete\"}", 200, "completed");

    r = http_call_as(&first, coordinator, "GET", fmt("/v1/matches/%lld", match), NULL);
    json_t *history = json_object_get(r.json, "history");
    static const char *const steps[][2] = {{"apply", "portal"},      {"approve", "coordinator"},
                                           {"accept", "employer"},   {"confirm", "portal"},
                                           {"start", "coordinator"}, {"complete", "coordinator"}};
    ck_assert_uint_eq(json_array_size(history), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *step = json_array_get(history, i);
        ck_assert_str_eq(json_string_value(json_object_get(step, "action")), steps[i][0]);
        ck_assert_str_eq(json_string_value(json_object_get(step, "actor_kind")), steps[i][1]);
        ck_assert(json_is_string(json_object_get(step, "request_id")));
    }
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(history, 1), "note")),
                     "goede match");
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "score")), 0);
    ck_assert(json_is_object(json_object_get(r.json, "explanation")));
    http_response_free(&r);
}
END_TEST

START_TEST(illegal_transitions_are_refused_with_the_state)
{
    long long placement = new_placement(2);
    long long seeker = new_seeker("Daan");
    long long match = apply(seeker, placement);
    expect_act(portal_key, match, "{\"action\":\"approve\"}", 409, NULL);
    expect_act(coordinator, match, "{\"action\":\"accept\"}", 409, NULL);
    expect_act(coordinator, match, "{\"action\":\"start\"}", 409, NULL);
    expect_act(coordinator, match, "{\"action\":\"cancel\"}", 422, NULL); /* a reason is required */
    expect_act(coordinator, match, "{\"action\":\"dance\"}", 422, NULL);
    struct http_response r = act(&first, coordinator, match, "{\"action\":\"complete\"}");
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "invalid_transition");
    json_t *detail =
        json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(detail, "current_state")), "applied");
    ck_assert_uint_eq(json_array_size(json_object_get(detail, "allowed_actions")), 3);
    http_response_free(&r);
    /* a coordinator's view by employer holds applications too; ids that
     * name nothing are a 404 naming the field, for every role */
    r = http_call_as(&first, coordinator, "GET",
                     fmt("/v1/matches?employer_id=%lld&state=applied", employer), NULL);
    ck_assert_ptr_nonnull(strstr(r.body, fmt("\"id\":%lld,", match)));
    http_response_free(&r);
    r = http_call_as(&first, coordinator, "POST", "/v1/matches",
                     fmt("{\"seeker_id\":%lld,\"placement_id\":999999}", seeker));
    ck_assert_int_eq(r.status, 404);
    json_t *named = json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(named, "field")), "placement_id");
    http_response_free(&r);
    /* the employer does not see the match before approval: not found, not forbidden */
    r = act(&first, employer_user, match, "{\"action\":\"accept\"}");
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    expect_act(coordinator, match, "{\"action\":\"reject\",\"reason_code\":\"not_suitable\"}", 200,
               "rejected");
    expect_act(coordinator, match, "{\"action\":\"approve\"}", 409, NULL); /* final */
    /* a second live match for the same pair is refused, after a final one it is not */
    long long again = apply(seeker, placement);
    r = http_call_as(&first, portal_key, "POST", "/v1/matches",
                     fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement));
    ck_assert_int_eq(r.status, 409); /* naming the live one */
    named = json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(named, "existing_id")), again);
    http_response_free(&r);
    ck_assert_int_gt(again, match);
}
END_TEST

START_TEST(employers_learn_nothing_that_names_the_seeker)
{
    long long placement = new_placement(2);
    long long seeker = new_seeker("Noor");
    long long withdrawn = apply(seeker, placement);
    /* withdrawn before approval: the employer never hears of it */
    expect_act(portal_key, withdrawn, "{\"action\":\"withdraw\",\"reason_code\":\"found_work\"}",
               200, "withdrawn");
    char count[24];
    ck_assert(harness_db_value(
        &db,
        fmt("SELECT count(*) FROM notifications WHERE match_id = %lld AND recipient_kind = "
            "'employer'",
            withdrawn),
        count, sizeof count));
    ck_assert_str_eq(count, "0");

    long long match = apply(seeker, placement);
    expect_act(coordinator, match, "{\"action\":\"approve\",\"note\":\"Noor past goed\"}", 200,
               "approved");
    /* the employer's notifications, history and filters do not name the seeker */
    ck_assert(harness_db_value(
        &db,
        fmt("SELECT count(*) FROM notifications WHERE match_id = %lld AND recipient_kind = "
            "'employer' AND payload ? 'seeker_id'",
            match),
        count, sizeof count));
    ck_assert_str_eq(count, "0");
    struct http_response r =
        http_call_as(&first, employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "Noor"));
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(r.json, "history"), i, step)
    {
        ck_assert(json_is_null(json_object_get(step, "note")));
        ck_assert(json_is_null(json_object_get(step, "actor_id")));
    }
    http_response_free(&r);
    r = http_call_as(&first, employer_user, "GET", fmt("/v1/matches?seeker_id=%lld", seeker), NULL);
    ck_assert_int_eq(r.status, 422);
    http_response_free(&r);

    /* answering twice is refused, so it cannot notify the other side twice */
    expect_act(employer_user, match, "{\"action\":\"accept\"}", 200, "approved");
    r = act(&first, employer_user, match, "{\"action\":\"accept\"}");
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "invalid_transition");
    http_response_free(&r);
    ck_assert(harness_db_value(
        &db,
        fmt("SELECT count(*) FROM notifications WHERE match_id = %lld AND event_type = "
            "'employer_answered' AND channel = 'feed' AND recipient_kind = 'portal'",
            match),
        count, sizeof count));
    ck_assert_str_eq(count, "1");
}
END_TEST

/* Approves `matches` concurrently from both daemons; counts the answers. */
static void approve_all(const long long *matches, int n, int *ok, int *full, int *taken)
{
    pid_t children[64];
    for (int i = 0; i < n; i++) {
        children[i] = fork();
        if (children[i] == 0) {
            struct http_response r =
                act(i % 2 ? &second : &first, coordinator, matches[i], "{\"action\":\"approve\"}");
            const char *code = http_error_code(&r);
            _exit(r.status == 200                   ? 0
                  : !strcmp(code, "placement_full") ? 1
                  : !strcmp(code, "seeker_taken")   ? 2
                                                    : 3);
        }
    }
    *ok = *full = *taken = 0;
    for (int i = 0; i < n; i++) {
        int status;
        waitpid(children[i], &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) < 3);
        int outcome = WEXITSTATUS(status);
        *(outcome == 0 ? ok : outcome == 1 ? full : taken) += 1;
    }
}

START_TEST(concurrent_approvals_never_overfill_a_placement)
{
    long long placement = new_placement(3);
    long long matches[30];
    for (int i = 0; i < 30; i++)
        matches[i] = apply(new_seeker(fmt("racer%d", i)), placement);
    int ok, full, taken;
    approve_all(matches, 30, &ok, &full, &taken);
    ck_assert_int_eq(ok, 3);
    ck_assert_int_eq(full, 27);
    char held[16];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT count(*) FROM matches WHERE placement_id = %lld"
                                   " AND state = 'approved'",
                                   placement),
                               held, sizeof held));
    ck_assert_str_eq(held, "3");
}
END_TEST

START_TEST(a_seeker_holds_one_place)
{
    long long seeker = new_seeker("Popular");
    long long matches[8];
    for (int i = 0; i < 8; i++)
        matches[i] = apply(seeker, new_placement(2));
    int ok, full, taken;
    approve_all(matches, 8, &ok, &full, &taken);
    ck_assert_int_eq(ok, 1);
    ck_assert_int_eq(taken, 7);
}
END_TEST

START_TEST(a_full_placement_is_not_open_to_the_matcher)
{
    long long placement = new_placement(1);
    long long ranked_seeker = new_seeker("Watcher");
    long long match = apply(new_seeker("Taker"), placement);
    expect_act(coordinator, match, "{\"action\":\"approve\"}", 200, "approved");
    /* the pair explanation says why; the ranking drops it within a moment */
    bool excluded = false;
    for (int tries = 0; tries < 100 && !excluded; tries++) {
        struct http_response r =
            http_call_as(&first, coordinator, "GET",
                         fmt("/v1/seekers/%lld/matches/%lld", ranked_seeker, placement), NULL);
        excluded = strstr(r.body, "placement_not_open") != NULL;
        http_response_free(&r);
        if (!excluded)
            usleep(100000);
    }
    ck_assert(excluded);
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
    coordinator = harness_login_new_account(&first, db.url, "coord@example.org", NULL);
    portal_key = harness_new_portal(db.url, "Workflow portal", &portal);
    employer = created(http_call_as(&first, coordinator, "POST", "/v1/employers",
                                    "{\"kvk_number\":\"66666666\",\"name\":\"Werkplaats BV\","
                                    "\"postcode\":\"2516\",\"lat\":52.076,\"lon\":4.336}"));
    struct http_response r =
        http_call_as(&first, coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                     "{\"verified\":true}");
    http_response_free(&r);
    employer_user =
        harness_login_new_account(&first, db.url, "werk@example.org", fmt("%lld", employer));
    if (harness_db_sql(&db, "INSERT INTO postcodes VALUES (2516, 52.076, 4.336, 'Den Haag',"
                            " 'Den Haag'), (2522, 52.064, 4.330, 'Den Haag', 'Den Haag')") != 0)
        return 2;

    Suite *s = suite_create("workflow");
    TCase *tc = tcase_create("matches");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_story_from_application_to_completion);
    tcase_add_test(tc, illegal_transitions_are_refused_with_the_state);
    tcase_add_test(tc, employers_learn_nothing_that_names_the_seeker);
    tcase_add_test(tc, concurrent_approvals_never_overfill_a_placement);
    tcase_add_test(tc, a_seeker_holds_one_place);
    tcase_add_test(tc, a_full_placement_is_not_open_to_the_matcher);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    for (struct harness_server *d = &first; d; d = d == &first ? &second : NULL) {
        int stopped = harness_server_stop(d, SIGTERM);
        if (!WIFEXITED(stopped) || WEXITSTATUS(stopped) != 0)
            failed++;
    }
    harness_db_destroy(&db);
    free(coordinator);
    free(employer_user);
    free(portal_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
