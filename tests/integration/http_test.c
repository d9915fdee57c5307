/* The request pipeline over real HTTP against a real daemon and database:
 * 404/405/413/415/400, request ids and the request log, readiness, metrics. */
#include "db/migrate.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server server;

static const char *const json_content[] = {"Content-Type: application/json", NULL};

static void assert_error(const struct http_response *r, long status, const char *code)
{
    ck_assert_msg(r->status == status, "status %ld, wanted %ld; body %s", r->status, status,
                  r->body);
    ck_assert_str_eq(http_error_code(r), code);
    json_t *error = json_object_get(r->json, "error");
    ck_assert(json_is_string(json_object_get(error, "message")));
    ck_assert(json_is_array(json_object_get(error, "details")));
    char id[80], content_type[80];
    ck_assert(http_header(r, "X-Request-Id", id, sizeof id));
    ck_assert_str_eq(json_string_value(json_object_get(error, "request_id")), id);
    ck_assert(http_header(r, "Content-Type", content_type, sizeof content_type));
    ck_assert_str_eq(content_type, "application/json");
}

START_TEST(unknown_path_is_404)
{
    struct http_response r;
    http_call(&server, "GET", "/no/such/path", NULL, NULL, &r);
    assert_error(&r, 404, "not_found");
    http_response_free(&r);
    http_call(&server, "POST", "/v1/nothing", json_content, "{}", &r);
    assert_error(&r, 404, "not_found");
    http_response_free(&r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    struct http_response r;
    char allow[64];
    http_call(&server, "POST", "/healthz", NULL, NULL, &r);
    assert_error(&r, 405, "method_not_allowed");
    ck_assert(http_header(&r, "Allow", allow, sizeof allow));
    ck_assert_str_eq(allow, "GET, HEAD");
    http_response_free(&r);
    http_call(&server, "GET", "/v1/_test/echo", NULL, NULL, &r);
    assert_error(&r, 405, "method_not_allowed");
    ck_assert(http_header(&r, "Allow", allow, sizeof allow));
    ck_assert_str_eq(allow, "POST");
    http_response_free(&r);
}
END_TEST

START_TEST(head_answers_like_get_without_a_body)
{
    struct http_response r;
    http_call(&server, "HEAD", "/healthz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 0);
    http_response_free(&r);
}
END_TEST

START_TEST(body_must_be_json)
{
    struct http_response r;
    const char *const text[] = {"Content-Type: text/plain", NULL};
    http_call(&server, "POST", "/v1/_test/echo", text, "{}", &r);
    assert_error(&r, 415, "unsupported_media_type");
    http_response_free(&r);
    /* libcurl's default for a body is a form */
    http_call(&server, "POST", "/v1/_test/echo", NULL, "a=1", &r);
    assert_error(&r, 415, "unsupported_media_type");
    http_response_free(&r);
    const char *const with_charset[] = {"Content-Type: Application/JSON; charset=utf-8", NULL};
    http_call(&server, "POST", "/v1/_test/echo", with_charset, "{\"a\":1}", &r);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
}
END_TEST

START_TEST(declared_oversize_is_refused_before_the_body_is_read)
{
    /* The body is never sent: a 413 can only come from Content-Length. */
    int fd = raw_connect(&server);
    ck_assert_int_ge(fd, 0);
    ck_assert(raw_send(fd, "POST /v1/_test/echo HTTP/1.1\r\nHost: test\r\n"
                           "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"));
    char *reply = raw_read_all(fd);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 413", 12) == 0, "reply: %s", reply);
    ck_assert_ptr_nonnull(strstr(reply, "\"payload_too_large\""));
    free(reply);
}
END_TEST

/* Framing two parsers could read differently is refused, in the envelope. */
START_TEST(ambiguous_framing_is_400_malformed_request)
{
    static const char *const framings[] = {
        "Content-Length: 2\r\nContent-Length: 7\r\n",
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\n",
    };
    for (size_t i = 0; i < sizeof framings / sizeof framings[0]; i++) {
        int fd = raw_connect(&server);
        ck_assert_int_ge(fd, 0);
        ck_assert(raw_send(fd, fmt("POST /v1/_test/echo HTTP/1.1\r\nHost: test\r\n"
                                   "Content-Type: application/json\r\n%s\r\n{}",
                                   framings[i])));
        char *reply = raw_read_all(fd);
        ck_assert_msg(strncmp(reply, "HTTP/1.1 400", 12) == 0, "%s: %s", framings[i], reply);
        ck_assert_ptr_nonnull(strstr(reply, "\"malformed_request\""));
        free(reply);
    }
}
END_TEST

static char *json_string_of_length(size_t total)
{
    char *body = malloc(total + 1);
    memset(body, 'a', total);
    body[0] = body[total - 1] = '"';
    body[total] = '\0';
    return body;
}

START_TEST(the_cap_is_exact)
{
    struct http_response r;
    char *at_cap = json_string_of_length(1048576);
    http_call(&server, "POST", "/v1/_test/echo", json_content, at_cap, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(r.json, "echo"))), 1048574);
    http_response_free(&r);
    free(at_cap);
    char *over = json_string_of_length(1048577);
    http_call(&server, "POST", "/v1/_test/echo", json_content, over, &r);
    assert_error(&r, 413, "payload_too_large");
    http_response_free(&r);
    free(over);
}
END_TEST

START_TEST(chunked_oversize_is_413)
{
    struct http_response r;
    const char *const chunked[] = {"Content-Type: application/json", "Transfer-Encoding: chunked",
                                   NULL};
    char *over = json_string_of_length(3 * 1048576);
    http_call(&server, "POST", "/v1/_test/echo", chunked, over, &r);
    assert_error(&r, 413, "payload_too_large");
    http_response_free(&r);
    free(over);
}
END_TEST

START_TEST(malformed_json_names_line_and_column)
{
    struct http_response r;
    http_call(&server, "POST", "/v1/_test/echo", json_content, "{\"a\": 1,\n  \"b\": }", &r);
    assert_error(&r, 400, "malformed_json");
    json_t *detail =
        json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(detail, "field")), "body");
    ck_assert_int_eq(json_integer_value(json_object_get(detail, "line")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(detail, "column")), 8);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
               "line 2, column 8"));
    http_response_free(&r);

    const char *bad[] = {"{\"a\":1,\"a\":2}", "{\"a\":\"\xff\"}", "[1,2", "nul", "{} {}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_call(&server, "POST", "/v1/_test/echo", json_content, bad[i], &r);
        assert_error(&r, 400, "malformed_json");
        http_response_free(&r);
    }
}
END_TEST

START_TEST(json_round_trips_through_the_database)
{
    struct http_response r;
    http_call(&server, "POST", "/v1/_test/echo", json_content,
              "{\"naam\": \"Zo\xc3\xab \xf0\x9f\x91\x8d\", \"n\": [1, 2.5, null, true]}", &r);
    ck_assert_int_eq(r.status, 200);
    json_t *echo = json_object_get(r.json, "echo");
    ck_assert_str_eq(json_string_value(json_object_get(echo, "naam")),
                     "Zo\xc3\xab \xf0\x9f\x91\x8d");
    ck_assert_uint_eq(json_array_size(json_object_get(echo, "n")), 4);
    http_response_free(&r);

    http_call(&server, "POST", "/v1/_test/echo", json_content, NULL, &r);
    assert_error(&r, 422, "validation_failed");
    http_response_free(&r);
}
END_TEST

START_TEST(request_ids_are_echoed_or_made)
{
    struct http_response r;
    char id[80], other[80];
    const char *const sane[] = {"X-Request-Id: portal-7:abc.DEF_9", NULL};
    http_call(&server, "GET", "/healthz", sane, NULL, &r);
    ck_assert(http_header(&r, "X-Request-Id", id, sizeof id));
    ck_assert_str_eq(id, "portal-7:abc.DEF_9");
    http_response_free(&r);

    const char *const insane[] = {"X-Request-Id: <script>alert(1)</script>", NULL};
    http_call(&server, "GET", "/healthz", insane, NULL, &r);
    ck_assert(http_header(&r, "X-Request-Id", id, sizeof id));
    ck_assert_uint_eq(strlen(id), 32);
    ck_assert_uint_eq(strspn(id, "0123456789abcdef"), 32);
    http_response_free(&r);

    http_call(&server, "GET", "/healthz", NULL, NULL, &r);
    ck_assert(http_header(&r, "X-Request-Id", other, sizeof other));
    ck_assert_str_ne(id, other);
    http_response_free(&r);
}
END_TEST

/* The log line whose request_id is `id`, or NULL (parsed; the caller frees). */
static json_t *log_line_for(const char *id)
{
    for (int tries = 0; tries < 50; tries++) {
        char *log = harness_server_log(&server);
        json_t *found = NULL;
        for (char *line = strtok(log, "\n"); line && !found; line = strtok(NULL, "\n")) {
            json_t *entry = json_loads(line, 0, NULL);
            ck_assert_msg(entry != NULL, "log line is not JSON: %s", line);
            const char *rid = json_string_value(json_object_get(entry, "request_id"));
            if (rid && strcmp(rid, id) == 0)
                found = entry;
            else
                json_decref(entry);
        }
        free(log);
        if (found)
            return found;
        usleep(20000); /* the line is written when the response has gone */
    }
    return NULL;
}

START_TEST(one_json_log_line_per_request)
{
    struct http_response r;
    const char *const headers[] = {"X-Request-Id: log-check-1", "Content-Type: application/json",
                                   "Authorization: Bearer secret-token-value", NULL};
    http_call(&server, "POST", "/v1/_test/echo?k=v", headers, "{\"password\":\"hunter2\"}", &r);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    json_t *line = log_line_for("log-check-1");
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(json_string_value(json_object_get(line, "event")), "request");
    ck_assert_str_eq(json_string_value(json_object_get(line, "method")), "POST");
    ck_assert_str_eq(json_string_value(json_object_get(line, "path")), "/v1/_test/echo");
    ck_assert_str_eq(json_string_value(json_object_get(line, "route")), "/v1/_test/echo");
    ck_assert_int_eq(json_integer_value(json_object_get(line, "status")), 200);
    ck_assert(json_is_number(json_object_get(line, "duration_ms")));
    ck_assert(json_is_string(json_object_get(line, "time")));
    json_decref(line);

    /* a path that decodes to bytes that are not UTF-8 is logged all the same */
    const char *const traced[] = {"X-Request-Id: log-check-2", NULL};
    http_call(&server, "GET", "/v1/%C3%28x", traced, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    line = log_line_for("log-check-2");
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(json_string_value(json_object_get(line, "path")), "/v1/?(x");
    json_decref(line);

    char *log = harness_server_log(&server);
    ck_assert_ptr_null(strstr(log, "secret-token-value"));
    ck_assert_ptr_null(strstr(log, "hunter2"));
    free(log);
}
END_TEST

START_TEST(ready_when_database_and_schema_are)
{
    struct http_response r;
    http_call(&server, "GET", "/readyz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ready");
    struct bpa_migrations known;
    char error[256];
    ck_assert_int_eq(bpa_migrations_load("schema", &known, error, sizeof error), 0);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "schema")),
                     known.items[known.count - 1].name);
    bpa_migrations_free(&known);
    http_response_free(&r);
}
END_TEST

START_TEST(metrics_count_requests_by_route_and_status)
{
    struct http_response r;
    for (int i = 0; i < 3; i++) {
        http_call(&server, "GET", "/readyz", NULL, NULL, &r);
        http_response_free(&r);
    }
    http_call(&server, "GET", "/no-such-thing", NULL, NULL, &r);
    http_response_free(&r);
    http_call(&server, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    char content_type[80];
    ck_assert(http_header(&r, "Content-Type", content_type, sizeof content_type));
    ck_assert_ptr_nonnull(strstr(content_type, "text/plain"));
    /* Check runs each test in its own process, so earlier tests' requests
     * may be counted too: ask for at least, not exactly. */
    const char *line = strstr(r.body, "bpa_http_requests_total{method=\"GET\",route=\"/readyz\","
                                      "status=\"200\"} ");
    ck_assert_msg(line != NULL, "%s", r.body);
    ck_assert_int_ge(atoi(strchr(line, '}') + 2), 3);
    ck_assert_ptr_nonnull(
        strstr(r.body, "bpa_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"}"));
    ck_assert_ptr_nonnull(strstr(r.body, "bpa_http_request_duration_seconds_bucket{method=\"GET\","
                                         "route=\"/readyz\",le=\"+Inf\"}"));
    ck_assert_ptr_nonnull(strstr(r.body, "bpa_db_pool_size 4\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "bpa_db_pool_in_use 0\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "bpa_db_errors_total{kind=\"unavailable\"}"));
    http_response_free(&r);
}
END_TEST

START_TEST(the_contract_and_its_reference_are_served)
{
    struct http_response r;
    char value[256];
    http_call(&server, "GET", "/openapi.yaml", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(http_header(&r, "Content-Type", value, sizeof value));
    ck_assert_str_eq(value, "application/yaml; charset=utf-8");
    ck_assert_int_eq(strncmp(r.body, "openapi: 3.1.0\n", 15), 0);
    ck_assert_ptr_nonnull(strstr(r.body, "  /v1/placements/{id}/open:"));
    http_response_free(&r);

    http_call(&server, "GET", "/docs", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(http_header(&r, "Content-Security-Policy", value, sizeof value));
    ck_assert_int_eq(strncmp(value, "default-src 'none'; style-src 'sha256-", 38), 0);
    ck_assert_ptr_null(strstr(r.body, "<script"));
    ck_assert_ptr_null(strstr(r.body, " src=")); /* nothing loaded from elsewhere */
    ck_assert_ptr_null(strstr(r.body, "<link"));
    ck_assert_ptr_nonnull(strstr(r.body, "<code>/v1/placements/{id}/open</code>"));
    ck_assert_ptr_nonnull(strstr(r.body, "idempotency_key_reused"));
    http_response_free(&r);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const extra[] = {"--migrate", "--db-connections", "4", NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_db_destroy(&db);
        return 2;
    }

    Suite *s = suite_create("http");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, unknown_path_is_404);
    tcase_add_test(tc, wrong_method_is_405_with_allow);
    tcase_add_test(tc, head_answers_like_get_without_a_body);
    tcase_add_test(tc, body_must_be_json);
    tcase_add_test(tc, declared_oversize_is_refused_before_the_body_is_read);
    tcase_add_test(tc, the_cap_is_exact);
    tcase_add_test(tc, ambiguous_framing_is_400_malformed_request);
    tcase_add_test(tc, chunked_oversize_is_413);
    tcase_add_test(tc, malformed_json_names_line_and_column);
    tcase_add_test(tc, json_round_trips_through_the_database);
    tcase_add_test(tc, request_ids_are_echoed_or_made);
    tcase_add_test(tc, one_json_log_line_per_request);
    tcase_add_test(tc, ready_when_database_and_schema_are);
    tcase_add_test(tc, metrics_count_requests_by_route_and_status);
    tcase_add_test(tc, the_contract_and_its_reference_are_served);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&server))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
