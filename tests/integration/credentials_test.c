/* Credentials are remembered by each daemon (server/credential_cache.h);
 * ending one must still take effect at once on every daemon. Two daemons
 * on one database: a credential used on both (so both remember it) is
 * ended through one daemon or the operator's command line, and the other
 * daemon refuses it. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server first, second;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long status_of(const struct harness_server *server, const char *credential, const char *path)
{
    struct http_response r = http_call_as(server, credential, "GET", path, NULL);
    long status = r.status;
    http_response_free(&r);
    return status;
}

/* Seconds until `server` refuses `credential` (401), asking every 2 ms;
 * fails the test after 5 s. The change is announced at its commit, so the
 * refusal should follow within milliseconds. */
static double seconds_until_refused(const struct harness_server *server, const char *credential,
                                    const char *path)
{
    double start = now_s();
    while (status_of(server, credential, path) != 401) {
        ck_assert_msg(now_s() - start < 5, "%s still accepted 5 s after it ended", path);
        usleep(2000);
    }
    return now_s() - start;
}

START_TEST(logout_on_one_daemon_ends_the_session_on_the_other)
{
    char *token = harness_login_new_account(&first, db.url, "leaving@example.org", NULL);
    /* An employer's document: a GET of it by a remembered caller is answered
     * on the event loop's pipelined connection, without a worker. */
    struct http_response r = http_call_as(&first, token, "POST", "/v1/employers",
                                          "{\"kvk_number\":\"42000001\",\"name\":\"Leaving\","
                                          "\"postcode\":\"2516\",\"lat\":52.07,\"lon\":4.33}");
    ck_assert_int_eq(r.status, 201);
    const char *employer =
        fmt("/v1/employers/%lld", json_integer_value(json_object_get(r.json, "id")));
    http_response_free(&r);
    /* remembered by both */
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(status_of(&first, token, "/v1/auth/me"), 200);
        ck_assert_int_eq(status_of(&second, token, "/v1/auth/me"), 200);
        ck_assert_int_eq(status_of(&second, token, employer), 200);
    }
    r = http_call_as(&first, token, "POST", "/v1/auth/logout", NULL);
    ck_assert_int_eq(r.status, 204);
    http_response_free(&r);
    /* the daemon that logged out forgets at once, from its own commit */
    ck_assert_int_eq(status_of(&first, token, "/v1/auth/me"), 401);
    ck_assert_int_eq(status_of(&first, token, employer), 401);
    double lag = seconds_until_refused(&second, token, employer);
    ck_assert_int_eq(status_of(&second, token, "/v1/auth/me"), 401);
    printf("credentials: the other daemon refused a logged-out session after %.1f ms\n",
           lag * 1000);
    free(token);
}
END_TEST

START_TEST(revoking_a_key_or_disabling_a_portal_from_the_command_line_takes_effect_at_once)
{
    long long portal = 0;
    char *key = harness_new_portal(db.url, "Revoked portal", &portal);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(status_of(&first, key, "/v1/seekers"), 200);
        ck_assert_int_eq(status_of(&second, key, "/v1/seekers"), 200);
    }
    char key_id[24];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT max(id) FROM api_keys WHERE portal_id = %lld", portal),
                               key_id, sizeof key_id));
    char *output = NULL;
    const char *const revoke[] = {"revoke-key", key_id, "--database-url", db.url, NULL};
    ck_assert_int_eq(harness_run_command(revoke, &output), 0);
    free(output);
    double lag_first = seconds_until_refused(&first, key, "/v1/seekers");
    double lag_second = seconds_until_refused(&second, key, "/v1/seekers");
    printf("credentials: a key revoked from the command line was refused after %.1f ms and "
           "%.1f ms\n",
           lag_first * 1000, lag_second * 1000);
    free(key);

    /* a second portal: its key works on both, then the portal is disabled */
    key = harness_new_portal(db.url, "Disabled portal", &portal);
    ck_assert_int_eq(status_of(&first, key, "/v1/seekers"), 200);
    ck_assert_int_eq(status_of(&second, key, "/v1/seekers"), 200);
    const char *const disable[] = {"disable-portal", fmt("%lld", portal), "--database-url", db.url,
                                   NULL};
    ck_assert_int_eq(harness_run_command(disable, &output), 0);
    free(output);
    seconds_until_refused(&first, key, "/v1/seekers");
    seconds_until_refused(&second, key, "/v1/seekers");
    free(key);
}
END_TEST

START_TEST(a_disabled_account_is_refused_everywhere)
{
    char *token = harness_login_new_account(&first, db.url, "disabled@example.org", NULL);
    ck_assert_int_eq(status_of(&first, token, "/v1/auth/me"), 200);
    ck_assert_int_eq(status_of(&second, token, "/v1/auth/me"), 200);
    ck_assert_int_eq(
        harness_db_sql(&db,
                       "UPDATE accounts SET disabled = true WHERE email = 'disabled@example.org'"),
        0);
    seconds_until_refused(&first, token, "/v1/auth/me");
    seconds_until_refused(&second, token, "/v1/auth/me");
    free(token);
}
END_TEST

/* The proof that the daemons do remember, and that the announcement is
 * what makes them forget: with the trigger off, a revoked session keeps
 * working on a daemon that remembered it, until the ttl. */
START_TEST(without_the_announcement_a_remembered_session_would_outlive_its_revocation)
{
    char *token = harness_login_new_account(&first, db.url, "silent@example.org", NULL);
    ck_assert_int_eq(status_of(&second, token, "/v1/auth/me"), 200);
    ck_assert_int_eq(harness_db_sql(&db, "ALTER TABLE sessions DISABLE TRIGGER sessions_ended;"
                                         "UPDATE sessions SET revoked_at = now() WHERE account_id ="
                                         " (SELECT id FROM accounts WHERE email = "
                                         "'silent@example.org');"
                                         "ALTER TABLE sessions ENABLE TRIGGER sessions_ended"),
                     0);
    ck_assert_int_eq(status_of(&second, token, "/v1/auth/me"), 200);
    /* any announcement makes every daemon forget */
    ck_assert_int_eq(harness_db_sql(&db, "NOTIFY bpa_credentials"), 0);
    seconds_until_refused(&second, token, "/v1/auth/me");
    free(token);
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
        !harness_server_start(&second, db.url, NULL, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_db_destroy(&db);
        return 2;
    }

    Suite *s = suite_create("credentials");
    TCase *tc = tcase_create("revocation");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, logout_on_one_daemon_ends_the_session_on_the_other);
    tcase_add_test(tc,
                   revoking_a_key_or_disabling_a_portal_from_the_command_line_takes_effect_at_once);
    tcase_add_test(tc, a_disabled_account_is_refused_everywhere);
    tcase_add_test(tc, without_the_announcement_a_remembered_session_would_outlive_its_revocation);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&first) || !harness_server_stop_cleanly(&second))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
