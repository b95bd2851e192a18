package modeltest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clara-backend/clara/internal/fakescript"
)

// Server is the fake provider: an httptest server answering Chat
// Completions at /v1/chat/completions and Messages at /v1/messages with the
// queued replies, in order, whichever API asks.
type Server struct {
	srv *httptest.Server
	// The script of replies (with the queue used up: a 500, or the
	// fallback) and the requests received.
	fakescript.Script[Request, Reply]
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
	s.Record(req)
	if r, ok := s.Take(); ok {
		return r
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
