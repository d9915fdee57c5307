-- Who may call the service: accounts (coordinators and employer users, with
-- argon2id password hashes), their sessions, the partner portals' API keys,
-- failed logins for throttling, and the append-only audit trail. Tokens and
-- keys are stored only as BLAKE2b hashes.

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role text NOT NULL CHECK (role IN ('coordinator', 'employer')),
    employer_id bigint REFERENCES employers,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'employer') = (employer_id IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_keys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    portal_id bigint NOT NULL REFERENCES portals,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_keys_portal ON api_keys (portal_id);

-- One row per failed login, by subject ("account:<email>", "address:<ip>");
-- rows older than the throttling window are deleted as new ones arrive.
CREATE TABLE login_failures (
    subject text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    principal_kind text NOT NULL
        CHECK (principal_kind IN ('anonymous', 'coordinator', 'employer', 'portal', 'operator')),
    principal_id bigint,
    action text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)?$'),
    resource_type text,
    resource_id text,
    request_id text,
    detail jsonb
);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id);

CREATE FUNCTION bpa_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION bpa_audit_is_append_only();

-- What an employer may see of a job seeker before a match is approved and
-- the seeker consented: skills, levels, availability, area and distance
-- inputs, never a name, contact details or an exact address. The
-- pseudonym is stable per seeker; keyed with a secret of this database's
-- own, so it cannot be traced back to the (sequential) seeker id.
CREATE TABLE pseudonym_key (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret text NOT NULL DEFAULT gen_random_uuid()::text || gen_random_uuid()::text
);
INSERT INTO pseudonym_key DEFAULT VALUES;

CREATE VIEW seeker_profiles AS
SELECT s.id,
    json_build_object(
        'pseudonym', 'S-' || upper(substr(md5(pk.secret || s.id::text), 1, 10)),
        'postcode_area', substr(s.postcode, 1, 4),
        'lat', round(s.lat::numeric, 2), 'lon', round(s.lon::numeric, 2),
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
        'dutch_level', s.dutch_level, 'certificates', to_json(s.certificates)) AS doc
FROM seekers s CROSS JOIN pseudonym_key pk;
