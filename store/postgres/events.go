package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/taskwake"
)

// DB wakes the waits of the core.
var _ core.TaskEvents = (*DB)(nil)

// SubscribeTask implements core.TaskEvents across processes: the first
// subscription starts the DB's listener, one connection of its own (not
// of the pool) that LISTENs on TaskChannel until Close, and hands each
// notification to the subscribers of its task in this process. When that
// connection is lost the listener reconnects, with backoff, and once
// listening again wakes every subscriber, since changes made meanwhile
// were not heard. Notifications for tasks nobody here follows are dropped.
func (db *DB) SubscribeTask(taskID string) (<-chan struct{}, func()) {
	return db.events.subscribe(taskID)
}

// Timing of the listener.
const (
	listenIdle    = 30 * time.Second       // silence after which the connection is pinged
	listenTimeout = 5 * time.Second        // bound of a ping, and of closing the connection
	retryMin      = 100 * time.Millisecond // first wait before reconnecting
	retryMax      = 30 * time.Second       // longest wait before reconnecting
)

// listenerSuffix ends the application_name of the listener's connection,
// so that operators (and tests) tell it apart in pg_stat_activity.
const listenerSuffix = "-task-events"

// listener is the LISTEN connection of a DB and its subscribers.
type listener struct {
	cfg *pgx.ConnConfig // of the connection: the pool's, untraced
	hub taskwake.Hub
	log atomic.Pointer[slog.Logger] // where its rare warnings go

	mu      sync.Mutex
	started bool               // run has been started
	closed  bool               // close was called: run never starts again
	cancel  context.CancelFunc // stops run
	done    chan struct{}      // closed when run returns
}

// newListener returns the listener of a pool whose connections are made
// with pool; it connects on its first subscription.
func newListener(pool *pgx.ConnConfig) *listener {
	cfg := pool.Copy()
	cfg.Tracer = nil // statements counted in tests are the pool's only
	cfg.RuntimeParams["application_name"] += listenerSuffix
	l := &listener{cfg: cfg, done: make(chan struct{})}
	l.log.Store(slog.Default())
	return l
}

// subscribe subscribes to taskID's wake-ups, starting the listener if
// it is not running.
func (l *listener) subscribe(taskID string) (<-chan struct{}, func()) {
	wake, cancel := l.hub.SubscribeTask(taskID)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.started && !l.closed {
		ctx, stop := context.WithCancel(context.Background())
		l.started, l.cancel = true, stop
		go l.run(ctx)
	}
	return wake, cancel
}

// close stops the listener and waits until its connection is closed.
// Subscriptions made afterwards are never woken.
func (l *listener) close() {
	l.mu.Lock()
	l.closed = true
	started, cancel := l.started, l.cancel
	l.mu.Unlock()
	if started {
		cancel()
		<-l.done
	}
}

// run listens until ctx ends, reconnecting with exponential backoff.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	wait := retryMin
	for {
		listened, err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			wait = retryMin
		}
		l.log.Load().Warn("postgres: task events listener lost; waits fall back to polling until it reconnects",
			"err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, retryMax)
	}
}

// listen connects, LISTENs, wakes every subscriber, then hands out
// notifications until the connection fails (returning why) or ctx ends;
// listened tells whether it got as far as listening.
func (l *listener) listen(ctx context.Context) (listened bool, err error) {
	c, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listenTimeout)
		defer cancel()
		_ = c.Close(ctx)
	}()
	if _, err := c.Exec(ctx, "LISTEN "+TaskChannel); err != nil {
		return false, fmt.Errorf("listen on %s: %w", TaskChannel, err)
	}
	l.hub.WakeAll() // what changed while nobody listened was not heard
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := c.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			l.hub.Wake(n.Payload)
		case ctx.Err() != nil:
			return true, nil
		case errors.Is(err, context.DeadlineExceeded) && !c.IsClosed():
			if err := l.ping(ctx, c); err != nil {
				return true, err
			}
		default:
			return true, fmt.Errorf("wait for notifications: %w", err)
		}
	}
}

// ping checks that the idle connection c still answers, so that one the
// network dropped silently is replaced.
func (l *listener) ping(ctx context.Context, c *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, listenTimeout)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}
