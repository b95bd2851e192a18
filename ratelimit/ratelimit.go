// Package ratelimit keeps Clara's rate limits in memory: a keyed generic
// cell rate algorithm (GCRA), the token bucket in one timestamp per key.
// Limits hold per process; behind a load balancer each replica counts its
// own requests.
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
	calls int
}

// New returns an empty limiter on the clock now (time.Now when nil).
func New(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{now: now, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].tat = map[string]time.Time{}
	}
	return m
}

// Allow implements core.Limiter: up to r.Events events at once, refilled
// evenly over r.Per. A rate of no events or no period allows everything.
func (m *Memory) Allow(key string, r core.Rate) (bool, time.Duration) {
	if r.Events <= 0 || r.Per <= 0 {
		return true, 0
	}
	interval := r.Per / time.Duration(r.Events)
	now := m.now()
	s := &m.shards[maphash.String(m.seed, key)%shards]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
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

// sweep forgets, now and then, keys whose buckets are full again.
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
}
