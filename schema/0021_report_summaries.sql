-- The reports read summaries kept as the history is written, not the
-- history itself: a year of 100,000 matches is some 430,000 history rows,
-- too many to read within 200 ms a request. Each history row, as it is
-- inserted, adds to three summaries (report_summarise_row):
--   report_steps    the funnel: per Amsterdam day, and per segment (the days
--                   of a week within one month), how many matches entered
--                   each step, in all and per employer, occupation and
--                   portal (of the match's placement and seeker then);
--   report_stays    time in stage: each stay in a state, written once, when
--                   the match's next change of state ends it;
--   report_answers  employers' answer times: each approval, and the time of
--                   the employer's first accept or decline after it.
-- No summary names a seeker, and none is deleted with its match: erased
-- and retained matches still count.

-- The steps a history row enters: its to_state when it changes the state
-- (an employer's accept before the seeker's confirm leaves it approved),
-- and 'accepted' for an employer's accept, a step of its own.
CREATE FUNCTION report_steps_of(from_state text, to_state text, action text)
RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array_remove(ARRAY[CASE WHEN from_state IS DISTINCT FROM to_state THEN to_state END,
                              CASE WHEN action = 'accept' THEN 'accepted' END], NULL)
$$;

-- A segment: the days of one week that lie in one month. Weeks, months and
-- quarters are each made of whole segments, so a range reads a row a
-- segment, and a row a day only in the segments its ends cut: a year grouped
-- by employer reads about 65 rows an employer instead of 365.
CREATE FUNCTION report_segment_start(day date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT GREATEST(date_trunc('week', day::timestamp), date_trunc('month', day::timestamp))::date
$$;
CREATE FUNCTION report_segment_end(day date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT LEAST(date_trunc('week', day::timestamp) + interval '6 days',
                 date_trunc('month', day::timestamp) + interval '1 month - 1 day')::date
$$;

-- one row a span (a day or a segment) and group, a column a step
CREATE TABLE report_steps (
    dimension text NOT NULL CHECK (dimension IN ('all', 'employer', 'occupation', 'portal')),
    key text NOT NULL, -- the employer's or portal's id, the occupation's URI; '' for all or none
    span text NOT NULL CHECK (span IN ('day', 'segment')),
    day date NOT NULL, -- in Europe/Amsterdam; a segment's first
    applied integer NOT NULL DEFAULT 0,
    proposed integer NOT NULL DEFAULT 0,
    approved integer NOT NULL DEFAULT 0,
    accepted integer NOT NULL DEFAULT 0,
    confirmed integer NOT NULL DEFAULT 0,
    started integer NOT NULL DEFAULT 0,
    completed integer NOT NULL DEFAULT 0,
    dropped_out integer NOT NULL DEFAULT 0,
    rejected integer NOT NULL DEFAULT 0,
    declined integer NOT NULL DEFAULT 0,
    withdrawn integer NOT NULL DEFAULT 0,
    cancelled integer NOT NULL DEFAULT 0,
    PRIMARY KEY (dimension, span, day, key)
);

CREATE TABLE report_stays (
    state text NOT NULL,
    left_at timestamptz NOT NULL,
    seconds float8 NOT NULL -- how long it lasted: ready to sort for the percentiles
);
-- read in the order of the states: no sort of every stay to group them
CREATE INDEX report_stays_state ON report_stays (state, left_at) INCLUDE (seconds);

CREATE TABLE report_answers (
    match_id bigint NOT NULL, -- no foreign key: the approval counts after its match is gone
    employer_id bigint NOT NULL,
    approved_at timestamptz NOT NULL,
    answered_at timestamptz
);
CREATE INDEX report_answers_employer ON report_answers (employer_id, approved_at)
    INCLUDE (answered_at, match_id);
CREATE INDEX report_answers_open ON report_answers (match_id) WHERE answered_at IS NULL;

-- Planned afresh each call (about 0.5 ms a history row): a plan cached
-- while the summaries were small, a sequential scan of report_answers say,
-- would make writing a large history quadratic.
CREATE FUNCTION report_summarise_row(h match_history) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    steps text[] := report_steps_of(h.from_state, h.to_state, h.action);
BEGIN
    IF cardinality(steps) > 0 THEN
        -- the 'all' row first in every transaction, so two transactions
        -- meet on it before either holds another
        INSERT INTO report_steps AS r (dimension, key, span, day, applied, proposed,
                approved, accepted, confirmed, started, completed, dropped_out, rejected,
                declined, withdrawn, cancelled)
        SELECT g.dimension, g.key, d.span, d.day,
               (steps @> '{applied}')::integer,
               (steps @> '{proposed}')::integer,
               (steps @> '{approved}')::integer,
               (steps @> '{accepted}')::integer,
               (steps @> '{confirmed}')::integer,
               (steps @> '{started}')::integer,
               (steps @> '{completed}')::integer,
               (steps @> '{dropped_out}')::integer,
               (steps @> '{rejected}')::integer,
               (steps @> '{declined}')::integer,
               (steps @> '{withdrawn}')::integer,
               (steps @> '{cancelled}')::integer
          FROM matches m JOIN placements p ON p.id = m.placement_id
          JOIN seekers k ON k.id = m.seeker_id
         CROSS JOIN LATERAL (VALUES (1, 'all', ''), (2, 'employer', p.employer_id::text),
                                    (3, 'occupation', COALESCE(p.occupation_uri, '')),
                                    (4, 'portal', k.portal_id::text)) g(o, dimension, key)
         CROSS JOIN (SELECT (h.at AT TIME ZONE 'Europe/Amsterdam')::date) a(day)
         CROSS JOIN LATERAL (VALUES ('day', a.day),
                                    ('segment', report_segment_start(a.day))) d(span, day)
         WHERE m.id = h.match_id
         ORDER BY g.o, d.span
        ON CONFLICT (dimension, span, day, key) DO UPDATE SET
            applied = r.applied + EXCLUDED.applied,
            proposed = r.proposed + EXCLUDED.proposed,
            approved = r.approved + EXCLUDED.approved,
            accepted = r.accepted + EXCLUDED.accepted,
            confirmed = r.confirmed + EXCLUDED.confirmed,
            started = r.started + EXCLUDED.started,
            completed = r.completed + EXCLUDED.completed,
            dropped_out = r.dropped_out + EXCLUDED.dropped_out,
            rejected = r.rejected + EXCLUDED.rejected,
            declined = r.declined + EXCLUDED.declined,
            withdrawn = r.withdrawn + EXCLUDED.withdrawn,
            cancelled = r.cancelled + EXCLUDED.cancelled;
    END IF;
    IF h.from_state IS DISTINCT FROM h.to_state THEN
        INSERT INTO report_stays (state, left_at, seconds)
        SELECT e.to_state, h.at, date_part('epoch', h.at - e.at) FROM match_history e
         WHERE e.match_id = h.match_id AND e.from_state IS DISTINCT FROM e.to_state
           AND e.id < h.id
         ORDER BY e.id DESC LIMIT 1; -- ids follow the history's order
    END IF;
    IF h.to_state = 'approved' AND h.from_state IS DISTINCT FROM 'approved' THEN
        INSERT INTO report_answers (match_id, employer_id, approved_at)
        SELECT m.id, p.employer_id, h.at FROM matches m JOIN placements p ON p.id = m.placement_id
         WHERE m.id = h.match_id;
    END IF;
    IF h.actor_kind = 'employer' AND h.action IN ('accept', 'decline') THEN
        UPDATE report_answers SET answered_at = h.at
         WHERE match_id = h.match_id AND answered_at IS NULL AND approved_at <= h.at;
    END IF;
END;
$$;

CREATE FUNCTION report_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_summarise_row(NEW);
    RETURN NULL;
END;
$$;

CREATE TRIGGER match_history_summarised AFTER INSERT ON match_history
    FOR EACH ROW EXECUTE FUNCTION report_summarise();

-- The same summaries made afresh from the whole history in one go: for the
-- history before this migration, and for a world written in bulk (the
-- benchmark's). Written apart from report_summarise_row, over the history as
-- the reports once read it, so that a test can hold the two against each
-- other.
CREATE FUNCTION report_summarise_all() RETURNS void LANGUAGE sql AS $$
    TRUNCATE report_steps, report_stays, report_answers;
    INSERT INTO report_steps (dimension, key, span, day, applied, proposed, approved, accepted,
            confirmed, started, completed, dropped_out, rejected, declined, withdrawn, cancelled)
    SELECT g.dimension, g.key, d.span, d.day,
           count(*) FILTER (WHERE s.steps @> '{applied}'),
           count(*) FILTER (WHERE s.steps @> '{proposed}'),
           count(*) FILTER (WHERE s.steps @> '{approved}'),
           count(*) FILTER (WHERE s.steps @> '{accepted}'),
           count(*) FILTER (WHERE s.steps @> '{confirmed}'),
           count(*) FILTER (WHERE s.steps @> '{started}'),
           count(*) FILTER (WHERE s.steps @> '{completed}'),
           count(*) FILTER (WHERE s.steps @> '{dropped_out}'),
           count(*) FILTER (WHERE s.steps @> '{rejected}'),
           count(*) FILTER (WHERE s.steps @> '{declined}'),
           count(*) FILTER (WHERE s.steps @> '{withdrawn}'),
           count(*) FILTER (WHERE s.steps @> '{cancelled}')
      FROM match_history h
     CROSS JOIN LATERAL (SELECT report_steps_of(h.from_state, h.to_state, h.action)) s(steps)
      JOIN matches m ON m.id = h.match_id JOIN placements p ON p.id = m.placement_id
      JOIN seekers k ON k.id = m.seeker_id
     CROSS JOIN LATERAL (VALUES ('all', ''), ('employer', p.employer_id::text),
                                ('occupation', COALESCE(p.occupation_uri, '')),
                                ('portal', k.portal_id::text)) g(dimension, key)
     CROSS JOIN LATERAL (SELECT (h.at AT TIME ZONE 'Europe/Amsterdam')::date) a(day)
     CROSS JOIN LATERAL (VALUES ('day', a.day),
                                ('segment', report_segment_start(a.day))) d(span, day)
     WHERE cardinality(s.steps) > 0
     GROUP BY 1, 2, 3, 4;
    -- a stay lasts from one change of state to the match's next
    INSERT INTO report_stays (state, left_at, seconds)
    SELECT to_state, left_at, date_part('epoch', left_at - at) FROM (
        SELECT to_state, at, lead(at) OVER (PARTITION BY match_id ORDER BY id) AS left_at
          FROM match_history WHERE from_state IS DISTINCT FROM to_state) c
     WHERE left_at IS NOT NULL;
    INSERT INTO report_answers (match_id, employer_id, approved_at, answered_at)
    SELECT h.match_id, p.employer_id, h.at,
           (SELECT min(r.at) FROM match_history r WHERE r.match_id = h.match_id
               AND r.actor_kind = 'employer' AND r.action IN ('accept', 'decline')
               AND r.at >= h.at)
      FROM match_history h JOIN matches m ON m.id = h.match_id
      JOIN placements p ON p.id = m.placement_id
     WHERE h.to_state = 'approved' AND h.from_state IS DISTINCT FROM 'approved';
$$;

SELECT report_summarise_all();
