-- +goose Up
-- A user's consent to an OAuth client: the access tokens minted for the
-- client carry the grant's id and die with it. scopes holds the OAuth scope
-- names granted, separated by spaces; resource is the audience of the
-- grant's tokens (the MCP endpoint's URL).
CREATE TABLE oauth_grants (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    text NOT NULL,
    client_name  text NOT NULL DEFAULT '',
    scopes       text NOT NULL,
    resource     text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NULL,
    revoked_at   timestamptz NULL
);
CREATE INDEX oauth_grants_user_id_idx ON oauth_grants (user_id, created_at);

-- +goose Down
DROP TABLE oauth_grants;
