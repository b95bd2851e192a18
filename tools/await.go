package tools

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// The progress analyze reports while it waits: queued, running, done, of
// progressTotal; each step of a running analysis (a search, a fetch) goes
// half the rest of the way from running to done.
const (
	progressQueued  = 1
	progressRunning = 2
	progressDone    = 3
	progressTotal   = 3
)

// await follows the task t of the caller p (userID as analyze was given it)
// until it finishes, wait passes, or ctx ends, reporting its progress to a
// client that asked for it. It returns the task as last read: finished, or
// still pending or running. A failed read does not undo the started
// analysis: the task is returned as last read, for view_task to follow.
func (a agentTools) await(ctx context.Context, caller core.Principal, userID string, t core.Task, wait time.Duration) core.Task {
	p := progressOf(ctx)
	defer p.flush(ctx)
	p.report(ctx, progressQueued, "Analysis "+t.ID+" queued.")
	poll := a.poll
	if poll <= 0 {
		poll = defaultPoll
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	seen := func(cur core.Task) {
		if cur.Status != core.TaskPending {
			p.report(ctx, progressRunning, "Analysis "+t.ID+" running.")
		}
		t = cur
	}
	steps, toDone := 0, 1.0
	step := func(st core.AnalysisStep) {
		p.report(ctx, progressRunning, "Analysis "+t.ID+" running.") // a step is taken by a running analysis
		steps++
		toDone /= 2
		p.report(ctx, progressDone-toDone, fmt.Sprintf("Analysis %s, step %d: %s", t.ID, steps, stepWords(st)))
		logStep(ctx, t.ID, steps, st)
	}
	if cur, err := a.svc.WatchTask(waitCtx, caller, userID, t.ID, poll, seen, step); err == nil {
		t = cur
	}
	if t.Status.Done() {
		p.report(ctx, progressDone, "Analysis "+t.ID+" "+doneWord(t.Status)+".")
	}
	return t
}

// stepWords says what a step of an analysis did, naming a fetched page by
// its host and quoting at most an excerpt of a search.
func stepWords(st core.AnalysisStep) string {
	switch st.Kind {
	case core.StepModel:
		return fmt.Sprintf("the model is at work (%s).", st.Target)
	case core.StepAnswer:
		return fmt.Sprintf("the answer is checked: %s, %s.", st.Target, strings.TrimPrefix(st.Outcome, "answer checked: "))
	}
	verb := map[string]string{
		core.StepSearch: "searched the web for", core.StepWebSearch: "searched the web for",
		core.StepFactChecks: "looked up fact-checks of", core.StepFetch: "read a page of", core.StepAttachment: "read the attachment",
	}[st.Kind]
	if verb == "" {
		verb = st.Kind
	}
	return fmt.Sprintf("%s %q: %s.", verb, stepTarget(st), st.Outcome)
}

// stepTarget returns what a step's messages may say of its target: a
// page's host, or an excerpt of a query or name.
func stepTarget(st core.AnalysisStep) string {
	if st.Kind == core.StepFetch {
		if u, err := url.Parse(st.Target); err == nil && u.Host != "" {
			return u.Host
		}
	}
	if r := []rune(st.Target); len(r) > stepExcerpt {
		return string(r[:stepExcerpt]) + "…"
	}
	return st.Target
}

// stepExcerpt is the most characters of a query or name a step's
// messages quote.
const stepExcerpt = 80

// logStep sends a step as an MCP log message (logger clara.analysis, level
// info) to a client that asked for log messages at that level
// (logging/setLevel, or the request's log level on the 2026-07-28
// protocol); others get nothing.
func logStep(ctx context.Context, taskID string, n int, st core.AnalysisStep) {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return
	}
	_ = srv.SendLogMessageToClient(ctx, mcp.NewLoggingMessageNotification(mcp.LoggingLevelInfo, "clara.analysis", map[string]any{
		"task_id": taskID, "step": n, "kind": st.Kind, "target": stepTarget(st), "outcome": st.Outcome,
	}))
}

// doneWord says how a finished task ended.
func doneWord(s core.TaskStatus) string {
	if s == core.TaskCompleted {
		return "completed"
	}
	return "failed"
}
