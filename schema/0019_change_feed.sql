-- The change feed for partner portals (GET /v1/changes): placements
-- opened, changed, closed or filled (every portal sees those of open
-- places); their own seekers' matches changing state and consents
-- recorded (only that portal). Triggers write the entries in the
-- transaction that makes the change, so an entry exists exactly when its
-- change committed; they are deferred to its commit, so that the lock
-- below is taken last and held only while the transaction commits (never
-- while it waits for a row another holds: no deadlock through it).
--
-- The order: an entry's sequence number is taken under a lock held until
-- its transaction ends, so entries become visible in the order of their
-- numbers, whichever daemon or client wrote them. A reader that has seen
-- number N can never later find a committed entry below N: "after N" never
-- skips one and never repeats one. The price: writers of entries take
-- turns at their commit.

CREATE SEQUENCE change_seq;

CREATE TABLE changes (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL CHECK (kind IN ('placement_opened', 'placement_changed',
                                       'placement_closed', 'placement_filled', 'match_changed',
                                       'consent_recorded')),
    portal_id bigint, -- NULL: for every portal
    subject_id bigint NOT NULL, -- the placement, match or seeker
    tx xid8 NOT NULL DEFAULT pg_current_xact_id(), -- to merge one transaction's changes
    data jsonb NOT NULL
);
CREATE INDEX changes_portal ON changes (portal_id, seq);
CREATE INDEX changes_at ON changes (at);

-- The retention job deletes old entries and remembers the last it deleted:
-- a cursor before it has missed entries and must resync (410).
CREATE TABLE change_feed_horizon (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    purged_through bigint NOT NULL DEFAULT 0
);
INSERT INTO change_feed_horizon DEFAULT VALUES;

CREATE FUNCTION bpa_feed(kind text, portal bigint, subject bigint, data jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7301160519);
    -- one entry per kind and subject a transaction: a save that changes a
    -- placement and its skills is one change naming every changed field
    IF kind = 'placement_changed' THEN
        UPDATE changes c SET data = jsonb_set(c.data, '{changed}',
                (SELECT to_jsonb(array_agg(DISTINCT f ORDER BY f)) FROM (
                     SELECT jsonb_array_elements_text(c.data->'changed') AS f
                     UNION SELECT jsonb_array_elements_text(bpa_feed.data->'changed')) fields))
         WHERE c.tx = pg_current_xact_id() AND c.kind = bpa_feed.kind
           AND c.subject_id = subject;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    INSERT INTO changes (seq, kind, portal_id, subject_id, data)
    VALUES (nextval('change_seq'), kind, portal, subject, data);
    PERFORM pg_notify('bpa_changes', '');
END;
$$;

-- What a portal may see of a placement: ids and the fields it shows.
CREATE FUNCTION bpa_feed_placement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_open boolean := TG_OP = 'UPDATE' AND OLD.status = 'open';
    is_open boolean := NEW.status = 'open';
    ids jsonb := jsonb_build_object('placement_id', NEW.id, 'employer_id', NEW.employer_id);
    changed text[];
BEGIN
    IF is_open AND NOT was_open THEN
        PERFORM bpa_feed('placement_opened', NULL, NEW.id, ids);
    ELSIF was_open AND NOT is_open THEN
        PERFORM bpa_feed('placement_closed', NULL, NEW.id, ids);
    ELSIF is_open THEN
        SELECT array_agg(key ORDER BY key) INTO changed
          FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value
           AND key IN ('title', 'description', 'occupation_uri', 'postcode', 'lat', 'lon',
                       'schedule', 'hours_per_week', 'start_date', 'end_date', 'capacity',
                       'min_dutch_level', 'certificates');
        IF changed IS NOT NULL THEN
            PERFORM bpa_feed('placement_changed', NULL, NEW.id,
                             ids || jsonb_build_object('changed', to_jsonb(changed)));
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER placements_feed AFTER INSERT OR UPDATE ON placements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bpa_feed_placement();

-- A change to an open placement's skills: TG_ARGV[0] names the field.
CREATE FUNCTION bpa_feed_placement_skills() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    placement bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.placement_id ELSE NEW.placement_id END;
    employer bigint;
BEGIN
    SELECT employer_id INTO employer FROM placements WHERE id = placement AND status = 'open';
    IF FOUND THEN
        PERFORM bpa_feed('placement_changed', NULL, placement,
                         jsonb_build_object('placement_id', placement, 'employer_id', employer,
                                            'changed', jsonb_build_array(TG_ARGV[0])));
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER placement_required_skills_feed
    AFTER INSERT OR UPDATE OR DELETE ON placement_required_skills
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bpa_feed_placement_skills('required_skills');
CREATE CONSTRAINT TRIGGER placement_taught_skills_feed
    AFTER INSERT OR UPDATE OR DELETE ON placement_taught_skills
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bpa_feed_placement_skills('taught_skills');

-- A match's new state, for its seeker's portal; and a placement whose last
-- place it took.
CREATE FUNCTION bpa_feed_match() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    portal bigint;
    now_full boolean;
    employer bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state = OLD.state THEN
        RETURN NULL;
    END IF;
    SELECT portal_id INTO portal FROM seekers WHERE id = NEW.seeker_id;
    PERFORM bpa_feed('match_changed', portal, NEW.id,
                     jsonb_build_object('match_id', NEW.id, 'seeker_id', NEW.seeker_id,
                                        'placement_id', NEW.placement_id, 'state', NEW.state,
                                        'from_state', CASE WHEN TG_OP = 'UPDATE'
                                                           THEN OLD.state END));
    IF NEW.state IN ('approved', 'confirmed', 'started') AND
       (TG_OP = 'INSERT' OR OLD.state NOT IN ('approved', 'confirmed', 'started')) THEN
        SELECT p.status = 'open' AND (SELECT count(*) FROM matches m
                                       WHERE m.placement_id = p.id
                                         AND m.state IN ('approved', 'confirmed', 'started'))
                                      >= p.capacity, p.employer_id
          INTO now_full, employer FROM placements p WHERE p.id = NEW.placement_id;
        IF now_full THEN
            PERFORM bpa_feed('placement_filled', NULL, NEW.placement_id,
                             jsonb_build_object('placement_id', NEW.placement_id,
                                                'employer_id', employer));
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER matches_feed AFTER INSERT OR UPDATE OF state ON matches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bpa_feed_match();

CREATE FUNCTION bpa_feed_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bpa_feed('consent_recorded', NEW.portal_id, NEW.seeker_id,
                     jsonb_build_object('seeker_id', NEW.seeker_id, 'purpose', NEW.purpose,
                                        'given', NEW.given));
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER consents_feed AFTER INSERT ON consents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bpa_feed_consent();
