package sqlq

import (
	"context"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// joinedUserColumns are userColumns qualified by the alias u, for the
// statements that read a user joined with its session or API key.
var joinedUserColumns = qualify("u", userColumns)

// qualify prefixes each column of a comma-separated list with alias.
func qualify(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// SessionWithUser returns the session with that id and its user, read in
// one statement (not found: "Session"). It reads revoked and expired
// sessions too: the core judges them.
func (q Queries) SessionWithUser(ctx context.Context, id string) (core.Session, core.User, error) {
	var v struct { // one allocation for every destination the scan fills
		s                core.Session
		created, expires time.Time
		revoked          *time.Time
	}
	row := q.conn.QueryRow(ctx, sessionWithUserSQL, id)
	u, err := scanUser(row, &v.s.ID, &v.s.UserID, &v.created, &v.expires, &v.revoked, &v.s.IP, &v.s.UserAgent)
	if err != nil {
		return core.Session{}, core.User{}, q.notFound(err, "Session", "get session %s with its user", id)
	}
	s := v.s
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = v.created.UTC(), v.expires.UTC(), fromNull(v.revoked)
	return s, u, nil
}

// sessionWithUserSQL reads a session joined with its user.
var sessionWithUserSQL = `
		SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at, s.ip, s.user_agent, ` + joinedUserColumns + `
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1`

// APIKeyWithUser returns the user's current API key, without its token,
// and the user, read in one statement (not found: "API key").
func (q Queries) APIKeyWithUser(ctx context.Context, userID string) (core.APIKey, core.User, error) {
	var v struct { // one allocation for every destination the scan fills
		k                core.APIKey
		created, updated time.Time
	}
	row := q.conn.QueryRow(ctx, apiKeyWithUserSQL, userID)
	u, err := scanUser(row, &v.k.ID, &v.k.UserID, &v.created, &v.updated)
	if err != nil {
		return core.APIKey{}, core.User{}, q.notFound(err, "API key", "get API key of user %s with the user", userID)
	}
	k := v.k
	k.CreatedAt, k.UpdatedAt = core.Timestamp(v.created.UTC()), core.Timestamp(v.updated.UTC())
	return k, u, nil
}

// apiKeyWithUserSQL reads a user's API key joined with the user.
var apiKeyWithUserSQL = `
		SELECT k.id, k.user_id, k.created_at, k.updated_at, ` + joinedUserColumns + `
		FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE k.user_id = $1`
