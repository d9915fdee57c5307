-- Every committed change to what the matcher ranks is announced on channel
-- bpa_index ("placement:<id>" or "seeker:<id>"), whatever wrote it, so each
-- daemon's in-memory index can follow. NOTIFY is delivered at commit, once
-- per distinct payload per transaction.

CREATE FUNCTION bpa_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV[0]: the column holding the id; TG_ARGV[1]: what it is
    PERFORM pg_notify('bpa_index', TG_ARGV[1] || ':' ||
        (to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) ->> TG_ARGV[0]));
    RETURN NULL;
END;
$$;

CREATE TRIGGER placements_announce AFTER INSERT OR UPDATE OR DELETE ON placements
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('id', 'placement');
CREATE TRIGGER placement_required_skills_announce
    AFTER INSERT OR UPDATE OR DELETE ON placement_required_skills
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('placement_id', 'placement');
CREATE TRIGGER placement_taught_skills_announce
    AFTER INSERT OR UPDATE OR DELETE ON placement_taught_skills
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('placement_id', 'placement');
CREATE TRIGGER seekers_announce AFTER INSERT OR UPDATE OR DELETE ON seekers
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('id', 'seeker');
CREATE TRIGGER seeker_skills_announce AFTER INSERT OR UPDATE OR DELETE ON seeker_skills
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('seeker_id', 'seeker');
CREATE TRIGGER seeker_learning_goals_announce
    AFTER INSERT OR UPDATE OR DELETE ON seeker_learning_goals
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('seeker_id', 'seeker');

-- The matcher's view of a placement and a seeker: flat columns, lists
-- joined with chr(31) between items and chr(30) inside an item. The lists
-- are aggregated per table and joined, so a full load aggregates once.
CREATE VIEW match_placements AS
SELECT p.id, p.status = 'open' AS open, p.lat, p.lon, p.schedule::text AS schedule,
    p.hours_per_week, (p.start_date - date '1970-01-01') AS start_day,
    (p.end_date - date '1970-01-01') AS end_day,
    array_position(ARRAY['none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'], p.min_dutch_level) - 1
        AS min_dutch_level,
    array_to_string(p.certificates, chr(31)) AS certificates,
    p.occupation_uri, r.required_skills, t.taught_skills
FROM placements p
LEFT JOIN (SELECT placement_id,
                  string_agg(skill_uri || chr(30) || min_level || chr(30) || essential::int,
                             chr(31)) AS required_skills
           FROM placement_required_skills GROUP BY placement_id) r ON r.placement_id = p.id
LEFT JOIN (SELECT placement_id, string_agg(skill_uri, chr(31)) AS taught_skills
           FROM placement_taught_skills GROUP BY placement_id) t ON t.placement_id = p.id;

CREATE VIEW match_seekers AS
SELECT s.id, s.status = 'active' AS active, s.lat, s.lon, s.availability::text AS availability,
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
