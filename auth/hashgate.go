package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy reports that every password-hashing slot stayed taken: the queue
// was full, or the wait for a slot ran out. Callers answer "retry later".
var ErrBusy = errors.New("password hashing is busy")

// HashLimits bound the argon2id hashes of one Passwords that run at once,
// and so the memory they take (PasswordParams.Memory each).
type HashLimits struct {
	Slots   int           // hashes at once; GOMAXPROCS when 0
	Queue   int           // callers that may wait for a slot; 16 per slot when 0, none when negative
	MaxWait time.Duration // the longest a caller waits for a slot; 2 s when 0

	// OnQueue and OnHash, when set, are called as a caller joins the queue
	// and, holding a slot, before each hash: tests count and hold hashes
	// with them.
	OnQueue func()
	OnHash  func()
}

// The defaults of HashLimits.
const (
	queuePerSlot   = 16
	defaultMaxWait = 2 * time.Second
)

// gate is a counting semaphore with a bounded, time-limited queue.
type gate struct {
	slots   chan struct{}
	queue   int64
	waiting atomic.Int64
	maxWait time.Duration
	onQueue func()
	onHash  func()
}

// newGate returns the gate of l, its zero fields given their defaults.
func newGate(l HashLimits) *gate {
	slots := l.Slots
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	queue := l.Queue
	switch {
	case queue == 0:
		queue = queuePerSlot * slots
	case queue < 0:
		queue = 0
	}
	wait := l.MaxWait
	if wait <= 0 {
		wait = defaultMaxWait
	}
	return &gate{slots: make(chan struct{}, slots), queue: int64(queue), maxWait: wait,
		onQueue: l.OnQueue, onHash: l.OnHash}
}

// run runs hash in a slot: at once when one is free, else after waiting in
// the queue; ErrBusy when the queue is full or the wait runs out, and the
// context's error when it ends first.
func (g *gate) run(ctx context.Context, hash func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		if err := g.wait(ctx); err != nil {
			return err
		}
	}
	defer func() { <-g.slots }()
	if g.onHash != nil {
		g.onHash()
	}
	hash()
	return nil
}

// wait queues for a slot and takes it.
func (g *gate) wait(ctx context.Context) error {
	defer g.waiting.Add(-1)
	if g.waiting.Add(1) > g.queue {
		return ErrBusy
	}
	if g.onQueue != nil {
		g.onQueue()
	}
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("wait to hash a password: %w", ctx.Err())
	}
}
