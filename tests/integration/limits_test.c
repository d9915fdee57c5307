/* Request budgets per credential (server/rate_limit.h) over real HTTP: two
 * daemons on one database share one budget per session, a spent budget is
 * a 429 with Retry-After and RateLimit-* headers, and a coordinator sets a
 * portal's own budget. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUDGET 30

static struct harness_db db;
static struct harness_server first, second;

/* Budgets run per calendar minute: start a test early in one, so that the
 * minute does not turn (and the counts start afresh) half-way. */
static void start_early_in_a_minute(void)
{
    time_t now = time(NULL);
    if (now % 60 > 40)
        sleep((unsigned)(61 - now % 60));
}

static long get(const struct harness_server *server, const char *credential, const char *path,
                struct http_response *out)
{
    *out = http_call_as(server, credential, "GET", path, NULL);
    return out->status;
}

static long header_number(const struct http_response *r, const char *name)
{
    char value[32];
    ck_assert_msg(http_header(r, name, value, sizeof value), "no %s header", name);
    return strtol(value, NULL, 10);
}

/* Requests until the first 429: how many were allowed. */
static int allowed_until_refused(const struct harness_server *server, const char *credential,
                                 const char *path, int at_most)
{
    for (int allowed = 0; allowed <= at_most; allowed++) {
        struct http_response r;
        long status = get(server, credential, path, &r);
        if (status == 429) {
            ck_assert_str_eq(http_error_code(&r), "rate_limited");
            long retry = header_number(&r, "Retry-After");
            ck_assert_msg(retry >= 1 && retry <= 60, "Retry-After %ld", retry);
            ck_assert_int_eq(header_number(&r, "RateLimit-Remaining"), 0);
            http_response_free(&r);
            return allowed;
        }
        ck_assert_msg(status == 200, "status %ld", status);
        http_response_free(&r);
    }
    ck_abort_msg("never refused");
    return -1;
}

START_TEST(two_daemons_share_one_budget_per_session)
{
    start_early_in_a_minute();
    char *token = harness_login_new_account(&first, db.url, "busy@example.org", NULL);
    for (int i = 0; i < 20; i++) {
        struct http_response r;
        ck_assert_int_eq(get(&first, token, "/v1/auth/me", &r), 200);
        ck_assert_int_eq(header_number(&r, "RateLimit-Limit"), BUDGET);
        ck_assert_int_eq(header_number(&r, "RateLimit-Remaining"), BUDGET - 1 - i);
        http_response_free(&r);
    }
    struct http_response r;
    ck_assert_int_eq(get(&second, token, "/v1/auth/me", &r), 200);
    http_response_free(&r);
    sleep(2); /* both daemons have shared their counts */
    int more = allowed_until_refused(&second, token, "/v1/auth/me", BUDGET);
    ck_assert_msg(more == BUDGET - 21, "%d more allowed after 21 of %d", more, BUDGET);
    /* and the first daemon, having heard, refuses too */
    sleep(2);
    ck_assert_int_eq(get(&first, token, "/v1/auth/me", &r), 429);
    http_response_free(&r);
    free(token);
}
END_TEST

START_TEST(a_coordinator_sets_a_portals_own_budget)
{
    start_early_in_a_minute();
    char *coordinator = harness_login_new_account(&first, db.url, "sets@example.org", NULL);
    long long portal = 0;
    char *key = harness_new_portal(db.url, "Small portal", &portal);
    const char *path = fmt("/v1/portals/%lld/rate-limit", portal);

    struct http_response r =
        http_call_as(&first, coordinator, "PUT", path, "{\"requests_per_minute\":5}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "requests_per_minute")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "default_per_minute")), BUDGET);
    http_response_free(&r);
    ck_assert_int_eq(allowed_until_refused(&second, key, "/v1/seekers", BUDGET), 5);

    /* back to the default: the five spent still count */
    r = http_call_as(&first, coordinator, "PUT", path, "{\"requests_per_minute\":null}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_null(json_object_get(r.json, "requests_per_minute")));
    http_response_free(&r);
    usleep(200 * 1000); /* the change is announced to the other daemon */
    ck_assert_int_eq(get(&second, key, "/v1/seekers", &r), 200);
    ck_assert_int_eq(header_number(&r, "RateLimit-Limit"), BUDGET);
    http_response_free(&r);

    /* bad input, unknown portal, wrong role */
    r = http_call_as(&first, coordinator, "PUT", path, "{\"requests_per_minute\":0}");
    ck_assert_int_eq(r.status, 422);
    http_response_free(&r);
    r = http_call_as(&first, coordinator, "PUT", path, "{}");
    ck_assert_int_eq(r.status, 422);
    http_response_free(&r);
    r = http_call_as(&first, coordinator, "PUT", "/v1/portals/999999/rate-limit",
                     "{\"requests_per_minute\":5}");
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = http_call_as(&first, key, "PUT", path, "{\"requests_per_minute\":1000}");
    ck_assert_int_eq(r.status, 403);
    http_response_free(&r);
    char audited[8];
    ck_assert(harness_db_value(&db,
                               "SELECT count(*) FROM audit_log WHERE action = 'portal_rate_limit'",
                               audited, sizeof audited));
    ck_assert_str_eq(audited, "2");
    free(key);
    free(coordinator);
}
END_TEST

START_TEST(routes_without_a_credential_have_no_budget)
{
    struct http_response r;
    ck_assert_int_eq(get(&first, NULL, "/healthz", &r), 200);
    char value[16];
    ck_assert(!http_header(&r, "RateLimit-Limit", value, sizeof value));
    http_response_free(&r);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    char budget[16];
    snprintf(budget, sizeof budget, "%d", BUDGET);
    const char *const migrate[] = {"--migrate", "--rate-limit", budget, NULL};
    const char *const plain[] = {"--rate-limit", budget, NULL};
    int status = 0;
    if (!harness_server_start(&first, db.url, migrate, &status) ||
        !harness_server_start(&second, db.url, plain, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_db_destroy(&db);
        return 2;
    }

    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("budgets");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, two_daemons_share_one_budget_per_session);
    tcase_add_test(tc, a_coordinator_sets_a_portals_own_budget);
    tcase_add_test(tc, routes_without_a_credential_have_no_budget);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&first) || !harness_server_stop_cleanly(&second))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
