/* Cohort rounds: what a round is computed from, and the round itself.
 * Run by name through bpa_db_call and bpa_db_each_row. */
#include "internal.h"

#define LIVE    "('applied', 'proposed', 'approved', 'confirmed', 'started')"
#define HOLDING "('approved', 'confirmed', 'started')"

/* the places of a placement that no approved, confirmed or started match holds */
#define FREE_PLACES                                                                                \
    "p.capacity - (SELECT count(*) FROM matches m WHERE m.placement_id = p.id"                     \
    " AND m.state IN " HOLDING ")"

/* the ids of a JSON list parameter, for IN */
#define IDS_OF(param) "(SELECT jsonb_array_elements_text(" param "::jsonb)::bigint)"

#define ROUND_DOC                                                                                  \
    "(jsonb_build_object('id', r.id, 'name', r.name, 'mode', r.mode, 'status', r.status,"          \
    " 'params', r.params, 'rules_version', r.rules_version, 'created_at', r.created_at,"           \
    " 'created_by', r.created_by, 'computed_ms', r.computed_ms,"                                   \
    " 'recomputed_as', r.recomputed_as) || r.result)"

#define PAIR_DOC                                                                                   \
    "jsonb_build_object('seeker_id', seeker_id, 'placement_id', placement_id, 'employer_id',"      \
    " employer_id, 'score', score, 'distance_km', distance_km, 'dropped', dropped,"                \
    " 'explanation', explanation)"

const struct bpa_db_statement bpa_db_round_statements[] = {
    /* ids (a JSON list, or NULL), portal, postcode prefix: the seekers a round
     * may place, in id order: active, consenting, holding no match */
    {"round_seekers", "SELECT " BPA_DB_SEEKER_COLUMNS " FROM match_seekers WHERE active AND id IN ("
                      " SELECT s.id FROM seekers s WHERE ($1::jsonb IS NULL OR s.id IN " IDS_OF(
                          "$1") ")"
                                " AND ($2::bigint IS NULL OR s.portal_id = $2)"
                                " AND ($3::text IS NULL OR left(s.postcode, length($3)) = $3)"
                                " AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.seeker_id = s.id"
                                " AND m.state IN " HOLDING ")) ORDER BY id"},
    /* ids, employer, start from, start until, occupation: open placements
     * with a free place, in id order, with their free places and employer */
    {"round_placements",
     "SELECT " BPA_DB_PLACEMENT_COLUMNS ", free_places, employer_id FROM match_placements"
     " JOIN (SELECT p.id AS placement, " FREE_PLACES " AS free_places, p.employer_id"
     " FROM placements p WHERE p.status = 'open'"
     " AND ($1::jsonb IS NULL OR p.id IN " IDS_OF(
         "$1") ") AND ($2::bigint IS NULL OR p.employer_id = $2)"
               " AND ($3::date IS NULL OR p.start_date >= $3) AND ($4::date IS NULL OR "
               "p.start_date <= $4)"
               " AND ($5::text IS NULL OR p.occupation_uri = $5)) f ON f.placement = id"
               " WHERE free_places > 0 ORDER BY id"},
    /* employer ids (a JSON list) -> {id: name} */
    {"round_employer_names",
     "SELECT COALESCE(json_object_agg(id, name), '{}') FROM employers WHERE id IN " IDS_OF("$1")},
    /* name, mode, params, rules version, digest, result, ms, account -> id */
    {"round_insert",
     "INSERT INTO rounds (name, mode, params, rules_version, input_digest, result, computed_ms,"
     " created_by) VALUES ($1, $2, $3::jsonb, $4, $5, $6::jsonb, $7, $8) RETURNING id"},
    /* round, [{seeker_id, placement_id, employer_id, score, distance_km, explanation}] */
    {"round_pairs_insert",
     "INSERT INTO round_pairs (round_id, seeker_id, placement_id, employer_id, score,"
     " distance_km, explanation) SELECT $1, x.seeker_id, x.placement_id, x.employer_id, x.score,"
     " x.distance_km, x.explanation FROM jsonb_to_recordset($2::jsonb) AS x(seeker_id bigint,"
     " placement_id bigint, employer_id bigint, score integer, distance_km double precision,"
     " explanation jsonb)"},
    /* round -> the document (its input digest included, for the handler) */
    {"round_get",
     "SELECT " ROUND_DOC " || jsonb_build_object('input_digest', r.input_digest,"
     " 'pairs', COALESCE((SELECT jsonb_agg(" PAIR_DOC " ORDER BY score DESC, distance_km,"
     " seeker_id) FROM round_pairs WHERE round_id = r.id), '[]'),"
     " 'commit', CASE WHEN r.committed_at IS NULL THEN NULL ELSE"
     " jsonb_build_object('committed_at', r.committed_at, 'committed_by', r.committed_by)"
     " || r.commit_result END) FROM rounds r WHERE r.id = $1"},
    /* after, limit: summaries, newest first */
    {"round_list",
     "SELECT COALESCE(jsonb_agg(doc ORDER BY id DESC), '[]') FROM (SELECT r.id,"
     " jsonb_build_object('id', r.id, 'name', r.name, 'mode', r.mode, 'status', r.status,"
     " 'created_at', r.created_at, 'seeker_count', r.result->'seeker_count',"
     " 'placement_count', r.result->'placement_count', 'placed', r.result->'totals'->'placed',"
     " 'total_score', r.result->'totals'->'total_score') AS doc FROM rounds r"
     " WHERE ($1::bigint IS NULL OR r.id < $1) ORDER BY r.id DESC LIMIT $2) page"},
    /* round -> {status, params}, locked until commit */
    {"round_lock",
     "SELECT jsonb_build_object('status', status, 'params', params, 'rules_version',"
     " rules_version, 'input_digest', input_digest) FROM rounds WHERE id = $1 FOR UPDATE"},
    /* round, seeker, dropped -> the pair */
    {"round_pair_drop", "UPDATE round_pairs SET dropped = $3 WHERE round_id = $1 AND seeker_id = $2"
                        " RETURNING " PAIR_DOC},
    /* round: the pairs to commit, best first, as a JSON array */
    {"round_pairs_to_commit",
     "SELECT COALESCE(json_agg(json_build_object('seeker_id', seeker_id, 'placement_id',"
     " placement_id, 'score', score, 'explanation', explanation)"
     " ORDER BY score DESC, distance_km, seeker_id), '[]') FROM round_pairs"
     " WHERE round_id = $1 AND NOT dropped"},
    /* seeker, placement -> why the pair can no longer become a match, or NULL */
    {"round_pair_obstacle",
     "SELECT CASE WHEN p.id IS NULL OR p.status <> 'open' THEN 'placement_closed'"
     " WHEN " FREE_PLACES " <= 0 THEN 'placement_full'"
     " WHEN s.id IS NULL OR s.erased_at IS NOT NULL OR NOT s.matching_consent"
     " THEN 'consent_withdrawn'"
     " WHEN s.status <> 'active' THEN 'seeker_inactive'"
     " WHEN EXISTS (SELECT 1 FROM matches m WHERE m.seeker_id = s.id AND m.state IN " HOLDING ")"
     " THEN 'seeker_taken'"
     " WHEN EXISTS (SELECT 1 FROM matches m WHERE m.seeker_id = s.id AND m.placement_id = p.id"
     " AND m.state IN " LIVE ") THEN 'pair_exists' END"
     " FROM (SELECT $1::bigint AS seeker, $2::bigint AS placement) x"
     " LEFT JOIN seekers s ON s.id = x.seeker LEFT JOIN placements p ON p.id = x.placement"},
    /* round, account, {created, skipped} */
    {"round_mark_committed",
     "UPDATE rounds SET status = 'committed', committed_at = now(), committed_by = $2,"
     " commit_result = $3::jsonb WHERE id = $1"},
    /* round, the round that replaces it */
    {"round_supersede",
     "UPDATE rounds SET status = 'superseded', recomputed_as = $2 WHERE id = $1"},
    {NULL, NULL},
};
