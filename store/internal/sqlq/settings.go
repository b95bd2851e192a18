package sqlq

import (
	"context"
)

// Setting returns the value stored under key, or an error of code
// core.CodeNotFound when there is none.
func (q Queries) Setting(ctx context.Context, key string) (string, error) {
	var value string
	err := q.conn.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if err != nil {
		return "", q.notFound(err, "Setting", "get setting %q", key)
	}
	return value, nil
}

// PutSetting stores value under key, replacing any earlier value.
func (q Queries) PutSetting(ctx context.Context, key, value string) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, `+q.d.now+`)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value)
	if err != nil {
		return q.wrap(err, "put setting %q", key)
	}
	return nil
}
