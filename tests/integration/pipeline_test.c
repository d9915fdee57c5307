/* Single reads on the event loops' pipelined connections
 * (server/db/pipeline.c, server/event_loop.c): a GET of a placement or an
 * employer by a caller the daemon remembers is answered there, with the
 * answer a worker gives and the same access decisions, and a dropped
 * connection fails over to the workers without an error reaching anyone. */
#include "harness.h"

#include <check.h>
#include <signal.h>
#include <curl/curl.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server server;
static char *coordinator, *employer_a, *employer_b, *portal;
static long long employer_id, placement_open, placement_draft;

/* A counter from /metrics. */
static unsigned long long metric(const char *name)
{
    struct http_response r;
    http_call(&server, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    const char *line = strstr(r.body, fmt("\n%s ", name));
    ck_assert_msg(line != NULL, "no %s in /metrics", name);
    unsigned long long value = strtoull(line + strlen(name) + 2, NULL, 10);
    http_response_free(&r);
    return value;
}

/* Setting up failed: ends the run, leaving no daemon or cluster. */
static void give_up(const char *why)
{
    fprintf(stderr, "setting up: %s\n", why);
    harness_server_stop(&server, SIGTERM);
    harness_db_destroy(&db);
    exit(2);
}

static long long create(const char *path, const char *body)
{
    struct http_response r = http_call_as(&server, coordinator, "POST", path, body);
    if (r.status != 201)
        give_up(fmt("POST %s: %ld %s", path, r.status, r.body));
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static long status_of(const char *token, const char *path)
{
    struct http_response r = http_call_as(&server, token, "GET", path, NULL);
    long status = r.status;
    http_response_free(&r);
    return status;
}

START_TEST(a_remembered_callers_get_is_pipelined_and_answered_as_a_worker_answers)
{
    const char *paths[] = {fmt("/v1/placements/%lld", placement_open),
                           fmt("/v1/employers/%lld", employer_id)};
    for (int i = 0; i < 2; i++) {
        char *session =
            harness_login_new_account(&server, db.url, fmt("reader-%d@example.org", i), NULL);
        /* the first request asks the database who this is (a worker) ... */
        struct http_response by_worker = http_call_as(&server, session, "GET", paths[i], NULL);
        unsigned long long before = metric("bpa_db_pipeline_reads_total");
        /* ... the second is remembered: the pipeline */
        struct http_response piped = http_call_as(&server, session, "GET", paths[i], NULL);
        ck_assert_uint_ge(metric("bpa_db_pipeline_reads_total"), before + 1);
        ck_assert_int_eq(by_worker.status, 200);
        ck_assert_int_eq(piped.status, 200);
        ck_assert_str_eq(by_worker.body, piped.body);
        char etag_worker[32], etag_piped[32];
        ck_assert(http_header(&by_worker, "ETag", etag_worker, sizeof etag_worker));
        ck_assert(http_header(&piped, "ETag", etag_piped, sizeof etag_piped));
        ck_assert_str_eq(etag_worker, etag_piped);
        http_response_free(&by_worker);
        http_response_free(&piped);
        free(session);
    }
}
END_TEST

START_TEST(the_pipeline_decides_access_as_the_workers_do)
{
    const struct {
        char **token;
        const char *path;
        long status;
    } cases[] = {
        {&employer_a, fmt("/v1/placements/%lld", placement_open), 200},
        {&employer_a, fmt("/v1/placements/%lld", placement_draft), 200},
        {&employer_a, fmt("/v1/employers/%lld", employer_id), 200},
        {&employer_b, fmt("/v1/placements/%lld", placement_open), 404},
        {&employer_b, fmt("/v1/placements/%lld", placement_draft), 404},
        {&employer_b, fmt("/v1/employers/%lld", employer_id), 404},
        {&portal, fmt("/v1/placements/%lld", placement_open), 200},
        {&portal, fmt("/v1/placements/%lld", placement_draft), 404},
        {&portal, fmt("/v1/employers/%lld", employer_id), 403},
        {&coordinator, "/v1/placements/999999", 404},
        {&coordinator, "/v1/employers/999999", 404},
        {&coordinator, "/v1/placements/0x1", 404},
    };
    unsigned long long before = metric("bpa_db_pipeline_reads_total");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int round = 0; round < 2; round++) /* the first may be a worker's */
            ck_assert_msg(status_of(*cases[i].token, cases[i].path) == cases[i].status,
                          "case %zu round %d: %s", i, round, cases[i].path);
    /* every remembered caller's read that reached the database was piped */
    ck_assert_uint_ge(metric("bpa_db_pipeline_reads_total"), before + 8);
}
END_TEST

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

START_TEST(a_dropped_pipeline_connection_fails_over_to_the_workers)
{
    const char *path = fmt("/v1/placements/%lld", placement_open);
    ck_assert_int_eq(status_of(coordinator, path), 200);
    /* Every connection of the daemon ends, the pipeline's among them. */
    ck_assert_int_eq(harness_db_sql(&db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                         " WHERE application_name = 'bpa-server'"),
                     0);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(status_of(coordinator, path), 200);
    /* The pipeline connects again by itself and serves reads again; every
     * answer meanwhile is a 200. */
    double start = now_s();
    unsigned long long reads = metric("bpa_db_pipeline_reads_total");
    for (;;) {
        ck_assert_int_eq(status_of(coordinator, path), 200);
        if (metric("bpa_db_pipeline_reads_total") > reads)
            break;
        ck_assert_msg(now_s() - start < 5, "the pipeline did not come back in 5 s");
        usleep(20000);
    }
    char *log = harness_server_log(&server);
    ck_assert_ptr_nonnull(strstr(log, "\"event\":\"db_pipeline_dropped\"")); /* it did drop */
    ck_assert_ptr_null(strstr(log, "\"status\":5"));
    free(log);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const extra[] = {
        "--migrate", "--password-opslimit", "1", "--password-memlimit-kib", "8192", NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_db_destroy(&db);
        return 2;
    }
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        give_up("loading the reference data failed");
    coordinator = harness_login_new_account(&server, db.url, "coordinator@example.org", NULL);
    employer_id = create("/v1/employers",
                         "{\"kvk_number\":\"41000001\",\"name\":\"Piped\",\"postcode\":\"2516\"}");
    long long other = create(
        "/v1/employers", "{\"kvk_number\":\"41000002\",\"name\":\"Other\",\"postcode\":\"2516\"}");
#define PLACEMENT                                                                                  \
    "{\"employer_id\":%lld,\"title\":\"Stage\",\"postcode\":\"2516\",\"schedule\":"                \
    "[{\"day\":\"tue\",\"from\":\"09:00\",\"to\":\"17:00\"}],\"hours_per_week\":8,"                \
    "\"start_date\":\"2027-03-01\",\"end_date\":\"2027-05-01\",\"capacity\":1}"
    placement_open = create("/v1/placements", fmt(PLACEMENT, employer_id));
    placement_draft = create("/v1/placements", fmt(PLACEMENT, employer_id));
    if (harness_db_sql(&db, fmt("UPDATE employers SET verified = true; UPDATE placements SET "
                                "status = 'open' WHERE id = %lld",
                                placement_open)) != 0)
        give_up("opening the placement failed");
    employer_a =
        harness_login_new_account(&server, db.url, "a@example.org", fmt("%lld", employer_id));
    employer_b = harness_login_new_account(&server, db.url, "b@example.org", fmt("%lld", other));
    long long portal_id;
    portal = harness_new_portal(db.url, "Piped portal", &portal_id);

    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("single reads");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_remembered_callers_get_is_pipelined_and_answered_as_a_worker_answers);
    tcase_add_test(tc, the_pipeline_decides_access_as_the_workers_do);
    tcase_add_test(tc, a_dropped_pipeline_connection_fails_over_to_the_workers);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&server))
        failed++;
    free(coordinator);
    free(employer_a);
    free(employer_b);
    free(portal);
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
