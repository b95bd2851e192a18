package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// sampleResult returns a verdict with every field set, with text that JSON
// must escape (a NUL, quotes, non-ASCII) and a confidence that is no short
// decimal.
func sampleResult() *core.AnalysisResult {
	src := []core.Source{
		{Title: "Moon – Wikipedia", URL: "https://en.wikipedia.org/wiki/Moon"},
		{Title: "notes.pdf", URL: "attachment:notes.pdf"},
	}
	return &core.AnalysisResult{
		Claims: []core.ClaimCheck{
			{Claim: "The moon is made of cheese.", Explanation: "Rock samples say \"no\".\nSee [1].",
				Sources: src[:1], Verdict: "FALSE"},
			{Claim: "Nul \x00 and emoji 🧀", Explanation: "", Sources: []core.Source{}, Verdict: "UNVERIFIABLE"},
		},
		Confidence: 0.1 + 0.2,
		Model:      "anthropic/claude-sonnet-4-5",
		Sources:    src,
		Summary:    "Mostly <b>false</b> & then some — «ünïcode».",
		Verdict:    "MOSTLY_FALSE",
	}
}

// testTasksMove moves a task between states: only from one of the given
// states, with u's result and error and updated_at set; a task in none of
// them comes back unchanged.
func testTasksMove(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	active := []core.TaskStatus{core.TaskPending, core.TaskRunning}
	move := func(r *core.TaskRecord, from []core.TaskStatus, to core.TaskStatus, up core.TaskUpdate, now time.Time, want bool) {
		t.Helper()
		got, moved, err := db.MoveTask(ctx, r.ID, from, to, up, now)
		if err != nil {
			t.Fatalf("MoveTask(%v → %s): %v", from, to, err)
		}
		if moved != want {
			t.Errorf("MoveTask(%v → %s) moved %v, want %v", from, to, moved, want)
		}
		if moved {
			r.Status, r.Result, r.Error, r.UpdatedAt = to, up.Result, up.Error, now
		}
		requireTask(t, "MoveTask", got, *r)
		requireTask(t, "TaskByID after MoveTask", getTask(t, db, r.ID), *r)
	}

	a := createTask(t, db, newTask(u.ID))
	move(&a, []core.TaskStatus{core.TaskPending}, core.TaskRunning, core.TaskUpdate{}, t0.Add(time.Minute), true)
	move(&a, []core.TaskStatus{core.TaskPending}, core.TaskRunning, core.TaskUpdate{}, t0.Add(2*time.Minute), false)
	move(&a, active, core.TaskRunning, core.TaskUpdate{}, t0.Add(3*time.Minute), true) // a retry
	move(&a, active, core.TaskCompleted, core.TaskUpdate{Result: sampleResult()}, t0.Add(4*time.Minute), true)
	move(&a, active, core.TaskFailed, core.TaskUpdate{Error: "late"}, t0.Add(5*time.Minute), false)
	move(&a, nil, core.TaskFailed, core.TaskUpdate{Error: "none"}, t0.Add(6*time.Minute), false)

	b := createTask(t, db, newTask(u.ID))
	move(&b, active, core.TaskFailed, core.TaskUpdate{Error: "Cancelled at the user's request."}, t0.Add(time.Minute), true)
	move(&b, active, core.TaskCompleted, core.TaskUpdate{Result: sampleResult()}, t0.Add(2*time.Minute), false)

	_, _, err := db.MoveTask(ctx, "task_00000000000000000000000000000000", active, core.TaskRunning, core.TaskUpdate{}, t0)
	requireCode(t, "MoveTask(unknown)", err, core.CodeNotFound, "Task")
	_, _, err = db.MoveTask(ctx, "task_00000000000000000000000000000000", nil, core.TaskRunning, core.TaskUpdate{}, t0)
	requireCode(t, "MoveTask(unknown, from none)", err, core.CodeNotFound, "Task")
}

// testTasksMoveInTx moves a task in a transaction: the move is visible
// inside it and undone by its rollback.
func testTasksMoveInTx(t *testing.T, db store.DB) {
	ctx := t.Context()
	r := createTask(t, db, newTask(newAccount(t, db).ID))
	err := db.InTx(ctx, func(q core.Queries) error {
		got, moved, err := q.MoveTask(ctx, r.ID, []core.TaskStatus{core.TaskPending}, core.TaskRunning, core.TaskUpdate{}, t0.Add(time.Hour))
		if err != nil || !moved || got.Status != core.TaskRunning {
			t.Errorf("MoveTask in a transaction = %s, %v, %v; want RUNNING, true", got.Status, moved, err)
		}
		if got := getTask(t, q, r.ID); got.Status != core.TaskRunning {
			t.Errorf("TaskByID in the transaction: status %s, want RUNNING", got.Status)
		}
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("InTx = %v, want errAbort", err)
	}
	requireTask(t, "TaskByID after rollback", getTask(t, db, r.ID), r)
}

// testTasksMoveConcurrent moves one pending task to RUNNING from 20
// goroutines at once: exactly one moves it, and every other sees it
// RUNNING.
func testTasksMoveConcurrent(t *testing.T, db store.DB) {
	const n = 20
	r := createTask(t, db, newTask(newAccount(t, db).ID))
	var moved atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			got, ok, err := db.MoveTask(t.Context(), r.ID, []core.TaskStatus{core.TaskPending}, core.TaskRunning,
				core.TaskUpdate{}, t0.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Errorf("MoveTask %d: %v", i, err)
				return
			}
			if ok {
				moved.Add(1)
			}
			if got.Status != core.TaskRunning {
				t.Errorf("MoveTask %d returned status %s, want RUNNING", i, got.Status)
			}
		})
	}
	close(start)
	wg.Wait()
	if moved.Load() != 1 {
		t.Errorf("%d moves succeeded, want 1", moved.Load())
	}
}

// testTasksResult round-trips a verdict exactly, through CreateTask and
// through MoveTask, and clears it with a move that has none.
func testTasksResult(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	r := newTask(u.ID)
	r.Status, r.Result = core.TaskCompleted, sampleResult()
	createTask(t, db, r)
	requireTask(t, "TaskByID(created with a result)", getTask(t, db, r.ID), r)

	empty := newTask(u.ID)
	empty.Status, empty.Result = core.TaskCompleted, &core.AnalysisResult{}
	createTask(t, db, empty)
	requireTask(t, "TaskByID(empty result)", getTask(t, db, empty.ID), empty)

	m := createTask(t, db, newTask(u.ID))
	got, moved, err := db.MoveTask(ctx, m.ID, []core.TaskStatus{core.TaskPending}, core.TaskCompleted,
		core.TaskUpdate{Result: sampleResult()}, t0.Add(time.Minute))
	if err != nil || !moved {
		t.Fatalf("MoveTask = %v, %v; want true", moved, err)
	}
	m.Status, m.Result, m.UpdatedAt = core.TaskCompleted, sampleResult(), t0.Add(time.Minute)
	requireTask(t, "MoveTask with a result", got, m)
	requireTask(t, "TaskByID after MoveTask with a result", getTask(t, db, m.ID), m)

	got, moved, err = db.MoveTask(ctx, m.ID, []core.TaskStatus{core.TaskCompleted}, core.TaskFailed,
		core.TaskUpdate{Error: "why"}, t0.Add(2*time.Minute))
	if err != nil || !moved {
		t.Fatalf("MoveTask to FAILED = %v, %v; want true", moved, err)
	}
	if got.Result != nil || got.Error != "why" {
		t.Errorf("MoveTask without a result: Result %v, Error %q; want nil, \"why\"", got.Result, got.Error)
	}
}
