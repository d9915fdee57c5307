-- Personal data duties: consent per purpose with its history, erasure
-- that keeps anonymous statistics, and the retention job's bookkeeping.

-- --- consent per purpose ---

CREATE TABLE consents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seeker_id bigint NOT NULL REFERENCES seekers ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('matching', 'share_contact', 'email_updates')),
    given boolean NOT NULL,
    text_version text NOT NULL CHECK (length(text_version) BETWEEN 1 AND 50),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by_role text NOT NULL CHECK (recorded_by_role IN ('portal', 'coordinator', 'system')),
    recorded_by bigint, -- the portal or the account; NULL for the system
    portal_id bigint NOT NULL REFERENCES portals -- the seeker's portal at the time
);
CREATE INDEX consents_seeker ON consents (seeker_id, purpose, id);

-- The current consent of the two purposes the service acts on, kept on the
-- seeker by the trigger below: ranking reads it with the rest of the
-- seeker, and changing it announces the seeker to every daemon's index.
ALTER TABLE seekers
    ADD COLUMN matching_consent boolean NOT NULL DEFAULT false,
    ADD COLUMN share_contact_consent boolean NOT NULL DEFAULT false,
    ADD COLUMN erased_at timestamptz,
    ADD COLUMN last_activity_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN retention_notice_at timestamptz;

CREATE FUNCTION bpa_consent_current() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.purpose = 'matching' THEN
        UPDATE seekers SET matching_consent = NEW.given WHERE id = NEW.seeker_id;
    ELSIF NEW.purpose = 'share_contact' THEN
        UPDATE seekers SET share_contact_consent = NEW.given WHERE id = NEW.seeker_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER consents_current AFTER INSERT ON consents
    FOR EACH ROW EXECUTE FUNCTION bpa_consent_current();

-- A new seeker's single consent (POST /v1/seekers' `consent`) meant both
-- being matched and, once confirmed, sharing contact details: recorded as
-- two, by the portal that registered the seeker.
CREATE FUNCTION bpa_seeker_first_consents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO consents (seeker_id, purpose, given, text_version, recorded_at,
                          recorded_by_role, recorded_by, portal_id)
    SELECT NEW.id, p, true, NEW.consent_text_version, NEW.consent_given_at, 'portal',
           NEW.portal_id, NEW.portal_id
    FROM unnest(ARRAY['matching', 'share_contact']) AS p;
    RETURN NULL;
END;
$$;
CREATE TRIGGER seekers_first_consents AFTER INSERT ON seekers
    FOR EACH ROW EXECUTE FUNCTION bpa_seeker_first_consents();

-- A new seeker may bring consents per purpose (`consents` on create):
-- recorded after the first ones, so that they are the current ones.
ALTER FUNCTION bpa_save_seeker(bigint, integer, jsonb) RENAME TO bpa_save_seeker_profile;
CREATE FUNCTION bpa_save_seeker(p_id bigint, p_version integer, d jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    saved bigint := bpa_save_seeker_profile(p_id, p_version, d);
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO consents (seeker_id, purpose, given, text_version, recorded_by_role,
                              recorded_by, portal_id)
        SELECT saved, c->>'purpose', (c->>'given')::boolean, c->>'text_version', 'portal',
               (d->>'portal_id')::bigint, (d->>'portal_id')::bigint
        FROM jsonb_array_elements(COALESCE(d->'consents', '[]')) AS c;
    END IF;
    RETURN saved;
END;
$$;

-- Seekers stored before: the consent they had, for both purposes.
INSERT INTO consents (seeker_id, purpose, given, text_version, recorded_at, recorded_by_role,
                      portal_id)
SELECT s.id, p, true, s.consent_text_version, s.consent_given_at, 'system', s.portal_id
FROM seekers s CROSS JOIN unnest(ARRAY['matching', 'share_contact']) AS p;

-- Ranked only with consent for matching, never once erased.
CREATE OR REPLACE VIEW match_seekers AS
SELECT s.id, s.status = 'active' AND s.matching_consent AND s.erased_at IS NULL AS active,
    s.lat, s.lon, s.availability::text AS availability,
    s.max_hours_per_week, s.max_travel_km, (s.available_from - date '1970-01-01') AS from_day,
    (s.available_until - date '1970-01-01') AS until_day,
    array_position(ARRAY['none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'], s.dutch_level) - 1
        AS dutch_level,
    array_to_string(s.certificates, chr(31)) AS certificates, k.skills, g.goals
FROM seekers s
LEFT JOIN (SELECT seeker_id, string_agg(skill_uri || chr(30) || level, chr(31)) AS skills
           FROM seeker_skills GROUP BY seeker_id) k ON k.seeker_id = s.id
LEFT JOIN (SELECT seeker_id, string_agg(skill_uri, chr(31)) AS goals
           FROM seeker_learning_goals GROUP BY seeker_id) g ON g.seeker_id = s.id;

-- --- activity, for retention: a seeker's own changes and their matches' ---

CREATE FUNCTION bpa_seeker_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a change to the profile is; consent and bookkeeping columns are not
    IF ROW(NEW.external_ref, NEW.name, NEW.email, NEW.phone, NEW.postcode, NEW.availability,
           NEW.available_from, NEW.available_until, NEW.max_hours_per_week, NEW.max_travel_km,
           NEW.dutch_level, NEW.certificates, NEW.status)
       IS DISTINCT FROM
       ROW(OLD.external_ref, OLD.name, OLD.email, OLD.phone, OLD.postcode, OLD.availability,
           OLD.available_from, OLD.available_until, OLD.max_hours_per_week, OLD.max_travel_km,
           OLD.dutch_level, OLD.certificates, OLD.status) THEN
        NEW.last_activity_at := now();
        NEW.retention_notice_at := NULL;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER seekers_active BEFORE UPDATE ON seekers
    FOR EACH ROW EXECUTE FUNCTION bpa_seeker_active();

-- At most once a day per seeker: each such write announces the seeker.
CREATE FUNCTION bpa_match_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE seekers SET last_activity_at = now(), retention_notice_at = NULL
    WHERE id = NEW.seeker_id AND last_activity_at < now() - interval '1 day';
    RETURN NULL;
END;
$$;
CREATE TRIGGER matches_activity AFTER INSERT OR UPDATE OF state ON matches
    FOR EACH ROW EXECUTE FUNCTION bpa_match_activity();

-- --- notifications: the retention notice to a portal ---

ALTER TABLE notifications DROP CONSTRAINT notifications_event_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_type_check
    CHECK (event_type IN ('application_received', 'match_approved', 'employer_answered',
                          'seeker_answered', 'match_cancelled', 'reminder', 'reminder_alert',
                          'ping', 'email_confirmation', 'signup_duplicate', 'signup_known_kvk',
                          'signup_received', 'invitation', 'password_reset',
                          'seeker_retention_notice'));

-- --- the audit trail: append-only, but for erasure and retention ---

-- Erasure may empty a row's detail (`SET LOCAL bpa.erasure = 'on'`, only
-- inside the erasure functions below); retention may delete rows past
-- their period (`SET LOCAL bpa.retention = 'on'`). Nothing else changes a
-- row: a guard against mistakes, not against the database's owner.
CREATE OR REPLACE FUNCTION bpa_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('bpa.erasure', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('bpa.retention', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION bpa_audit_only_detail_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.detail IS NOT NULL
       OR ROW(NEW.id, NEW.at, NEW.principal_kind, NEW.principal_id, NEW.action,
              NEW.resource_type, NEW.resource_id, NEW.request_id, NEW.client_address)
          IS DISTINCT FROM
          ROW(OLD.id, OLD.at, OLD.principal_kind, OLD.principal_id, OLD.action,
              OLD.resource_type, OLD.resource_id, OLD.request_id, OLD.client_address) THEN
        RAISE EXCEPTION 'an audit row may only lose its detail' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_only_detail_erased BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION bpa_audit_only_detail_erased();

-- --- withdrawing consent for matching cancels the open matches ---

-- The seeker's open matches, cancelled by the system with `p_reason` and
-- the usual notifications (ids only). Returns how many.
CREATE FUNCTION bpa_cancel_open_matches(p_seeker bigint, p_request text, p_reason text)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    m record;
    cancelled integer := 0;
BEGIN
    FOR m IN SELECT id, state FROM matches WHERE seeker_id = p_seeker
             AND state IN ('applied', 'proposed', 'approved', 'confirmed', 'started')
             ORDER BY id FOR UPDATE LOOP
        UPDATE matches SET state = 'cancelled', state_since = now() WHERE id = m.id;
        INSERT INTO match_history (match_id, action, from_state, to_state, actor_kind,
                                   reason_code, request_id)
        VALUES (m.id, 'cancel', m.state, 'cancelled', 'system', p_reason, p_request);
        PERFORM bpa_notify_match(m.id, 'match_cancelled');
        cancelled := cancelled + 1;
    END LOOP;
    RETURN cancelled;
END;
$$;

-- --- erasure ---

-- Erases seeker p_id's personal data, keeping its matches as anonymous
-- statistics (states, dates, scores, reason codes, explanations of skills
-- by URI). Irreversible and idempotent: a second call changes nothing and
-- says so. The summary names what was done.
CREATE FUNCTION bpa_erase_seeker(p_id bigint) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    s record;
    place record;
    notes integer;
    scrubbed integer;
    details integer;
    answers integer;
    kept integer;
BEGIN
    SELECT id, postcode, erased_at INTO s FROM seekers WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF s.erased_at IS NOT NULL THEN
        RETURN jsonb_build_object('seeker_id', p_id, 'erased_at', s.erased_at,
            'already_erased', true, 'fields', '[]'::jsonb, 'matches_kept_anonymous', 0,
            'history_notes_removed', 0, 'notifications_scrubbed', 0,
            'audit_details_scrubbed', 0, 'idempotency_answers_removed', 0);
    END IF;
    -- open matches end first, as a withdrawal of consent would end them
    PERFORM bpa_cancel_open_matches(p_id, NULL, 'seeker_erased');
    SELECT lat, lon INTO place FROM postcodes WHERE pc4 = left(s.postcode, 4)::integer;
    UPDATE seekers SET name = 'erased', email = NULL, phone = NULL, external_ref = NULL,
        postcode = left(postcode, 4),
        lat = COALESCE(place.lat, round(lat::numeric, 2)::double precision),
        lon = COALESCE(place.lon, round(lon::numeric, 2)::double precision),
        certificates = '{}', consent_purpose = 'erased', consent_text_version = 'erased',
        matching_consent = false, share_contact_consent = false,
        status = 'left', erased_at = now()
    WHERE id = p_id;
    DELETE FROM seeker_skills WHERE seeker_id = p_id;
    DELETE FROM seeker_learning_goals WHERE seeker_id = p_id;
    UPDATE consents SET text_version = 'erased' WHERE seeker_id = p_id;
    -- nothing is consented to any more: the history says so, per purpose
    INSERT INTO consents (seeker_id, purpose, given, text_version, recorded_by_role, portal_id)
    SELECT DISTINCT p_id, c.purpose, false, 'erased', 'system', c.portal_id
    FROM consents c WHERE c.seeker_id = p_id;
    SELECT count(*) INTO kept FROM matches WHERE seeker_id = p_id;
    UPDATE match_history h SET note = NULL FROM matches m
    WHERE h.match_id = m.id AND m.seeker_id = p_id AND h.note IS NOT NULL;
    GET DIAGNOSTICS notes = ROW_COUNT;
    UPDATE notifications n SET payload = n.payload - 'seeker_id' FROM matches m
    WHERE n.match_id = m.id AND m.seeker_id = p_id AND n.payload ? 'seeker_id';
    GET DIAGNOSTICS scrubbed = ROW_COUNT;
    SET LOCAL bpa.erasure = 'on';
    UPDATE audit_log SET detail = NULL
    WHERE resource_type = 'seeker' AND resource_id = p_id::text AND detail IS NOT NULL;
    GET DIAGNOSTICS details = ROW_COUNT;
    SET LOCAL bpa.erasure = 'off';
    -- kept answers about the seeker or its matches (a key's scope is
    -- "METHOD path caller": the path is its second word)
    DELETE FROM idempotency_keys k
    WHERE k.location = '/v1/seekers/' || p_id
       OR split_part(k.scope, ' ', 2) LIKE '/v1/seekers/' || p_id || '/%'
       OR EXISTS (SELECT 1 FROM matches m WHERE m.seeker_id = p_id
                  AND (k.location = '/v1/matches/' || m.id
                       OR split_part(k.scope, ' ', 2) = '/v1/matches/' || m.id || '/transitions'));
    GET DIAGNOSTICS answers = ROW_COUNT;
    RETURN jsonb_build_object('seeker_id', p_id, 'erased_at', now(), 'already_erased', false,
        'fields', jsonb_build_array('name', 'email', 'phone', 'external_ref', 'postcode', 'lat',
            'lon', 'certificates', 'skills', 'learning_goals', 'consent'),
        'matches_kept_anonymous', kept, 'history_notes_removed', notes,
        'notifications_scrubbed', scrubbed, 'audit_details_scrubbed', details,
        'idempotency_answers_removed', answers);
END;
$$;

-- Removes an e-mail address from the outbox, invitations and the audit
-- trail's details (failed logins name the address tried). Returns counts.
CREATE FUNCTION bpa_erase_address(p_email text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    mails integer;
    invited integer;
    details integer;
BEGIN
    UPDATE notifications SET address = NULL, payload = payload - 'email' - 'name'
    WHERE lower(address) = lower(p_email) OR lower(payload->>'email') = lower(p_email);
    GET DIAGNOSTICS mails = ROW_COUNT;
    UPDATE invitations SET email = 'erased-' || id || '@erased.invalid', name = NULL,
        revoked_at = COALESCE(revoked_at, accepted_at, now())
    WHERE lower(email) = lower(p_email);
    GET DIAGNOSTICS invited = ROW_COUNT;
    SET LOCAL bpa.erasure = 'on';
    UPDATE audit_log SET detail = NULL WHERE detail IS NOT NULL
        AND lower(detail::text) LIKE '%' || lower(p_email) || '%';
    GET DIAGNOSTICS details = ROW_COUNT;
    SET LOCAL bpa.erasure = 'off';
    DELETE FROM login_failures WHERE lower(subject) = 'account:' || lower(p_email);
    DELETE FROM throttle_events WHERE lower(subject) = 'signup-email:' || lower(p_email);
    RETURN jsonb_build_object('notifications_scrubbed', mails, 'invitations_scrubbed', invited,
                              'audit_details_scrubbed', details);
END;
$$;

-- Erases account p_id: its address, name and password, its sessions and
-- links; it stays, disabled, as the actor of what it did.
CREATE FUNCTION bpa_erase_account(p_id bigint) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    a record;
    summary jsonb;
    sessions integer;
BEGIN
    SELECT id, email, name, disabled FROM accounts INTO a WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF a.email LIKE 'erased-%@erased.invalid' THEN
        RETURN jsonb_build_object('account_id', p_id, 'already_erased', true);
    END IF;
    summary := bpa_erase_address(a.email);
    UPDATE accounts SET email = 'erased-' || p_id || '@erased.invalid', name = NULL,
        password_hash = '$argon2id$erased', disabled = true
    WHERE id = p_id;
    DELETE FROM sessions WHERE account_id = p_id;
    GET DIAGNOSTICS sessions = ROW_COUNT;
    DELETE FROM one_time_tokens WHERE account_id = p_id;
    SET LOCAL bpa.erasure = 'on';
    UPDATE audit_log SET detail = NULL
    WHERE resource_type = 'account' AND resource_id = p_id::text AND detail IS NOT NULL;
    SET LOCAL bpa.erasure = 'off';
    RETURN summary || jsonb_build_object('account_id', p_id, 'already_erased', false,
        'fields', jsonb_build_array('email', 'name', 'password'), 'sessions_ended', sessions);
END;
$$;

-- Erases an employer's contact person by address: removed from the
-- employer, and the address from the outbox, invitations and audit details.
CREATE FUNCTION bpa_erase_contact(p_employer bigint, p_email text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    removed integer;
BEGIN
    DELETE FROM employer_contacts WHERE employer_id = p_employer AND lower(email) = lower(p_email);
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF removed = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE employers SET updated_at = now() WHERE id = p_employer; -- a new version, ETag
    RETURN bpa_erase_address(p_email) || jsonb_build_object('employer_id', p_employer,
        'contacts_removed', removed);
END;
$$;

-- --- the seeker's document: its consents and whether it was erased ---

CREATE OR REPLACE VIEW seeker_documents AS
SELECT s.id, s.portal_id, s.status, s.postcode, s.version,
    json_build_object(
        'id', s.id, 'portal_id', s.portal_id, 'external_ref', s.external_ref,
        'name', s.name, 'email', s.email, 'phone', s.phone,
        'postcode', s.postcode, 'lat', s.lat, 'lon', s.lon,
        'skills', COALESCE((
            SELECT json_agg(json_build_object('uri', k.skill_uri, 'level', k.level)
                            ORDER BY k.skill_uri)
            FROM seeker_skills k WHERE k.seeker_id = s.id), '[]'::json),
        'learning_goals', COALESCE((
            SELECT json_agg(g.skill_uri ORDER BY g.skill_uri)
            FROM seeker_learning_goals g WHERE g.seeker_id = s.id), '[]'::json),
        'availability', s.availability::text,
        'available_from', s.available_from, 'available_until', s.available_until,
        'max_hours_per_week', s.max_hours_per_week, 'max_travel_km', s.max_travel_km,
        'dutch_level', s.dutch_level, 'certificates', to_json(s.certificates),
        'consent', json_build_object('purpose', s.consent_purpose,
                                     'text_version', s.consent_text_version,
                                     'given_at', s.consent_given_at),
        'consents', (SELECT json_build_object(
            'matching', (SELECT json_build_object('given', c.given, 'text_version',
                             c.text_version, 'recorded_at', c.recorded_at) FROM consents c
                         WHERE c.seeker_id = s.id AND c.purpose = 'matching'
                         ORDER BY c.id DESC LIMIT 1),
            'share_contact', (SELECT json_build_object('given', c.given, 'text_version',
                             c.text_version, 'recorded_at', c.recorded_at) FROM consents c
                         WHERE c.seeker_id = s.id AND c.purpose = 'share_contact'
                         ORDER BY c.id DESC LIMIT 1),
            'email_updates', (SELECT json_build_object('given', c.given, 'text_version',
                             c.text_version, 'recorded_at', c.recorded_at) FROM consents c
                         WHERE c.seeker_id = s.id AND c.purpose = 'email_updates'
                         ORDER BY c.id DESC LIMIT 1))),
        'erased_at', s.erased_at,
        'status', s.status, 'version', s.version,
        'created_at', s.created_at, 'updated_at', s.updated_at) AS doc
FROM seekers s;

-- Exports and erasure find a person's rows by these.
CREATE INDEX notifications_match ON notifications (match_id) WHERE match_id IS NOT NULL;
CREATE INDEX audit_log_principal ON audit_log (principal_kind, principal_id, id);
