package api

import (
	"net/http"
	"testing"
)

// An unsupported or mismatched file is a 400 whether or not a model is
// configured: the input is judged before the server's capacity, and
// without a model by what supported_attachments lists (documents only).
func TestAnalysisInputJudgedBeforeModel(t *testing.T) {
	for name, cfg := range map[string]*analysisConfig{"no model": {NoModel: true}, "model": {NoWorkers: true}} {
		t.Run(name, func(t *testing.T) {
			e, a := analysisEnv(t, envConfig{analysis: cfg}, 100)
			expectInvalid(t, e.postAnalysis(t, a, []formPart{filePart("chart.pdf", tinyPNG)}), "chart.pdf")
			expectInvalid(t, e.postAnalysis(t, a, []formPart{queryPart("Is it safe?"), filePart("run.exe", []byte("MZ"))}), "run.exe")
			expectInvalid(t, e.postAnalysis(t, a, []formPart{filePart("notes.txt", []byte("a\x00b"))}), "notes.txt")
			e.nothingHeld(t, a, "100.0")
		})
	}
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoModel: true}}, 100)
	expectInvalid(t, e.postAnalysis(t, a, []formPart{filePart("tower.png", tinyPNG)}), "tower.png")
	expect(t, e.postAnalysis(t, a, []formPart{filePart("notes.txt", []byte("Finished in 1889."))}),
		http.StatusServiceUnavailable, bodyNoModel)
	e.nothingHeld(t, a, "100.0")
}
