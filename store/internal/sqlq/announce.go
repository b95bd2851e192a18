package sqlq

import (
	"context"
	"fmt"
)

// Announcer is a Conn that announces changes of a task's status, so that
// waits on the task (core.TaskEvents) wake up. MoveTask calls it on the
// transaction that moved the task, right after the move: the announcement
// must go out only if that transaction commits (on PostgreSQL a NOTIFY,
// which the server delivers on commit; on SQLite a wake-up held until
// the commit), and an error from it rolls the move back.
type Announcer interface {
	AnnounceTask(ctx context.Context, taskID string) error
}

// announce announces a change of the task's status when q's Conn is an
// Announcer.
func (q Queries) announce(ctx context.Context, taskID string) error {
	a, ok := q.conn.(Announcer)
	if !ok {
		return nil
	}
	if err := a.AnnounceTask(ctx, taskID); err != nil {
		return fmt.Errorf("announce the move of task %s: %w", taskID, err)
	}
	return nil
}
