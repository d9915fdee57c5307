/* Reads on one connection in pipeline mode, driven by a thread of its own.
 *
 * The thread sleeps in poll() on two descriptors: an eventfd that submit
 * writes to, and the connection's socket. Woken by submit, it sends every
 * queued read at once and flushes; woken by the socket, it hands out every
 * result that is complete. So the reads of requests that arrive together
 * travel in one write and come back in one read, and PostgreSQL's backend
 * wakes once for all of them. One sync follows each batch; when a read
 * fails, PostgreSQL skips the rest of its batch, and those reads fail as
 * UNAVAILABLE (whose callers run them again the ordinary way).
 *
 * While the connection is down, reads are refused at once (the caller runs
 * them the ordinary way, which reports the outage); the thread reconnects
 * at most once a second. */
#include "internal.h"

#include "log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* A read sent this long ago without an answer means the connection is
 * stuck: it is dropped and its reads fail as UNAVAILABLE. */
#define READ_WAIT_MS      5000
#define RECONNECT_WAIT_MS 1000

struct read {
    const char *statement; /* a name from a statement table: static */
    int count;
    char *values[BPA_DB_PIPELINE_MAX_PARAMS];
    bpa_db_read_done done;
    void *context;
    struct read *next;
    int64_t sent_ms;
    /* the answer, as it arrives */
    enum bpa_db_status status;
    char *value; /* the first column of the first row, or NULL */
};

struct bpa_db_pipeline {
    pthread_mutex_t lock;
    struct read *queued, *queued_tail; /* under lock */
    bool woken;                        /* under lock: the thread will look at `queued` */
    bool stopping;                     /* under lock */
    int wake;                          /* eventfd */
    atomic_bool connected;
    atomic_uint_fast64_t reads, failures;
    struct bpa_db_counters counters;
    struct bpa_db_conn conn;
    char *url;
    struct read *sent, *sent_tail; /* the thread's own, */
    unsigned syncs;                /* and the syncs sent and not yet answered */
    pthread_t thread;
};

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void finish_read(struct bpa_db_pipeline *pipeline, struct read *read,
                        enum bpa_db_status status)
{
    if (status != BPA_DB_OK) {
        atomic_fetch_add(&pipeline->failures, 1);
        free(read->value);
        read->value = NULL;
    }
    read->done(read->context, status, read->value); /* takes the value */
    for (int i = 0; i < read->count; i++)
        free(read->values[i]);
    free(read);
}

static void fail_all(struct bpa_db_pipeline *pipeline, struct read *list)
{
    while (list) {
        struct read *next = list->next;
        finish_read(pipeline, list, BPA_DB_UNAVAILABLE);
        list = next;
    }
}

/* The connection broke or stuck: what was sent fails, and the thread
 * reconnects before it sends anything more. */
static void drop_connection(struct bpa_db_pipeline *pipeline, const char *why)
{
    atomic_store(&pipeline->connected, false);
    bpa_log(BPA_LOG_WARN, "db_pipeline_dropped",
            json_pack("{s:s, s:s}", "reason", why, "message",
                      pipeline->conn.pg ? PQerrorMessage(pipeline->conn.pg) : ""));
    PQfinish(pipeline->conn.pg);
    pipeline->conn.pg = NULL;
    struct read *sent = pipeline->sent;
    pipeline->sent = pipeline->sent_tail = NULL;
    pipeline->syncs = 0;
    fail_all(pipeline, sent);
}

static bool connect_pipeline(struct bpa_db_pipeline *pipeline)
{
    if (bpa_db_conn_reconnect(&pipeline->conn) != BPA_DB_OK) /* prepares every statement */
        return false;
    if (!PQenterPipelineMode(pipeline->conn.pg) || PQsetnonblocking(pipeline->conn.pg, 1) != 0) {
        PQfinish(pipeline->conn.pg);
        pipeline->conn.pg = NULL;
        return false;
    }
    atomic_store(&pipeline->connected, true);
    return true;
}

/* Sends every queued read, then one sync (which flushes). */
static void send_queued(struct bpa_db_pipeline *pipeline)
{
    pthread_mutex_lock(&pipeline->lock);
    struct read *read = pipeline->queued;
    pipeline->queued = pipeline->queued_tail = NULL;
    pipeline->woken = false;
    pthread_mutex_unlock(&pipeline->lock);
    if (!read)
        return;
    int64_t now = now_ms();
    bool sent_any = false;
    while (read) {
        struct read *next = read->next;
        read->next = NULL;
        if (!pipeline->conn.pg ||
            !PQsendQueryPrepared(pipeline->conn.pg, read->statement, read->count,
                                 (const char *const *)read->values, NULL, NULL, 0)) {
            finish_read(pipeline, read, BPA_DB_UNAVAILABLE);
        } else {
            sent_any = true;
            read->sent_ms = now;
            if (pipeline->sent_tail)
                pipeline->sent_tail->next = read;
            else
                pipeline->sent = read;
            pipeline->sent_tail = read;
        }
        read = next;
    }
    if (sent_any && !PQpipelineSync(pipeline->conn.pg))
        drop_connection(pipeline, "send failed");
    else if (sent_any)
        pipeline->syncs++;
}

static void take_result(struct bpa_db_pipeline *pipeline, struct read *read, PGresult *result)
{
    enum bpa_db_status status = bpa_db_classify(pipeline->conn.pg, result);
    if (status == BPA_DB_OK && !read->value && PQntuples(result) > 0 &&
        !PQgetisnull(result, 0, 0) && !(read->value = strdup(PQgetvalue(result, 0, 0))))
        status = BPA_DB_HARD;
    if (status != BPA_DB_OK && read->status == BPA_DB_OK) {
        read->status = status;
        const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        bpa_log(BPA_LOG_WARN, "db_error",
                json_pack("{s:s, s:s, s:s}", "statement", read->statement, "sqlstate",
                          state ? state : "", "message", PQresultErrorMessage(result)));
    }
}

/* Hands out every read whose answer is complete. A read's results end
 * with NULL; a sync's answer comes alone, after its batch's reads. */
static void take_results(struct bpa_db_pipeline *pipeline)
{
    PGconn *pg = pipeline->conn.pg;
    while ((pipeline->sent || pipeline->syncs) && !PQisBusy(pg)) {
        struct read *head = pipeline->sent;
        PGresult *result = PQgetResult(pg);
        if (result && PQresultStatus(result) == PGRES_PIPELINE_SYNC) {
            pipeline->syncs--;
        } else if (result && head) {
            take_result(pipeline, head, result);
        } else if (head) {
            pipeline->sent = head->next;
            if (!pipeline->sent)
                pipeline->sent_tail = NULL;
            atomic_fetch_add(&pipeline->reads, 1);
            finish_read(pipeline, head, head->status);
        } else { /* cannot be: a result with no read waiting for it */
            PQclear(result);
            drop_connection(pipeline, "unexpected result");
            return;
        }
        PQclear(result);
    }
}

static void *run(void *argument)
{
    struct bpa_db_pipeline *pipeline = argument;
    int64_t last_attempt = -RECONNECT_WAIT_MS;
    for (;;) {
        pthread_mutex_lock(&pipeline->lock);
        bool stopping = pipeline->stopping;
        pthread_mutex_unlock(&pipeline->lock);
        if (stopping)
            break;
        if (!pipeline->conn.pg && now_ms() - last_attempt >= RECONNECT_WAIT_MS) {
            last_attempt = now_ms();
            connect_pipeline(pipeline);
        }
        PGconn *pg = pipeline->conn.pg;
        struct pollfd fds[2] = {{.fd = pipeline->wake, .events = POLLIN},
                                {.fd = pg ? PQsocket(pg) : -1, .events = POLLIN}};
        if (pg && PQflush(pg) == 1)
            fds[1].events |= POLLOUT; /* more to send once the socket takes it */
        int timeout = !pg ? RECONNECT_WAIT_MS : pipeline->sent ? READ_WAIT_MS / 5 : -1;
        if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
            bpa_log(BPA_LOG_ERROR, "db_pipeline_poll_failed",
                    json_pack("{s:s}", "message", strerror(errno)));
            break;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            if (read(pipeline->wake, &count, sizeof count) < 0 && errno != EAGAIN)
                break;
            send_queued(pipeline);
        }
        if (!pg)
            continue;
        if (PQflush(pg) < 0) {
            drop_connection(pipeline, "send failed");
            continue;
        }
        if (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) {
            if (!PQconsumeInput(pg)) {
                drop_connection(pipeline, "receive failed");
                continue;
            }
            take_results(pipeline);
        }
        if (PQstatus(pg) != CONNECTION_OK)
            drop_connection(pipeline, "connection lost");
        else if (pipeline->sent && now_ms() - pipeline->sent->sent_ms > READ_WAIT_MS)
            drop_connection(pipeline, "no answer in time");
    }
    return NULL;
}

struct bpa_db_pipeline *bpa_db_pipeline_start(const char *url)
{
    struct bpa_db_pipeline *pipeline = calloc(1, sizeof *pipeline);
    if (!pipeline)
        return NULL;
    pipeline->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pipeline->url = strdup(url);
    pipeline->conn.url = pipeline->url;
    pipeline->conn.counters = &pipeline->counters;
    pthread_mutex_init(&pipeline->lock, NULL);
    if (pipeline->wake < 0 || !pipeline->url ||
        pthread_create(&pipeline->thread, NULL, run, pipeline) != 0) {
        if (pipeline->wake >= 0)
            close(pipeline->wake);
        pthread_mutex_destroy(&pipeline->lock);
        free(pipeline->url);
        free(pipeline);
        return NULL;
    }
    return pipeline;
}

bool bpa_db_pipeline_read(struct bpa_db_pipeline *pipeline, const char *statement, int count,
                          const char *const *values, bpa_db_read_done done, void *context)
{
    if (!pipeline || count > BPA_DB_PIPELINE_MAX_PARAMS || !atomic_load(&pipeline->connected))
        return false;
    struct read *read = calloc(1, sizeof *read);
    if (!read)
        return false;
    *read = (struct read){.statement = statement, .count = count, .done = done, .context = context};
    for (int i = 0; i < count; i++)
        if (values[i] && !(read->values[i] = strdup(values[i]))) {
            while (i--)
                free(read->values[i]);
            free(read);
            return false;
        }
    pthread_mutex_lock(&pipeline->lock);
    bool refused = pipeline->stopping;
    bool wake = !refused && !pipeline->woken; /* one wake-up per batch */
    if (!refused) {
        if (pipeline->queued_tail)
            pipeline->queued_tail->next = read;
        else
            pipeline->queued = read;
        pipeline->queued_tail = read;
        pipeline->woken = true;
    }
    pthread_mutex_unlock(&pipeline->lock);
    if (refused) {
        for (int i = 0; i < count; i++)
            free(read->values[i]);
        free(read);
        return false;
    }
    uint64_t one = 1;
    if (wake && write(pipeline->wake, &one, sizeof one) < 0) /* only at the counter's maximum */
        bpa_log(BPA_LOG_ERROR, "db_pipeline_wake_failed",
                json_pack("{s:s}", "message", strerror(errno)));
    return true;
}

void bpa_db_pipeline_stats(struct bpa_db_pipeline *pipeline, uint64_t *reads, uint64_t *failures)
{
    *reads = pipeline ? atomic_load(&pipeline->reads) : 0;
    *failures = pipeline ? atomic_load(&pipeline->failures) : 0;
}

void bpa_db_pipeline_stop(struct bpa_db_pipeline *pipeline)
{
    if (!pipeline)
        return;
    pthread_mutex_lock(&pipeline->lock);
    pipeline->stopping = true;
    pthread_mutex_unlock(&pipeline->lock);
    uint64_t one = 1;
    (void)!write(pipeline->wake, &one, sizeof one);
    pthread_join(pipeline->thread, NULL);
    /* Nothing is left in a drained daemon; whatever is fails. */
    fail_all(pipeline, pipeline->sent);
    fail_all(pipeline, pipeline->queued);
    PQfinish(pipeline->conn.pg);
    close(pipeline->wake);
    pthread_mutex_destroy(&pipeline->lock);
    free(pipeline->url);
    free(pipeline);
}
