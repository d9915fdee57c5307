/* Reads on one connection in pipeline mode, driven by an event loop.
 *
 * A read is sent when it is asked for, followed by a sync: PostgreSQL
 * starts on it while the loop still parses the next request, and each read
 * is a transaction of its own, so a read that fails fails alone. Reads
 * never wait for each other's answers: many are in flight on the one
 * connection. After each round of its event loop the owner calls _pump,
 * which reads what PostgreSQL answered and hands out every read that is
 * complete. (Measured: one sync per round's batch instead made the loop and
 * the backend take turns, 12.7k against 16.5-19k reads a second.)
 *
 * Connecting blocks (and prepares every statement), so a thread of its own
 * does it, at most once a second, and hands the connection over; until
 * then reads are refused at once. */
#include "internal.h"

#include "log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A read sent this long ago without an answer means the connection is
 * stuck: it is dropped and its reads fail as UNAVAILABLE. */
#define READ_WAIT_MS      5000
#define RECONNECT_WAIT_MS 1000

struct read {
    bpa_db_read_done done;
    void *context;
    const char *statement; /* for the log */
    struct read *next;
    int64_t sent_ms;
    enum bpa_db_status status; /* and the first column of the first row: */
    char *value;
};

struct bpa_db_pipeline {
    /* the event loop's own */
    PGconn *pg;
    unsigned generation;           /* of pg: a new connection may reuse the old socket number */
    struct read *sent, *sent_tail; /* in the order they were sent */
    unsigned syncs;                /* syncs sent and not yet answered */
    bool broken;                   /* sending failed: dropped at the next _pump */
    bool writing;                  /* libpq holds output the socket did not take */
    uint64_t finished;             /* reads handed out */
    /* the connecting thread's hand-over */
    pthread_mutex_t lock;
    pthread_cond_t wanted;
    PGconn *fresh;        /* under lock: connected, not yet taken */
    bool want, stopping;  /* under lock */
    void (*wake)(void *); /* tells the loop that `fresh` is there */
    void *wake_context;
    pthread_t connector;
    struct bpa_db_counters counters;
    struct bpa_db_conn conn; /* the connector's, for bpa_db_conn_reconnect */
    char *url;
    atomic_uint_fast64_t reads, failures;
};

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void *connect_when_wanted(void *argument)
{
    struct bpa_db_pipeline *pipeline = argument;
    pthread_mutex_lock(&pipeline->lock);
    for (;;) {
        while (!pipeline->want && !pipeline->stopping)
            pthread_cond_wait(&pipeline->wanted, &pipeline->lock);
        if (pipeline->stopping)
            break;
        pthread_mutex_unlock(&pipeline->lock);
        PGconn *pg = NULL;
        if (bpa_db_conn_reconnect(&pipeline->conn) == BPA_DB_OK) { /* prepares every statement */
            pg = pipeline->conn.pg;
            pipeline->conn.pg = NULL;
            if (!PQenterPipelineMode(pg) || PQsetnonblocking(pg, 1) != 0) {
                PQfinish(pg);
                pg = NULL;
            }
        }
        pthread_mutex_lock(&pipeline->lock);
        if (pg) {
            pipeline->fresh = pg;
            pipeline->want = false;
            pipeline->wake(pipeline->wake_context);
        } else {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += RECONNECT_WAIT_MS / 1000;
            while (!pipeline->stopping &&
                   pthread_cond_timedwait(&pipeline->wanted, &pipeline->lock, &until) == 0)
                ;
        }
    }
    pthread_mutex_unlock(&pipeline->lock);
    return NULL;
}

/* Takes a connection the connector made, or asks for one. */
static void take_connection(struct bpa_db_pipeline *pipeline)
{
    pthread_mutex_lock(&pipeline->lock);
    if (pipeline->fresh) {
        pipeline->pg = pipeline->fresh;
        pipeline->fresh = NULL;
        pipeline->generation++;
    } else if (!pipeline->want) {
        pipeline->want = true;
        pthread_cond_signal(&pipeline->wanted);
    }
    pthread_mutex_unlock(&pipeline->lock);
}

static void finish_read(struct bpa_db_pipeline *pipeline, struct read *read,
                        enum bpa_db_status status)
{
    pipeline->finished++;
    atomic_fetch_add(status == BPA_DB_OK ? &pipeline->reads : &pipeline->failures, 1);
    if (status != BPA_DB_OK) {
        free(read->value);
        read->value = NULL;
    }
    read->done(read->context, status, read->value); /* takes the value */
    free(read);
}

static void close_connection(struct bpa_db_pipeline *pipeline)
{
    PQfinish(pipeline->pg);
    pipeline->pg = NULL;
    pipeline->syncs = 0;
    pipeline->broken = pipeline->writing = false;
    struct read *sent = pipeline->sent;
    pipeline->sent = pipeline->sent_tail = NULL;
    while (sent) {
        struct read *next = sent->next;
        finish_read(pipeline, sent, BPA_DB_UNAVAILABLE);
        sent = next;
    }
}

/* The connection broke or stuck: what was sent fails, and a new
 * connection is asked for. */
static void drop_connection(struct bpa_db_pipeline *pipeline, const char *why)
{
    bpa_log(BPA_LOG_WARN, "db_pipeline_dropped",
            json_pack("{s:s, s:s}", "reason", why, "message", PQerrorMessage(pipeline->pg)));
    close_connection(pipeline);
    take_connection(pipeline);
}

static void take_result(struct bpa_db_pipeline *pipeline, struct read *read, PGresult *result)
{
    enum bpa_db_status status = bpa_db_classify(pipeline->pg, result);
    if (status == BPA_DB_OK && !read->value && PQntuples(result) > 0 &&
        !PQgetisnull(result, 0, 0) && !(read->value = strdup(PQgetvalue(result, 0, 0))))
        status = BPA_DB_HARD;
    if (status != BPA_DB_OK && read->status == BPA_DB_OK) {
        read->status = status;
        const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        /* the primary message only, as conn.c logs: a detail may quote a row */
        const char *primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        if (PQresultStatus(result) != PGRES_PIPELINE_ABORTED) /* the failure itself is logged */
            bpa_log(BPA_LOG_WARN, "db_error",
                    json_pack("{s:s, s:s, s:s}", "statement", read->statement, "sqlstate",
                              state ? state : "", "message", primary ? primary : ""));
    }
}

/* Hands out every read whose answer is complete. A read's results end
 * with NULL; a sync's answer comes alone, after its batch's reads. */
static void take_results(struct bpa_db_pipeline *pipeline)
{
    while (pipeline->pg && (pipeline->sent || pipeline->syncs) && !PQisBusy(pipeline->pg)) {
        struct read *head = pipeline->sent;
        PGresult *result = PQgetResult(pipeline->pg);
        if (result && PQresultStatus(result) == PGRES_PIPELINE_SYNC) {
            pipeline->syncs--;
        } else if (result && head) {
            take_result(pipeline, head, result);
        } else if (head) {
            pipeline->sent = head->next;
            if (!pipeline->sent)
                pipeline->sent_tail = NULL;
            finish_read(pipeline, head, head->status);
        } else { /* a result no read waits for: the protocol is lost */
            PQclear(result);
            drop_connection(pipeline, "unexpected result");
            return;
        }
        PQclear(result);
    }
}

/* The work of _pump. */
static void pump(struct bpa_db_pipeline *pipeline, bool socket_ready)
{
    if (!pipeline->pg) {
        take_connection(pipeline);
        return;
    }
    if (pipeline->broken) {
        drop_connection(pipeline, "send failed");
        return;
    }
    int flushed = PQflush(pipeline->pg); /* no system call when nothing waits */
    if (flushed < 0 || (socket_ready && !PQconsumeInput(pipeline->pg))) {
        drop_connection(pipeline, "connection lost");
        return;
    }
    pipeline->writing = flushed == 1;
    take_results(pipeline);
    if (pipeline->pg && PQstatus(pipeline->pg) != CONNECTION_OK)
        drop_connection(pipeline, "connection lost");
    else if (pipeline->sent && now_ms() - pipeline->sent->sent_ms > READ_WAIT_MS)
        drop_connection(pipeline, "no answer in time");
}

bool bpa_db_pipeline_pump(struct bpa_db_pipeline *pipeline, bool socket_ready)
{
    uint64_t before = pipeline->finished;
    pump(pipeline, socket_ready);
    return pipeline->finished != before;
}

int bpa_db_pipeline_socket(const struct bpa_db_pipeline *pipeline, unsigned *generation,
                           bool *writing)
{
    *generation = pipeline->generation;
    *writing = pipeline->writing;
    return pipeline->pg ? PQsocket(pipeline->pg) : -1;
}

bool bpa_db_pipeline_read(struct bpa_db_pipeline *pipeline, const char *statement, int count,
                          const char *const *values, bpa_db_read_done done, void *context)
{
    if (!pipeline || !pipeline->pg)
        return false;
    struct read *read = calloc(1, sizeof *read);
    if (!read)
        return false;
    *read = (struct read){.done = done, .context = context, .statement = statement};
    if (pipeline->broken ||
        !PQsendQueryPrepared(pipeline->pg, statement, count, values, NULL, NULL, 0)) {
        free(read);
        return false;
    }
    read->sent_ms = now_ms();
    if (pipeline->sent_tail)
        pipeline->sent_tail->next = read;
    else
        pipeline->sent = read;
    pipeline->sent_tail = read;
    if (PQpipelineSync(pipeline->pg)) /* and sends */
        pipeline->syncs++;
    else
        pipeline->broken = true; /* the read fails with the connection, in _pump */
    return true;
}

struct bpa_db_pipeline *bpa_db_pipeline_start(const char *url, void (*wake)(void *),
                                              void *wake_context)
{
    struct bpa_db_pipeline *pipeline = calloc(1, sizeof *pipeline);
    if (!pipeline || !(pipeline->url = strdup(url))) {
        free(pipeline);
        return NULL;
    }
    pipeline->conn.url = pipeline->url;
    pipeline->conn.counters = &pipeline->counters;
    pipeline->wake = wake;
    pipeline->wake_context = wake_context;
    pipeline->want = true; /* the first connection */
    pthread_mutex_init(&pipeline->lock, NULL);
    pthread_cond_init(&pipeline->wanted, NULL);
    if (pthread_create(&pipeline->connector, NULL, connect_when_wanted, pipeline) != 0) {
        pthread_cond_destroy(&pipeline->wanted);
        pthread_mutex_destroy(&pipeline->lock);
        free(pipeline->url);
        free(pipeline);
        return NULL;
    }
    return pipeline;
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
    pthread_cond_signal(&pipeline->wanted);
    pthread_mutex_unlock(&pipeline->lock);
    pthread_join(pipeline->connector, NULL);
    close_connection(pipeline); /* a drained daemon has nothing in flight; what is fails */
    PQfinish(pipeline->fresh);
    PQfinish(pipeline->conn.pg);
    pthread_cond_destroy(&pipeline->wanted);
    pthread_mutex_destroy(&pipeline->lock);
    free(pipeline->url);
    free(pipeline);
}
