/* A bounded pool of connections. A connection is checked when it is taken:
 * reopened when broken, rolled back when a transaction was left open. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bpa_db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *url;
    unsigned size, in_use;
    uint64_t acquire_waits, acquire_timeouts; /* under lock */
    struct bpa_db_counters counters;
    struct bpa_db_conn conns[];
};

struct bpa_db_pool *bpa_db_pool_new(const char *url, unsigned size)
{
    struct bpa_db_pool *pool = calloc(1, sizeof *pool + size * sizeof(struct bpa_db_conn));
    if (!pool || !(pool->url = strdup(url))) {
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->freed, &attr);
    pthread_condattr_destroy(&attr);
    pool->size = size;
    for (unsigned i = 0; i < size; i++) {
        pool->conns[i].url = pool->url;
        pool->conns[i].counters = &pool->counters;
    }
    return pool;
}

void bpa_db_pool_free(struct bpa_db_pool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < pool->size; i++)
        PQfinish(pool->conns[i].pg);
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    free(pool->url);
    free(pool);
}

static struct bpa_db_conn *take_free(struct bpa_db_pool *pool)
{
    /* Prefer a connection that is already open. */
    struct bpa_db_conn *closed = NULL;
    for (unsigned i = 0; i < pool->size; i++) {
        struct bpa_db_conn *c = &pool->conns[i];
        if (c->in_use)
            continue;
        if (c->pg)
            return c;
        if (!closed)
            closed = c;
    }
    return closed;
}

enum bpa_db_status bpa_db_pool_acquire(struct bpa_db_pool *pool, unsigned wait_ms,
                                       struct bpa_db_conn **out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&pool->lock);
    struct bpa_db_conn *conn = take_free(pool);
    if (!conn)
        pool->acquire_waits++;
    while (!conn) {
        if (pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline) == ETIMEDOUT &&
            !(conn = take_free(pool))) {
            pool->acquire_timeouts++;
            pthread_mutex_unlock(&pool->lock);
            return BPA_DB_BUSY;
        }
        if (!conn)
            conn = take_free(pool);
    }
    conn->in_use = true;
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);

    bpa_db_abandon_transaction(conn);
    if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK) {
        enum bpa_db_status status = bpa_db_conn_reconnect(conn);
        if (status != BPA_DB_OK) {
            bpa_db_pool_release(pool, conn);
            return status;
        }
    }
    *out = conn;
    return BPA_DB_OK;
}

void bpa_db_pool_release(struct bpa_db_pool *pool, struct bpa_db_conn *conn)
{
    bpa_db_abandon_transaction(conn);
    pthread_mutex_lock(&pool->lock);
    conn->in_use = false;
    pool->in_use--;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

void bpa_db_pool_stats(struct bpa_db_pool *pool, struct bpa_db_pool_stats *out)
{
    pthread_mutex_lock(&pool->lock);
    *out = (struct bpa_db_pool_stats){
        .size = pool->size,
        .in_use = pool->in_use,
        .acquire_waits = pool->acquire_waits,
        .acquire_timeouts = pool->acquire_timeouts,
    };
    pthread_mutex_unlock(&pool->lock);
    out->connects = atomic_load(&pool->counters.connects);
    out->connect_failures = atomic_load(&pool->counters.connect_failures);
    out->query_errors = atomic_load(&pool->counters.query_errors);
    out->unavailable_errors = atomic_load(&pool->counters.unavailable_errors);
    out->tx_retries = atomic_load(&pool->counters.tx_retries);
}
