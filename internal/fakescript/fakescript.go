// Package fakescript holds what the wire-level fakes of providers
// (agent/modeltest, agent/transcribe/transcribetest) share: a script of
// replies that a test queues, the requests the fake received, and JSON
// answers. Only test helpers import it.
package fakescript

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
)

// Script is the queue of replies a fake gives, in order, and the requests
// it received. Embedded in a fake, its methods are the fake's. It is safe
// for concurrent use; the zero value is an empty script.
type Script[Req, Reply any] struct {
	mu       sync.Mutex
	queue    []Reply
	fallback *Reply
	requests []Req
}

// Enqueue appends replies to the script.
func (s *Script[Req, Reply]) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// SetFallback makes r the answer to every request once the script is used
// up, instead of the fake's default.
func (s *Script[Req, Reply]) SetFallback(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &r
}

// Pending returns how many scripted replies are still queued.
func (s *Script[Req, Reply]) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Calls returns how many requests the fake has received.
func (s *Script[Req, Reply]) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Requests returns the requests received so far, in the order they came.
func (s *Script[Req, Reply]) Requests() []Req {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Req(nil), s.requests...)
}

// Record keeps req as received.
func (s *Script[Req, Reply]) Record(req Req) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

// Take returns the next scripted reply, else the fallback; ok is false
// when there is neither, and the fake answers its default.
func (s *Script[Req, Reply]) Take() (r Reply, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(s.queue) > 0:
		r = s.queue[0]
		s.queue = s.queue[1:]
		return r, true
	case s.fallback != nil:
		return *s.fallback, true
	}
	return r, false
}

// WriteJSON answers status with v in JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
