package pingshare

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newCounted(err *error) (*Pinger, *atomic.Int32, *clock) {
	var n atomic.Int32
	c := &clock{t: time.Unix(1_000_000, 0)}
	p := New(func(context.Context) error { n.Add(1); return *err })
	p.now = c.now
	return p, &n, c
}

func TestSuccessIsReusedForFresh(t *testing.T) {
	var err error
	p, n, c := newCounted(&err)
	for range 3 {
		if e := p.Ping(context.Background()); e != nil {
			t.Fatal(e)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("%d pings within Fresh, want 1", n.Load())
	}
	c.add(Fresh)
	if e := p.Ping(context.Background()); e != nil || n.Load() != 2 {
		t.Fatalf("after Fresh: err %v, %d pings, want a second ping", e, n.Load())
	}
}

func TestFailureIsNotReused(t *testing.T) {
	err := errors.New("down")
	p, n, _ := newCounted(&err)
	for i := range 3 {
		if e := p.Ping(context.Background()); !errors.Is(e, err) {
			t.Fatalf("ping %d: %v, want %v", i, e, err)
		}
	}
	if n.Load() != 3 {
		t.Fatalf("%d pings, want one per call after failures", n.Load())
	}
	err = nil
	if e := p.Ping(context.Background()); e != nil {
		t.Fatalf("after recovery: %v", e)
	}
}

func TestCloseForgetsSuccess(t *testing.T) {
	var err error
	p, n, _ := newCounted(&err)
	if e := p.Ping(context.Background()); e != nil {
		t.Fatal(e)
	}
	p.Close()
	err = errors.New("closed")
	if e := p.Ping(context.Background()); !errors.Is(e, err) {
		t.Fatalf("after Close: %v, want the closed store's own error", e)
	}
	if n.Load() != 2 {
		t.Fatalf("%d pings, want the success forgotten after Close", n.Load())
	}
}

func TestConcurrentCallersShareOnePing(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int32
	p := New(func(context.Context) error { n.Add(1); <-release; return nil })
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(20)
	for range 20 {
		wg.Go(func() {
			started.Done()
			if e := p.Ping(context.Background()); e != nil {
				t.Error(e)
			}
		})
	}
	started.Wait()
	// Let every caller reach the shared ping before it answers.
	for p.waiting() < 20 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n.Load() != 1 {
		t.Fatalf("%d pings for 20 concurrent callers, want 1", n.Load())
	}
}

func TestCallerGivingUpDoesNotFailOthers(t *testing.T) {
	release := make(chan struct{})
	p := New(func(ctx context.Context) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- p.Ping(ctx) }()
	for p.waiting() < 1 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { second <- p.Ping(context.Background()) }()
	for p.waiting() < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if e := <-first; !errors.Is(e, context.Canceled) {
		t.Fatalf("first caller: %v, want context.Canceled", e)
	}
	close(release)
	if e := <-second; e != nil {
		t.Fatalf("second caller: %v, want the shared ping's success", e)
	}
}
