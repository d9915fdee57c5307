/* The daemon's life: a graceful stop that finishes the request in flight,
 * 503 while the database is down and recovery when it is back, and
 * readiness that notices a schema gone behind. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct harness_db db;

static void start(struct harness_server *server)
{
    const char *const extra[] = {"--migrate", NULL};
    int status = 0;
    ck_assert_msg(harness_server_start(server, db.url, extra, &status), "exit status %d", status);
}

static bool exited(const struct harness_server *server)
{
    return waitpid(server->pid, NULL, WNOHANG) == server->pid;
}

START_TEST(sigterm_finishes_the_request_in_flight_then_exits_0)
{
    struct harness_server server;
    start(&server);
    int fd = raw_connect(&server);
    ck_assert_int_ge(fd, 0);
    /* Headers and half the body: the request is in flight. */
    ck_assert(raw_send(fd, "POST /v1/_test/echo HTTP/1.1\r\nHost: test\r\n"
                           "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                           "{\"half\":"));
    usleep(300000);
    kill(server.pid, SIGTERM);
    usleep(300000);
    ck_assert_msg(!exited(&server), "the daemon exited with a request in flight");
    ck_assert_msg(raw_connect(&server) < 0, "the daemon still accepts new connections");

    ck_assert(raw_send(fd, "\"done\"}"));
    char *reply = raw_read_all(fd);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 200", 12) == 0, "reply: %s", reply);
    ck_assert_ptr_nonnull(strstr(reply, "{\"echo\":{\"half\":\"done\"}}"));
    free(reply);

    int status;
    ck_assert_int_eq(waitpid(server.pid, &status, 0), server.pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    char *log = harness_server_log(&server);
    ck_assert_ptr_nonnull(strstr(log, "\"event\":\"draining\""));
    ck_assert_ptr_nonnull(strstr(log, "\"event\":\"stopped\""));
    free(log);
}
END_TEST

START_TEST(sigint_exits_0)
{
    struct harness_server server;
    start(&server);
    int status = harness_server_stop(&server, SIGINT);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
}
END_TEST

static long get(const struct harness_server *server, const char *path, char *code, size_t size)
{
    struct http_response r;
    http_call(server, "GET", path, NULL, NULL, &r);
    long status = r.status;
    if (code)
        snprintf(code, size, "%s", http_error_code(&r));
    http_response_free(&r);
    return status;
}

static long echo(const struct harness_server *server, char *code, size_t size)
{
    struct http_response r;
    const char *const headers[] = {"Content-Type: application/json", NULL};
    http_call(server, "POST", "/v1/_test/echo", headers, "{\"x\":1}", &r);
    long status = r.status;
    snprintf(code, size, "%s", http_error_code(&r));
    http_response_free(&r);
    return status;
}

START_TEST(database_down_is_503_and_recovers)
{
    if (!harness_db_owns_cluster(&db)) {
        fprintf(stderr, "skipped: BPA_DATABASE_URL is set, so the test cannot stop the database\n");
        return;
    }
    struct harness_server server;
    start(&server);
    char code[64];
    ck_assert_int_eq(get(&server, "/readyz", NULL, 0), 200);
    ck_assert_int_eq(echo(&server, code, sizeof code), 200);

    harness_db_stop_server(&db);
    ck_assert_int_eq(get(&server, "/readyz", code, sizeof code), 503);
    ck_assert_str_eq(code, "database_unavailable");
    ck_assert_int_eq(echo(&server, code, sizeof code), 503);
    ck_assert_str_eq(code, "database_unavailable");
    ck_assert_int_eq(get(&server, "/healthz", NULL, 0), 200);

    harness_db_start_server(&db);
    /* Every pooled connection broke; each must be replaced transparently. */
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(get(&server, "/readyz", NULL, 0), 200);
        ck_assert_int_eq(echo(&server, code, sizeof code), 200);
    }
    struct http_response r;
    http_call(&server, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_msg(strstr(r.body, "bpa_db_errors_total{kind=\"connect\"} 0\n") == NULL,
                  "connect failures were not counted:\n%s", r.body);
    http_response_free(&r);
    int status = harness_server_stop(&server, SIGTERM);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(readiness_notices_a_schema_behind)
{
    struct harness_server server;
    start(&server);
    char code[64];
    ck_assert_int_eq(get(&server, "/readyz", NULL, 0), 200);
    ck_assert_int_eq(harness_db_sql(&db, "UPDATE bpa_schema_migrations SET checksum = 'x'"
                                         " WHERE name = '0001_common.sql'"),
                     0);
    ck_assert_int_eq(get(&server, "/readyz", code, sizeof code), 503);
    ck_assert_str_eq(code, "schema_not_current");
    int status = harness_server_stop(&server, SIGTERM);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    harness_db_recreate(&db);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("daemon");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sigterm_finishes_the_request_in_flight_then_exits_0);
    tcase_add_test(tc, sigint_exits_0);
    tcase_add_test(tc, database_down_is_503_and_recovers);
    tcase_add_test(tc, readiness_notices_a_schema_behind);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
