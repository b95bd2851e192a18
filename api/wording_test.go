package api

import (
	"strings"
	"testing"
)

// The core names an analysis's idempotency key neutrally; REST names it
// after the header the client sent it in.
func TestAnalysisIdempotencyKeyNamedAfterItsHeader(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	parts := []formPart{queryPart("The sky is blue.")}
	rec := e.postAnalysis(t, a, parts, IdempotencyKeyHeader, strings.Repeat("k", 256))
	expectInvalid(t, rec, IdempotencyKeyHeader)
	if got := e.credits(t, a); got != "100.0" {
		t.Errorf("credits %s, want 100.0: nothing held", got)
	}
}
