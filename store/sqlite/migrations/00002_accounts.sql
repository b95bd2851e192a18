-- +goose Up
-- Times are TEXT in UTC, 'YYYY-MM-DD HH:MM:SS.ffffff' (fixed width, so that
-- they compare correctly as strings); booleans are 0 or 1.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY NOT NULL,
    email                TEXT NOT NULL UNIQUE,
    first_name           TEXT NOT NULL,
    last_name            TEXT NULL,
    password_hash        TEXT NOT NULL DEFAULT '',
    is_active            INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)),
    is_2fa_enabled       INTEGER NOT NULL DEFAULT 0 CHECK (is_2fa_enabled IN (0, 1)),
    is_dark_mode         INTEGER NOT NULL DEFAULT 1 CHECK (is_dark_mode IN (0, 1)),
    credits              INTEGER NOT NULL DEFAULT 0
                         CONSTRAINT users_credits_nonnegative CHECK (credits >= 0),
    totp_secret          TEXT NOT NULL DEFAULT '',
    totp_enabled         INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_step       INTEGER NOT NULL DEFAULT 0,
    login_failures       INTEGER NOT NULL DEFAULT 0,
    login_failures_since TEXT NULL,
    login_locked_until   TEXT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

-- One API key per user: resetting it replaces the id in place.
CREATE TABLE api_keys (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id         TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- At most one code of each type per user; only its keyed hash is kept.
CREATE TABLE otps (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT NOT NULL
               CONSTRAINT otps_type_known CHECK (type IN ('ACTIVATION', 'CHANGE_PASSWORD', 'TWO_FACTOR_AUTH')),
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    UNIQUE (user_id, type)
) STRICT;

-- +goose Down
DROP TABLE otps;
DROP TABLE sessions;
DROP TABLE api_keys;
DROP TABLE users;
