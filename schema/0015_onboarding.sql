-- Onboarding without the server's command line: entrepreneurs sign up and
-- confirm their e-mail address, coordinators and employer users invite
-- others, anyone may reset a forgotten password, and everyone sees and ends
-- their own sessions. One-time links are random tokens stored only as
-- hashes, used once, and expire.

ALTER TABLE accounts
    ADD COLUMN name text CHECK (length(name) BETWEEN 1 AND 200),
    ADD COLUMN language text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    -- NULL: the address is not confirmed yet, and the account cannot log in
    ADD COLUMN email_confirmed_at timestamptz,
    ADD COLUMN last_login_at timestamptz;
-- accounts made before sign-up existed were made by an operator who knew them
UPDATE accounts SET email_confirmed_at = created_at;

ALTER TABLE employers ADD COLUMN sector text CHECK (length(sector) BETWEEN 1 AND 100);

-- Sessions get an id to be named by (their token hash is a secret's hash)
-- and the client that started them, for "my sessions".
ALTER TABLE sessions
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    ADD COLUMN client_address inet,
    ADD COLUMN user_agent text CHECK (length(user_agent) <= 300);

CREATE TABLE invitations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    name text CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('coordinator', 'employer')),
    employer_id bigint REFERENCES employers ON DELETE CASCADE,
    language text NOT NULL CHECK (language IN ('nl', 'en')),
    invited_by_role text NOT NULL CHECK (invited_by_role IN ('coordinator', 'employer')),
    invited_by bigint REFERENCES accounts ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at timestamptz,
    account_id bigint REFERENCES accounts ON DELETE SET NULL,
    CHECK ((role = 'employer') = (employer_id IS NOT NULL))
);
-- one open invitation per address
CREATE UNIQUE INDEX invitations_open_email ON invitations (lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_employer ON invitations (employer_id, id);

CREATE TABLE one_time_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    purpose text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password', 'invitation')),
    account_id bigint REFERENCES accounts ON DELETE CASCADE,
    invitation_id bigint REFERENCES invitations ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CHECK ((purpose = 'invitation') = (invitation_id IS NOT NULL AND account_id IS NULL))
);
CREATE INDEX one_time_tokens_account ON one_time_tokens (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX one_time_tokens_invitation ON one_time_tokens (invitation_id)
    WHERE invitation_id IS NOT NULL;

-- Sign-ups and password-reset requests, by subject ("signup-address:<ip>",
-- "signup-email:<address>"), counted to throttle them; rows older than the
-- window are deleted as new ones arrive.
CREATE TABLE throttle_events (
    subject text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX throttle_events_subject ON throttle_events (subject, at);

-- E-mails to a person by address (recipient_kind 'account', the address in
-- `address`), and the coordinators' feed items about sign-ups.
ALTER TABLE notifications DROP CONSTRAINT notifications_recipient_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_recipient_kind_check
    CHECK (recipient_kind IN ('coordinator', 'employer', 'portal', 'account'));
ALTER TABLE notifications DROP CONSTRAINT notifications_event_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_type_check
    CHECK (event_type IN ('application_received', 'match_approved', 'employer_answered',
                          'seeker_answered', 'match_cancelled', 'reminder', 'reminder_alert',
                          'ping', 'email_confirmation', 'signup_duplicate', 'signup_known_kvk',
                          'signup_received', 'invitation', 'password_reset'));

-- The employer's document names its sector; saving stores it.
CREATE OR REPLACE VIEW employer_documents AS
SELECT e.id, e.verified, e.name, e.version,
    json_build_object(
        'id', e.id, 'kvk_number', e.kvk_number, 'name', e.name, 'address', e.address,
        'postcode', e.postcode, 'lat', e.lat, 'lon', e.lon, 'sector', e.sector,
        'verified', e.verified,
        'contacts', COALESCE((
            SELECT json_agg(json_build_object('name', c.name, 'email', c.email,
                                              'phone', c.phone, 'language', c.language)
                            ORDER BY c.position)
            FROM employer_contacts c WHERE c.employer_id = e.id), '[]'::json),
        'version', e.version, 'created_at', e.created_at, 'updated_at', e.updated_at) AS doc
FROM employers e;

CREATE OR REPLACE FUNCTION bpa_save_employer(p_id bigint, p_version integer, d jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    saved bigint;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO employers (kvk_number, name, address, postcode, lat, lon, sector)
        VALUES (d->>'kvk_number', d->>'name', d->>'address', d->>'postcode',
                (d->>'lat')::double precision, (d->>'lon')::double precision, d->>'sector')
        RETURNING id INTO saved;
    ELSE
        -- a coordinator verified this KvK number, not whichever comes next
        UPDATE employers SET verified = verified AND kvk_number = d->>'kvk_number',
               kvk_number = d->>'kvk_number', name = d->>'name',
               address = d->>'address', postcode = d->>'postcode',
               lat = (d->>'lat')::double precision, lon = (d->>'lon')::double precision,
               sector = d->>'sector'
        WHERE id = p_id AND version = p_version
        RETURNING id INTO saved;
        IF saved IS NULL THEN
            RETURN NULL;
        END IF;
        DELETE FROM employer_contacts WHERE employer_id = saved;
    END IF;
    INSERT INTO employer_contacts (employer_id, position, name, email, phone, language)
    SELECT saved, c.ord - 1, c.value->>'name', c.value->>'email', c.value->>'phone',
           COALESCE(c.value->>'language', 'nl')
    FROM jsonb_array_elements(COALESCE(d->'contacts', '[]')) WITH ORDINALITY AS c(value, ord);
    RETURN saved;
END;
$$;
