package sqlq

import (
	"context"
	"slices"
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

// leadingRow is a Row whose first columns go to lead, and the rest to the
// destinations Scan is given: it lets scanUser read the user's columns of
// a joined row.
type leadingRow struct {
	row  Row
	lead []any
}

// Scan implements Row.
func (r leadingRow) Scan(dest ...any) error {
	return r.row.Scan(slices.Concat(r.lead, dest)...)
}

// SessionWithUser returns the session with that id and its user, read in
// one statement (not found: "Session"). It reads revoked and expired
// sessions too: the core judges them.
func (q Queries) SessionWithUser(ctx context.Context, id string) (core.Session, core.User, error) {
	var (
		s                core.Session
		created, expires time.Time
		revoked          *time.Time
	)
	row := q.conn.QueryRow(ctx, `
		SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at, s.ip, s.user_agent, `+joinedUserColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1`, id)
	u, err := scanUser(leadingRow{row: row, lead: []any{&s.ID, &s.UserID, &created, &expires, &revoked, &s.IP, &s.UserAgent}})
	if err != nil {
		return core.Session{}, core.User{}, q.notFound(err, "Session", "get session %s with its user", id)
	}
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = created.UTC(), expires.UTC(), fromNull(revoked)
	return s, u, nil
}

// APIKeyWithUser returns the user's current API key, without its token,
// and the user, read in one statement (not found: "API key").
func (q Queries) APIKeyWithUser(ctx context.Context, userID string) (core.APIKey, core.User, error) {
	var (
		k                core.APIKey
		created, updated time.Time
	)
	row := q.conn.QueryRow(ctx, `
		SELECT k.id, k.user_id, k.created_at, k.updated_at, `+joinedUserColumns+`
		FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE k.user_id = $1`, userID)
	u, err := scanUser(leadingRow{row: row, lead: []any{&k.ID, &k.UserID, &created, &updated}})
	if err != nil {
		return core.APIKey{}, core.User{}, q.notFound(err, "API key", "get API key of user %s with the user", userID)
	}
	k.CreatedAt, k.UpdatedAt = core.Timestamp(created.UTC()), core.Timestamp(updated.UTC())
	return k, u, nil
}
