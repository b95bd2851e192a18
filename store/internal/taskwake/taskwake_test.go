package taskwake

import "testing"

// woken reports whether a wake-up is waiting on ch, taking it.
func woken(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Wake-ups reach the subscribers of their task only, coalesced; WakeAll
// reaches everyone; a wake-up of a task nobody follows is dropped, and a
// task's entry goes with its last subscriber.
func TestHub(t *testing.T) {
	var h Hub
	a1, cancelA1 := h.SubscribeTask("a")
	a2, cancelA2 := h.SubscribeTask("a")
	b, cancelB := h.SubscribeTask("b")
	h.Wake("a")
	h.Wake("a")
	h.Wake("nobody")
	if !woken(a1) || !woken(a2) || woken(a1) || woken(b) {
		t.Fatal("Wake(a): want one wake-up for each subscriber of a, none for b")
	}
	h.WakeAll()
	if !woken(a1) || !woken(a2) || !woken(b) {
		t.Fatal("WakeAll: want every subscriber woken")
	}
	if n := h.Followed(); n != 2 {
		t.Fatalf("Followed = %d, want 2", n)
	}
	cancelA1()
	cancelA1() // idempotent
	h.Wake("a")
	if woken(a1) || !woken(a2) {
		t.Fatal("Wake(a) after a cancel: want only the remaining subscriber")
	}
	cancelA2()
	cancelB()
	if n := h.Followed(); n != 0 {
		t.Fatalf("Followed after every cancel = %d, want 0", n)
	}
}
