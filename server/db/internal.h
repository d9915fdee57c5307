/* What the files of server/db/ share and nobody else sees. */
#ifndef BPA_DB_INTERNAL_H
#define BPA_DB_INTERNAL_H

#include "db.h"

#include <libpq-fe.h>
#include <stdatomic.h>

struct bpa_db_counters {
    atomic_uint_fast64_t connects, connect_failures;
    atomic_uint_fast64_t query_errors, unavailable_errors, tx_retries;
};

struct bpa_db_conn {
    PGconn *pg;
    const char *url;                  /* borrowed from the pool */
    struct bpa_db_counters *counters; /* the pool's */
    unsigned last_attempts;
    bool in_use;
};

/* A prepared statement: each file of db/ keeps a NULL-terminated table of
 * its own, listed in statements.c; all are prepared on every connect. */
struct bpa_db_statement {
    const char *name;
    const char *sql;
};

extern const struct bpa_db_statement bpa_db_health_statements[];
extern const struct bpa_db_statement bpa_db_document_statements[];
extern const struct bpa_db_statement bpa_db_reference_statements[];
extern const struct bpa_db_statement bpa_db_idempotency_statements[];
extern const struct bpa_db_statement bpa_db_access_statements[];
extern const struct bpa_db_statement bpa_db_matching_statements[];
extern const struct bpa_db_statement bpa_db_match_statements[];
extern const struct bpa_db_statement bpa_db_notification_statements[];
extern const struct bpa_db_statement bpa_db_rate_limit_statements[];
extern const struct bpa_db_statement bpa_db_onboarding_statements[];
extern const struct bpa_db_statement bpa_db_admin_statements[];
extern const struct bpa_db_statement bpa_db_privacy_statements[];
extern const struct bpa_db_statement bpa_db_export_statements[];
extern const struct bpa_db_statement bpa_db_retention_statements[];
extern const struct bpa_db_statement bpa_db_round_statements[];
extern const struct bpa_db_statement bpa_db_change_statements[];
extern const struct bpa_db_statement bpa_db_report_statements[];
extern const struct bpa_db_statement *const bpa_db_statement_sets[];

/* The columns the matcher reads (bpa_match_read_placement, _seeker), of
 * the match_placements and match_seekers views, in this order. */
#define BPA_DB_PLACEMENT_COLUMNS                                                                   \
    "id, open, lat, lon, schedule, hours_per_week, start_day, end_day, min_dutch_level,"           \
    " certificates, occupation_uri, required_skills, taught_skills"
#define BPA_DB_SEEKER_COLUMNS                                                                      \
    "id, active, lat, lon, availability, max_hours_per_week, max_travel_km, from_day,"             \
    " until_day, dutch_level, certificates, skills, goals"

/* Opens a connection to `url` with the service's session defaults.
 * Returns NULL and writes libpq's reason into `error` on failure. */
PGconn *bpa_db_open(const char *url, char *error, size_t error_size);

/* (Re)opens `conn` and prepares every statement. */
enum bpa_db_status bpa_db_conn_reconnect(struct bpa_db_conn *conn);

/* The status a finished result stands for (`result` may be NULL). */
enum bpa_db_status bpa_db_classify(PGconn *pg, const PGresult *result);

/* Runs a prepared statement. On OK, *result holds rows the caller clears;
 * otherwise *result is NULL and the error is counted and logged. */
enum bpa_db_status bpa_db_exec(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *values, PGresult **result);

/* Runs a statement that yields at most one text value: *out is a malloc'd
 * copy, or NULL for no row or SQL NULL. */
enum bpa_db_status bpa_db_text(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *values, char **out);

/* Runs a one-parameter statement; *found is whether it yielded a row. */
enum bpa_db_status bpa_db_row_exists(struct bpa_db_conn *conn, const char *statement,
                                     const char *param, bool *found);

/* Runs SQL text without parameters (BEGIN, COMMIT ...). */
enum bpa_db_status bpa_db_command(struct bpa_db_conn *conn, const char *sql);

/* Rolls back whatever transaction `conn` is in, after draining results. */
void bpa_db_abandon_transaction(struct bpa_db_conn *conn);

#endif
