package postgres_test

import (
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/store/internal/eventtest"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// listening waits until db's listener is connected: its first connection
// wakes every subscriber, so a subscription's first wake-up says so.
func listening(t *testing.T, db *postgres.DB, taskID string) (<-chan struct{}, func()) {
	t.Helper()
	wake, cancel := db.SubscribeTask(taskID)
	t.Cleanup(cancel)
	eventtest.Woken(t, wake, "the listener's first connection")
	return wake, cancel
}

// Two DBs on one database stand for two replicas: a subscriber on one is
// woken when the other moves the task, to RUNNING and then to a final
// status in a transaction (as the core finishes tasks), and not for
// another task.
func TestTaskEventsAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	here, there := open(t, url), open(t, url)
	f := eventtest.NewTask(t, there)
	other := eventtest.NewTask(t, there)
	wake, _ := listening(t, here, f.Task.ID)
	otherWake, _ := here.SubscribeTask(other.Task.ID)

	eventtest.Move(t, there, f.Task.ID, core.TaskRunning)
	eventtest.Woken(t, wake, "RUNNING on the other replica")
	err := there.InTx(t.Context(), func(q core.Queries) error {
		eventtest.Move(t, q, f.Task.ID, core.TaskCompleted)
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	eventtest.Woken(t, wake, "COMPLETED on the other replica")
	eventtest.NotWoken(t, otherWake, "another task")
}

// A move in a transaction that rolls back is never announced: the
// notifications of one database arrive in commit order, so once the
// wake-up of a later committed move has come, one of the rolled-back move
// would have come before it.
func TestTaskEventsRollback(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	here, there := open(t, url), open(t, url)
	undone, kept := eventtest.NewTask(t, there), eventtest.NewTask(t, there)
	undoneWake, _ := listening(t, here, undone.Task.ID)
	keptWake, _ := here.SubscribeTask(kept.Task.ID)
	abort := errors.New("abort")
	err := there.InTx(t.Context(), func(q core.Queries) error {
		eventtest.Move(t, q, undone.Task.ID, core.TaskFailed)
		return abort
	})
	if !errors.Is(err, abort) {
		t.Fatalf("InTx = %v, want the abort", err)
	}
	eventtest.Move(t, there, kept.Task.ID, core.TaskFailed)
	eventtest.Woken(t, keptWake, "committed move")
	eventtest.NotWoken(t, undoneWake, "rolled-back move")
}

// terminateListener ends the backend of the listener on url's database,
// as a restart of the server or a network failure would, and fails t when
// there was none.
func terminateListener(t *testing.T, db *postgres.DB) {
	t.Helper()
	var n int
	err := db.Pool().QueryRow(t.Context(), `
		SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		 WHERE datname = current_database() AND application_name = 'clara-task-events'`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the listener: %d backends, %v; want 1", n, err)
	}
}

// The listener survives the loss of its connection: it reconnects and
// then wakes every subscriber, so that a change made while it was away is
// not lost; later changes are heard as before.
func TestTaskEventsReconnect(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	here, there := open(t, url), open(t, url) // there never subscribes: no listener
	var log logbuf.Buffer
	here.SetLogger(slog.New(slog.NewJSONHandler(&log, nil)))
	f := eventtest.NewTask(t, there)
	wake, _ := listening(t, here, f.Task.ID)
	probe, _ := here.SubscribeTask(core.NewID(core.PrefixTask)) // only a reconnection wakes it

	terminateListener(t, there)
	eventtest.Move(t, there, f.Task.ID, core.TaskRunning) // maybe while nobody listens
	eventtest.Woken(t, wake, "a move while the connection was lost")
	eventtest.Woken(t, probe, "the reconnection")
	select {
	case <-wake: // the reconnection's, when the move's came first
	default:
	}
	eventtest.Move(t, there, f.Task.ID, core.TaskCompleted)
	eventtest.Woken(t, wake, "a move after reconnecting")
	if n := listeners(t, there); n != 1 {
		t.Errorf("%d listeners connected, want 1", n)
	}
	if len(log.Lines("task events listener lost", `"level":"WARN"`)) == 0 {
		t.Errorf("the lost connection went unsaid in the logger given; log:\n%s", log.String())
	}
}

// listeners returns how many listeners are connected to db's database.
func listeners(t *testing.T, db *postgres.DB) int {
	t.Helper()
	var n int
	err := db.Pool().QueryRow(t.Context(), `
		SELECT count(*) FROM pg_stat_activity
		 WHERE datname = current_database() AND application_name = 'clara-task-events'`).Scan(&n)
	if err != nil {
		t.Fatalf("count listeners: %v", err)
	}
	return n
}

// Close stops the listener: its goroutine has ended when Close returns,
// and its backend goes. Later subscriptions start nothing.
func TestTaskEventsClose(t *testing.T) {
	url := pgtest.NewURL(t)
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	watcher := open(t, url)
	f := eventtest.NewTask(t, db)
	listening(t, db, f.Task.ID)
	if n := listeners(t, watcher); n != 1 {
		t.Fatalf("%d listeners connected, want 1", n)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	noListener(t, "after Close")
	_, cancel := db.SubscribeTask(f.Task.ID)
	cancel()
	noListener(t, "after a subscription after Close")
	deadline := time.Now().Add(eventtest.Prompt)
	for listeners(t, watcher) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listener's backend outlived Close")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// noListener fails t when a goroutine of a listener is still running a
// moment later: Close returns once the listener has closed its done
// channel, which its goroutine does on its way out.
func noListener(t *testing.T, when string) {
	t.Helper()
	deadline := time.Now().Add(eventtest.Prompt)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "(*listener)") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a listener goroutine is running %s:\n%s", when, stacks)
		}
		time.Sleep(time.Millisecond)
	}
}

// A wait on one replica returns at once the task that a worker on another
// replica completes.
func TestWatchTaskAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	here, there := open(t, url), open(t, url)
	listening(t, here, core.NewID(core.PrefixTask)) // so that only a notification can wake the wait
	eventtest.WatchAcross(t, here, here, there)
}
