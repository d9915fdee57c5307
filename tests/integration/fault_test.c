/* Faults under load, against the real daemon and PostgreSQL:
 *
 * - kill -9 of the daemon while eight clients write as fast as they can
 *   (seekers, applications, cancellations that queue webhooks): after a
 *   restart on the same database every acknowledged write is there, and
 *   every queued webhook reaches this test's receiver, twice only when the
 *   kill fell between sending it and recording that it was sent (the
 *   dispatcher promises at least once, see server/dispatcher.h);
 * - PostgreSQL stopped and started under a steady load: meanwhile 503
 *   database_unavailable (200 for routes without the database), nothing
 *   else, no crash, and success again soon after the start;
 * - the moment of that stop without its race: a pooled connection cut
 *   while new ones are refused is a 503 for a creating POST too.
 *
 * Each prints its figures on lines starting with "fault:". BPA_SOAK=1 runs
 * more and longer rounds and lets the dispatcher's claims run out by
 * themselves (about 40 s) instead of moving them forward. */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITERS    8 /* client threads of the kill test */
#define READERS    4 /* client threads of the PostgreSQL test */
#define PLACEMENTS 4

static struct harness_db db;
static struct harness_server server;
static char *coordinator, *portal_key;
static long long placements[PLACEMENTS];
static int receiver_port;
static bool soak;
/* Every daemon log this run made: removed at the end (nothing is left in
 * /tmp), unless BPA_KEEP_LOGS=1 keeps them for a look. */
static char logs[64][256];
static size_t log_count;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_s(double seconds)
{
    struct timespec t = {.tv_sec = (time_t)seconds,
                         .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&t, NULL);
}

/* --- a growable list of ids --- */

struct ids {
    long long *v;
    size_t n, cap;
};

static void ids_push(struct ids *ids, long long id)
{
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? 2 * ids->cap : 256;
        ids->v = realloc(ids->v, ids->cap * sizeof *ids->v);
        if (!ids->v)
            abort();
    }
    ids->v[ids->n++] = id;
}

static void ids_append(struct ids *to, const struct ids *from)
{
    for (size_t i = 0; i < from->n; i++)
        ids_push(to, from->v[i]);
}

/* "'{1,2,3}'::bigint[]" for SQL (integers of our own, nothing spliced from
 * outside); malloc'd. */
static char *id_array(const struct ids *ids)
{
    char *text = malloc(32 + 21 * ids->n);
    size_t used = (size_t)sprintf(text, "'{");
    for (size_t i = 0; i < ids->n; i++)
        used += (size_t)sprintf(text + used, "%s%lld", i ? "," : "", ids->v[i]);
    sprintf(text + used, "}'::bigint[]");
    return text;
}

/* The count `query` selects, which ends in "ANY(": the ids close it. */
static long long count_over(const char *query, const struct ids *ids)
{
    char *array = id_array(ids);
    size_t size = strlen(query) + strlen(array) + 2;
    char *sql = malloc(size);
    snprintf(sql, size, "%s%s)", query, array);
    char value[32] = "";
    bool ok = harness_db_value(&db, sql, value, sizeof value);
    free(sql);
    free(array);
    return ok ? atoll(value) : -1;
}

/* Calls `each` with the first column of every row `sql` selects; the row
 * count, or -1 on error. */
static long query_rows(const char *sql, void (*each)(const char *value, void *context),
                       void *context)
{
    PGconn *pg = PQconnectdb(db.url);
    PGresult *r = PQexec(pg, sql);
    long rows = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : -1;
    if (rows < 0)
        fprintf(stderr, "fault: %s: %s", sql, PQresultErrorMessage(r));
    for (long i = 0; i < rows; i++)
        each(PQgetvalue(r, (int)i, 0), context);
    PQclear(r);
    PQfinish(pg);
    return rows;
}

/* --- event ids: what the receiver got, what was claimed at a kill --- */

struct events {
    pthread_mutex_t lock;
    char (*v)[40];
    size_t n, cap;
};

static struct events received = {.lock = PTHREAD_MUTEX_INITIALIZER};
static struct events claimed_at_kill = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void events_add(const char *id, void *context)
{
    struct events *e = context;
    pthread_mutex_lock(&e->lock);
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 1024;
        e->v = realloc(e->v, e->cap * sizeof *e->v);
        if (!e->v)
            abort();
    }
    snprintf(e->v[e->n++], sizeof e->v[0], "%s", id ? id : "");
    pthread_mutex_unlock(&e->lock);
}

static int compare_event(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Sorts `e` for events_count (an empty one has no array to pass qsort). */
static void events_sort(struct events *e)
{
    if (e->n)
        qsort(e->v, e->n, sizeof e->v[0], compare_event);
}

/* How often `id` occurs in `e`, which is sorted. */
static size_t events_count(const struct events *e, const char *id)
{
    if (e->n == 0)
        return 0;
    char key[40];
    snprintf(key, sizeof key, "%s", id);
    char(*hit)[40] = bsearch(key, e->v, e->n, sizeof e->v[0], compare_event);
    if (!hit)
        return 0;
    char(*first)[40] = hit, (*last)[40] = hit;
    while (first > e->v && strcmp(first[-1], key) == 0)
        first--;
    while (last + 1 < e->v + e->n && strcmp(last[1], key) == 0)
        last++;
    return (size_t)(last - first) + 1;
}

/* --- the webhook receiver: records each call's event id, answers 200 --- */

static enum MHD_Result receive(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **context)
{
    (void)cls, (void)url, (void)method, (void)version, (void)data;
    if (!*context) {
        *context = c; /* the body is not needed: the event id is a header */
        return MHD_YES;
    }
    if (*size) {
        *size = 0;
        return MHD_YES;
    }
    events_add(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-BPA-Event-Id"), &received);
    struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return rc;
}

static int listen_on_free_port(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 64) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* --- the daemon --- */

/* A dispatcher that looks every `interval_ms` and may reach this test's
 * receiver; a one-second send timeout keeps its claims short (36 s). The
 * load comes from one portal and one coordinator: no request budget. The
 * retention job is off: its run would take a connection of the pool while
 * the faults are counted. */
static void start_daemon(const char *interval_ms)
{
    const char *const args[] = {"--migrate",
                                "--webhook-private-addresses",
                                "--notify-interval-ms",
                                interval_ms,
                                "--notify-timeout-seconds",
                                "1",
                                "--notify-backoff-seconds",
                                "0",
                                "--rate-limit",
                                "100000000",
                                "--retention-interval-minutes",
                                "0",
                                NULL};
    int status = 0;
    bool started = harness_server_start(&server, db.url, args, &status);
    if (log_count < sizeof logs / sizeof logs[0])
        snprintf(logs[log_count++], sizeof logs[0], "%s", server.log_path);
    if (!started) {
        fprintf(stderr, "fault: bpa-server exited at start, status %d\n", status);
        exit(2);
    }
}

static bool daemon_alive(void)
{
    return server.pid > 0 && waitpid(server.pid, NULL, WNOHANG) == 0;
}

static long long created_id(struct http_response *r)
{
    long long id = r->status == 201 || r->status == 200
                       ? json_integer_value(json_object_get(r->json, "id"))
                       : 0;
    http_response_free(r);
    return id;
}

static const char seeker_body[] =
    "{\"name\":\"Sanne Belasting\",\"postcode\":\"2522\",\"lat\":52.064,\"lon\":4.33,"
    "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
    "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,"
    "\"consent\":{\"purpose\":\"matching\",\"text_version\":\"1\","
    "\"given_at\":\"2026-11-01T10:00:00Z\"}}";

/* --- kill -9 under write load --- */

/* What a client thread was told: an unexpected answer is any but 2xx or no
 * answer at all (the daemon was killed mid-request). */
struct writer {
    pthread_t thread;
    int index;
    atomic_bool *stop;
    struct ids seekers, matches, cancels;
    long unexpected;
    char first_unexpected[300];
};

static bool answered(struct writer *w, struct http_response *r, long want)
{
    if (r->status == want)
        return true;
    if (r->status != 0 && w->unexpected++ == 0)
        snprintf(w->first_unexpected, sizeof w->first_unexpected, "%ld %.250s", r->status, r->body);
    return false;
}

/* A seeker, their application and its cancellation, over and over; each
 * step only after the previous was acknowledged. */
static void *write_load(void *context)
{
    struct writer *w = context;
    char path[64], body[128];
    while (!atomic_load(w->stop)) {
        struct http_response r =
            http_call_as(&server, portal_key, "POST", "/v1/seekers", seeker_body);
        if (!answered(w, &r, 201)) {
            http_response_free(&r);
            continue;
        }
        long long seeker = created_id(&r);
        ids_push(&w->seekers, seeker);
        snprintf(body, sizeof body, "{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker,
                 placements[w->index % PLACEMENTS]);
        r = http_call_as(&server, portal_key, "POST", "/v1/matches", body);
        if (!answered(w, &r, 201)) {
            http_response_free(&r);
            continue;
        }
        long long match = created_id(&r);
        ids_push(&w->matches, match);
        snprintf(path, sizeof path, "/v1/matches/%lld/transitions", match);
        r = http_call_as(&server, coordinator, "POST", path,
                         "{\"action\":\"cancel\",\"reason_code\":\"load_test\"}");
        if (answered(w, &r, 200))
            ids_push(&w->cancels, match);
        http_response_free(&r);
    }
    return NULL;
}

/* Adds a claimed event once: without the claims moved forward (BPA_SOAK),
 * an earlier kill's claim may still run at the next. Counts the new. */
static void add_claimed(const char *id, void *context)
{
    for (size_t i = 0; i < claimed_at_kill.n; i++)
        if (strcmp(claimed_at_kill.v[i], id) == 0)
            return;
    events_add(id, &claimed_at_kill);
    ++*(long *)context;
}

START_TEST(kill_9_under_write_load_loses_no_acknowledged_write)
{
    int rounds = soak ? 10 : 3;
    struct ids all_cancels = {0};
    long unexpected = 0;
    char first_unexpected[300] = "";
    start_daemon("20");
    for (int round = 1; round <= rounds; round++) {
        atomic_bool stop = false;
        struct writer writers[WRITERS];
        memset(writers, 0, sizeof writers);
        for (int i = 0; i < WRITERS; i++) {
            writers[i].index = i;
            writers[i].stop = &stop;
            ck_assert_int_eq(pthread_create(&writers[i].thread, NULL, write_load, &writers[i]), 0);
        }
        /* a different moment of the load each round */
        double load_s = (soak ? 3.0 : 1.2) + (double)randombytes_uniform(800) / 1000.0;
        sleep_s(load_s);
        bool alive = daemon_alive();
        int status = harness_server_stop(&server, SIGKILL);
        atomic_store(&stop, true);
        for (int i = 0; i < WRITERS; i++)
            pthread_join(writers[i].thread, NULL);

        struct ids seekers = {0}, matches = {0}, cancels = {0};
        for (int i = 0; i < WRITERS; i++) {
            ids_append(&seekers, &writers[i].seekers);
            ids_append(&matches, &writers[i].matches);
            ids_append(&cancels, &writers[i].cancels);
            if (writers[i].unexpected && !unexpected)
                snprintf(first_unexpected, sizeof first_unexpected, "%s",
                         writers[i].first_unexpected);
            unexpected += writers[i].unexpected;
            free(writers[i].seekers.v);
            free(writers[i].matches.v);
            free(writers[i].cancels.v);
        }
        /* With no daemon running, the webhooks claimed but not recorded are
         * those the kill interrupted: the only ones that may come twice. */
        const char *in_flight = "FROM notifications WHERE channel = 'webhook'"
                                " AND status IN ('pending', 'failed') AND next_attempt_at > now()";
        long claimed = 0;
        ck_assert_int_ge(query_rows(fmt("SELECT event_id %s", in_flight), add_claimed, &claimed),
                         0);
        if (!soak) /* as if the claims had run out, which takes 36 s */
            ck_assert_int_eq(
                harness_db_sql(&db, fmt("UPDATE notifications SET next_attempt_at = now() %s",
                                        strstr(in_flight, "WHERE"))),
                0);

        long long seekers_found =
            count_over("SELECT count(*) FROM seekers WHERE id = ANY(", &seekers);
        long long matches_found =
            count_over("SELECT count(*) FROM matches WHERE id = ANY(", &matches);
        long long cancels_found = count_over(
            "SELECT count(*) FROM matches WHERE state = 'cancelled' AND id = ANY(", &cancels);
        /* each acknowledged cancellation queued its portal's webhook */
        long long webhooks_queued =
            count_over("SELECT count(*) FROM notifications WHERE channel = 'webhook'"
                       " AND event_type = 'match_cancelled' AND match_id = ANY(",
                       &cancels);
        size_t acknowledged = seekers.n + matches.n + cancels.n;
        long long verified = seekers_found + matches_found + cancels_found;
        printf("fault: kill round %d: killed after %.2f s; writes acknowledged %zu (seekers %zu,"
               " matches %zu, cancellations %zu), verified after the kill %lld; webhooks queued by"
               " them %lld; claimed by the killed dispatcher %ld\n",
               round, load_s, acknowledged, seekers.n, matches.n, cancels.n, verified,
               webhooks_queued, claimed);
        fflush(stdout);
        ck_assert_msg(alive, "the daemon died under load before the kill; log %s", server.log_path);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
        ck_assert_msg(acknowledged > 0, "round %d acknowledged no write", round);
        ck_assert_msg(verified == (long long)acknowledged,
                      "round %d lost acknowledged writes: seekers %lld of %zu, matches %lld of"
                      " %zu, cancellations %lld of %zu",
                      round, seekers_found, seekers.n, matches_found, matches.n, cancels_found,
                      cancels.n);
        ck_assert_int_eq(webhooks_queued, (long long)cancels.n);
        ids_append(&all_cancels, &cancels);
        free(seekers.v);
        free(matches.v);
        free(cancels.v);

        start_daemon("20");
        /* the restarted daemon serves what its predecessor acknowledged */
        if (all_cancels.n) {
            struct http_response r =
                http_call_as(&server, coordinator, "GET",
                             fmt("/v1/matches/%lld", all_cancels.v[all_cancels.n - 1]), NULL);
            ck_assert_int_eq(r.status, 200);
            ck_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "cancelled");
            http_response_free(&r);
        }
    }
    ck_assert_msg(unexpected == 0, "%ld unexpected answers under load, the first: %s", unexpected,
                  first_unexpected);

    /* Every webhook queued in any round is delivered by the restarted
     * daemon: wait until none is left to send. */
    double waited = now_s(), limit = soak ? 90.0 : 30.0;
    char left[32] = "?";
    while (now_s() - waited < limit) {
        ck_assert(harness_db_value(&db,
                                   "SELECT count(*) FROM notifications WHERE channel = 'webhook'"
                                   " AND status <> 'delivered'",
                                   left, sizeof left));
        if (strcmp(left, "0") == 0)
            break;
        sleep_s(0.1);
    }
    ck_assert_msg(strcmp(left, "0") == 0, "%s webhooks still undelivered after %.0f s", left,
                  limit);

    struct events queued = {.lock = PTHREAD_MUTEX_INITIALIZER};
    query_rows("SELECT event_id FROM notifications WHERE channel = 'webhook'", events_add, &queued);
    pthread_mutex_lock(&received.lock);
    events_sort(&received);
    events_sort(&claimed_at_kill);
    events_sort(&queued);
    size_t missing = 0, duplicates = 0, unexplained = 0, strangers = 0;
    char first_missing[40] = "", first_unexplained[40] = "";
    for (size_t i = 0; i < queued.n; i++) {
        size_t times = events_count(&received, queued.v[i]);
        if (times == 0 && missing++ == 0)
            snprintf(first_missing, sizeof first_missing, "%s", queued.v[i]);
        if (times > 1) {
            duplicates += times - 1;
            if (events_count(&claimed_at_kill, queued.v[i]) == 0 && unexplained++ == 0)
                snprintf(first_unexplained, sizeof first_unexplained, "%s", queued.v[i]);
        }
    }
    for (size_t i = 0; i < received.n; i++)
        strangers += events_count(&queued, received.v[i]) == 0;
    size_t calls = received.n;
    pthread_mutex_unlock(&received.lock);
    printf("fault: notifications: webhooks queued %zu, delivered %zu (calls received %zu),"
           " duplicates %zu (all of events claimed at a kill: %s), claimed at the kills %zu\n",
           queued.n, queued.n - missing, calls, duplicates, unexplained ? "no" : "yes",
           claimed_at_kill.n);
    fflush(stdout);
    free(queued.v);
    free(all_cancels.v);
    ck_assert_msg(missing == 0, "%zu webhooks never reached the receiver, e.g. event %s", missing,
                  first_missing);
    ck_assert_msg(unexplained == 0,
                  "%zu events came twice though no kill interrupted them, e.g. event %s",
                  unexplained, first_unexplained);
    ck_assert_msg(strangers == 0, "%zu calls carried an event id the outbox does not hold",
                  strangers);
    ck_assert(harness_server_stop_cleanly(&server));
}
END_TEST

/* --- PostgreSQL stopped and started under load --- */

enum kind { HEALTHZ, READYZ, LIST, CREATE, KINDS };
static const char *const kind_names[] = {"GET /healthz", "GET /readyz", "GET /v1/seekers",
                                         "POST /v1/seekers"};

/* One answer: when it came, to what, and how. */
struct answer {
    double at;
    enum kind kind;
    long status;
    bool unavailable; /* a 503 with database_unavailable */
};

struct reader {
    pthread_t thread;
    int index;
    atomic_bool *stop;
    struct answer *answers;
    size_t n, cap;
    struct ids seekers; /* acknowledged creations */
};

/* The first success of a database route at or after recovery_since:
 * seconds of CLOCK_MONOTONIC, doubles, so a mutex rather than atomics. */
static pthread_mutex_t recovery_lock = PTHREAD_MUTEX_INITIALIZER;
static double recovery_since, recovered_at;

static void *steady_load(void *context)
{
    struct reader *r = context;
    for (unsigned turn = (unsigned)r->index; !atomic_load(r->stop); turn++) {
        enum kind kind = (enum kind)(turn % KINDS);
        struct http_response response;
        if (kind == HEALTHZ || kind == READYZ)
            http_call(&server, "GET", kind == HEALTHZ ? "/healthz" : "/readyz", NULL, NULL,
                      &response);
        else if (kind == LIST)
            response = http_call_as(&server, portal_key, "GET", "/v1/seekers?limit=1", NULL);
        else
            response = http_call_as(&server, portal_key, "POST", "/v1/seekers", seeker_body);
        double at = now_s();
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 1024;
            r->answers = realloc(r->answers, r->cap * sizeof *r->answers);
            if (!r->answers)
                abort();
        }
        r->answers[r->n++] = (struct answer){
            .at = at,
            .kind = kind,
            .status = response.status,
            .unavailable = response.status == 503 &&
                           strcmp(http_error_code(&response), "database_unavailable") == 0,
        };
        if (kind == CREATE && response.status == 201)
            ids_push(&r->seekers, json_integer_value(json_object_get(response.json, "id")));
        if (kind != HEALTHZ && response.status >= 200 && response.status < 300) {
            pthread_mutex_lock(&recovery_lock);
            if (recovery_since > 0 && at >= recovery_since && recovered_at == 0)
                recovered_at = at;
            pthread_mutex_unlock(&recovery_lock);
        }
        http_response_free(&response);
        /* a steady load, not a flood: about 100 requests a second in all */
        sleep_s(0.04);
    }
    return NULL;
}

static double recovered(void)
{
    pthread_mutex_lock(&recovery_lock);
    double at = recovered_at;
    pthread_mutex_unlock(&recovery_lock);
    return at;
}

START_TEST(postgres_stopped_and_started_under_load_is_503_then_recovers)
{
    if (!harness_db_owns_cluster(&db)) {
        printf("fault: skipped the PostgreSQL stop and start: BPA_DATABASE_URL is set, so the"
               " test cannot stop the database\n");
        return;
    }
    start_daemon("20");
    atomic_bool stop = false;
    struct reader readers[READERS];
    memset(readers, 0, sizeof readers);
    for (int i = 0; i < READERS; i++) {
        readers[i].index = i;
        readers[i].stop = &stop;
        ck_assert_int_eq(pthread_create(&readers[i].thread, NULL, steady_load, &readers[i]), 0);
    }
    int cycles = soak ? 3 : 1;
    double down_from[3], stopped[3], down_until[3], started[3], back[3];
    bool in_time = true;
    sleep_s(1.0);
    for (int c = 0; c < cycles; c++) {
        down_from[c] = now_s();
        harness_db_stop_server(&db); /* a fast shutdown: sessions are cut */
        stopped[c] = now_s();
        sleep_s(2.0);
        down_until[c] = now_s();
        pthread_mutex_lock(&recovery_lock);
        recovery_since = down_until[c];
        recovered_at = 0;
        pthread_mutex_unlock(&recovery_lock);
        harness_db_start_server(&db);
        started[c] = now_s();
        /* tests assert no timing; 30 s only ends a wait for what never comes */
        while (recovered() == 0 && now_s() - started[c] < 30.0)
            sleep_s(0.01);
        back[c] = recovered();
        if (back[c] == 0)
            in_time = false;
        sleep_s(1.0);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < READERS; i++)
        pthread_join(readers[i].thread, NULL);

    /* Sort the answers by phase: up, going down or coming up (either
     * answer is right), down, and back. */
    long total = 0, ok = 0, unavailable = 0, after_back = 0, unexpected = 0, down_ok = 0;
    char first_unexpected[160] = "";
    struct ids seekers = {0};
    for (int i = 0; i < READERS; i++) {
        ids_append(&seekers, &readers[i].seekers);
        for (size_t k = 0; k < readers[i].n; k++) {
            const struct answer *a = &readers[i].answers[k];
            bool success = a->status >= 200 && a->status < 300;
            bool down = false;
            for (int c = 0; c < cycles; c++) {
                /* stopped by then (an answer takes a moment to arrive); not yet
                 * starting */
                if (a->at > stopped[c] + 0.2 && a->at < down_until[c])
                    down = true;
                if (back[c] > 0 && a->at > back[c] && a->at < back[c] + 1.0 && !success &&
                    a->kind != HEALTHZ)
                    after_back++;
            }
            total++;
            ok += success;
            unavailable += a->unavailable;
            bool expected = success || (a->unavailable && a->kind != HEALTHZ);
            if (a->kind == HEALTHZ)
                expected = a->status == 200;
            if (down && success && a->kind != HEALTHZ)
                down_ok++;
            if (!expected && unexpected++ == 0)
                snprintf(first_unexpected, sizeof first_unexpected, "%s: %ld", kind_names[a->kind],
                         a->status);
        }
        free(readers[i].answers);
        free(readers[i].seekers.v);
    }
    printf("fault: postgres stop/start: %ld requests, 2xx %ld, 503 database_unavailable %ld,"
           " other %ld; failures of database routes in the second after the first success"
           " %ld\n",
           total, ok, unavailable, unexpected, after_back);
    /* pg_ctl start returns only once PostgreSQL accepts connections, and a
     * request may succeed before it has looked: counted from the command */
    for (int c = 0; c < cycles; c++)
        if (back[c] > 0)
            printf("fault: postgres stop/start %d: pg_ctl stop took %.2f s, then down %.2f s;"
                   " time to first success %.3f s after the start command (pg_ctl start"
                   " returned after %.3f s)\n",
                   c + 1, stopped[c] - down_from[c], down_until[c] - stopped[c],
                   back[c] - down_until[c], started[c] - down_until[c]);
    fflush(stdout);
    ck_assert_msg(daemon_alive(), "the daemon died; log %s", server.log_path);
    ck_assert_msg(unexpected == 0, "%ld answers neither 2xx nor 503 database_unavailable, e.g. %s",
                  unexpected, first_unexpected);
    ck_assert_msg(down_ok == 0, "%ld database routes succeeded while PostgreSQL was stopped",
                  down_ok);
    ck_assert_msg(unavailable > 0, "no 503 while PostgreSQL was stopped");
    ck_assert_msg(in_time, "no success within 30 s of PostgreSQL's start");
    /* recovered for good: every connection of the pool works again */
    for (int i = 0; i < 10; i++) {
        struct http_response r = http_call_as(&server, portal_key, "GET", "/v1/seekers", NULL);
        ck_assert_int_eq(r.status, 200);
        http_response_free(&r);
    }
    long long found = count_over("SELECT count(*) FROM seekers WHERE id = ANY(", &seekers);
    printf("fault: postgres stop/start: seekers created and acknowledged %zu, found %lld\n",
           seekers.n, found);
    ck_assert_int_eq(found, (long long)seekers.n);
    free(seekers.v);
    ck_assert(harness_server_stop_cleanly(&server));
}
END_TEST

/* --- a connection broken while PostgreSQL refuses new ones --- */

/* Runs `sql` on the server's administrative database (the test's own may
 * refuse connections); false on error. The first value it selects, if
 * any, goes to `out`. */
static bool admin_sql(const char *sql, char *out, size_t size)
{
    PGconn *pg = PQconnectdb(db.admin_url);
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "fault: %s: %s%s", sql, PQerrorMessage(pg), PQresultErrorMessage(r));
    if (out)
        snprintf(out, size, "%s", ok && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(pg);
    return ok;
}

static void *list_seekers(void *context)
{
    (void)context;
    struct http_response r = http_call_as(&server, portal_key, "GET", "/v1/seekers?limit=1", NULL);
    http_response_free(&r);
    return NULL;
}

/* Opens every connection of the daemon's pool: as many requests at once as
 * it has connections, held by a lock on their table until all are in. */
static void open_whole_pool(void)
{
    PGconn *holder = PQconnectdb(db.url);
    PQclear(PQexec(holder, "BEGIN; LOCK TABLE seekers IN ACCESS EXCLUSIVE MODE"));
    pthread_t threads[8]; /* the default --db-connections */
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, list_seekers, NULL), 0);
    char waiting[16] = "0";
    for (int tries = 0; tries < 200 && atoi(waiting) < 8; tries++) {
        sleep_s(0.02);
        harness_db_value(&db,
                         fmt("SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'"
                             " AND application_name = 'bpa-server' AND wait_event_type = 'Lock'",
                             db.name),
                         waiting, sizeof waiting);
    }
    PQclear(PQexec(holder, "COMMIT"));
    PQfinish(holder);
    for (int i = 0; i < 8; i++)
        pthread_join(threads[i], NULL);
}

/* What the stop of PostgreSQL does to a request, without the race: the
 * daemon's pooled connections are cut (its LISTEN connections are spared,
 * so a remembered credential stays trusted and the request reaches its
 * transaction without a query before it) and no new connection is let in,
 * so the reconnect fails too. Every pooled connection is open first, so
 * the daemon's own threads cannot use up the cut ones before the requests
 * come. A creating POST must answer 503 database_unavailable; under the
 * load above it once answered 400 (malformed_json then). */
START_TEST(a_create_on_a_cut_connection_while_connections_are_refused_is_503)
{
    /* a dispatcher that looks once a minute takes no cut connection, and
     * must not hold up the stop at the end for as long */
    start_daemon("60000");
    struct {
        const char *token, *path, *body;
        long status;
        char code[64];
    } creates[] = {
        {portal_key, "/v1/seekers", seeker_body, 0, ""},
        {coordinator, "/v1/employers",
         "{\"kvk_number\":\"66666666\",\"name\":\"Afgesneden BV\",\"postcode\":\"2516\","
         "\"lat\":52.076,\"lon\":4.336}",
         0, ""},
    };
    /* the credentials remembered */
    for (size_t i = 0; i < 2; i++) {
        struct http_response r =
            http_call_as(&server, creates[i].token, "GET", "/v1/auth/me", NULL);
        ck_assert_int_eq(r.status, 200);
        http_response_free(&r);
    }
    open_whole_pool();
    ck_assert(admin_sql(fmt("ALTER DATABASE %s WITH ALLOW_CONNECTIONS false", db.name), NULL, 0));
    /* without pg_terminate_backend's wait, which polls every 100 ms per
     * backend: meanwhile the daemon's own threads would use up the cut
     * connections */
    char pooled[256];
    snprintf(pooled, sizeof pooled,
             "FROM pg_stat_activity WHERE datname = '%s' AND application_name = 'bpa-server'"
             " AND query NOT LIKE 'LISTEN%%'",
             db.name);
    bool cut = admin_sql(fmt("SELECT pg_terminate_backend(pid) %s", pooled), NULL, 0);
    char left[16] = "?";
    for (int tries = 0; tries < 500 && cut && strcmp(left, "0") != 0; tries++)
        cut = admin_sql(fmt("SELECT count(*) %s", pooled), left, sizeof left);
    for (size_t i = 0; i < 2; i++) {
        struct http_response r =
            http_call_as(&server, creates[i].token, "POST", creates[i].path, creates[i].body);
        creates[i].status = r.status;
        snprintf(creates[i].code, sizeof creates[i].code, "%s", http_error_code(&r));
        http_response_free(&r);
    }
    /* connections let in again before any assertion can end the test */
    ck_assert(admin_sql(fmt("ALTER DATABASE %s WITH ALLOW_CONNECTIONS true", db.name), NULL, 0));
    ck_assert_msg(cut && strcmp(left, "0") == 0, "the pooled connections were not cut");
    for (size_t i = 0; i < 2; i++)
        printf("fault: cut connection, new ones refused: POST %s answered %ld %s\n",
               creates[i].path, creates[i].status, creates[i].code);
    fflush(stdout);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(creates[i].status == 503 &&
                          strcmp(creates[i].code, "database_unavailable") == 0,
                      "POST %s with the database unreachable answered %ld %s, not 503"
                      " database_unavailable (when BEGIN fails, server/handlers/resource.c"
                      " answers struct create's refusal, never set: 0, errors.def's first code)",
                      creates[i].path, creates[i].status, creates[i].code);
    struct http_response r = http_call_as(&server, portal_key, "GET", "/v1/seekers", NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    double stopping = now_s();
    ck_assert(harness_server_stop_cleanly(&server));
    printf("fault: SIGTERM with --notify-interval-ms 60000: stopped after %.2f s\n",
           now_s() - stopping);
}
END_TEST

/* Stops a daemon left running and drops the database or cluster, also
 * when the set-up or the harness gives up with exit(): nothing may be left
 * behind. The daemons' logs go too, unless BPA_KEEP_LOGS=1. */
static bool database_made;

static void clean_up(void)
{
    if (server.pid > 0)
        harness_server_stop(&server, SIGKILL);
    if (database_made) {
        database_made = false;
        harness_db_destroy(&db);
    }
    bool keep = getenv("BPA_KEEP_LOGS") && strcmp(getenv("BPA_KEEP_LOGS"), "1") == 0;
    for (size_t i = 0; i < log_count; i++) {
        if (keep)
            fprintf(stderr, "fault: daemon log kept: %s\n", logs[i]);
        else
            unlink(logs[i]);
    }
    log_count = 0;
}

/* An employer with open placements, a portal with a webhook to this
 * test's receiver, and a coordinator, through a first daemon. */
static void set_up_world(void)
{
    start_daemon("20");
    coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    long long portal;
    portal_key = harness_new_portal(db.url, "Loaded portal", &portal);
    struct http_response r = http_call_as(
        &server, coordinator, "POST", "/v1/employers",
        "{\"kvk_number\":\"55555555\",\"name\":\"Belastbaar BV\",\"postcode\":\"2516\","
        "\"lat\":52.076,\"lon\":4.336}");
    long long employer = created_id(&r);
    r = http_call_as(&server, coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                     "{\"verified\":true}");
    http_response_free(&r);
    char *employer_user =
        harness_login_new_account(&server, db.url, "werk@example.org", fmt("%lld", employer));
    for (int i = 0; i < PLACEMENTS; i++) {
        r = http_call_as(&server, employer_user, "POST", "/v1/placements",
                         "{\"title\":\"Magazijn\",\"postcode\":\"2516\",\"lat\":52.076,"
                         "\"lon\":4.336,\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\","
                         "\"to\":\"16:00\"}],\"hours_per_week\":8,\"start_date\":\"2027-02-01\","
                         "\"end_date\":\"2027-04-01\",\"capacity\":1}");
        placements[i] = created_id(&r);
        r = http_call_as(&server, employer_user, "POST",
                         fmt("/v1/placements/%lld/open", placements[i]), NULL);
        if (!placements[i] || r.status != 200) {
            fprintf(stderr, "fault: opening a placement failed: %ld %s\n", r.status, r.body);
            exit(2);
        }
        http_response_free(&r);
    }
    free(employer_user);
    r = http_call_as(&server, portal_key, "PUT", "/v1/portal/webhook",
                     fmt("{\"url\":\"http://127.0.0.1:%d/hook\"}", receiver_port));
    if (r.status != 200) {
        fprintf(stderr, "fault: registering the webhook failed: %ld %s\n", r.status, r.body);
        exit(2);
    }
    http_response_free(&r);
    if (!harness_server_stop_cleanly(&server))
        exit(2);
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    soak = getenv("BPA_SOAK") && strcmp(getenv("BPA_SOAK"), "1") == 0;
    int receiver_socket = listen_on_free_port(&receiver_port);
    struct MHD_Daemon *receiver =
        receiver_socket < 0
            ? NULL
            : MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                               NULL, NULL, receive, NULL, MHD_OPTION_LISTEN_SOCKET, receiver_socket,
                               MHD_OPTION_END);
    if (!receiver)
        return 2;
    harness_db_create(&db);
    database_made = true;
    atexit(clean_up);
    set_up_world();

    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("under load");
    tcase_add_test(tc, kill_9_under_write_load_loses_no_acknowledged_write);
    tcase_add_test(tc, postgres_stopped_and_started_under_load_is_503_then_recovers);
    tcase_add_test(tc, a_create_on_a_cut_connection_while_connections_are_refused_is_503);
    suite_add_tcase(s, tc);
    /* in this process: the receiver's record and the daemon live here */
    SRunner *runner = srunner_create(s);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    if (failed && !(getenv("BPA_KEEP_LOGS") && strcmp(getenv("BPA_KEEP_LOGS"), "1") == 0))
        fprintf(stderr, "fault: BPA_KEEP_LOGS=1 keeps the daemons' logs\n");
    clean_up();
    MHD_stop_daemon(receiver);
    free(received.v);
    free(claimed_at_kill.v);
    free(coordinator);
    free(portal_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
