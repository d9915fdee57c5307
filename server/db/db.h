/* The database access layer's public face. Nothing outside server/db/
 * includes libpq: callers see a pool, a transaction helper, statuses, and
 * one function per query.
 *
 * A pooled connection belongs to one thread between acquire and release.
 * Prepared statements are made on every (re)connect. */
#ifndef BPA_DB_H
#define BPA_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bpa_db_status {
    BPA_DB_OK,
    BPA_DB_RETRY,       /* serialization failure or deadlock: run the transaction again */
    BPA_DB_UNAVAILABLE, /* the server cannot be reached or is shutting down */
    BPA_DB_BUSY,        /* no pooled connection became free in time */
    BPA_DB_HARD,        /* any other error: a bug or a constraint */
};

enum bpa_db_isolation { BPA_DB_READ_COMMITTED, BPA_DB_REPEATABLE_READ, BPA_DB_SERIALIZABLE };

/* A transaction is tried this many times in all before RETRY is returned. */
#define BPA_DB_TX_MAX_ATTEMPTS 5

struct bpa_db_conn;
struct bpa_db_pool;

struct bpa_db_pool_stats {
    unsigned size, in_use;
    uint64_t acquire_waits, acquire_timeouts;
    uint64_t connects, connect_failures;
    uint64_t query_errors, unavailable_errors, tx_retries;
};

/* A pool of `size` connections to `url` (copied). Connections are opened
 * on first use and reopened after they break. NULL when out of memory. */
struct bpa_db_pool *bpa_db_pool_new(const char *url, unsigned size);
void bpa_db_pool_free(struct bpa_db_pool *pool);

/* Takes a connection, waiting up to `wait_ms` for one to be free (BUSY
 * otherwise). The connection is open and outside any transaction, or the
 * result is UNAVAILABLE. Give it back with bpa_db_pool_release. */
enum bpa_db_status bpa_db_pool_acquire(struct bpa_db_pool *pool, unsigned wait_ms,
                                       struct bpa_db_conn **out);
void bpa_db_pool_release(struct bpa_db_pool *pool, struct bpa_db_conn *conn);

void bpa_db_pool_stats(struct bpa_db_pool *pool, struct bpa_db_pool_stats *out);

/* Work done inside a transaction; returns OK to commit, anything else to
 * roll back. It may run more than once, so it must not keep side effects
 * outside the database from an earlier attempt. */
typedef enum bpa_db_status (*bpa_db_work_fn)(struct bpa_db_conn *conn, void *context);

/* Runs `work` in a transaction, retrying the whole of it on serialization
 * failure and deadlock (SQLSTATE 40001, 40P01) up to BPA_DB_TX_MAX_ATTEMPTS
 * times with jittered back-off, and once after a connection found broken
 * at BEGIN (the server restarted since its last use). */
enum bpa_db_status bpa_db_transaction(struct bpa_db_conn *conn, enum bpa_db_isolation isolation,
                                      bpa_db_work_fn work, void *context);

/* How many attempts the last bpa_db_transaction on `conn` took. */
unsigned bpa_db_last_attempts(const struct bpa_db_conn *conn);

/* Opens and closes one connection: OK or UNAVAILABLE with libpq's reason. */
enum bpa_db_status bpa_db_ping(const char *url, char *error, size_t error_size);

/* --- queries (one function per statement) --- */

/* *current is true when every migration named in `names` is recorded with
 * the matching checksum. Both are PostgreSQL array literals, e.g. "{a,b}". */
enum bpa_db_status bpa_db_schema_current(struct bpa_db_conn *conn, const char *names,
                                         const char *checksums, size_t expected, bool *current);

/* Sends `json` through the database as jsonb and back in its normalised
 * text form (*out is malloc'd; the caller frees it). For the test routes. */
enum bpa_db_status bpa_db_echo_json(struct bpa_db_conn *conn, const char *json, char **out);

#endif
