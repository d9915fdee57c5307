-- What a portal needs to run its webhook: when it was registered, a new
-- secret whose predecessor stays valid for a while (deliveries are signed
-- with both until then), and a test ping recorded like any delivery.

ALTER TABLE portal_webhooks
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN secret_created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN previous_secret text CHECK (length(previous_secret) >= 32),
    ADD COLUMN previous_secret_expires_at timestamptz,
    ADD CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL));

ALTER TABLE notifications DROP CONSTRAINT notifications_event_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_type_check
    CHECK (event_type IN ('application_received', 'match_approved', 'employer_answered',
                          'seeker_answered', 'match_cancelled', 'reminder', 'reminder_alert',
                          'ping'));

-- When a delivery was last tried: a portal's "last error" is the latest.
ALTER TABLE notifications ADD COLUMN last_attempt_at timestamptz;

-- A portal's own deliveries, newest first.
CREATE INDEX notifications_portal_deliveries ON notifications (recipient_id, id)
    WHERE channel = 'webhook';

-- The ETag of a kept first answer, sent again with its replay.
ALTER TABLE idempotency_keys ADD COLUMN etag text;
