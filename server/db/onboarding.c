/* Sign-up, one-time links, invitations, passwords and one's own sessions:
 * the statements behind onboarding (0015_onboarding.sql). Token hashes
 * travel as bytea literals ("\x..."). */
#include "internal.h"

/* An invitation as the API shows it, from invitations `i`. */
#define INVITATION_DOC                                                                             \
    "json_build_object('id', i.id, 'email', i.email, 'name', i.name, 'role', i.role,"              \
    " 'employer_id', i.employer_id, 'language', i.language, 'status', CASE"                        \
    " WHEN i.accepted_at IS NOT NULL THEN 'accepted' WHEN i.revoked_at IS NOT NULL THEN 'revoked'" \
    " WHEN i.expires_at <= now() THEN 'expired' ELSE 'pending' END, 'created_at', i.created_at,"   \
    " 'expires_at', i.expires_at, 'invited_by', json_build_object('role', i.invited_by_role,"      \
    " 'account_id', i.invited_by), 'accepted_at', i.accepted_at, 'revoked_at', i.revoked_at,"      \
    " 'account_id', i.account_id)"

/* A notification's event: a fresh id, its type and time, and `extra`. */
#define EVENT_PAYLOAD(extra)                                                                       \
    "jsonb_build_object('event_id', e.id, 'type', $1::text, 'occurred_at', now()) || " extra

const struct bpa_db_statement bpa_db_onboarding_statements[] = {
    /* --- throttling: subject, window in seconds --- */
    {"throttle_count",
     "SELECT json_build_object('count', count(*), 'retry_after',"
     " COALESCE(ceil(extract(epoch FROM min(at) + make_interval(secs => $2::float8) - now())), 0))"
     " FROM throttle_events WHERE subject = $1 AND at > now() - make_interval(secs => $2::float8)"},
    {"throttle_record", "WITH expired AS (DELETE FROM throttle_events"
                        " WHERE at < now() - make_interval(secs => $2::float8))"
                        " INSERT INTO throttle_events (subject) VALUES ($1)"},

    /* --- one-time links --- */
    /* hash, purpose, account, invitation, seconds valid */
    {"link_issue", "INSERT INTO one_time_tokens (token_hash, purpose, account_id, invitation_id,"
                   " expires_at) VALUES ($1::bytea, $2, $3, $4,"
                   " now() + make_interval(secs => $5::float8))"},
    /* hash, purpose: uses the link once, {account_id, invitation_id} or no row */
    {"link_use", "UPDATE one_time_tokens SET used_at = now() WHERE token_hash = $1::bytea"
                 " AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
                 " RETURNING json_build_object('account_id', account_id, 'invitation_id',"
                 " invitation_id)"},
    /* invitation: its links stop working */
    {"links_retire_invitation", "UPDATE one_time_tokens SET used_at = now()"
                                " WHERE invitation_id = $1 AND used_at IS NULL"},
    /* account, purpose: its earlier links of that purpose stop working */
    {"links_retire_account", "UPDATE one_time_tokens SET used_at = now()"
                             " WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL"},

    /* --- e-mail and the coordinators' feed, through the outbox (0010) --- */
    /* event type, address, language, payload members */
    {"mail_to_address",
     "INSERT INTO notifications (event_id, event_type, channel, recipient_kind, address,"
     " language, payload) SELECT e.id, $1, 'email', 'account', $2, $3,"
     " " EVENT_PAYLOAD("$4::jsonb") " FROM (SELECT md5(random()::text || clock_timestamp()::text)"
                                    " AS id) e"},
    /* event type, employer, payload members: e-mail to each of its contacts */
    {"mail_to_employer_contacts",
     "INSERT INTO notifications (event_id, event_type, channel, recipient_kind, recipient_id,"
     " address, language, payload) SELECT e.id, $1, 'email', 'employer', c.employer_id, c.email,"
     " c.language, " EVENT_PAYLOAD(
         "$3::jsonb") " FROM employer_contacts c,"
                      " (SELECT md5(random()::text || clock_timestamp()::text) AS id) e"
                      " WHERE c.employer_id = $2"},
    /* event type, payload members */
    {"feed_to_coordinators",
     "INSERT INTO notifications (event_id, event_type, channel, recipient_kind, payload, status,"
     " delivered_at) SELECT e.id, $1, 'feed', 'coordinator', " EVENT_PAYLOAD(
         "$2::jsonb") ","
                      " 'delivered', now() FROM (SELECT md5(random()::text || "
                      "clock_timestamp()::text) AS id) e"},

    /* --- accounts --- */
    {"account_exists", "SELECT id FROM accounts WHERE lower(email) = lower($1)"},
    {"employer_by_kvk", "SELECT id FROM employers WHERE kvk_number = $1"},
    {"employer_name", "SELECT name FROM employers WHERE id = $1"},
    /* email, hash, role, employer, name, language, confirmed? */
    {"account_create_named",
     "INSERT INTO accounts (email, password_hash, role, employer_id, name, language,"
     " email_confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::boolean THEN now() END)"
     " RETURNING id"},
    {"account_confirm_email", "UPDATE accounts SET email_confirmed_at ="
                              " COALESCE(email_confirmed_at, now()) WHERE id = $1 RETURNING email"},
    /* account: its name and address, for a reset */
    {"account_mail_facts", "SELECT json_build_object('id', id, 'email', email, 'language',"
                           " language) FROM accounts WHERE lower(email) = lower($1)"
                           " AND NOT disabled"},
    {"account_password_hash", "SELECT password_hash FROM accounts WHERE id = $1"},
    {"account_about", "SELECT json_build_object('email', email, 'name', name, 'language',"
                      " language) FROM accounts WHERE id = $1"},

    /* --- sessions: account, the current session's hash (or NULL), idle seconds --- */
    {"session_list",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'created_at', created_at,"
     " 'last_used_at', last_used_at, 'expires_at', expires_at, 'client_address',"
     " host(client_address), 'user_agent', user_agent, 'current', token_hash = $2::bytea)"
     " ORDER BY id DESC), '[]') FROM sessions WHERE account_id = $1 AND revoked_at IS NULL"
     " AND expires_at > now() AND last_used_at > now() - make_interval(secs => $3::float8)"},
    /* session id, account */
    {"session_end", "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND account_id = $2"
                    " AND revoked_at IS NULL AND expires_at > now() RETURNING id"},
    /* account, a session to keep (its hash) or NULL: how many were ended */
    {"sessions_end_all",
     "WITH ended AS (UPDATE sessions SET revoked_at = now() WHERE account_id = $1"
     " AND revoked_at IS NULL AND ($2::bytea IS NULL OR token_hash <> $2::bytea) RETURNING 1)"
     " SELECT count(*) FROM ended"},

    /* --- invitations --- */
    /* email: retires an expired open invitation, which would block a new one */
    {"invitation_close_expired", "UPDATE invitations SET revoked_at = now()"
                                 " WHERE lower(email) = lower($1) AND accepted_at IS NULL"
                                 " AND revoked_at IS NULL AND expires_at <= now()"},
    {"invitation_open_for", "SELECT id FROM invitations WHERE lower(email) = lower($1)"
                            " AND accepted_at IS NULL AND revoked_at IS NULL"},
    /* email, name, role, employer, language, inviter's role, inviter, days */
    {"invitation_create",
     "INSERT INTO invitations (email, name, role, employer_id, language, invited_by_role,"
     " invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
     " now() + make_interval(days => $8::int)) RETURNING id"},
    {"invitation_get", "SELECT " INVITATION_DOC " FROM invitations i WHERE i.id = $1"},
    /* $1 after id, $2 employer or NULL, $3 status or NULL, $4 limit */
    {"invitation_list",
     "SELECT COALESCE(json_agg(doc ORDER BY id), '[]') FROM (SELECT id, doc FROM ("
     " SELECT i.id, " INVITATION_DOC " AS doc FROM invitations i"
     " WHERE ($1::bigint IS NULL OR i.id > $1) AND ($2::bigint IS NULL OR i.employer_id = $2)) d"
     " WHERE ($3::text IS NULL OR doc->>'status' = $3) ORDER BY id LIMIT $4) page"},
    /* invitation, days: a pending or expired one, renewed */
    {"invitation_renew",
     "UPDATE invitations SET expires_at = now() + make_interval(days => $2::int)"
     " WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL"
     " RETURNING id"},
    {"invitation_revoke", "UPDATE invitations SET revoked_at = now() WHERE id = $1"
                          " AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id"},
    /* invitation, account */
    {"invitation_accept",
     "UPDATE invitations SET accepted_at = now(), account_id = $2 WHERE id = $1"
     " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING id"},
    /* hash: the open invitation a link names, for its acceptance screen */
    {"invitation_by_link",
     "SELECT json_build_object('id', i.id, 'email', i.email, 'role', i.role, 'employer_id',"
     " i.employer_id, 'employer_name', e.name, 'name', i.name, 'language', i.language,"
     " 'expires_at', least(i.expires_at, t.expires_at))"
     " FROM one_time_tokens t JOIN invitations i ON i.id = t.invitation_id"
     " LEFT JOIN employers e ON e.id = i.employer_id"
     " WHERE t.token_hash = $1::bytea AND t.purpose = 'invitation' AND t.used_at IS NULL"
     " AND t.expires_at > now() AND i.accepted_at IS NULL AND i.revoked_at IS NULL"
     " AND i.expires_at > now()"},
    {NULL, NULL},
};
