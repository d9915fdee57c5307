-- Reference data: ESCO skills and occupations (keyed by URI), PC4 postcode
-- centroids, and the geometry helpers every location uses.

-- The Netherlands in Europe, generously: the Wadden islands to Zuid-Limburg.
CREATE FUNCTION bpa_in_netherlands(lat double precision, lon double precision) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT lat BETWEEN 50.70 AND 53.70 AND lon BETWEEN 3.20 AND 7.30 $$;

-- Great-circle distance in km (haversine, mean Earth radius).
CREATE FUNCTION bpa_distance_km(lat1 double precision, lon1 double precision,
                                lat2 double precision, lon2 double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT 2 * 6371.0088 * asin(least(1, sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2) +
        cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))))
$$;

CREATE TABLE skills (
    uri text PRIMARY KEY CHECK (uri ~ '^https?://[^\s/]+/\S+[^/]$' AND length(uri) <= 300),
    -- the last segment of the URI (ESCO's concept UUID): the id in /v1/skills/{id}
    key text GENERATED ALWAYS AS (regexp_replace(uri, '^.*/', '')) STORED UNIQUE,
    label_en text CHECK (length(label_en) BETWEEN 1 AND 500),
    label_nl text CHECK (length(label_nl) BETWEEN 1 AND 500),
    skill_type text CHECK (skill_type IN ('skill/competence', 'knowledge')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (label_en IS NOT NULL OR label_nl IS NOT NULL)
);
CREATE INDEX skills_label_en_prefix ON skills (lower(label_en) text_pattern_ops);
CREATE INDEX skills_label_nl_prefix ON skills (lower(label_nl) text_pattern_ops);

CREATE TABLE occupations (
    uri text PRIMARY KEY CHECK (uri ~ '^https?://[^\s/]+/\S+[^/]$' AND length(uri) <= 300),
    key text GENERATED ALWAYS AS (regexp_replace(uri, '^.*/', '')) STORED UNIQUE,
    label_en text CHECK (length(label_en) BETWEEN 1 AND 500),
    label_nl text CHECK (length(label_nl) BETWEEN 1 AND 500),
    isco_group text CHECK (isco_group ~ '^[0-9]{1,4}$'),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (label_en IS NOT NULL OR label_nl IS NOT NULL)
);
CREATE INDEX occupations_label_en_prefix ON occupations (lower(label_en) text_pattern_ops);
CREATE INDEX occupations_label_nl_prefix ON occupations (lower(label_nl) text_pattern_ops);

CREATE TABLE postcodes (
    pc4 integer PRIMARY KEY CHECK (pc4 BETWEEN 1000 AND 9999),
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    place text CHECK (length(place) <= 200),
    municipality text CHECK (length(municipality) <= 200),
    CHECK (bpa_in_netherlands(lat, lon))
);
