package core

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// MsgNoAnalyzer is the message of the 503 of analyses on a server with no
// model configured.
const MsgNoAnalyzer = "No analysis model is configured."

func errNoAnalyzer() *Error {
	return &Error{Code: CodeUnavailable, Message: MsgNoAnalyzer, Err: errors.New("no analysis model configured")}
}

// SupportedAttachments lists, by category, the file extensions the
// configured model can analyse. With no model configured it still answers,
// with the text formats Clara reads itself.
func (s *Service) SupportedAttachments(ctx context.Context, p Principal, userID string) (map[string][]string, error) {
	if err := s.authorize(p, CapSupportedAttachments, userID); err != nil {
		return nil, err
	}
	if c := s.checker(); c != nil {
		return c.Supported(), nil
	}
	return map[string][]string{"document": {".pdf", ".txt", ".md", ".csv", ".json", ".html"}}, nil
}

// checker returns what judges attachments: the analysis agent, or with no
// model configured Deps.Attachments (nil when neither is set).
func (s *Service) checker() AttachmentChecker {
	if s.analyzer != nil {
		return s.analyzer
	}
	return s.files
}

// AnalyzeInput is a request for an analysis: a query (a claim, a post's
// text, links) and up to the policy's number of attachments.
type AnalyzeInput struct {
	Query          string
	Attachments    []AttachmentData
	IdempotencyKey string // a retried request with the same key returns the same task
}

// Analyze starts an analysis: in one transaction it records the task
// (PENDING), holds its cost from the user's credits (ledger key
// task:<id>:hold) and queues its job. The input is judged first: bad input
// is a 400 whether or not a model is configured (then 503). Without the
// credits it is a 403 and nothing is held; files that would take the
// user's unfinished analyses past Policy.MaxPendingBytes are a 429. A
// retry with the same idempotency key returns the first task.
func (s *Service) Analyze(ctx context.Context, p Principal, userID string, in AnalyzeInput) (Task, error) {
	if err := s.authorize(p, CapAnalyze, userID); err != nil {
		return Task{}, err
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		return Task{}, ErrInvalid(FieldError{Field: "idempotency_key", Problem: "must be at most 255 characters"})
	}
	if in.IdempotencyKey != "" {
		if t, err := s.store.TaskByClientKey(ctx, p.user.ID, in.IdempotencyKey); err == nil {
			return t.Task(), nil
		} else if ErrorCode(err) != CodeNotFound {
			return Task{}, fmt.Errorf("load task by key: %w", err)
		}
	}
	if err := s.checkAnalysis(ctx, in); err != nil {
		return Task{}, err
	}
	for i, a := range in.Attachments {
		if a.URL == "" {
			in.Attachments[i].ContentType = contentTypeOf(a.Name)
		}
	}
	if s.analyzer == nil || s.queue == nil {
		return Task{}, errNoAnalyzer()
	}
	now := s.now()
	rec := TaskRecord{
		ID: NewID(PrefixTask), UserID: p.user.ID, Query: strings.TrimSpace(in.Query), Status: TaskPending,
		Cost: s.policy.AnalysisCost, ClientKey: in.IdempotencyKey, CreatedAt: now, UpdatedAt: now,
	}
	var size int64
	for _, a := range in.Attachments {
		rec.Attachments = append(rec.Attachments, a.Info())
		size += int64(len(a.Data))
	}
	err := s.store.InTx(ctx, func(q Queries) error {
		if err := q.CreateTask(ctx, rec, in.Attachments); err != nil {
			return err
		}
		_, _, err := q.PostLedger(ctx, LedgerEntry{
			ID: NewID(PrefixTransaction), UserID: rec.UserID, Kind: LedgerHold,
			DAvailable: -rec.Cost, DHeld: rec.Cost,
			Description: "Credits held for analysis " + rec.ID + ".",
			IdemKey:     "task:" + rec.ID + ":hold", RefType: "task", RefID: rec.ID, CreatedAt: now,
		})
		if err != nil {
			return err
		}
		if err := s.checkPending(ctx, q, rec.UserID, size); err != nil {
			return err
		}
		return s.queue.EnqueueAnalysis(ctx, q, rec.ID)
	})
	switch {
	case ErrorCode(err) == CodeConflict && in.IdempotencyKey != "":
		// A concurrent request with the same key won: answer with its task.
		t, err := s.store.TaskByClientKey(ctx, p.user.ID, in.IdempotencyKey)
		return t.Task(), err
	case err != nil:
		return Task{}, err
	}
	return rec.Task(), nil
}

// maxQuery is the longest query, in characters.
const maxQuery = 50_000

// maxIdempotencyKey is the longest client idempotency key, in bytes.
const maxIdempotencyKey = 255

// contentTypes are the media types of the file types analyses take.
var contentTypes = map[string]string{
	".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
	".json": "application/json", ".html": "text/html", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
	".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska",
	".mpeg": "video/mpeg", ".webm": "video/webm", ".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4",
	".ogg": "audio/ogg", ".flac": "audio/flac",
}

// contentTypeOf returns the media type of a file by its extension.
func contentTypeOf(name string) string {
	if t, ok := contentTypes[strings.ToLower(filepath.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// checkAnalysis checks the query and the attachments against the policy
// and the agent.
func (s *Service) checkAnalysis(ctx context.Context, in AnalyzeInput) error {
	var f fields
	switch {
	case strings.TrimSpace(in.Query) == "" && len(in.Attachments) == 0:
		f.add("query", "is required unless files are given")
	case !utf8.ValidString(in.Query) || strings.ContainsRune(in.Query, 0):
		f.add("query", "must be text (UTF-8, no NUL characters)")
	case utf8.RuneCountInString(in.Query) > maxQuery:
		f.add("query", fmt.Sprintf("must be at most %d characters; send long texts as a file", maxQuery))
	}
	if len(in.Attachments) > s.policy.MaxAttachments {
		f.add("attachments", fmt.Sprintf("at most %d files", s.policy.MaxAttachments))
	}
	var total int64
	for _, a := range in.Attachments {
		size := int64(len(a.Data))
		total += size
		if size > s.policy.MaxFileBytes || total > s.policy.MaxTotalBytes {
			return ErrTooLarge()
		}
		switch {
		case a.Name == "" || a.Name != filepath.Base(a.Name):
			f.add(a.Name, "must be a plain file name")
		case a.URL != "":
			if !strings.HasPrefix(a.URL, "https://") && !strings.HasPrefix(a.URL, "http://") {
				f.add(a.Name, "the URL must be http or https")
			}
		case s.checker() != nil:
			if err := s.checker().CheckAttachment(ctx, a.Name, a.Data); err != nil {
				f.add(a.Name, err.Error())
			}
		}
	}
	return f.err()
}

// ListTasks returns the user's tasks, newest first.
func (s *Service) ListTasks(ctx context.Context, p Principal, userID string, limit, offset int) ([]Task, error) {
	return listPage(ctx, s, p, CapListTasks, userID, limit, offset, s.store.ListTasks, TaskRecord.Task)
}

// ViewTask returns one of the user's tasks; another user's is a 403.
func (s *Service) ViewTask(ctx context.Context, p Principal, userID, taskID string) (Task, error) {
	if err := s.authorize(p, CapViewTask, userID); err != nil {
		return Task{}, err
	}
	r, err := s.ownTask(ctx, p, taskID)
	return r.Task(), err
}

// WatchTask follows one of the user's tasks until it finishes or ctx ends,
// handing each read of it to seen, and each step its analysis takes in this
// process to step (when not nil) as it is taken. Without Deps.TaskEvents it
// reads the task every poll; with them, whenever a wake-up says it may have
// changed (in any process, on PostgreSQL) and otherwise every fallback
// (Deps.WatchFallback, at least poll). It authorizes once, so a long wait
// does not spend the caller's rate limit. It returns the task as last read:
// finished, or still pending or running when ctx ended (which is then no
// error).
func (s *Service) WatchTask(ctx context.Context, p Principal, userID, taskID string, poll time.Duration, seen func(Task), step func(AnalysisStep)) (Task, error) {
	if err := s.authorize(p, CapViewTask, userID); err != nil {
		return Task{}, err
	}
	// Subscribed before the first read, so that no change after it is
	// missed.
	wake, every, stopWake := s.watchEvery(taskID, poll)
	defer stopWake()
	r, err := s.ownTask(ctx, p, taskID)
	if err != nil {
		return Task{}, err
	}
	var steps <-chan AnalysisStep
	if step != nil {
		var stop func()
		steps, stop = s.steps.subscribe(taskID)
		defer stop()
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		seen(r.Task())
		if r.Status.Done() {
			drainSteps(steps, step)
			return r.Task(), nil
		}
		if !awaitChange(ctx, tick.C, wake, steps, step) {
			return r.Task(), nil
		}
		tick.Reset(every) // the next read without a wake-up: a whole interval from this one
		next, err := s.store.TaskByID(ctx, taskID)
		if err != nil {
			if ctx.Err() != nil {
				return r.Task(), nil
			}
			return r.Task(), fmt.Errorf("watch task %s: %w", taskID, err)
		}
		r = next
	}
}

// awaitChange waits for the next tick or wake-up, handing the steps that
// come meanwhile to step; false when ctx ended first.
func awaitChange(ctx context.Context, tick <-chan time.Time, wake <-chan struct{}, steps <-chan AnalysisStep, step func(AnalysisStep)) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case st := <-steps:
			step(st)
		case <-tick:
			return true
		case <-wake:
			return true
		}
	}
}

// drainSteps hands step the steps already waiting.
func drainSteps(steps <-chan AnalysisStep, step func(AnalysisStep)) {
	for {
		select {
		case st := <-steps:
			step(st)
		default:
			return
		}
	}
}

func (s *Service) ownTask(ctx context.Context, p Principal, taskID string) (TaskRecord, error) {
	r, err := s.store.TaskByID(ctx, taskID)
	if err != nil {
		if ErrorCode(err) == CodeNotFound {
			return r, ErrNotFound("Task")
		}
		return r, fmt.Errorf("load task: %w", err)
	}
	if r.UserID != p.user.ID {
		return TaskRecord{}, ErrForbidden()
	}
	return r, nil
}

// MsgCancelled is the error of a task its user cancelled.
const MsgCancelled = "Cancelled at the user's request."

// CancelTask stops a pending or running task and releases its credits; a
// finished task is returned as it is.
func (s *Service) CancelTask(ctx context.Context, p Principal, userID, taskID string) (Task, error) {
	if err := s.authorize(p, CapCancelTask, userID); err != nil {
		return Task{}, err
	}
	r, err := s.ownTask(ctx, p, taskID)
	if err != nil || r.Status.Done() {
		return r.Task(), err
	}
	r, err = s.finish(ctx, r, TaskFailed, TaskUpdate{Error: MsgCancelled})
	if err != nil {
		return Task{}, err
	}
	if s.queue != nil {
		if err := s.queue.CancelAnalysis(ctx, r.ID); err != nil {
			s.log.WarnContext(ctx, "cancel analysis job", "task", r.ID, "err", err)
		}
	}
	return r.Task(), nil
}

// finish moves an unfinished task to COMPLETED (charging its held credits)
// or FAILED (releasing them), in one transaction. Both settle with the key
// task:<id>:settle, so a task is never both charged and refunded. It
// returns the task as it is afterwards; when it had finished already,
// nothing changes.
func (s *Service) finish(ctx context.Context, r TaskRecord, to TaskStatus, u TaskUpdate) (TaskRecord, error) {
	err := s.store.InTx(ctx, func(q Queries) error {
		now := s.now()
		moved, ok, err := q.MoveTask(ctx, r.ID, []TaskStatus{TaskPending, TaskRunning}, to, u, now)
		if err != nil || !ok {
			r = moved
			return err
		}
		r = moved
		e := LedgerEntry{
			ID: NewID(PrefixTransaction), UserID: r.UserID, Kind: LedgerCapture, DHeld: -r.Cost,
			Description: fmt.Sprintf("Analysis %s: %d credits.", r.ID, r.Cost),
			IdemKey:     "task:" + r.ID + ":settle", RefType: "task", RefID: r.ID, CreatedAt: now,
		}
		if to == TaskFailed {
			e.Kind, e.DAvailable = LedgerRelease, r.Cost
			e.Description = fmt.Sprintf("Credits released: analysis %s did not complete.", r.ID)
		}
		_, _, err = q.PostLedger(ctx, e)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("finish task %s: %w", r.ID, err)
	}
	return r, nil
}

// RunTask is the work of a task's job: it moves the task to RUNNING, runs
// the agent, and finishes the task. A transient failure is returned (the
// job is retried with backoff) unless lastAttempt, when the task fails and
// its credits are released. A task that is already finished (a job run
// twice, a task cancelled) is left as it is.
func (s *Service) RunTask(ctx context.Context, taskID string, lastAttempt bool) error {
	r, err := s.store.TaskByID(ctx, taskID)
	if err != nil {
		return fmt.Errorf("load task %s: %w", taskID, err)
	}
	if r.Status.Done() {
		return nil
	}
	if s.analyzer == nil {
		_, err := s.finish(ctx, r, TaskFailed, TaskUpdate{Error: MsgNoAnalyzer})
		return err
	}
	r, moved, err := s.store.MoveTask(ctx, r.ID, []TaskStatus{TaskPending, TaskRunning}, TaskRunning, TaskUpdate{}, s.now())
	if err != nil || !moved {
		return err // not moved: finished meanwhile
	}
	atts, err := s.store.TaskAttachments(ctx, r.ID)
	if err != nil {
		return fmt.Errorf("load attachments of %s: %w", r.ID, err)
	}
	onStep := func(st AnalysisStep) {
		s.log.DebugContext(ctx, "analysis step", "task", r.ID, "kind", st.Kind, "outcome", st.Outcome)
		s.steps.publish(r.ID, st)
	}
	res, err := s.analyzer.Analyze(ctx, AnalysisRequest{TaskID: r.ID, Query: r.Query, Attachments: atts, OnStep: onStep})
	switch {
	case err == nil:
		_, err = s.finish(ctx, r, TaskCompleted, TaskUpdate{Result: &res})
		return err
	case ctx.Err() != nil:
		return ctx.Err() // the worker is stopping: the job is retried
	case IsTransient(err) && !lastAttempt:
		s.log.InfoContext(ctx, "analysis will be retried", "task", r.ID, "err", err)
		return err
	}
	s.log.WarnContext(ctx, "analysis failed", "task", r.ID, "err", err)
	_, err = s.finish(ctx, r, TaskFailed, TaskUpdate{Error: failureReason(err)})
	return err
}

// failureReason words an agent's failure for the user.
func failureReason(err error) string {
	var f *FailedAnalysis
	if errors.As(err, &f) && f.Reason != "" {
		return f.Reason
	}
	if IsTransient(err) {
		return "The analysis model did not answer after several tries. Your credits were released; please try again later."
	}
	return "The analysis could not be completed. Your credits were released."
}
