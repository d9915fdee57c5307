/* What the matcher's index loads: the match_placements and match_seekers
 * views of 0008_match_events.sql, row by row, and the LISTEN connection
 * that hears about changes. */
#include "internal.h"

#include "log.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define PLACEMENT_COLUMNS "SELECT " BPA_DB_PLACEMENT_COLUMNS " FROM match_placements"
#define SEEKER_COLUMNS    "SELECT " BPA_DB_SEEKER_COLUMNS " FROM match_seekers"

const struct bpa_db_statement bpa_db_matching_statements[] = {
    {"match_placements_open", PLACEMENT_COLUMNS " WHERE open"},
    {"match_placement", PLACEMENT_COLUMNS " WHERE id = $1"},
    {"match_seekers_active", SEEKER_COLUMNS " WHERE active"},
    {"match_seeker", SEEKER_COLUMNS " WHERE id = $1"},
    {NULL, NULL},
};

enum bpa_db_status bpa_db_each_row(struct bpa_db_conn *conn, const char *statement, int count,
                                   const char *const *params, bpa_db_row_fn row, void *context)
{
    PGresult *r;
    enum bpa_db_status status = bpa_db_exec(conn, statement, count, params, &r);
    if (status != BPA_DB_OK)
        return status;
    int columns = PQnfields(r);
    const char *values[32];
    for (int i = 0; i < PQntuples(r) && columns <= 32; i++) {
        for (int c = 0; c < columns; c++)
            values[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
        if (row(values, columns, context) != 0) {
            status = BPA_DB_ABORT;
            break;
        }
    }
    PQclear(r);
    return status;
}

struct bpa_db_listener {
    PGconn *pg;
};

struct bpa_db_listener *bpa_db_listener_open(const char *url, const char *channel)
{
    char error[512];
    PGconn *pg = bpa_db_open(url, error, sizeof error);
    if (!pg) {
        bpa_log(BPA_LOG_WARN, "listen_connect_failed", json_pack("{s:s}", "message", error));
        return NULL;
    }
    char *quoted = PQescapeIdentifier(pg, channel, strlen(channel));
    char sql[128];
    snprintf(sql, sizeof sql, "LISTEN %s", quoted ? quoted : "\"\"");
    PQfreemem(quoted);
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    struct bpa_db_listener *listener = ok ? malloc(sizeof *listener) : NULL;
    if (!listener) {
        PQfinish(pg);
        return NULL;
    }
    listener->pg = pg;
    return listener;
}

int bpa_db_listener_wait(struct bpa_db_listener *listener, int timeout_ms,
                         void (*heard)(const char *payload, void *context), void *context)
{
    struct pollfd fd = {.fd = PQsocket(listener->pg), .events = POLLIN};
    if (fd.fd < 0)
        return -1;
    int ready = poll(&fd, 1, timeout_ms);
    if (ready < 0)
        return 0; /* interrupted: try again */
    if (ready > 0 && !PQconsumeInput(listener->pg))
        return -1;
    PGnotify *note;
    while ((note = PQnotifies(listener->pg)) != NULL) {
        heard(note->extra, context);
        PQfreemem(note);
    }
    return PQstatus(listener->pg) == CONNECTION_OK ? 0 : -1;
}

void bpa_db_listener_close(struct bpa_db_listener *listener)
{
    if (listener) {
        PQfinish(listener->pg);
        free(listener);
    }
}
