/* Long polling of the change feed (GET /v1/changes?wait=N) against a real
 * daemon and database: a waiting portal is answered when an employer opens
 * a placement; a wait that ends answers an empty page; a thousand waiting
 * requests hold neither the daemon's two workers nor its two database
 * connections, so other requests are served meanwhile, and all thousand
 * are answered by one change; a daemon that stops answers its waiters at
 * once instead of at the end of their wait. */
#include "api_checks.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAITERS         1000
#define NORMAL_REQUESTS 100
#define STOPPED_WAITERS 20

static struct harness_db db;
static struct harness_server server;
static struct api_feed_cast cast;

/* The daemon: two workers and two database connections, so that a
 * thousand waiters could not be served if each held either. */
static const char *const daemon_options[] = {"--workers",
                                             "2",
                                             "--db-connections",
                                             "2",
                                             "--max-connections",
                                             "5000",
                                             "--max-connections-per-address",
                                             "5000",
                                             "--rate-limit",
                                             "1000000",
                                             NULL};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long long latest_seq(void)
{
    char text[32];
    ck_assert(
        harness_db_value(&db, "SELECT COALESCE(max(seq), 0) FROM changes", text, sizeof text));
    return atoll(text);
}

/* The requests parked in `daemon`, from its metrics. */
static long parked(const struct harness_server *daemon)
{
    struct http_response r;
    http_call(daemon, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    const char *line = strstr(r.body, "\nbpa_long_poll_waiting ");
    ck_assert_msg(line, "no bpa_long_poll_waiting in /metrics");
    long count = atol(line + strlen("\nbpa_long_poll_waiting "));
    http_response_free(&r);
    return count;
}

/* A count from `daemon`'s latency histogram of GET /v1/changes: the
 * requests within `le` seconds ("+Inf": all). */
static long changes_within(const struct harness_server *daemon, const char *le)
{
    struct http_response r;
    http_call(daemon, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    const char *label = fmt("bpa_http_request_duration_seconds_bucket{method=\"GET\","
                            "route=\"/v1/changes\",le=\"%s\"} ",
                            le);
    const char *line = strstr(r.body, label);
    ck_assert_msg(line, "no %s in /metrics", label);
    long count = atol(line + strlen(label));
    http_response_free(&r);
    return count;
}

/* Waits (at most a minute) until `daemon` has `count` requests parked. */
static void await_parked(const struct harness_server *daemon, long count)
{
    long now = 0;
    for (int i = 0; i < 600 && (now = parked(daemon)) != count; i++)
        usleep(100 * 1000);
    ck_assert_int_eq(now, count);
}

static long long open_placement(const char *token)
{
    struct http_response r =
        api_call(&server, token, "POST", "/v1/placements", api_placement_body(cast.employer, 1));
    API_EXPECT(r, 201, NULL);
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    API_EXPECT_ANSWER(api_call(&server, token, "POST", fmt("/v1/placements/%lld/open", id), NULL),
                      200, NULL);
    return id;
}

struct long_poll {
    const char *token;
    long long after;
    int wait;
    struct http_response response;
    double answered_at;
};

static void *poll_changes(void *argument)
{
    struct long_poll *p = argument;
    p->response = api_call(&server, p->token, "GET",
                           fmt("/v1/changes?after=%lld&wait=%d", p->after, p->wait), NULL);
    p->answered_at = now_s();
    return NULL;
}

START_TEST(a_waiting_portal_hears_of_a_placement_opened_by_an_employer)
{
    struct long_poll p = {.token = cast.portal_a_key, .after = latest_seq(), .wait = 30};
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, poll_changes, &p), 0);
    await_parked(&server, 1);
    long long placement = open_placement(cast.employer_user);
    double opened_at = now_s();
    pthread_join(thread, NULL);
    API_EXPECT(p.response, 200, NULL);
    /* woken by the opening: a wait that ran out would be an empty page */
    const json_t *items = json_object_get(p.response.json, "items");
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(api_text(json_array_get(items, 0), "kind"), "placement_opened");
    ck_assert_int_eq(api_number(json_array_get(items, 0), "placement_id"), placement);
    printf("long_poll: answered %.0f ms after the opening was answered\n",
           (p.answered_at - opened_at) * 1000);
    http_response_free(&p.response);
    ck_assert_int_eq(parked(&server), 0);
}
END_TEST

/* A key revoked while its request waits answers nothing more: woken, the
 * request shows its credential again and is refused. */
START_TEST(a_key_revoked_during_a_wait_gets_no_page)
{
    struct http_response r = api_call(&server, cast.coordinator, "POST",
                                      fmt("/v1/portals/%lld/keys", cast.portal_a), NULL);
    API_EXPECT(r, 201, NULL);
    char *key = strdup(api_text(r.json, "api_key"));
    long long key_id = api_number(r.json, "key_id");
    http_response_free(&r);
    struct long_poll p = {.token = key, .after = latest_seq(), .wait = 30};
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, poll_changes, &p), 0);
    await_parked(&server, 1);
    API_EXPECT_ANSWER(api_call(&server, cast.coordinator, "DELETE",
                               fmt("/v1/portals/%lld/keys/%lld", cast.portal_a, key_id), NULL),
                      204, NULL);
    open_placement(cast.employer_user); /* news for every portal: the wait ends */
    pthread_join(thread, NULL);
    API_EXPECT(p.response, 401, "unauthenticated");
    http_response_free(&p.response);
    free(key);
}
END_TEST

START_TEST(a_wait_that_ends_answers_an_empty_page_and_another_portals_news_wakes_nobody)
{
    long long after = latest_seq();
    struct long_poll p = {.token = cast.portal_a_key, .after = after, .wait = 2};
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, poll_changes, &p), 0);
    await_parked(&server, 1);
    /* portal B's seeker and its consent: news for B only */
    API_EXPECT_ANSWER(
        api_call(&server, cast.portal_b_key, "POST", "/v1/seekers", api_seeker_body("Ander", "")),
        201, NULL);
    ck_assert_int_gt(latest_seq(), after);
    pthread_join(thread, NULL);
    API_EXPECT(p.response, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(p.response.json, "items")), 0);
    ck_assert_int_eq(atoll(api_text(p.response.json, "next_cursor")), after);
    http_response_free(&p.response);
    /* the latency histogram counts the daemon's time, not the 2 s waited */
    ck_assert_int_gt(changes_within(&server, "+Inf"), 0);
    ck_assert_int_eq(changes_within(&server, "1"), changes_within(&server, "+Inf"));

    /* what is there already is answered, wait or not */
    struct http_response r = api_call(&server, cast.portal_b_key, "GET",
                                      fmt("/v1/changes?after=%lld&wait=30", after), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_ge(json_array_size(json_object_get(r.json, "items")), 1);
    http_response_free(&r);
    r = api_call(&server, cast.portal_a_key, "GET", "/v1/changes?wait=61", NULL);
    API_EXPECT(r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "wait"));
    http_response_free(&r);
}
END_TEST

/* Sends a long poll on a socket of its own; the socket, or -1. */
static int send_long_poll(const struct harness_server *daemon, const char *token, long long after,
                          int wait)
{
    int fd = raw_connect(daemon);
    if (fd < 0)
        return -1;
    if (!raw_send(fd, fmt("GET /v1/changes?after=%lld&wait=%d HTTP/1.1\r\nHost: localhost\r\n"
                          "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
                          after, wait, token))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* How many of `fds` have something to read (an answer, or a close). */
static int readable(const int *fds, int count)
{
    struct pollfd *p = calloc((size_t)count, sizeof *p);
    for (int i = 0; i < count; i++)
        p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    int ready = poll(p, (nfds_t)count, 0);
    free(p);
    return ready;
}

START_TEST(a_thousand_waiting_portals_leave_the_daemon_free_and_hear_one_change)
{
    static int fds[WAITERS];
    long long after = latest_seq();
    for (int i = 0; i < WAITERS; i++) {
        fds[i] = send_long_poll(&server, i % 2 ? cast.portal_b_key : cast.portal_a_key, after, 60);
        ck_assert_msg(fds[i] >= 0, "long poll %d could not be sent", i);
    }
    await_parked(&server, WAITERS);

    /* two workers, two connections, a thousand waiting: others are served */
    double started = now_s();
    for (int i = 0; i < NORMAL_REQUESTS; i++) {
        const char *token = i % 2 ? cast.coordinator : cast.portal_a_key;
        API_EXPECT_ANSWER(api_call(&server, token, "GET", "/v1/placements?limit=5", NULL), 200,
                          NULL);
    }
    printf("long_poll: %d requests served in %.0f ms while %d waited\n", NORMAL_REQUESTS,
           (now_s() - started) * 1000, WAITERS);
    ck_assert_int_eq(readable(fds, WAITERS), 0);
    ck_assert_int_eq(parked(&server), WAITERS);

    long long placement = open_placement(cast.coordinator);
    started = now_s();
    char expected[64];
    snprintf(expected, sizeof expected, "\"placement_id\":%lld", placement);
    for (int i = 0; i < WAITERS; i++) {
        char *answer = raw_read_all(fds[i]);
        ck_assert_msg(strncmp(answer, "HTTP/1.1 200", 12) == 0, "waiter %d: %.80s", i, answer);
        ck_assert_msg(strstr(answer, "\"placement_opened\"") && strstr(answer, expected),
                      "waiter %d: %.300s", i, answer);
        free(answer);
    }
    printf("long_poll: all %d waiters answered %.0f ms after the opening\n", WAITERS,
           (now_s() - started) * 1000);
    ck_assert_int_eq(parked(&server), 0);
}
END_TEST

START_TEST(a_stopping_daemon_answers_its_waiters_at_once)
{
    /* a daemon of its own: its shutdown timeout (5 s) is shorter than the
     * wait, so waiters it did not wake would be cut off without an answer */
    struct harness_server stopping = {0};
    const char *const options[] = {"--shutdown-timeout", "5", NULL};
    int status = 0;
    ck_assert_msg(harness_server_start(&stopping, db.url, options, &status), "status %d", status);
    long long after = latest_seq();
    int fds[STOPPED_WAITERS];
    for (int i = 0; i < STOPPED_WAITERS; i++)
        ck_assert_int_ge(fds[i] = send_long_poll(&stopping, cast.portal_a_key, after, 60), 0);
    await_parked(&stopping, STOPPED_WAITERS);
    double started = now_s();
    status = harness_server_stop(&stopping, SIGTERM);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    printf("long_poll: stopped with %d waiters in %.0f ms\n", STOPPED_WAITERS,
           (now_s() - started) * 1000);
    char page[64];
    snprintf(page, sizeof page, "{\"items\":[],\"next_cursor\":\"%lld\"}", after);
    for (int i = 0; i < STOPPED_WAITERS; i++) {
        char *answer = raw_read_all(fds[i]);
        ck_assert_msg(strncmp(answer, "HTTP/1.1 200", 12) == 0 && strstr(answer, page),
                      "waiter %d: %.300s", i, answer);
        free(answer);
    }
}
END_TEST

static bool enough_descriptors(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return false;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= WAITERS + 200;
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    if (!enough_descriptors()) {
        fprintf(stderr, "long_poll_test: fewer than %d file descriptors may be open\n",
                WAITERS + 200);
        return 2;
    }
    harness_db_create(&db);
    const char *options[32] = {"--migrate"};
    memcpy(options + 1, daemon_options, sizeof daemon_options);
    int failed = 1;
    if (api_start_with_reference_data(&server, &db, options)) {
        if (api_feed_cast_set_up(&server, &db, &cast)) {
            Suite *s = suite_create("long_poll");
            TCase *tc = tcase_create("long_poll");
            tcase_set_timeout(tc, 180);
            tcase_add_test(tc, a_waiting_portal_hears_of_a_placement_opened_by_an_employer);
            tcase_add_test(tc, a_key_revoked_during_a_wait_gets_no_page);
            tcase_add_test(
                tc, a_wait_that_ends_answers_an_empty_page_and_another_portals_news_wakes_nobody);
            tcase_add_test(tc,
                           a_thousand_waiting_portals_leave_the_daemon_free_and_hear_one_change);
            tcase_add_test(tc, a_stopping_daemon_answers_its_waiters_at_once);
            suite_add_tcase(s, tc);
            failed = harness_run_suite(s);
        } else {
            fprintf(stderr, "long_poll_test: setting up failed\n");
        }
        if (!harness_server_stop_cleanly(&server))
            failed++;
    }
    harness_db_destroy(&db);
    api_feed_cast_free(&cast);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
