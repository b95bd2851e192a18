package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// TestUniquePerTask inserts the job of one task several times, in one
// transaction and in others, before and after it ran: the task has one job,
// which runs once.
func TestUniquePerTask(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		rec := &recorder{}
		j := newJobs(t, db, rec, testConfig(t))
		id := newTaskID()
		err := db.InTx(t.Context(), func(q core.Queries) error {
			for range 2 {
				if err := j.EnqueueAnalysis(t.Context(), q, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("InTx: %v", err)
		}
		enqueue(t, db, j, id)
		if jobs := jobsOf(t, j, id); len(jobs) != 1 {
			t.Fatalf("%d jobs for one task, want 1", len(jobs))
		}
		other := newTaskID()
		enqueue(t, db, j, other)
		if err := j.Start(t.Context(), runnerOf(j)); err != nil {
			t.Fatalf("Start: %v", err)
		}
		rec.await(t, other, 1)
		awaitState(t, j, id, rivertype.JobStateCompleted)
		enqueue(t, db, j, id) // after it completed
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(id); len(got) != 1 {
			t.Errorf("%d calls, want 1", len(got))
		}
		if jobs := jobsOf(t, j, id); len(jobs) != 1 {
			t.Errorf("%d jobs after a late insert, want 1", len(jobs))
		}
	})
}

// TestCancelPending cancels a job before any worker took it: it never
// runs, while the job of another task does. Cancelling again, or a task
// without a job, is no error.
func TestCancelPending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		rec := &recorder{}
		j := newJobs(t, db, rec, testConfig(t))
		cancelled, kept := newTaskID(), newTaskID()
		enqueue(t, db, j, cancelled)
		enqueue(t, db, j, kept)
		for range 2 {
			if err := j.CancelAnalysis(t.Context(), cancelled); err != nil {
				t.Fatalf("CancelAnalysis: %v", err)
			}
		}
		if err := j.CancelAnalysis(t.Context(), newTaskID()); err != nil {
			t.Errorf("CancelAnalysis(a task without a job): %v", err)
		}
		awaitState(t, j, cancelled, rivertype.JobStateCancelled)
		if err := j.Start(t.Context(), runnerOf(j)); err != nil {
			t.Fatalf("Start: %v", err)
		}
		rec.await(t, kept, 1)
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(cancelled); len(got) != 0 {
			t.Errorf("the cancelled job ran: %v", got)
		}
		awaitState(t, j, cancelled, rivertype.JobStateCancelled)
	})
}

// TestCancelRunning cancels a running job: its context is cancelled, and
// the job ends cancelled, not retried.
func TestCancelRunning(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		running := make(chan struct{})
		rec := &recorder{fn: func(ctx context.Context, _ call) error {
			close(running)
			<-ctx.Done()
			return ctx.Err()
		}}
		j := started(t, db, rec, testConfig(t))
		id := newTaskID()
		enqueue(t, db, j, id)
		<-running
		if err := j.CancelAnalysis(t.Context(), id); err != nil {
			t.Fatalf("CancelAnalysis: %v", err)
		}
		awaitState(t, j, id, rivertype.JobStateCancelled)
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(id); len(got) != 1 {
			t.Errorf("%d calls, want 1", len(got))
		}
	})
}

// TestCancelRunningElsewhere cancels, from a queue without workers (an API
// process), a job that another client's worker runs: the notice reaches
// the worker, whose job's context is cancelled.
func TestCancelRunningElsewhere(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		running, returned := make(chan struct{}), make(chan error, 1)
		rec := &recorder{fn: func(ctx context.Context, _ call) error {
			close(running)
			<-ctx.Done()
			returned <- ctx.Err()
			return ctx.Err()
		}}
		worker := started(t, db, rec, testConfig(t))
		apiCfg := testConfig(t)
		apiCfg.Workers = 0
		api := newJobs(t, db, nil, apiCfg)
		id := newTaskID()
		enqueue(t, db, api, id)
		<-running
		if err := api.CancelAnalysis(t.Context(), id); err != nil {
			t.Fatalf("CancelAnalysis: %v", err)
		}
		select {
		case <-returned:
		case <-time.After(20 * time.Second):
			t.Fatal("the running job was not cancelled")
		}
		awaitState(t, worker, id, rivertype.JobStateCancelled)
	})
}
