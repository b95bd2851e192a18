// Package jobs runs Clara's background work on River
// (github.com/riverqueue/river), in the same database as the store:
// PostgreSQL through riverpgxv5, or the SQLite file through riversqlite. It
// implements core.Queue: a job is inserted in the store's transaction, so a
// task, its credit hold and its job commit or roll back together.
//
// A process that serves the API and runs no jobs uses Workers == 0: it only
// inserts jobs, which a process with workers runs. Call Migrate after the
// store's own migrations, then New, then Start; Stop on shutdown.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/quietlog"
	"github.com/clara-backend/clara/store"
)

// Runner runs the analysis of a task; core.Service implements it. A
// returned error makes the job be retried with backoff, unless lastAttempt,
// after which the job is discarded: on its last attempt, Runner should
// settle the task itself.
type Runner interface {
	RunTask(ctx context.Context, taskID string, lastAttempt bool) error
}

// Config configures Jobs. Zero values take the defaults given.
type Config struct {
	// Workers is how many jobs run at once in this process; 0 runs none:
	// the process only inserts jobs, for another process to run.
	Workers int
	// MaxAttempts is how many times a job runs before it is discarded
	// (default 5). It is fixed in each job when the job is inserted.
	MaxAttempts int
	// JobTimeout bounds one attempt of a job: its context is cancelled
	// then (default 10 minutes).
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it is
	// taken for stuck (its process died) and retried or discarded (default
	// 15 minutes). It must exceed JobTimeout.
	RescueStuckJobsAfter time.Duration
	// Logger receives River's logs (default slog.Default()).
	Logger *slog.Logger
	// Metrics, when set, registers clara_analysis_attempts_total{outcome}
	// and clara_analysis_attempt_seconds.
	Metrics prometheus.Registerer
	// PollInterval is how often idle workers look for new jobs besides
	// being notified of them (River's FetchPollInterval, default 250 ms).
	PollInterval time.Duration

	// testOnly sets River's TestOnly (no start-up jitter), for this
	// package's tests.
	testOnly bool
	// retryDelay replaces retryDelay, for this package's tests.
	retryDelay func(attempt int) time.Duration
}

// fetchCooldown is the least time between two fetches of jobs (River's
// FetchCooldown, whose default of 100 ms made it the whole of the wait
// between a request and its worker starting, and capped throughput).
const fetchCooldown = 10 * time.Millisecond

// Defaults of Config.
const (
	DefaultPollInterval         = 250 * time.Millisecond
	DefaultMaxAttempts          = 5
	DefaultJobTimeout           = 10 * time.Minute
	DefaultRescueStuckJobsAfter = 15 * time.Minute
)

// withDefaults returns c with its zero values replaced by the defaults,
// or an error when it is inconsistent.
func (c Config) withDefaults() (Config, error) {
	if c.Workers < 0 || c.MaxAttempts < 0 || c.JobTimeout < 0 || c.RescueStuckJobsAfter < 0 || c.PollInterval < 0 {
		return c, errors.New("jobs: negative configuration value")
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.RescueStuckJobsAfter == 0 {
		c.RescueStuckJobsAfter = max(DefaultRescueStuckJobsAfter, c.JobTimeout+time.Minute)
	}
	if c.RescueStuckJobsAfter <= c.JobTimeout {
		return c, fmt.Errorf("jobs: RescueStuckJobsAfter (%s) must exceed JobTimeout (%s)", c.RescueStuckJobsAfter, c.JobTimeout)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.retryDelay == nil {
		c.retryDelay = retryDelay
	}
	return c, nil
}

// Jobs is Clara's job queue. It implements core.Queue. Its methods are safe
// for concurrent use.
type Jobs struct {
	client  store.JobClient
	worker  *analyzeWorker
	working bool // Workers > 0: Start starts River's workers
	log     *slog.Logger
}

var _ core.Queue = (*Jobs)(nil)

// New returns the job queue of db. It inserts jobs at once; its workers
// run them from Start on. New neither starts work nor touches the
// database.
func New(db store.DB, cfg Config) (*Jobs, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	worker := &analyzeWorker{delay: cfg.retryDelay, metrics: newMetrics(cfg.Metrics)}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, worker); err != nil {
		return nil, fmt.Errorf("jobs: register the analyze worker: %w", err)
	}
	rc := &river.Config{
		ErrorHandler:         errorLogger{cfg.Logger},
		Logger:               quietlog.Demoted(cfg.Logger), // River's routine at debug; its warnings and errors stay
		MaxAttempts:          cfg.MaxAttempts,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		TestOnly:             cfg.testOnly,
		Workers:              workers,
	}
	rc.FetchPollInterval = cfg.PollInterval
	rc.FetchCooldown = min(cfg.PollInterval, fetchCooldown)
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	c, err := db.Jobs(rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Jobs{client: c, worker: worker, working: cfg.Workers > 0, log: cfg.Logger}, nil
}

// Start starts the workers, which run each job's task through runner
// (core.Service) until Stop, or until ctx ends (which also stops them,
// gracefully). Taking the runner here, not in New, lets the service be
// built on the queue first. Without workers it does nothing.
func (j *Jobs) Start(ctx context.Context, runner Runner) error {
	if !j.working {
		return nil
	}
	if runner == nil {
		return errors.New("jobs: start: workers need a Runner")
	}
	j.worker.runner.Store(&runner)
	if err := j.client.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// hardStopTimeout bounds how long Stop waits for jobs to return once it has
// cancelled them.
const hardStopTimeout = 10 * time.Second

// Stop stops the workers gracefully: no new job starts, and Stop waits for
// the running ones to finish until ctx ends. Then it cancels the jobs still
// running (they are retried later, see Runner) and waits up to 10 s for
// them to return, and reports that it had to. Without workers, or when not
// started, it does nothing.
func (j *Jobs) Stop(ctx context.Context) error {
	if !j.working {
		return nil
	}
	err := j.client.Stop(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	j.log.WarnContext(ctx, "jobs still running at the stop deadline: cancelling them")
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopTimeout)
	defer cancel()
	if err := j.client.StopAndCancel(hard); err != nil {
		return fmt.Errorf("stop jobs: cancel running jobs: %w", err)
	}
	return fmt.Errorf("stop jobs: running jobs were cancelled: %w", ctx.Err())
}
