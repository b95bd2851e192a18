package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// newTask returns a pending task of the user with a fresh id, made at t0,
// describing attachments.
func newTask(userID string, attachments ...core.AttachmentData) core.TaskRecord {
	r := core.TaskRecord{
		ID: core.NewID(core.PrefixTask), UserID: userID, Query: "Is the moon made of cheese?",
		Status: core.TaskPending, Cost: 10, CreatedAt: t0, UpdatedAt: t0,
	}
	for _, a := range attachments {
		r.Attachments = append(r.Attachments, a.Info())
	}
	return r
}

// createTask stores r with attachments and fails t on an error.
func createTask(t *testing.T, q core.Queries, r core.TaskRecord, attachments ...core.AttachmentData) core.TaskRecord {
	t.Helper()
	if err := q.CreateTask(t.Context(), r, attachments); err != nil {
		t.Fatalf("CreateTask(%s): %v", r.ID, err)
	}
	return r
}

// requireTask checks that got is want as stored: every field equal, the
// times in UTC, to the microsecond.
func requireTask(t *testing.T, what string, got, want core.TaskRecord) {
	t.Helper()
	requireTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	requireTime(t, what+".UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n\t%s\nwant\n\t%s", what, showTask(got), showTask(want))
	}
}

// showTask prints r with its result dereferenced.
func showTask(r core.TaskRecord) string {
	res := "<nil>"
	if r.Result != nil {
		res = fmt.Sprintf("%+v", *r.Result)
	}
	r.Result = nil
	return fmt.Sprintf("%+v Result=%s", r, res)
}

// getTask reads the task back and fails t on an error.
func getTask(t *testing.T, q core.Queries, id string) core.TaskRecord {
	t.Helper()
	r, err := q.TaskByID(t.Context(), id)
	if err != nil {
		t.Fatalf("TaskByID(%s): %v", id, err)
	}
	return r
}

// testTasksRoundTrip stores tasks and reads them back by id and by client
// key; missing ones are not found, an unknown user's task is refused.
func testTasksRoundTrip(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	plain := createTask(t, db, newTask(u.ID))
	requireTask(t, "TaskByID", getTask(t, db, plain.ID), plain)

	keyed := newTask(u.ID, core.AttachmentData{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")})
	keyed.ClientKey, keyed.Query = "idem-1", "Ünïcode — “quotes” and emoji 🧀"
	keyed.UpdatedAt = t0.Add(time.Second + 500*time.Nanosecond)
	createTask(t, db, keyed, core.AttachmentData{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")})
	requireTask(t, "TaskByID(keyed)", getTask(t, db, keyed.ID), keyed)
	got, err := db.TaskByClientKey(ctx, u.ID, "idem-1")
	if err != nil {
		t.Fatalf("TaskByClientKey: %v", err)
	}
	requireTask(t, "TaskByClientKey", got, keyed)

	_, err = db.TaskByID(ctx, "task_00000000000000000000000000000000")
	requireCode(t, "TaskByID(unknown)", err, core.CodeNotFound, "Task")
	_, err = db.TaskByClientKey(ctx, u.ID, "idem-2")
	requireCode(t, "TaskByClientKey(unknown key)", err, core.CodeNotFound, "Task")
	_, err = db.TaskByClientKey(ctx, newAccount(t, db).ID, "idem-1")
	requireCode(t, "TaskByClientKey(another user)", err, core.CodeNotFound, "Task")
	_, err = db.TaskByClientKey(ctx, u.ID, "")
	requireCode(t, "TaskByClientKey(empty key)", err, core.CodeNotFound, "Task")
	orphan := newTask("user_00000000000000000000000000000000")
	requireCode(t, "CreateTask of an unknown user", db.CreateTask(ctx, orphan, nil), core.CodeNotFound, "User")
	requireCode(t, "CreateTask with a taken id", db.CreateTask(ctx, plain, nil), core.CodeConflict)
}

// testTasksAttachments stores attachments with binary contents (NULs,
// every byte value, 1 MiB) and URLs, and reads them back in order.
func testTasksAttachments(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	big := bytes.Repeat([]byte("\x00\xffclara\x00"), 1<<20/8)
	atts := []core.AttachmentData{
		{Name: "z-first.bin", ContentType: "application/octet-stream", Data: []byte("\x00\x00nul\x00")},
		{Name: "every.bin", ContentType: "application/octet-stream", Data: every},
		{Name: "page.html", ContentType: "text/html", URL: "https://example.com/a?b=c"},
		{Name: "big.bin", ContentType: "application/octet-stream", Data: big},
		{Name: "a-last.txt", ContentType: "text/plain", Data: []byte("last")},
	}
	r := createTask(t, db, newTask(u.ID, atts...), atts...)
	got, err := db.TaskAttachments(ctx, r.ID)
	if err != nil {
		t.Fatalf("TaskAttachments: %v", err)
	}
	if len(got) != len(atts) {
		t.Fatalf("TaskAttachments: %d attachments, want %d", len(got), len(atts))
	}
	for i, a := range got {
		want := atts[i]
		if a.Name != want.Name || a.ContentType != want.ContentType || a.URL != want.URL {
			t.Errorf("attachment %d = %s %s %s, want %s %s %s", i, a.Name, a.ContentType, a.URL, want.Name, want.ContentType, want.URL)
		}
		if !bytes.Equal(a.Data, want.Data) {
			t.Errorf("attachment %d (%s): %d bytes differ from the %d stored", i, want.Name, len(a.Data), len(want.Data))
		}
	}
	if got[2].Data != nil {
		t.Errorf("URL attachment: Data = %q, want nil", got[2].Data)
	}
	stored := getTask(t, db, r.ID)
	requireTask(t, "TaskByID", stored, r)
	if stored.Attachments[3].Size != 1<<20 {
		t.Errorf("big attachment size = %d, want %d", stored.Attachments[3].Size, 1<<20)
	}

	bare := createTask(t, db, newTask(u.ID))
	for _, id := range []string{bare.ID, "task_00000000000000000000000000000000"} {
		if got, err := db.TaskAttachments(ctx, id); err != nil || len(got) != 0 {
			t.Errorf("TaskAttachments(%s) = %d attachments, %v; want none", id, len(got), err)
		}
	}
}

// testTasksClientKey checks that a client key names one task per user:
// reused by the same user it is a conflict, which in a transaction leaves
// the transaction usable; other users and tasks without a key are free.
func testTasksClientKey(t *testing.T, db store.DB) {
	ctx := t.Context()
	u, v := newAccount(t, db), newAccount(t, db)
	first := newTask(u.ID)
	first.ClientKey = "key"
	createTask(t, db, first)
	dup := newTask(u.ID)
	dup.ClientKey = "key"
	requireCode(t, "CreateTask with a taken client key", db.CreateTask(ctx, dup, nil), core.CodeConflict)
	other := newTask(v.ID)
	other.ClientKey = "key"
	createTask(t, db, other)
	for range 2 {
		createTask(t, db, newTask(u.ID)) // no key: never a conflict
	}

	after := newTask(u.ID)
	err := db.InTx(ctx, func(q core.Queries) error {
		requireCode(t, "CreateTask with a taken client key in a transaction",
			q.CreateTask(ctx, dup, []core.AttachmentData{{Name: "x", Data: []byte("x")}}), core.CodeConflict)
		return q.CreateTask(ctx, after, nil)
	})
	if err != nil {
		t.Fatalf("InTx after a conflict: %v", err)
	}
	requireTask(t, "task created after a conflict", getTask(t, db, after.ID), after)
	_, err = db.TaskByID(ctx, dup.ID)
	requireCode(t, "TaskByID(the refused task)", err, core.CodeNotFound, "Task")
	if got, err := db.TaskAttachments(ctx, dup.ID); err != nil || len(got) != 0 {
		t.Errorf("TaskAttachments(the refused task) = %d, %v; want none", len(got), err)
	}
}

// testTasksRollback checks that a task created in a rolled-back
// transaction leaves nothing, attachments included.
func testTasksRollback(t *testing.T, db store.DB) {
	ctx := t.Context()
	r := newTask(newAccount(t, db).ID)
	err := db.InTx(ctx, func(q core.Queries) error {
		createTask(t, q, r, core.AttachmentData{Name: "a.txt", Data: []byte("a")})
		requireTask(t, "TaskByID in the transaction", getTask(t, q, r.ID), r)
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("InTx = %v, want errAbort", err)
	}
	_, err = db.TaskByID(ctx, r.ID)
	requireCode(t, "TaskByID after rollback", err, core.CodeNotFound, "Task")
	if got, err := db.TaskAttachments(ctx, r.ID); err != nil || len(got) != 0 {
		t.Errorf("TaskAttachments after rollback = %d, %v; want none", len(got), err)
	}
}

// testTasksListing lists a user's tasks newest first, ties broken by id
// (descending), page by page, without other users' tasks.
func testTasksListing(t *testing.T, db store.DB) {
	ctx := t.Context()
	u := newAccount(t, db)
	createTask(t, db, newTask(newAccount(t, db).ID)) // another user's
	var want []core.TaskRecord
	for i := range 7 {
		r := newTask(u.ID)
		r.CreatedAt = t0.Add(time.Duration(i/2) * time.Minute) // pairs share a time
		r.Query = fmt.Sprintf("query %d", i)
		want = append(want, createTask(t, db, r))
	}
	// Newest first; equal times by id, descending.
	sortTasks(want)
	for _, page := range []struct{ limit, offset int }{{100, 0}, {3, 0}, {3, 3}, {3, 6}, {3, 7}, {2, 1}} {
		got, err := db.ListTasks(ctx, u.ID, page.limit, page.offset)
		if err != nil {
			t.Fatalf("ListTasks(%d, %d): %v", page.limit, page.offset, err)
		}
		end := min(page.offset+page.limit, len(want))
		wantPage := want[min(page.offset, len(want)):end]
		if len(got) != len(wantPage) {
			t.Fatalf("ListTasks(%d, %d): %d tasks, want %d", page.limit, page.offset, len(got), len(wantPage))
		}
		for i := range got {
			requireTask(t, fmt.Sprintf("ListTasks(%d, %d)[%d]", page.limit, page.offset, i), got[i], wantPage[i])
		}
	}
	got, err := db.ListTasks(ctx, newAccount(t, db).ID, 10, 0)
	if err != nil || len(got) != 0 {
		t.Errorf("ListTasks(a user without tasks) = %d, %v; want none", len(got), err)
	}
}

// sortTasks orders tasks newest first, ties by id descending.
func sortTasks(rs []core.TaskRecord) {
	slices.SortFunc(rs, func(a, b core.TaskRecord) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}
