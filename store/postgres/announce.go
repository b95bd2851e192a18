package postgres

import "context"

// TaskChannel is the PostgreSQL notification channel on which every
// change of a task's status is announced, with the task's id as payload.
// The notification is sent by the transaction that changes the row, so the
// server delivers it when that transaction commits, and never when it
// rolls back.
const TaskChannel = "clara_task"

// AnnounceTask implements sqlq.Announcer: NOTIFY clara_task with the
// task's id, on the transaction that moved it.
func (c conn) AnnounceTask(ctx context.Context, taskID string) error {
	_, err := c.db.Exec(ctx, `SELECT pg_notify($1, $2)`, TaskChannel, taskID)
	return err
}
