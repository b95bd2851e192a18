-- +goose Up
-- The OAuth clients that registered themselves by dynamic client
-- registration (RFC 7591). secret_hash is the SHA-256 of the client secret,
-- NULL for a public client; redirect_uris holds the client's redirect URIs,
-- one a line; last_used_at stays NULL until a user first allows the client.
CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY NOT NULL,
    secret_hash   BLOB NULL,
    auth_method   TEXT NOT NULL,
    name          TEXT NOT NULL,
    uri           TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NULL
) STRICT;

-- The server-side state of authorization codes, of their PKCE challenges
-- and of refresh tokens, under each token's keyed signature. Every token of
-- one authorization shares its request_id and grant_id; request is the
-- authorization request as the authorization server serialized it (JSON).
CREATE TABLE oauth_tokens (
    kind       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    request_id TEXT NOT NULL,
    grant_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    request    TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (kind, signature)
) STRICT;
CREATE INDEX oauth_tokens_request_id_idx ON oauth_tokens (request_id);
CREATE INDEX oauth_tokens_expires_at_idx ON oauth_tokens (expires_at);

-- +goose Down
DROP TABLE oauth_tokens;
DROP TABLE oauth_clients;
