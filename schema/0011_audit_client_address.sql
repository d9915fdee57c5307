-- The client each audit row was written for: the peer's address, or the
-- client a trusted reverse proxy names (--trusted-proxies), so that a
-- coordinator can see where a login, a failed login or a change came from.
-- NULL for the operator's command line and for rows written before this
-- migration. inet rather than text: the value is checked, and coordinators
-- can ask for a network (client_address << '192.0.2.0/24').
ALTER TABLE audit_log ADD COLUMN client_address inet;
