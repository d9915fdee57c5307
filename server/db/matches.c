/* Matches: statements for their life. Run by name through bpa_db_call;
 * parameters and results are described beside each. */
#include "internal.h"

#define LIVE    "('applied', 'proposed', 'approved', 'confirmed', 'started')"
#define HOLDING "('approved', 'confirmed', 'started')"

const struct bpa_db_statement bpa_db_match_statements[] = {
    /* seeker, placement, state, score, explanation, rules version -> id */
    {"match_insert", "INSERT INTO matches (seeker_id, placement_id, state, score, explanation,"
                     " rules_version) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id"},
    /* match, action, from, to, actor kind, actor id, reason, note, request id */
    {"match_history_insert",
     "INSERT INTO match_history (match_id, action, from_state, to_state, actor_kind, actor_id,"
     " reason_code, note, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
    {"match_get", "SELECT doc FROM match_documents WHERE id = $1"},
    /* seeker, placement: their live match (matches_live_pair) */
    {"match_live_pair",
     "SELECT id FROM matches WHERE seeker_id = $1 AND placement_id = $2"
     " AND state IN ('applied', 'proposed', 'approved', 'confirmed', 'started')"},
    /* the match, locked for a transition */
    {"match_lock",
     "SELECT json_build_object('state', m.state, 'placement_id', m.placement_id,"
     " 'employer_accepted', m.employer_accepted, 'seeker_confirmed', m.seeker_confirmed)"
     " FROM matches m WHERE m.id = $1 FOR UPDATE"},
    /* the placement, locked: approvals of one placement queue up here */
    {"placement_lock", "SELECT id FROM placements WHERE id = $1 FOR UPDATE"},
    /* counted by a later statement than the lock, so that under READ
     * COMMITTED its snapshot sees every approval committed while we waited */
    {"placement_occupancy",
     "SELECT json_build_object('capacity', p.capacity, 'taken',"
     " (SELECT count(*) FROM matches m WHERE m.placement_id = p.id AND m.state IN " HOLDING "))"
     " FROM placements p WHERE p.id = $1"},
    /* match, state, employer accepted, seeker confirmed */
    {"match_set_state",
     "UPDATE matches SET state_since = CASE WHEN state <> $2 THEN now() ELSE state_since END,"
     " approved_at = CASE WHEN $2 = 'approved' AND approved_at IS NULL THEN now()"
     " ELSE approved_at END, state = $2, employer_accepted = $3, seeker_confirmed = $4"
     " WHERE id = $1"},
    /* $2 state, $3 placement, $4 seeker, $5 employer, $6 portal, $7 limit, $8 approved ones only
     * (what an employer may see) */
    {"match_list",
     "SELECT COALESCE(json_agg(doc ORDER BY id), '[]') FROM (SELECT id, doc FROM match_documents"
     " WHERE ($1::bigint IS NULL OR id > $1) AND ($2::text IS NULL OR state = $2)"
     " AND ($3::bigint IS NULL OR placement_id = $3) AND ($4::bigint IS NULL OR seeker_id = $4)"
     " AND ($5::bigint IS NULL OR employer_id = $5) AND ($6::bigint IS NULL OR portal_id = $6)"
     " AND (NOT $8::boolean OR approved_at IS NOT NULL) ORDER BY id LIMIT $7) page"},
    /* what waits for a coordinator, longest waiting first; $1 limit */
    {"match_queue",
     "SELECT COALESCE(json_agg(doc ORDER BY state_since, id), '[]') FROM (SELECT id, doc,"
     " state_since FROM match_documents WHERE state IN ('applied', 'proposed', 'confirmed')"
     " ORDER BY state_since, id LIMIT $1) page"},
    {"owner_match", "SELECT json_build_object('employer_id', employer_id, 'portal_id', portal_id,"
                    " 'approved', approved_at IS NOT NULL) FROM match_documents WHERE id = $1"},
    /* shown to the employer only while the seeker consents to sharing it */
    {"seeker_contact", "SELECT json_build_object('name', name, 'email', email, 'phone', phone)"
                       " FROM seekers WHERE id = $1 AND share_contact_consent"
                       " AND erased_at IS NULL"},
    {NULL, NULL},
};
