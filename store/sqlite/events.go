package sqlite

import (
	"context"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/taskwake"
)

// DB wakes the waits of the core.
var _ core.TaskEvents = (*DB)(nil)

// SubscribeTask implements core.TaskEvents within this process: a change
// of a task's status made through this DB wakes the task's subscribers
// once it is committed (never for a rolled-back change). An embedded
// database has one process; should another one share the file, its
// changes are not heard here, and waits see them on their fallback tick.
func (db *DB) SubscribeTask(taskID string) (<-chan struct{}, func()) {
	return db.hub.SubscribeTask(taskID)
}

// announcer implements sqlq.Announcer for the connections of a DB: on the
// database itself a move has committed when it is announced, so its
// subscribers are woken at once; in a transaction the wake-ups are held
// until it commits, and dropped when it does not.
type announcer struct {
	hub  *taskwake.Hub
	inTx bool
	held []string // in a transaction: the tasks to wake on commit
}

// AnnounceTask implements sqlq.Announcer.
func (c conn) AnnounceTask(_ context.Context, taskID string) error {
	switch a := c.events; {
	case a == nil:
	case a.inTx:
		a.held = append(a.held, taskID)
	default:
		a.hub.Wake(taskID)
	}
	return nil
}

// committed wakes the subscribers of the tasks held by a transaction that
// has just committed.
func (a *announcer) committed() {
	for _, id := range a.held {
		a.hub.Wake(id)
	}
	a.held = nil
}
