package transcribetest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/internal/fakescript"
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

	// The script of replies (with the queue used up: default segments,
	// or the fallback) and the requests received.
	fakescript.Script[Request, Reply]

	mu      sync.Mutex
	verbose map[string]bool // models refused verbose_json, besides gpt-*transcribe
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

// RefuseVerbose makes the fake refuse verbose_json for models, as OpenAI
// refuses it for gpt-4o-transcribe: 400, param response_format.
func (s *Server) RefuseVerbose(models ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range models {
		s.verbose[m] = true
	}
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
	r, _ := s.Take()
	return r
}
