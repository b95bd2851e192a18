package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/testclock"
)

// newClock returns a test clock at a fixed start.
func newClock() *testclock.Clock { return testclock.New(time.Unix(1_700_000_000, 0)) }

func TestBurstThenRefill(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	rate := core.Rate{Events: 10, Per: time.Second}
	for i := range 10 {
		if ok, _ := m.Allow("k", rate); !ok {
			t.Fatalf("event %d refused within the burst", i+1)
		}
	}
	ok, retry := m.Allow("k", rate)
	if ok || retry != 100*time.Millisecond {
		t.Fatalf("11th event: ok %v, retry after %v; want refused, 100ms", ok, retry)
	}
	if ok, _ := m.Allow("other", rate); !ok {
		t.Fatal("keys must not share a bucket")
	}
	c.Advance(100 * time.Millisecond)
	if ok, _ := m.Allow("k", rate); !ok {
		t.Fatal("one event must be allowed after one interval")
	}
	if ok, _ := m.Allow("k", rate); ok {
		t.Fatal("only one event refills per interval")
	}
	c.Advance(time.Second)
	requireAllows(t, m, "k", rate, 10, "after a full period")
}

// requireAllows takes n events of rate for key, each of which must be
// allowed.
func requireAllows(t *testing.T, m *Memory, key string, rate core.Rate, n int, when string) {
	t.Helper()
	for i := range n {
		if ok, _ := m.Allow(key, rate); !ok {
			t.Fatalf("%s: event %d refused", when, i+1)
		}
	}
}

func TestRefusedEventsDoNotCount(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	rate := core.Rate{Events: 2, Per: time.Minute}
	m.Allow("k", rate)
	m.Allow("k", rate)
	for range 100 {
		m.Allow("k", rate) // refused; must not push the window further
	}
	c.Advance(30 * time.Second)
	if ok, _ := m.Allow("k", rate); !ok {
		t.Fatal("refused events must not delay the refill")
	}
}

func TestConcurrentCallersShareTheLimit(t *testing.T) {
	m := New(func() time.Time { return time.Unix(1_700_000_000, 0) })
	rate := core.Rate{Events: 50, Per: time.Hour}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 200 {
		wg.Go(func() {
			if ok, _ := m.Allow("shared", rate); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Fatalf("%d allowed, want exactly 50", allowed)
	}
}

func TestSweepForgetsFullBuckets(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	rate := core.Rate{Events: 1, Per: time.Second}
	old := func(i int) string { return "old-" + time.Duration(i).String() }
	for i := range sweepEvery * shards {
		m.Allow(old(i), rate)
	}
	c.Advance(time.Hour)
	for i := range 2 * sweepEvery * shards {
		m.Allow("new-"+time.Duration(i).String(), rate)
	}
	for i := range m.shards {
		for k := range m.shards[i].tat {
			if k[:4] == "old-" {
				t.Fatalf("key %s kept an hour after its bucket refilled", k)
			}
		}
	}
}

func TestNoRateAllowsEverything(t *testing.T) {
	m := New(nil)
	for range 1000 {
		if ok, _ := m.Allow("k", core.Rate{}); !ok {
			t.Fatal("a zero rate must not limit")
		}
	}
}

// BenchmarkMemoryAllow is the cost of a decision in memory, from
// parallel callers on one key.
func BenchmarkMemoryAllow(b *testing.B) {
	m := New(nil)
	rate := core.Rate{Events: 1 << 30, Per: time.Second}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Allow("caller", rate)
		}
	})
}

// TestSweepKeepsLiveBuckets: a sweep forgets only full buckets and ended
// windows; a key still inside its limit keeps its state through it.
func TestSweepKeepsLiveBuckets(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	gcra := core.Rate{Events: 2, Per: time.Hour}
	fixed := core.Rate{Events: 2, Per: time.Hour, Fixed: true}
	for range 2 {
		m.Allow("live", gcra)
		m.Allow("live-window", fixed)
	}
	c.Advance(time.Minute)
	for i := range 2 * sweepEvery * shards { // every shard sweeps at least once
		m.Allow("other-"+time.Duration(i).String(), gcra)
	}
	if ok, retry := m.Allow("live", gcra); ok || retry <= 0 {
		t.Fatalf("a spent bucket after a sweep: ok %v, retry %v; want refused", ok, retry)
	}
	if ok, retry := m.Allow("live-window", fixed); ok || retry != 59*time.Minute {
		t.Fatalf("a spent window after a sweep: ok %v, retry %v; want refused for 59m", ok, retry)
	}
}

// TestFixedWindow: a fixed rate allows its events in a window from the
// first, then refuses until the window ends, however often it is asked.
func TestFixedWindow(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	rate := core.Rate{Events: 3, Per: 15 * time.Minute, Fixed: true}
	for i := range 3 {
		if ok, _ := m.Allow("k", rate); !ok {
			t.Fatalf("event %d refused within the budget", i+1)
		}
		c.Advance(time.Minute)
	}
	for range 10 {
		if ok, retry := m.Allow("k", rate); ok || retry != 12*time.Minute {
			t.Fatalf("over the budget: ok %v, retry %v; want refused for 12m", ok, retry)
		}
	}
	c.Advance(12 * time.Minute)
	requireAllows(t, m, "k", rate, 3, "new window")
}

// TestRefund: an event given back can be taken again, for both kinds of
// rate; a refund of a key with nothing taken changes nothing.
func TestRefund(t *testing.T) {
	c := newClock()
	m := New(c.Now)
	for _, rate := range []core.Rate{{Events: 2, Per: time.Hour}, {Events: 2, Per: time.Hour, Fixed: true}} {
		key := fmt.Sprint(rate)
		m.Refund(key, rate) // nothing taken: no credit
		m.Allow(key, rate)
		m.Allow(key, rate)
		if ok, _ := m.Allow(key, rate); ok {
			t.Fatalf("%v: third event allowed", rate)
		}
		m.Refund(key, rate)
		if ok, _ := m.Allow(key, rate); !ok {
			t.Fatalf("%v: event after a refund refused", rate)
		}
		if ok, _ := m.Allow(key, rate); ok {
			t.Fatalf("%v: a refund gave back more than one event", rate)
		}
	}
}
