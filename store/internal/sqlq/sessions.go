package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// CreateSession stores s. A session of an unknown user is not found
// ("User"); a duplicate id is a conflict.
func (q Queries) CreateSession(ctx context.Context, s core.Session) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.ID, s.UserID, s.CreatedAt, s.ExpiresAt, nullTime(s.RevokedAt), s.IP, s.UserAgent)
	if err != nil {
		return q.wrap(err, "create session %s", s.ID)
	}
	return nil
}

// SessionByID returns the session (not found: "Session").
func (q Queries) SessionByID(ctx context.Context, id string) (core.Session, error) {
	var (
		s                core.Session
		created, expires time.Time
		revoked          *time.Time
	)
	err := q.conn.QueryRow(ctx, `
		SELECT id, user_id, created_at, expires_at, revoked_at, ip, user_agent
		FROM sessions WHERE id = $1`, id).
		Scan(&s.ID, &s.UserID, &created, &expires, &revoked, &s.IP, &s.UserAgent)
	if err != nil {
		return core.Session{}, q.notFound(err, "Session", "get session %s", id)
	}
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = created.UTC(), expires.UTC(), fromNull(revoked)
	return s, nil
}

// RevokeSession revokes the session at now; a session already revoked keeps
// its first revocation time, without error (not found: "Session").
func (q Queries) RevokeSession(ctx context.Context, id string, now time.Time) error {
	n, err := q.conn.Exec(ctx,
		`UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, now)
	return q.changed(n, err, "Session", "revoke session %s", id)
}

// RevokeUserSessions revokes, at now, every live session of the user (not
// revoked, not expired at now) except exceptID ("" for none), and returns
// how many it revoked.
func (q Queries) RevokeUserSessions(ctx context.Context, userID, exceptID string, now time.Time) (int, error) {
	n, err := q.conn.Exec(ctx, `
		UPDATE sessions SET revoked_at = $3
		WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL AND expires_at > $3`,
		userID, exceptID, now)
	if err != nil {
		return 0, q.wrap(err, "revoke sessions of user %s", userID)
	}
	return int(n), nil
}
