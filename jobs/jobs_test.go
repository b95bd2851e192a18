package jobs

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// createTask stores a user and a pending task of it through q and returns
// the task's id.
func createTask(t *testing.T, q core.Queries) string {
	t.Helper()
	id, err := insertTask(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// insertTask is createTask for goroutines other than the test's.
func insertTask(ctx context.Context, q core.Queries) (string, error) {
	now := time.Now()
	u := core.User{ID: core.NewID(core.PrefixUser), FirstName: "Ada", CreatedAt: core.Timestamp(now), UpdatedAt: core.Timestamp(now)}
	u.Email = u.ID + "@example.com"
	if err := q.CreateUser(ctx, u, core.NewID(core.PrefixAPIKey)); err != nil {
		return "", fmt.Errorf("CreateUser: %w", err)
	}
	r := core.TaskRecord{ID: newTaskID(), UserID: u.ID, Query: "q", Status: core.TaskPending, Cost: 1, CreatedAt: now, UpdatedAt: now}
	if err := q.CreateTask(ctx, r, []core.AttachmentData{{Name: "a.txt", Data: []byte("a")}}); err != nil {
		return "", fmt.Errorf("CreateTask: %w", err)
	}
	return r.ID, nil
}

// TestCommittedJobRunsOnce creates a task and its job in one committed
// transaction: the job runs once, not on its last attempt, and completes.
func TestCommittedJobRunsOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		rec := &recorder{}
		j := started(t, db, rec, testConfig(t))
		var id string
		err := db.InTx(t.Context(), func(q core.Queries) error {
			id = createTask(t, q)
			return j.EnqueueAnalysis(t.Context(), q, id)
		})
		if err != nil {
			t.Fatalf("InTx: %v", err)
		}
		if got := rec.await(t, id, 1); !reflect.DeepEqual(got, []call{{id, false}}) {
			t.Errorf("calls = %v, want one, not the last attempt", got)
		}
		awaitState(t, j, id, rivertype.JobStateCompleted)
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(id); len(got) != 1 {
			t.Errorf("%d calls, want 1", len(got))
		}
	})
}

// TestRolledBackJobNeverRuns inserts a job in a transaction that rolls
// back: it never exists, so never runs, while a later committed job does.
func TestRolledBackJobNeverRuns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		rec := &recorder{}
		j := started(t, db, rec, testConfig(t))
		var gone string
		err := db.InTx(t.Context(), func(q core.Queries) error {
			gone = createTask(t, q)
			if err := j.EnqueueAnalysis(t.Context(), q, gone); err != nil {
				t.Errorf("EnqueueAnalysis: %v", err)
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("InTx = %v, want errAbort", err)
		}
		kept := newTaskID()
		enqueue(t, db, j, kept)
		rec.await(t, kept, 1)
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(gone); len(got) != 0 {
			t.Errorf("the rolled-back job ran: %v", got)
		}
		if jobs := jobsOf(t, j, gone); len(jobs) != 0 {
			t.Errorf("the rolled-back job exists: %d jobs", len(jobs))
		}
	})
}

// TestEnqueueNeedsTransaction refuses to insert a job outside a store
// transaction.
func TestEnqueueNeedsTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		j := newJobs(t, db, &recorder{}, testConfig(t))
		if err := j.EnqueueAnalysis(t.Context(), db, newTaskID()); !errors.Is(err, store.ErrJobNotInTx) {
			t.Errorf("EnqueueAnalysis outside a transaction = %v, want store.ErrJobNotInTx", err)
		}
	})
}

// TestRetries fails every attempt: the job runs MaxAttempts times, only the
// last one with lastAttempt, and is discarded.
func TestRetries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		rec := &recorder{fn: func(context.Context, call) error { return core.Transient(errors.New("model busy")) }}
		j := started(t, db, rec, testConfig(t))
		id := newTaskID()
		enqueue(t, db, j, id)
		want := []call{{id, false}, {id, false}, {id, true}}
		if got := rec.await(t, id, 3); !reflect.DeepEqual(got, want) {
			t.Errorf("calls = %v, want %v", got, want)
		}
		job := awaitState(t, j, id, rivertype.JobStateDiscarded)
		if job.Attempt != 3 || len(job.Errors) != 3 {
			t.Errorf("discarded job: attempt %d, %d errors; want 3, 3", job.Attempt, len(job.Errors))
		}
		time.Sleep(300 * time.Millisecond)
		if got := rec.of(id); len(got) != 3 {
			t.Errorf("%d calls, want 3", len(got))
		}
	})
}

// TestRetrySucceeds fails the first attempt only: the second, not the
// last, completes the job.
func TestRetrySucceeds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		var attempts atomic.Int32
		rec := &recorder{fn: func(context.Context, call) error {
			if attempts.Add(1) == 1 {
				return errors.New("first attempt fails")
			}
			return nil
		}}
		j := started(t, db, rec, testConfig(t))
		id := newTaskID()
		enqueue(t, db, j, id)
		if got := rec.await(t, id, 2); !reflect.DeepEqual(got, []call{{id, false}, {id, false}}) {
			t.Errorf("calls = %v, want two, neither the last attempt", got)
		}
		awaitState(t, j, id, rivertype.JobStateCompleted)
	})
}

// TestManyTasksConcurrently creates tasks and their jobs from many
// goroutines while workers run them, each run writing to the store as
// core.Service.RunTask does: every task runs once and completes, with no
// lock errors (SQLite: River shares the store's connections).
func TestManyTasksConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db store.DB) {
		const n = 30
		var runErrs atomic.Int32
		rec := &recorder{fn: func(ctx context.Context, c call) error {
			pending := []core.TaskStatus{core.TaskPending, core.TaskRunning}
			if _, _, err := db.MoveTask(ctx, c.TaskID, pending, core.TaskRunning, core.TaskUpdate{}, time.Now()); err != nil {
				runErrs.Add(1)
				return err
			}
			return db.InTx(ctx, func(q core.Queries) error {
				_, _, err := q.MoveTask(ctx, c.TaskID, pending, core.TaskCompleted,
					core.TaskUpdate{Result: &core.AnalysisResult{Verdict: "TRUE"}}, time.Now())
				if err != nil {
					runErrs.Add(1)
				}
				return err
			})
		}}
		cfg := testConfig(t)
		cfg.Workers = 4
		j := started(t, db, rec, cfg)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := db.InTx(t.Context(), func(q core.Queries) error {
					var err error
					if ids[i], err = insertTask(t.Context(), q); err != nil {
						return err
					}
					return j.EnqueueAnalysis(t.Context(), q, ids[i])
				})
				if err != nil {
					t.Errorf("InTx %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			if got := rec.await(t, id, 1); len(got) != 1 {
				t.Errorf("task %s ran %d times", id, len(got))
			}
			eventually(t, func() bool {
				r, err := db.TaskByID(t.Context(), id)
				return err == nil && r.Status == core.TaskCompleted
			}, "task %s to complete", id)
		}
		if runErrs.Load() != 0 {
			t.Errorf("%d store errors in runs", runErrs.Load())
		}
	})
}
