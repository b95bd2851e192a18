package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/eval"
)

// fakeSearXNG is a SearXNG instance on 127.0.0.1 that answers every search
// with two results and records the queries.
type fakeSearXNG struct {
	*httptest.Server
	mu      sync.Mutex
	queries []string
}

func newFakeSearXNG(t *testing.T) *fakeSearXNG {
	t.Helper()
	s := &fakeSearXNG{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		s.queries = append(s.queries, r.URL.Query().Get("q"))
		n := len(s.queries)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"results": [{"title": "Result A", "url": "https://a.example/%d", "content": "A snippet."},`+
			`{"title": "Result B", "url": "https://b.example/%d", "content": "Another."}]}`, n, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeSearXNG) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// sampleClaims reads the shipped eval/claims.jsonl and returns its
// absolute path (testEnv changes the working directory).
func sampleClaims(t *testing.T) (string, []eval.Claim) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "eval", "claims.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	claims, err := eval.ReadClaims(f)
	if err != nil || len(claims) < 6 {
		t.Fatalf("%s: %d claims, %v", path, len(claims), err)
	}
	return path, claims
}

// evalVars is the configuration of an eval against the fake model and
// the fake SearXNG.
func evalVars(model *modeltest.Server, searx *fakeSearXNG) []string {
	return []string{"CLARA_MODEL_PROVIDER", "openai", "CLARA_MODEL_BASE_URL", model.URL(), "CLARA_MODEL_API_KEY", "sk-test",
		"CLARA_SEARCH_PROVIDER", "searxng", "CLARA_SEARCH_URL", searx.URL}
}

// TestEvalCommandOnTheSample runs `clara eval --json` over the shipped
// sample with a fake model that searches for each claim, then gives the
// claim's label for the first two thirds of the claims and FALSE for the
// rest, and checks the report against numbers worked out here from the
// file. The claims run one at a time, so that the fake's scripted replies
// (a queue) pair with them in order.
func TestEvalCommandOnTheSample(t *testing.T) {
	path, claims := sampleClaims(t)
	n := len(claims)
	right := 2 * n / 3
	const confRight, confRest = 0.8, 0.6

	model := modeltest.New(t)
	searx := newFakeSearXNG(t)
	verdicts := make([]string, n)
	for i, c := range claims {
		verdict, conf := c.Label, confRight
		if i >= right {
			verdict, conf = "FALSE", confRest
		}
		verdicts[i] = verdict
		answer := modeltest.NewAnalysis(verdict) // cites nothing: the fetcher refuses 127.0.0.1
		answer.Confidence = conf
		model.Enqueue(modeltest.ToolCall("search_web", map[string]any{"query": c.Claim}), modeltest.Answer(answer.JSON()))
	}

	env, out, errOut := testEnv(t, nil, evalVars(model, searx)...)
	dataDir, _ := env.lookupEnv("CLARA_DATA_DIR")
	code := run(t.Context(), []string{"eval", "--claims", path, "--concurrency", "1", "--json"}, env)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, errOut)
	}
	var got eval.Report
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out)
	}

	// The expected report, from the claims alone.
	correct, lenient := right, right
	brierSum := float64(right) * (confRight - 1) * (confRight - 1)
	confusion := map[string]map[string]int{}
	for i, c := range claims {
		if confusion[c.Label] == nil {
			confusion[c.Label] = map[string]int{eval.FailedColumn: 0}
			for _, v := range core.Verdicts {
				confusion[c.Label][v] = 0
			}
		}
		confusion[c.Label][verdicts[i]]++
		if i < right {
			continue
		}
		switch c.Label {
		case "FALSE":
			correct++
			lenient++
			brierSum += (confRest - 1) * (confRest - 1)
		case "MOSTLY_FALSE":
			lenient++
			brierSum += confRest * confRest
		default:
			brierSum += confRest * confRest
		}
	}
	// Each claim takes two model calls of 10 input and 10 output tokens
	// each (the fake's usage) and one search.
	checks := []struct {
		name      string
		got, want any
	}{
		{"model", got.Model, "openai/gpt-4o-mini"},
		{"concurrency", got.Concurrency, 1},
		{"timeout_seconds", got.TimeoutSeconds, 300.0},
		{"claims", got.Claims, n},
		{"answered", got.Answered, n},
		{"failed", got.Failed, 0},
		{"correct", got.Correct, correct},
		{"lenient_correct", got.LenientCorrect, lenient},
		{"confusion", got.Confusion, confusion},
		{"sourced", got.Sourced, 0},
		{"input_tokens", got.InputTokens, int64(20 * n)},
		{"output_tokens", got.OutputTokens, int64(20 * n)},
		{"model_calls", got.ModelCalls, 2 * n},
		{"searches", got.Searches, n},
		{"fact_checks", got.FactChecks, 0},
		{"fetches", got.Fetches, 0},
		{"outcomes", len(got.Outcomes), n},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	shares := []struct {
		name string
		got  *float64
		want float64
	}{
		{"accuracy", got.Accuracy, float64(correct) / float64(n)},
		{"lenient_accuracy", got.LenientAccuracy, float64(lenient) / float64(n)},
		{"answered_accuracy", got.AnsweredAccuracy, float64(correct) / float64(n)},
		{"brier", got.Brier, brierSum / float64(n)},
		{"sourced_share", got.SourcedShare, 0},
		{"mean_tokens_per_answer", got.MeanTokensPerAnswer, 40},
	}
	for _, s := range shares {
		if s.got == nil || math.Abs(*s.got-s.want) > 1e-9 {
			t.Errorf("%s: %v, want %v", s.name, s.got, s.want)
		}
	}
	if got.MaxSeconds < got.P50Seconds || got.P50Seconds <= 0 || got.MeanSeconds <= 0 || got.WallSeconds < got.MaxSeconds {
		t.Errorf("seconds: mean %v, p50 %v, max %v, wall %v", got.MeanSeconds, got.P50Seconds, got.MaxSeconds, got.WallSeconds)
	}

	// Each claim was searched for, in order, and reached the model as its
	// query; each outcome is the claim's.
	if q := searx.Queries(); !reflect.DeepEqual(q, claimTexts(claims)) {
		t.Errorf("SearXNG queries %q", q)
	}
	reqs := model.Requests()
	if len(reqs) != 2*n || model.Pending() != 0 {
		t.Fatalf("%d model requests, %d replies left; want %d, 0", len(reqs), model.Pending(), 2*n)
	}
	for i, c := range claims {
		if !strings.Contains(reqs[2*i].Text(), c.Claim) || !strings.Contains(reqs[2*i+1].Text(), "2 results for") {
			t.Errorf("claim %d: model requests lack the claim or its search results", i+1)
		}
		o := got.Outcomes[i]
		if o.N != i+1 || o.TaskID != fmt.Sprintf("eval_%d", i+1) || o.Claim != c.Claim || o.Label != c.Label ||
			o.Verdict != verdicts[i] || o.Correct != (verdicts[i] == c.Label) || o.Steps["search"] != 1 || o.Error != "" {
			t.Errorf("outcome %d: %+v", i+1, o)
		}
	}

	// Progress on stderr: a line per claim, in order at concurrency 1.
	for i, c := range claims {
		line := regexp.MustCompile(fmt.Sprintf(`(?m)^claim %d/%d: %s \(expected %s\) \d+\.\ds$`, i+1, n, verdicts[i], c.Label))
		if !line.MatchString(errOut.String()) {
			t.Errorf("no progress line for claim %d in\n%s", i+1, errOut)
			break
		}
	}
	if !strings.HasPrefix(errOut.String(), fmt.Sprintf("clara eval: %d claims, model openai/gpt-4o-mini, search searxng, concurrency 1, timeout 5m0s\n", n)) {
		t.Errorf("stderr starts %q", strings.SplitN(errOut.String(), "\n", 2)[0])
	}
	// No database: the data directory stays empty.
	if entries, err := os.ReadDir(dataDir); err != nil || len(entries) != 0 {
		t.Errorf("data directory: %v, %v; want it untouched", entries, err)
	}
}

func claimTexts(claims []eval.Claim) []string {
	out := make([]string, len(claims))
	for i, c := range claims {
		out[i] = c.Claim
	}
	return out
}

// Without --json the report is a table; a claim whose analysis fails is
// reported as FAILED and the run still exits 0.
func TestEvalCommandTable(t *testing.T) {
	model := modeltest.New(t)
	searx := newFakeSearXNG(t)
	model.Enqueue(modeltest.ToolCall("search_web", map[string]any{"query": "Water is wet."}),
		modeltest.Answer(modeltest.AnalysisJSON("TRUE")), // confidence 0.9
		modeltest.Status(http.StatusBadRequest))          // the second claim's analysis fails
	file := filepath.Join(t.TempDir(), "two.jsonl")
	if err := os.WriteFile(file, []byte(`{"claim": "Water is wet.", "label": "TRUE"}`+"\n"+
		`{"claim": "The Moon is made of cheese.", "label": "FALSE"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, out, errOut := testEnv(t, nil, evalVars(model, searx)...)
	if code := run(t.Context(), []string{"eval", "--claims", file, "--concurrency", "1", "--timeout", "1m"}, env); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"model              openai/gpt-4o-mini\n",
		"claims             2: 1 answered, 1 failed\n",
		"accuracy           50.0% (1 of 2 exactly right; a failed claim counts as wrong)\n",
		"brier score        0.010 (",
		"tokens             20 in, 20 out, 2 model calls; 40 per answered claim\n",
		"steps              searches 1, fact-check lookups 0, fetches 0\n",
		"label \\ verdict  TRUE  MOSTLY_TRUE  MIXED  MOSTLY_FALSE  FALSE  UNVERIFIABLE  FAILED  all\n" +
			"TRUE             1     .            .      .             .      .             .       1\n" +
			"FALSE            .     .            .      .             .      .             1       1\n",
		"#2               FALSE  FAILED   The Moon is made of cheese. -- ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the table:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^claim 1/2: TRUE \(expected TRUE\) \d+\.\ds\n` +
		`claim 2/2: FAILED \(expected FALSE\) \d+\.\ds: .+$`).MatchString(errOut.String()) {
		t.Errorf("progress:\n%s", errOut)
	}
}

func TestEvalCommandErrors(t *testing.T) {
	model := modeltest.New(t)
	searx := newFakeSearXNG(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"claim": "x", "label": "TRUE"}`)
	bad := write("bad.jsonl", `{"claim": "x", "label": "TRUE"}`+"\n"+`{"claim": "y", "label": "Pants on fire"}`+"\n")
	empty := write("empty.jsonl", "// nothing yet\n\n")
	verdicts := strings.Join(core.Verdicts, ", ")
	for _, tc := range []struct {
		name   string
		args   []string
		noVars bool
		code   int
		stderr string
	}{
		{"no --claims", []string{"eval"}, false, 2, "clara eval: --claims is required\n\nUsage:\n  clara eval --claims FILE"},
		{"zero concurrency", []string{"eval", "--claims", good, "--concurrency", "0"}, false, 2, "clara eval: --concurrency must be 1 or more\n"},
		{"zero timeout", []string{"eval", "--claims", good, "--timeout", "0s"}, false, 2, "clara eval: --timeout must be above 0\n"},
		{"stray argument", []string{"eval", "--claims", good, "more"}, false, 2, `unexpected argument "more"`},
		{"no model", []string{"eval", "--claims", good}, true, 1, "clara eval: needs a model: set CLARA_MODEL_PROVIDER (anthropic or openai)"},
		{"bad label", []string{"eval", "--claims", bad}, false, 1, "clara eval: " + bad + `: line 2: label "Pants on fire" is not one of ` + verdicts + "\n"},
		{"no claims", []string{"eval", "--claims", empty}, false, 1, "clara eval: " + empty + ": no claims in the file\n"},
		{"missing file", []string{"eval", "--claims", filepath.Join(dir, "nowhere.jsonl")}, false, 1, "clara eval: open " + filepath.Join(dir, "nowhere.jsonl") + ": no such file or directory\n"},
	} {
		vars := evalVars(model, searx)
		if tc.noVars {
			vars = nil
		}
		env, out, errOut := testEnv(t, nil, vars...)
		code := run(t.Context(), tc.args, env)
		if code != tc.code || !strings.Contains(errOut.String(), tc.stderr) || out.String() != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stderr with %q", tc.name, code, out, errOut, tc.code, tc.stderr)
		}
	}
	if model.Calls() != 0 || len(searx.Queries()) != 0 {
		t.Errorf("%d model calls, %d searches for runs that should not start", model.Calls(), len(searx.Queries()))
	}
}

// --claims - reads the claims from standard input.
func TestEvalCommandClaimsFromStdin(t *testing.T) {
	model := modeltest.New(t)
	searx := newFakeSearXNG(t)
	model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("UNVERIFIABLE")))
	env, out, errOut := testEnv(t, strings.NewReader(`{"claim": "Nobody knows.", "label": "UNVERIFIABLE"}`), evalVars(model, searx)...)
	if code := run(t.Context(), []string{"eval", "--claims", "-", "--json"}, env); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var r eval.Report
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil || r.Claims != 1 || r.Correct != 1 || r.Concurrency != 4 {
		t.Fatalf("report %+v, %v", r, err)
	}
}
