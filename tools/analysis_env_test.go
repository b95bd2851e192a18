package tools

import (
	"context"
	"io"
	"log/slog"
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
	noWorkers bool // jobs are queued but never run: tasks stay PENDING
}

// analysisParts are what an environment with analyses has besides the
// core: the fake model provider and the job queue.
type analysisParts struct {
	model *modeltest.Server
	jobs  *jobs.Jobs
	run   bool                 // whether start starts the workers
	svc   func() *core.Service // the service the workers run tasks through
}

// newAnalysisParts builds the real agent against a modeltest fake and the
// real River jobs over db, and puts them in deps; svc returns the service
// once it is built (the jobs run its tasks).
func newAnalysisParts(t *testing.T, db store.DB, cfg analysisConfig, deps *core.Deps, svc func() *core.Service) *analysisParts {
	t.Helper()
	p := &analysisParts{model: modeltest.New(t), run: !cfg.noWorkers, svc: svc}
	a, err := agent.New(agent.Config{Provider: agent.ProviderOpenAI, Model: "gpt-test", APIKey: "sk-test", BaseURL: p.model.URL()},
		fetch.New(fetch.Config{}))
	if err != nil {
		t.Fatalf("agent.New: %v", err)
	}
	if err := jobs.Migrate(t.Context(), db, nil); err != nil {
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
	p.jobs, deps.Analyzer, deps.Queue = q, a, q
	return p
}

// start starts the workers, stopped when the test ends. A nil p does
// nothing.
func (p *analysisParts) start(t *testing.T) {
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

// member is an active user, as the analysis tests hold it.
type member struct {
	ID, Token string
}

// newMember registers and activates email through the core and grants it
// credits (none when 0).
func (e *accountsEnv) newMember(t *testing.T, email string, credits int64) member {
	t.Helper()
	ctx := core.WithCredentials(t.Context(), core.Credentials{Authorization: testPublicKey, Transport: core.TransportInProcess})
	in, err := e.svc.Register(ctx, core.RegisterInput{FirstName: "Ada", LastName: "Lovelace", Email: email, Password: "Analytical-Engine-1843"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	if _, err := e.svc.Activate(ctx, email, e.code(t, email)); err != nil {
		t.Fatalf("activate %s: %v", email, err)
	}
	if credits > 0 {
		if _, _, err := e.svc.GrantCredits(t.Context(), core.GrantInput{Email: email, Credits: credits, Reason: "test", Key: core.NewID("")}); err != nil {
			t.Fatalf("grant: %v", err)
		}
	}
	return member{ID: in.User.ID, Token: in.Token}
}
