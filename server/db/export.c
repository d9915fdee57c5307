/* What the service holds about a person, for GET /v1/seekers/{id}/export
 * and GET /v1/auth/me/export: statements run by name through bpa_db_call
 * in one REPEATABLE READ transaction (handlers/export.c), each giving one
 * JSON value. No payloads, secrets or hashes leave through them. */
#include "internal.h"

/* Per purpose, the latest record of seeker $1's consent, or null. */
#define CONSENTS_CURRENT                                                                           \
    "(SELECT json_object_agg(p.purpose, (SELECT json_build_object('given', c.given,"               \
    " 'text_version', c.text_version, 'recorded_at', c.recorded_at) FROM consents c"               \
    " WHERE c.seeker_id = $1::bigint AND c.purpose = p.purpose ORDER BY c.id DESC LIMIT 1))"       \
    " FROM unnest(ARRAY['matching', 'share_contact', 'email_updates']) AS p(purpose))"

#define CONSENTS_HISTORY                                                                           \
    "COALESCE((SELECT json_agg(json_build_object('id', c.id, 'purpose', c.purpose, 'given',"       \
    " c.given, 'text_version', c.text_version, 'recorded_at', c.recorded_at, 'recorded_by',"       \
    " json_build_object('role', c.recorded_by_role, 'id', c.recorded_by), 'portal_id',"            \
    " c.portal_id) ORDER BY c.id DESC) FROM consents c WHERE c.seeker_id = $1::bigint), '[]')"

/* Audit rows about seeker $1: the seeker, its matches, and the lists and
 * candidate rankings that named it (resource.c's "ids", matches.c's
 * "seeker_ids"). */
#define ABOUT_SEEKER                                                                               \
    "(a.resource_type = 'seeker' AND a.resource_id = $1::bigint::text)"                            \
    " OR (a.resource_type = 'match' AND a.resource_id IN"                                          \
    " (SELECT m.id::text FROM matches m WHERE m.seeker_id = $1::bigint))"                          \
    " OR (a.resource_type = 'seeker' AND a.resource_id IS NULL"                                    \
    " AND a.detail->'ids' @> jsonb_build_array($1::bigint))"                                       \
    " OR a.detail->'seeker_ids' @> jsonb_build_array($1::bigint)"

/* Audit rows by account $1 (whose role is $2), or about it: the account,
 * failed logins that named it, its sessions, the invitation it accepted. */
#define BY_ACCOUNT "(a.principal_kind = $2 AND a.principal_id = $1::bigint)"
/* ... or its holder logging in: their address too */
#define OWN_LOGIN                                                                                  \
    "(a.action = 'login' AND a.resource_type = 'account' AND a.resource_id = $1::bigint::text)"
#define ABOUT_ACCOUNT                                                                              \
    "(a.resource_type = 'account' AND a.resource_id = $1::bigint::text)"                           \
    " OR (a.action = 'login_failed' AND a.principal_id = $1::bigint)"                              \
    " OR (a.resource_type = 'session' AND a.resource_id IN"                                        \
    " (SELECT s.id::text FROM sessions s WHERE s.account_id = $1::bigint))"                        \
    " OR (a.resource_type = 'invitation' AND a.resource_id IN"                                     \
    " (SELECT i.id::text FROM invitations i WHERE i.account_id = $1::bigint))"

const struct bpa_db_statement bpa_db_export_statements[] = {
    /* First in the transaction: the snapshot is only read (the export's
     * audit row is written after the commit); its time is the export's. */
    {"export_begin", "SELECT CASE WHEN set_config('transaction_read_only', 'on', true) = 'on'"
                     " THEN to_json(now())::text END"},

    /* --- seeker $1; the document itself is seeker_documents' --- */
    /* {current: {purpose: {given, text_version, recorded_at} | null}, history: newest first} */
    {"export_seeker_consents",
     "SELECT json_build_object('current', " CONSENTS_CURRENT ", 'history', " CONSENTS_HISTORY ")"},
    /* the seeker's matches with their history and explanation, oldest first */
    {"export_seeker_matches", "SELECT COALESCE(json_agg(doc ORDER BY id), '[]')"
                              " FROM match_documents WHERE seeker_id = $1::bigint"},
    /* notifications about its matches, or naming it without a match (a
     * retention notice): metadata only */
    {"export_seeker_notifications",
     "SELECT COALESCE(json_agg(json_build_object('id', n.id, 'event_type', n.event_type,"
     " 'channel', n.channel, 'recipient_kind', n.recipient_kind, 'recipient_id', n.recipient_id,"
     " 'status', n.status, 'created_at', n.created_at, 'delivered_at', n.delivered_at)"
     " ORDER BY n.id), '[]') FROM notifications n"
     " WHERE n.match_id IN (SELECT m.id FROM matches m WHERE m.seeker_id = $1::bigint)"
     " OR (n.match_id IS NULL AND n.payload->>'seeker_id' = $1::bigint::text)"},
    /* who did what with the seeker's data, when: oldest first */
    {"export_seeker_access_log",
     "SELECT COALESCE(json_agg(json_build_object('at', a.at, 'principal_kind', a.principal_kind,"
     " 'principal_id', a.principal_id, 'action', a.action, 'request_id', a.request_id)"
     " ORDER BY a.id), '[]') FROM audit_log a WHERE " ABOUT_SEEKER},

    /* --- account $1 --- */
    {"export_account",
     "SELECT json_build_object('id', id, 'email', email, 'name', name, 'role', role,"
     " 'employer_id', employer_id, 'language', language, 'disabled', disabled,"
     " 'email_confirmed_at', email_confirmed_at, 'last_login_at', last_login_at,"
     " 'created_at', created_at) FROM accounts WHERE id = $1::bigint"},
    /* every session kept, ended or not; $2 the current one's hash or NULL */
    {"export_account_sessions",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'created_at', created_at,"
     " 'last_used_at', last_used_at, 'expires_at', expires_at, 'revoked_at', revoked_at,"
     " 'client_address', host(client_address), 'user_agent', user_agent,"
     " 'current', token_hash IS NOT DISTINCT FROM $2::bytea) ORDER BY id), '[]')"
     " FROM sessions WHERE account_id = $1::bigint"},
    /* invitations it sent or accepted, as GET /v1/invitations shows them */
    {"export_account_invitations",
     "SELECT COALESCE(json_agg(json_build_object('id', i.id, 'email', i.email, 'name', i.name,"
     " 'role', i.role, 'employer_id', i.employer_id, 'language', i.language, 'status', CASE"
     " WHEN i.accepted_at IS NOT NULL THEN 'accepted' WHEN i.revoked_at IS NOT NULL THEN"
     " 'revoked' WHEN i.expires_at <= now() THEN 'expired' ELSE 'pending' END, 'created_at',"
     " i.created_at, 'expires_at', i.expires_at, 'invited_by', json_build_object('role',"
     " i.invited_by_role, 'account_id', i.invited_by), 'accepted_at', i.accepted_at,"
     " 'revoked_at', i.revoked_at, 'account_id', i.account_id) ORDER BY i.id), '[]')"
     " FROM invitations i WHERE i.invited_by = $1::bigint OR i.account_id = $1::bigint"},
    /* $2 its role, $3 how many rows at most: the latest, oldest first,
     * {items, truncated, limit}. Only the holder's own client addresses;
     * no detail (details name other people, e.g. the seekers ranked). */
    {"export_account_audit",
     "SELECT json_build_object('items', COALESCE(json_agg(item ORDER BY id)"
     " FILTER (WHERE n <= $3::int), '[]'), 'truncated', count(*) > $3::int, 'limit', $3::int)"
     " FROM (SELECT a.id, row_number() OVER (ORDER BY a.id DESC) AS n, json_build_object('id',"
     " a.id, 'at', a.at, 'principal_kind', a.principal_kind, 'principal_id', a.principal_id,"
     " 'action', a.action, 'resource_type', a.resource_type, 'resource_id', a.resource_id,"
     " 'request_id', a.request_id, 'client_address', CASE WHEN " BY_ACCOUNT " OR " OWN_LOGIN
     " THEN host(a.client_address) END) AS item FROM audit_log a WHERE " BY_ACCOUNT
     " OR " ABOUT_ACCOUNT " ORDER BY a.id DESC LIMIT $3::int + 1) page"},
    {NULL, NULL},
};
