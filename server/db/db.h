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
    BPA_DB_CONFLICT,    /* a unique constraint refused the write (SQLSTATE 23505) */
    BPA_DB_INVALID,     /* a constraint or data check refused the input (22xxx, 23xxx) */
    BPA_DB_ABORT,       /* the work gave up on purpose; its context says why */
    BPA_DB_HARD,        /* any other error: a bug */
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
    uint64_t pipeline_reads,
        pipeline_failures; /* the event loops' (pipeline.c), summed by the caller */
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

/* Single-statement reads that need no transaction, sent many at a time on
 * one connection in pipeline mode (pipeline.c), so that requests which only
 * read one row share round trips and wake no worker. A pipeline belongs to
 * one event loop: everything but _start, _stop and _stats is called from
 * that loop's thread. */
struct bpa_db_pipeline;

/* Called (on the loop's thread) with the read's status and, when OK, the
 * first column of its first row (malloc'd, the callee's; NULL for no row or
 * SQL NULL). */
typedef void (*bpa_db_read_done)(void *context, enum bpa_db_status status, char *value);

/* Connects in the background; `wake(wake_context)` is called from another
 * thread when a new connection is ready to be taken by the next _pump.
 * NULL when out of memory or threads. */
struct bpa_db_pipeline *bpa_db_pipeline_start(const char *url, void (*wake)(void *),
                                              void *wake_context);

/* Writes prepared statement `statement` (a static name) with `values`;
 * `done` is called exactly once, from a later _pump. False, and `done`
 * never called, when the pipeline is not connected: run the read the
 * ordinary way. */
bool bpa_db_pipeline_read(struct bpa_db_pipeline *pipeline, const char *statement, int count,
                          const char *const *values, bpa_db_read_done done, void *context);

/* After each round of the loop: sends what was written, hands out what
 * was answered, takes or asks for a connection. `socket_ready`: the
 * socket was readable or writable. True when it handed out a read. */
bool bpa_db_pipeline_pump(struct bpa_db_pipeline *pipeline, bool socket_ready);

/* The socket to watch (-1: none), the connection's generation (a new one
 * may reuse the old number), and whether to watch for writing too. */
int bpa_db_pipeline_socket(const struct bpa_db_pipeline *pipeline, unsigned *generation,
                           bool *writing);

/* Reads answered, and reads that failed (each then answered UNAVAILABLE or
 * with the statement's error). */
void bpa_db_pipeline_stats(struct bpa_db_pipeline *pipeline, uint64_t *reads, uint64_t *failures);

/* Fails whatever is still in flight, then stops. */
void bpa_db_pipeline_stop(struct bpa_db_pipeline *pipeline);

/* Work done inside a transaction; returns OK to commit, anything else to
 * roll back. It may run more than once, so it must not keep side effects
 * outside the database from an earlier attempt. */
typedef enum bpa_db_status (*bpa_db_work_fn)(struct bpa_db_conn *conn, void *context);

/* Runs `work` in a transaction, retrying the whole of it on serialization
 * failure and deadlock (SQLSTATE 40001, 40P01) up to BPA_DB_TX_MAX_ATTEMPTS
 * times with jittered back-off. A statement run outside a transaction (BEGIN
 * included) that finds its connection broken reconnects and runs once more:
 * the server restarted since the connection's last use. */
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

/* --- resources (documents.c): ids and versions are decimal text --- */

/* BPA_MATCH: for access decisions only (matches.c has its own statements) */
enum bpa_document { BPA_EMPLOYER, BPA_PLACEMENT, BPA_SEEKER, BPA_MATCH };

/* The resource's JSON document; *doc is malloc'd, NULL when there is none. */
enum bpa_db_status bpa_db_document_get(struct bpa_db_conn *conn, enum bpa_document kind,
                                       const char *id, char **doc);
/* The same through the pipeline: false when it cannot take the read. */
bool bpa_db_document_read(struct bpa_db_pipeline *pipeline, enum bpa_document kind, const char *id,
                          bpa_db_read_done done, void *context);
/* Saves a validated document (`id` NULL inserts). *saved is the id
 * (malloc'd), or NULL when the row is gone or its version is not `version`. */
enum bpa_db_status bpa_db_document_save(struct bpa_db_conn *conn, enum bpa_document kind,
                                        const char *id, const char *version, const char *doc,
                                        char **saved);
/* A page of documents, as a JSON array (*items malloc'd). `params` are the
 * list statement's, in the order documents.c gives. */
enum bpa_db_status bpa_db_document_list(struct bpa_db_conn *conn, enum bpa_document kind,
                                        const char *const *params, char **items);
enum bpa_db_status bpa_db_employer_exists(struct bpa_db_conn *conn, const char *id, bool *found);
enum bpa_db_status bpa_db_portal_exists(struct bpa_db_conn *conn, const char *id, bool *found);
enum bpa_db_status bpa_db_employer_set_verified(struct bpa_db_conn *conn, const char *id,
                                                bool verified, bool *found);
/* {"status", "verified"} of a placement, locked for a state change. */
enum bpa_db_status bpa_db_placement_state(struct bpa_db_conn *conn, const char *id, char **state);
enum bpa_db_status bpa_db_placement_set_status(struct bpa_db_conn *conn, const char *id,
                                               const char *status);
enum bpa_db_status bpa_db_placement_delete_draft(struct bpa_db_conn *conn, const char *id,
                                                 bool *deleted);
enum bpa_db_status bpa_db_seeker_delete(struct bpa_db_conn *conn, const char *id, bool *deleted);

/* --- reference data (reference.c) --- */

enum bpa_term { BPA_SKILL, BPA_OCCUPATION };

/* A skill or occupation by key (the URI's last segment). */
enum bpa_db_status bpa_db_term_get(struct bpa_db_conn *conn, enum bpa_term kind, const char *key,
                                   char **doc);
/* A page of terms whose Dutch or English label starts with `prefix`
 * (LIKE-escaped; NULL: all), after URI `after`, ordered by URI. */
enum bpa_db_status bpa_db_term_search(struct bpa_db_conn *conn, enum bpa_term kind,
                                      const char *after, const char *prefix, const char *limit,
                                      char **items);
/* Upserts `rows` (a JSON array of {uri, label_en, label_nl, skill_type or
 * isco_group}; null keeps the stored value); *counts is {inserted, updated}. */
enum bpa_db_status bpa_db_term_upsert(struct bpa_db_conn *conn, enum bpa_term kind,
                                      const char *rows, char **counts);
enum bpa_db_status bpa_db_postcode_upsert(struct bpa_db_conn *conn, const char *rows,
                                          char **counts);
enum bpa_db_status bpa_db_postcode_get(struct bpa_db_conn *conn, const char *pc4, char **doc);
/* The URIs of the JSON array `uris` that are not known skills (a JSON array). */
enum bpa_db_status bpa_db_unknown_skills(struct bpa_db_conn *conn, const char *uris,
                                         char **unknown);
enum bpa_db_status bpa_db_occupation_known(struct bpa_db_conn *conn, const char *uri, bool *known);

/* --- idempotency keys (idempotency.c) --- */

/* Claims `key` in `scope` for a body hashing to `hash`. *stored is NULL when
 * claimed now; otherwise the first request's {request_hash, status, body,
 * location, etag} as JSON text. */
enum bpa_db_status bpa_db_idempotency_claim(struct bpa_db_conn *conn, const char *scope,
                                            const char *key, const char *hash, char **stored);
/* The first request's answer kept with `key`, as above, or NULL. */
enum bpa_db_status bpa_db_idempotency_stored(struct bpa_db_conn *conn, const char *scope,
                                             const char *key, char **stored);
enum bpa_db_status bpa_db_idempotency_record(struct bpa_db_conn *conn, const char *scope,
                                             const char *key, const char *status_code,
                                             const char *body, const char *location,
                                             const char *etag);

/* --- access (access.c) --- */

/* Runs one of access.c's or matches.c's statements by name: accounts, sessions, keys,
 * failed logins, the audit trail and resource owners. Their parameters and
 * results (one text value, mostly JSON; *out malloc'd, NULL for no row, or
 * pass out NULL to ignore) are documented beside each statement there. */
enum bpa_db_status bpa_db_call(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *params, char **out);

/* --- the matcher's rows (matching.c) --- */

/* Called per row with its column texts (NULL for SQL NULL); non-zero stops. */
typedef int (*bpa_db_row_fn)(const char *const *values, int count, void *context);

/* Runs a matching.c statement ("match_placements_open", "match_placement"
 * with an id, "match_seekers_active", "match_seeker") row by row. */
enum bpa_db_status bpa_db_each_row(struct bpa_db_conn *conn, const char *statement, int count,
                                   const char *const *params, bpa_db_row_fn row, void *context);

/* A connection of its own that LISTENs on `channel`; NULL when the server
 * cannot be reached. */
struct bpa_db_listener;
struct bpa_db_listener *bpa_db_listener_open(const char *url, const char *channel);
/* Waits up to `timeout_ms` and calls `heard` for each notification.
 * 0, or -1 when the connection is lost. */
int bpa_db_listener_wait(struct bpa_db_listener *listener, int timeout_ms,
                         void (*heard)(const char *payload, void *context), void *context);
void bpa_db_listener_close(struct bpa_db_listener *listener);

#endif
