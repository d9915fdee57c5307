-- Saving a resource from its validated JSON document: insert when p_id is
-- NULL, otherwise update the row whose version is still p_version, then
-- replace the child rows. Returns the id, or NULL when the row is gone or
-- its version moved on (the caller then answers 404 or 412).

CREATE FUNCTION bpa_save_employer(p_id bigint, p_version integer, d jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    saved bigint;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO employers (kvk_number, name, address, postcode, lat, lon)
        VALUES (d->>'kvk_number', d->>'name', d->>'address', d->>'postcode',
                (d->>'lat')::double precision, (d->>'lon')::double precision)
        RETURNING id INTO saved;
    ELSE
        -- a coordinator verified this KvK number, not whichever comes next
        UPDATE employers SET verified = verified AND kvk_number = d->>'kvk_number',
               kvk_number = d->>'kvk_number', name = d->>'name',
               address = d->>'address', postcode = d->>'postcode',
               lat = (d->>'lat')::double precision, lon = (d->>'lon')::double precision
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

CREATE FUNCTION bpa_save_placement(p_id bigint, p_version integer, d jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    saved bigint;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO placements (employer_id, title, description, occupation_uri, postcode, lat,
                                lon, schedule, hours_per_week, start_date, end_date, capacity,
                                min_dutch_level, certificates)
        VALUES ((d->>'employer_id')::bigint, d->>'title', COALESCE(d->>'description', ''),
                d->>'occupation_uri', d->>'postcode', (d->>'lat')::double precision,
                (d->>'lon')::double precision, (d->>'schedule')::bit(168),
                (d->>'hours_per_week')::numeric, (d->>'start_date')::date,
                (d->>'end_date')::date, (d->>'capacity')::integer,
                COALESCE(d->>'min_dutch_level', 'none'),
                ARRAY(SELECT jsonb_array_elements_text(COALESCE(d->'certificates', '[]'))))
        RETURNING id INTO saved;
    ELSE
        UPDATE placements SET title = d->>'title', description = COALESCE(d->>'description', ''),
               occupation_uri = d->>'occupation_uri', postcode = d->>'postcode',
               lat = (d->>'lat')::double precision, lon = (d->>'lon')::double precision,
               schedule = (d->>'schedule')::bit(168),
               hours_per_week = (d->>'hours_per_week')::numeric,
               start_date = (d->>'start_date')::date, end_date = (d->>'end_date')::date,
               capacity = (d->>'capacity')::integer,
               min_dutch_level = COALESCE(d->>'min_dutch_level', 'none'),
               certificates = ARRAY(SELECT jsonb_array_elements_text(COALESCE(d->'certificates', '[]')))
        WHERE id = p_id AND version = p_version
        RETURNING id INTO saved;
        IF saved IS NULL THEN
            RETURN NULL;
        END IF;
        DELETE FROM placement_required_skills WHERE placement_id = saved;
        DELETE FROM placement_taught_skills WHERE placement_id = saved;
    END IF;
    INSERT INTO placement_required_skills (placement_id, skill_uri, min_level, essential)
    SELECT saved, s->>'uri', (s->>'min_level')::smallint, COALESCE((s->>'essential')::boolean, false)
    FROM jsonb_array_elements(COALESCE(d->'required_skills', '[]')) AS s;
    INSERT INTO placement_taught_skills (placement_id, skill_uri)
    SELECT saved, u FROM jsonb_array_elements_text(COALESCE(d->'taught_skills', '[]')) AS u;
    RETURN saved;
END;
$$;

CREATE FUNCTION bpa_save_seeker(p_id bigint, p_version integer, d jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    saved bigint;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO seekers (portal_id, external_ref, name, email, phone, postcode, lat, lon,
                             availability, available_from, available_until, max_hours_per_week,
                             max_travel_km, dutch_level, certificates, consent_purpose,
                             consent_text_version, consent_given_at, status)
        VALUES ((d->>'portal_id')::bigint, d->>'external_ref', d->>'name', d->>'email',
                d->>'phone', d->>'postcode', (d->>'lat')::double precision,
                (d->>'lon')::double precision, (d->>'availability')::bit(168),
                (d->>'available_from')::date, (d->>'available_until')::date,
                (d->>'max_hours_per_week')::numeric, (d->>'max_travel_km')::numeric,
                COALESCE(d->>'dutch_level', 'none'),
                ARRAY(SELECT jsonb_array_elements_text(COALESCE(d->'certificates', '[]'))),
                d->'consent'->>'purpose', d->'consent'->>'text_version',
                (d->'consent'->>'given_at')::timestamptz, COALESCE(d->>'status', 'active'))
        RETURNING id INTO saved;
    ELSE
        UPDATE seekers SET external_ref = d->>'external_ref', name = d->>'name',
               email = d->>'email', phone = d->>'phone', postcode = d->>'postcode',
               lat = (d->>'lat')::double precision, lon = (d->>'lon')::double precision,
               availability = (d->>'availability')::bit(168),
               available_from = (d->>'available_from')::date,
               available_until = (d->>'available_until')::date,
               max_hours_per_week = (d->>'max_hours_per_week')::numeric,
               max_travel_km = (d->>'max_travel_km')::numeric,
               dutch_level = COALESCE(d->>'dutch_level', 'none'),
               certificates = ARRAY(SELECT jsonb_array_elements_text(COALESCE(d->'certificates', '[]'))),
               consent_purpose = d->'consent'->>'purpose',
               consent_text_version = d->'consent'->>'text_version',
               consent_given_at = (d->'consent'->>'given_at')::timestamptz,
               status = COALESCE(d->>'status', 'active')
        WHERE id = p_id AND version = p_version
        RETURNING id INTO saved;
        IF saved IS NULL THEN
            RETURN NULL;
        END IF;
        DELETE FROM seeker_skills WHERE seeker_id = saved;
        DELETE FROM seeker_learning_goals WHERE seeker_id = saved;
    END IF;
    INSERT INTO seeker_skills (seeker_id, skill_uri, level)
    SELECT saved, s->>'uri', (s->>'level')::smallint
    FROM jsonb_array_elements(COALESCE(d->'skills', '[]')) AS s;
    INSERT INTO seeker_learning_goals (seeker_id, skill_uri)
    SELECT saved, u FROM jsonb_array_elements_text(COALESCE(d->'learning_goals', '[]')) AS u;
    RETURN saved;
END;
$$;
