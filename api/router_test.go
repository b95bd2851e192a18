package api

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newHTTPServer serves h on a loopback port until the test ends.
func newHTTPServer(tb testing.TB, h http.Handler) *httptest.Server {
	tb.Helper()
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return ts
}

func TestRouting(t *testing.T) {
	env := newTestEnv(t, Options{})
	notFound := errorBody("null", "The requested route does not exist.")
	notAllowed := errorBody("null", "The requested method is not allowed for this route.")
	for _, tc := range []struct {
		method, target string
		status         int
		body, allow    string
	}{
		{"GET", "/", 404, notFound, ""},
		{"GET", "/api", 404, notFound, ""},
		{"GET", "/api/v1", 404, notFound, ""},
		{"GET", "/api/v1/", 404, notFound, ""},
		{"GET", "/api/v1/health/", 404, notFound, ""},
		{"GET", "/api/v2/health", 404, notFound, ""},
		{"POST", "/nope", 404, notFound, ""},
		{"DELETE", "/api/v1/health", 405, notAllowed, "GET, HEAD"},
		{"POST", "/api/v1/version", 405, notAllowed, "GET, HEAD"},
		{"OPTIONS", "/api/v1/health", 405, notAllowed, "GET, HEAD"},
		{"BREW", "/api/v1/health", 405, notAllowed, "GET, HEAD"},
		{"GET", "/api/v1/test/echo", 405, notAllowed, "POST"},
	} {
		rec := env.do(tc.method, tc.target, nil)
		if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: got %d %q Allow %q, want %d %q Allow %q", tc.method, tc.target,
				rec.Code, rec.Body, rec.Header().Get("Allow"), tc.status, tc.body, tc.allow)
		}
	}
}

func TestMounts(t *testing.T) {
	var gotID string
	mcp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID = RequestID(r.Context())
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path+" "+strconv.Itoa(len(body)))
	})
	metricsOnly := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "# metrics")
	})
	env := newTestEnv(t, Options{Mounts: []Mount{
		{Pattern: "/mcp", Handler: mcp},
		{Pattern: "/static/*", Handler: mcp},
		{Pattern: "GET /metrics", Handler: metricsOnly},
	}})

	// Mounted handlers are not limited to 1 MiB, nor given JSON headers.
	big := strings.Repeat("x", 2<<20)
	rec := env.do("POST", "/mcp", strings.NewReader(big))
	if rec.Code != 200 || rec.Body.String() != "POST /mcp "+strconv.Itoa(len(big)) {
		t.Errorf("POST /mcp: %d %q", rec.Code, rec.Body)
	}
	h := rec.Header()
	if h.Get("Content-Type") != "text/plain" || h.Get("Cache-Control") != "" || h.Get("X-Content-Type-Options") != "" {
		t.Errorf("POST /mcp headers: %v", h)
	}
	if id := h.Get(RequestIDHeader); id == "" || id != gotID {
		t.Errorf("X-Request-Id %q, RequestID(ctx) %q", id, gotID)
	}

	rec = env.do("GET", "/static/a/b", nil)
	if rec.Code != 200 || rec.Body.String() != "GET /static/a/b 0" {
		t.Errorf("GET /static/a/b: %d %q", rec.Code, rec.Body)
	}
	rec = env.do("GET", "/metrics", nil)
	if rec.Code != 200 || rec.Body.String() != "# metrics" {
		t.Errorf("GET /metrics: %d %q", rec.Code, rec.Body)
	}
	rec = env.do("POST", "/metrics", nil)
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /metrics: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = env.do("GET", "/mcp/deeper", nil)
	if rec.Code != 404 {
		t.Errorf("GET /mcp/deeper: %d", rec.Code)
	}
	// The API is still there.
	if rec := env.do("GET", "/api/v1/health", nil); rec.Code != 200 {
		t.Errorf("health: %d", rec.Code)
	}
}

// copyBody copies resp's body into w and closes it.
func copyBody(w io.Writer, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}

// TestMountStreaming checks that a mounted streaming handler (the MCP SSE
// transport) can flush and set deadlines through the middleware's writer.
func TestMountStreaming(t *testing.T) {
	sse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "no flusher", http.StatusInternalServerError)
			return
		}
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: endpoint\ndata: /message\n\n")
		flusher.Flush()
		<-r.Context().Done() // a stream lasts until the client leaves
	})
	env := newTestEnv(t, Options{Mounts: []Mount{{Pattern: "GET /sse", Handler: sse}}})
	ts := newHTTPServer(t, env.srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/sse", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "event: endpoint\n" || resp.Header.Get(RequestIDHeader) == "" {
		t.Fatalf("got %q %v, headers %v", line, err, resp.Header)
	}
}
