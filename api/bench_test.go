package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/core"
)

// benchHandlers returns the whole stack of New over a migrated SQLite store,
// logging JSON to io.Discard and counting into a fresh registry, and a bare
// handler that writes the same bytes, to compare against.
func benchHandlers(b *testing.B) (stack, bare http.Handler) {
	b.Helper()
	svc := core.New(core.Deps{Store: openStore(b), Version: testVersion})
	stack = New(svc, Options{
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics: prometheus.NewRegistry(),
	})
	body := []byte(healthyBody)
	bare = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	return stack, bare
}

// discardWriter is a ResponseWriter that costs nothing, so that a
// benchmark measures the handler alone.
type discardWriter struct {
	header http.Header
	code   int
}

func (d *discardWriter) Header() http.Header { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(b), nil
}
func (d *discardWriter) WriteHeader(code int) { d.code = code }

// BenchmarkHealth serves GET /api/v1/health through the whole stack
// (request id, recovery, access log, metrics, routing, the store's ping),
// and, for comparison, through a bare handler writing the same bytes.
func BenchmarkHealth(b *testing.B) {
	stack, bare := benchHandlers(b)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"stack", stack}, {"bare", bare}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/health", nil)
			w := &discardWriter{header: make(http.Header)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				w.code = 0
				bc.h.ServeHTTP(w, req)
			}
			if w.code != http.StatusOK {
				b.Fatalf("status %d", w.code)
			}
		})
	}
}

// BenchmarkHealthOverHTTP serves GET /api/v1/health over loopback
// connections from parallel keep-alive clients (4 per CPU), through the whole stack and
// through the bare handler: the ratio of their ns/op is the ratio of their
// requests per second.
func BenchmarkHealthOverHTTP(b *testing.B) {
	stack, bare := benchHandlers(b)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"stack", stack}, {"bare", bare}} {
		b.Run(bc.name, func(b *testing.B) {
			ts := httptest.NewServer(bc.h)
			defer ts.Close()
			client := ts.Client()
			client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			url := ts.URL + "/api/v1/health"
			b.ReportAllocs()
			b.SetParallelism(4) // 4 clients per CPU
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}
