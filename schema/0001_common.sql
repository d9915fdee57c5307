-- Helpers every later table uses.
--
-- bpa_touch_row: a BEFORE UPDATE trigger function that stamps updated_at
-- and increments version, the value behind a resource's ETag, so that an
-- update through any path (API, admin command, psql) invalidates ETags.
CREATE FUNCTION bpa_touch_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$;
