package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/taskjson"
)

// taskColumns are the columns of tasks that scanTask reads, in its order.
const taskColumns = `id, user_id, query, status, cost, client_key, attachments, result, error, created_at, updated_at`

// createTaskSQL stores a task and its attachments in one statement: the
// insert of the task is a data-modifying CTE, which runs even when there
// are no attachments, and the attachments come from parallel arrays whose
// order (WITH ORDINALITY, from 1) gives their positions (from 0).
const createTaskSQL = `
	WITH task AS (
		INSERT INTO tasks (` + taskColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id)
	INSERT INTO task_attachments (task_id, position, name, content_type, url, data)
	SELECT task.id, a.n - 1, a.name, a.content_type, a.url, COALESCE(a.data, '')
	  FROM task,
	       unnest($12::text[], $13::text[], $14::text[], $15::bytea[])
	       WITH ORDINALITY AS a(name, content_type, url, data, n)`

// scanTask reads one row of taskColumns.
func scanTask(row pgx.Row) (core.TaskRecord, error) {
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

// CreateTask stores t and the contents of its attachments, in order, in
// one statement. A taken id, or a client key the user has used already, is
// core.CodeConflict; an unknown user is not found ("User"). In a
// transaction, a failure leaves the transaction usable.
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
	n := len(attachments)
	names, types, urls, data := make([]string, n), make([]string, n), make([]string, n), make([][]byte, n)
	for i, a := range attachments {
		names[i], types[i], urls[i], data[i] = a.Name, a.ContentType, a.URL, a.Data
	}
	err = q.savepoint(ctx, func() error {
		_, err := q.conn.Exec(ctx, createTaskSQL,
			t.ID, t.UserID, t.Query, string(t.Status), t.Cost, key, atts, result, t.Error, t.CreatedAt, t.UpdatedAt,
			names, types, urls, data)
		return err
	})
	if err != nil {
		return wrap(err, "create task %s", t.ID)
	}
	return nil
}

// TaskByID returns the task (not found: "Task").
func (q queries) TaskByID(ctx context.Context, id string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return core.TaskRecord{}, notFound(err, "Task", "get task %s", id)
	}
	return r, nil
}

// TaskByClientKey returns the user's task made with that Idempotency-Key
// (not found: "Task").
func (q queries) TaskByClientKey(ctx context.Context, userID, key string) (core.TaskRecord, error) {
	r, err := scanTask(q.conn.QueryRow(ctx,
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
	rows, err := q.conn.Query(ctx, `
		SELECT `+taskColumns+` FROM tasks
		WHERE user_id = $1
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, wrap(err, "list tasks of user %s", userID)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.TaskRecord, error) { return scanTask(row) })
	if err != nil {
		return nil, wrap(err, "list tasks of user %s", userID)
	}
	return out, nil
}

// TaskAttachments returns the task's attachments with their contents, in
// the order given; an attachment without bytes (a URL) has nil Data. An
// unknown task has none.
func (q queries) TaskAttachments(ctx context.Context, taskID string) ([]core.AttachmentData, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT name, content_type, url, data FROM task_attachments
		WHERE task_id = $1 ORDER BY position`, taskID)
	if err != nil {
		return nil, wrap(err, "get attachments of task %s", taskID)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.AttachmentData, error) {
		var a core.AttachmentData
		err := row.Scan(&a.Name, &a.ContentType, &a.URL, &a.Data)
		if len(a.Data) == 0 {
			a.Data = nil
		}
		return a, err
	})
	if err != nil {
		return nil, wrap(err, "get attachments of task %s", taskID)
	}
	return out, nil
}

// MoveTask sets the task's status to `to`, its result and error to u's and
// its updated_at to now, in one conditional update, only if its status is
// one of from; it returns the task as it is afterwards and whether it moved
// it. Of concurrent moves out of one status exactly one succeeds: a blocked
// UPDATE re-checks its WHERE on the row the winner committed. A task that
// is not in from comes back unchanged with false; none at all is not found
// ("Task").
func (q queries) MoveTask(ctx context.Context, id string, from []core.TaskStatus, to core.TaskStatus, u core.TaskUpdate, now time.Time) (core.TaskRecord, bool, error) {
	result, err := taskjson.EncodeResult(u.Result)
	if err != nil {
		return core.TaskRecord{}, false, fmt.Errorf("move task %s to %s: %w", id, to, err)
	}
	statuses := make([]string, len(from))
	for i, s := range from {
		statuses[i] = string(s)
	}
	r, err := scanTask(q.conn.QueryRow(ctx, `
		UPDATE tasks SET status = $2, result = $3, error = $4, updated_at = $5
		WHERE id = $1 AND status = ANY($6)
		RETURNING `+taskColumns, id, string(to), result, u.Error, now, statuses))
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return core.TaskRecord{}, false, wrap(err, "move task %s to %s", id, to)
	}
	if r, err = q.TaskByID(ctx, id); err != nil {
		return core.TaskRecord{}, false, err
	}
	return r, false, nil
}
