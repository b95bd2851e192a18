package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent"
	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/jobs"
	"github.com/clara-backend/clara/store"
)

// analysisConfig varies the analyses of a test environment.
type analysisConfig struct {
	noModel   bool // no model configured: the jobs run, the agent is off
	noWorkers bool // jobs are queued but never run: tasks stay PENDING
}

// The model the test agent is configured with, and the result's name of it.
const (
	testModel     = "gpt-test"
	testModelName = "openai/" + testModel
)

// analysisParts are what an environment with analyses has besides the
// core: the fake model provider, a web page server on loopback, and the
// job queue.
type analysisParts struct {
	model *modeltest.Server
	pages *httptest.Server // serves pagePath
	jobs  *jobs.Jobs
	run   bool                 // whether start starts the workers
	svc   func() *core.Service // the service the workers run tasks through
}

// pagePath is the page the pages server serves: pageTitle, with pageText.
const (
	pagePath  = "/eiffel"
	pageTitle = "The Eiffel Tower"
	pageText  = "The Eiffel Tower stands in Paris, France; it is 330 metres tall."
)

// newAnalysisParts builds the analysis parts over db and puts the agent
// and the queue in deps; svc returns the service once it is built (the
// jobs run its tasks).
func newAnalysisParts(t testing.TB, db store.DB, cfg analysisConfig, deps *core.Deps, svc func() *core.Service) *analysisParts {
	t.Helper()
	p := &analysisParts{model: modeltest.New(t), run: !cfg.noWorkers, svc: svc}
	p.pages = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != pagePath {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body><p>%s</p></body></html>", pageTitle, pageText)
	}))
	t.Cleanup(p.pages.Close)
	if !cfg.noModel {
		a, err := agent.New(agent.Config{
			Provider: agent.ProviderOpenAI, Model: testModel, APIKey: "sk-test", BaseURL: p.model.URL(),
		}, fetch.New(fetch.Config{AllowAddr: loopbackOrPublic}))
		if err != nil {
			t.Fatalf("agent.New: %v", err)
		}
		deps.Analyzer = a
	}
	if err := jobs.Migrate(context.Background(), db, nil); err != nil {
		t.Fatalf("jobs.Migrate: %v", err)
	}
	workers := 2
	if cfg.noWorkers {
		workers = 0
	}
	q, err := jobs.New(db, jobs.Config{
		Workers: workers, MaxAttempts: 3, PollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	p.jobs, deps.Queue = q, q
	return p
}

// start starts the workers, stopped when the test ends. A nil p does
// nothing.
func (p *analysisParts) start(t testing.TB) {
	t.Helper()
	if p == nil || !p.run {
		return
	}
	if err := p.jobs.Start(context.Background(), p.svc()); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := p.jobs.Stop(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
	})
}

// pageURL is the URL of the test page.
func (p *analysisParts) pageURL() string { return p.pages.URL + pagePath }

// loopbackOrPublic lets the fetcher reach the loopback page server as well
// as public addresses.
func loopbackOrPublic(a netip.Addr) bool { return a.IsLoopback() || fetch.PublicAddr(a) }
