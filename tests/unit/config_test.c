/* Configuration: defaults, environment, flags over environment, errors. */
#include "config.h"
#include "suites.h"

#include <string.h>

/* The fake environment the loader reads: pairs of name and value. */
static const char *const *fake_env;

static const char *lookup(const char *name)
{
    for (size_t i = 0; fake_env && fake_env[i]; i += 2)
        if (strcmp(fake_env[i], name) == 0)
            return fake_env[i + 1];
    return NULL;
}

static int load(struct bpa_config *config, const char *const *env, int argc, char **argv,
                char *error)
{
    fake_env = env;
    return bpa_config_load(config, argc, argv, lookup, error, 256);
}

static const char *const minimal_env[] = {"BPA_DATABASE_URL", "postgresql:///x", NULL};

START_TEST(defaults)
{
    struct bpa_config c;
    char error[256];
    char *argv[] = {"bpa-server"};
    ck_assert_int_eq(load(&c, minimal_env, 1, argv, error), 0);
    ck_assert_str_eq(c.listen_address, "127.0.0.1");
    ck_assert_uint_eq(c.port, 8080);
    ck_assert_str_eq(c.database_url, "postgresql:///x");
    ck_assert_uint_eq(c.max_body_bytes, 1048576);
    ck_assert_int_eq(c.log_level, BPA_LOG_INFO);
    ck_assert_int_eq(c.command, BPA_CMD_SERVE);
    ck_assert(!c.migrate);
    ck_assert(!c.test_routes);
}
END_TEST

START_TEST(environment_then_flags)
{
    static const char *const env[] = {"BPA_DATABASE_URL",
                                      "postgresql:///env",
                                      "BPA_PORT",
                                      "9000",
                                      "BPA_LOG_LEVEL",
                                      "debug",
                                      "BPA_MIGRATE",
                                      "yes",
                                      "BPA_WORKERS",
                                      "16",
                                      NULL};
    struct bpa_config c;
    char error[256];
    char *argv[] = {"bpa-server",
                    "--port=9100",
                    "--database-url",
                    "postgresql:///flag",
                    "--migrate=false",
                    "--max-body-bytes",
                    "2048"};
    ck_assert_int_eq(load(&c, env, 7, argv, error), 0);
    ck_assert_uint_eq(c.port, 9100);
    ck_assert_str_eq(c.database_url, "postgresql:///flag");
    ck_assert_int_eq(c.log_level, BPA_LOG_DEBUG);
    ck_assert(!c.migrate);
    ck_assert_uint_eq(c.workers, 16);
    ck_assert_uint_eq(c.max_body_bytes, 2048);
}
END_TEST

START_TEST(commands_and_bare_flags)
{
    struct bpa_config c;
    char error[256];
    char *argv[] = {"bpa-server", "migrate", "--enable-test-routes"};
    ck_assert_int_eq(load(&c, minimal_env, 3, argv, error), 0);
    ck_assert_int_eq(c.command, BPA_CMD_MIGRATE);
    ck_assert(c.test_routes);
}
END_TEST

START_TEST(help_needs_no_database)
{
    struct bpa_config c;
    char error[256];
    char *argv[] = {"bpa-server", "--help"};
    ck_assert_int_eq(load(&c, NULL, 2, argv, error), 0);
    ck_assert(c.help);
}
END_TEST

static void assert_refused(const char *const *env, int argc, char **argv, const char *expected)
{
    struct bpa_config c;
    char error[256] = "";
    ck_assert_int_eq(load(&c, env, argc, argv, error), -1);
    ck_assert_msg(strstr(error, expected), "error '%s' should mention '%s'", error, expected);
}

START_TEST(bad_values_are_refused_with_the_reason)
{
    char *no_value[] = {"bpa-server", "--port"};
    assert_refused(minimal_env, 2, no_value, "--port needs a value");
    char *not_number[] = {"bpa-server", "--port", "80a"};
    assert_refused(minimal_env, 3, not_number, "not a whole number");
    char *negative[] = {"bpa-server", "--workers=-1"};
    assert_refused(minimal_env, 2, negative, "not a whole number");
    char *too_big[] = {"bpa-server", "--port", "70000"};
    assert_refused(minimal_env, 3, too_big, "outside 1..65535");
    char *zero[] = {"bpa-server", "--db-connections=0"};
    assert_refused(minimal_env, 2, zero, "outside");
    char *level[] = {"bpa-server", "--log-level=loud"};
    assert_refused(minimal_env, 2, level, "debug, info, warn, error");
    char *unknown[] = {"bpa-server", "--colour"};
    assert_refused(minimal_env, 2, unknown, "unknown option '--colour'");
    char *command[] = {"bpa-server", "dance"};
    assert_refused(minimal_env, 2, command, "unknown command 'dance'");
    char *plain[] = {"bpa-server"};
    assert_refused(NULL, 1, plain, "BPA_DATABASE_URL");
    static const char *const bad_env[] = {"BPA_DATABASE_URL", "x", "BPA_MIGRATE", "maybe", NULL};
    assert_refused(bad_env, 1, plain, "BPA_MIGRATE");
    static const char *const empty_env[] = {"BPA_DATABASE_URL", "", NULL};
    assert_refused(empty_env, 1, plain, "must not be empty");
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, environment_then_flags);
    tcase_add_test(tc, commands_and_bare_flags);
    tcase_add_test(tc, help_needs_no_database);
    tcase_add_test(tc, bad_values_are_refused_with_the_reason);
    suite_add_tcase(s, tc);
    return s;
}
