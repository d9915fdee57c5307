-- The API's representation of each resource, built in one place. Schedules
-- leave as 168-character bit strings; the server turns them into intervals.

CREATE VIEW employer_documents AS
SELECT e.id, e.verified, e.name, e.version,
    json_build_object(
        'id', e.id, 'kvk_number', e.kvk_number, 'name', e.name, 'address', e.address,
        'postcode', e.postcode, 'lat', e.lat, 'lon', e.lon, 'verified', e.verified,
        'contacts', COALESCE((
            SELECT json_agg(json_build_object('name', c.name, 'email', c.email,
                                              'phone', c.phone, 'language', c.language)
                            ORDER BY c.position)
            FROM employer_contacts c WHERE c.employer_id = e.id), '[]'::json),
        'version', e.version, 'created_at', e.created_at, 'updated_at', e.updated_at) AS doc
FROM employers e;

CREATE VIEW placement_documents AS
SELECT p.id, p.employer_id, p.status, p.occupation_uri, p.lat, p.lon, p.start_date, p.version,
    json_build_object(
        'id', p.id, 'employer_id', p.employer_id, 'title', p.title,
        'description', p.description, 'occupation_uri', p.occupation_uri,
        'postcode', p.postcode, 'lat', p.lat, 'lon', p.lon,
        'schedule', p.schedule::text, 'hours_per_week', p.hours_per_week,
        'start_date', p.start_date, 'end_date', p.end_date, 'capacity', p.capacity,
        'min_dutch_level', p.min_dutch_level, 'certificates', to_json(p.certificates),
        'required_skills', COALESCE((
            SELECT json_agg(json_build_object('uri', r.skill_uri, 'min_level', r.min_level,
                                              'essential', r.essential) ORDER BY r.skill_uri)
            FROM placement_required_skills r WHERE r.placement_id = p.id), '[]'::json),
        'taught_skills', COALESCE((
            SELECT json_agg(t.skill_uri ORDER BY t.skill_uri)
            FROM placement_taught_skills t WHERE t.placement_id = p.id), '[]'::json),
        'status', p.status, 'version', p.version,
        'created_at', p.created_at, 'updated_at', p.updated_at) AS doc
FROM placements p;

CREATE VIEW seeker_documents AS
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
        'status', s.status, 'version', s.version,
        'created_at', s.created_at, 'updated_at', s.updated_at) AS doc
FROM seekers s;
