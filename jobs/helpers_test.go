package jobs

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/sqlite"
)

func TestMain(m *testing.M) {
	// Migrate logs each of River's migrations through the default logger.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	pgtest.Main(m)
}

// errAbort rolls a test transaction back.
var errAbort = errors.New("jobs test: abort the transaction")

// backends open a fresh database of each driver, with the store's and
// River's migrations applied, closed when t ends.
var backends = []struct {
	name string
	open func(t *testing.T) store.DB
}{
	{"postgres", func(t *testing.T) store.DB { return migrated(t, openPostgres(t, pgtest.NewURL(t))) }},
	{"sqlite", func(t *testing.T) store.DB {
		return migrated(t, openSQLite(t, filepath.Join(t.TempDir(), "clara.db")))
	}},
}

// forEachBackend runs test, in parallel, on a fresh database of each driver.
func forEachBackend(t *testing.T, test func(t *testing.T, db store.DB)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.open(t))
		})
	}
}

// openPostgres opens the PostgreSQL database at url, closed when t ends.
func openPostgres(t *testing.T, url string) store.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openSQLite opens the SQLite file at path, closed when t ends.
func openSQLite(t *testing.T, path string) store.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// migrated applies the store's migrations, then River's, to db.
func migrated(t *testing.T, db store.DB) store.DB {
	t.Helper()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("store Migrate: %v", err)
	}
	if err := Migrate(t.Context(), db, nil); err != nil {
		t.Fatalf("jobs Migrate: %v", err)
	}
	return db
}

// testConfig is a configuration for tests: quick polls and retries, 2
// workers, River's logs at warning level in the test's output.
func testConfig(t *testing.T) Config {
	return Config{
		Workers:      2,
		MaxAttempts:  3,
		PollInterval: 50 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		testOnly:     true,
		retryDelay:   func(int) time.Duration { return 100 * time.Millisecond },
	}
}

// newJobs returns the job queue of db with cfg, not started; it is stopped
// when t ends.
func newJobs(t *testing.T, db store.DB, runner Runner, cfg Config) *Jobs {
	t.Helper()
	j, err := New(db, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	runners.Store(j, runner)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := j.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return j
}

// runners remembers the runner each test queue was made for, so that a
// test can start it later (runnerOf).
var runners sync.Map

// runnerOf returns the runner newJobs was given for j.
func runnerOf(j *Jobs) Runner {
	r, _ := runners.Load(j)
	runner, _ := r.(Runner)
	return runner
}

// started returns newJobs(…), started.
func started(t *testing.T, db store.DB, runner Runner, cfg Config) *Jobs {
	t.Helper()
	j := newJobs(t, db, runner, cfg)
	if err := j.Start(t.Context(), runner); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return j
}

// enqueue inserts the job of taskID in a committed transaction.
func enqueue(t *testing.T, db store.DB, j *Jobs, taskID string) {
	t.Helper()
	err := db.InTx(t.Context(), func(q core.Queries) error { return j.EnqueueAnalysis(t.Context(), q, taskID) })
	if err != nil {
		t.Fatalf("enqueue %s: %v", taskID, err)
	}
}

// newTaskID returns a fresh task id.
func newTaskID() string { return core.NewID(core.PrefixTask) }

// call is one RunTask call.
type call struct {
	TaskID      string
	LastAttempt bool
}

// recorder is a Runner that records its calls and then runs fn (nil:
// succeed).
type recorder struct {
	fn func(ctx context.Context, c call) error

	mu    sync.Mutex
	calls []call
}

// RunTask implements Runner.
func (r *recorder) RunTask(ctx context.Context, taskID string, lastAttempt bool) error {
	c := call{taskID, lastAttempt}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	if r.fn == nil {
		return nil
	}
	return r.fn(ctx, c)
}

// of returns the calls for taskID so far.
func (r *recorder) of(taskID string) []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []call
	for _, c := range r.calls {
		if c.TaskID == taskID {
			out = append(out, c)
		}
	}
	return out
}

// await waits until taskID has had n calls and returns them.
func (r *recorder) await(t *testing.T, taskID string, n int) []call {
	t.Helper()
	var got []call
	eventually(t, func() bool { got = r.of(taskID); return len(got) >= n },
		"%d RunTask calls for %s", n, taskID)
	return got
}

// eventually waits up to 20 s for cond, or fails t with what.
func eventually(t *testing.T, cond func() bool, what string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for "+what, args...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobsOf lists every job of the task, in any state.
func jobsOf(t *testing.T, j *Jobs, taskID string) []*rivertype.JobRow {
	t.Helper()
	res, err := j.client.JobList(t.Context(), river.NewJobListParams().Kinds(KindAnalyze).
		States(uniqueStates...).Where(j.client.ArgsMatch("task_id"), river.NamedArgs{"task_id": taskID}))
	if err != nil {
		t.Fatalf("JobList: %v", err)
	}
	return res.Jobs
}

// awaitState waits until the task's only job is in one of states and
// returns it.
func awaitState(t *testing.T, j *Jobs, taskID string, states ...rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var job *rivertype.JobRow
	eventually(t, func() bool {
		job = nil
		jobs := jobsOf(t, j, taskID)
		if len(jobs) > 1 {
			t.Fatalf("task %s has %d jobs, want 1", taskID, len(jobs))
		}
		if len(jobs) == 1 {
			job = jobs[0]
		}
		return job != nil && slices.Contains(states, job.State)
	}, "the job of %s to be %v", taskID, states)
	return job
}
