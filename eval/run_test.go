package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

// script is what the fake analyzer does with one query.
type script struct {
	verdict    string
	confidence float64
	err        error
	usage      *core.AnalysisUsage
	sources    []string // URLs
	steps      []string // kinds
	took       time.Duration
	model      string
}

// fakeAnalyzer answers each query with its script. At a concurrency of 1 its
// clock advances by each script's duration, so that the durations measured
// by Run are exact.
type fakeAnalyzer struct {
	scripts map[string]script

	mu    sync.Mutex
	now   time.Time
	tasks []string // task ids, in the order called
}

func (f *fakeAnalyzer) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeAnalyzer) Analyze(_ context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
	s, ok := f.scripts[req.Query]
	if !ok {
		panic("no script for " + req.Query)
	}
	f.mu.Lock()
	f.now = f.now.Add(s.took)
	f.tasks = append(f.tasks, req.TaskID)
	f.mu.Unlock()
	if s.err != nil {
		return core.AnalysisResult{}, s.err
	}
	res := core.AnalysisResult{Verdict: s.verdict, Confidence: s.confidence, Usage: s.usage, Model: s.model}
	for _, u := range s.sources {
		res.Sources = append(res.Sources, core.Source{URL: u, Title: "t"})
	}
	for _, k := range s.steps {
		res.Steps = append(res.Steps, core.AnalysisStep{Kind: k, Target: "x", Outcome: "y"})
	}
	return res, nil
}

// scripted returns the claims of the report test and their fake analyzer.
func scripted() ([]Claim, *fakeAnalyzer) {
	claims := []Claim{
		{"c1", "TRUE"}, {"c2", "TRUE"}, {"c3", "FALSE"}, {"c4", "FALSE"},
		{"c5", "MIXED"}, {"c6", "MOSTLY_FALSE"}, {"c7", "UNVERIFIABLE"},
	}
	f := &fakeAnalyzer{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), scripts: map[string]script{
		"c1": {verdict: "TRUE", confidence: 0.9, usage: &core.AnalysisUsage{InputTokens: 100, OutputTokens: 10, ModelCalls: 2},
			sources: []string{"https://a.example/1", "attachment:x.pdf"}, steps: []string{"search", "fetch", "fetch"}, took: 2 * time.Second, model: "fake/one"},
		"c2": {verdict: "MOSTLY_TRUE", confidence: 0.6, usage: &core.AnalysisUsage{InputTokens: 200, OutputTokens: 20, ModelCalls: 3},
			sources: []string{"http://b.example"}, steps: []string{"search", "web_search"}, took: 4 * time.Second, model: "fake/one"},
		"c3": {verdict: "FALSE", confidence: 0.8, usage: &core.AnalysisUsage{InputTokens: 150, OutputTokens: 15, ModelCalls: 1},
			steps: []string{"fact_checks"}, took: time.Second, model: "fake/one"},
		"c4": {err: errors.New("model unavailable"), took: 10 * time.Second},
		"c5": {verdict: "TRUE", confidence: 0.7, usage: &core.AnalysisUsage{InputTokens: 50, OutputTokens: 5, ModelCalls: 1},
			sources: []string{"ftp://c.example/file"}, took: 3 * time.Second, model: "fake/one"},
		"c6": {verdict: "FALSE", confidence: 0.5, sources: []string{"https://d.example", "HTTPS://E.EXAMPLE/x"},
			steps: []string{"fetch"}, took: 5 * time.Second, model: "fake/one"},
		"c7": {verdict: "UNVERIFIABLE", confidence: 1, usage: &core.AnalysisUsage{}, took: 6 * time.Second, model: "fake/two"},
	}}
	return claims, f
}

func ptr(v float64) *float64 { return &v }

// TestEvalReportNumbers checks every number of a report against
// arithmetic done by hand.
func TestEvalReportNumbers(t *testing.T) {
	claims, f := scripted()
	r := Run(t.Context(), f, claims, Options{Concurrency: 1, Timeout: time.Minute, Now: f.Now})

	// Claims in order, one at a time, as eval_<n>.
	if want := []string{"eval_1", "eval_2", "eval_3", "eval_4", "eval_5", "eval_6", "eval_7"}; !reflect.DeepEqual(f.tasks, want) {
		t.Errorf("tasks %v", f.tasks)
	}
	row := func(counts map[string]int) map[string]int {
		m := map[string]int{"TRUE": 0, "MOSTLY_TRUE": 0, "MIXED": 0, "MOSTLY_FALSE": 0, "FALSE": 0, "UNVERIFIABLE": 0, "FAILED": 0}
		for k, v := range counts {
			m[k] = v
		}
		return m
	}
	want := Report{
		Model: "fake/one, fake/two", Concurrency: 1, TimeoutSeconds: 60,
		Claims: 7, Answered: 6, Failed: 1,
		Correct: 3, Accuracy: ptr(3.0 / 7), // c1, c3, c7; c4 failed counts as wrong
		LenientCorrect: 5, LenientAccuracy: ptr(5.0 / 7), // and c2 (MOSTLY_TRUE for TRUE), c6 (FALSE for MOSTLY_FALSE)
		AnsweredAccuracy: ptr(3.0 / 6),
		// (0.9−1)² + (0.6−0)² + (0.8−1)² + (0.7−0)² + (0.5−0)² + (1−1)²
		// = 0.01 + 0.36 + 0.04 + 0.49 + 0.25 + 0 = 1.15, over 6 answered.
		Brier:   ptr(1.15 / 6),
		Sourced: 3, SourcedShare: ptr(3.0 / 6), // c1, c2, c6 (ftp and attachments are no fetched pages)
		Confusion: map[string]map[string]int{
			"TRUE":         row(map[string]int{"TRUE": 1, "MOSTLY_TRUE": 1}),
			"FALSE":        row(map[string]int{"FALSE": 1, "FAILED": 1}),
			"MIXED":        row(map[string]int{"TRUE": 1}),
			"MOSTLY_FALSE": row(map[string]int{"FALSE": 1}),
			"UNVERIFIABLE": row(map[string]int{"UNVERIFIABLE": 1}),
		},
		InputTokens: 500, OutputTokens: 50, ModelCalls: 7, // 100+200+150+50, 10+20+15+5, 2+3+1+1
		MeanTokensPerAnswer: ptr(550.0 / 6),
		// 2, 4, 1, 10, 3, 5, 6 seconds: sum 31; sorted 1 2 3 [4] 5 6 10.
		MeanSeconds: 31.0 / 7, P50Seconds: 4, MaxSeconds: 10, WallSeconds: 31,
		Searches: 3, FactChecks: 1, Fetches: 3, // search+search+web_search; c3's; c1's two and c6's
	}
	got := r
	got.Outcomes = nil
	if !approxEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("report\n%s\nwant\n%s", g, w)
	}

	wantOutcomes := []Outcome{
		{N: 1, TaskID: "eval_1", Claim: "c1", Label: "TRUE", Verdict: "TRUE", Confidence: 0.9, Model: "fake/one", Correct: true, LenientCorrect: true,
			Seconds: 2, InputTokens: 100, OutputTokens: 10, ModelCalls: 2, Sources: 1, Steps: map[string]int{"search": 1, "fetch": 2}},
		{N: 2, TaskID: "eval_2", Claim: "c2", Label: "TRUE", Verdict: "MOSTLY_TRUE", Confidence: 0.6, Model: "fake/one", LenientCorrect: true,
			Seconds: 4, InputTokens: 200, OutputTokens: 20, ModelCalls: 3, Sources: 1, Steps: map[string]int{"search": 1, "web_search": 1}},
		{N: 3, TaskID: "eval_3", Claim: "c3", Label: "FALSE", Verdict: "FALSE", Confidence: 0.8, Model: "fake/one", Correct: true, LenientCorrect: true,
			Seconds: 1, InputTokens: 150, OutputTokens: 15, ModelCalls: 1, Steps: map[string]int{"fact_checks": 1}},
		{N: 4, TaskID: "eval_4", Claim: "c4", Label: "FALSE", Error: "model unavailable", Seconds: 10, Steps: map[string]int{}},
		{N: 5, TaskID: "eval_5", Claim: "c5", Label: "MIXED", Verdict: "TRUE", Confidence: 0.7, Model: "fake/one",
			Seconds: 3, InputTokens: 50, OutputTokens: 5, ModelCalls: 1, Steps: map[string]int{}},
		{N: 6, TaskID: "eval_6", Claim: "c6", Label: "MOSTLY_FALSE", Verdict: "FALSE", Confidence: 0.5, Model: "fake/one", LenientCorrect: true,
			Seconds: 5, Sources: 2, Steps: map[string]int{"fetch": 1}},
		{N: 7, TaskID: "eval_7", Claim: "c7", Label: "UNVERIFIABLE", Verdict: "UNVERIFIABLE", Confidence: 1, Model: "fake/two", Correct: true, LenientCorrect: true,
			Seconds: 6, Steps: map[string]int{}},
	}
	if !reflect.DeepEqual(r.Outcomes, wantOutcomes) {
		t.Errorf("outcomes\n%+v\nwant\n%+v", r.Outcomes, wantOutcomes)
	}
	if !r.Outcomes[3].Failed() || r.Outcomes[0].Failed() {
		t.Error("Failed() is wrong")
	}
}

// approxEqual compares reports, floats within 1e-12.
func approxEqual(a, b Report) bool {
	floats := []struct{ x, y *float64 }{
		{a.Accuracy, b.Accuracy}, {a.LenientAccuracy, b.LenientAccuracy}, {a.AnsweredAccuracy, b.AnsweredAccuracy},
		{a.Brier, b.Brier}, {a.SourcedShare, b.SourcedShare}, {a.MeanTokensPerAnswer, b.MeanTokensPerAnswer},
		{&a.MeanSeconds, &b.MeanSeconds}, {&a.P50Seconds, &b.P50Seconds}, {&a.MaxSeconds, &b.MaxSeconds},
		{&a.WallSeconds, &b.WallSeconds}, {&a.TimeoutSeconds, &b.TimeoutSeconds},
	}
	for _, f := range floats {
		if (f.x == nil) != (f.y == nil) || (f.x != nil && math.Abs(*f.x-*f.y) > 1e-12) {
			return false
		}
	}
	a.Accuracy, a.LenientAccuracy, a.AnsweredAccuracy, a.Brier, a.SourcedShare, a.MeanTokensPerAnswer = nil, nil, nil, nil, nil, nil
	b.Accuracy, b.LenientAccuracy, b.AnsweredAccuracy, b.Brier, b.SourcedShare, b.MeanTokensPerAnswer = nil, nil, nil, nil, nil, nil
	a.MeanSeconds, a.P50Seconds, a.MaxSeconds, a.WallSeconds, a.TimeoutSeconds = 0, 0, 0, 0, 0
	b.MeanSeconds, b.P50Seconds, b.MaxSeconds, b.WallSeconds, b.TimeoutSeconds = 0, 0, 0, 0, 0
	return reflect.DeepEqual(a, b)
}

// The JSON report has snake_case keys, null shares when nothing was
// answered, and empty lists rather than null.
func TestEvalReportJSON(t *testing.T) {
	claims, f := scripted()
	r := Run(t.Context(), f, claims, Options{Concurrency: 1, Now: f.Now})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := []string{"model", "concurrency", "timeout_seconds", "claims", "answered", "failed", "correct", "accuracy",
		"lenient_correct", "lenient_accuracy", "answered_accuracy", "brier", "sourced", "sourced_share", "confusion",
		"input_tokens", "output_tokens", "model_calls", "mean_tokens_per_answer", "mean_seconds", "p50_seconds",
		"max_seconds", "wall_seconds", "searches", "fact_checks", "fetches", "outcomes"}
	if len(m) != len(keys) {
		t.Errorf("%d keys, want %d: %s", len(m), len(keys), b)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	if m["timeout_seconds"] != 300.0 || m["concurrency"] != 1.0 {
		t.Errorf("defaults: timeout %v, concurrency %v", m["timeout_seconds"], m["concurrency"])
	}
	first, _ := json.Marshal(r.Outcomes[3])
	if want := `{"n":4,"task_id":"eval_4","claim":"c4","label":"FALSE","verdict":"","confidence":0,"correct":false,"lenient_correct":false,` +
		`"error":"model unavailable","seconds":10,"input_tokens":0,"output_tokens":0,"model_calls":0,"sources":0,"steps":{}}`; string(first) != want {
		t.Errorf("outcome\n%s\nwant\n%s", first, want)
	}

	empty, _ := json.Marshal(Run(t.Context(), f, nil, Options{}))
	for _, part := range []string{`"claims":0`, `"accuracy":null`, `"brier":null`, `"sourced_share":null`,
		`"mean_tokens_per_answer":null`, `"confusion":{}`, `"outcomes":[]`, `"concurrency":4`} {
		if !strings.Contains(string(empty), part) {
			t.Errorf("no %s in %s", part, empty)
		}
	}
}

// Run never analyses more claims at once than the limit (4 by default),
// and reaches it.
func TestEvalConcurrencyLimit(t *testing.T) {
	// opt: the option; want: the most claims at once (20 workers have 12
	// claims); reported: the concurrency the report gives.
	for _, tc := range []struct{ opt, want, reported int }{{0, 4, 4}, {1, 1, 1}, {3, 3, 3}, {20, 12, 20}} {
		var inFlight, most atomic.Int32
		reached := make(chan struct{})
		var once sync.Once
		a := analyzerFunc(func(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			if int(n) == tc.want {
				once.Do(func() { close(reached) })
			}
			select { // hold the first calls until the limit is reached
			case <-reached:
			case <-time.After(5 * time.Second):
			}
			time.Sleep(time.Millisecond)
			return core.AnalysisResult{Verdict: "TRUE", Confidence: 1}, nil
		})
		claims := make([]Claim, 12)
		for i := range claims {
			claims[i] = Claim{Claim: "c", Label: "TRUE"}
		}
		r := Run(t.Context(), a, claims, Options{Concurrency: tc.opt})
		if got := int(most.Load()); got != tc.want || r.Answered != 12 || r.Correct != 12 {
			t.Errorf("concurrency %d: at most %d at once, want %d; %d answered", tc.opt, got, tc.want, r.Answered)
		}
		if r.Concurrency != tc.reported {
			t.Errorf("concurrency %d reported as %d", tc.opt, r.Concurrency)
		}
	}
}

type analyzerFunc func(context.Context, core.AnalysisRequest) (core.AnalysisResult, error)

func (f analyzerFunc) Analyze(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
	return f(ctx, req)
}

// An analysis that outlives the timeout fails as timed out; the others go
// on.
func TestEvalTimeout(t *testing.T) {
	a := analyzerFunc(func(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
		if req.Query == "slow" {
			<-ctx.Done()
			return core.AnalysisResult{}, ctx.Err()
		}
		return core.AnalysisResult{Verdict: "FALSE", Confidence: 0.5}, nil
	})
	claims := []Claim{{"slow", "TRUE"}, {"quick", "FALSE"}}
	r := Run(t.Context(), a, claims, Options{Timeout: 20 * time.Millisecond})
	o := r.Outcomes[0]
	if o.Error != "timed out after 20ms: context deadline exceeded" || o.Seconds < 0.02 || o.Skipped {
		t.Errorf("slow claim: %+v", o)
	}
	if r.Failed != 1 || r.Answered != 1 || r.Correct != 1 || *r.Accuracy != 0.5 || *r.AnsweredAccuracy != 1 ||
		r.Confusion["TRUE"]["FAILED"] != 1 || r.MaxSeconds < 0.02 {
		t.Errorf("report %+v", r)
	}
}

// When the run is cancelled, the analysis under way fails and the claims
// not started are skipped; all count as failed.
func TestEvalCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var calls atomic.Int32
	a := analyzerFunc(func(actx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
		if calls.Add(1) == 2 {
			cancel()
			<-actx.Done()
			return core.AnalysisResult{}, actx.Err()
		}
		return core.AnalysisResult{Verdict: "TRUE", Confidence: 1}, nil
	})
	claims := []Claim{{"a", "TRUE"}, {"b", "TRUE"}, {"c", "TRUE"}, {"d", "FALSE"}}
	var heard []int
	r := Run(ctx, a, claims, Options{Concurrency: 1, Progress: func(o Outcome) { heard = append(heard, o.N) }})
	if r.Answered != 1 || r.Failed != 3 || r.Correct != 1 || *r.Accuracy != 0.25 {
		t.Errorf("report: %d answered, %d failed, %d correct", r.Answered, r.Failed, r.Correct)
	}
	if o := r.Outcomes[1]; o.Error != "context canceled" || o.Skipped {
		t.Errorf("claim under way: %+v", o)
	}
	for _, o := range r.Outcomes[2:] {
		if o.Error != "not run: context canceled" || !o.Skipped || o.TaskID != fmt.Sprintf("eval_%d", o.N) {
			t.Errorf("claim not started: %+v", o)
		}
	}
	if r.Confusion["TRUE"]["FAILED"] != 2 || r.Confusion["FALSE"]["FAILED"] != 1 || r.Confusion["TRUE"]["TRUE"] != 1 {
		t.Errorf("confusion %v", r.Confusion)
	}
	if calls.Load() != 2 || !reflect.DeepEqual(heard, []int{1, 2}) {
		t.Errorf("%d calls, progress heard %v", calls.Load(), heard)
	}
}

// Progress hears every claim once, one call at a time.
func TestEvalProgress(t *testing.T) {
	a := analyzerFunc(func(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
		time.Sleep(time.Millisecond)
		return core.AnalysisResult{Verdict: "TRUE", Confidence: 1}, nil
	})
	claims := make([]Claim, 20)
	for i := range claims {
		claims[i] = Claim{Claim: "c", Label: "TRUE"}
	}
	var busy atomic.Bool
	seen := map[int]int{}
	Run(t.Context(), a, claims, Options{Concurrency: 5, Progress: func(o Outcome) {
		if !busy.CompareAndSwap(false, true) {
			t.Error("Progress called concurrently")
		}
		seen[o.N]++
		time.Sleep(100 * time.Microsecond)
		busy.Store(false)
	}})
	if len(seen) != 20 {
		t.Errorf("heard %d claims: %v", len(seen), seen)
	}
	for n, c := range seen {
		if c != 1 || n < 1 || n > 20 {
			t.Errorf("claim %d heard %d times", n, c)
		}
	}
}
