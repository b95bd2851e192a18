package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/eventtest"
)

// A committed move wakes the task's subscribers in this process, whether
// it ran on the database or in a transaction; a move whose transaction
// rolls back, or a move of another task, wakes nobody. The wake-ups of a
// transaction go out in its commit, so they are there when InTx returns.
func TestTaskEvents(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "clara.db"))
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	f, other := eventtest.NewTask(t, db), eventtest.NewTask(t, db)
	wake, cancel := db.SubscribeTask(f.Task.ID)
	defer cancel()
	otherWake, cancelOther := db.SubscribeTask(other.Task.ID)
	defer cancelOther()

	eventtest.Move(t, db, f.Task.ID, core.TaskRunning)
	eventtest.Woken(t, wake, "RUNNING")
	abort := errors.New("abort")
	err := db.InTx(t.Context(), func(q core.Queries) error {
		eventtest.Move(t, q, f.Task.ID, core.TaskCompleted)
		eventtest.NotWoken(t, wake, "COMPLETED before the commit")
		return abort
	})
	if !errors.Is(err, abort) {
		t.Fatalf("InTx = %v, want the abort", err)
	}
	eventtest.NotWoken(t, wake, "rolled-back move")
	err = db.InTx(t.Context(), func(q core.Queries) error {
		eventtest.Move(t, q, f.Task.ID, core.TaskCompleted)
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	eventtest.NotWoken(t, otherWake, "another task")
	eventtest.Woken(t, wake, "COMPLETED")
}

// A wait returns at once the task that another Service on the same store
// (the workers of the process) completes.
func TestWatchTaskWoken(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "clara.db"))
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	eventtest.WatchAcross(t, db, db, db)
}
