package core

import "sync"

// stepHub passes the steps of the analyses run in this process to the
// callers following them (WatchTask). It keeps the steps of the last
// stepTasks tasks, so that a follower that comes late (the job started
// before the caller began to watch, or even finished) hears them all. A
// follower that does not keep up misses steps rather than slowing the
// analysis; a task run by another process has no steps here, only its
// status.
type stepHub struct {
	mu    sync.Mutex
	subs  map[string]map[chan AnalysisStep]struct{}
	kept  map[string][]AnalysisStep
	order []string // the tasks of kept, oldest first
}

// Bounds of the hub: steps a follower may be behind before it misses
// some, steps kept per task, and tasks whose steps are kept.
const (
	stepBuffer = 64
	stepsKept  = 64
	stepTasks  = 256
)

// subscribe returns the steps of taskID taken so far and from now on, and
// the func that ends the subscription.
func (h *stepHub) subscribe(taskID string) (<-chan AnalysisStep, func()) {
	ch := make(chan AnalysisStep, stepBuffer)
	h.mu.Lock()
	for _, st := range h.kept[taskID] {
		ch <- st // stepsKept ≤ stepBuffer: never blocks
	}
	if h.subs == nil {
		h.subs = map[string]map[chan AnalysisStep]struct{}{}
	}
	if h.subs[taskID] == nil {
		h.subs[taskID] = map[chan AnalysisStep]struct{}{}
	}
	h.subs[taskID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[taskID], ch)
		if len(h.subs[taskID]) == 0 {
			delete(h.subs, taskID)
		}
		h.mu.Unlock()
	}
}

// publish keeps st and hands it to every follower of taskID that has room
// for it.
func (h *stepHub) publish(taskID string, st AnalysisStep) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keep(taskID, st)
	for ch := range h.subs[taskID] {
		select {
		case ch <- st:
		default:
		}
	}
}

// keep records st among the kept steps of taskID, forgetting the oldest
// task when too many are kept.
func (h *stepHub) keep(taskID string, st AnalysisStep) {
	if h.kept == nil {
		h.kept = map[string][]AnalysisStep{}
	}
	steps, known := h.kept[taskID]
	if !known {
		h.order = append(h.order, taskID)
		if len(h.order) > stepTasks {
			delete(h.kept, h.order[0])
			h.order = h.order[1:]
		}
	}
	if len(steps) < stepsKept {
		h.kept[taskID] = append(steps, st)
	}
}
