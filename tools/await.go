package tools

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// The progress analyze reports while it waits: queued, running, done, of
// progressTotal.
const (
	progressQueued  = 1
	progressRunning = 2
	progressDone    = 3
	progressTotal   = 3
)

// await polls the task t of the caller (userID as analyze was given it)
// with ViewTask until it finishes, wait passes, or ctx ends, reporting its
// progress to a client that asked for it. It returns the task as last
// read: finished, or still pending or running. A failed read does not
// undo the started analysis: the task is returned as last read, for
// view_task to follow.
func (a agentTools) await(ctx context.Context, userID string, t core.Task, wait time.Duration) core.Task {
	p := progressOf(ctx)
	defer p.flush(ctx)
	p.report(ctx, progressQueued, "Analysis "+t.ID+" queued.")
	poll := a.poll
	if poll <= 0 {
		poll = defaultPoll
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for !t.Status.Done() {
		if t.Status == core.TaskRunning {
			p.report(ctx, progressRunning, "Analysis "+t.ID+" running.")
		}
		select {
		case <-ctx.Done():
			return t
		case <-deadline.C:
			return t
		case <-tick.C:
		}
		cur, err := a.svc.ViewTask(ctx, userID, t.ID)
		switch {
		case err == nil:
			t = cur
		case core.ErrorCode(err) == core.CodeRateLimited:
			// The caller spent its budget elsewhere: read again later.
		default:
			return t
		}
	}
	p.report(ctx, progressRunning, "Analysis "+t.ID+" running.")
	p.report(ctx, progressDone, "Analysis "+t.ID+" "+doneWord(t.Status)+".")
	return t
}

// doneWord says how a finished task ended.
func doneWord(s core.TaskStatus) string {
	if s == core.TaskCompleted {
		return "completed"
	}
	return "failed"
}
