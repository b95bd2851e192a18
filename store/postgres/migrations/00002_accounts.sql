-- +goose Up
CREATE TABLE users (
    id                   text PRIMARY KEY,
    email                text NOT NULL UNIQUE,
    first_name           text NOT NULL,
    last_name            text NULL,
    password_hash        text NOT NULL DEFAULT '',
    is_active            boolean NOT NULL DEFAULT false,
    is_2fa_enabled       boolean NOT NULL DEFAULT false,
    is_dark_mode         boolean NOT NULL DEFAULT true,
    credits              bigint NOT NULL DEFAULT 0
                         CONSTRAINT users_credits_nonnegative CHECK (credits >= 0),
    totp_secret          text NOT NULL DEFAULT '',
    totp_enabled         boolean NOT NULL DEFAULT false,
    totp_last_step       bigint NOT NULL DEFAULT 0,
    login_failures       integer NOT NULL DEFAULT 0,
    login_failures_since timestamptz NULL,
    login_locked_until   timestamptz NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);

-- One API key per user: resetting it replaces the id in place.
CREATE TABLE api_keys (
    user_id    text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    id         text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE sessions (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    ip         text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- At most one code of each type per user; only its keyed hash is kept.
CREATE TABLE otps (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       text NOT NULL
               CONSTRAINT otps_type_known CHECK (type IN ('ACTIVATION', 'CHANGE_PASSWORD', 'TWO_FACTOR_AUTH')),
    code_hash  text NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    UNIQUE (user_id, type)
);

-- +goose Down
DROP TABLE otps;
DROP TABLE sessions;
DROP TABLE api_keys;
DROP TABLE users;
