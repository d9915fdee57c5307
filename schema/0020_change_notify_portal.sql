-- Long polling (server/long_poll.c) wakes only the followers an entry
-- concerns: the notification names the entry's portal, or is empty for an
-- entry every follower sees. Otherwise bpa_feed is as in 0019.
CREATE OR REPLACE FUNCTION bpa_feed(kind text, portal bigint, subject bigint, data jsonb)
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
    PERFORM pg_notify('bpa_changes', COALESCE(portal::text, ''));
END;
$$;
