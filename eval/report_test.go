package eval

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEvalTable(t *testing.T) {
	claims, f := scripted()
	claims[4].Claim = "c5 " + strings.Repeat("long words ", 10) // clipped to 80 characters
	f.scripts[claims[4].Claim] = f.scripts["c5"]
	r := Run(t.Context(), f, claims, Options{Concurrency: 1, Timeout: time.Minute, Now: f.Now})
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := `model              fake/one, fake/two
claims             7: 6 answered, 1 failed
accuracy           42.9% (3 of 7 exactly right; a failed claim counts as wrong)
lenient accuracy   71.4% (5 of 7, counting TRUE~MOSTLY_TRUE and FALSE~MOSTLY_FALSE as right)
answered accuracy  50.0% (3 of the 6 answered exactly right)
brier score        0.192 (mean of (confidence - hit)^2 over the answered; 0 is perfect, a constant 0.5 scores 0.25)
sourced            50.0% (3 of the 6 answered cite a fetched page)
tokens             500 in, 50 out, 7 model calls; 92 per answered claim
seconds per claim  mean 4.4, p50 4.0, max 10.0; 31.0 in all at concurrency 1
steps              searches 3, fact-check lookups 1, fetches 3

label \ verdict  TRUE  MOSTLY_TRUE  MIXED  MOSTLY_FALSE  FALSE  UNVERIFIABLE  FAILED  all
TRUE             1     1            .      .             .      .             .       2
MIXED            1     .            .      .             .      .             .       1
MOSTLY_FALSE     .     .            .      .             1      .             .       1
FALSE            .     .            .      .             1      .             1       2
UNVERIFIABLE     .     .            .      .             .      1             .       1

wrong or failed  label         verdict           claim
#2               TRUE          MOSTLY_TRUE 0.60  c2
#4               FALSE         FAILED            c4 -- model unavailable
#5               MIXED         TRUE 0.70         c5 long words long words long words long words long words long words long wor...
#6               MOSTLY_FALSE  FALSE 0.50        c6
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// A report of nothing, or of verdicts and labels outside core.Verdicts,
// still makes a table.
func TestEvalTableEdges(t *testing.T) {
	var b strings.Builder
	if err := Run(t.Context(), nil, nil, Options{}).WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"model              -\n", "claims             0: 0 answered, 0 failed\n", "accuracy           - (0 of 0",
		"brier score        - (", "; - per answered claim", "label \\ verdict  TRUE  MOSTLY_TRUE  MIXED  MOSTLY_FALSE  FALSE  UNVERIFIABLE  FAILED  all\n"} {
		if !strings.Contains(b.String(), part) {
			t.Errorf("no %q in\n%s", part, b.String())
		}
	}
	if strings.Contains(b.String(), "wrong or failed") {
		t.Errorf("misses listed with no claims:\n%s", b.String())
	}

	odd := summarize([]Outcome{
		{N: 1, Claim: "x", Label: "TRUE", Verdict: "MAYBE", Confidence: 0.5, Steps: map[string]int{}},
		{N: 2, Claim: "y", Label: "TRUE", Verdict: "TRUE", Correct: true, LenientCorrect: true, Confidence: 1, Steps: map[string]int{}},
	}, Options{Concurrency: 2, Timeout: time.Second}, time.Second)
	b.Reset()
	if err := odd.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "label \\ verdict  TRUE  MOSTLY_TRUE  MIXED  MOSTLY_FALSE  FALSE  UNVERIFIABLE  MAYBE  FAILED  all\n"+
		"TRUE             1     .            .      .             .      .             1      .       2\n") {
		t.Errorf("a verdict outside core.Verdicts:\n%s", b.String())
	}
	if err := odd.WriteTable(failingWriter{}); err == nil {
		t.Error("a failing writer gave no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
