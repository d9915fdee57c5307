/* One connection: opening it, preparing its statements, running them and
 * telling retryable, unavailable and hard errors apart. */
#include "internal.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Server notices ("relation already exists, skipping") go to the JSON log,
 * not raw to stderr. */
static void log_notice(void *context, const char *message)
{
    (void)context;
    char text[512];
    snprintf(text, sizeof text, "%s", message);
    text[strcspn(text, "\n")] = '\0';
    bpa_log(BPA_LOG_DEBUG, "db_notice", json_pack("{s:s}", "message", text));
}

PGconn *bpa_db_open(const char *url, char *error, size_t error_size)
{
    /* Later keywords win, so the URL can override these defaults. No JIT:
     * compiling a report's query took 170 ms of its 215 (bench/README.md). */
    const char *const keys[] = {"connect_timeout", "application_name", "options", "dbname", NULL};
    const char *const values[] = {"5", "bpa-server", "-c TimeZone=UTC -c jit=off", url, NULL};
    PGconn *pg = PQconnectdbParams(keys, values, 1);
    if (pg && PQstatus(pg) == CONNECTION_OK) {
        PQsetNoticeProcessor(pg, log_notice, NULL);
        return pg;
    }
    snprintf(error, error_size, "%s",
             pg ? PQerrorMessage(pg) : "out of memory opening a database connection");
    error[strcspn(error, "\n")] = '\0';
    PQfinish(pg);
    return NULL;
}

enum bpa_db_status bpa_db_ping(const char *url, char *error, size_t error_size)
{
    PGconn *pg = bpa_db_open(url, error, error_size);
    PQfinish(pg);
    return pg ? BPA_DB_OK : BPA_DB_UNAVAILABLE;
}

enum bpa_db_status bpa_db_conn_reconnect(struct bpa_db_conn *conn)
{
    char error[512];
    PQfinish(conn->pg);
    conn->pg = bpa_db_open(conn->url, error, sizeof error);
    if (!conn->pg) {
        atomic_fetch_add(&conn->counters->connect_failures, 1);
        bpa_log(BPA_LOG_WARN, "db_connect_failed", json_pack("{s:s}", "message", error));
        return BPA_DB_UNAVAILABLE;
    }
    for (const struct bpa_db_statement *const *set = bpa_db_statement_sets; *set; set++) {
        for (const struct bpa_db_statement *st = *set; st->name; st++) {
            PGresult *r = PQprepare(conn->pg, st->name, st->sql, 0, NULL);
            enum bpa_db_status status = bpa_db_classify(conn->pg, r);
            if (status != BPA_DB_OK) {
                bpa_log(BPA_LOG_ERROR, "db_prepare_failed",
                        json_pack("{s:s, s:s}", "statement", st->name, "message",
                                  PQresultErrorMessage(r)));
                PQclear(r);
                PQfinish(conn->pg);
                conn->pg = NULL;
                return status == BPA_DB_UNAVAILABLE ? status : BPA_DB_HARD;
            }
            PQclear(r);
        }
    }
    atomic_fetch_add(&conn->counters->connects, 1);
    return BPA_DB_OK;
}

static bool starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

enum bpa_db_status bpa_db_classify(PGconn *pg, const PGresult *result)
{
    ExecStatusType exec = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (exec == PGRES_COMMAND_OK || exec == PGRES_TUPLES_OK)
        return BPA_DB_OK;
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
    if (starts_with(state, "40001") || starts_with(state, "40P01"))
        return BPA_DB_RETRY;
    if (starts_with(state, "23505"))
        return BPA_DB_CONFLICT;
    /* Class 22 (data exception) and 23 (integrity): input the server's own
     * validation should have refused; the database is the last guard. */
    if (starts_with(state, "22") || starts_with(state, "23"))
        return BPA_DB_INVALID;
    /* Class 08: connection exceptions; 57P0x: the server is shutting down
     * or starting; no SQLSTATE at all: libpq lost the connection. */
    if (PQstatus(pg) != CONNECTION_OK || !state || starts_with(state, "08") ||
        starts_with(state, "57P"))
        return BPA_DB_UNAVAILABLE;
    return BPA_DB_HARD;
}

static enum bpa_db_status finish(struct bpa_db_conn *conn, const char *what, PGresult *r,
                                 PGresult **result)
{
    if (result)
        *result = NULL;
    enum bpa_db_status status = bpa_db_classify(conn->pg, r);
    if (status == BPA_DB_OK && result) {
        *result = r;
        return status;
    }
    if (status == BPA_DB_UNAVAILABLE)
        atomic_fetch_add(&conn->counters->unavailable_errors, 1);
    else if (status != BPA_DB_OK)
        atomic_fetch_add(&conn->counters->query_errors, 1);
    if (status != BPA_DB_OK) {
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        /* the primary message only: PostgreSQL's detail may quote the
         * row's values, a person's data among them */
        const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        const char *message = primary ? primary : PQerrorMessage(conn->pg);
        bpa_log(status == BPA_DB_RETRY ? BPA_LOG_INFO : BPA_LOG_WARN, "db_error",
                json_pack("{s:s, s:s, s:s}", "statement", what, "sqlstate", state ? state : "",
                          "message", message));
    }
    PQclear(r);
    return status;
}

/* True when a statement failed for a broken connection outside any
 * transaction: nothing of the caller's is lost, so it may run once more on
 * a fresh connection (the server restarted since the connection's last use). */
static bool reconnect_for_retry(struct bpa_db_conn *conn, enum bpa_db_status status, bool was_idle)
{
    return status == BPA_DB_UNAVAILABLE && was_idle && bpa_db_conn_reconnect(conn) == BPA_DB_OK;
}

enum bpa_db_status bpa_db_exec(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *values, PGresult **result)
{
    bool was_idle = PQtransactionStatus(conn->pg) == PQTRANS_IDLE;
    PGresult *r = PQexecPrepared(conn->pg, statement, count, values, NULL, NULL, 0);
    enum bpa_db_status status = finish(conn, statement, r, result);
    if (reconnect_for_retry(conn, status, was_idle))
        status = finish(conn, statement,
                        PQexecPrepared(conn->pg, statement, count, values, NULL, NULL, 0), result);
    return status;
}

enum bpa_db_status bpa_db_text(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *values, char **out)
{
    PGresult *r;
    *out = NULL;
    enum bpa_db_status status = bpa_db_exec(conn, statement, count, values, &r);
    if (status != BPA_DB_OK)
        return status;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) && !(*out = strdup(PQgetvalue(r, 0, 0))))
        status = BPA_DB_HARD;
    PQclear(r);
    return status;
}

enum bpa_db_status bpa_db_row_exists(struct bpa_db_conn *conn, const char *statement,
                                     const char *param, bool *found)
{
    char *row;
    enum bpa_db_status status = bpa_db_text(conn, statement, 1, &param, &row);
    *found = row != NULL;
    free(row);
    return status;
}

enum bpa_db_status bpa_db_command(struct bpa_db_conn *conn, const char *sql)
{
    bool was_idle = PQtransactionStatus(conn->pg) == PQTRANS_IDLE;
    enum bpa_db_status status = finish(conn, sql, PQexec(conn->pg, sql), NULL);
    if (reconnect_for_retry(conn, status, was_idle))
        status = finish(conn, sql, PQexec(conn->pg, sql), NULL);
    return status;
}

void bpa_db_abandon_transaction(struct bpa_db_conn *conn)
{
    if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK)
        return;
    PGresult *pending;
    while ((pending = PQgetResult(conn->pg)) != NULL)
        PQclear(pending);
    if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
        PQclear(PQexec(conn->pg, "ROLLBACK"));
}
