-- Partner portals and the job seekers they registered.

CREATE TABLE portals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    contact_email text CHECK (length(contact_email) <= 254 AND contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE seekers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portal_id bigint NOT NULL REFERENCES portals,
    external_ref text CHECK (length(external_ref) BETWEEN 1 AND 100),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email text CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone text CHECK (phone ~ '^\+?[0-9][0-9 ()-]{5,19}$'),
    postcode text NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3}( [A-Z]{2})?$'),
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    availability bit(168) NOT NULL,
    available_from date NOT NULL,
    available_until date,
    max_hours_per_week numeric(4, 1) NOT NULL CHECK (max_hours_per_week > 0 AND max_hours_per_week <= 60),
    max_travel_km numeric(5, 1) NOT NULL CHECK (max_travel_km > 0 AND max_travel_km <= 250),
    dutch_level text NOT NULL DEFAULT 'none'
        CHECK (dutch_level IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    certificates text[] NOT NULL DEFAULT '{}',
    consent_purpose text NOT NULL CHECK (length(consent_purpose) BETWEEN 1 AND 500),
    consent_text_version text NOT NULL CHECK (length(consent_text_version) BETWEEN 1 AND 50),
    consent_given_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'placed', 'left')),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (portal_id, external_ref),
    CHECK (available_until IS NULL OR available_until >= available_from),
    CHECK (bpa_in_netherlands(lat, lon))
);
CREATE INDEX seekers_portal ON seekers (portal_id);
CREATE TRIGGER seekers_touch BEFORE UPDATE ON seekers
    FOR EACH ROW EXECUTE FUNCTION bpa_touch_row();

CREATE TABLE seeker_skills (
    seeker_id bigint NOT NULL REFERENCES seekers ON DELETE CASCADE,
    skill_uri text NOT NULL REFERENCES skills,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (seeker_id, skill_uri)
);
CREATE INDEX seeker_skills_skill ON seeker_skills (skill_uri);

CREATE TABLE seeker_learning_goals (
    seeker_id bigint NOT NULL REFERENCES seekers ON DELETE CASCADE,
    skill_uri text NOT NULL REFERENCES skills,
    PRIMARY KEY (seeker_id, skill_uri)
);

-- Creating POSTs with an Idempotency-Key: the first response, kept so a
-- retry gets it again. `scope` is the route (and, later, the caller).
CREATE TABLE idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    response_status integer NOT NULL,
    response_body text NOT NULL,
    location text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
