-- Daemons remember who a session token or API key belongs to for a few
-- seconds (server/credential_cache.h). Every change that can end or alter
-- a credential announces itself on the channel bpa_credentials, at commit,
-- and every daemon forgets what it remembered. Changes from the operator's
-- command line and from other daemons are announced alike.
CREATE FUNCTION bpa_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bpa_credentials', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended AFTER UPDATE OF revoked_at, expires_at ON sessions
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
    EXECUTE FUNCTION bpa_credentials_changed();
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION bpa_credentials_changed();

CREATE TRIGGER api_keys_ended AFTER UPDATE OF revoked_at, portal_id ON api_keys
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.portal_id IS DISTINCT FROM NEW.portal_id)
    EXECUTE FUNCTION bpa_credentials_changed();
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION bpa_credentials_changed();

CREATE TRIGGER portals_changed AFTER UPDATE OF active ON portals
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION bpa_credentials_changed();
CREATE TRIGGER portals_deleted AFTER DELETE ON portals
    FOR EACH STATEMENT EXECUTE FUNCTION bpa_credentials_changed();

CREATE TRIGGER accounts_changed AFTER UPDATE OF disabled, role, employer_id ON accounts
    FOR EACH ROW
    WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.employer_id IS DISTINCT FROM NEW.employer_id)
    EXECUTE FUNCTION bpa_credentials_changed();
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION bpa_credentials_changed();
