-- +goose Up
-- Failed logins are counted by the process's limiter, by (email, address)
-- and by email (core.Policy.LoginFailuresPerAddress, LoginFailuresPerAccount),
-- no longer per user row.
ALTER TABLE users DROP COLUMN login_failures;
ALTER TABLE users DROP COLUMN login_failures_since;
ALTER TABLE users DROP COLUMN login_locked_until;

-- +goose Down
ALTER TABLE users ADD COLUMN login_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_failures_since TEXT NULL;
ALTER TABLE users ADD COLUMN login_locked_until TEXT NULL;
