/* One connection: opening it, preparing its statements, running them and
 * telling retryable, unavailable and hard errors apart. */
#include "internal.h"

#include "log.h"

#include <string.h>

extern const char *const bpa_db_statement_sql[BPA_STMT_COUNT];
extern const char *const bpa_db_statement_name[BPA_STMT_COUNT];

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
    /* Later keywords win, so the URL can override these defaults. */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *const values[] = {"5", "bpa-server", url, NULL};
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
    for (int i = 0; i < BPA_STMT_COUNT; i++) {
        PGresult *r =
            PQprepare(conn->pg, bpa_db_statement_name[i], bpa_db_statement_sql[i], 0, NULL);
        enum bpa_db_status status = bpa_db_classify(conn->pg, r);
        if (status != BPA_DB_OK) {
            bpa_log(BPA_LOG_ERROR, "db_prepare_failed",
                    json_pack("{s:s, s:s}", "statement", bpa_db_statement_name[i], "message",
                              PQresultErrorMessage(r)));
            PQclear(r);
            PQfinish(conn->pg);
            conn->pg = NULL;
            return status == BPA_DB_UNAVAILABLE ? status : BPA_DB_HARD;
        }
        PQclear(r);
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
        const char *message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn->pg);
        bpa_log(status == BPA_DB_RETRY ? BPA_LOG_INFO : BPA_LOG_WARN, "db_error",
                json_pack("{s:s, s:s, s:s}", "statement", what, "sqlstate", state ? state : "",
                          "message", message));
    }
    PQclear(r);
    return status;
}

enum bpa_db_status bpa_db_exec(struct bpa_db_conn *conn, enum bpa_db_statement statement, int count,
                               const char *const *values, PGresult **result)
{
    *result = NULL;
    PGresult *r =
        PQexecPrepared(conn->pg, bpa_db_statement_name[statement], count, values, NULL, NULL, 0);
    return finish(conn, bpa_db_statement_name[statement], r, result);
}

enum bpa_db_status bpa_db_command(struct bpa_db_conn *conn, const char *sql)
{
    return finish(conn, sql, PQexec(conn->pg, sql), NULL);
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
