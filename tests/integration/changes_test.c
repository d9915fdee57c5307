/* The change feed (GET /v1/changes) through two daemons on one database:
 * followed by its cursor while several clients write through both, it
 * gives every entry once and in order; a portal sees the open places and
 * its own seekers, never another portal's; a save is one entry naming what
 * changed; a cursor older than the kept entries is a 410 saying where to
 * follow from. Long polling: long_poll_test.c. */
#include "api_checks.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITERS           4
#define PLACEMENTS_EACH   15
#define SEEKERS_OF_PORTAL 20

static struct harness_db db;
static struct harness_server first, second;
static struct api_feed_cast cast;

/* Follows the feed as `token` through `server` from `after`, appending
 * every sequence number to `seen`: how many pages it read. */
struct follower {
    const struct harness_server *server;
    const char *token;
    long long after;
    long long *seen;
    size_t count, room;
    bool failed;
};

static size_t follow_once(struct follower *f)
{
    char path[96];
    snprintf(path, sizeof path, "/v1/changes?after=%lld&limit=50", f->after);
    struct http_response r = http_call_as(f->server, f->token, "GET", path, NULL);
    size_t got = 0;
    if (r.status != 200) {
        f->failed = true;
    } else {
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            if (f->count == f->room) {
                f->room = f->room * 2 + 256;
                f->seen = realloc(f->seen, f->room * sizeof *f->seen);
            }
            f->seen[f->count++] = json_integer_value(json_object_get(item, "seq"));
            got++;
        }
        f->after = strtoll(json_string_value(json_object_get(r.json, "next_cursor")), NULL, 10);
    }
    http_response_free(&r);
    return got;
}

static volatile bool writing;

static void *follow_while_writing(void *argument)
{
    struct follower *f = argument;
    while (writing && !f->failed)
        follow_once(f);
    /* then until it is caught up */
    while (!f->failed && follow_once(f) > 0)
        ;
    return NULL;
}

struct writer {
    const struct harness_server *server;
    int failures;
};

/* Makes placements and opens them: each opening is an entry for all. */
static void *open_placements(void *argument)
{
    struct writer *w = argument;
    char body[512], path[64];
    for (int i = 0; i < PLACEMENTS_EACH; i++) {
        snprintf(body, sizeof body,
                 "{\"employer_id\":%lld,\"title\":\"Werkplaats\",\"postcode\":\"2516\","
                 "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:00\"}],"
                 "\"hours_per_week\":8,\"start_date\":\"2027-02-01\","
                 "\"end_date\":\"2027-04-01\",\"capacity\":1}",
                 cast.employer);
        struct http_response r =
            http_call_as(w->server, cast.coordinator, "POST", "/v1/placements", body);
        long long id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
        http_response_free(&r);
        snprintf(path, sizeof path, "/v1/placements/%lld/open", id);
        r = http_call_as(w->server, cast.coordinator, "POST", path, NULL);
        w->failures += r.status != 200;
        http_response_free(&r);
    }
    return NULL;
}

/* Registers portal A's seekers, each with consents: entries for A only. */
static void *register_seekers(void *argument)
{
    struct writer *w = argument;
    for (int i = 0; i < SEEKERS_OF_PORTAL; i++) {
        char body[700];
        snprintf(body, sizeof body,
                 "{\"name\":\"Volger %d\",\"postcode\":\"2522\",\"availability\":[{\"day\":"
                 "\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],\"available_from\":"
                 "\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,\"consent\":"
                 "{\"purpose\":\"matching\",\"text_version\":\"1\",\"given_at\":"
                 "\"2026-11-01T10:00:00Z\"}}",
                 i);
        struct http_response r =
            http_call_as(w->server, cast.portal_a_key, "POST", "/v1/seekers", body);
        w->failures += r.status != 201;
        http_response_free(&r);
    }
    return NULL;
}

/* The sequence numbers `portal` may see, as the database has them. */
static long long *expected_for(long long portal, size_t *count)
{
    char text[65536];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT COALESCE(string_agg(seq::text, ',' ORDER BY seq), '')"
                                   " FROM changes WHERE portal_id IS NULL OR portal_id = %lld",
                                   portal),
                               text, sizeof text));
    long long *seqs = malloc((strlen(text) / 2 + 2) * sizeof *seqs);
    *count = 0;
    for (char *p = text; *p;) {
        seqs[(*count)++] = strtoll(p, &p, 10);
        if (*p == ',')
            p++;
    }
    return seqs;
}

START_TEST(following_the_feed_under_concurrent_writers_on_two_daemons_misses_nothing)
{
    struct follower a = {.server = &first, .token = cast.portal_a_key};
    struct follower b = {.server = &second, .token = cast.portal_b_key};
    struct writer writers[WRITERS + 1];
    pthread_t threads[WRITERS + 1], readers[2];
    writing = true;
    pthread_create(&readers[0], NULL, follow_while_writing, &a);
    pthread_create(&readers[1], NULL, follow_while_writing, &b);
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){.server = i % 2 ? &second : &first};
        pthread_create(&threads[i], NULL, open_placements, &writers[i]);
    }
    writers[WRITERS] = (struct writer){.server = &second};
    pthread_create(&threads[WRITERS], NULL, register_seekers, &writers[WRITERS]);
    for (int i = 0; i <= WRITERS; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_int_eq(writers[i].failures, 0);
    }
    writing = false;
    pthread_join(readers[0], NULL);
    pthread_join(readers[1], NULL);
    ck_assert(!a.failed && !b.failed);

    /* each follower saw exactly what its portal may see, once, in order */
    struct follower *followers[] = {&a, &b};
    long long portals[] = {cast.portal_a, cast.portal_b};
    for (int f = 0; f < 2; f++) {
        size_t count;
        long long *expected = expected_for(portals[f], &count);
        ck_assert_uint_ge(count, WRITERS * PLACEMENTS_EACH);
        ck_assert_msg(followers[f]->count == count, "portal %d followed %zu entries of %zu", f,
                      followers[f]->count, count);
        for (size_t i = 0; i < count; i++)
            ck_assert_msg(followers[f]->seen[i] == expected[i],
                          "portal %d: entry %zu is %lld, expected %lld", f, i,
                          followers[f]->seen[i], expected[i]);
        free(expected);
        free(followers[f]->seen);
    }
    /* and B never saw A's seekers: A has consent entries B does not */
    char only_a[16];
    ck_assert(harness_db_value(
        &db, fmt("SELECT count(*) FROM changes WHERE portal_id = %lld", cast.portal_a), only_a,
        sizeof only_a));
    ck_assert_int_ge(atoi(only_a), SEEKERS_OF_PORTAL);
}
END_TEST

static long long created_id(struct http_response r)
{
    API_EXPECT(r, 201, NULL);
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    return id;
}

/* The entries after `after` that `token` gets (a new reference). */
static json_t *entries(const char *token, long long after)
{
    struct http_response r =
        api_call(&first, token, "GET", fmt("/v1/changes?after=%lld&limit=1000", after), NULL);
    API_EXPECT(r, 200, NULL);
    json_t *items = json_incref(json_object_get(r.json, "items"));
    http_response_free(&r);
    return items;
}

static long long latest_seq(void)
{
    char text[32];
    ck_assert(
        harness_db_value(&db, "SELECT COALESCE(max(seq), 0) FROM changes", text, sizeof text));
    return atoll(text);
}

START_TEST(a_portal_sees_open_places_and_its_own_seekers_only)
{
    long long start = latest_seq();
    long long placement = created_id(api_call(&first, cast.coordinator, "POST", "/v1/placements",
                                              api_placement_body(cast.employer, 1)));
    /* a draft is nobody's news */
    json_t *seen = entries(cast.portal_b_key, start);
    ck_assert_uint_eq(json_array_size(seen), 0);
    json_decref(seen);
    API_EXPECT_ANSWER(api_call(&first, cast.coordinator, "POST",
                               fmt("/v1/placements/%lld/open", placement), NULL),
                      200, NULL);
    /* one save changing the title and the skills: one entry naming both */
    API_EXPECT_ANSWER(api_call(&first, cast.coordinator, "PATCH",
                               fmt("/v1/placements/%lld", placement),
                               "{\"title\":\"Andere titel\",\"required_skills\":[{\"uri\":"
                               "\"http://data.europa.eu/esco/skill/test-solder\","
                               "\"min_level\":2}]}"),
                      200, NULL);
    long long seeker = created_id(
        api_call(&first, cast.portal_a_key, "POST", "/v1/seekers", api_seeker_body("Eigen", "")));
    json_t *b = entries(cast.portal_b_key, start), *a = entries(cast.portal_a_key, start);
    ck_assert_uint_eq(json_array_size(b), 2);
    ck_assert_str_eq(api_text(json_array_get(b, 0), "kind"), "placement_opened");
    ck_assert_int_eq(api_number(json_array_get(b, 0), "placement_id"), placement);
    const json_t *changed = json_array_get(b, 1);
    ck_assert_str_eq(api_text(changed, "kind"), "placement_changed");
    json_t *fields = json_object_get(changed, "changed");
    char *listed = json_dumps(fields, JSON_COMPACT);
    ck_assert_msg(strstr(listed, "\"required_skills\"") && strstr(listed, "\"title\""), "%s",
                  listed);
    free(listed);
    /* A also sees its seeker's consent, after the placement's entries */
    ck_assert_uint_ge(json_array_size(a), 3);
    const json_t *consent = json_array_get(a, 2);
    ck_assert_str_eq(api_text(consent, "kind"), "consent_recorded");
    ck_assert_int_eq(api_number(consent, "seeker_id"), seeker);
    ck_assert_str_eq(api_text(consent, "purpose"), "matching");
    json_decref(a);
    json_decref(b);

    /* an application: a match entry for A only; closing: for all */
    API_EXPECT_ANSWER(
        api_call(&first, cast.portal_a_key, "POST", "/v1/matches",
                 fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)),
        201, NULL);
    long long mid = latest_seq();
    API_EXPECT_ANSWER(api_call(&first, cast.coordinator, "POST",
                               fmt("/v1/placements/%lld/close", placement), NULL),
                      200, NULL);
    a = entries(cast.portal_a_key, mid - 1);
    b = entries(cast.portal_b_key, mid - 1);
    ck_assert_str_eq(api_text(json_array_get(a, 0), "kind"), "match_changed");
    ck_assert_str_eq(api_text(json_array_get(a, 0), "state"), "applied");
    ck_assert_str_eq(api_text(json_array_get(b, 0), "kind"), "placement_closed");
    /* whatever became of the match, B never hears of it */
    size_t i;
    json_t *item;
    json_array_foreach(b, i, item) ck_assert_str_ne(api_text(item, "kind"), "match_changed");
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(an_expired_cursor_is_a_410_with_where_to_follow_from)
{
    long long now = latest_seq();
    ck_assert_int_eq(
        harness_db_sql(&db, fmt("UPDATE change_feed_horizon SET purged_through = %lld", now)), 0);
    struct http_response r =
        api_call(&first, cast.portal_a_key, "GET", "/v1/changes?after=0", NULL);
    API_EXPECT(r, 410, "cursor_expired");
    const json_t *detail =
        json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_str_eq(api_text(detail, "field"), "after");
    ck_assert_int_eq(atoll(api_text(detail, "resync_cursor")), now);
    http_response_free(&r);
    /* from the cursor given: no error, nothing missed */
    API_EXPECT_ANSWER(
        api_call(&first, cast.portal_a_key, "GET", fmt("/v1/changes?after=%lld", now), NULL), 200,
        NULL);
    ck_assert_int_eq(harness_db_sql(&db, "UPDATE change_feed_horizon SET purged_through = 0"), 0);
    API_EXPECT_ANSWER(api_call(&first, cast.employer_user, "GET", "/v1/changes", NULL), 403,
                      "forbidden");
    API_EXPECT_ANSWER(api_call(&first, NULL, "GET", "/v1/changes", NULL), 401, "unauthenticated");
    API_EXPECT_ANSWER(api_call(&first, cast.portal_a_key, "GET", "/v1/changes?limit=0", NULL), 422,
                      "validation_failed");
}
END_TEST

static bool set_up(void)
{
    int status = 0;
    return harness_server_start(&second, db.url, NULL, &status) &&
           api_feed_cast_set_up(&first, &db, &cast);
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {"--migrate", NULL};
    int failed = 1;
    if (api_start_with_reference_data(&first, &db, migrate)) {
        if (set_up()) {
            Suite *s = suite_create("changes");
            TCase *tc = tcase_create("changes");
            tcase_set_timeout(tc, 120);
            tcase_add_test(
                tc, following_the_feed_under_concurrent_writers_on_two_daemons_misses_nothing);
            tcase_add_test(tc, a_portal_sees_open_places_and_its_own_seekers_only);
            tcase_add_test(tc, an_expired_cursor_is_a_410_with_where_to_follow_from);
            suite_add_tcase(s, tc);
            failed = harness_run_suite(s);
        } else {
            fprintf(stderr, "changes_test: setting up failed\n");
        }
        if (second.pid && !harness_server_stop_cleanly(&second))
            failed++;
        if (!harness_server_stop_cleanly(&first))
            failed++;
    }
    harness_db_destroy(&db);
    api_feed_cast_free(&cast);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
