-- +goose Up
-- Failed logins are counted by the process's limiter, by (email, address)
-- and by email (core.Policy.LoginFailuresPerAddress, LoginFailuresPerAccount),
-- no longer per user row.
ALTER TABLE users DROP COLUMN login_failures;
ALTER TABLE users DROP COLUMN login_failures_since;
ALTER TABLE users DROP COLUMN login_locked_until;

-- +goose Down
ALTER TABLE users ADD COLUMN login_failures integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_failures_since timestamptz NULL;
ALTER TABLE users ADD COLUMN login_locked_until timestamptz NULL;
