package storetest

import (
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// requireContents checks how many attachments with contents the task
// still has in the store.
func requireContents(t *testing.T, q core.Queries, what, taskID string, want int) {
	t.Helper()
	got, err := q.TaskAttachments(t.Context(), taskID)
	if err != nil {
		t.Fatalf("%s: TaskAttachments: %v", what, err)
	}
	if len(got) != want {
		t.Errorf("%s: TaskAttachments = %d attachments, want %d", what, len(got), want)
	}
}

// move moves the task from its active states to `to` through q and
// requires it to move.
func move(t *testing.T, q core.Queries, id string, to core.TaskStatus, u core.TaskUpdate) core.TaskRecord {
	t.Helper()
	active := []core.TaskStatus{core.TaskPending, core.TaskRunning}
	got, moved, err := q.MoveTask(t.Context(), id, active, to, u, t0.Add(time.Minute))
	if err != nil || !moved {
		t.Fatalf("MoveTask(%s → %s) = %v, %v; want moved", id, to, moved, err)
	}
	return got
}

// testTasksFinalDropsContents checks that a move to COMPLETED or FAILED
// deletes the contents of the task's attachments and keeps their names,
// types and sizes in the task, while a move to RUNNING keeps them; and
// that the deletion belongs to the move's transaction.
func testTasksFinalDropsContents(t *testing.T, db store.DB) {
	u := newAccount(t, db)
	atts := []core.AttachmentData{
		{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 a")},
		{Name: "page.html", ContentType: "text/html", URL: "https://example.com/"},
		{Name: "b.txt", ContentType: "text/plain", Data: []byte("bee")},
	}
	for _, to := range []core.TaskStatus{core.TaskCompleted, core.TaskFailed} {
		r := createTask(t, db, newTask(u.ID, atts...), atts...)
		move(t, db, r.ID, core.TaskRunning, core.TaskUpdate{})
		requireContents(t, db, "RUNNING", r.ID, len(atts))
		got := move(t, db, r.ID, to, core.TaskUpdate{Error: "why"})
		requireContents(t, db, string(to), r.ID, 0)
		for _, rec := range []core.TaskRecord{got, getTask(t, db, r.ID)} {
			if len(rec.Attachments) != 3 || rec.Attachments[0] != atts[0].Info() ||
				rec.Attachments[1] != atts[1].Info() || rec.Attachments[2] != atts[2].Info() {
				t.Errorf("%s: attachments = %+v, want the descriptions of %d", to, rec.Attachments, len(atts))
			}
		}
	}
	// Straight from PENDING, inside a transaction that then fails: the
	// contents come back with the status.
	r := createTask(t, db, newTask(u.ID, atts...), atts...)
	err := db.InTx(t.Context(), func(q core.Queries) error {
		move(t, q, r.ID, core.TaskFailed, core.TaskUpdate{Error: "cancelled"})
		requireContents(t, q, "FAILED in the transaction", r.ID, 0)
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("InTx = %v, want errAbort", err)
	}
	if got := getTask(t, db, r.ID); got.Status != core.TaskPending {
		t.Errorf("status after rollback = %s, want PENDING", got.Status)
	}
	requireContents(t, db, "after rollback", r.ID, len(atts))
	// A move that does not happen keeps them; a committed one drops them.
	if _, moved, err := db.MoveTask(t.Context(), r.ID, []core.TaskStatus{core.TaskRunning}, core.TaskFailed,
		core.TaskUpdate{}, t0); err != nil || moved {
		t.Fatalf("MoveTask from RUNNING of a PENDING task = %v, %v; want not moved", moved, err)
	}
	requireContents(t, db, "after a move that did not happen", r.ID, len(atts))
	err = db.InTx(t.Context(), func(q core.Queries) error {
		move(t, q, r.ID, core.TaskFailed, core.TaskUpdate{Error: "cancelled"})
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	requireContents(t, db, "FAILED in a committed transaction", r.ID, 0)
}

// testTasksPendingBytes checks PendingAttachmentBytes: the contents of the
// user's PENDING and RUNNING tasks only, not finished ones, nor URLs, nor
// other users'.
func testTasksPendingBytes(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, other := newAccount(t, db), newAccount(t, db)
	requirePending := func(what string, want int64) {
		t.Helper()
		got, err := db.PendingAttachmentBytes(ctx, u.ID)
		if err != nil || got != want {
			t.Errorf("%s: PendingAttachmentBytes = %d, %v; want %d", what, got, err, want)
		}
	}
	requirePending("no tasks", 0)
	ten := core.AttachmentData{Name: "ten.txt", Data: []byte("0123456789")}
	url := core.AttachmentData{Name: "page.html", URL: "https://example.com/"}
	big := core.AttachmentData{Name: "big.bin", Data: make([]byte, 1<<20)}
	a := createTask(t, db, newTask(u.ID, ten, url), ten, url)
	b := createTask(t, db, newTask(u.ID, big), big)
	createTask(t, db, newTask(u.ID))
	createTask(t, db, newTask(other.ID, big), big)
	requirePending("two pending", 10+1<<20)
	move(t, db, b.ID, core.TaskRunning, core.TaskUpdate{})
	requirePending("one running", 10+1<<20)
	move(t, db, b.ID, core.TaskCompleted, core.TaskUpdate{})
	requirePending("one completed", 10)
	move(t, db, a.ID, core.TaskFailed, core.TaskUpdate{Error: "why"})
	requirePending("all finished", 0)
	if got, err := db.PendingAttachmentBytes(ctx, "user_00000000000000000000000000000000"); err != nil || got != 0 {
		t.Errorf("PendingAttachmentBytes(unknown user) = %d, %v; want 0", got, err)
	}
}
