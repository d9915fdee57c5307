/* The list of statement tables, and the health queries. Parameters only: no text is ever spliced
 * into SQL. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const struct bpa_db_statement *const bpa_db_statement_sets[] = {
    bpa_db_health_statements,       /* statements.c */
    bpa_db_document_statements,     /* documents.c */
    bpa_db_reference_statements,    /* reference.c */
    bpa_db_idempotency_statements,  /* idempotency.c */
    bpa_db_access_statements,       /* access.c */
    bpa_db_matching_statements,     /* matching.c */
    bpa_db_match_statements,        /* matches.c */
    bpa_db_notification_statements, /* notifications.c */
    bpa_db_rate_limit_statements,   /* rate_limits.c */
    bpa_db_onboarding_statements,   /* onboarding.c */
    bpa_db_admin_statements,        /* admin.c */
    bpa_db_privacy_statements,      /* privacy.c */
    bpa_db_export_statements,       /* export.c */
    bpa_db_retention_statements,    /* retention.c */
    bpa_db_round_statements,        /* rounds.c */
    bpa_db_change_statements,       /* changes.c */
    bpa_db_report_statements,       /* reports.c */
    NULL,
};

const struct bpa_db_statement bpa_db_health_statements[] = {
    {"schema_current", "SELECT count(*) FROM bpa_schema_migrations m"
                       " JOIN unnest($1::text[], $2::text[]) AS e(name, checksum)"
                       " ON m.name = e.name AND m.checksum = e.checksum"},
    {"echo_json", "SELECT $1::jsonb::text"},
    {NULL, NULL},
};

enum bpa_db_status bpa_db_schema_current(struct bpa_db_conn *conn, const char *names,
                                         const char *checksums, size_t expected, bool *current)
{
    const char *params[] = {names, checksums};
    PGresult *r;
    enum bpa_db_status status = bpa_db_exec(conn, "schema_current", 2, params, &r);
    if (status != BPA_DB_OK)
        return status;
    *current = strtoull(PQgetvalue(r, 0, 0), NULL, 10) == expected;
    PQclear(r);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_echo_json(struct bpa_db_conn *conn, const char *json, char **out)
{
    return bpa_db_text(conn, "echo_json", 1, &json, out);
}
