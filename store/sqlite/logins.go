package sqlite

import (
	"context"
	"time"
)

// LoginFailure records a failed password login at now, in one statement so
// that concurrent failures are all counted: a count whose first failure is
// older than window starts again at 1; when the count reaches maxCount,
// login is locked until now+lockFor. It returns the count and the end of
// the lock in force at now (zero when none). Not found: "User".
func (q queries) LoginFailure(ctx context.Context, userID string, now time.Time, window time.Duration, maxCount int, lockFor time.Duration) (int, time.Time, error) {
	var (
		count int
		until time.Time
	)
	err := q.conn.QueryRowContext(ctx, `
		UPDATE users SET
			login_failures = CASE WHEN login_failures_since IS NULL OR login_failures_since < $3
				THEN 1 ELSE login_failures + 1 END,
			login_failures_since = CASE WHEN login_failures_since IS NULL OR login_failures_since < $3
				THEN $2 ELSE login_failures_since END,
			login_locked_until = CASE WHEN (CASE WHEN login_failures_since IS NULL OR login_failures_since < $3
				THEN 1 ELSE login_failures + 1 END) >= $4
				THEN $5 ELSE login_locked_until END
		WHERE id = $1
		RETURNING login_failures, login_locked_until`,
		userID, toText(now), toText(now.Add(-window)), maxCount, toText(now.Add(lockFor))).
		Scan(&count, scanTime(&until))
	if err != nil {
		return 0, time.Time{}, notFound(err, "User", "record login failure of user %s", userID)
	}
	if !until.After(now) {
		until = time.Time{}
	}
	return count, until, nil
}

// LoginLock returns when the user's password-login lock ends, or the zero
// time when none was set (not found: "User"). A lock in the past is
// returned as is; the caller compares it with the time.
func (q queries) LoginLock(ctx context.Context, userID string) (time.Time, error) {
	var until time.Time
	err := q.conn.QueryRowContext(ctx, `SELECT login_locked_until FROM users WHERE id = $1`, userID).
		Scan(scanTime(&until))
	if err != nil {
		return time.Time{}, notFound(err, "User", "get login lock of user %s", userID)
	}
	return until, nil
}

// ClearLoginFailures forgets the user's failures and lock (not found: "User").
func (q queries) ClearLoginFailures(ctx context.Context, userID string) error {
	res, err := q.conn.ExecContext(ctx, `
		UPDATE users SET login_failures = 0, login_failures_since = NULL, login_locked_until = NULL
		WHERE id = $1`, userID)
	return affected(res, err, "User", "clear login failures of user %s", userID)
}
