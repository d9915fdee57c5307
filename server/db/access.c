/* Accounts, sessions, API keys, failed logins, the audit trail, and who
 * owns a resource: the statements behind authentication and authorisation.
 * Token and key hashes travel as bytea literals ("\x..."). */
#include "internal.h"

#include <stdlib.h>

const struct bpa_db_statement bpa_db_access_statements[] = {
    {"account_by_email", "SELECT json_build_object('id', id, 'role', role, 'employer_id',"
                         " employer_id, 'password_hash', password_hash, 'disabled', disabled,"
                         " 'email_confirmed', email_confirmed_at IS NOT NULL)"
                         " FROM accounts WHERE lower(email) = lower($1)"},
    {"account_set_hash", "UPDATE accounts SET password_hash = $2 WHERE id = $1"},
    /* hash, account, lifetime in seconds, client address, user agent */
    {"session_create", "WITH login AS (UPDATE accounts SET last_login_at = now() WHERE id = $2)"
                       " INSERT INTO sessions (token_hash, account_id, expires_at, client_address,"
                       " user_agent) VALUES ($1::bytea, $2,"
                       " now() + make_interval(secs => $3::float8), $4::inet, left($5, 300))"
                       " RETURNING to_json(expires_at)#>>'{}'"},
    /* $2: the idle timeout in seconds. Last use is written when older than
     * a quarter of it (at most 30 s): far fewer writes than requests, and
     * never so late that a busy session looks idle. */
    {"session_principal",
     "SELECT json_build_object('role', a.role, 'id', a.id, 'employer_id', a.employer_id,"
     " 'stale', s.last_used_at < now() - make_interval(secs => least(30, $2::float8 / 4)),"
     " 'valid_for', extract(epoch FROM least(s.expires_at - now(),"
     "   s.last_used_at + make_interval(secs => $2::float8) - now())))"
     " FROM sessions s JOIN accounts a ON a.id = s.account_id"
     " WHERE s.token_hash = $1::bytea AND s.revoked_at IS NULL AND s.expires_at > now()"
     " AND s.last_used_at > now() - make_interval(secs => $2::float8) AND NOT a.disabled"},
    {"session_touch", "UPDATE sessions SET last_used_at = now() WHERE token_hash = $1::bytea"},
    {"session_revoke", "UPDATE sessions SET revoked_at = now() WHERE token_hash = $1::bytea"
                       " AND revoked_at IS NULL RETURNING account_id"},
    {"key_principal",
     "SELECT json_build_object('role', 'portal', 'id', k.id, 'portal_id', k.portal_id,"
     " 'stale', k.last_used_at IS NULL OR k.last_used_at < now() - interval '30 seconds',"
     " 'rate_limit', p.rate_limit_per_minute)"
     " FROM api_keys k JOIN portals p ON p.id = k.portal_id"
     " WHERE k.key_hash = $1::bytea AND k.revoked_at IS NULL AND p.active"},
    {"key_touch", "UPDATE api_keys SET last_used_at = now() WHERE id = $1"},
    /* $2: the throttling window in seconds */
    {"login_failures",
     "SELECT json_build_object('count', count(*), 'retry_after',"
     " COALESCE(ceil(extract(epoch FROM min(at) + make_interval(secs => $2::float8) - now())), 0))"
     " FROM login_failures WHERE subject = $1"
     " AND at > now() - make_interval(secs => $2::float8)"},
    {"login_failure_record", "WITH expired AS (DELETE FROM login_failures"
                             " WHERE at < now() - make_interval(secs => $2::float8))"
                             " INSERT INTO login_failures (subject) VALUES ($1)"},
    {"login_failures_clear", "DELETE FROM login_failures WHERE subject = $1"},
    {"audit_insert", "INSERT INTO audit_log (principal_kind, principal_id, action, resource_type,"
                     " resource_id, request_id, detail, client_address)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::inet)"},
    /* $2 kind, $3 principal id, $4 action, $5 resource type, $6 resource id, $7 $8 time
     * range, $9 limit */
    {"audit_list",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'at', at, 'principal_kind',"
     " principal_kind, 'principal_id', principal_id, 'action', action, 'resource_type',"
     " resource_type, 'resource_id', resource_id, 'request_id', request_id, 'detail', detail,"
     " 'client_address', host(client_address))"
     " ORDER BY id), '[]') FROM (SELECT * FROM audit_log"
     " WHERE ($1::bigint IS NULL OR id > $1) AND ($2::text IS NULL OR principal_kind = $2)"
     " AND ($3::bigint IS NULL OR principal_id = $3) AND ($4::text IS NULL OR action = $4)"
     " AND ($5::text IS NULL OR resource_type = $5) AND ($6::text IS NULL OR resource_id = $6)"
     " AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)"
     " ORDER BY id LIMIT $9) page"},
    {"owner_employer", "SELECT json_build_object('employer_id', id) FROM employers WHERE id = $1"},
    {"owner_placement", "SELECT json_build_object('employer_id', employer_id, 'status', status)"
                        " FROM placements WHERE id = $1"},
    {"owner_seeker", "SELECT json_build_object('portal_id', portal_id) FROM seekers WHERE id = $1"},
    {"seeker_profile", "SELECT doc FROM seeker_profiles WHERE id = $1"},
    {NULL, NULL},
};

enum bpa_db_status bpa_db_call(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *params, char **out)
{
    char *ignored = NULL;
    enum bpa_db_status status = bpa_db_text(conn, statement, count, params, out ? out : &ignored);
    free(ignored);
    return status;
}
