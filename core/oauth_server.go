package core

import (
	"context"
	"time"
)

// OAuthClient is an OAuth client that registered itself with Clara by
// dynamic client registration (RFC 7591). Clients that name themselves by
// the URL of a metadata document are not stored: Clara fetches their
// document instead.
type OAuthClient struct {
	ID           string   // oauth_client_ followed by 32 hex characters
	SecretHash   []byte   // SHA-256 of the client secret; nil for a public client
	AuthMethod   string   // token_endpoint_auth_method: none, client_secret_basic or client_secret_post
	Name         string   // client_name, as the client announced it (unverified)
	URI          string   // client_uri, "" when none was given
	RedirectURIs []string // matched exactly (loopback URIs on any port)
	CreatedAt    time.Time
	LastUsedAt   time.Time // zero until a user first allows the client
}

// OAuthTokenKind names what an OAuthToken row holds.
type OAuthTokenKind string

// The kinds of OAuth token state kept by the authorization server.
const (
	OAuthCodeToken    OAuthTokenKind = "code"    // an authorization code
	OAuthPKCEToken    OAuthTokenKind = "pkce"    // the PKCE challenge of an authorization code
	OAuthRefreshToken OAuthTokenKind = "refresh" // a refresh token
)

// OAuthToken is the server-side state of an authorization code, of its PKCE
// challenge or of a refresh token. It is stored under the token's keyed
// signature, never under the token itself. Every token of one
// authorization (the code, and each refresh token that rotated from it)
// shares one RequestID and one GrantID: revoking the request revokes them
// all, and the grant with them.
type OAuthToken struct {
	Kind      OAuthTokenKind
	Signature string
	RequestID string
	GrantID   string
	ClientID  string
	Request   []byte // the authorization request, serialized by the authorization server
	Active    bool   // false once used (a code) or rotated (a refresh token)
	CreatedAt time.Time
	ExpiresAt time.Time
}

// OAuthServerQueries are the reads and writes of Clara's OAuth
// authorization server.
type OAuthServerQueries interface {
	// CreateOAuthClient stores a registered client (a duplicate id is a
	// conflict).
	CreateOAuthClient(ctx context.Context, c OAuthClient) error
	// OAuthClientByID returns the registered client (not found: "OAuth
	// client").
	OAuthClientByID(ctx context.Context, id string) (OAuthClient, error)
	// TouchOAuthClient records now as the client's last use (not found:
	// "OAuth client").
	TouchOAuthClient(ctx context.Context, id string, now time.Time) error
	// DeleteUnusedOAuthClients deletes the clients registered before
	// createdBefore that no user ever allowed, and returns how many.
	DeleteUnusedOAuthClients(ctx context.Context, createdBefore time.Time) (int, error)

	// CreateOAuthToken stores t (the same kind and signature twice is a
	// conflict).
	CreateOAuthToken(ctx context.Context, t OAuthToken) error
	// OAuthTokenBySignature returns the token state of that kind and
	// signature, active or not (not found: "OAuth token").
	OAuthTokenBySignature(ctx context.Context, kind OAuthTokenKind, signature string) (OAuthToken, error)
	// DeactivateOAuthToken marks the active token of that kind and
	// signature used; one that is missing or inactive already is a
	// conflict, so of two concurrent uses exactly one succeeds.
	DeactivateOAuthToken(ctx context.Context, kind OAuthTokenKind, signature string) error
	// DeleteOAuthToken deletes the token of that kind and signature; a
	// missing one is no error.
	DeleteOAuthToken(ctx context.Context, kind OAuthTokenKind, signature string) error
	// RevokeOAuthRequest deactivates every token of the request and revokes
	// (at now) the grants they name.
	RevokeOAuthRequest(ctx context.Context, requestID string, now time.Time) error
	// DeleteExpiredOAuthTokens deletes the tokens that expired before
	// before, and returns how many.
	DeleteExpiredOAuthTokens(ctx context.Context, before time.Time) (int, error)
}
