/* The console as the daemon serves it: the page and its assets (CSP, cache
 * lifetimes), the session cookie a console login sets (flags, no token in
 * the body), and the CSRF check on changes that cookie authenticates. The
 * browser side is tested in tests/browser/. */
#include "harness.h"

#include <check.h>
#include <signal.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct harness_db db;
static struct harness_server server, behind_proxy, with_origin;
static const char *password = "a password of some length"; /* the harness's */

static const char *origin_of(const struct harness_server *s)
{
    return fmt("Origin: http://127.0.0.1:%d", s->port);
}

/* Logs in as the console does; the Set-Cookie line in *cookie_line and the
 * cookie ("bpa_session=...") in *cookie. */
static long console_login(const struct harness_server *s, const char *origin, char *cookie_line,
                          size_t line_size, char *cookie, size_t cookie_size)
{
    const char *headers[] = {"Content-Type: application/json", "X-BPA-Console: 1", origin, NULL};
    struct http_response r;
    http_call(s, "POST", "/v1/auth/login", headers,
              fmt("{\"email\":\"console@example.org\",\"password\":\"%s\"}", password), &r);
    long status = r.status;
    cookie_line[0] = cookie[0] = '\0';
    if (status == 200) {
        ck_assert_ptr_null(json_object_get(r.json, "token"));
        ck_assert_ptr_null(strstr(r.body, "bpa_s_"));
        ck_assert_str_eq(json_string_value(json_object_get(r.json, "token_type")), "cookie");
        ck_assert(http_header(&r, "Set-Cookie", cookie_line, line_size));
        snprintf(cookie, cookie_size, "%.*s", (int)strcspn(cookie_line, ";"), cookie_line);
    } else {
        ck_assert_str_eq(http_error_code(&r), "csrf_refused");
    }
    http_response_free(&r);
    return status;
}

START_TEST(the_page_and_its_assets_are_served_with_a_strict_policy)
{
    struct http_response r;
    char value[512];
    http_call(&server, "GET", "/", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(http_header(&r, "Content-Type", value, sizeof value));
    ck_assert_str_eq(value, "text/html; charset=utf-8");
    ck_assert(http_header(&r, "Content-Security-Policy", value, sizeof value));
    ck_assert_ptr_nonnull(strstr(value, "default-src 'self'"));
    ck_assert_ptr_nonnull(strstr(value, "frame-ancestors 'none'"));
    ck_assert_ptr_null(strstr(value, "unsafe-inline"));
    ck_assert_ptr_null(strstr(value, "unsafe-eval"));
    ck_assert(http_header(&r, "Cache-Control", value, sizeof value));
    ck_assert_str_eq(value, "no-store");
    /* the page names its script under the build's folder */
    const char *script = strstr(r.body, "src=\"/assets/");
    ck_assert_ptr_nonnull(script);
    char path[128];
    snprintf(path, sizeof path, "%.*s", (int)strcspn(script + 5, "\""), script + 5);
    ck_assert_ptr_null(strstr(r.body, "<style"));
    ck_assert_ptr_null(strstr(r.body, " style="));
    http_response_free(&r);

    http_call(&server, "GET", path, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(http_header(&r, "Cache-Control", value, sizeof value));
    ck_assert_str_eq(value, "public, max-age=31536000, immutable");
    ck_assert(http_header(&r, "Content-Type", value, sizeof value));
    ck_assert_str_eq(value, "text/javascript; charset=utf-8");
    ck_assert_ptr_null(strstr(r.body, "innerHTML"));
    http_response_free(&r);

    /* another build, or a file that is not there */
    http_call(&server, "GET", "/assets/000000000000/app.js", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    char missing[128];
    snprintf(missing, sizeof missing, "%.*s/no-such.js", (int)(strrchr(path, '/') - path), path);
    http_call(&server, "GET", missing, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
}
END_TEST

START_TEST(a_console_login_sets_an_http_only_strict_cookie_and_no_token)
{
    char line[256], cookie[128];
    ck_assert_int_eq(
        console_login(&server, origin_of(&server), line, sizeof line, cookie, sizeof cookie), 200);
    ck_assert_ptr_nonnull(strstr(line, "; HttpOnly"));
    ck_assert_ptr_nonnull(strstr(line, "; SameSite=Strict"));
    ck_assert_ptr_nonnull(strstr(line, "; Path=/"));
    ck_assert_ptr_null(strstr(line, "Secure")); /* plain HTTP, no proxy */
    const char *headers[] = {fmt("Cookie: %s", cookie), NULL};
    struct http_response r;
    http_call(&server, "GET", "/v1/auth/me", headers, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "coordinator");
    http_response_free(&r);

    /* behind a trusted proxy that says the client used TLS: Secure */
    const char *proxied[] = {"Content-Type: application/json",
                             "X-BPA-Console: 1",
                             "X-Forwarded-Proto: https",
                             "X-Forwarded-For: 203.0.113.7",
                             fmt("Origin: https://127.0.0.1:%d", behind_proxy.port),
                             NULL};
    http_call(&behind_proxy, "POST", "/v1/auth/login", proxied,
              fmt("{\"email\":\"console@example.org\",\"password\":\"%s\"}", password), &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(http_header(&r, "Set-Cookie", line, sizeof line));
    ck_assert_ptr_nonnull(strstr(line, "; Secure"));
    http_response_free(&r);

    /* a login another site started sets no cookie */
    ck_assert_int_eq(console_login(&server, "Origin: http://evil.example", line, sizeof line,
                                   cookie, sizeof cookie),
                     403);
    const char *no_origin[] = {"Content-Type: application/json", "X-BPA-Console: 1", NULL};
    http_call(&server, "POST", "/v1/auth/login", no_origin,
              fmt("{\"email\":\"console@example.org\",\"password\":\"%s\"}", password), &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(http_error_code(&r), "csrf_refused");
    http_response_free(&r);
}
END_TEST

START_TEST(changes_by_cookie_must_come_from_the_console)
{
    char line[256], cookie[128];
    ck_assert_int_eq(
        console_login(&server, origin_of(&server), line, sizeof line, cookie, sizeof cookie), 200);
    const char *body = "{\"kvk_number\":\"43000001\",\"name\":\"Cookie BV\",\"postcode\":\"2516\","
                       "\"lat\":52.07,\"lon\":4.33}";
    const char *cookie_header = fmt("Cookie: %s", cookie);
    struct {
        const char *origin, *marker;
    } refused[] = {
        {"Origin: http://evil.example", "X-BPA-Console: 1"}, /* a cross-site page */
        {origin_of(&server), NULL},                          /* a form post: no header */
        {NULL, "X-BPA-Console: 1"},                          /* no origin at all */
        {fmt("Origin: https://127.0.0.1:%d", server.port), "X-BPA-Console: 1"}, /* scheme */
    };
    struct http_response r;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *headers[5] = {"Content-Type: application/json", cookie_header};
        size_t n = 2;
        if (refused[i].origin)
            headers[n++] = refused[i].origin;
        if (refused[i].marker)
            headers[n++] = refused[i].marker;
        headers[n] = NULL;
        http_call(&server, "POST", "/v1/employers", headers, body, &r);
        ck_assert_msg(r.status == 403, "case %zu: %ld %s", i, r.status, r.body);
        ck_assert_str_eq(http_error_code(&r), "csrf_refused");
        http_response_free(&r);
    }
    char count[16];
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM employers WHERE kvk_number = '43000001'",
                               count, sizeof count));
    ck_assert_str_eq(count, "0");

    /* reads need no check; the console's own change passes */
    const char *read[] = {cookie_header, "Origin: http://evil.example", NULL};
    http_call(&server, "GET", "/v1/employers", read, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    const char *mine[] = {"Content-Type: application/json", cookie_header, origin_of(&server),
                          "X-BPA-Console: 1", NULL};
    http_call(&server, "POST", "/v1/employers", mine, body, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    http_response_free(&r);

    /* bearer tokens are not affected: no origin, no header */
    const char *login_headers[] = {"Content-Type: application/json", NULL};
    http_call(&server, "POST", "/v1/auth/login", login_headers,
              fmt("{\"email\":\"console@example.org\",\"password\":\"%s\"}", password), &r);
    char *token = strdup(json_string_value(json_object_get(r.json, "token")));
    http_response_free(&r);
    r = http_call_as(&server, token, "POST", "/v1/employers",
                     "{\"kvk_number\":\"43000002\",\"name\":\"Bearer BV\",\"postcode\":\"2516\","
                     "\"lat\":52.07,\"lon\":4.33}");
    ck_assert_int_eq(r.status, 201);
    http_response_free(&r);
    free(token);

    /* logging out from the console ends the cookie too */
    http_call(&server, "POST", "/v1/auth/logout", mine, NULL, &r);
    ck_assert_int_eq(r.status, 204);
    ck_assert(http_header(&r, "Set-Cookie", line, sizeof line));
    ck_assert_ptr_nonnull(strstr(line, "bpa_session=;"));
    ck_assert_ptr_nonnull(strstr(line, "Max-Age=0"));
    http_response_free(&r);
    const char *after[] = {cookie_header, NULL};
    http_call(&server, "GET", "/v1/auth/me", after, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    http_response_free(&r);
}
END_TEST

START_TEST(a_configured_public_origin_is_the_only_one)
{
    char line[256], cookie[128];
    /* the Host-derived origin is not enough once one is configured */
    ck_assert_int_eq(console_login(&with_origin, origin_of(&with_origin), line, sizeof line, cookie,
                                   sizeof cookie),
                     403);
    ck_assert_int_eq(console_login(&with_origin, "Origin: https://console.example.org", line,
                                   sizeof line, cookie, sizeof cookie),
                     200);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const extra[] = {
        "--migrate", "--password-opslimit", "1", "--password-memlimit-kib", "8192", NULL};
    const char *const proxy[] = {"--trusted-proxies",
                                 "127.0.0.1/32",
                                 "--password-opslimit",
                                 "1",
                                 "--password-memlimit-kib",
                                 "8192",
                                 NULL};
    const char *const origin[] = {"--public-origin",
                                  "https://console.example.org",
                                  "--password-opslimit",
                                  "1",
                                  "--password-memlimit-kib",
                                  "8192",
                                  NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status) ||
        !harness_server_start(&behind_proxy, db.url, proxy, &status) ||
        !harness_server_start(&with_origin, db.url, origin, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_server_stop(&server, SIGTERM);
        harness_server_stop(&behind_proxy, SIGTERM);
        harness_db_destroy(&db);
        return 2;
    }
    free(harness_login_new_account(&server, db.url, "console@example.org", NULL));

    Suite *s = suite_create("console");
    TCase *tc = tcase_create("serving and sessions");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_page_and_its_assets_are_served_with_a_strict_policy);
    tcase_add_test(tc, a_console_login_sets_an_http_only_strict_cookie_and_no_token);
    tcase_add_test(tc, changes_by_cookie_must_come_from_the_console);
    tcase_add_test(tc, a_configured_public_origin_is_the_only_one);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&server) || !harness_server_stop_cleanly(&behind_proxy) ||
        !harness_server_stop_cleanly(&with_origin))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
