/* The change feed's statements (schema 0019_change_feed.sql writes the
 * entries from triggers). Run by name through bpa_db_call. */
#include "internal.h"

const struct bpa_db_statement bpa_db_change_statements[] = {
    /* after, portal (NULL: a coordinator, every entry), limit -> a JSON array
     * of entries in sequence order, each its sequence number, time, kind
     * and the ids and fields of its data */
    {"changes_page",
     "SELECT COALESCE(json_agg(jsonb_build_object('seq', seq, 'at', at, 'kind', kind) || data"
     " ORDER BY seq), '[]') FROM (SELECT seq, at, kind, data FROM changes WHERE seq > $1"
     " AND ($2::bigint IS NULL OR portal_id IS NULL OR portal_id = $2) ORDER BY seq LIMIT $3) c"},
    /* -> {purged_through, latest}: entries up to purged_through are gone;
     * latest is where to follow from after a resync */
    {"changes_horizon", "SELECT json_build_object('purged_through', h.purged_through, 'latest',"
                        " GREATEST(h.purged_through, COALESCE((SELECT max(seq) FROM changes), 0)))"
                        " FROM change_feed_horizon h"},
    {NULL, NULL},
};
