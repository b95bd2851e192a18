package sqlq

import (
	"context"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// The resource names of a missing client and a missing token.
const (
	resourceOAuthClient = "OAuth client"
	resourceOAuthToken  = "OAuth token"
)

// oauthClientColumns are the columns scanOAuthClient reads, in its order.
const oauthClientColumns = "id, secret_hash, auth_method, name, uri, redirect_uris, created_at, last_used_at"

// oauthTokenColumns are the columns scanOAuthToken reads, in its order.
const oauthTokenColumns = "kind, signature, request_id, grant_id, client_id, request, active, created_at, expires_at"

// CreateOAuthClient stores c; its redirect URIs are kept as one text, one
// a line. A duplicate id is a conflict.
func (q Queries) CreateOAuthClient(ctx context.Context, c core.OAuthClient) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO oauth_clients (`+oauthClientColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, nullBytes(c.SecretHash), c.AuthMethod, c.Name, c.URI, strings.Join(c.RedirectURIs, "\n"),
		c.CreatedAt, nullTime(c.LastUsedAt))
	if err != nil {
		return q.wrap(err, "create oauth client %s", c.ID)
	}
	return nil
}

// OAuthClientByID returns the client with that id (not found: "OAuth
// client").
func (q Queries) OAuthClientByID(ctx context.Context, id string) (core.OAuthClient, error) {
	c, err := scanOAuthClient(q.conn.QueryRow(ctx, `SELECT `+oauthClientColumns+` FROM oauth_clients WHERE id = $1`, id))
	if err != nil {
		return core.OAuthClient{}, q.notFound(err, resourceOAuthClient, "get oauth client %s", id)
	}
	return c, nil
}

// TouchOAuthClient records now as the client's last use (not found: "OAuth
// client").
func (q Queries) TouchOAuthClient(ctx context.Context, id string, now time.Time) error {
	n, err := q.conn.Exec(ctx, `UPDATE oauth_clients SET last_used_at = $2 WHERE id = $1`, id, now)
	return q.changed(n, err, resourceOAuthClient, "touch oauth client %s", id)
}

// DeleteUnusedOAuthClients deletes the clients created before createdBefore
// that were never used, and returns how many.
func (q Queries) DeleteUnusedOAuthClients(ctx context.Context, createdBefore time.Time) (int, error) {
	n, err := q.conn.Exec(ctx, `
		DELETE FROM oauth_clients WHERE last_used_at IS NULL AND created_at < $1`, createdBefore)
	if err != nil {
		return 0, q.wrap(err, "delete unused oauth clients")
	}
	return int(n), nil
}

// scanOAuthClient reads one row of oauthClientColumns.
func scanOAuthClient(row Row) (core.OAuthClient, error) {
	var (
		c        core.OAuthClient
		uris     string
		created  time.Time
		lastUsed *time.Time
	)
	if err := row.Scan(&c.ID, &c.SecretHash, &c.AuthMethod, &c.Name, &c.URI, &uris, &created, &lastUsed); err != nil {
		return core.OAuthClient{}, err
	}
	if uris != "" {
		c.RedirectURIs = strings.Split(uris, "\n")
	}
	c.CreatedAt, c.LastUsedAt = created.UTC(), fromNull(lastUsed)
	return c, nil
}

// CreateOAuthToken stores t, its request as text. The same kind and
// signature twice is a conflict.
func (q Queries) CreateOAuthToken(ctx context.Context, t core.OAuthToken) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO oauth_tokens (`+oauthTokenColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		string(t.Kind), t.Signature, t.RequestID, t.GrantID, t.ClientID, string(t.Request), t.Active,
		t.CreatedAt, t.ExpiresAt)
	if err != nil {
		return q.wrap(err, "create oauth %s token", t.Kind)
	}
	return nil
}

// OAuthTokenBySignature returns the token of that kind and signature,
// active or not (not found: "OAuth token").
func (q Queries) OAuthTokenBySignature(ctx context.Context, kind core.OAuthTokenKind, signature string) (core.OAuthToken, error) {
	t, err := scanOAuthToken(q.conn.QueryRow(ctx, `
		SELECT `+oauthTokenColumns+` FROM oauth_tokens WHERE kind = $1 AND signature = $2`,
		string(kind), signature))
	if err != nil {
		return core.OAuthToken{}, q.notFound(err, resourceOAuthToken, "get oauth %s token", kind)
	}
	return t, nil
}

// DeactivateOAuthToken marks the active token of that kind and signature
// inactive in one conditional statement, so that of concurrent calls
// exactly one changes it; the others, and a call on a missing or inactive
// token, are a conflict.
func (q Queries) DeactivateOAuthToken(ctx context.Context, kind core.OAuthTokenKind, signature string) error {
	n, err := q.conn.Exec(ctx, `
		UPDATE oauth_tokens SET active = false
		WHERE kind = $1 AND signature = $2 AND active`, string(kind), signature)
	if err != nil {
		return q.wrap(err, "deactivate oauth %s token", kind)
	}
	if n == 0 {
		return core.ErrConflict()
	}
	return nil
}

// DeleteOAuthToken deletes the token of that kind and signature; a missing
// one is no error.
func (q Queries) DeleteOAuthToken(ctx context.Context, kind core.OAuthTokenKind, signature string) error {
	_, err := q.conn.Exec(ctx, `DELETE FROM oauth_tokens WHERE kind = $1 AND signature = $2`, string(kind), signature)
	if err != nil {
		return q.wrap(err, "delete oauth %s token", kind)
	}
	return nil
}

// RevokeOAuthRequest deactivates, in one transaction, every token of the
// request and revokes at now the live grants those tokens name. An unknown
// request changes nothing and is no error.
func (q Queries) RevokeOAuthRequest(ctx context.Context, requestID string, now time.Time) error {
	return q.atomically(ctx, func(q Queries) error {
		_, err := q.conn.Exec(ctx, `
			UPDATE oauth_tokens SET active = false WHERE request_id = $1 AND active`, requestID)
		if err != nil {
			return q.wrap(err, "deactivate the oauth tokens of request %s", requestID)
		}
		_, err = q.conn.Exec(ctx, `
			UPDATE oauth_grants SET revoked_at = $2
			WHERE revoked_at IS NULL
				AND id IN (SELECT grant_id FROM oauth_tokens WHERE request_id = $1)`, requestID, now)
		if err != nil {
			return q.wrap(err, "revoke the oauth grants of request %s", requestID)
		}
		return nil
	})
}

// DeleteExpiredOAuthTokens deletes the tokens that expired before before,
// and returns how many.
func (q Queries) DeleteExpiredOAuthTokens(ctx context.Context, before time.Time) (int, error) {
	n, err := q.conn.Exec(ctx, `DELETE FROM oauth_tokens WHERE expires_at < $1`, before)
	if err != nil {
		return 0, q.wrap(err, "delete expired oauth tokens")
	}
	return int(n), nil
}

// scanOAuthToken reads one row of oauthTokenColumns.
func scanOAuthToken(row Row) (core.OAuthToken, error) {
	var (
		t                core.OAuthToken
		kind, request    string
		created, expires time.Time
	)
	err := row.Scan(&kind, &t.Signature, &t.RequestID, &t.GrantID, &t.ClientID, &request, &t.Active, &created, &expires)
	if err != nil {
		return core.OAuthToken{}, err
	}
	t.Kind, t.Request = core.OAuthTokenKind(kind), []byte(request)
	t.CreatedAt, t.ExpiresAt = created.UTC(), expires.UTC()
	return t, nil
}

// nullBytes is b for a nullable column: NULL when b is nil.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
