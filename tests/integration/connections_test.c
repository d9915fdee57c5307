/* The connection model under pressure, over real sockets against a real
 * daemon and database: a thousand connections that send their headers a
 * byte at a time and a thousand idle kept-alive connections must not keep
 * a normal client from being served, and the slow ones are closed at the
 * request deadline even though they never go idle. */
#define _GNU_SOURCE /* strcasestr */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOW_CONNECTIONS    1000
#define IDLE_CONNECTIONS    1000
#define NORMAL_REQUESTS     200
#define DEADLINE_SECONDS    3
#define DRIBBLE_INTERVAL_MS 200

static struct harness_db db;
static struct harness_server server;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One whole response on a kept-alive socket: its status, or 0. */
static int read_response(int fd)
{
    char buffer[8192];
    size_t used = 0;
    char *end = NULL;
    while (!end) {
        ssize_t n = recv(fd, buffer + used, sizeof buffer - 1 - used, 0);
        if (n <= 0)
            return 0;
        used += (size_t)n;
        buffer[used] = '\0';
        end = strstr(buffer, "\r\n\r\n");
        if (!end && used == sizeof buffer - 1)
            return 0;
    }
    const char *length = strcasestr(buffer, "\r\nContent-Length:");
    size_t body = length ? strtoul(length + 17, NULL, 10) : 0;
    size_t have = used - (size_t)(end + 4 - buffer);
    int status = atoi(buffer + 9);
    while (have < body) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return 0;
        have += (size_t)n;
    }
    return status;
}

static int get_kept_alive(int fd)
{
    if (!raw_send(fd, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"))
        return 0;
    return read_response(fd);
}

struct dribblers {
    int fds[SLOW_CONNECTIONS];
    double opened[SLOW_CONNECTIONS];
    double dropped[SLOW_CONNECTIONS]; /* seconds after opening; 0 while open */
    atomic_int open;
    atomic_bool stop;
};

/* Sends one more header byte to every open slow connection in turn, and
 * notices the ones the server closed. */
static void *dribble(void *argument)
{
    struct dribblers *d = argument;
    static const char header[] =
        "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t round = 0; !atomic_load(&d->stop) && atomic_load(&d->open) > 0; round++) {
        for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            if (d->dropped[i] > 0)
                continue;
            char byte[2] = {header[round % (sizeof header - 1)], '\0'};
            struct pollfd p = {.fd = d->fds[i], .events = POLLIN};
            bool closed = poll(&p, 1, 0) > 0; /* EOF or reset: nothing else is sent to it */
            if (!closed)
                closed =
                    send(d->fds[i], byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1 && errno != EAGAIN;
            if (closed) {
                d->dropped[i] = now_s() - d->opened[i];
                atomic_fetch_sub(&d->open, 1);
            }
        }
        usleep(DRIBBLE_INTERVAL_MS * 1000);
    }
    return NULL;
}

START_TEST(slow_and_idle_connections_do_not_starve_a_normal_client)
{
    char *token = harness_login_new_account(&server, db.url, "normal@example.org", NULL);

    static int idle[IDLE_CONNECTIONS];
    for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        idle[i] = raw_connect(&server);
        ck_assert_msg(idle[i] >= 0, "idle connection %d could not connect", i);
        ck_assert_int_eq(get_kept_alive(idle[i]), 200);
    }

    static struct dribblers d;
    memset(&d, 0, sizeof d);
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        d.fds[i] = raw_connect(&server);
        ck_assert_msg(d.fds[i] >= 0, "slow connection %d could not connect", i);
        d.opened[i] = now_s();
        ck_assert(raw_send(d.fds[i], "GET /healthz HTTP/1.1\r\nHost: test\r\n"));
    }
    atomic_store(&d.open, SLOW_CONNECTIONS);
    pthread_t dribbler;
    ck_assert_int_eq(pthread_create(&dribbler, NULL, dribble, &d), 0);

    /* The normal client: a route that needs the database and a credential. */
    static double latency_ms[NORMAL_REQUESTS];
    int answered = 0;
    for (int i = 0; i < NORMAL_REQUESTS; i++) {
        double start = now_s();
        struct http_response r = http_call_as(&server, token, "GET", "/v1/placements", NULL);
        latency_ms[i] = (now_s() - start) * 1000;
        ck_assert_msg(r.status == 200, "request %d: status %ld", i, r.status);
        answered++;
        http_response_free(&r);
    }

    /* The slow ones are dropped at the deadline, never by the idle timeout
     * (they are never idle for long). */
    double waited = now_s();
    while (atomic_load(&d.open) > 0 && now_s() - waited < 30)
        usleep(100 * 1000);
    atomic_store(&d.stop, true);
    pthread_join(dribbler, NULL);
    ck_assert_msg(atomic_load(&d.open) == 0, "%d slow connections still open",
                  atomic_load(&d.open));
    static double dropped[SLOW_CONNECTIONS];
    memcpy(dropped, d.dropped, sizeof dropped);
    qsort(dropped, SLOW_CONNECTIONS, sizeof dropped[0], compare_doubles);
    ck_assert_msg(dropped[0] >= DEADLINE_SECONDS - 0.1, "a slow connection closed after %.2f s",
                  dropped[0]);

    /* The idle kept-alive connections are still there and still served. */
    for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        ck_assert_msg(get_kept_alive(idle[i]) == 200, "kept-alive connection %d was lost", i);
        close(idle[i]);
    }
    for (int i = 0; i < SLOW_CONNECTIONS; i++)
        close(d.fds[i]);

    qsort(latency_ms, NORMAL_REQUESTS, sizeof latency_ms[0], compare_doubles);
    printf("connections: %d of %d normal requests answered while %d connections dribbled "
           "headers and %d idled; latency median %.1f ms, worst %.1f ms\n",
           answered, NORMAL_REQUESTS, SLOW_CONNECTIONS, IDLE_CONNECTIONS,
           latency_ms[NORMAL_REQUESTS / 2], latency_ms[NORMAL_REQUESTS - 1]);
    printf("connections: the %d slow ones were closed %.2f s (first) to %.2f s (last) after "
           "opening; deadline %d s\n",
           SLOW_CONNECTIONS, dropped[0], dropped[SLOW_CONNECTIONS - 1], DEADLINE_SECONDS);
    fflush(stdout);
    char *log = harness_server_log(&server);
    ck_assert_ptr_nonnull(strstr(log, "\"request_deadline_missed\""));
    free(log);
    free(token);
}
END_TEST

START_TEST(a_connection_that_sends_nothing_is_closed_at_the_deadline)
{
    int fd = raw_connect(&server);
    ck_assert_int_ge(fd, 0);
    double start = now_s();
    char byte;
    struct timeval timeout = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ssize_t n = recv(fd, &byte, 1, 0);
    double after = now_s() - start;
    ck_assert_msg(n == 0 || (n < 0 && errno == ECONNRESET), "recv gave %zd", n);
    ck_assert_msg(after >= DEADLINE_SECONDS - 0.1 && after < 15, "closed after %.2f s", after);
    close(fd);
}
END_TEST

static void raise_descriptor_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    raise_descriptor_limit();
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
        limit.rlim_cur < SLOW_CONNECTIONS + IDLE_CONNECTIONS + 200) {
        printf("connections: skipped, only %llu file descriptors may be open\n",
               (unsigned long long)limit.rlim_cur);
        return 0;
    }
    harness_db_create(&db);
    char deadline[8];
    snprintf(deadline, sizeof deadline, "%d", DEADLINE_SECONDS);
    const char *const extra[] = {"--migrate", "--request-deadline-seconds",
                                 deadline,    "--keepalive-seconds",
                                 "300",       "--max-connections",
                                 "5000",      "--max-connections-per-address",
                                 "5000",      "--db-connections",
                                 "4",         "--workers",
                                 "4",         NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d)\n", status);
        harness_db_destroy(&db);
        return 2;
    }

    Suite *s = suite_create("connections");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, slow_and_idle_connections_do_not_starve_a_normal_client);
    tcase_add_test(tc, a_connection_that_sends_nothing_is_closed_at_the_deadline);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&server))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
