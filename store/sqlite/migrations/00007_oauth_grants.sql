-- +goose Up
-- A user's consent to an OAuth client: the access tokens minted for the
-- client carry the grant's id and die with it. scopes holds the OAuth scope
-- names granted, separated by spaces; resource is the audience of the
-- grant's tokens (the MCP endpoint's URL).
CREATE TABLE oauth_grants (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    TEXT NOT NULL,
    client_name  TEXT NOT NULL DEFAULT '',
    scopes       TEXT NOT NULL,
    resource     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NULL,
    revoked_at   TEXT NULL
) STRICT;
CREATE INDEX oauth_grants_user_id_idx ON oauth_grants (user_id, created_at);

-- +goose Down
DROP TABLE oauth_grants;
