package sqlq

import (
	"context"
	"fmt"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/taskjson"
)

// taskColumns are the columns of tasks that scanTask reads, in its order.
const taskColumns = `id, user_id, query, status, cost, client_key, attachments, result, error, created_at, updated_at`

// scanTask reads one row of taskColumns.
func scanTask(row Row) (core.TaskRecord, error) {
	var (
		r                core.TaskRecord
		status, atts     string
		key, result      *string
		created, updated time.Time
	)
	err := row.Scan(&r.ID, &r.UserID, &r.Query, &status, &r.Cost, &key, &atts, &result, &r.Error, &created, &updated)
	if err != nil {
		return core.TaskRecord{}, err
	}
	if r.Attachments, err = taskjson.DecodeAttachments(atts); err != nil {
		return core.TaskRecord{}, fmt.Errorf("task %s: %w", r.ID, err)
	}
	if r.Result, err = taskjson.DecodeResult(result); err != nil {
		return core.TaskRecord{}, fmt.Errorf("task %s: %w", r.ID, err)
	}
	if key != nil {
		r.ClientKey = *key
	}
	r.Status, r.CreatedAt, r.UpdatedAt = core.TaskStatus(status), created.UTC(), updated.UTC()
	return r, nil
}

// taskRow is a task as its insert binds it.
type taskRow struct {
	id   string
	args []any // the parameters $1…$11, of taskColumns
}

// CreateTask stores t and the contents of its attachments, in order: in
// one statement on PostgreSQL, in one write transaction (or under a
// savepoint of the caller's) on SQLite. A taken id, or a client key the
// user has used already, is core.CodeConflict; an unknown user is not
// found ("User"). In a transaction, a failure leaves the transaction
// usable.
func (q Queries) CreateTask(ctx context.Context, t core.TaskRecord, attachments []core.AttachmentData) error {
	atts, err := taskjson.EncodeAttachments(t.Attachments)
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	result, err := taskjson.EncodeResult(t.Result)
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	var key *string
	if t.ClientKey != "" {
		key = &t.ClientKey
	}
	row := taskRow{id: t.ID, args: []any{t.ID, t.UserID, t.Query, string(t.Status), t.Cost, key, atts, result,
		t.Error, t.CreatedAt, t.UpdatedAt}}
	return q.d.createTask(ctx, q, row, attachments)
}

// TaskByID returns the task (not found: "Task").
func (q Queries) TaskByID(ctx context.Context, id string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return core.TaskRecord{}, q.notFound(err, "Task", "get task %s", id)
	}
	return r, nil
}

// TaskByClientKey returns the user's task made with that Idempotency-Key
// (not found: "Task").
func (q Queries) TaskByClientKey(ctx context.Context, userID, key string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRow(ctx,
		`SELECT `+taskColumns+` FROM tasks WHERE user_id = $1 AND client_key = $2`, userID, key))
	if err != nil {
		return core.TaskRecord{}, q.notFound(err, "Task", "get task of user %s with key %q", userID, key)
	}
	return r, nil
}

// ListTasks lists the user's tasks, newest first (ties broken by id,
// descending), skipping offset and returning at most limit. None is an
// empty list.
func (q Queries) ListTasks(ctx context.Context, userID string, limit, offset int) ([]core.TaskRecord, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT `+taskColumns+` FROM tasks
		WHERE user_id = $1
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, q.wrap(err, "list tasks of user %s", userID)
	}
	out, err := collect(rows, scanTask)
	if err != nil {
		return nil, q.wrap(err, "list tasks of user %s", userID)
	}
	return out, nil
}

// TaskAttachments returns the task's attachments with their contents, in
// the order given; an attachment without bytes (a URL) has nil Data. An
// unknown task has none.
func (q Queries) TaskAttachments(ctx context.Context, taskID string) ([]core.AttachmentData, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT name, content_type, url, data FROM task_attachments
		WHERE task_id = $1 ORDER BY position`, taskID)
	if err != nil {
		return nil, q.wrap(err, "get attachments of task %s", taskID)
	}
	out, err := collect(rows, func(row Row) (core.AttachmentData, error) {
		var a core.AttachmentData
		err := row.Scan(&a.Name, &a.ContentType, &a.URL, &a.Data)
		if len(a.Data) == 0 {
			a.Data = nil
		}
		return a, err
	})
	if err != nil {
		return nil, q.wrap(err, "get attachments of task %s", taskID)
	}
	return out, nil
}

// PendingAttachmentBytes returns how many bytes of attachment contents the
// user's unfinished (PENDING or RUNNING) tasks hold together.
func (q Queries) PendingAttachmentBytes(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := q.conn.QueryRow(ctx, `
		SELECT COALESCE(SUM(length(a.data)), 0)
		  FROM tasks AS t JOIN task_attachments AS a ON a.task_id = t.id
		 WHERE t.user_id = $1 AND t.status IN ('PENDING', 'RUNNING')`, userID).Scan(&n)
	if err != nil {
		return 0, q.wrap(err, "sum pending attachments of user %s", userID)
	}
	return n, nil
}

// MoveTask sets the task's status to `to`, its result and error to u's and
// its updated_at to now, in one conditional update, only if its status is
// one of from; it returns the task as it is afterwards and whether it moved
// it. A move to a final status (COMPLETED, FAILED) also deletes the
// contents of the task's attachments; their descriptions stay in the task.
// A move is announced to the waits on the task (see Announcer). All of it
// happens in one transaction (its own, or the caller's under a savepoint).
// Of concurrent moves out of one status exactly one succeeds: on PostgreSQL
// a blocked UPDATE re-checks its WHERE on the row the winner committed; on
// SQLite writers take turns on the file. A task that is not in from comes
// back unchanged with false; none at all is not found ("Task").
func (q Queries) MoveTask(ctx context.Context, id string, from []core.TaskStatus, to core.TaskStatus, u core.TaskUpdate, now time.Time) (core.TaskRecord, bool, error) {
	var (
		r     core.TaskRecord
		moved bool
	)
	err := q.undoable(ctx, func(q Queries) error {
		var err error
		if r, moved, err = q.moveTask(ctx, id, from, to, u, now); err != nil || !moved {
			return err
		}
		if to.Done() {
			if _, err := q.conn.Exec(ctx, `DELETE FROM task_attachments WHERE task_id = $1`, id); err != nil {
				return q.wrap(err, "delete attachment contents of task %s", id)
			}
		}
		return q.announce(ctx, id)
	})
	if err != nil {
		return core.TaskRecord{}, false, err
	}
	return r, moved, nil
}

// moveTask is MoveTask without the deletion of attachment contents: one
// conditional update, then a read of the task when it did not move.
func (q Queries) moveTask(ctx context.Context, id string, from []core.TaskStatus, to core.TaskStatus, u core.TaskUpdate, now time.Time) (core.TaskRecord, bool, error) {
	result, err := taskjson.EncodeResult(u.Result)
	if err != nil {
		return core.TaskRecord{}, false, fmt.Errorf("move task %s to %s: %w", id, to, err)
	}
	if in, args, ok := q.d.oneOf([]any{id, string(to), result, u.Error, now}, strs(from)); ok {
		r, err := scanTask(q.conn.QueryRow(ctx, `
			UPDATE tasks SET status = $2, result = $3, error = $4, updated_at = $5
			WHERE id = $1 AND status `+in+`
			RETURNING `+taskColumns, args...))
		if err == nil {
			return r, true, nil
		}
		if !isNoRows(err) {
			return core.TaskRecord{}, false, q.wrap(err, "move task %s to %s", id, to)
		}
	}
	r, err := q.TaskByID(ctx, id)
	if err != nil {
		return core.TaskRecord{}, false, err
	}
	return r, false, nil
}
