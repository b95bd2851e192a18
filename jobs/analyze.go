package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
)

// KindAnalyze is the River job kind of an analysis.
const KindAnalyze = "analyze"

// AnalyzeArgs are the arguments of an analysis job.
type AnalyzeArgs struct {
	TaskID string `json:"task_id"`
}

// Kind implements river.JobArgs.
func (AnalyzeArgs) Kind() string { return KindAnalyze }

// uniqueStates are every job state: while any job of a task remains in the
// table (River's cleaner removes finished ones after a day, or a week for
// discarded ones), no other job of the task can be inserted.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
	rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// InsertOpts implements river.JobArgsWithInsertOpts: a task has one job,
// whoever inserts it; a second insertion is skipped.
func (AnalyzeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}}
}

// analyzeWorker runs analysis jobs through a Runner.
type analyzeWorker struct {
	river.WorkerDefaults[AnalyzeArgs]
	runner  atomic.Pointer[Runner] // set by Jobs.Start
	delay   func(attempt int) time.Duration
	metrics *metrics // nil: none
}

// Work runs the task's analysis; the job's last attempt tells the runner
// to settle the task whatever happens. A returned error is retried.
func (w *analyzeWorker) Work(ctx context.Context, job *river.Job[AnalyzeArgs]) error {
	runner := w.runner.Load()
	if runner == nil {
		return errors.New("jobs: no Runner") // cannot happen: Start requires one
	}
	start := time.Now()
	err := (*runner).RunTask(ctx, job.Args.TaskID, job.Attempt >= job.MaxAttempts)
	w.metrics.observe(start, err)
	return err
}

// NextRetry schedules the retry of a failed attempt sooner than River's
// default (attempt⁴ seconds): see retryDelay.
func (w *analyzeWorker) NextRetry(job *river.Job[AnalyzeArgs]) time.Time {
	return time.Now().Add(w.delay(job.Attempt))
}

// maxRetryDelay caps the wait before a retry.
const maxRetryDelay = 5 * time.Minute

// retryDelay is the wait after the failed attempt number attempt (from 1):
// 2^attempt seconds (2 s, 4 s, 8 s, …) give or take 10 % of jitter, so that
// jobs failing together do not retry together, and at most 5 minutes.
func retryDelay(attempt int) time.Duration {
	d := maxRetryDelay
	if attempt >= 0 && attempt < 16 {
		d = min(time.Second<<attempt, maxRetryDelay)
	}
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return min(d+jitter, maxRetryDelay)
}

// EnqueueAnalysis inserts the job of the task in the transaction that q is
// bound to (q must be the Queries that the store's InTx gave), so that the
// job exists once, and only once, that transaction commits. A task has at
// most one job: inserting another one is skipped, without error.
func (j *Jobs) EnqueueAnalysis(ctx context.Context, q core.Queries, taskID string) error {
	res, err := j.client.InsertIn(ctx, q, AnalyzeArgs{TaskID: taskID})
	if err != nil {
		return fmt.Errorf("enqueue analysis of task %s: %w", taskID, err)
	}
	if res.UniqueSkippedAsDuplicate {
		j.log.DebugContext(ctx, "analysis already queued", "task", taskID, "job", res.Job.ID)
	}
	return nil
}

// unfinished are the states of a job that can still run.
var unfinished = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// CancelAnalysis cancels the task's job if it has not finished: a job
// waiting to run never runs, and a running job has its context cancelled
// (in whichever process runs it, once that process hears of it). It finds
// the job by its kind and arguments, so it works from any process; a task
// without an unfinished job is no error.
func (j *Jobs) CancelAnalysis(ctx context.Context, taskID string) error {
	params := river.NewJobListParams().Kinds(KindAnalyze).States(unfinished...).
		Where(j.client.ArgsMatch("task_id"), river.NamedArgs{"task_id": taskID}).First(10)
	res, err := j.client.JobList(ctx, params)
	if err != nil {
		return fmt.Errorf("cancel analysis of task %s: find its job: %w", taskID, err)
	}
	var errs []error
	for _, job := range res.Jobs {
		if _, err := j.client.JobCancel(ctx, job.ID); err != nil && !errors.Is(err, river.ErrNotFound) {
			errs = append(errs, fmt.Errorf("cancel analysis of task %s: cancel job %d: %w", taskID, job.ID, err))
		}
	}
	return errors.Join(errs...)
}
