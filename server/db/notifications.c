/* Notifications: the outbox the dispatcher drains, the in-app feed, and
 * the portals' webhook registrations. Run by name through bpa_db_call. */
#include "internal.h"

const struct bpa_db_statement bpa_db_notification_statements[] = {
    /* match, event type: queues that event's notifications (0010) */
    {"notify_match", "SELECT bpa_notify_match($1, $2)"},
    /* portal, url, secret, hours the secret it replaces stays valid (0: none) */
    {"webhook_set",
     "INSERT INTO portal_webhooks AS w (portal_id, url, secret) VALUES ($1, $2, $3)"
     " ON CONFLICT (portal_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret,"
     " previous_secret = CASE WHEN $4::int > 0 THEN w.secret END,"
     " previous_secret_expires_at = CASE WHEN $4::int > 0"
     "   THEN now() + make_interval(hours => $4::int) END,"
     " secret_created_at = now(), updated_at = now()"
     " RETURNING json_build_object('url', url, 'previous_secret_expires_at',"
     " previous_secret_expires_at)"},
    /* portal, secret, hours the secret it replaces stays valid (0: none) */
    {"webhook_rotate", "UPDATE portal_webhooks w SET secret = $2,"
                       " previous_secret = CASE WHEN $3::int > 0 THEN w.secret END,"
                       " previous_secret_expires_at = CASE WHEN $3::int > 0"
                       "   THEN now() + make_interval(hours => $3::int) END,"
                       " secret_created_at = now(), updated_at = now() WHERE portal_id = $1"
                       " RETURNING json_build_object('url', url, 'previous_secret_expires_at',"
                       " previous_secret_expires_at)"},
    /* portal: where its webhook goes and the secrets that sign it now */
    {"webhook_signing", "SELECT json_build_object('url', url, 'secret', secret, 'previous_secret',"
                        " CASE WHEN previous_secret_expires_at > now() THEN previous_secret END)"
                        " FROM portal_webhooks WHERE portal_id = $1"},
    /* portal: its registration and how its deliveries fare, never a secret */
    {"webhook_status",
     "SELECT json_build_object('url', w.url, 'created_at', w.created_at, 'updated_at',"
     " w.updated_at, 'secret_created_at', w.secret_created_at, 'previous_secret_expires_at',"
     " CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_expires_at END,"
     " 'last_delivered_at', d.last_delivered_at, 'last_error', e.last_error,"
     " 'last_error_at', e.last_attempt_at, 'deliveries', json_build_object('pending',"
     " d.pending, 'failed', d.failed, 'dead', d.dead, 'delivered', d.delivered))"
     " FROM portal_webhooks w,"
     " LATERAL (SELECT max(delivered_at) AS last_delivered_at,"
     "   count(*) FILTER (WHERE status = 'pending') AS pending,"
     "   count(*) FILTER (WHERE status = 'failed') AS failed,"
     "   count(*) FILTER (WHERE status = 'dead') AS dead,"
     "   count(*) FILTER (WHERE status = 'delivered') AS delivered FROM notifications n"
     "   WHERE n.channel = 'webhook' AND n.recipient_id = w.portal_id) d"
     " LEFT JOIN LATERAL (SELECT last_error, last_attempt_at FROM notifications n"
     "   WHERE n.channel = 'webhook' AND n.recipient_id = w.portal_id"
     "   AND last_error IS NOT NULL ORDER BY last_attempt_at DESC NULLS LAST, id DESC"
     "   LIMIT 1) e ON true"
     " WHERE w.portal_id = $1"},
    /* portal, event id, payload, delivered?, error: a test ping, sent already */
    {"webhook_ping_record",
     "INSERT INTO notifications (event_id, event_type, channel, recipient_kind, recipient_id,"
     " payload, status, attempts, last_error, last_attempt_at, delivered_at)"
     " VALUES ($2, 'ping', 'webhook', 'portal', $1, $3::jsonb,"
     " CASE WHEN $4::boolean THEN 'delivered' ELSE 'dead' END, 1, $5, now(),"
     " CASE WHEN $4::boolean THEN now() END) RETURNING id"},
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
     " n.attempts, w.url, w.secret, CASE WHEN w.previous_secret_expires_at > now()"
     " THEN w.previous_secret END AS previous_secret FROM claimed n"
     " LEFT JOIN portal_webhooks w ON n.channel = 'webhook' AND w.portal_id = n.recipient_id) c"},
    /* a one-time link is kept only until it is sent */
    {"outbox_delivered", "UPDATE notifications SET status = 'delivered', delivered_at = now(),"
                         " attempts = attempts + 1, last_error = NULL, last_attempt_at = now(),"
                         " payload = payload - 'link' WHERE id = $1"},
    /* id, error, max attempts, seconds until the next try */
    {"outbox_failed",
     "UPDATE notifications SET attempts = attempts + 1, last_error = left($2, 500),"
     " last_attempt_at = now(),"
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
    /* $1 status or NULL, $2 limit, $3 a portal (its own webhook deliveries
     * only) or NULL (all) */
    {"deliveries_list",
     "SELECT COALESCE(json_agg(json_build_object('id', id, 'event_id', event_id, 'type',"
     " event_type, 'match_id', match_id, 'channel', channel, 'recipient_kind', recipient_kind,"
     " 'recipient_id', recipient_id, 'status', status, 'attempts', attempts, 'last_error',"
     " last_error, 'next_attempt_at', next_attempt_at, 'created_at', created_at, 'delivered_at',"
     " delivered_at) ORDER BY id DESC), '[]') FROM (SELECT * FROM notifications"
     " WHERE channel <> 'feed' AND ($1::text IS NULL OR status = $1)"
     " AND ($3::bigint IS NULL OR (channel = 'webhook' AND recipient_id = $3))"
     " ORDER BY id DESC LIMIT $2) d"},
    /* delivery, a portal (its own webhook deliveries only) or NULL (any) */
    {"delivery_retry", "UPDATE notifications SET status = 'pending', attempts = 0,"
                       " next_attempt_at = now() WHERE id = $1 AND channel <> 'feed'"
                       " AND status IN ('failed', 'dead')"
                       " AND ($2::bigint IS NULL OR (channel = 'webhook' AND recipient_id = $2))"
                       " RETURNING id"},
    /* days: queues reminders and alerts for unanswered approved matches */
    {"remind_waiting", "SELECT bpa_remind_waiting($1)"},
    {NULL, NULL},
};
