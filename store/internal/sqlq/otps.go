package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// PutOTP stores o, replacing the user's earlier code of its type (id, hash,
// attempts and times all come from o). A code of an unknown user is not
// found ("User").
func (q Queries) PutOTP(ctx context.Context, o core.OTP) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO otps (id, user_id, type, code_hash, attempts, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id, type) DO UPDATE SET
			id = excluded.id, code_hash = excluded.code_hash, attempts = excluded.attempts,
			created_at = excluded.created_at, expires_at = excluded.expires_at`,
		o.ID, o.UserID, string(o.Type), o.CodeHash, o.Attempts, o.CreatedAt, o.ExpiresAt)
	if err != nil {
		return q.wrap(err, "put %s OTP of user %s", o.Type, o.UserID)
	}
	return nil
}

// OTPOf returns the user's code of type t, expired or not (not found: "OTP").
func (q Queries) OTPOf(ctx context.Context, userID string, t core.OTPType) (core.OTP, error) {
	var (
		o                core.OTP
		typ              string
		created, expires time.Time
	)
	err := q.conn.QueryRow(ctx, `
		SELECT id, user_id, type, code_hash, attempts, created_at, expires_at
		FROM otps WHERE user_id = $1 AND type = $2`, userID, string(t)).
		Scan(&o.ID, &o.UserID, &typ, &o.CodeHash, &o.Attempts, &created, &expires)
	if err != nil {
		return core.OTP{}, q.notFound(err, "OTP", "get %s OTP of user %s", t, userID)
	}
	o.Type, o.CreatedAt, o.ExpiresAt = core.OTPType(typ), created.UTC(), expires.UTC()
	return o, nil
}

// CountOTPAttempt adds one to the code's attempts unless it already has
// maxAttempts, and returns the new count (not found: "OTP", also when no
// attempt is left). Concurrent calls never overshoot maxAttempts.
func (q Queries) CountOTPAttempt(ctx context.Context, id string, maxAttempts int) (int, error) {
	var n int
	err := q.conn.QueryRow(ctx, `
		UPDATE otps SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2
		RETURNING attempts`, id, maxAttempts).Scan(&n)
	if err != nil {
		return 0, q.notFound(err, "OTP", "count attempt of OTP %s", id)
	}
	return n, nil
}

// DeleteOTP removes the code and reports whether this call removed it, so
// that of concurrent consumers exactly one wins.
func (q Queries) DeleteOTP(ctx context.Context, id string) (bool, error) {
	n, err := q.conn.Exec(ctx, `DELETE FROM otps WHERE id = $1`, id)
	if err != nil {
		return false, q.wrap(err, "delete OTP %s", id)
	}
	return n == 1, nil
}
