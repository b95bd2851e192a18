package agent

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

func TestAnalyzeProviderErrors(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		for _, tc := range []struct {
			status    int
			typ       string
			transient bool
		}{
			{http.StatusInternalServerError, "api_error", true},
			{529, "overloaded_error", true},
			{http.StatusTooManyRequests, "rate_limit_error", true},
			{http.StatusUnauthorized, "authentication_error", false},
			{http.StatusBadRequest, "invalid_request_error", false},
		} {
			fake := newFake(t, w.path, w.apiErr(tc.status, tc.typ), w.text(answerJSON()))
			a := newTestAgent(t, w, fake, newTestFetcher())
			_, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
			if got := core.IsTransient(err); got != tc.transient {
				t.Errorf("status %d: transient = %v, want %v (err %v)", tc.status, got, tc.transient, err)
			}
			var failed *core.FailedAnalysis
			if isFailed := errors.As(err, &failed); isFailed == tc.transient || (isFailed && failed.Reason != reasonRefused) {
				t.Errorf("status %d: err = %v, want a FailedAnalysis only for a refused request", tc.status, err)
			}
			if n := len(fake.requests()); n != 1 {
				t.Errorf("status %d: %d calls, want 1 (no SDK retries)", tc.status, n)
			}
		}
	})
}

func TestAnalyzeTimeoutAndNetworkAreTransient(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client hanging up
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}))
		defer slow.Close()
		a, err := New(Config{Provider: w.provider, Model: w.model, APIKey: "k", BaseURL: w.baseURL(slow.URL), RequestTimeout: 50 * time.Millisecond}, newTestFetcher())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q"}); !core.IsTransient(err) {
			t.Errorf("timeout: err = %v, want transient", err)
		}

		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		a, _ = New(Config{Provider: w.provider, Model: w.model, APIKey: "k", BaseURL: w.baseURL(closed.URL)}, newTestFetcher())
		if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q"}); !core.IsTransient(err) {
			t.Errorf("connection refused: err = %v, want transient", err)
		}

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := a.Analyze(ctx, core.AnalysisRequest{Query: "q"}); !errors.Is(err, context.Canceled) || core.IsTransient(err) {
			t.Errorf("cancelled: err = %v, want context.Canceled, not transient", err)
		}
	})
}

func TestOpenAIIgnoresEnvironment(t *testing.T) {
	w := wires[1]
	t.Setenv("OPENAI_API_KEY", "env-secret")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	fake := newFake(t, w.path, w.text(answerJSON()))
	a, err := New(Config{Provider: ProviderOpenAI, Model: "local", BaseURL: w.baseURL(fake.srv.URL)}, newTestFetcher())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q"}); err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if got := fake.header(0).Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none: the environment's key must not leak to a configured server", got)
	}
}

func TestAnthropicIgnoresEnvironment(t *testing.T) {
	w := wires[0]
	t.Setenv("ANTHROPIC_API_KEY", "env-secret")
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1")
	fake := newFake(t, w.path, w.text(answerJSON()))
	a := newTestAgent(t, w, fake, newTestFetcher())
	if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "q"}); err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if got := fake.header(0).Get("X-Api-Key"); got != "test-key" {
		t.Errorf("x-api-key = %q, want the configured key", got)
	}
}
