package modeltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is the fake provider: an httptest server answering Chat
// Completions at /v1/chat/completions and Messages at /v1/messages with the
// queued replies, in order, whichever API asks.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	queue    []Reply
	fallback *Reply
	requests []Request
	calls    int
}

// New starts a fake provider, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handle(openAI))
	mux.HandleFunc("POST /v1/messages", s.handle(anthropic))
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL of the APIs, with /v1: what an OpenAI client takes
// as its base URL. (Anthropic clients take BaseURL, without /v1.)
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// BaseURL is the server's root, http://127.0.0.1:port.
func (s *Server) BaseURL() string { return s.srv.URL }

// Close stops the server, ending held requests first.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Enqueue appends replies to the script.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// SetFallback makes r the answer to every request once the script is used
// up, instead of a 500.
func (s *Server) SetFallback(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &r
}

// Pending returns how many scripted replies are still queued.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Calls returns how many requests the fake has received.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// WaitCalls waits up to d for at least n requests and reports whether they
// came.
func (s *Server) WaitCalls(n int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for s.Calls() < n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// next records req and returns the reply it gets.
func (s *Server) next(req Request) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.requests = append(s.requests, req)
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r
	}
	if s.fallback != nil {
		return *s.fallback
	}
	return Reply{Status: http.StatusInternalServerError, Text: "modeltest: no scripted reply left"}
}

// api is one provider's wire format.
type api struct {
	name    string
	parse   func(body []byte) (Request, error)
	success func(w http.ResponseWriter, req Request, r Reply, n int)
	failure func(w http.ResponseWriter, status int, message string)
}

// handle serves one provider's endpoint.
func (s *Server) handle(a api) http.HandlerFunc {
	return func(w http.ResponseWriter, hr *http.Request) {
		body, err := io.ReadAll(hr.Body)
		if err != nil {
			a.failure(w, http.StatusBadRequest, "modeltest: read body: "+err.Error())
			return
		}
		req, err := a.parse(body)
		if err != nil {
			a.failure(w, http.StatusBadRequest, "modeltest: "+err.Error())
			return
		}
		req.Provider, req.Path, req.Header, req.Body = a.name, hr.URL.Path, hr.Header.Clone(), body
		r := s.next(req)
		n := s.Calls()
		done := hr.Context().Done()
		if r.Gate != nil && !r.Gate.wait(done) {
			return
		}
		if r.Delay > 0 {
			select {
			case <-time.After(r.Delay):
			case <-done:
				return
			}
		}
		if r.Status != 0 {
			msg := r.Text
			if msg == "" {
				msg = fmt.Sprintf("modeltest: scripted status %d", r.Status)
			}
			if r.Status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			a.failure(w, r.Status, msg)
			return
		}
		a.success(w, req, r, n)
	}
}

// writeJSON answers status with v in JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
