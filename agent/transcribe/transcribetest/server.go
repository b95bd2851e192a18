package transcribetest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Limits of the fake, as OpenAI's.
const (
	// MaxFileBytes is the largest file taken: 25 MiB; over it, 413.
	MaxFileBytes = 25 << 20
	// maxRequestBytes bounds a whole request body.
	maxRequestBytes = 2 * MaxFileBytes
)

// Server is the fake transcription endpoint.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	queue    []Reply
	fallback *Reply
	verbose  map[string]bool // models refused verbose_json, besides gpt-*transcribe
	requests []Request
}

// New starts a fake on 127.0.0.1, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("transcribetest: listen: %v", err)
	}
	s := &Server{verbose: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/audio/transcriptions", s.handle)
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(s.Close)
	return s
}

// URL is the API's base URL, with /v1: what an OpenAI client takes.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close stops the server, ending hanging requests first.
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

// SetFallback makes r the answer once the script is used up, instead of
// the default segments.
func (s *Server) SetFallback(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &r
}

// RefuseVerbose makes the fake refuse verbose_json for models, as OpenAI
// refuses it for gpt-4o-transcribe: 400, param response_format.
func (s *Server) RefuseVerbose(models ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range models {
		s.verbose[m] = true
	}
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
	return len(s.requests)
}

// Requests returns the requests received so far, in the order they came.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// refusesVerbose reports whether model is refused verbose_json.
func (s *Server) refusesVerbose(model string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := strings.ToLower(model)
	return s.verbose[model] || strings.HasPrefix(m, "gpt-") && strings.Contains(m, "transcribe")
}

// take returns the reply to the next request: the next scripted one, or
// the fallback, or default segments (a zero Reply).
func (s *Server) take() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(s.queue) > 0:
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r
	case s.fallback != nil:
		return *s.fallback
	}
	return Reply{}
}

// record keeps req.
func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}
