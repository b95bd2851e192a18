package sqlq

import (
	"context"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// resourceOAuthGrant is the resource name of a missing grant.
const resourceOAuthGrant = "OAuth grant"

// oauthGrantColumns are the columns scanOAuthGrant reads, in its order.
const oauthGrantColumns = "id, user_id, client_id, client_name, scopes, resource, created_at, last_used_at, revoked_at"

// CreateOAuthGrant stores g; its scopes are kept as one space-separated
// text. A grant of an unknown user is not found ("User"); a duplicate id is
// a conflict.
func (q Queries) CreateOAuthGrant(ctx context.Context, g core.OAuthGrant) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO oauth_grants (`+oauthGrantColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		g.ID, g.UserID, g.ClientID, g.ClientName, strings.Join(g.Scopes, " "), g.Resource,
		g.CreatedAt, nullTime(g.LastUsedAt), nullTime(g.RevokedAt))
	if err != nil {
		return q.wrap(err, "create oauth grant %s", g.ID)
	}
	return nil
}

// OAuthGrants lists the user's live grants, newest first (ties by id).
func (q Queries) OAuthGrants(ctx context.Context, userID string) ([]core.OAuthGrant, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT `+oauthGrantColumns+` FROM oauth_grants
		WHERE user_id = $1 AND revoked_at IS NULL
		ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, q.wrap(err, "list oauth grants of user %s", userID)
	}
	out, err := collect(rows, func(row Row) (core.OAuthGrant, error) { return scanOAuthGrant(row) })
	if err != nil {
		return nil, q.wrap(err, "list oauth grants of user %s", userID)
	}
	return out, nil
}

// RevokeOAuthGrant revokes, at now, the user's live grant with that id;
// another user's grant, or one revoked already, is not found ("OAuth
// grant").
func (q Queries) RevokeOAuthGrant(ctx context.Context, userID, id string, now time.Time) error {
	n, err := q.conn.Exec(ctx, `
		UPDATE oauth_grants SET revoked_at = $3
		WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, now)
	return q.changed(n, err, resourceOAuthGrant, "revoke oauth grant %s", id)
}

// RevokeUserOAuthGrants revokes, at now, every live grant of the user and
// returns how many it revoked.
func (q Queries) RevokeUserOAuthGrants(ctx context.Context, userID string, now time.Time) (int, error) {
	n, err := q.conn.Exec(ctx, `
		UPDATE oauth_grants SET revoked_at = $2
		WHERE user_id = $1 AND revoked_at IS NULL`, userID, now)
	if err != nil {
		return 0, q.wrap(err, "revoke oauth grants of user %s", userID)
	}
	return int(n), nil
}

// TouchOAuthGrant records now as the grant's last use (not found: "OAuth
// grant").
func (q Queries) TouchOAuthGrant(ctx context.Context, id string, now time.Time) error {
	n, err := q.conn.Exec(ctx, `UPDATE oauth_grants SET last_used_at = $2 WHERE id = $1`, id, now)
	return q.changed(n, err, resourceOAuthGrant, "touch oauth grant %s", id)
}

// OAuthGrantWithUser returns the grant with that id and its user, read in
// one statement (not found: "OAuth grant"). It reads revoked grants too:
// the core judges them.
func (q Queries) OAuthGrantWithUser(ctx context.Context, id string) (core.OAuthGrant, core.User, error) {
	var dest grantDest
	row := q.conn.QueryRow(ctx, oauthGrantWithUserSQL, id)
	u, err := scanUser(row, dest.targets()...)
	if err != nil {
		return core.OAuthGrant{}, core.User{}, q.notFound(err, resourceOAuthGrant, "get oauth grant %s with its user", id)
	}
	return dest.grant(), u, nil
}

// oauthGrantWithUserSQL reads a grant joined with its user.
var oauthGrantWithUserSQL = `
		SELECT ` + qualify("g", oauthGrantColumns) + `, ` + joinedUserColumns + `
		FROM oauth_grants g JOIN users u ON u.id = g.user_id
		WHERE g.id = $1`

// grantDest receives the columns of oauthGrantColumns.
type grantDest struct {
	g                core.OAuthGrant
	scopes           string
	created          time.Time
	lastUsed, revoke *time.Time
}

// targets returns the scan destinations of oauthGrantColumns.
func (d *grantDest) targets() []any {
	return []any{&d.g.ID, &d.g.UserID, &d.g.ClientID, &d.g.ClientName, &d.scopes, &d.g.Resource, &d.created, &d.lastUsed, &d.revoke}
}

// grant returns the grant read.
func (d *grantDest) grant() core.OAuthGrant {
	g := d.g
	g.Scopes = strings.Fields(d.scopes)
	g.CreatedAt, g.LastUsedAt, g.RevokedAt = d.created.UTC(), fromNull(d.lastUsed), fromNull(d.revoke)
	return g
}

// scanOAuthGrant reads one row of oauthGrantColumns.
func scanOAuthGrant(row Row) (core.OAuthGrant, error) {
	var d grantDest
	if err := row.Scan(d.targets()...); err != nil {
		return core.OAuthGrant{}, err
	}
	return d.grant(), nil
}
