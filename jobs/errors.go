package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// errorLogger is River's ErrorHandler: River keeps a failed attempt's error
// in the job row only, so this logs it too. It changes nothing of the retry
// schedule.
type errorLogger struct{ log *slog.Logger }

// HandleError logs a failed attempt.
func (h errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log.WarnContext(ctx, "job attempt failed", "job", job.ID, "kind", job.Kind,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "args", string(job.EncodedArgs), "err", err)
	return nil
}

// HandlePanic logs a panicking attempt, with its stack.
func (h errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.ErrorContext(ctx, "job attempt panicked", "job", job.ID, "kind", job.Kind,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "args", string(job.EncodedArgs), "panic", panicVal, "stack", trace)
	return nil
}
