package sqlq

import (
	"context"
	"time"
)

// LoginFailure records a failed password login at now, in one statement so
// that concurrent failures are all counted: a count whose first failure is
// older than window starts again at 1; when the count reaches maxCount, login is
// locked until now+lockFor. It returns the count and the end of the lock in
// force at now (zero when none). Not found: "User".
func (q Queries) LoginFailure(ctx context.Context, userID string, now time.Time, window time.Duration, maxCount int, lockFor time.Duration) (int, time.Time, error) {
	var (
		count int
		until *time.Time
	)
	err := q.conn.QueryRow(ctx, `
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
		userID, now, now.Add(-window), maxCount, now.Add(lockFor)).Scan(&count, &until)
	if err != nil {
		return 0, time.Time{}, q.notFound(err, "User", "record login failure of user %s", userID)
	}
	lock := fromNull(until)
	if !lock.After(now) {
		lock = time.Time{}
	}
	return count, lock, nil
}

// LoginLock returns when the user's password-login lock ends, or the zero
// time when none was set (not found: "User"). A lock in the past is
// returned as is; the caller compares it with the time.
func (q Queries) LoginLock(ctx context.Context, userID string) (time.Time, error) {
	var until *time.Time
	err := q.conn.QueryRow(ctx, `SELECT login_locked_until FROM users WHERE id = $1`, userID).Scan(&until)
	if err != nil {
		return time.Time{}, q.notFound(err, "User", "get login lock of user %s", userID)
	}
	return fromNull(until), nil
}

// ClearLoginFailures forgets the user's failures and lock (not found: "User").
func (q Queries) ClearLoginFailures(ctx context.Context, userID string) error {
	n, err := q.conn.Exec(ctx, `
		UPDATE users SET login_failures = 0, login_failures_since = NULL, login_locked_until = NULL
		WHERE id = $1`, userID)
	return q.changed(n, err, "User", "clear login failures of user %s", userID)
}
