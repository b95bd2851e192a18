// Package pingshare shares a store's liveness check among its callers: a
// health route probed by many clients at once costs the database one
// ping, not one per request.
package pingshare

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Fresh is how long a successful ping answers for later callers.
const Fresh = time.Second

// Timeout is how long a ping may take before it counts as a failure.
const Timeout = 2 * time.Second

// Pinger answers liveness checks with one shared ping. Callers that ask
// while a ping is under way wait for its answer; a success is reused for
// Fresh; a failure is never reused: the next caller pings again. After
// Close, every caller pings on its own, so that it sees the closed
// store's own error.
type Pinger struct {
	ping   func(context.Context) error
	now    func() time.Time
	group  singleflight.Group
	mu     sync.Mutex
	okAt   time.Time // when the last successful ping began
	closed atomic.Bool
	// waiters counts the callers waiting for a shared ping.
	waiters atomic.Int32
}

// New returns a Pinger over ping.
func New(ping func(context.Context) error) *Pinger {
	return &Pinger{ping: ping, now: time.Now}
}

// Ping reports whether the store answers within Timeout, as described on
// Pinger. A caller whose ctx ends stops waiting for a shared ping with
// ctx's error.
func (p *Pinger) Ping(ctx context.Context) error {
	if p.closed.Load() {
		return p.pingAlone(ctx)
	}
	p.mu.Lock()
	fresh := !p.okAt.IsZero() && p.now().Sub(p.okAt) < Fresh
	p.mu.Unlock()
	if fresh {
		return nil
	}
	ch := p.group.DoChan("ping", func() (any, error) {
		began := p.now()
		// The shared ping is not tied to the first caller's context: a
		// caller that gives up must not fail the others.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
		defer cancel()
		err := p.ping(pctx)
		if err == nil && !p.closed.Load() {
			p.mu.Lock()
			p.okAt = began
			p.mu.Unlock()
		}
		return nil, err
	})
	p.waiters.Add(1)
	defer p.waiters.Add(-1)
	select {
	case r := <-ch:
		if r.Err == nil && p.closed.Load() {
			return p.pingAlone(ctx)
		}
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close forgets the last success and stops sharing: call it when the
// store closes.
func (p *Pinger) Close() {
	p.closed.Store(true)
	p.mu.Lock()
	p.okAt = time.Time{}
	p.mu.Unlock()
}

// waiting returns how many callers wait for a shared ping.
func (p *Pinger) waiting() int32 { return p.waiters.Load() }

// pingAlone pings for this caller only, within Timeout.
func (p *Pinger) pingAlone(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	return p.ping(ctx)
}
