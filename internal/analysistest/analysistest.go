// Package analysistest builds, for tests, the analysis half of a
// core.Service: the real agent against a scriptable modeltest fake of a
// model provider, and real River jobs over the test's store. Only tests
// import it.
package analysistest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent"
	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/jobs"
	"github.com/clara-backend/clara/store"
)

// The model the test agent is configured with, and the result's name of it.
const (
	Model     = "gpt-test"
	ModelName = "openai/" + Model
)

// Options vary the analyses of a test environment.
type Options struct {
	NoModel   bool              // no model configured: the jobs run, the agent is off
	NoWorkers bool              // jobs are queued but never run: tasks stay PENDING
	Fetcher   agent.Fetcher     // the agent's page fetcher; nil: the default, public addresses only
	Searcher  search.Searcher   // the agent's web search; nil: none
	Media     agent.MediaReader // reads video and audio attachments; nil: they are not taken
}

// Parts are the analysis parts of a test environment.
type Parts struct {
	Model *modeltest.Server // the fake provider the agent calls
	Jobs  *jobs.Jobs
	run   bool
}

// New builds the parts over db and puts the agent and the queue in deps.
// Start them once the service is built.
func New(t testing.TB, db store.DB, o Options, deps *core.Deps) *Parts {
	t.Helper()
	p := &Parts{Model: modeltest.New(t), run: !o.NoWorkers}
	deps.Attachments = agent.Files() // as clara serve wires it
	if !o.NoModel {
		a, err := agent.New(agent.Config{
			Provider: agent.ProviderOpenAI, Model: Model, APIKey: "sk-test", BaseURL: p.Model.URL(), Searcher: o.Searcher, Media: o.Media,
		}, o.Fetcher)
		if err != nil {
			t.Fatalf("agent.New: %v", err)
		}
		deps.Analyzer = a
	}
	if err := jobs.Migrate(context.Background(), db, nil); err != nil {
		t.Fatalf("jobs.Migrate: %v", err)
	}
	workers := 2
	if o.NoWorkers {
		workers = 0
	}
	q, err := jobs.New(db, jobs.Config{
		Workers: workers, MaxAttempts: 3, PollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	p.Jobs, deps.Queue = q, q
	return p
}

// Start starts the workers on svc, stopped when the test ends. A nil p
// does nothing.
func (p *Parts) Start(t testing.TB, svc *core.Service) {
	t.Helper()
	if p == nil || !p.run {
		return
	}
	if err := p.Jobs.Start(context.Background(), svc); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := p.Jobs.Stop(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
	})
}
