-- A match: one seeker with one placement, from application or proposal to
-- completion, with the score and explanation as they were when it began,
-- and a history of every transition.
--
-- Capacity and exclusivity hold in the database itself: approving takes a
-- row lock on the placement and counts its matches in approved, confirmed
-- or started (so concurrent approvals, from any daemon, queue up); and a
-- partial unique index lets a seeker hold at most one match in those states.

CREATE TABLE matches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seeker_id bigint NOT NULL REFERENCES seekers ON DELETE CASCADE,
    placement_id bigint NOT NULL REFERENCES placements,
    state text NOT NULL CHECK (state IN ('applied', 'proposed', 'approved', 'confirmed',
                                         'started', 'completed', 'dropped_out', 'declined',
                                         'withdrawn', 'rejected', 'cancelled')),
    employer_accepted boolean NOT NULL DEFAULT false,
    seeker_confirmed boolean NOT NULL DEFAULT false,
    score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    explanation jsonb NOT NULL,
    rules_version text NOT NULL,
    state_since timestamptz NOT NULL DEFAULT now(),
    approved_at timestamptz, -- from then on the employer sees the match
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX matches_placement ON matches (placement_id, state);
CREATE INDEX matches_seeker ON matches (seeker_id, state);
-- one live match per pair
CREATE UNIQUE INDEX matches_live_pair ON matches (seeker_id, placement_id)
    WHERE state IN ('applied', 'proposed', 'approved', 'confirmed', 'started');
-- a seeker holds at most one approved, confirmed or started match
CREATE UNIQUE INDEX matches_one_held_per_seeker ON matches (seeker_id)
    WHERE state IN ('approved', 'confirmed', 'started');
CREATE TRIGGER matches_touch BEFORE UPDATE ON matches
    FOR EACH ROW EXECUTE FUNCTION bpa_touch_row();

CREATE TABLE match_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id bigint NOT NULL REFERENCES matches ON DELETE CASCADE,
    action text NOT NULL,
    from_state text,
    to_state text NOT NULL,
    actor_kind text NOT NULL CHECK (actor_kind IN ('coordinator', 'employer', 'portal', 'system')),
    actor_id bigint,
    reason_code text CHECK (reason_code ~ '^[a-z_]{2,40}$'),
    note text CHECK (length(note) <= 2000),
    request_id text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_history_match ON match_history (match_id, id);

-- A full placement is "not open" to the matcher: announce occupancy changes.
CREATE TRIGGER matches_announce AFTER INSERT OR UPDATE OR DELETE ON matches
    FOR EACH ROW EXECUTE FUNCTION bpa_announce_change('placement_id', 'placement');

CREATE OR REPLACE VIEW match_placements AS
SELECT p.id, p.status = 'open' AND COALESCE(o.taken, 0) < p.capacity AS open, p.lat, p.lon,
    p.schedule::text AS schedule, p.hours_per_week,
    (p.start_date - date '1970-01-01') AS start_day,
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
           FROM placement_taught_skills GROUP BY placement_id) t ON t.placement_id = p.id
LEFT JOIN (SELECT placement_id, count(*) AS taken FROM matches
           WHERE state IN ('approved', 'confirmed', 'started') GROUP BY placement_id) o
       ON o.placement_id = p.id;

CREATE VIEW match_documents AS
SELECT m.id, m.seeker_id, m.placement_id, m.state, p.employer_id, s.portal_id, m.state_since,
    m.approved_at,
    json_build_object(
        'id', m.id, 'seeker_id', m.seeker_id, 'placement_id', m.placement_id,
        'employer_id', p.employer_id, 'portal_id', s.portal_id, 'state', m.state,
        'employer_accepted', m.employer_accepted, 'seeker_confirmed', m.seeker_confirmed,
        'score', m.score, 'explanation', m.explanation, 'rules_version', m.rules_version,
        'state_since', m.state_since,
        'waiting_seconds', floor(extract(epoch FROM now() - m.state_since))::bigint,
        'history', COALESCE((
            SELECT json_agg(json_build_object('action', h.action, 'from_state', h.from_state,
                                              'to_state', h.to_state, 'actor_kind', h.actor_kind,
                                              'actor_id', h.actor_id, 'reason_code', h.reason_code,
                                              'note', h.note, 'request_id', h.request_id,
                                              'at', h.at) ORDER BY h.id)
            FROM match_history h WHERE h.match_id = m.id), '[]'::json),
        'version', m.version, 'created_at', m.created_at, 'updated_at', m.updated_at) AS doc
FROM matches m JOIN placements p ON p.id = m.placement_id JOIN seekers s ON s.id = m.seeker_id;
