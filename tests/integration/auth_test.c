/* Credentials over their life: sessions that end when idle, at their
 * lifetime and at logout; portal keys rotated, revoked and disabled;
 * passwords rehashed when the limits change; throttled logins; and no
 * password, token or key in any log line or response. */
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

static struct harness_db db;
static struct harness_server server;
static const char *const password = "a password of some length";

static long status_as(const char *token, const char *method, const char *path)
{
    char bearer[128];
    const char *headers[] = {harness_bearer(token, bearer, sizeof bearer), NULL};
    struct http_response r;
    http_call(&server, method, path, headers, NULL, &r);
    long status = r.status;
    http_response_free(&r);
    return status;
}

static struct http_response login(const char *email, const char *secret)
{
    char body[256];
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, secret);
    const char *headers[] = {"Content-Type: application/json", NULL};
    struct http_response r;
    http_call(&server, "POST", "/v1/auth/login", headers, body, &r);
    return r;
}

START_TEST(sessions_end_when_idle_at_their_lifetime_and_at_logout)
{
    char *token = harness_login_new_account(&server, db.url, "idle@example.org", NULL);
    ck_assert_int_eq(status_as(token, "GET", "/v1/auth/me"), 200);
    sleep(3); /* idle timeout: 2 s */
    ck_assert_int_eq(status_as(token, "GET", "/v1/auth/me"), 401);
    free(token);

    struct http_response r = login("idle@example.org", password);
    token = strdup(json_string_value(json_object_get(r.json, "token")));
    http_response_free(&r);
    for (int i = 0; i < 4; i++) { /* kept busy, yet the lifetime (5 s) ends it */
        ck_assert_int_eq(status_as(token, "GET", "/v1/auth/me"), 200);
        sleep(1);
    }
    sleep(2);
    ck_assert_int_eq(status_as(token, "GET", "/v1/auth/me"), 401);
    free(token);

    r = login("idle@example.org", password);
    token = strdup(json_string_value(json_object_get(r.json, "token")));
    http_response_free(&r);
    ck_assert_int_eq(status_as(token, "POST", "/v1/auth/logout"), 204);
    ck_assert_int_eq(status_as(token, "GET", "/v1/auth/me"), 401);
    ck_assert_int_eq(status_as(token, "POST", "/v1/auth/logout"), 401);
    free(token);
}
END_TEST

static json_t *command(const char *const *args)
{
    char *out;
    int status = harness_run_command(args, &out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %s", args[0], out);
    const char *start = strpbrk(out, "[{");
    while (start && strncmp(start, "{\"time\"", 7) == 0) /* skip log lines */
        start = strpbrk(strchr(start, '\n'), "[{");
    json_t *printed = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    ck_assert_msg(printed != NULL, "%s printed no JSON: %s", args[0], out);
    free(out);
    return printed;
}

START_TEST(portal_keys_rotate_revoke_and_stop_with_their_portal)
{
    long long portal;
    char *first = harness_new_portal(db.url, "Rotating portal", &portal);
    char id[24];
    snprintf(id, sizeof id, "%lld", portal);
    const char *create[] = {"create-key", id, "--database-url", db.url, NULL};
    json_t *second_key = command(create);
    const char *second = json_string_value(json_object_get(second_key, "api_key"));
    ck_assert_int_eq(status_as(first, "GET", "/v1/seekers"), 200);
    ck_assert_int_eq(status_as(second, "GET", "/v1/seekers"), 200);

    const char *list[] = {"list-keys", id, "--database-url", db.url, NULL};
    json_t *keys = command(list);
    ck_assert_uint_eq(json_array_size(keys), 2);
    char *listing = json_dumps(keys, 0);
    ck_assert_ptr_null(strstr(listing, "bpa_k_"));
    free(listing);
    char first_id[24];
    snprintf(first_id, sizeof first_id, "%lld",
             (long long)json_integer_value(json_object_get(json_array_get(keys, 0), "key_id")));
    json_decref(keys);

    const char *revoke[] = {"revoke-key", first_id, "--database-url", db.url, NULL};
    json_decref(command(revoke));
    ck_assert_int_eq(status_as(first, "GET", "/v1/seekers"), 401);
    ck_assert_int_eq(status_as(second, "GET", "/v1/seekers"), 200);

    const char *disable[] = {"disable-portal", id, "--database-url", db.url, NULL};
    json_decref(command(disable));
    ck_assert_int_eq(status_as(second, "GET", "/v1/seekers"), 401);
    json_decref(second_key);
    free(first);
}
END_TEST

START_TEST(passwords_are_rehashed_when_the_limits_change)
{
    /* made with lighter limits than the server's */
    const char *args[] = {"create-coordinator",
                          "rehash@example.org",
                          "--database-url",
                          db.url,
                          "--password-opslimit",
                          "1",
                          "--password-memlimit-kib",
                          "8192",
                          NULL};
    char *out;
    int status = harness_run_command_input(args, "a password of some length\n", &out);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(out);
    char hash[256];
    ck_assert(harness_db_value(
        &db, "SELECT password_hash FROM accounts WHERE email = 'rehash@example.org'", hash,
        sizeof hash));
    ck_assert_ptr_nonnull(strstr(hash, ",t=1,"));
    struct http_response r = login("rehash@example.org", password);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert(harness_db_value(
        &db, "SELECT password_hash FROM accounts WHERE email = 'rehash@example.org'", hash,
        sizeof hash));
    ck_assert_ptr_nonnull(strstr(hash, ",t=2,"));
    r = login("rehash@example.org", password); /* and it still works */
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);

    /* too short a password is refused by the command line */
    const char *weak[] = {"create-coordinator", "weak@example.org", "--database-url", db.url, NULL};
    status = harness_run_command_input(weak, "short\n", &out);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    ck_assert_ptr_nonnull(strstr(out, "at least 12 characters"));
    free(out);
}
END_TEST

START_TEST(failed_logins_are_throttled_and_unknown_accounts_look_the_same)
{
    free(harness_login_new_account(&server, db.url, "throttle@example.org", NULL));
    struct http_response wrong = login("throttle@example.org", "not the password");
    struct http_response unknown = login("nobody-here@example.org", "not the password");
    ck_assert_int_eq(wrong.status, 401);
    ck_assert_int_eq(unknown.status, 401);
    ck_assert_str_eq(http_error_code(&wrong), "invalid_credentials");
    ck_assert_str_eq(http_error_code(&unknown), "invalid_credentials");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(wrong.json, "error"), "message")),
        json_string_value(json_object_get(json_object_get(unknown.json, "error"), "message")));
    http_response_free(&wrong);
    http_response_free(&unknown);
    for (int i = 0; i < 2; i++) { /* 3 failures allowed per account */
        struct http_response r = login("throttle@example.org", "not the password");
        ck_assert_int_eq(r.status, 401);
        http_response_free(&r);
    }
    struct http_response r = login("throttle@example.org", password); /* even the right one */
    ck_assert_int_eq(r.status, 429);
    ck_assert_str_eq(http_error_code(&r), "too_many_attempts");
    char retry[16];
    ck_assert(http_header(&r, "Retry-After", retry, sizeof retry));
    ck_assert_int_gt(atoi(retry), 0);
    ck_assert_int_le(atoi(retry), 900);
    http_response_free(&r);
    /* another account from the same address is not held up yet */
    r = login("nobody-else@example.org", "not the password");
    ck_assert_int_eq(r.status, 401);
    http_response_free(&r);
}
END_TEST

START_TEST(no_secret_reaches_a_log_line_or_a_response)
{
    char *token = harness_login_new_account(&server, db.url, "secret@example.org", NULL);
    long long portal;
    char *key = harness_new_portal(db.url, "Secretive portal", &portal);
    ck_assert_int_eq(status_as(token, "GET", "/v1/employers"), 200);
    ck_assert_int_eq(status_as(key, "GET", "/v1/placements"), 200);
    struct http_response r = login("secret@example.org", "a wrong password!!");
    ck_assert_ptr_null(strstr(r.body, "wrong password"));
    http_response_free(&r);
    r = login("secret@example.org", password);
    ck_assert_ptr_null(strstr(r.body, password));
    http_response_free(&r);
    char *log = harness_server_log(&server);
    ck_assert_ptr_null(strstr(log, token + 6));
    ck_assert_ptr_null(strstr(log, key + 6));
    ck_assert_ptr_null(strstr(log, password));
    ck_assert_ptr_null(strstr(log, "a wrong password"));
    ck_assert_ptr_null(strstr(log, "Bearer"));
    /* but it says who called, by role and id */
    ck_assert_ptr_nonnull(strstr(log, "\"principal\":\"coordinator:"));
    ck_assert_ptr_nonnull(strstr(log, "\"principal\":\"portal:"));
    free(log);
    char stored[256];
    ck_assert(harness_db_value(
        &db, "SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%bpa_s_%'",
        stored, sizeof stored));
    ck_assert_str_eq(stored, "0");
    free(token);
    free(key);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const extra[] = {
        "--migrate", "--session-idle-seconds",  "2",    "--session-lifetime-seconds",
        "5",         "--login-max-failures",    "3",    "--password-opslimit",
        "2",         "--password-memlimit-kib", "8192", NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status))
        return 2;
    Suite *s = suite_create("credentials");
    TCase *tc = tcase_create("life");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sessions_end_when_idle_at_their_lifetime_and_at_logout);
    tcase_add_test(tc, portal_keys_rotate_revoke_and_stop_with_their_portal);
    tcase_add_test(tc, passwords_are_rehashed_when_the_limits_change);
    tcase_add_test(tc, failed_logins_are_throttled_and_unknown_accounts_look_the_same);
    tcase_add_test(tc, no_secret_reaches_a_log_line_or_a_response);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    int stopped = harness_server_stop(&server, SIGTERM);
    if (!WIFEXITED(stopped) || WEXITSTATUS(stopped) != 0)
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
