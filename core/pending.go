package core

import (
	"context"
	"fmt"
	"time"
)

// pendingRetryAfter is the Retry-After of an analysis refused because the
// user's unfinished analyses hold too many files: about the time one
// analysis takes to finish and give its files back.
const pendingRetryAfter = time.Minute

// checkPending refuses, with a 429, a task whose size bytes of attachment
// contents take the user's unfinished analyses past
// Policy.MaxPendingBytes. It runs in the transaction that creates the
// task, after the credit hold has written the user's row: on PostgreSQL
// that row lock makes concurrent analyses of one user count one after the
// other, and on SQLite writers take turns. The sum includes the new task.
func (s *Service) checkPending(ctx context.Context, q Queries, userID string, size int64) error {
	limit := s.policy.MaxPendingBytes
	if size == 0 || limit <= 0 {
		return nil
	}
	held, err := q.PendingAttachmentBytes(ctx, userID)
	if err != nil {
		return fmt.Errorf("check pending attachments: %w", err)
	}
	if held <= limit {
		return nil
	}
	e := ErrRateLimited(pendingRetryAfter)
	e.Fields = []FieldError{{Field: "attachments", Problem: fmt.Sprintf(
		"your unfinished analyses already hold %s of files and together may hold at most %s; "+
			"wait for one to finish, or cancel one, then try again", byteSize(held-size), byteSize(limit))}}
	return e
}

// mebibytes words n bytes for people: "900 bytes", "12.5 KiB", "100.0 MiB".
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
