package core

import "time"

// TaskEvents is the port through which a wait (WatchTask) hears that a task
// may have changed, so that it re-reads the task at once instead of on its
// next poll. A wake-up carries nothing: the waiter reads the task from the
// store, which stays the only truth. Wake-ups are coalesced (several changes
// may make one) and may come without a change (a reconnection wakes every
// waiter); a waiter must never rely on them alone, and WatchTask still
// re-reads on a slow fallback tick (Deps.WatchFallback).
//
// What is shared between processes and what is not: on PostgreSQL the
// status of a task (PENDING → RUNNING → COMPLETED or FAILED, cancellation
// included) is announced by the transaction that changes it, on commit
// (NOTIFY), to every process on the database; so a wait on one replica sees
// a task finished by a worker on another at once, with its final result.
// The steps an analysis takes (searches, fetches) stay in the process that
// runs it: only waits in that process see them one by one; elsewhere a wait
// sees the status change and then the result. On the embedded SQLite store
// wake-ups are in-process only; another process on the same file is seen by
// the fallback tick.
type TaskEvents interface {
	// SubscribeTask returns a channel that receives a value (coalesced:
	// it holds at most one) when task taskID may have changed, and the
	// func that ends the subscription, which must be called and may be
	// called more than once. It never blocks on the database.
	SubscribeTask(taskID string) (wake <-chan struct{}, cancel func())
}

// DefaultWatchFallback is how often, with TaskEvents, a wait re-reads its
// task when no wake-up came: it bounds the delay should a wake-up be lost,
// or come from another process on an embedded store.
const DefaultWatchFallback = 2 * time.Second

// watchEvery returns the wake-ups of taskID (nil without TaskEvents: a
// receive on it blocks for ever), the interval of the reads that WatchTask
// makes without one, and the func that ends the subscription. Without
// TaskEvents it is poll; with them, the fallback (at least poll).
func (s *Service) watchEvery(taskID string, poll time.Duration) (<-chan struct{}, time.Duration, func()) {
	if s.events == nil {
		return nil, poll, func() {}
	}
	wake, cancel := s.events.SubscribeTask(taskID)
	return wake, max(poll, s.watchFallback), cancel
}
