package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// heldHashes instruments a Passwords: each hash signals entered and waits
// for release, and the most hashes ever running at once is recorded.
type heldHashes struct {
	entered chan struct{}
	queued  chan struct{}
	release chan struct{}
	running atomic.Int32
	most    atomic.Int32
}

func newHeldHashes() *heldHashes {
	return &heldHashes{entered: make(chan struct{}, 100), queued: make(chan struct{}, 100), release: make(chan struct{})}
}

// limits returns l with h's hooks.
func (h *heldHashes) limits(l HashLimits) HashLimits {
	l.OnQueue = func() { h.queued <- struct{}{} }
	l.OnHash = func() {
		n := h.running.Add(1)
		for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
		}
		h.entered <- struct{}{}
		<-h.release
		h.running.Add(-1)
	}
	return l
}

// TestHashSlotsBoundConcurrentHashes: with every slot held and the queue
// full, the next hash is refused at once with ErrBusy; no more hashes than
// slots ever run together, and the queued caller gets its turn.
func TestHashSlotsBoundConcurrentHashes(t *testing.T) {
	h := newHeldHashes()
	pw := NewPasswordsLimited(FastPasswordParams, h.limits(HashLimits{Slots: 2, Queue: 1, MaxWait: time.Hour}))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 2 {
		wg.Go(func() { _, err := pw.Hash(ctx, "pw"); errs <- err })
	}
	<-h.entered
	<-h.entered // both slots are held
	wg.Go(func() { errs <- pw.Dummy(ctx, "pw") })
	<-h.queued // the queue is full
	for _, call := range []func() error{
		func() error { _, err := pw.Hash(ctx, "pw"); return err },
		func() error {
			_, err := pw.Verify(ctx, "pw", "$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
			return err
		},
		func() error { return pw.Dummy(ctx, "pw") },
	} {
		if err := call(); !errors.Is(err, ErrBusy) {
			t.Fatalf("beyond slots and queue: %v, want ErrBusy", err)
		}
	}
	close(h.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a hash within slots and queue: %v", err)
		}
	}
	if n := h.most.Load(); n != 2 {
		t.Fatalf("%d hashes ran at once, want 2", n)
	}
}

// TestHashSlotsManyCallers: of many concurrent callers with room to queue,
// all hash, never more at once than there are slots.
func TestHashSlotsManyCallers(t *testing.T) {
	var running, most atomic.Int32
	pw := NewPasswordsLimited(FastPasswordParams, HashLimits{Slots: 2, Queue: 100, MaxWait: time.Hour, OnHash: func() {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		running.Add(-1)
	}})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := pw.Hash(context.Background(), "pw"); err != nil {
				t.Errorf("Hash: %v", err)
			}
		})
	}
	wg.Wait()
	if n := most.Load(); n < 1 || n > 2 {
		t.Fatalf("%d hashes ran at once, want 1 or 2", n)
	}
}

// TestHashQueueWaitEnds: a queued caller whose wait runs out gets ErrBusy;
// one whose context ends gets the context's error.
func TestHashQueueWaitEnds(t *testing.T) {
	h := newHeldHashes()
	pw := NewPasswordsLimited(FastPasswordParams, h.limits(HashLimits{Slots: 1, Queue: 1, MaxWait: time.Millisecond}))
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = pw.Hash(context.Background(), "pw") })
	<-h.entered
	if _, err := pw.Hash(context.Background(), "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("after the longest wait: %v, want ErrBusy", err)
	}
	<-h.queued

	patient := NewPasswordsLimited(FastPasswordParams, h.limits(HashLimits{Slots: 1, Queue: 1, MaxWait: time.Hour}))
	wg.Go(func() { _, _ = patient.Hash(context.Background(), "pw") })
	<-h.entered
	ctx, cancel := context.WithCancel(context.Background())
	wg.Go(func() {
		<-h.queued
		cancel()
	})
	if _, err := patient.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) || errors.Is(err, ErrBusy) {
		t.Fatalf("a cancelled wait: %v, want context.Canceled", err)
	}
	close(h.release)
	wg.Wait()
}

// TestHashLimitsDefaults: zero limits mean a slot per core and a queue of
// 16 per slot; a negative queue means none.
func TestHashLimitsDefaults(t *testing.T) {
	g := newGate(HashLimits{})
	if cap(g.slots) < 1 || g.queue != int64(queuePerSlot*cap(g.slots)) || g.maxWait != defaultMaxWait {
		t.Fatalf("defaults: %d slots, queue %d, wait %v", cap(g.slots), g.queue, g.maxWait)
	}
	if g := newGate(HashLimits{Slots: 3, Queue: -1}); cap(g.slots) != 3 || g.queue != 0 {
		t.Fatalf("3 slots, no queue: %d slots, queue %d", cap(g.slots), g.queue)
	}
}
