package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent"
	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/jobs"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/sqlite"
)

// instantModel is an OpenAI-compatible chat server that answers every call
// at once with a valid analysis, and notes when each task's call arrived.
type instantModel struct {
	mu      sync.Mutex
	arrived map[string]time.Time // by task label
}

var labelRE = regexp.MustCompile(`bench task \d+`)

func (m *instantModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	body, _ := io.ReadAll(r.Body)
	if label := labelRE.Find(body); label != nil {
		m.mu.Lock()
		if _, seen := m.arrived[string(label)]; !seen {
			m.arrived[string(label)] = now
		}
		m.mu.Unlock()
	}
	answer := `{"verdict":"TRUE","confidence":0.9,"summary":"Fine.","claims":[{"claim":"c","verdict":"TRUE","explanation":"e","sources":[]}],"sources":[],"model":"x"}`
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": now.Unix(), "model": "instant",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": answer}}},
	})
}

// BenchmarkTasks runs analyses against an instant fake model through the
// whole pipeline (task row, credit hold and River job in one transaction; a
// worker; the agent; capture), on PostgreSQL and on SQLite: b.N asked at
// once, for tasks completed per second, then b.N one at a time, for the
// time from the analysis request to the worker calling the model (median
// and 99th percentile).
func BenchmarkTasks(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(b *testing.B) store.DB
	}{
		{"postgres", func(b *testing.B) store.DB {
			db, err := postgres.Open(context.Background(), pgtest.NewURL(b))
			if err != nil {
				b.Fatal(err)
			}
			return db
		}},
		{"sqlite", func(b *testing.B) store.DB {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "clara.db"))
			if err != nil {
				b.Fatal(err)
			}
			return db
		}},
	} {
		b.Run(tc.name, func(b *testing.B) { benchTasks(b, tc.open(b)) })
	}
}

func benchTasks(b *testing.B, db store.DB) {
	ctx := context.Background()
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := jobs.Migrate(ctx, db, nil); err != nil {
		b.Fatal(err)
	}
	model := &instantModel{arrived: map[string]time.Time{}}
	modelSrv := httptest.NewServer(model)
	defer modelSrv.Close()
	analyzer, err := agent.New(agent.Config{Provider: "openai", Model: "instant", BaseURL: modelSrv.URL + "/v1"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	queue, err := jobs.New(db, jobs.Config{Workers: 4, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	svc := core.New(core.Deps{Store: db, Version: "bench", PublicAPIKey: "bench-public-key-01",
		Passwords: auth.NewPasswords(auth.FastPasswordParams), Mailer: discardMailer{}, Analyzer: analyzer, Queue: queue, Logger: quiet})
	if err := queue.Start(ctx, svc); err != nil {
		b.Fatal(err)
	}
	defer queue.Stop(ctx)

	caller := benchUser(b, svc, db, int64(b.N)*40)
	submit := func(i int) (string, time.Time) {
		label := fmt.Sprintf("bench task %d", i)
		t0 := time.Now()
		t, err := svc.Analyze(ctx, caller, "", core.AnalyzeInput{Query: "Check this: " + label + "."})
		if err != nil {
			b.Fatal(err)
		}
		return t.ID, t0
	}
	b.ResetTimer()

	// Throughput: b.N analyses asked at once, run by the workers.
	begin := time.Now()
	ids := make([]string, b.N)
	for i := range b.N {
		ids[i], _ = submit(i)
	}
	for _, id := range ids {
		waitDone(b, svc, ctx, caller, id)
	}
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "tasks/s")

	// Latency: one analysis at a time, from the request to the worker
	// calling the model.
	lat := make([]time.Duration, 0, b.N)
	for i := b.N; i < 2*b.N; i++ {
		id, t0 := submit(i)
		waitDone(b, svc, ctx, caller, id)
		model.mu.Lock()
		t1, ok := model.arrived[fmt.Sprintf("bench task %d", i)]
		model.mu.Unlock()
		if ok {
			lat = append(lat, t1.Sub(t0))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(ms(lat[len(lat)/2]), "start-p50-ms")
		b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "start-p99-ms")
	}
	if bad, err := svc.Reconcile(ctx); err != nil || len(bad) != 0 {
		b.Fatalf("books: %+v %v", bad, err)
	}
}

func waitDone(b *testing.B, svc *core.Service, ctx context.Context, caller core.Principal, id string) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		t, err := svc.ViewTask(ctx, caller, "", id)
		if err != nil {
			b.Fatal(err)
		}
		if t.Status == core.TaskCompleted {
			return
		}
		if t.Status == core.TaskFailed || time.Now().After(deadline) {
			b.Fatalf("task %s: %s %v", id, t.Status, t.Error)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// benchUser signs up an active user with credits and returns the caller of
// its user token.
func benchUser(b *testing.B, svc *core.Service, db store.DB, credits int64) core.Principal {
	ctx := context.Background()
	app, err := svc.Identify(ctx, core.Credentials{Authorization: "bench-public-key-01", Transport: core.TransportInProcess})
	if err != nil {
		b.Fatal(err)
	}
	email := fmt.Sprintf("bench-%d@example.com", time.Now().UnixNano())
	in, err := svc.Register(ctx, app, core.RegisterInput{FirstName: "B", LastName: "B", Email: email, Password: "bench-password-1843"})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.ActivateUser(ctx, in.ID, time.Now()); err != nil {
		b.Fatal(err)
	}
	if _, _, err := svc.GrantCredits(ctx, core.GrantInput{Email: email, Credits: credits, Reason: "bench", Key: "bench"}); err != nil {
		b.Fatal(err)
	}
	p, err := svc.Identify(ctx, core.Credentials{Authorization: "Bearer " + in.Token, Transport: core.TransportInProcess})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

type discardMailer struct{}

func (discardMailer) Send(context.Context, core.Message) error { return nil }
