package core

import (
	"context"
	"errors"
	"time"
)

// TaskStatus is where an analysis stands.
type TaskStatus string

// The states of a task: PENDING until a worker takes it, RUNNING while the
// agent works, then COMPLETED (charged) or FAILED (credits released).
const (
	TaskPending   TaskStatus = "PENDING"
	TaskRunning   TaskStatus = "RUNNING"
	TaskCompleted TaskStatus = "COMPLETED"
	TaskFailed    TaskStatus = "FAILED"
)

// Done reports whether a task in status s will not change any more.
func (s TaskStatus) Done() bool { return s == TaskCompleted || s == TaskFailed }

// Verdicts of an analysis, from the contract.
var Verdicts = []string{"TRUE", "MOSTLY_TRUE", "MIXED", "MOSTLY_FALSE", "FALSE", "UNVERIFIABLE"}

// Source is a page or attachment an analysis relied on.
type Source struct {
	Title string `json:"title" jsonschema:"the page's or attachment's title"`
	URL   string `json:"url" jsonschema:"the page's URL, or attachment:<name> for an attachment"`
}

// ClaimCheck is the verdict on one claim of the query.
type ClaimCheck struct {
	Claim       string   `json:"claim" jsonschema:"the claim, in a sentence"`
	Explanation string   `json:"explanation" jsonschema:"why the verdict, citing the sources"`
	Sources     []Source `json:"sources" jsonschema:"the sources behind this verdict"`
	Verdict     string   `json:"verdict" jsonschema:"TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE or UNVERIFIABLE"`
}

// AnalysisResult is the reasoned verdict of an analysis. Keys are
// alphabetical.
type AnalysisResult struct {
	Claims     []ClaimCheck   `json:"claims" jsonschema:"each claim found in the query, checked"`
	Confidence float64        `json:"confidence" jsonschema:"how sure the verdict is, from 0 to 1"`
	Model      string         `json:"model" jsonschema:"the model that made it: provider/model-name"`
	Sources    []Source       `json:"sources" jsonschema:"every source used; each one a page actually read or an attachment actually given"`
	Steps      []AnalysisStep `json:"steps,omitempty" jsonschema:"how the verdict was reached: each search, fact-check lookup, page fetch and attachment read, in order (an extension of the contract's result)"`
	Summary    string         `json:"summary" jsonschema:"one paragraph for the user"`
	Usage      *AnalysisUsage `json:"usage,omitempty" jsonschema:"the model tokens the analysis took (an extension of the contract's result)"`
	Verdict    string         `json:"verdict" jsonschema:"TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE or UNVERIFIABLE"`
}

// The kinds of AnalysisStep.
const (
	StepSearch     = "search"      // a web search, by Clara's search provider
	StepWebSearch  = "web_search"  // a search the model's provider ran itself (server-side search)
	StepFactChecks = "fact_checks" // a lookup of published fact-checks
	StepFetch      = "fetch"       // a page fetched
	StepAttachment = "attachment"  // an attachment read
)

// The kinds of the progress-only steps an analysis reports to OnStep but
// does not keep in its result: a round of the model, and the answer once
// checked.
const (
	StepModel  = "model"
	StepAnswer = "answer"
)

// AnalysisStep is one thing the agent did on its way to a verdict. Keys
// are alphabetical.
type AnalysisStep struct {
	Kind    string `json:"kind" jsonschema:"search, web_search, fact_checks, fetch or attachment"`
	Outcome string `json:"outcome" jsonschema:"what came of it: e.g. 5 results, read (12 KiB), or why it failed or was skipped"`
	Target  string `json:"target" jsonschema:"the search query, the URL or the file name"`
}

// AnalysisUsage is what an analysis took of the model. Keys are
// alphabetical.
type AnalysisUsage struct {
	InputTokens  int64 `json:"input_tokens" jsonschema:"tokens sent to the model, over every call"`
	OutputTokens int64 `json:"output_tokens" jsonschema:"tokens the model answered, over every call"`
	ModelCalls   int   `json:"model_calls" jsonschema:"how many calls the model answered"`
}

// AttachmentInfo describes an attachment of a task.
type AttachmentInfo struct {
	ContentType string `json:"content_type" jsonschema:"the attachment's media type"`
	Name        string `json:"name" jsonschema:"the file name"`
	Size        int64  `json:"size" jsonschema:"its size in bytes (0 for a URL not fetched yet)"`
}

// Task is an analysis as users see it. Keys are alphabetical.
type Task struct {
	Attachments   []AttachmentInfo `json:"attachments" jsonschema:"the files and links given with the query"`
	CostInCredits Credits          `json:"cost_in_credits" jsonschema:"the credits held for it, charged when it completes, released when it fails"`
	CreatedAt     Timestamp        `json:"created_at" jsonschema:"when it was asked for (HTTP-date, GMT)"`
	Error         *string          `json:"error" jsonschema:"why it failed, or null"`
	ID            string           `json:"id" jsonschema:"the task id: task_ followed by 32 hex characters"`
	Query         string           `json:"query" jsonschema:"what was asked"`
	Result        *AnalysisResult  `json:"result" jsonschema:"the verdict once COMPLETED, else null"`
	Status        TaskStatus       `json:"status" jsonschema:"PENDING, RUNNING, COMPLETED or FAILED"`
	UpdatedAt     Timestamp        `json:"updated_at" jsonschema:"when it last changed (HTTP-date, GMT)"`
	UserID        string           `json:"user_id" jsonschema:"the owner's user id"`
}

// TaskRecord is a stored task.
type TaskRecord struct {
	ID          string
	UserID      string
	Query       string
	Status      TaskStatus
	Cost        int64
	ClientKey   string // the client's Idempotency-Key, "" for none
	Attachments []AttachmentInfo
	Result      *AnalysisResult
	Error       string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Task returns r as users see it.
func (r TaskRecord) Task() Task {
	t := Task{
		Attachments: r.Attachments, CostInCredits: Credits(r.Cost), CreatedAt: Timestamp(r.CreatedAt),
		ID: r.ID, Query: r.Query, Result: r.Result, Status: r.Status, UpdatedAt: Timestamp(r.UpdatedAt), UserID: r.UserID,
	}
	if t.Attachments == nil {
		t.Attachments = []AttachmentInfo{}
	}
	if r.Error != "" {
		e := r.Error
		t.Error = &e
	}
	return t
}

// AttachmentData is an attachment with its content, or a public URL whose
// content the agent fetches.
type AttachmentData struct {
	Name        string
	ContentType string
	Data        []byte
	URL         string
}

// Info describes a.
func (a AttachmentData) Info() AttachmentInfo {
	return AttachmentInfo{Name: a.Name, ContentType: a.ContentType, Size: int64(len(a.Data))}
}

// TaskUpdate is what a status move writes besides the status.
type TaskUpdate struct {
	Result *AnalysisResult
	Error  string
}

// AnalysisRequest is what the agent analyses.
type AnalysisRequest struct {
	TaskID      string
	Query       string
	Attachments []AttachmentData
	// OnStep, when set, hears each step of the analysis as it is taken (a
	// search, a fetch, …), for progress reports.
	OnStep func(AnalysisStep)
}

// AttachmentChecker judges files before an analysis is queued: the
// analysis agent's, or with no model configured the one of Deps.Attachments
// (package agent's Files: the documents Clara reads itself).
type AttachmentChecker interface {
	// Supported lists, by category, the file extensions that can be
	// analysed (".pdf", ".png", …).
	Supported() map[string][]string
	// CheckAttachment reports why a file cannot be analysed (unsupported
	// extension, content that does not match it, a clip too long), or nil;
	// ctx bounds the work (a clip is probed for its duration).
	CheckAttachment(ctx context.Context, name string, data []byte) error
}

// Analyzer is the port of the analysis agent (package agent). Its
// AttachmentChecker judges by what the configured model takes.
type Analyzer interface {
	AttachmentChecker
	// Analyze runs the agent. Errors marked Transient may succeed on a
	// retry; a *FailedAnalysis says, for the user, why it cannot succeed.
	Analyze(ctx context.Context, req AnalysisRequest) (AnalysisResult, error)
}

// FailedAnalysis is an analysis that cannot succeed, with a reason the user
// may read.
type FailedAnalysis struct {
	Reason string
	Err    error
}

// Error implements error.
func (f *FailedAnalysis) Error() string { return f.Reason + ": " + errString(f.Err) }

// Unwrap returns the cause.
func (f *FailedAnalysis) Unwrap() error { return f.Err }

type transient struct{ err error }

func (t transient) Error() string { return t.err.Error() }
func (t transient) Unwrap() error { return t.err }

// Transient marks err as passing (a provider's 429 or 5xx, a timeout): the
// task is retried with backoff.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return transient{err}
}

// IsTransient reports whether err was marked Transient.
func IsTransient(err error) bool {
	var t transient
	return errors.As(err, &t)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// Queue is the port of background jobs (package jobs: River). EnqueueAnalysis
// schedules the analysis of a task inside q's transaction, so the task, its
// credit hold and its job commit together.
type Queue interface {
	EnqueueAnalysis(ctx context.Context, q Queries, taskID string) error
	// CancelAnalysis stops the task's job if it has not finished (best effort).
	CancelAnalysis(ctx context.Context, taskID string) error
}
