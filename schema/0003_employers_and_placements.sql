-- Employers (organisations), their contact people, and the work-learning
-- places (placements) they offer, with required and taught skills.

CREATE TABLE employers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kvk_number text NOT NULL UNIQUE CHECK (kvk_number ~ '^[0-9]{8}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address text CHECK (length(address) BETWEEN 1 AND 300),
    postcode text NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3}( [A-Z]{2})?$'),
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    verified boolean NOT NULL DEFAULT false,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (bpa_in_netherlands(lat, lon))
);
CREATE TRIGGER employers_touch BEFORE UPDATE ON employers
    FOR EACH ROW EXECUTE FUNCTION bpa_touch_row();

CREATE TABLE employer_contacts (
    employer_id bigint NOT NULL REFERENCES employers ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 0),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone text CHECK (phone ~ '^\+?[0-9][0-9 ()-]{5,19}$'),
    language text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    PRIMARY KEY (employer_id, position)
);

CREATE TABLE placements (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    employer_id bigint NOT NULL REFERENCES employers,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    occupation_uri text REFERENCES occupations,
    postcode text NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3}( [A-Z]{2})?$'),
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    schedule bit(168) NOT NULL CHECK (schedule <> repeat('0', 168)::bit(168)),
    hours_per_week numeric(4, 1) NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    start_date date NOT NULL,
    end_date date NOT NULL,
    capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    min_dutch_level text NOT NULL DEFAULT 'none'
        CHECK (min_dutch_level IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    certificates text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date > start_date),
    CHECK (bpa_in_netherlands(lat, lon))
);
CREATE INDEX placements_employer ON placements (employer_id);
CREATE INDEX placements_status ON placements (status);
CREATE TRIGGER placements_touch BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION bpa_touch_row();

CREATE TABLE placement_required_skills (
    placement_id bigint NOT NULL REFERENCES placements ON DELETE CASCADE,
    skill_uri text NOT NULL REFERENCES skills,
    min_level smallint NOT NULL CHECK (min_level BETWEEN 1 AND 5),
    essential boolean NOT NULL DEFAULT false,
    PRIMARY KEY (placement_id, skill_uri)
);
CREATE INDEX placement_required_skills_skill ON placement_required_skills (skill_uri);

CREATE TABLE placement_taught_skills (
    placement_id bigint NOT NULL REFERENCES placements ON DELETE CASCADE,
    skill_uri text NOT NULL REFERENCES skills,
    PRIMARY KEY (placement_id, skill_uri)
);
