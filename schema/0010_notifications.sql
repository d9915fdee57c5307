-- Notifications: a transactional outbox. Every transition that someone must
-- act on inserts its notifications in the transaction that makes the
-- change (bpa_notify_match), so a committed change always has them and a
-- rolled-back one never does. A dispatcher delivers the webhook and e-mail
-- rows; feed rows are read through the API.

CREATE TABLE portal_webhooks (
    portal_id bigint PRIMARY KEY REFERENCES portals,
    url text NOT NULL CHECK (url ~ '^https?://[^\s]+$' AND length(url) <= 500),
    secret text NOT NULL CHECK (length(secret) >= 32),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL, -- shared by the notifications of one event
    event_type text NOT NULL CHECK (event_type IN ('application_received', 'match_approved',
        'employer_answered', 'seeker_answered', 'match_cancelled', 'reminder',
        'reminder_alert')),
    match_id bigint REFERENCES matches ON DELETE CASCADE,
    channel text NOT NULL CHECK (channel IN ('webhook', 'email', 'feed')),
    recipient_kind text NOT NULL CHECK (recipient_kind IN ('coordinator', 'employer', 'portal')),
    recipient_id bigint, -- the employer or portal; NULL: every coordinator
    address text,        -- an e-mail address
    language text CHECK (language IN ('nl', 'en')),
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    read_at timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at)
    WHERE status IN ('pending', 'failed');
CREATE INDEX notifications_feed ON notifications (recipient_kind, recipient_id, id)
    WHERE channel = 'feed';

-- Queues the notifications of `event` about match `p_match`: ids and the
-- event in the payload, never a seeker's personal data.
CREATE FUNCTION bpa_notify_match(p_match bigint, p_event text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m record;
    event text := md5(random()::text || clock_timestamp()::text || p_match::text);
    payload jsonb;
    to_coordinator boolean;
    to_portal boolean;
    to_employer boolean;
BEGIN
    SELECT x.id, x.seeker_id, x.placement_id, x.state, x.approved_at, p.employer_id, s.portal_id
    INTO m FROM matches x JOIN placements p ON p.id = x.placement_id
    JOIN seekers s ON s.id = x.seeker_id WHERE x.id = p_match;
    payload := jsonb_build_object('event_id', event, 'type', p_event, 'occurred_at', now(),
                                  'match_id', m.id, 'seeker_id', m.seeker_id,
                                  'placement_id', m.placement_id, 'state', m.state);
    to_coordinator := p_event IN ('application_received', 'employer_answered', 'seeker_answered',
                                  'reminder_alert');
    to_portal := p_event IN ('match_approved', 'employer_answered', 'match_cancelled');
    -- Employers know of a match only from its approval on, and never learn
    -- which seeker it is from a notification.
    to_employer := m.approved_at IS NOT NULL
                   AND p_event IN ('match_approved', 'seeker_answered', 'reminder',
                                   'match_cancelled');
    IF to_coordinator THEN
        INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
                                   payload, status, delivered_at)
        VALUES (event, p_event, m.id, 'feed', 'coordinator', payload, 'delivered', now());
    END IF;
    IF to_portal THEN
        INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
                                   recipient_id, payload, status, delivered_at)
        VALUES (event, p_event, m.id, 'feed', 'portal', m.portal_id, payload, 'delivered', now());
        INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
                                   recipient_id, payload)
        SELECT event, p_event, m.id, 'webhook', 'portal', m.portal_id, payload
        FROM portal_webhooks WHERE portal_id = m.portal_id;
    END IF;
    IF to_employer THEN
        INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
                                   recipient_id, payload, status, delivered_at)
        VALUES (event, p_event, m.id, 'feed', 'employer', m.employer_id, payload - 'seeker_id',
                'delivered', now());
        INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
                                   recipient_id, address, language, payload)
        SELECT event, p_event, m.id, 'email', 'employer', m.employer_id, c.email, c.language,
               payload - 'seeker_id'
        FROM employer_contacts c WHERE c.employer_id = m.employer_id;
    END IF;
END;
$$;

-- Employers who leave an approved match unanswered: a reminder after
-- p_days, then an alert to the coordinators after twice that; each once per
-- match. Returns how many were queued. Run by every dispatcher round; the
-- advisory lock keeps two dispatchers from queuing the same reminder.
CREATE FUNCTION bpa_remind_waiting(p_days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    m record;
    queued integer := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7301160502) THEN
        RETURN 0;
    END IF;
    FOR m IN SELECT x.id, x.state_since FROM matches x
             WHERE x.state = 'approved' AND NOT x.employer_accepted
               AND x.state_since < now() - make_interval(days => p_days) LOOP
        IF NOT EXISTS (SELECT 1 FROM notifications
                       WHERE match_id = m.id AND event_type = 'reminder') THEN
            PERFORM bpa_notify_match(m.id, 'reminder');
            queued := queued + 1;
        ELSIF m.state_since < now() - make_interval(days => 2 * p_days)
              AND NOT EXISTS (SELECT 1 FROM notifications
                              WHERE match_id = m.id AND event_type = 'reminder_alert') THEN
            PERFORM bpa_notify_match(m.id, 'reminder_alert');
            queued := queued + 1;
        END IF;
    END LOOP;
    RETURN queued;
END;
$$;
