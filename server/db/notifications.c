/* Notifications: the outbox the dispatcher drains, the in-app feed, and
 * the portals' webhook registrations. Run by name through bpa_db_call. */
#include "internal.h"

const struct bpa_db_statement bpa_db_notification_statements[] = {
    /* match, event type: queues that event's notifications (0010) */
    {"notify_match", "SELECT bpa_notify_match($1, $2)"},
    /* portal, url, secret */
    {"webhook_set", "INSERT INTO portal_webhooks (portal_id, url, secret) VALUES ($1, $2, $3)"
                    " ON CONFLICT (portal_id) DO UPDATE SET url = EXCLUDED.url,"
                    " secret = EXCLUDED.secret, updated_at = now()"},
    /* claims up to $1 due deliveries for $2 seconds: they are not due to
     * anyone else until then, unless recorded sooner */
    {"outbox_claim",
     "WITH due AS (SELECT id FROM notifications WHERE status IN ('pending', 'failed')"
     " AND next_attempt_at <= now() AND channel <> 'feed' ORDER BY id LIMIT $1"
     " FOR UPDATE SKIP LOCKED),"
     " claimed AS (UPDATE notifications n SET next_attempt_at = now()"
     " + make_interval(secs => $2::float8) FROM due WHERE n.id = due.id RETURNING n.*)"
     " SELECT COALESCE(json_agg(row_to_json(c) ORDER BY c.id), '[]') FROM ("
     " SELECT n.id, n.event_id, n.event_type, n.channel, n.payload, n.address, n.language,"
     " n.attempts, w.url, w.secret FROM claimed n"
     " LEFT JOIN portal_webhooks w ON n.channel = 'webhook' AND w.portal_id = n.recipient_id) c"},
    {"outbox_delivered", "UPDATE notifications SET status = 'delivered', delivered_at = now(),"
                         " attempts = attempts + 1, last_error = NULL WHERE id = $1"},
    /* id, error, max attempts, seconds until the next try */
    {"outbox_failed",
     "UPDATE notifications SET attempts = attempts + 1, last_error = left($2, 500),"
     " status = CASE WHEN attempts + 1 >= $3::int THEN 'dead' ELSE 'failed' END,"
     " next_attempt_at = now() + make_interval(secs => $4::float8) WHERE id = $1"},
    /* recipient kind, recipient id (NULL for coordinators), limit: unread first */
    {"feed_list",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'event_id', event_id, 'type',"
     " event_type, 'match_id', match_id, 'payload', payload, 'created_at', created_at,"
     " 'read', read_at IS NOT NULL) ORDER BY read_at IS NOT NULL, id DESC), '[]')"
     " FROM (SELECT * FROM notifications WHERE channel = 'feed' AND recipient_kind = $1"
     " AND recipient_id IS NOT DISTINCT FROM $2::bigint"
     " ORDER BY read_at IS NOT NULL, id DESC LIMIT $3) feed"},
    {"feed_read", "UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1"
                  " AND channel = 'feed' AND recipient_kind = $2"
                  " AND recipient_id IS NOT DISTINCT FROM $3::bigint RETURNING id"},
    /* $1 status or NULL, $2 limit */
    {"deliveries_list",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'event_id', event_id, 'type',"
     " event_type, 'match_id', match_id, 'channel', channel, 'recipient_kind', recipient_kind,"
     " 'recipient_id', recipient_id, 'status', status, 'attempts', attempts, 'last_error',"
     " last_error, 'next_attempt_at', next_attempt_at, 'created_at', created_at, 'delivered_at',"
     " delivered_at) ORDER BY id DESC), '[]') FROM (SELECT * FROM notifications"
     " WHERE channel <> 'feed' AND ($1::text IS NULL OR status = $1) ORDER BY id DESC"
     " LIMIT $2) d"},
    {"delivery_retry", "UPDATE notifications SET status = 'pending', attempts = 0,"
                       " next_attempt_at = now() WHERE id = $1 AND channel <> 'feed'"
                       " AND status IN ('failed', 'dead') RETURNING id"},
    /* days: queues reminders and alerts for unanswered approved matches */
    {"remind_waiting", "SELECT bpa_remind_waiting($1)"},
    {NULL, NULL},
};
