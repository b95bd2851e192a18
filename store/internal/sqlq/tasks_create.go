package sqlq

import (
	"context"
	"fmt"

	"github.com/clara-backend/clara/core"
)

// createTaskSQL stores a task and its attachments in one statement
// (PostgreSQL): the insert of the task is a data-modifying CTE, which runs
// even when there are no attachments, and the attachments come from
// parallel arrays whose order (WITH ORDINALITY, from 1) gives their
// positions (from 0).
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

// createTaskCTE is the CreateTask of PostgreSQL: createTaskSQL, under a
// savepoint in a transaction (which a failed statement would abort).
func createTaskCTE(ctx context.Context, q Queries, t taskRow, attachments []core.AttachmentData) error {
	n := len(attachments)
	names, types, urls, data := make([]string, n), make([]string, n), make([]string, n), make([][]byte, n)
	for i, a := range attachments {
		names[i], types[i], urls[i], data[i] = a.Name, a.ContentType, a.URL, a.Data
	}
	err := q.statement(ctx, func() error {
		_, err := q.conn.Exec(ctx, createTaskSQL, append(t.args, names, types, urls, data)...)
		return err
	})
	if err != nil {
		return q.wrap(err, "create task %s", t.id)
	}
	return nil
}

// createTaskSteps is the CreateTask of SQLite, which has no data-modifying
// CTE nor arrays: one insert for the task and one an attachment, in one
// write transaction (or under a savepoint of the caller's).
func createTaskSteps(ctx context.Context, q Queries, t taskRow, attachments []core.AttachmentData) error {
	err := q.undoable(ctx, func(q Queries) error {
		_, err := q.conn.Exec(ctx, `
			INSERT INTO tasks (`+taskColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, t.args...)
		if err != nil {
			return q.wrap(err, "insert task")
		}
		for i, a := range attachments {
			_, err := q.conn.Exec(ctx, `
				INSERT INTO task_attachments (task_id, position, name, content_type, url, data)
				VALUES ($1, $2, $3, $4, $5, COALESCE($6, X''))`,
				t.id, i, a.Name, a.ContentType, a.URL, a.Data)
			if err != nil {
				return q.wrap(err, "insert attachment %d", i)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.id, err)
	}
	return nil
}
