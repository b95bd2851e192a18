package eval

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clara-backend/clara/core"
)

// Analyzer analyses a query: the part of core.Analyzer that eval uses.
type Analyzer interface {
	Analyze(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error)
}

// The defaults of Options.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 5 * time.Minute
)

// Options tunes Run.
type Options struct {
	// Concurrency is how many claims are analysed at once; 0 or less:
	// DefaultConcurrency.
	Concurrency int
	// Timeout bounds the analysis of one claim; 0 or less: DefaultTimeout.
	Timeout time.Duration
	// Now is the clock the durations are measured on; nil: time.Now.
	Now func() time.Time
	// Progress, when set, hears each outcome as its claim finishes, one
	// call at a time, in the order the claims finish.
	Progress func(Outcome)
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Outcome is what came of one claim.
type Outcome struct {
	N      int    `json:"n"`       // the claim's position in the list, from 1
	TaskID string `json:"task_id"` // eval_<n>
	Claim  string `json:"claim"`
	Label  string `json:"label"`
	// Verdict and Confidence are the analysis's; Verdict is "" when it
	// failed.
	Verdict    string  `json:"verdict"`
	Confidence float64 `json:"confidence"`
	Model      string  `json:"model,omitempty"` // the model the result names
	// Correct: the verdict is the label. LenientCorrect: it is, or both
	// lean the same way (TRUE and MOSTLY_TRUE, FALSE and MOSTLY_FALSE).
	Correct        bool `json:"correct"`
	LenientCorrect bool `json:"lenient_correct"`
	// Error says why the analysis failed; "" when it answered.
	Error string `json:"error,omitempty"`
	// Skipped: the claim was never analysed, the run having been
	// cancelled first. It counts as failed.
	Skipped bool    `json:"skipped,omitempty"`
	Seconds float64 `json:"seconds"` // how long the analysis took
	// The analysis's usage of the model (none for a failed analysis).
	InputTokens  int64 `json:"input_tokens"`
	OutputTokens int64 `json:"output_tokens"`
	ModelCalls   int   `json:"model_calls"`
	// Sources counts the cited sources that are web pages (http or https
	// URLs), which the agent only accepts once it fetched them.
	Sources int `json:"sources"`
	// Steps counts the analysis's steps by kind (search, web_search,
	// fact_checks, fetch, attachment), failed and refused ones included.
	Steps map[string]int `json:"steps"`
}

// Failed reports whether the claim got no verdict.
func (o Outcome) Failed() bool { return o.Error != "" }

// Run analyses every claim, at most opts.Concurrency at once, each as
// core.AnalysisRequest{TaskID: "eval_<n>", Query: claim} within
// opts.Timeout, and reports on the outcomes. Failed analyses are part of
// the report. When ctx is cancelled, the analyses under way fail and the
// claims not yet started are skipped (failed with the context's error).
func Run(ctx context.Context, a Analyzer, claims []Claim, opts Options) Report {
	opts = opts.withDefaults()
	start := opts.Now()
	outcomes := make([]Outcome, len(claims))
	next := make(chan int)
	var progress sync.Mutex
	var wg sync.WaitGroup
	for range min(opts.Concurrency, len(claims)) {
		wg.Go(func() {
			for i := range next {
				outcomes[i] = analyse(ctx, a, i, claims[i], opts)
				if opts.Progress != nil {
					progress.Lock()
					opts.Progress(outcomes[i])
					progress.Unlock()
				}
			}
		})
	}
	// One feeder, in order: with a concurrency of 1 the claims run one
	// after another as listed.
	for i := range claims {
		if ctx.Err() == nil {
			select {
			case next <- i:
				continue
			case <-ctx.Done():
			}
		}
		c := claims[i]
		outcomes[i] = Outcome{N: i + 1, TaskID: taskID(i), Claim: c.Claim, Label: c.Label,
			Error: "not run: " + context.Cause(ctx).Error(), Skipped: true, Steps: map[string]int{}}
	}
	close(next)
	wg.Wait()
	return summarize(outcomes, opts, opts.Now().Sub(start))
}

func taskID(i int) string { return fmt.Sprintf("eval_%d", i+1) }

// analyse runs the claim at index i.
func analyse(ctx context.Context, a Analyzer, i int, c Claim, opts Options) Outcome {
	o := Outcome{N: i + 1, TaskID: taskID(i), Claim: c.Claim, Label: c.Label, Steps: map[string]int{}}
	actx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	began := opts.Now()
	res, err := a.Analyze(actx, core.AnalysisRequest{TaskID: o.TaskID, Query: c.Claim})
	o.Seconds = opts.Now().Sub(began).Seconds()
	if err != nil {
		o.Error = cmp.Or(err.Error(), "failed")
		if errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			o.Error = fmt.Sprintf("timed out after %s: %s", opts.Timeout, o.Error)
		}
		return o
	}
	o.Verdict, o.Confidence, o.Model = res.Verdict, res.Confidence, res.Model
	o.Correct = o.Verdict == o.Label
	o.LenientCorrect = lean(o.Verdict) == lean(o.Label)
	if res.Usage != nil {
		o.InputTokens, o.OutputTokens, o.ModelCalls = res.Usage.InputTokens, res.Usage.OutputTokens, res.Usage.ModelCalls
	}
	for _, s := range res.Sources {
		if isWebURL(s.URL) {
			o.Sources++
		}
	}
	for _, s := range res.Steps {
		o.Steps[s.Kind]++
	}
	return o
}

// lean returns the class a verdict falls in for lenient accuracy: TRUE and
// MOSTLY_TRUE are one, FALSE and MOSTLY_FALSE another, any other verdict
// is its own.
func lean(verdict string) string {
	switch verdict {
	case "TRUE", "MOSTLY_TRUE":
		return "TRUE"
	case "FALSE", "MOSTLY_FALSE":
		return "FALSE"
	}
	return verdict
}

// isWebURL reports whether u is an http or https URL.
func isWebURL(u string) bool {
	u = strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}
