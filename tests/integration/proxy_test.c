/* Behind a reverse proxy, and under a flood of logins.
 *
 * A daemon started with --trusted-proxies 127.0.0.1/32 takes the client
 * from X-Forwarded-For (the tests are its proxy): login throttling counts
 * per forwarded address, and the audit row and the request log carry it.
 * A daemon without the option ignores the header and counts the real
 * peer. And while 40 clients post logins as fast as they are answered, a
 * normal client's requests are all answered: the password checks that run
 * at once are bounded, and the logins beyond them get 429 at once. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FLOOD_CLIENTS       40
#define FLOOD_RIGHT_CLIENTS 8 /* of them, with the right password */
#define NORMAL_REQUESTS     150

static struct harness_db db;
static struct harness_server trusting; /* --trusted-proxies 127.0.0.1/32 */
static struct harness_server plain;    /* no trusted proxies */
static struct harness_server flooded;  /* trusting, with the default password cost */
static const char *const password = "a password of some length";

static struct http_response login_from(const struct harness_server *server, const char *email,
                                       const char *secret, const char *forwarded_for,
                                       const char *request_id)
{
    char body[256], xff[128], id[96];
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, secret);
    const char *headers[4] = {"Content-Type: application/json", NULL, NULL, NULL};
    size_t n = 1;
    if (forwarded_for) {
        snprintf(xff, sizeof xff, "X-Forwarded-For: %s", forwarded_for);
        headers[n++] = xff;
    }
    if (request_id) {
        snprintf(id, sizeof id, "X-Request-Id: %s", request_id);
        headers[n++] = id;
    }
    struct http_response r;
    http_call(server, "POST", "/v1/auth/login", headers, body, &r);
    return r;
}

static long login_status(const struct harness_server *server, const char *email, const char *secret,
                         const char *forwarded_for)
{
    struct http_response r = login_from(server, email, secret, forwarded_for, NULL);
    long status = r.status;
    if (status == 429)
        ck_assert_str_eq(http_error_code(&r), "too_many_attempts");
    http_response_free(&r);
    return status;
}

/* The "client" of the request log line with this request id, or "". */
static const char *logged_client(const struct harness_server *server, const char *request_id,
                                 char *out, size_t size)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\"request_id\":\"%s\"", request_id);
    out[0] = '\0';
    /* the line is written when the response has gone: it may come a moment
     * after the client has it */
    for (int tries = 0; tries < 50 && !out[0]; tries++) {
        if (tries)
            usleep(20000);
        char *log = harness_server_log(server);
        for (char *line = log; line && *line;) {
            char *end = strchr(line, '\n');
            if (end)
                *end = '\0';
            if (strstr(line, needle) && strstr(line, "\"event\":\"request\"")) {
                json_t *doc = json_loads(line, 0, NULL);
                const char *client = json_string_value(json_object_get(doc, "client"));
                snprintf(out, size, "%s", client ? client : "");
                json_decref(doc);
            }
            line = end ? end + 1 : NULL;
        }
        free(log);
    }
    return out;
}

/* The client address of the audit row with this request id, as
 * coordinators read it at GET /v1/audit. */
static const char *audited_client(const struct harness_server *server, const char *token,
                                  const char *email, const char *action, const char *request_id,
                                  char *out, size_t size)
{
    char sql[256], id[24], path[128];
    snprintf(sql, sizeof sql, "SELECT id FROM accounts WHERE email = '%s'", email);
    ck_assert(harness_db_value(&db, sql, id, sizeof id));
    snprintf(path, sizeof path, "/v1/audit?action=%s&principal_id=%s&limit=500", action, id);
    struct http_response r = http_call_as(server, token, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    out[0] = '\0';
    json_t *items = json_object_get(r.json, "items"), *item;
    size_t i;
    bool found = false;
    json_array_foreach(items, i, item)
    {
        const char *id_of_row = json_string_value(json_object_get(item, "request_id"));
        if (!id_of_row || strcmp(id_of_row, request_id) != 0)
            continue;
        json_t *client = json_object_get(item, "client_address");
        ck_assert_msg(json_is_string(client) || json_is_null(client), "client_address: a %d",
                      json_typeof(client));
        snprintf(out, size, "%s", json_is_string(client) ? json_string_value(client) : "null");
        found = true;
    }
    ck_assert_msg(found, "no %s audit row for request %s", action, request_id);
    http_response_free(&r);
    return out;
}

START_TEST(forwarded_addresses_are_believed_from_a_trusted_proxy)
{
    ck_assert_int_eq(harness_db_sql(&db, "DELETE FROM login_failures"), 0);
    char *coordinator = harness_login_new_account(&trusting, db.url, "coord@example.org", NULL);
    char text[64];

    /* 20 failures from forwarded address A (a different unknown account
     * each time, so that only the address adds up) */
    for (int i = 0; i < 20; i++) {
        char email[64];
        snprintf(email, sizeof email, "nobody-%d@example.org", i);
        ck_assert_int_eq(login_status(&trusting, email, "not the password", "198.51.100.1"), 401);
    }
    /* A is throttled, even with a right password for a real account */
    ck_assert_int_eq(login_status(&trusting, "coord@example.org", password, "198.51.100.1"), 429);
    /* B, and the proxy itself, are not */
    ck_assert_int_eq(login_status(&trusting, "nobody-b@example.org", "wrong", "198.51.100.2"), 401);
    ck_assert_int_eq(login_status(&trusting, "nobody-p@example.org", "wrong", NULL), 401);
    /* a client's own entry to the left of the proxy's is not believed */
    ck_assert_int_eq(
        login_status(&trusting, "nobody-c@example.org", "wrong", "198.51.100.2, 198.51.100.1"),
        429);
    ck_assert_int_eq(
        login_status(&trusting, "coord@example.org", password, "198.51.100.1, 198.51.100.3"), 200);

    /* the login's audit row and its request log line carry the forwarded address */
    struct http_response r =
        login_from(&trusting, "coord@example.org", password, "203.0.113.9", "proxy-login-1");
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert_str_eq(audited_client(&trusting, coordinator, "coord@example.org", "login",
                                    "proxy-login-1", text, sizeof text),
                     "203.0.113.9");
    ck_assert_str_eq(logged_client(&trusting, "proxy-login-1", text, sizeof text), "203.0.113.9");
    r = login_from(&trusting, "coord@example.org", "not the password", "[2001:DB8::0:9]:4711",
                   "proxy-failed-1");
    ck_assert_int_eq(r.status, 401);
    http_response_free(&r);
    ck_assert_str_eq(audited_client(&trusting, coordinator, "coord@example.org", "login_failed",
                                    "proxy-failed-1", text, sizeof text),
                     "2001:db8::9");
    ck_assert_str_eq(logged_client(&trusting, "proxy-failed-1", text, sizeof text), "2001:db8::9");

    /* garbage is not believed: the client is the proxy */
    r = login_from(&trusting, "coord@example.org", password, "unknown", "proxy-login-2");
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert_str_eq(audited_client(&trusting, coordinator, "coord@example.org", "login",
                                    "proxy-login-2", text, sizeof text),
                     "127.0.0.1");
    ck_assert_str_eq(logged_client(&trusting, "proxy-login-2", text, sizeof text), "127.0.0.1");
    free(coordinator);
}
END_TEST

/* A proxy that adds its own X-Forwarded-For line after the client's (as
 * HAProxy does) is read in full: the client's forged line does not win. */
START_TEST(every_line_of_a_forwarded_header_is_read)
{
    const char *headers[] = {"X-Forwarded-For: 198.51.100.66", "X-Forwarded-For: 203.0.113.50",
                             "X-Request-Id: proxy-two-lines", NULL};
    struct http_response r;
    http_call(&trusting, "GET", "/healthz", headers, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    char text[64];
    ck_assert_str_eq(logged_client(&trusting, "proxy-two-lines", text, sizeof text),
                     "203.0.113.50");
}
END_TEST

START_TEST(forwarded_addresses_are_ignored_without_trusted_proxies)
{
    ck_assert_int_eq(harness_db_sql(&db, "DELETE FROM login_failures"), 0);
    char *coordinator = harness_login_new_account(&plain, db.url, "plain@example.org", NULL);
    char text[64];
    /* 20 failures, each claiming another address: all count for the peer */
    for (int i = 0; i < 20; i++) {
        char email[64], address[32];
        snprintf(email, sizeof email, "nobody-%d@example.org", i);
        snprintf(address, sizeof address, "198.51.100.%d", 10 + i);
        ck_assert_int_eq(login_status(&plain, email, "not the password", address), 401);
    }
    ck_assert_int_eq(login_status(&plain, "nobody-x@example.org", "wrong", "198.51.100.99"), 429);
    ck_assert_int_eq(login_status(&plain, "nobody-y@example.org", "wrong", NULL), 429);

    /* the audit row and the log line name the peer */
    ck_assert_int_eq(harness_db_sql(&db, "DELETE FROM login_failures"), 0);
    struct http_response r =
        login_from(&plain, "plain@example.org", password, "203.0.113.9", "plain-login-1");
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    ck_assert_str_eq(audited_client(&plain, coordinator, "plain@example.org", "login",
                                    "plain-login-1", text, sizeof text),
                     "127.0.0.1");
    ck_assert_str_eq(logged_client(&plain, "plain-login-1", text, sizeof text), "127.0.0.1");
    /* rows of the operator's command line have none */
    ck_assert(harness_db_value(&db,
                               "SELECT count(*) FROM audit_log WHERE principal_kind = 'operator'"
                               " AND client_address IS NOT NULL",
                               text, sizeof text));
    ck_assert_str_eq(text, "0");
    free(coordinator);
}
END_TEST

/* ---- the flood ---- */

struct flood {
    atomic_bool stop;
    atomic_long ok, refused, busy, throttled, other;
    atomic_long first_other; /* the first unexpected status (-1: no answer) */
    atomic_long busy_without_retry_after;
};

struct flooder {
    struct flood *flood;
    int number;
};

static void *flood_logins(void *argument)
{
    const struct flooder *self = argument;
    struct flood *f = self->flood;
    bool right = self->number < FLOOD_RIGHT_CLIENTS;
    for (long i = 0; !atomic_load(&f->stop); i++) {
        /* a fresh address and account each time: the throttle tables never
         * stop this flood */
        char email[64], address[32];
        snprintf(email, sizeof email, "flood-%d-%ld@example.org", self->number, i);
        snprintf(address, sizeof address, "10.%d.%ld.%ld", self->number, (i / 250) % 250,
                 i % 250 + 1);
        struct http_response r = login_from(&flooded, right ? "right@example.org" : email,
                                            right ? password : "not the password", address, NULL);
        const char *code = http_error_code(&r);
        if (r.status == 200)
            atomic_fetch_add(&f->ok, 1);
        else if (r.status == 401)
            atomic_fetch_add(&f->refused, 1);
        else if (r.status == 429 && strcmp(code, "rate_limited") == 0) {
            char retry[16] = "";
            if (!http_header(&r, "Retry-After", retry, sizeof retry) || atoi(retry) < 1)
                atomic_fetch_add(&f->busy_without_retry_after, 1);
            atomic_fetch_add(&f->busy, 1);
        } else if (r.status == 429 && strcmp(code, "too_many_attempts") == 0)
            atomic_fetch_add(&f->throttled, 1);
        else {
            long none = 0;
            atomic_compare_exchange_strong(&f->first_other, &none, r.status ? r.status : -1);
            atomic_fetch_add(&f->other, 1);
        }
        http_response_free(&r);
    }
    return NULL;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(a_login_flood_does_not_hold_up_other_requests)
{
    char *token = harness_login_new_account(&flooded, db.url, "normal@example.org", NULL);
    free(harness_login_new_account(&flooded, db.url, "right@example.org", NULL));

    /* the normal client alone, for comparison */
    static double quiet_ms[NORMAL_REQUESTS / 3], during_ms[NORMAL_REQUESTS];
    size_t quiet = sizeof quiet_ms / sizeof quiet_ms[0];
    for (size_t i = 0; i < quiet; i++) {
        double start = now_ms();
        struct http_response r = http_call_as(&flooded, token, "GET", "/v1/placements", NULL);
        quiet_ms[i] = now_ms() - start;
        ck_assert_int_eq(r.status, 200);
        http_response_free(&r);
    }

    static struct flood f;
    static struct flooder flooders[FLOOD_CLIENTS];
    pthread_t threads[FLOOD_CLIENTS];
    for (int i = 0; i < FLOOD_CLIENTS; i++) {
        flooders[i] = (struct flooder){&f, i};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, flood_logins, &flooders[i]), 0);
    }
    usleep(500 * 1000); /* let it build up */

    double started = now_ms();
    long busy_before = atomic_load(&f.busy);
    for (int i = 0; i < NORMAL_REQUESTS; i++) {
        double start = now_ms();
        struct http_response r = http_call_as(&flooded, token, "GET", "/v1/placements", NULL);
        during_ms[i] = now_ms() - start;
        ck_assert_msg(r.status == 200, "request %d during the flood: status %ld %s", i, r.status,
                      r.body);
        http_response_free(&r);
        usleep(20 * 1000);
    }
    double lasted_s = (now_ms() - started) / 1e3;
    long busy_during = atomic_load(&f.busy) - busy_before;
    atomic_store(&f.stop, true);
    for (int i = 0; i < FLOOD_CLIENTS; i++)
        pthread_join(threads[i], NULL);

    qsort(quiet_ms, quiet, sizeof quiet_ms[0], compare_doubles);
    qsort(during_ms, NORMAL_REQUESTS, sizeof during_ms[0], compare_doubles);
    long total = f.ok + f.refused + f.busy + f.throttled + f.other;
    printf("flood: %d clients posting logins (%d with the right password), %ld answered in all: "
           "%ld 200, %ld 401, %ld 429 rate_limited (%ld while the normal client ran for %.1f s), "
           "%ld 429 too_many_attempts, %ld other\n",
           FLOOD_CLIENTS, FLOOD_RIGHT_CLIENTS, total, (long)f.ok, (long)f.refused, (long)f.busy,
           busy_during, lasted_s, (long)f.throttled, (long)f.other);
    printf("flood: normal client GET /v1/placements, %d during the flood: median %.1f ms, worst "
           "%.1f ms (alone before it: median %.1f ms, worst %.1f ms); all 200\n",
           NORMAL_REQUESTS, during_ms[NORMAL_REQUESTS / 2], during_ms[NORMAL_REQUESTS - 1],
           quiet_ms[quiet / 2], quiet_ms[quiet - 1]);
    fflush(stdout);

    ck_assert_msg(f.other == 0, "%ld unexpected answers, the first %ld", (long)f.other,
                  (long)f.first_other);
    ck_assert_int_eq(f.busy_without_retry_after, 0);
    ck_assert_int_gt(f.busy, 0); /* 40 clients against a few password slots */
    ck_assert_int_eq(f.throttled, 0);

    /* and logins work again at once */
    struct http_response r =
        login_from(&flooded, "right@example.org", password, "192.0.2.200", NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    free(token);
}
END_TEST

static void start(struct harness_server *server, const char *const *extra)
{
    int status = 0;
    if (!harness_server_start(server, db.url, extra, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        exit(2);
    }
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const trusting_args[] = {
        "--migrate", "--trusted-proxies",       "127.0.0.1/32", "--password-opslimit",
        "1",         "--password-memlimit-kib", "8192",         NULL};
    const char *const plain_args[] = {"--password-opslimit", "1", "--password-memlimit-kib", "8192",
                                      NULL};
    /* the default password cost and worker count: the flood as it would be */
    const char *const flooded_args[] = {"--trusted-proxies", "127.0.0.1/32", NULL};
    start(&trusting, trusting_args);
    start(&plain, plain_args);
    start(&flooded, flooded_args);

    Suite *s = suite_create("proxy");
    TCase *tc = tcase_create("proxy");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, forwarded_addresses_are_believed_from_a_trusted_proxy);
    tcase_add_test(tc, every_line_of_a_forwarded_header_is_read);
    tcase_add_test(tc, forwarded_addresses_are_ignored_without_trusted_proxies);
    suite_add_tcase(s, tc);
    TCase *flood = tcase_create("flood");
    tcase_set_timeout(flood, 180);
    tcase_add_test(flood, a_login_flood_does_not_hold_up_other_requests);
    suite_add_tcase(s, flood);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&trusting))
        failed++;
    if (!harness_server_stop_cleanly(&plain))
        failed++;
    if (!harness_server_stop_cleanly(&flooded))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
