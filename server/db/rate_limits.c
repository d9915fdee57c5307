/* Request counts shared between daemons, and portals' own budgets. */
#include "internal.h"

const struct bpa_db_statement bpa_db_rate_limit_statements[] = {
    /* $1 the minute, $2 {"credential": count to add, ...}: the totals after
     * adding, as {"credential": total, ...} */
    {"request_counts_add",
     "WITH counted AS (INSERT INTO request_counts (credential, minute, count)"
     " SELECT key, $1::bigint, value::bigint FROM jsonb_each_text($2::jsonb)"
     " ON CONFLICT (credential, minute) DO UPDATE SET count = request_counts.count + EXCLUDED.count"
     " RETURNING credential, count)"
     " SELECT COALESCE(json_object_agg(credential, count), '{}') FROM counted"},
    /* $1 the current minute */
    {"request_counts_prune", "DELETE FROM request_counts WHERE minute < $1::bigint - 1"},
    /* $1 portal, $2 requests per minute or NULL: {"portal_id", "requests_per_minute"} */
    {"portal_rate_limit_set",
     "UPDATE portals SET rate_limit_per_minute = $2::integer WHERE id = $1"
     " RETURNING json_build_object('portal_id', id, 'requests_per_minute', rate_limit_per_minute)"},
    {NULL, NULL},
};
