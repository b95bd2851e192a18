package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// scanAPIKey reads id, user_id, created_at, updated_at; Token stays empty.
func scanAPIKey(row Row) (core.APIKey, error) {
	var (
		k                core.APIKey
		created, updated time.Time
	)
	if err := row.Scan(&k.ID, &k.UserID, &created, &updated); err != nil {
		return core.APIKey{}, err
	}
	k.CreatedAt, k.UpdatedAt = core.Timestamp(created.UTC()), core.Timestamp(updated.UTC())
	return k, nil
}

// APIKeyOf returns the user's current API key without its token (not
// found: "API key").
func (q Queries) APIKeyOf(ctx context.Context, userID string) (core.APIKey, error) {
	k, err := scanAPIKey(q.conn.QueryRow(ctx,
		`SELECT id, user_id, created_at, updated_at FROM api_keys WHERE user_id = $1`, userID))
	if err != nil {
		return core.APIKey{}, q.notFound(err, "API key", "get API key of user %s", userID)
	}
	return k, nil
}

// ResetAPIKey replaces the user's API key id with newID, in one statement,
// and returns the new key without its token (not found: "API key").
func (q Queries) ResetAPIKey(ctx context.Context, userID, newID string, now time.Time) (core.APIKey, error) {
	k, err := scanAPIKey(q.conn.QueryRow(ctx, `
		UPDATE api_keys SET id = $2, created_at = $3, updated_at = $3
		WHERE user_id = $1
		RETURNING id, user_id, created_at, updated_at`, userID, newID, now))
	if err != nil {
		return core.APIKey{}, q.notFound(err, "API key", "reset API key of user %s", userID)
	}
	return k, nil
}
