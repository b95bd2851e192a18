-- +goose Up
-- The OAuth clients that registered themselves by dynamic client
-- registration (RFC 7591). secret_hash is the SHA-256 of the client secret,
-- NULL for a public client; redirect_uris holds the client's redirect URIs,
-- one a line; last_used_at stays NULL until a user first allows the client.
CREATE TABLE oauth_clients (
    id            text PRIMARY KEY,
    secret_hash   bytea NULL,
    auth_method   text NOT NULL,
    name          text NOT NULL,
    uri           text NOT NULL DEFAULT '',
    redirect_uris text NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz NULL
);

-- The server-side state of authorization codes, of their PKCE challenges
-- and of refresh tokens, under each token's keyed signature. Every token of
-- one authorization shares its request_id and grant_id; request is the
-- authorization request as the authorization server serialized it (JSON).
CREATE TABLE oauth_tokens (
    kind       text NOT NULL,
    signature  text NOT NULL,
    request_id text NOT NULL,
    grant_id   text NOT NULL,
    client_id  text NOT NULL,
    request    text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (kind, signature)
);
CREATE INDEX oauth_tokens_request_id_idx ON oauth_tokens (request_id);
CREATE INDEX oauth_tokens_expires_at_idx ON oauth_tokens (expires_at);

-- +goose Down
DROP TABLE oauth_tokens;
DROP TABLE oauth_clients;
