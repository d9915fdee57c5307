/* The prepared statements, and the query functions that are too small for
 * a file of their own. Parameters only: no text is ever spliced into SQL. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *const bpa_db_statement_name[BPA_STMT_COUNT] = {
    [BPA_STMT_SCHEMA_CURRENT] = "schema_current",
    [BPA_STMT_ECHO_JSON] = "echo_json",
};

const char *const bpa_db_statement_sql[BPA_STMT_COUNT] = {
    [BPA_STMT_SCHEMA_CURRENT] = "SELECT count(*) FROM bpa_schema_migrations m"
                                " JOIN unnest($1::text[], $2::text[]) AS e(name, checksum)"
                                " ON m.name = e.name AND m.checksum = e.checksum",
    [BPA_STMT_ECHO_JSON] = "SELECT $1::jsonb::text",
};

enum bpa_db_status bpa_db_schema_current(struct bpa_db_conn *conn, const char *names,
                                         const char *checksums, size_t expected, bool *current)
{
    const char *params[] = {names, checksums};
    PGresult *r;
    enum bpa_db_status status = bpa_db_exec(conn, BPA_STMT_SCHEMA_CURRENT, 2, params, &r);
    if (status != BPA_DB_OK)
        return status;
    *current = strtoull(PQgetvalue(r, 0, 0), NULL, 10) == expected;
    PQclear(r);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_echo_json(struct bpa_db_conn *conn, const char *json, char **out)
{
    PGresult *r;
    enum bpa_db_status status = bpa_db_exec(conn, BPA_STMT_ECHO_JSON, 1, &json, &r);
    if (status != BPA_DB_OK)
        return status;
    *out = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return *out ? BPA_DB_OK : BPA_DB_HARD;
}
