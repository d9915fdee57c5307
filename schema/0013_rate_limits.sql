-- Request budgets per credential (server/rate_limit.h). Each daemon counts
-- in memory and adds its counts here about once a second, learning the
-- totals of every daemon in return: one write per active credential per
-- second per daemon, never one per request. The counts are worth nothing
-- after their minute, so the table is unlogged (not kept over a crash).
CREATE UNLOGGED TABLE request_counts (
    credential text NOT NULL,
    minute bigint NOT NULL, -- seconds since the epoch / 60
    count bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (credential, minute)
);

-- A portal's own budget, set by coordinators; NULL: the daemon's default.
ALTER TABLE portals ADD COLUMN rate_limit_per_minute integer
    CHECK (rate_limit_per_minute BETWEEN 1 AND 100000000);

-- Daemons remember a key's budget with the key (0012): a change is announced.
CREATE TRIGGER portals_rate_limit_changed AFTER UPDATE OF rate_limit_per_minute ON portals
    FOR EACH ROW WHEN (OLD.rate_limit_per_minute IS DISTINCT FROM NEW.rate_limit_per_minute)
    EXECUTE FUNCTION bpa_credentials_changed();
