package eval

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clara-backend/clara/core"
)

// FailedColumn is the column of the confusion matrix that counts the
// claims whose analysis failed.
const FailedColumn = "FAILED"

// Report is the measure of a run. Shares are fractions from 0 to 1, null
// in JSON when their denominator is 0.
type Report struct {
	// Model names the model(s) the answers came from, comma-separated.
	Model          string  `json:"model"`
	Concurrency    int     `json:"concurrency"`
	TimeoutSeconds float64 `json:"timeout_seconds"` // per claim

	Claims   int `json:"claims"`
	Answered int `json:"answered"` // claims that got a verdict
	Failed   int `json:"failed"`   // claims that did not (errors, timeouts, skipped)

	// Correct counts the verdicts equal to their label; Accuracy is
	// Correct over ALL claims: a failed analysis counts as wrong.
	Correct  int      `json:"correct"`
	Accuracy *float64 `json:"accuracy"`
	// LenientCorrect also counts as right a verdict that leans the same way
	// as its label (TRUE and MOSTLY_TRUE, FALSE and MOSTLY_FALSE);
	// LenientAccuracy is it over all claims.
	LenientCorrect  int      `json:"lenient_correct"`
	LenientAccuracy *float64 `json:"lenient_accuracy"`
	// AnsweredAccuracy is Correct over the answered claims only: how good
	// the verdicts are when there is one.
	AnsweredAccuracy *float64 `json:"answered_accuracy"`
	// Brier is the mean, over the answered claims, of (confidence − hit)²,
	// hit being 1 when the verdict is the label and 0 otherwise: 0 is
	// perfect, always answering with confidence 0.5 scores 0.25, and
	// confidently wrong verdicts push it toward 1.
	Brier *float64 `json:"brier"`
	// Sourced counts the answered claims whose result cites at least one
	// fetched web page; SourcedShare is it over the answered claims.
	Sourced      int      `json:"sourced"`
	SourcedShare *float64 `json:"sourced_share"`

	// Confusion counts the claims by label (rows: the labels present) and
	// verdict (columns: every verdict, and FAILED), zeros included.
	Confusion map[string]map[string]int `json:"confusion"`

	// Model usage, summed over the answered claims (a failed analysis
	// reports none), and its mean per answered claim (input and output
	// tokens together).
	InputTokens         int64    `json:"input_tokens"`
	OutputTokens        int64    `json:"output_tokens"`
	ModelCalls          int      `json:"model_calls"`
	MeanTokensPerAnswer *float64 `json:"mean_tokens_per_answer"`

	// Seconds per claim over every claim analysed, failed ones included
	// (skipped ones excluded); P50 is the nearest-rank median (the
	// ⌈n/2⌉-th shortest). WallSeconds is the whole run.
	MeanSeconds float64 `json:"mean_seconds"`
	P50Seconds  float64 `json:"p50_seconds"`
	MaxSeconds  float64 `json:"max_seconds"`
	WallSeconds float64 `json:"wall_seconds"`

	// Steps of the answered analyses: web searches (by Clara's search
	// provider or the model's own), fact-check lookups and page fetches,
	// failed and refused ones included.
	Searches   int `json:"searches"`
	FactChecks int `json:"fact_checks"`
	Fetches    int `json:"fetches"`

	Outcomes []Outcome `json:"outcomes"` // in the order of the claims
}

// summarize makes the report of outcomes.
func summarize(outcomes []Outcome, opts Options, wall time.Duration) Report {
	r := Report{
		Concurrency: opts.Concurrency, TimeoutSeconds: opts.Timeout.Seconds(), WallSeconds: wall.Seconds(),
		Claims: len(outcomes), Confusion: map[string]map[string]int{}, Outcomes: outcomes,
	}
	if r.Outcomes == nil {
		r.Outcomes = []Outcome{}
	}
	columns := append(slices.Clone(core.Verdicts), FailedColumn)
	var models []string
	var brier float64
	var seconds []float64
	for _, o := range outcomes {
		if r.Confusion[o.Label] == nil {
			r.Confusion[o.Label] = map[string]int{}
			for _, c := range columns {
				r.Confusion[o.Label][c] = 0
			}
		}
		if !o.Skipped {
			seconds = append(seconds, o.Seconds)
		}
		if o.Failed() {
			r.Failed++
			r.Confusion[o.Label][FailedColumn]++
			continue
		}
		r.Answered++
		r.Confusion[o.Label][o.Verdict]++ // a verdict outside core.Verdicts gets its own column
		hit := 0.0
		if o.Correct {
			r.Correct++
			hit = 1
		}
		if o.LenientCorrect {
			r.LenientCorrect++
		}
		brier += (o.Confidence - hit) * (o.Confidence - hit)
		if o.Sources > 0 {
			r.Sourced++
		}
		r.InputTokens += o.InputTokens
		r.OutputTokens += o.OutputTokens
		r.ModelCalls += o.ModelCalls
		r.Searches += o.Steps[core.StepSearch] + o.Steps[core.StepWebSearch]
		r.FactChecks += o.Steps[core.StepFactChecks]
		r.Fetches += o.Steps[core.StepFetch]
		if o.Model != "" && !slices.Contains(models, o.Model) {
			models = append(models, o.Model)
		}
	}
	r.Model = strings.Join(models, ", ")
	r.Accuracy = share(float64(r.Correct), r.Claims)
	r.LenientAccuracy = share(float64(r.LenientCorrect), r.Claims)
	r.AnsweredAccuracy = share(float64(r.Correct), r.Answered)
	r.Brier = share(brier, r.Answered)
	r.SourcedShare = share(float64(r.Sourced), r.Answered)
	r.MeanTokensPerAnswer = share(float64(r.InputTokens+r.OutputTokens), r.Answered)
	if len(seconds) > 0 {
		slices.Sort(seconds)
		var sum float64
		for _, s := range seconds {
			sum += s
		}
		r.MeanSeconds = sum / float64(len(seconds))
		r.P50Seconds = seconds[(len(seconds)+1)/2-1]
		r.MaxSeconds = seconds[len(seconds)-1]
	}
	return r
}

// share returns x/n, or nil when n is 0.
func share(x float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := x / float64(n)
	return &v
}

// WriteTable writes r for people: summary lines, the confusion matrix, and
// the claims that were answered wrongly or failed.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	line("model\t%s", cmp.Or(r.Model, "-"))
	line("claims\t%d: %d answered, %d failed", r.Claims, r.Answered, r.Failed)
	line("accuracy\t%s (%d of %d exactly right; a failed claim counts as wrong)", percent(r.Accuracy), r.Correct, r.Claims)
	line("lenient accuracy\t%s (%d of %d, counting TRUE~MOSTLY_TRUE and FALSE~MOSTLY_FALSE as right)", percent(r.LenientAccuracy), r.LenientCorrect, r.Claims)
	line("answered accuracy\t%s (%d of the %d answered exactly right)", percent(r.AnsweredAccuracy), r.Correct, r.Answered)
	line("brier score\t%s (mean of (confidence - hit)^2 over the answered; 0 is perfect, a constant 0.5 scores 0.25)", number(r.Brier, "%.3f"))
	line("sourced\t%s (%d of the %d answered cite a fetched page)", percent(r.SourcedShare), r.Sourced, r.Answered)
	line("tokens\t%d in, %d out, %d model calls; %s per answered claim", r.InputTokens, r.OutputTokens, r.ModelCalls, number(r.MeanTokensPerAnswer, "%.0f"))
	line("seconds per claim\tmean %.1f, p50 %.1f, max %.1f; %.1f in all at concurrency %d", r.MeanSeconds, r.P50Seconds, r.MaxSeconds, r.WallSeconds, r.Concurrency)
	line("steps\tsearches %d, fact-check lookups %d, fetches %d", r.Searches, r.FactChecks, r.Fetches)
	line("")

	columns := r.columns()
	line("label \\ verdict\t%s\tall", strings.Join(columns, "\t"))
	for _, label := range r.labels() {
		row := r.Confusion[label]
		cells := make([]string, len(columns))
		all := 0
		for i, c := range columns {
			cells[i] = count(row[c])
			all += row[c]
		}
		line("%s\t%s\t%d", label, strings.Join(cells, "\t"), all)
	}

	var misses []Outcome
	for _, o := range r.Outcomes {
		if !o.Correct {
			misses = append(misses, o)
		}
	}
	if len(misses) > 0 {
		line("")
		line("wrong or failed\tlabel\tverdict\tclaim")
		for _, o := range misses {
			got := fmt.Sprintf("%s %.2f", o.Verdict, o.Confidence)
			if o.Failed() {
				got = FailedColumn
			}
			detail := clip(o.Claim, 80)
			if o.Failed() {
				detail += " -- " + clip(o.Error, 120)
			}
			line("#%d\t%s\t%s\t%s", o.N, o.Label, got, detail)
		}
	}
	return tw.Flush()
}

// labels returns the rows of the confusion matrix: core.Verdicts first, in
// their order, then any other label.
func (r Report) labels() []string {
	var out []string
	for _, v := range core.Verdicts {
		if _, ok := r.Confusion[v]; ok {
			out = append(out, v)
		}
	}
	var others []string
	for l := range r.Confusion {
		if !slices.Contains(core.Verdicts, l) {
			others = append(others, l)
		}
	}
	slices.Sort(others)
	return append(out, others...)
}

// columns returns the columns of the confusion matrix: core.Verdicts, any
// other verdict the analyzer gave, and FAILED.
func (r Report) columns() []string {
	out := slices.Clone(core.Verdicts)
	var others []string
	for _, row := range r.Confusion {
		for c, n := range row {
			if n > 0 && c != FailedColumn && !slices.Contains(out, c) && !slices.Contains(others, c) {
				others = append(others, c)
			}
		}
	}
	slices.Sort(others)
	return append(append(out, others...), FailedColumn)
}

func percent(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100**p)
}

func number(p *float64, format string) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf(format, *p)
}

// count shows a cell of the matrix: "." for none, to let the others stand
// out.
func count(n int) string {
	if n == 0 {
		return "."
	}
	return fmt.Sprint(n)
}

// clip cuts s to at most n characters on one line, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}
