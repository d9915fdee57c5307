/* The retention job's statements (server/retention.c runs them). Each
 * batch statement changes at most $2 rows, picked with FOR UPDATE SKIP
 * LOCKED so that it never waits for a row a request holds, and answers how
 * many it changed; the job runs it in short transactions until a batch
 * changes fewer than $2. Each count statement counts exactly what its
 * batches would change, for the dry run. $1 is the kind's period (days,
 * months or years, as its option says). */
#include "internal.h"

#define DAYS_AGO   "now() - make_interval(days => $1::int)"
#define MONTHS_AGO "now() - make_interval(months => $1::int)"
#define YEARS_AGO  "now() - make_interval(years => $1::int)"

#define SESSION_ENDED "(revoked_at < " DAYS_AGO " OR expires_at < " DAYS_AGO ")"
#define LINK_DONE     "(used_at < " DAYS_AGO " OR expires_at < " DAYS_AGO ")"
/* the payload a delivered notification keeps */
#define BODY_KEPT "jsonb_build_object('event_id', event_id, 'type', event_type)"
/* delivered, or given up on: the body and the address go, the fact stays */
#define BODY_DUE                                                                                   \
    "status IN ('delivered', 'dead') AND COALESCE(delivered_at, last_attempt_at, created_at) "     \
    "< " DAYS_AGO " AND (payload <> " BODY_KEPT " OR address IS NOT NULL)"
#define FINAL_STATES                                                                               \
    "('completed', 'dropped_out', 'declined', 'withdrawn', 'rejected', 'cancelled')"
#define HISTORY_DUE                                                                                \
    "(h.note IS NOT NULL OR h.actor_id IS NOT NULL) AND h.match_id IN (SELECT m.id FROM matches m" \
    " WHERE m.state IN " FINAL_STATES " AND m.state_since < " MONTHS_AGO ")"
/* Inactive: no change and no match event since last_activity_at. A notice
 * counts only when given after the last activity: a seeker active again
 * after a notice gets a new one when inactive again. */
#define NOTICE_DUE                                                                                 \
    "s.erased_at IS NULL AND s.last_activity_at < " MONTHS_AGO                                     \
    " AND (s.retention_notice_at IS NULL OR s.retention_notice_at < s.last_activity_at)"
/* told at least $2 (grace) days ago, and inactive since */
#define ERASURE_DUE                                                                                \
    "s.erased_at IS NULL AND s.last_activity_at < " MONTHS_AGO                                     \
    " AND s.retention_notice_at >= s.last_activity_at"                                             \
    " AND s.retention_notice_at < now() - make_interval(days => $2::int)"

/* the last entry of the feed older than the period: it and all before go */
#define CHANGES_DUE "(SELECT max(seq) FROM changes WHERE at < " DAYS_AGO ")"

#define COUNTED(changed) "WITH changed AS (" changed " RETURNING 1) SELECT count(*) FROM changed"

const struct bpa_db_statement bpa_db_retention_statements[] = {
    /* $1 days, $2 batch */
    {"retention_sessions", COUNTED("DELETE FROM sessions WHERE token_hash = ANY (ARRAY("
                                   "SELECT token_hash FROM sessions WHERE " SESSION_ENDED
                                   " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_sessions_count", "SELECT count(*) FROM sessions WHERE " SESSION_ENDED},

    /* $1 days, $2 batch: tables without a key, rows by ctid (a TID scan) */
    {"retention_login_failures",
     COUNTED("DELETE FROM login_failures WHERE ctid = ANY (ARRAY(SELECT ctid FROM login_failures"
             " WHERE at < " DAYS_AGO " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_throttle_events",
     COUNTED("DELETE FROM throttle_events WHERE ctid = ANY (ARRAY(SELECT ctid FROM"
             " throttle_events WHERE at < " DAYS_AGO " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_throttle_count",
     "SELECT (SELECT count(*) FROM login_failures WHERE at < " DAYS_AGO ")"
     " + (SELECT count(*) FROM throttle_events WHERE at < " DAYS_AGO ")"},

    /* $1 days, $2 batch */
    {"retention_idempotency",
     COUNTED("DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(SELECT ctid FROM"
             " idempotency_keys WHERE created_at < " DAYS_AGO " LIMIT $2::int"
             " FOR UPDATE SKIP LOCKED))")},
    {"retention_idempotency_count",
     "SELECT count(*) FROM idempotency_keys WHERE created_at < " DAYS_AGO},

    /* $1 days, $2 batch */
    {"retention_links", COUNTED("DELETE FROM one_time_tokens WHERE token_hash = ANY (ARRAY("
                                "SELECT token_hash FROM one_time_tokens WHERE " LINK_DONE
                                " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_links_count", "SELECT count(*) FROM one_time_tokens WHERE " LINK_DONE},

    /* $1 days, $2 batch */
    {"retention_delivered_bodies",
     COUNTED("UPDATE notifications SET payload = " BODY_KEPT ", address = NULL"
             " WHERE id = ANY (ARRAY("
             "SELECT id FROM notifications WHERE " BODY_DUE " LIMIT $2::int"
             " FOR UPDATE SKIP LOCKED))")},
    {"retention_delivered_bodies_count", "SELECT count(*) FROM notifications WHERE " BODY_DUE},

    /* $1 months, $2 batch */
    {"retention_finished_matches",
     COUNTED("UPDATE match_history SET note = NULL, actor_id = NULL WHERE id = ANY (ARRAY("
             "SELECT h.id FROM match_history h WHERE " HISTORY_DUE " LIMIT $2::int"
             " FOR UPDATE OF h SKIP LOCKED))")},
    {"retention_finished_matches_count", "SELECT count(*) FROM match_history h WHERE " HISTORY_DUE},

    /* $1 months, $2 batch, $3 grace days: the seekers told about now; their
     * portal's webhook (when it has one) gets seeker_retention_notice */
    {"retention_seeker_notices",
     "WITH due AS (SELECT s.id FROM seekers s WHERE " NOTICE_DUE " ORDER BY s.id LIMIT $2::int"
     " FOR UPDATE SKIP LOCKED),"
     " told AS (UPDATE seekers s SET retention_notice_at = now() FROM due WHERE s.id = due.id"
     " RETURNING s.id, s.portal_id),"
     " queued AS (INSERT INTO notifications (event_id, event_type, channel, recipient_kind,"
     " recipient_id, payload) SELECT e.id, 'seeker_retention_notice', 'webhook', 'portal',"
     " t.portal_id, jsonb_build_object('event_id', e.id, 'type', 'seeker_retention_notice',"
     " 'occurred_at', now(), 'seeker_id', t.id, 'anonymise_after', now()"
     " + make_interval(days => $3::int)) FROM told t JOIN portal_webhooks w"
     " ON w.portal_id = t.portal_id CROSS JOIN LATERAL (SELECT md5(random()::text"
     " || clock_timestamp()::text || t.id::text) AS id) e RETURNING 1)"
     " SELECT count(*) FROM told"},
    {"retention_seeker_notices_count", "SELECT count(*) FROM seekers s WHERE " NOTICE_DUE},

    /* $1 months, $2 grace days, $3 after this id, $4 batch: the ids of
     * seekers to erase now (each then by itself, erase_seeker in privacy.c) */
    {"retention_inactive_seekers",
     "SELECT COALESCE(json_agg(id ORDER BY id), '[]') FROM (SELECT s.id FROM seekers s"
     " WHERE " ERASURE_DUE " AND s.id > $3::bigint ORDER BY s.id LIMIT $4::int) due"},
    /* $1 months, $2 grace days, $3 seeker: locks the seeker; still due? */
    {"retention_seeker_still_due", "SELECT true FROM seekers s WHERE s.id = $3::bigint"
                                   " AND " ERASURE_DUE " FOR UPDATE"},
    {"retention_inactive_seekers_count", "SELECT count(*) FROM seekers s WHERE " ERASURE_DUE},

    /* $1 days, $2 batch: the change feed's oldest entries, in sequence
     * order, remembering the last deleted (a cursor before it gets 410) */
    {"retention_changes",
     "WITH gone AS (DELETE FROM changes WHERE seq = ANY (ARRAY(SELECT seq FROM changes"
     " WHERE seq <= " CHANGES_DUE " ORDER BY seq LIMIT $2::int FOR UPDATE SKIP LOCKED))"
     " RETURNING seq), moved AS (UPDATE change_feed_horizon"
     " SET purged_through = GREATEST(purged_through, (SELECT max(seq) FROM gone))"
     " WHERE EXISTS (SELECT 1 FROM gone)) SELECT count(*) FROM gone"},
    {"retention_changes_count", "SELECT count(*) FROM changes WHERE seq <= " CHANGES_DUE},

    /* $1 months, $2 batch: a round goes with its pairs */
    {"retention_rounds",
     COUNTED("DELETE FROM rounds WHERE id = ANY (ARRAY(SELECT id FROM rounds"
             " WHERE created_at < " MONTHS_AGO " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_rounds_count", "SELECT count(*) FROM rounds WHERE created_at < " MONTHS_AGO},

    /* The audit trigger lets retention delete in a transaction that says so. */
    {"retention_audit_allow", "SET LOCAL bpa.retention = 'on'"},
    /* $1 years, $2 batch */
    {"retention_audit",
     COUNTED("DELETE FROM audit_log WHERE id = ANY (ARRAY(SELECT id FROM audit_log"
             " WHERE at < " YEARS_AGO " LIMIT $2::int FOR UPDATE SKIP LOCKED))")},
    {"retention_audit_count", "SELECT count(*) FROM audit_log WHERE at < " YEARS_AGO},

    {"retention_now", "SELECT to_json(now())#>>'{}'"},
    /* one run at a time across daemons: a session lock held for the run */
    {"retention_lock", "SELECT pg_try_advisory_lock(7301160503)"},
    {"retention_unlock", "SELECT pg_advisory_unlock(7301160503)"},
    {NULL, NULL},
};
