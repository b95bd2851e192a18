package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/api"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/sqlite"
)

// loadWorkers is how many clients send requests at once.
const loadWorkers = 8

// BenchmarkHealthVsBare sends b.N requests to GET /api/v1/health through
// Clara's whole HTTP stack (embedded store, logging, metrics) and b.N to a
// bare net/http handler that writes the same bytes, in alternating rounds
// over loopback, and reports both rates and their ratio (goal: ≥ 0.8).
func BenchmarkHealthVsBare(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "clara.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := core.New(core.Deps{Store: db, Version: "bench"})
	clara := httptest.NewServer(api.New(svc, api.Options{
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics: prometheus.NewRegistry(),
	}))
	defer clara.Close()

	body := fetch(b, clara.URL+"/api/v1/health")
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer bare.Close()
	if got := fetch(b, bare.URL); string(got) != string(body) {
		b.Fatalf("bare handler answers %q, Clara %q", got, body)
	}

	const rounds = 4
	per := max(b.N/rounds, loadWorkers)
	var claraTime, bareTime time.Duration
	b.ResetTimer()
	for range rounds {
		claraTime += load(b, clara.URL+"/api/v1/health", per)
		bareTime += load(b, bare.URL, per)
	}
	b.StopTimer()
	n := float64(per * rounds)
	claraRPS, bareRPS := n/claraTime.Seconds(), n/bareTime.Seconds()
	b.ReportMetric(claraRPS, "clara-req/s")
	b.ReportMetric(bareRPS, "bare-req/s")
	b.ReportMetric(claraRPS/bareRPS, "ratio")
}

func fetch(b *testing.B, url string) []byte {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return body
}

// load sends n GET requests to url from loadWorkers clients over kept-alive
// connections and returns the elapsed time.
func load(b *testing.B, url string, n int) time.Duration {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadWorkers}}
	defer client.CloseIdleConnections()
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for range loadWorkers {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				resp, err := client.Get(url)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
