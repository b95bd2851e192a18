package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
)

// TestStopWaitsForRunningJob stops while a job runs: Stop returns only once
// the job has finished, and the job's context is never cancelled.
func TestStopWaitsForRunningJob(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		running, release := make(chan struct{}), make(chan struct{})
		ctxErr := make(chan error, 1)
		rec := &recorder{fn: func(ctx context.Context, _ call) error {
			close(running)
			<-release
			ctxErr <- ctx.Err()
			return nil
		}}
		j := started(t, db, rec, testConfig(t))
		id := newTaskID()
		enqueue(t, db, j, id)
		<-running
		stopped := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			stopped <- j.Stop(ctx)
		}()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned (%v) while a job ran", err)
		case <-time.After(500 * time.Millisecond):
		}
		close(release)
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatalf("Stop: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Stop did not return after the job finished")
		}
		if err := <-ctxErr; err != nil {
			t.Errorf("the job's context ended: %v", err)
		}
		if job := awaitState(t, j, id, rivertype.JobStateCompleted); job.Attempt != 1 {
			t.Errorf("job attempt %d, want 1", job.Attempt)
		}
	})
}

// TestStopCancelsAtDeadline stops while a job runs past Stop's deadline:
// the job's context is cancelled, and Stop says so; the job stays to be
// retried.
func TestStopCancelsAtDeadline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		running, returned := make(chan struct{}), make(chan error, 1)
		rec := &recorder{fn: func(ctx context.Context, _ call) error {
			close(running)
			<-ctx.Done()
			returned <- ctx.Err()
			return ctx.Err()
		}}
		j := started(t, db, rec, testConfig(t))
		id := newTaskID()
		enqueue(t, db, j, id)
		<-running
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		if err := j.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Stop = %v, want a deadline error", err)
		}
		select {
		case err := <-returned:
			if err == nil {
				t.Error("the job returned with a live context")
			}
		default:
			t.Error("Stop returned before the cancelled job did")
		}
		awaitState(t, j, id, rivertype.JobStateRetryable, rivertype.JobStateAvailable)
	})
}

// TestInsertOnly uses a queue without workers: Start and Stop do nothing,
// its jobs wait, and a process with workers runs them.
func TestInsertOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		cfg := testConfig(t)
		cfg.Workers = 0
		api := started(t, db, nil, cfg)
		id := newTaskID()
		enqueue(t, db, api, id)
		time.Sleep(300 * time.Millisecond)
		awaitState(t, api, id, rivertype.JobStateAvailable)
		if err := api.Stop(t.Context()); err != nil {
			t.Errorf("Stop without workers: %v", err)
		}
		rec := &recorder{}
		started(t, db, rec, testConfig(t))
		rec.await(t, id, 1)
		awaitState(t, api, id, rivertype.JobStateCompleted)
	})
}

// TestMigrateConcurrently migrates River's schema from several handles on
// one database at once, as processes starting together would, then once
// more: every run succeeds.
func TestMigrateConcurrently(t *testing.T) {
	for _, b := range []struct {
		name string
		open func(t *testing.T) func() store.DB
	}{
		{"postgres", func(t *testing.T) func() store.DB {
			url := pgtest.NewURL(t)
			return func() store.DB { return openPostgres(t, url) }
		}},
		{"sqlite", func(t *testing.T) func() store.DB {
			path := filepath.Join(t.TempDir(), "clara.db")
			if err := openSQLite(t, path).Migrate(t.Context()); err != nil {
				t.Fatalf("store Migrate: %v", err)
			}
			return func() store.DB { return openSQLite(t, path) }
		}},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			open := b.open(t)
			var wg sync.WaitGroup
			for i := range 3 {
				db := open()
				wg.Go(func() {
					if err := Migrate(t.Context(), db, nil); err != nil {
						t.Errorf("Migrate %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			db := open()
			if err := Migrate(t.Context(), db, nil); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			rec := &recorder{}
			j := started(t, db, rec, testConfig(t))
			id := newTaskID()
			enqueue(t, db, j, id)
			rec.await(t, id, 1)
		})
	}
}

// TestRetryDelay checks the backoff: 2^attempt seconds within 10 %, at
// most 5 minutes.
func TestRetryDelay(t *testing.T) {
	for attempt := 1; attempt <= 30; attempt++ {
		base := min(time.Second<<min(attempt, 20), maxRetryDelay)
		for range 50 {
			d := retryDelay(attempt)
			if d < base-base/10 || d > min(base+base/10, maxRetryDelay) {
				t.Fatalf("retryDelay(%d) = %s, want %s ± 10 %%, at most %s", attempt, d, base, maxRetryDelay)
			}
		}
	}
}

// TestNewRejects refuses inconsistent configurations.
func TestNewRejects(t *testing.T) {
	db := backends[1].open(t)
	for name, cfg := range map[string]Config{
		"rescue before the timeout":  {JobTimeout: time.Minute, RescueStuckJobsAfter: time.Minute},
		"negative number of workers": {Workers: -1},
	} {
		if _, err := New(db, cfg); err == nil {
			t.Errorf("New with %s succeeded", name)
		}
	}
	if _, err := New(db, Config{}); err != nil {
		t.Errorf("New of an insert-only queue: %v", err)
	}
	j, err := New(db, Config{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Start(t.Context(), nil); err == nil {
		t.Error("workers started without a runner")
	}
}
