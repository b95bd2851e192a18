// Package ratelimit keeps Clara's rate limits: a keyed generic cell rate
// algorithm (GCRA), the token bucket in one timestamp per key, and
// fixed-window budgets, a count per key until its window ends.
//
// Memory keeps them in the process: behind a load balancer each replica
// counts its own requests. Redis keeps them in a Redis server that every
// replica shares, with the same semantics, and falls back to memory while
// the server does not answer.
package ratelimit

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/clara-backend/clara/core"
)

// shards spreads keys over independent locks.
const shards = 32

// sweepEvery is how many calls to a shard pass between sweeps of its
// expired keys.
const sweepEvery = 1024

// Memory implements core.Limiter in memory. The zero value is not usable;
// call New.
type Memory struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [shards]shard
}

type shard struct {
	mu    sync.Mutex
	tat   map[string]time.Time // theoretical arrival time of the next event
	win   map[string]window    // fixed-window budgets
	calls int
}

// window is the state of a fixed-window budget: events spent so far in a
// window that ends at end.
type window struct {
	end time.Time
	n   int
}

// New returns an empty limiter on the clock now (time.Now when nil).
func New(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{now: now, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].tat = map[string]time.Time{}
		m.shards[i].win = map[string]window{}
	}
	return m
}

// Allow implements core.Limiter: up to r.Events events at once, refilled
// evenly over r.Per; or, for a fixed rate, r.Events events in a window of
// r.Per from the first, then none until the window ends. A rate of no
// events or no period allows everything.
func (m *Memory) Allow(key string, r core.Rate) (bool, time.Duration) {
	if r.Events <= 0 || r.Per <= 0 {
		return true, 0
	}
	now := m.now()
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	if r.Fixed {
		return s.allowFixed(key, r, now)
	}
	interval := r.Per / time.Duration(r.Events)
	tat := s.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	if allowAt := next.Add(-r.Per); now.Before(allowAt) {
		return false, allowAt.Sub(now)
	}
	s.tat[key] = next
	return true, 0
}

// allowFixed takes one event of the fixed-window budget r for key.
func (s *shard) allowFixed(key string, r core.Rate, now time.Time) (bool, time.Duration) {
	w, ok := s.win[key]
	if !ok || !w.end.After(now) {
		w = window{end: now.Add(r.Per)}
	}
	if w.n >= r.Events {
		return false, w.end.Sub(now)
	}
	w.n++
	s.win[key] = w
	return true, 0
}

// Refund implements core.Limiter: it gives back one event that Allow took
// for key under r, as when the attempt it counted proves to be a good one.
// A key with nothing taken is left as it is.
func (m *Memory) Refund(key string, r core.Rate) {
	if r.Events <= 0 || r.Per <= 0 {
		return
	}
	now := m.now()
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Fixed {
		if w, ok := s.win[key]; ok && w.end.After(now) && w.n > 0 {
			w.n--
			s.win[key] = w
		}
		return
	}
	tat, ok := s.tat[key]
	if !ok {
		return
	}
	if tat = tat.Add(-r.Per / time.Duration(r.Events)); tat.After(now) {
		s.tat[key] = tat
	} else {
		delete(s.tat, key)
	}
}

// shard returns the shard that holds key.
func (m *Memory) shard(key string) *shard {
	return &m.shards[maphash.String(m.seed, key)%shards]
}

// sweep forgets, now and then, keys whose buckets are full again and
// budgets whose windows have ended.
func (s *shard) sweep(now time.Time) {
	s.calls++
	if s.calls < sweepEvery {
		return
	}
	s.calls = 0
	for k, tat := range s.tat {
		if !tat.After(now) {
			delete(s.tat, k)
		}
	}
	for k, w := range s.win {
		if !w.end.After(now) {
			delete(s.win, k)
		}
	}
}
