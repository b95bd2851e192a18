// Package taskwake fans wake-ups about tasks out to the waits of one
// process: each driver's core.TaskEvents is a Hub, fed on PostgreSQL by the
// notifications of every process on the database and on SQLite by the
// commits of this process.
package taskwake

import "sync"

// Hub hands wake-ups to the subscribers of each task. Its memory is bounded
// by its live subscriptions: a task's entry goes with its last subscriber,
// and a wake-up of a task nobody follows is dropped. The zero Hub is ready.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// SubscribeTask returns a channel that receives a value after each Wake of
// taskID (coalesced: a slow reader finds one value for several wake-ups),
// and the func that ends the subscription (idempotent).
func (h *Hub) SubscribeTask(taskID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string]map[chan struct{}]struct{}{}
	}
	if h.subs[taskID] == nil {
		h.subs[taskID] = map[chan struct{}]struct{}{}
	}
	h.subs[taskID][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.subs[taskID], ch)
			if len(h.subs[taskID]) == 0 {
				delete(h.subs, taskID)
			}
		})
	}
}

// Wake wakes every subscriber of taskID, without blocking.
func (h *Hub) Wake(taskID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[taskID] {
		poke(ch)
	}
}

// WakeAll wakes every subscriber of every task, for when wake-ups may have
// been missed (a listening connection was re-established).
func (h *Hub) WakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, chans := range h.subs {
		for ch := range chans {
			poke(ch)
		}
	}
}

// Followed returns how many tasks have subscribers.
func (h *Hub) Followed() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// poke puts a value in ch unless it holds one already.
func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
