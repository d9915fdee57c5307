/* The database layer against a real PostgreSQL: whole-transaction retry on
 * serialization failure (with its cap), no retry for hard errors,
 * reconnection after the backend dies, the pool's bounds, and rollback of
 * a transaction a caller left open. */
#include "db/internal.h"
#include "db/migrate.h"
#include "harness.h"
#include "handlers/handlers.h"
#include "log.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct harness_db db;

static struct bpa_db_pool *new_pool(unsigned size)
{
    struct bpa_db_pool *pool = bpa_db_pool_new(db.url, size);
    ck_assert_ptr_nonnull(pool);
    return pool;
}

static long value(const char *sql)
{
    char text[64];
    ck_assert(harness_db_value(&db, sql, text, sizeof text));
    return atol(text);
}

struct conflict {
    unsigned calls;
};

/* Reads the counter, lets another session change it on the first call,
 * then writes it: under REPEATABLE READ that write fails with 40001. */
static enum bpa_db_status increment_with_interference(struct bpa_db_conn *conn, void *context)
{
    struct conflict *c = context;
    c->calls++;
    enum bpa_db_status status = bpa_db_command(conn, "SELECT n FROM counter WHERE id = 1");
    if (status != BPA_DB_OK)
        return status;
    if (c->calls == 1)
        ck_assert_int_eq(harness_db_sql(&db, "UPDATE counter SET n = n + 100 WHERE id = 1"), 0);
    return bpa_db_command(conn, "UPDATE counter SET n = n + 1 WHERE id = 1");
}

START_TEST(serialization_failure_retries_the_whole_transaction)
{
    ck_assert_int_eq(harness_db_sql(&db, "UPDATE counter SET n = 0"), 0);
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    struct conflict c = {0};
    ck_assert_int_eq(
        bpa_db_transaction(conn, BPA_DB_REPEATABLE_READ, increment_with_interference, &c),
        BPA_DB_OK);
    ck_assert_uint_eq(c.calls, 2);
    ck_assert_uint_eq(bpa_db_last_attempts(conn), 2);
    ck_assert_int_eq(value("SELECT n FROM counter WHERE id = 1"), 101);
    bpa_db_pool_release(pool, conn);
    struct bpa_db_pool_stats stats;
    bpa_db_pool_stats(pool, &stats);
    ck_assert_uint_eq(stats.tx_retries, 1);
    bpa_db_pool_free(pool);
}
END_TEST

static enum bpa_db_status always_conflicts(struct bpa_db_conn *conn, void *context)
{
    (void)conn;
    ++*(unsigned *)context;
    return BPA_DB_RETRY;
}

START_TEST(retries_stop_at_the_cap)
{
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    unsigned calls = 0;
    ck_assert_int_eq(bpa_db_transaction(conn, BPA_DB_SERIALIZABLE, always_conflicts, &calls),
                     BPA_DB_RETRY);
    ck_assert_uint_eq(calls, BPA_DB_TX_MAX_ATTEMPTS);
    bpa_db_pool_release(pool, conn);
    bpa_db_pool_free(pool);
}
END_TEST

static enum bpa_db_status reads_a_missing_table(struct bpa_db_conn *conn, void *context)
{
    ++*(unsigned *)context;
    enum bpa_db_status status = bpa_db_command(conn, "INSERT INTO counter VALUES (2, 0)");
    return status == BPA_DB_OK ? bpa_db_command(conn, "SELECT * FROM no_such_table") : status;
}

static enum bpa_db_status divides_by_zero(struct bpa_db_conn *conn, void *context)
{
    ++*(unsigned *)context;
    return bpa_db_command(conn, "SELECT 1 / 0");
}

START_TEST(hard_errors_roll_back_without_retry)
{
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    unsigned calls = 0;
    ck_assert_int_eq(bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, reads_a_missing_table, &calls),
                     BPA_DB_HARD);
    ck_assert_uint_eq(calls, 1);
    ck_assert_int_eq(value("SELECT count(*) FROM counter WHERE id = 2"), 0);
    /* data the database refuses is the caller's fault: INVALID, not retried */
    calls = 0;
    ck_assert_int_eq(bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, divides_by_zero, &calls),
                     BPA_DB_INVALID);
    ck_assert_uint_eq(calls, 1);
    bpa_db_pool_release(pool, conn);
    bpa_db_pool_free(pool);
}
END_TEST

static enum bpa_db_status select_one(struct bpa_db_conn *conn, void *context)
{
    (void)context;
    return bpa_db_command(conn, "SELECT 1");
}

START_TEST(a_killed_backend_is_replaced_transparently)
{
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    ck_assert_int_eq(bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, select_one, NULL), BPA_DB_OK);
    bpa_db_pool_release(pool, conn);
    ck_assert_int_eq(harness_db_sql(&db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                         " WHERE application_name = 'bpa-server'"
                                         " AND datname = current_database()"),
                     0);
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    ck_assert_int_eq(bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, select_one, NULL), BPA_DB_OK);
    bpa_db_pool_release(pool, conn);
    struct bpa_db_pool_stats stats;
    bpa_db_pool_stats(pool, &stats);
    ck_assert_uint_eq(stats.connects, 2);
    bpa_db_pool_free(pool);
}
END_TEST

START_TEST(the_pool_is_bounded)
{
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *first, *second;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &first), BPA_DB_OK);
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 100, &second), BPA_DB_BUSY);
    struct bpa_db_pool_stats stats;
    bpa_db_pool_stats(pool, &stats);
    ck_assert_uint_eq(stats.in_use, 1);
    ck_assert_uint_eq(stats.acquire_timeouts, 1);
    bpa_db_pool_release(pool, first);
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 100, &second), BPA_DB_OK);
    ck_assert_ptr_eq(first, second);
    bpa_db_pool_release(pool, second);
    bpa_db_pool_free(pool);
}
END_TEST

START_TEST(an_unreachable_server_is_unavailable)
{
    struct bpa_db_pool *pool = bpa_db_pool_new("host=/nonexistent-socket-dir dbname=x", 2);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 100, &conn), BPA_DB_UNAVAILABLE);
    struct bpa_db_pool_stats stats;
    bpa_db_pool_stats(pool, &stats);
    ck_assert_uint_eq(stats.in_use, 0);
    ck_assert_uint_eq(stats.connect_failures, 1);
    bpa_db_pool_free(pool);
}
END_TEST

START_TEST(a_transaction_left_open_is_rolled_back_on_release)
{
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    ck_assert_int_eq(bpa_db_command(conn, "BEGIN"), BPA_DB_OK);
    ck_assert_int_eq(bpa_db_command(conn, "INSERT INTO counter VALUES (3, 0)"), BPA_DB_OK);
    bpa_db_pool_release(pool, conn);
    ck_assert_int_eq(value("SELECT count(*) FROM counter WHERE id = 3"), 0);
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    ck_assert_int_eq(PQtransactionStatus(conn->pg), PQTRANS_IDLE);
    bpa_db_pool_release(pool, conn);
    bpa_db_pool_free(pool);
}
END_TEST

START_TEST(the_pseudonymous_profile_holds_no_personal_data)
{
    ck_assert_int_eq(
        harness_db_sql(
            &db, "INSERT INTO skills (uri, label_en) VALUES ('http://x.example/skill/1', 'x');"
                 "INSERT INTO portals (name) VALUES ('p');"
                 "INSERT INTO seekers (portal_id, external_ref, name, email, phone, postcode,"
                 " lat, lon, availability, available_from, max_hours_per_week, max_travel_km,"
                 " consent_purpose, consent_text_version, consent_given_at) SELECT id,"
                 " 'ref-77', 'Fatima Secret', 'fatima@example.org', '+31612345678',"
                 " '2522 AB', 52.06412, 4.32981, (repeat('0', 8) || repeat('1', 8) ||"
                 " repeat('0', 152))::bit(168), '2027-01-01', 20, 10, 'matching', '1', now()"
                 " FROM portals WHERE name = 'p';"
                 "INSERT INTO seeker_skills SELECT id, 'http://x.example/skill/1', 3"
                 " FROM seekers WHERE name = 'Fatima Secret'"),
        0);
    char id[24];
    ck_assert(harness_db_value(&db, "SELECT id FROM seekers WHERE name = 'Fatima Secret'", id,
                               sizeof id));
    struct bpa_db_pool *pool = new_pool(1);
    struct bpa_db_conn *conn;
    ck_assert_int_eq(bpa_db_pool_acquire(pool, 1000, &conn), BPA_DB_OK);
    json_t *profile = bpa_seeker_profile(conn, id);
    bpa_db_pool_release(pool, conn);
    bpa_db_pool_free(pool);
    ck_assert_ptr_nonnull(profile);
    static const char *const allowed[] = {"pseudonym",
                                          "postcode_area",
                                          "lat",
                                          "lon",
                                          "skills",
                                          "learning_goals",
                                          "availability",
                                          "available_from",
                                          "available_until",
                                          "max_hours_per_week",
                                          "max_travel_km",
                                          "dutch_level",
                                          "certificates",
                                          NULL};
    const char *key;
    json_t *value;
    json_object_foreach(profile, key, value)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(key, *a) == 0;
        ck_assert_msg(ok, "the profile shows '%s'", key);
    }
    char *text = json_dumps(profile, 0);
    ck_assert_ptr_null(strstr(text, "Fatima"));
    ck_assert_ptr_null(strstr(text, "example.org"));
    ck_assert_ptr_null(strstr(text, "612345678"));
    ck_assert_ptr_null(strstr(text, "ref-77"));
    ck_assert_ptr_null(strstr(text, "2522 AB"));
    ck_assert_ptr_null(strstr(text, "52.06412"));
    free(text);
    ck_assert_str_eq(json_string_value(json_object_get(profile, "postcode_area")), "2522");
    ck_assert_int_eq(strncmp(json_string_value(json_object_get(profile, "pseudonym")), "S-", 2), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(profile, "availability")), 1);
    json_decref(profile);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0)
        return 2;
    bpa_log_set_level(BPA_LOG_ERROR); /* the errors these tests provoke are expected */
    harness_db_create(&db);
    struct bpa_migrations migrations;
    char error[512];
    unsigned applied;
    if (bpa_migrations_load("schema", &migrations, error, sizeof error) != 0 ||
        bpa_migrations_apply(db.url, &migrations, &applied, error, sizeof error) != 0) {
        fprintf(stderr, "cannot migrate the test database: %s\n", error);
        return 2;
    }
    bpa_migrations_free(&migrations);
    if (harness_db_sql(&db, "CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL);"
                            "INSERT INTO counter VALUES (1, 0)") != 0)
        return 2;

    Suite *s = suite_create("database");
    TCase *tc = tcase_create("layer");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, serialization_failure_retries_the_whole_transaction);
    tcase_add_test(tc, retries_stop_at_the_cap);
    tcase_add_test(tc, hard_errors_roll_back_without_retry);
    tcase_add_test(tc, a_killed_backend_is_replaced_transparently);
    tcase_add_test(tc, the_pool_is_bounded);
    tcase_add_test(tc, an_unreachable_server_is_unavailable);
    tcase_add_test(tc, a_transaction_left_open_is_rolled_back_on_release);
    tcase_add_test(tc, the_pseudonymous_profile_holds_no_personal_data);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    harness_db_destroy(&db);
    return failed ? 1 : 0;
}
