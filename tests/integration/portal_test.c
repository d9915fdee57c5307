/* The partner portal's experience through HTTP (issue 11): retries with an
 * Idempotency-Key that never act twice, 404 for what is not the portal's,
 * one 422 that names every problem, seekers found by the portal's own
 * reference, and webhooks a portal can run: its registration, a test ping,
 * a secret rotated with both signatures for a while, and its deliveries
 * listed and retried. The webhooks go to receivers this test starts. */
#include "api_checks.h"
#include "harness.h"
#include "webhook_receiver.h"

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SKILL "http://data.europa.eu/esco/skill/test-"

static struct harness_db db;
static struct harness_server server;
static char *coordinator;
static long long employer;
/* One receiver per webhook test, so that no test reads another's calls;
 * started before the suite, used by Check's test processes. */
static struct webhook_receiver ping_hooks, rotation_hooks, delivery_hooks;

/* --- calling the daemon --- */

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return http_call_as(&server, token, method, path, body);
}

static struct http_response call_with_key(const char *token, const char *method, const char *path,
                                          const char *body, const char *key)
{
    return api_call_with_key(&server, token, method, path, body, key);
}

static long long id_of(const struct http_response *r)
{
    return json_integer_value(json_object_get(r->json, "id"));
}

static const char *text_of(const json_t *object, const char *member)
{
    return json_string_value(json_object_get(object, member));
}

/* The id of what `r` created (201, or 200 for a PUT); fails the test otherwise. */
static long long created(struct http_response r)
{
    ck_assert_msg(r.status == 201 || r.status == 200, "creating failed: %ld %s", r.status, r.body);
    long long id = id_of(&r);
    http_response_free(&r);
    return id;
}

static void expect_status(struct http_response r, long status)
{
    ck_assert_msg(r.status == status, "expected %ld, got %ld %s", status, r.status, r.body);
    http_response_free(&r);
}

/* The error detail about `field`, or NULL. */
static json_t *problem_with(const struct http_response *r, const char *field)
{
    size_t i;
    json_t *detail;
    json_array_foreach(json_object_get(json_object_get(r->json, "error"), "details"), i, detail)
    {
        const char *named = text_of(detail, "field");
        if (named && !strcmp(named, field))
            return detail;
    }
    return NULL;
}

static void expect_error(const struct http_response *r, long status, const char *code,
                         const char *field)
{
    ck_assert_msg(r->status == status && !strcmp(http_error_code(r), code),
                  "expected %ld %s, got %ld %s", status, code, r->status, r->body);
    if (field)
        ck_assert_msg(problem_with(r, field) != NULL, "no problem named %s in %s", field, r->body);
}

/* A number the database works out, e.g. a count. */
static long long db_number(const char *sql)
{
    char value[32];
    ck_assert_msg(harness_db_value(&db, sql, value, sizeof value), "%s", sql);
    return atoll(value);
}

/* --- the world a portal works in --- */

static char *new_portal(const char *name, long long *id)
{
    return harness_new_portal(db.url, name, id);
}

static long long new_placement(bool open)
{
    long long id =
        created(call(coordinator, "POST", "/v1/placements", api_placement_body(employer, 2)));
    if (open)
        expect_status(call(coordinator, "POST", fmt("/v1/placements/%lld/open", id), NULL), 200);
    return id;
}

static long long new_seeker(const char *portal_key, const char *name)
{
    return created(call(portal_key, "POST", "/v1/seekers", api_seeker_body(name, "")));
}

static const char *application(long long seeker, long long placement)
{
    return fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement);
}

static long long apply(const char *portal_key, long long seeker, long long placement)
{
    return created(call(portal_key, "POST", "/v1/matches", application(seeker, placement)));
}

static void approve(long long match)
{
    expect_status(call(coordinator, "POST", fmt("/v1/matches/%lld/transitions", match),
                       "{\"action\":\"approve\"}"),
                  200);
}

/* Registers `url` as the portal's webhook: its secret (malloc'd). */
static char *register_webhook(const char *portal_key, const char *url)
{
    struct http_response r =
        call(portal_key, "PUT", "/v1/portal/webhook", fmt("{\"url\":\"%s\"}", url));
    ck_assert_msg(r.status == 200, "registering the webhook: %ld %s", r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "url"), url);
    ck_assert_uint_ge(strlen(text_of(r.json, "secret")), 32);
    char *secret = strdup(text_of(r.json, "secret"));
    http_response_free(&r);
    return secret;
}

/* The ids a list answer holds, as "1,2,3". */
static const char *ids_listed(const struct http_response *r)
{
    static char out[1024];
    out[0] = '\0';
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(item, "id")));
    return out;
}

/* --- retries and answers --- */

START_TEST(a_replayed_application_returns_the_first_match)
{
    long long portal;
    char *key = new_portal("Retrying portal", &portal);
    long long placement = new_placement(true), other_placement = new_placement(true);
    long long seeker = new_seeker(key, "Retry");

    struct http_response first =
        call_with_key(key, "POST", "/v1/matches", application(seeker, placement), "apply-1");
    ck_assert_msg(first.status == 201, "%ld %s", first.status, first.body);
    ck_assert(!api_replayed(&first));
    /* as after a timeout: the same again, members in another order */
    struct http_response again = call_with_key(
        key, "POST", "/v1/matches",
        fmt("{\"placement_id\":%lld,\"seeker_id\":%lld}", placement, seeker), "apply-1");
    ck_assert_msg(again.status == 201, "the retry: %ld %s", again.status, again.body);
    ck_assert(api_replayed(&again));
    ck_assert_int_eq(id_of(&again), id_of(&first));
    ck_assert_str_eq(again.body, first.body);
    char location[2][64];
    ck_assert(http_header(&first, "Location", location[0], sizeof location[0]));
    ck_assert(http_header(&again, "Location", location[1], sizeof location[1]));
    ck_assert_str_eq(location[1], location[0]);
    http_response_free(&again);
    http_response_free(&first);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM matches WHERE seeker_id = %lld"
                                   " AND placement_id = %lld",
                                   seeker, placement)),
                     1);

    /* the key names that application: another with it is refused, and not made */
    struct http_response other =
        call_with_key(key, "POST", "/v1/matches", application(seeker, other_placement), "apply-1");
    expect_error(&other, 422, "idempotency_key_reused", "Idempotency-Key");
    http_response_free(&other);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM matches WHERE placement_id = %lld", other_placement)),
        0);
    free(key);
}
END_TEST

/* One of several clients sending the same application with the same key
 * at the same moment (a portal retrying while the first is in flight). */
struct racer {
    pthread_barrier_t *start;
    const char *bearer, *body;
    struct http_response answer;
};

static void *race(void *context)
{
    struct racer *r = context;
    const char *headers[] = {r->bearer, "Idempotency-Key: apply-raced",
                             "Content-Type: application/json", NULL};
    pthread_barrier_wait(r->start);
    http_call(&server, "POST", "/v1/matches", headers, r->body, &r->answer);
    return NULL;
}

START_TEST(concurrent_retries_of_an_application_make_one_match)
{
    enum { RACERS = 8 };
    long long portal;
    char *key = new_portal("Racing portal", &portal);
    long long placement = new_placement(true), seeker = new_seeker(key, "Race");
    char bearer[128], body[96];
    harness_bearer(key, bearer, sizeof bearer);
    snprintf(body, sizeof body, "%s", application(seeker, placement));
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, RACERS);
    struct racer racers[RACERS];
    pthread_t threads[RACERS];
    for (int i = 0; i < RACERS; i++) {
        racers[i] = (struct racer){.start = &start, .bearer = bearer, .body = body};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    int first = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(threads[i], NULL);
        struct http_response *a = &racers[i].answer;
        ck_assert_msg(a->status == 201, "%ld %s", a->status, a->body);
        ck_assert_int_eq(id_of(a), id_of(&racers[0].answer));
        first += !api_replayed(a);
    }
    ck_assert_int_eq(first, 1); /* one made it; the others got its answer */
    for (int i = 0; i < RACERS; i++)
        http_response_free(&racers[i].answer);
    pthread_barrier_destroy(&start);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM matches WHERE seeker_id = %lld", seeker)),
                     1);
    free(key);
}
END_TEST

START_TEST(a_replayed_transition_acts_once)
{
    long long portal;
    char *key = new_portal("Transition portal", &portal);
    long long placement = new_placement(true);
    long long match = apply(key, new_seeker(key, "Once"), placement);
    long long second_match = apply(key, new_seeker(key, "Twice"), placement);
    const char *path = fmt("/v1/matches/%lld/transitions", match);

    struct http_response first =
        call_with_key(coordinator, "POST", path, "{\"action\":\"approve\"}", "approve-1");
    ck_assert_msg(first.status == 200, "%ld %s", first.status, first.body);
    ck_assert_str_eq(text_of(first.json, "state"), "approved");
    struct http_response again =
        call_with_key(coordinator, "POST", path, "{\"action\":\"approve\"}", "approve-1");
    ck_assert_msg(again.status == 200, "the retry: %ld %s", again.status, again.body);
    ck_assert(api_replayed(&again));
    ck_assert_str_eq(again.body, first.body);
    http_response_free(&again);
    http_response_free(&first);

    /* the history holds one approval, not two */
    struct http_response r = call(coordinator, "GET", fmt("/v1/matches/%lld", match), NULL);
    int approvals = 0;
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(r.json, "history"), i, step)
    {
        if (!strcmp(text_of(step, "action"), "approve"))
            approvals++;
    }
    ck_assert_int_eq(approvals, 1);
    http_response_free(&r);

    /* another action with the key is refused; the same key on another
     * match's transitions is another key */
    r = call_with_key(coordinator, "POST", path,
                      "{\"action\":\"reject\",\"reason_code\":\"not_suitable\"}", "approve-1");
    expect_error(&r, 422, "idempotency_key_reused", "Idempotency-Key");
    http_response_free(&r);
    r = call_with_key(coordinator, "POST", fmt("/v1/matches/%lld/transitions", second_match),
                      "{\"action\":\"approve\"}", "approve-1");
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert(!api_replayed(&r));
    ck_assert_str_eq(text_of(r.json, "state"), "approved");
    http_response_free(&r);
    free(key);
}
END_TEST

START_TEST(applying_with_what_is_not_yours_is_not_found)
{
    long long portal, other_portal;
    char *key = new_portal("Applying portal", &portal);
    char *other_key = new_portal("Other applying portal", &other_portal);
    long long own = new_seeker(key, "Eigen"), theirs = new_seeker(other_key, "Ander");
    long long open = new_placement(true), draft = new_placement(false);
    const long long unknown = 999999999;
    static const struct {
        int caller;            /* 0: the portal, 1: a coordinator */
        int seeker, placement; /* 0: own/open, 1: theirs/draft, 2: unknown */
        const char *field;
    } cases[] = {
        {0, 1, 0, "seeker_id"},    /* another portal's seeker */
        {0, 0, 2, "placement_id"}, /* an unknown placement */
        {0, 0, 1, "placement_id"}, /* a placement that is not open */
        {0, 1, 2, "seeker_id"},    /* both: the seeker is named first */
        {1, 2, 0, "seeker_id"},    /* a coordinator's proposal too */
        {1, 0, 2, "placement_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long seekers[] = {own, theirs, unknown}, placements[] = {open, draft, unknown};
        struct http_response r =
            call(cases[i].caller ? coordinator : key, "POST", "/v1/matches",
                 application(seekers[cases[i].seeker], placements[cases[i].placement]));
        ck_assert_msg(r.status == 404 && !strcmp(http_error_code(&r), "not_found") &&
                          json_array_size(
                              json_object_get(json_object_get(r.json, "error"), "details")) == 1 &&
                          problem_with(&r, cases[i].field),
                      "case %zu: expected a 404 naming %s, got %ld %s", i, cases[i].field, r.status,
                      r.body);
        http_response_free(&r);
    }
    /* a body of the wrong shape is still a 422, naming its field */
    struct http_response r = call(key, "POST", "/v1/matches",
                                  fmt("{\"seeker_id\":\"mine\",\"placement_id\":%lld}", open));
    expect_error(&r, 422, "validation_failed", "seeker_id");
    http_response_free(&r);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM matches WHERE seeker_id IN (%lld, %lld)", own, theirs)),
        0);
    free(key);
    free(other_key);
}
END_TEST

START_TEST(one_refusal_names_every_problem)
{
    long long portal;
    char *key = new_portal("Careless portal", &portal);
    /* no name, a postcode no one knows (9999 is not in the fixture) and an
     * unknown skill: all three in one answer */
    struct http_response r =
        call(key, "POST", "/v1/seekers",
             "{\"postcode\":\"9999ZZ\",\"skills\":[{\"uri\":\"" SKILL "juggling\",\"level\":2}],"
             "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
             "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,"
             "\"consent\":{\"purpose\":\"matching\",\"text_version\":\"1\","
             "\"given_at\":\"2026-11-01T10:00:00Z\"}}");
    expect_error(&r, 422, "validation_failed", "name");
    expect_error(&r, 422, "validation_failed", "postcode");
    expect_error(&r, 422, "validation_failed", "skills[0].uri");
    ck_assert_ptr_nonnull(strstr(text_of(problem_with(&r, "postcode"), "problem"), "postcode"));
    http_response_free(&r);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM seekers WHERE portal_id = %lld", portal)),
                     0);

    /* placements the same: an unknown employer (the owner) with the rest */
    r = call(coordinator, "POST", "/v1/placements",
             "{\"employer_id\":999999999,\"postcode\":\"9999ZZ\",\"schedule\":[{\"day\":\"mon\","
             "\"from\":\"08:00\",\"to\":\"16:00\"}],\"hours_per_week\":8,"
             "\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\",\"capacity\":1,"
             "\"required_skills\":[{\"uri\":\"" SKILL "juggling\",\"min_level\":2}]}");
    expect_error(&r, 422, "validation_failed", "title");
    expect_error(&r, 422, "validation_failed", "employer_id");
    expect_error(&r, 422, "validation_failed", "postcode");
    expect_error(&r, 422, "validation_failed", "required_skills[0].uri");
    http_response_free(&r);
    free(key);
}
END_TEST

START_TEST(seekers_are_found_by_the_portals_own_reference)
{
    long long portal, other_portal;
    char *key = new_portal("Referring portal", &portal);
    char *other_key = new_portal("Other referring portal", &other_portal);
    const char *ref = "\"external_ref\":\"crm-4711\",";
    long long mine = created(call(key, "POST", "/v1/seekers", api_seeker_body("Lotte", ref)));
    long long theirs =
        created(call(other_key, "POST", "/v1/seekers", api_seeker_body("Lotte", ref)));
    long long unrelated = created(
        call(key, "POST", "/v1/seekers", api_seeker_body("Sem", "\"external_ref\":\"crm-4712\",")));

    /* exact matches only, and a portal sees its own (ids ascending: mine
     * was made first) */
    static const struct {
        int caller; /* 0: the portal, 1: the other portal, 2: a coordinator */
        const char *ref;
        bool of_the_portal; /* a coordinator's query names the portal */
        int expect;         /* 0: mine, 1: theirs, 2: both, 3: none */
    } lookups[] = {
        {0, "crm-4711", false, 0}, {1, "crm-4711", false, 1}, {0, "crm-471", false, 3},
        {2, "crm-4711", true, 0},  {2, "crm-4711", false, 2},
    };
    for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++) {
        const char *tokens[] = {key, other_key, coordinator};
        const char *expected[] = {fmt("%lld", mine), fmt("%lld", theirs),
                                  fmt("%lld,%lld", mine, theirs), ""};
        const char *path = fmt("/v1/seekers?external_ref=%s%s", lookups[i].ref,
                               lookups[i].of_the_portal ? fmt("&portal_id=%lld", portal) : "");
        struct http_response r = call(tokens[lookups[i].caller], "GET", path, NULL);
        ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
        ck_assert_msg(!strcmp(ids_listed(&r), expected[lookups[i].expect]),
                      "%s: expected [%s], got [%s]", path, expected[lookups[i].expect],
                      ids_listed(&r));
        http_response_free(&r);
    }

    /* a reference already in use: 409 naming the seeker that holds it,
     * whether creating or updating */
    struct http_response r = call(key, "POST", "/v1/seekers", api_seeker_body("Lotte", ref));
    expect_error(&r, 409, "conflict", "external_ref");
    ck_assert_int_eq(
        json_integer_value(json_object_get(problem_with(&r, "external_ref"), "existing_id")), mine);
    ck_assert_ptr_nonnull(strstr(r.body, fmt("%lld", mine)));
    http_response_free(&r);
    r = call(key, "PATCH", fmt("/v1/seekers/%lld", unrelated), "{\"external_ref\":\"crm-4711\"}");
    expect_error(&r, 409, "conflict", "external_ref");
    ck_assert_int_eq(
        json_integer_value(json_object_get(problem_with(&r, "external_ref"), "existing_id")), mine);
    http_response_free(&r);
    free(key);
    free(other_key);
}
END_TEST

/* --- webhooks --- */

START_TEST(the_webhook_registration_is_shown_without_its_secret)
{
    long long portal;
    char *key = new_portal("Inspecting portal", &portal);
    struct http_response r = call(key, "GET", "/v1/portal/webhook", NULL);
    expect_error(&r, 404, "not_found", NULL);
    http_response_free(&r);

    /* nothing is delivered to this URL: no match is ever made for the portal */
    char *secret = register_webhook(key, "https://portal.example/hooks/bpa");
    r = call(key, "GET", "/v1/portal/webhook", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "url"), "https://portal.example/hooks/bpa");
    static const char *const times[] = {"created_at", "updated_at", "secret_created_at"};
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(text_of(r.json, times[i]), "%s missing: %s", times[i], r.body);
    static const char *const nulls[] = {"previous_secret_expires_at", "last_delivered_at",
                                        "last_error", "last_error_at"};
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(json_is_null(json_object_get(r.json, nulls[i])), "%s not null: %s", nulls[i],
                      r.body);
    static const char *const states[] = {"pending", "failed", "dead", "delivered"};
    json_t *deliveries = json_object_get(r.json, "deliveries");
    for (size_t i = 0; i < 4; i++) {
        json_t *count = json_object_get(deliveries, states[i]);
        ck_assert_msg(json_is_integer(count) && json_integer_value(count) == 0, "%s: %s", states[i],
                      r.body);
    }
    ck_assert_ptr_null(json_object_get(r.json, "secret"));
    ck_assert_ptr_null(strstr(r.body, secret));
    http_response_free(&r);

    /* a new URL brings a new secret; the old one stays valid a while */
    char *next_secret = register_webhook(key, "https://portal.example/hooks/bpa-v2");
    ck_assert_str_ne(next_secret, secret);
    r = call(key, "GET", "/v1/portal/webhook", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "url"), "https://portal.example/hooks/bpa-v2");
    ck_assert_ptr_nonnull(text_of(r.json, "previous_secret_expires_at"));
    ck_assert_ptr_null(strstr(r.body, secret));
    ck_assert_ptr_null(strstr(r.body, next_secret));
    http_response_free(&r);
    free(next_secret);
    free(secret);
    free(key);
}
END_TEST

/* Whether a recorded call's X-BPA-Timestamp is within the 5 minutes a
 * receiver should allow. */
static bool timestamp_is_fresh(const json_t *call)
{
    const char *timestamp = text_of(call, "timestamp");
    return timestamp && llabs(atoll(timestamp) - (long long)time(NULL)) <= 300;
}

START_TEST(a_test_ping_reports_what_the_receiver_answered)
{
    long long portal;
    char *key = new_portal("Pinging portal", &portal);
    struct http_response r = call(key, "POST", "/v1/portal/webhook/test", NULL);
    expect_error(&r, 404, "not_found", NULL); /* nothing registered yet */
    http_response_free(&r);
    char *secret = register_webhook(key, ping_hooks.url);

    r = call(key, "POST", "/v1/portal/webhook/test", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert(json_is_true(json_object_get(r.json, "delivered")));
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "http_status")), 200);
    ck_assert(json_is_null(json_object_get(r.json, "error")));
    ck_assert(json_is_number(json_object_get(r.json, "duration_ms")));
    ck_assert(json_is_integer(json_object_get(r.json, "notification_id")));
    const char *event_id = text_of(r.json, "event_id");
    ck_assert_ptr_nonnull(event_id);
    /* the receiver had it before the answer came: the ping is synchronous */
    json_t *ping =
        webhook_receiver_wait(&ping_hooks, (struct webhook_filter){.event_id = event_id}, 0);
    ck_assert_msg(ping != NULL, "the receiver got no ping");
    ck_assert_str_eq(text_of(ping, "event"), "ping");
    ck_assert_int_eq(webhook_call_signed_by(ping, secret), 0);
    ck_assert(timestamp_is_fresh(ping));
    json_t *payload = json_object_get(ping, "payload");
    ck_assert_str_eq(text_of(payload, "type"), "ping");
    ck_assert_str_eq(text_of(payload, "event_id"), event_id);
    ck_assert_ptr_nonnull(text_of(payload, "occurred_at"));
    ck_assert_int_eq(json_integer_value(json_object_get(payload, "portal_id")), portal);
    json_decref(ping);
    http_response_free(&r);

    /* a receiver in trouble: the answer says what it said */
    webhook_receiver_fail(&ping_hooks, true);
    r = call(key, "POST", "/v1/portal/webhook/test", NULL);
    webhook_receiver_fail(&ping_hooks, false);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert(json_is_false(json_object_get(r.json, "delivered")));
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "http_status")), 500);
    ck_assert_ptr_nonnull(text_of(r.json, "error"));
    ping = webhook_receiver_wait(
        &ping_hooks,
        (struct webhook_filter){.event_id = text_of(r.json, "event_id"), .answer = WEBHOOK_REFUSED},
        0);
    ck_assert_msg(ping != NULL, "the failing receiver got no ping");
    json_decref(ping);
    http_response_free(&r);
    free(secret);
    free(key);
}
END_TEST

START_TEST(a_rotated_secret_signs_with_both_until_the_old_one_ends)
{
    long long portal;
    char *key = new_portal("Rotating portal", &portal);
    struct http_response r = call(key, "POST", "/v1/portal/webhook/secret", "{}");
    expect_error(&r, 404, "not_found", NULL); /* nothing registered yet */
    http_response_free(&r);
    char *old_secret = register_webhook(key, rotation_hooks.url);

    r = call(key, "POST", "/v1/portal/webhook/secret", NULL); /* no body needed */
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "url"), rotation_hooks.url);
    ck_assert_ptr_nonnull(text_of(r.json, "secret"));
    char *new_secret = strdup(text_of(r.json, "secret"));
    ck_assert_str_ne(new_secret, old_secret);
    /* the default overlap: the old secret lasts another 24 hours */
    const char *expires = text_of(r.json, "previous_secret_expires_at");
    ck_assert_msg(expires, "no previous_secret_expires_at: %s", r.body);
    long long left =
        db_number(fmt("SELECT extract(epoch FROM timestamptz '%s' - now())::bigint", expires));
    ck_assert_msg(left > 23 * 3600 && left <= 24 * 3600 + 60, "the old secret lasts %lld s", left);
    http_response_free(&r);

    /* a real delivery after the rotation carries both signatures, new first */
    long long seeker = new_seeker(key, "Rolling");
    long long placement = new_placement(true);
    long long match = apply(key, seeker, placement);
    approve(match);
    json_t *hook = webhook_receiver_wait(&rotation_hooks,
                                         (struct webhook_filter){.event = "match_approved",
                                                                 .match_id = match,
                                                                 .answer = WEBHOOK_ACCEPTED},
                                         10);
    ck_assert_msg(hook != NULL, "the match_approved webhook never came");
    const char *signature = text_of(hook, "signature");
    ck_assert_msg(webhook_signature_count(signature) == 2, "X-BPA-Signature: %s", signature);
    ck_assert_int_eq(webhook_call_signed_by(hook, new_secret), 0);
    ck_assert_int_eq(webhook_call_signed_by(hook, old_secret), 1);
    ck_assert_int_eq(webhook_call_signed_by(hook, "a secret that was never issued, at all"), -1);
    ck_assert(timestamp_is_fresh(hook));
    json_t *payload = json_object_get(hook, "payload");
    ck_assert_str_eq(text_of(payload, "type"), "match_approved");
    ck_assert_str_eq(text_of(payload, "event_id"), text_of(hook, "event_id"));
    ck_assert_int_eq(json_integer_value(json_object_get(payload, "seeker_id")), seeker);
    ck_assert_int_eq(json_integer_value(json_object_get(payload, "placement_id")), placement);
    ck_assert_str_eq(text_of(payload, "state"), "approved");
    json_decref(hook);
    free(new_secret);
    free(old_secret);
    free(key);
}
END_TEST

/* The item for delivery `id` in what `token` lists (a new reference), or NULL. */
static json_t *listed_delivery(const char *token, long long id)
{
    struct http_response r = call(token, "GET", "/v1/notifications/deliveries?limit=200", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_t *found = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        if (json_integer_value(json_object_get(item, "id")) == id)
            found = json_incref(item);
    }
    http_response_free(&r);
    return found;
}

/* Sends a test ping for the portal; the notification that records it. */
static long long ping_recorded(const char *portal_key, bool delivered)
{
    struct http_response r = call(portal_key, "POST", "/v1/portal/webhook/test", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert(json_is_boolean(json_object_get(r.json, "delivered")));
    ck_assert(json_is_true(json_object_get(r.json, "delivered")) == delivered);
    long long id = json_integer_value(json_object_get(r.json, "notification_id"));
    http_response_free(&r);
    return id;
}

START_TEST(a_portal_lists_and_retries_its_own_deliveries)
{
    long long portal, other_portal;
    char *key = new_portal("Delivering portal", &portal);
    char *other_key = new_portal("Other delivering portal", &other_portal);
    char *secret = register_webhook(key, delivery_hooks.url);
    /* the other portal's receiver refuses connections: port 1 */
    char *other_secret = register_webhook(other_key, "http://127.0.0.1:1/hook");

    webhook_receiver_fail(&delivery_hooks, true);
    long long dead = ping_recorded(key, false);
    webhook_receiver_fail(&delivery_hooks, false);
    long long theirs = ping_recorded(other_key, false);

    /* the portal sees its own delivery, with what went wrong */
    json_t *item = listed_delivery(key, dead);
    ck_assert_msg(item != NULL, "the portal does not see its delivery %lld", dead);
    ck_assert_str_eq(text_of(item, "channel"), "webhook");
    ck_assert_str_eq(text_of(item, "type"), "ping");
    ck_assert_str_eq(text_of(item, "status"), "dead");
    ck_assert_int_eq(json_integer_value(json_object_get(item, "attempts")), 1);
    ck_assert_ptr_nonnull(strstr(text_of(item, "last_error"), "500"));
    const char *event_id = text_of(item, "event_id");
    ck_assert_ptr_nonnull(event_id);
    char *ping_event = strdup(event_id);
    json_decref(item);
    /* only its own: every item is its webhook's, and not the other portal's */
    struct http_response r = call(key, "GET", "/v1/notifications/deliveries?status=dead", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    size_t i;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        ck_assert_str_eq(text_of(item, "channel"), "webhook");
        ck_assert_int_eq(json_integer_value(json_object_get(item, "recipient_id")), portal);
    }
    http_response_free(&r);
    ck_assert_ptr_null(listed_delivery(key, theirs));
    ck_assert_ptr_null(listed_delivery(other_key, dead));
    item = listed_delivery(coordinator, theirs); /* coordinators see all */
    ck_assert_ptr_nonnull(item);
    json_decref(item);

    /* another portal's delivery cannot be retried, its own can */
    r = call(key, "POST", fmt("/v1/notifications/%lld/retry", theirs), NULL);
    expect_error(&r, 404, "not_found", NULL);
    http_response_free(&r);
    r = call(key, "POST", fmt("/v1/notifications/%lld/retry", dead), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "status"), "pending");
    http_response_free(&r);
    json_t *call_record = webhook_receiver_wait(
        &delivery_hooks,
        (struct webhook_filter){.event_id = ping_event, .answer = WEBHOOK_ACCEPTED}, 10);
    ck_assert_msg(call_record != NULL, "the retried ping never came");
    ck_assert_int_eq(webhook_call_signed_by(call_record, secret), 0);
    json_decref(call_record);
    bool delivered = false;
    for (int tries = 0; tries < 100 && !delivered; tries++) {
        item = listed_delivery(key, dead);
        delivered = item && !strcmp(text_of(item, "status"), "delivered");
        json_decref(item);
        if (!delivered)
            usleep(50000);
    }
    ck_assert_msg(delivered, "the retried delivery is not marked delivered");
    free(ping_event);
    free(other_secret);
    free(secret);
    free(other_key);
    free(key);
}
END_TEST

/* A daemon whose dispatcher runs often, retries at once, gives up after two
 * attempts and may reach this test's receivers on 127.0.0.1. The secret
 * overlap is the default: 24 hours. */
static const char *const daemon_args[] = {"--migrate",
                                          "--webhook-private-addresses",
                                          "--notify-interval-ms",
                                          "100",
                                          "--notify-backoff-seconds",
                                          "0",
                                          "--notify-max-attempts",
                                          "2",
                                          NULL};

static int run_tests(void)
{
    Suite *s = suite_create("portal");
    TCase *retries = tcase_create("retries and answers");
    tcase_set_timeout(retries, 120);
    tcase_add_test(retries, a_replayed_application_returns_the_first_match);
    tcase_add_test(retries, concurrent_retries_of_an_application_make_one_match);
    tcase_add_test(retries, a_replayed_transition_acts_once);
    tcase_add_test(retries, applying_with_what_is_not_yours_is_not_found);
    tcase_add_test(retries, one_refusal_names_every_problem);
    tcase_add_test(retries, seekers_are_found_by_the_portals_own_reference);
    suite_add_tcase(s, retries);
    TCase *webhooks = tcase_create("webhooks");
    tcase_set_timeout(webhooks, 120);
    tcase_add_test(webhooks, the_webhook_registration_is_shown_without_its_secret);
    tcase_add_test(webhooks, a_test_ping_reports_what_the_receiver_answered);
    tcase_add_test(webhooks, a_rotated_secret_signs_with_both_until_the_old_one_ends);
    tcase_add_test(webhooks, a_portal_lists_and_retries_its_own_deliveries);
    suite_add_tcase(s, webhooks);
    return harness_run_suite(s);
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    /* receivers left running on an early return are removed at exit */
    if (!webhook_receiver_start(&ping_hooks) || !webhook_receiver_start(&rotation_hooks) ||
        !webhook_receiver_start(&delivery_hooks))
        return 2;
    harness_db_create(&db);
    int failed = 2;
    if (api_start_with_reference_data(&server, &db, daemon_args)) {
        coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
        employer = api_new_verified_employer(
            &server, coordinator,
            "{\"kvk_number\":\"55555555\",\"name\":\"Leerbedrijf\",\"postcode\":\"2516\"}");
        failed = employer ? run_tests() : 2;
        if (!harness_server_stop_cleanly(&server))
            failed++;
    }
    harness_db_destroy(&db);
    webhook_receiver_stop(&ping_hooks);
    webhook_receiver_stop(&rotation_hooks);
    webhook_receiver_stop(&delivery_hooks);
    free(coordinator);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
