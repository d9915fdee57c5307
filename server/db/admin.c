/* Accounts, partner portals and their keys as coordinators manage them
 * through the API and the operator through the command line (both by way
 * of server/registry.h). Ids travel as decimal text, results as JSON text;
 * key hashes as bytea literals ("\x..."). */
#include "internal.h"

/* An account as coordinators see it (never its password hash). */
#define ACCOUNT_JSON                                                                               \
    "json_build_object('id', a.id, 'email', a.email, 'name', a.name, 'role', a.role,"              \
    " 'employer_id', a.employer_id, 'language', a.language, 'disabled', a.disabled,"               \
    " 'email_confirmed', a.email_confirmed_at IS NOT NULL, 'created_at', a.created_at,"            \
    " 'last_login_at', a.last_login_at)"

/* A portal, with how many of its keys are not revoked. */
#define PORTAL_JSON                                                                                \
    "json_build_object('id', p.id, 'name', p.name, 'contact_email', p.contact_email,"              \
    " 'active', p.active, 'created_at', p.created_at,"                                             \
    " 'rate_limit_per_minute', p.rate_limit_per_minute,"                                           \
    " 'active_keys', (SELECT count(*) FROM api_keys k"                                             \
    "   WHERE k.portal_id = p.id AND k.revoked_at IS NULL))"

const struct bpa_db_statement bpa_db_admin_statements[] = {
    /* $1 e-mail, $2 password hash, $3 role, $4 employer or NULL, $5 name or
     * NULL, $6 language or NULL ('nl'): the id. Made by someone who knows the
     * address (the operator), so it is confirmed. */
    {"admin_account_create",
     "INSERT INTO accounts (email, password_hash, role, employer_id, name, language,"
     " email_confirmed_at) VALUES ($1, $2, $3, $4, $5, COALESCE($6, 'nl'), now()) RETURNING id"},
    /* $1 after id, $2 role, $3 employer, $4 status (active: enabled and
     * confirmed; unconfirmed: enabled, not confirmed; disabled), $5 limit:
     * a JSON array ordered by id */
    {"admin_account_list",
     "SELECT COALESCE(json_agg(" ACCOUNT_JSON " ORDER BY a.id), '[]') FROM (SELECT * FROM accounts"
     " WHERE ($1::bigint IS NULL OR id > $1) AND ($2::text IS NULL OR role = $2)"
     " AND ($3::bigint IS NULL OR employer_id = $3)"
     " AND ($4::text IS NULL OR CASE $4 WHEN 'disabled' THEN disabled"
     "   WHEN 'unconfirmed' THEN NOT disabled AND email_confirmed_at IS NULL"
     "   ELSE NOT disabled AND email_confirmed_at IS NOT NULL END)"
     " ORDER BY id LIMIT $5) a"},
    {"admin_account_get", "SELECT " ACCOUNT_JSON " FROM accounts a WHERE a.id = $1"},
    /* the same, locked for a change in this transaction */
    {"admin_account_lock", "SELECT " ACCOUNT_JSON " FROM accounts a WHERE a.id = $1 FOR UPDATE"},
    /* $1 account, $2 disabled: the account */
    {"admin_account_set_disabled", "UPDATE accounts a SET disabled = $2::boolean WHERE a.id = $1"
                                   " RETURNING " ACCOUNT_JSON},
    /* $1 account: how many of its sessions were still open, now ended */
    {"admin_account_sessions_end",
     "WITH ended AS (UPDATE sessions SET revoked_at = now() WHERE account_id = $1"
     " AND revoked_at IS NULL RETURNING 1) SELECT count(*) FROM ended"},
    /* $1 account (an employer user's), $2 employer: the account */
    {"admin_account_set_employer",
     "UPDATE accounts a SET employer_id = $2 WHERE a.id = $1 AND a.role = 'employer'"
     " RETURNING " ACCOUNT_JSON},

    /* $1 name, $2 contact e-mail or NULL: the id */
    {"admin_portal_create",
     "INSERT INTO portals (name, contact_email) VALUES ($1, $2) RETURNING id"},
    {"admin_portal_named", "SELECT id FROM portals WHERE name = $1"},
    {"admin_portal_get", "SELECT " PORTAL_JSON " FROM portals p WHERE p.id = $1"},
    /* $1 after id, $2 limit: a JSON array ordered by id */
    {"admin_portal_list", "SELECT COALESCE(json_agg(" PORTAL_JSON " ORDER BY p.id), '[]')"
                          " FROM (SELECT * FROM portals WHERE ($1::bigint IS NULL OR id > $1)"
                          " ORDER BY id LIMIT $2) p"},
    /* $1 portal, $2 name or NULL (kept), $3 contact e-mail, $4 whether to
     * set it ($3 NULL then clears it): the portal */
    {"admin_portal_update",
     "UPDATE portals p SET name = COALESCE($2, p.name),"
     " contact_email = CASE WHEN $4::boolean THEN $3 ELSE p.contact_email END"
     " WHERE p.id = $1 RETURNING " PORTAL_JSON},
    /* $1 portal, $2 active: {"changed"}, NULL when there is no such portal */
    {"admin_portal_set_active",
     "WITH old AS (SELECT id, active FROM portals WHERE id = $1 FOR UPDATE),"
     " changed AS (UPDATE portals p SET active = $2::boolean FROM old"
     "   WHERE p.id = old.id RETURNING p.id)"
     " SELECT json_build_object('changed', old.active <> $2::boolean) FROM old"},

    /* $1 key hash, $2 portal: the key's id, NULL when there is no such portal */
    {"admin_key_issue", "INSERT INTO api_keys (key_hash, portal_id) SELECT $1::bytea, id"
                        " FROM portals WHERE id = $2 RETURNING id"},
    /* $1 portal: its keys (ids and dates, never a hash) as a JSON array,
     * NULL when there is no such portal */
    {"admin_key_list",
     "SELECT (SELECT COALESCE(json_agg(json_build_object('key_id', k.id, 'created_at',"
     " k.created_at, 'last_used_at', k.last_used_at, 'revoked_at', k.revoked_at)"
     " ORDER BY k.id), '[]') FROM api_keys k WHERE k.portal_id = p.id)"
     " FROM portals p WHERE p.id = $1"},
    /* $1 key, $2 its portal or NULL (any): {"portal_id", "revoked": false when
     * it was revoked before}, NULL when there is no such key */
    {"admin_key_revoke",
     "WITH old AS (SELECT id, portal_id, revoked_at FROM api_keys"
     "   WHERE id = $1 AND ($2::bigint IS NULL OR portal_id = $2) FOR UPDATE),"
     " revoked AS (UPDATE api_keys k SET revoked_at = now() FROM old"
     "   WHERE k.id = old.id AND old.revoked_at IS NULL RETURNING k.id)"
     " SELECT json_build_object('portal_id', old.portal_id, 'revoked', old.revoked_at IS NULL)"
     " FROM old"},
    {NULL, NULL},
};
