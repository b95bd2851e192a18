package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/taskjson"
)

// taskColumns are the columns of tasks that scanTask reads, in its order.
const taskColumns = `id, user_id, query, status, cost, client_key, attachments, result, error, created_at, updated_at`

// scanTask reads one row of taskColumns.
func scanTask(row rowScanner) (core.TaskRecord, error) {
	var (
		r            core.TaskRecord
		status, atts string
		key, result  *string
	)
	err := row.Scan(&r.ID, &r.UserID, &r.Query, &status, &r.Cost, &key, &atts, &result, &r.Error,
		scanTime(&r.CreatedAt), scanTime(&r.UpdatedAt))
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
	r.Status = core.TaskStatus(status)
	return r, nil
}

// CreateTask stores t and the contents of its attachments, in order, in
// one write transaction (or under a savepoint of the caller's). A taken id,
// or a client key the user has used already, is core.CodeConflict; an
// unknown user is not found ("User"). In a transaction, a failure leaves
// the transaction usable.
func (q queries) CreateTask(ctx context.Context, t core.TaskRecord, attachments []core.AttachmentData) error {
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
	err = q.undoable(ctx, func(q queries) error {
		_, err := q.conn.ExecContext(ctx, `
			INSERT INTO tasks (`+taskColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			t.ID, t.UserID, t.Query, string(t.Status), t.Cost, key, atts, result, t.Error,
			toText(t.CreatedAt), toText(t.UpdatedAt))
		if err != nil {
			return wrap(err, "insert task")
		}
		for i, a := range attachments {
			_, err := q.conn.ExecContext(ctx, `
				INSERT INTO task_attachments (task_id, position, name, content_type, url, data)
				VALUES ($1, $2, $3, $4, $5, COALESCE($6, X''))`,
				t.ID, i, a.Name, a.ContentType, a.URL, a.Data)
			if err != nil {
				return wrap(err, "insert attachment %d", i)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	return nil
}

// TaskByID returns the task (not found: "Task").
func (q queries) TaskByID(ctx context.Context, id string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return core.TaskRecord{}, notFound(err, "Task", "get task %s", id)
	}
	return r, nil
}

// TaskByClientKey returns the user's task made with that Idempotency-Key
// (not found: "Task").
func (q queries) TaskByClientKey(ctx context.Context, userID, key string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRowContext(ctx,
		`SELECT `+taskColumns+` FROM tasks WHERE user_id = $1 AND client_key = $2`, userID, key))
	if err != nil {
		return core.TaskRecord{}, notFound(err, "Task", "get task of user %s with key %q", userID, key)
	}
	return r, nil
}

// ListTasks lists the user's tasks, newest first (ties broken by id,
// descending), skipping offset and returning at most limit. None is an
// empty list.
func (q queries) ListTasks(ctx context.Context, userID string, limit, offset int) ([]core.TaskRecord, error) {
	rows, err := q.conn.QueryContext(ctx, `
		SELECT `+taskColumns+` FROM tasks
		WHERE user_id = $1
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, wrap(err, "list tasks of user %s", userID)
	}
	defer rows.Close()
	out := []core.TaskRecord{}
	for rows.Next() {
		r, err := scanTask(rows)
		if err != nil {
			return nil, wrap(err, "list tasks of user %s", userID)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list tasks of user %s", userID)
	}
	return out, nil
}

// TaskAttachments returns the task's attachments with their contents, in
// the order given; an attachment without bytes (a URL) has nil Data. An
// unknown task has none.
func (q queries) TaskAttachments(ctx context.Context, taskID string) ([]core.AttachmentData, error) {
	rows, err := q.conn.QueryContext(ctx, `
		SELECT name, content_type, url, data FROM task_attachments
		WHERE task_id = $1 ORDER BY position`, taskID)
	if err != nil {
		return nil, wrap(err, "get attachments of task %s", taskID)
	}
	defer rows.Close()
	out := []core.AttachmentData{}
	for rows.Next() {
		var a core.AttachmentData
		if err := rows.Scan(&a.Name, &a.ContentType, &a.URL, &a.Data); err != nil {
			return nil, wrap(err, "get attachments of task %s", taskID)
		}
		if len(a.Data) == 0 {
			a.Data = nil
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "get attachments of task %s", taskID)
	}
	return out, nil
}

// MoveTask sets the task's status to `to`, its result and error to u's and
// its updated_at to now, in one conditional update, only if its status is
// one of from; it returns the task as it is afterwards and whether it moved
// it. Writers take turns on the file, so of concurrent moves out of one
// status exactly one succeeds. A task that is not in from comes back
// unchanged with false; none at all is not found ("Task").
func (q queries) MoveTask(ctx context.Context, id string, from []core.TaskStatus, to core.TaskStatus, u core.TaskUpdate, now time.Time) (core.TaskRecord, bool, error) {
	result, err := taskjson.EncodeResult(u.Result)
	if err != nil {
		return core.TaskRecord{}, false, fmt.Errorf("move task %s to %s: %w", id, to, err)
	}
	if len(from) > 0 {
		args := []any{id, string(to), result, u.Error, toText(now)}
		marks := make([]string, len(from))
		for i, s := range from {
			args = append(args, string(s))
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		r, err := scanTask(q.conn.QueryRowContext(ctx, `
			UPDATE tasks SET status = $2, result = $3, error = $4, updated_at = $5
			WHERE id = $1 AND status IN (`+strings.Join(marks, ", ")+`)
			RETURNING `+taskColumns, args...))
		if err == nil {
			return r, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return core.TaskRecord{}, false, wrap(err, "move task %s to %s", id, to)
		}
	}
	r, err := q.TaskByID(ctx, id)
	if err != nil {
		return core.TaskRecord{}, false, err
	}
	return r, false, nil
}
