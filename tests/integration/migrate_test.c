/* Schema migrations through the real binary: applied in order, once; a
 * changed file refused; a failing file leaves nothing; a daemon on a
 * schema that is behind refuses to start, naming the missing migration. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURES "tests/integration/fixtures/"

static struct harness_db db;

static void fresh_database(void)
{
    harness_db_recreate(&db);
}

/* Runs `bpa-server migrate` with `schema`; returns the exit code. */
static int migrate(const char *schema, char **output)
{
    const char *const args[] = {"migrate", "--database-url", db.url, "--schema-dir", schema, NULL};
    int status = harness_run_command(args, output);
    ck_assert_msg(WIFEXITED(status), "bpa-server migrate did not exit normally");
    return WEXITSTATUS(status);
}

static long count(const char *sql)
{
    char value[64];
    ck_assert(harness_db_value(&db, sql, value, sizeof value));
    return atol(value);
}

START_TEST(applies_in_order_and_only_once)
{
    fresh_database();
    char *out;
    ck_assert_int_eq(migrate(FIXTURES "schema-v2", &out), 0);
    ck_assert_msg(strstr(out, "\"applied\":2"), "%s", out);
    ck_assert(strstr(out, "0001_first.sql") < strstr(out, "0002_second.sql"));
    free(out);
    ck_assert_int_eq(count("SELECT count(*) FROM bpa_schema_migrations"), 2);
    ck_assert_int_eq(count("SELECT count(*) FROM information_schema.columns"
                           " WHERE table_name = 'fixture_one' AND column_name = 'label'"),
                     1);

    ck_assert_int_eq(migrate(FIXTURES "schema-v2", &out), 0);
    ck_assert_msg(strstr(out, "\"applied\":0"), "%s", out);
    free(out);
    ck_assert_int_eq(count("SELECT count(*) FROM bpa_schema_migrations"), 2);
}
END_TEST

START_TEST(a_changed_migration_is_an_error)
{
    fresh_database();
    char *out;
    ck_assert_int_eq(migrate(FIXTURES "schema-v1", &out), 0);
    free(out);
    ck_assert_int_eq(migrate(FIXTURES "schema-changed", &out), 1);
    ck_assert_msg(strstr(out, "migration 0001_first.sql was changed after it was applied"), "%s",
                  out);
    free(out);
    /* and nothing after it was applied */
    ck_assert_int_eq(count("SELECT count(*) FROM bpa_schema_migrations"), 1);
}
END_TEST

START_TEST(a_failing_migration_leaves_nothing_behind)
{
    fresh_database();
    char *out;
    ck_assert_int_eq(migrate(FIXTURES "schema-broken", &out), 1);
    ck_assert_msg(strstr(out, "migration 0002_fails_halfway.sql failed") &&
                      strstr(out, "division by zero"),
                  "%s", out);
    free(out);
    ck_assert_int_eq(count("SELECT count(*) FROM bpa_schema_migrations"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM pg_tables WHERE tablename = 'fixture_half'"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM pg_tables WHERE tablename = 'fixture_one'"), 1);
}
END_TEST

START_TEST(concurrent_migrators_apply_each_file_once)
{
    fresh_database();
    const char *const args[] = {"migrate",      "--database-url",     db.url,
                                "--schema-dir", FIXTURES "schema-v2", NULL};
    enum { RUNNERS = 4 };
    pid_t pids[RUNNERS];
    for (int i = 0; i < RUNNERS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            char *out;
            int status = harness_run_command(args, &out);
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
        }
    }
    for (int i = 0; i < RUNNERS; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ck_assert_int_eq(count("SELECT count(*) FROM bpa_schema_migrations"), 2);
}
END_TEST

START_TEST(daemon_refuses_a_schema_that_is_behind)
{
    fresh_database();
    char *out;
    ck_assert_int_eq(migrate(FIXTURES "schema-v1", &out), 0);
    free(out);
    struct harness_server server;
    const char *const extra[] = {"--schema-dir", FIXTURES "schema-v2", NULL};
    int status = 0;
    ck_assert(!harness_server_start(&server, db.url, extra, &status));
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char *log = harness_server_log(&server);
    ck_assert_msg(strstr(log, "migration 0002_second.sql is not applied"), "%s", log);
    free(log);
}
END_TEST

START_TEST(daemon_refuses_an_empty_database_and_migrates_when_asked)
{
    fresh_database();
    struct harness_server server;
    int status = 0;
    ck_assert(!harness_server_start(&server, db.url, NULL, &status));
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char *log = harness_server_log(&server);
    ck_assert_msg(strstr(log, "migration 0001_common.sql is not applied"), "%s", log);
    free(log);

    const char *const extra[] = {"--migrate", NULL};
    ck_assert(harness_server_start(&server, db.url, extra, &status));
    struct http_response r;
    http_call(&server, "GET", "/readyz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    status = harness_server_stop(&server, SIGTERM);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(bad_configuration_exits_2_with_the_reason)
{
    char *out;
    const char *const args[] = {"--port", "http", "--database-url", db.url, NULL};
    int status = harness_run_command(args, &out);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    ck_assert_msg(strstr(out, "--port: 'http' is not a whole number"), "%s", out);
    free(out);
    const char *const help[] = {"--help", NULL};
    status = harness_run_command(help, &out);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_ptr_nonnull(strstr(out, "BPA_DATABASE_URL"));
    ck_assert_ptr_nonnull(strstr(out, "--max-body-bytes"));
    free(out);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    Suite *s = suite_create("migrations");
    TCase *tc = tcase_create("apply");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, applies_in_order_and_only_once);
    tcase_add_test(tc, a_changed_migration_is_an_error);
    tcase_add_test(tc, a_failing_migration_leaves_nothing_behind);
    tcase_add_test(tc, concurrent_migrators_apply_each_file_once);
    tcase_add_test(tc, daemon_refuses_a_schema_that_is_behind);
    tcase_add_test(tc, daemon_refuses_an_empty_database_and_migrates_when_asked);
    tcase_add_test(tc, bad_configuration_exits_2_with_the_reason);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
