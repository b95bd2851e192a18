package ratelimit

import (
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestBurstThenRefill(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := New(c.now)
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
	c.add(100 * time.Millisecond)
	if ok, _ := m.Allow("k", rate); !ok {
		t.Fatal("one event must be allowed after one interval")
	}
	if ok, _ := m.Allow("k", rate); ok {
		t.Fatal("only one event refills per interval")
	}
	c.add(time.Second)
	for i := range 10 {
		if ok, _ := m.Allow("k", rate); !ok {
			t.Fatalf("after a full period, event %d refused", i+1)
		}
	}
}

func TestRefusedEventsDoNotCount(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := New(c.now)
	rate := core.Rate{Events: 2, Per: time.Minute}
	m.Allow("k", rate)
	m.Allow("k", rate)
	for range 100 {
		m.Allow("k", rate) // refused; must not push the window further
	}
	c.add(30 * time.Second)
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
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := New(c.now)
	rate := core.Rate{Events: 1, Per: time.Second}
	old := func(i int) string { return "old-" + time.Duration(i).String() }
	for i := range sweepEvery * shards {
		m.Allow(old(i), rate)
	}
	c.add(time.Hour)
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

func BenchmarkAllow(b *testing.B) {
	m := New(nil)
	rate := core.Rate{Events: 1 << 30, Per: time.Second}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Allow("caller", rate)
		}
	})
}
