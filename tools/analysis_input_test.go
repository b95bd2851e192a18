package tools

import (
	"testing"

	"github.com/clara-backend/clara/core"
)

// analyze judges its files before the server's capacity: with no model
// configured, an unsupported or mismatched file is an invalid-input tool
// error, as with one; a good file then meets the missing model.
func TestAnalyzeJudgesFilesWithoutModel(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{NoModel: true})
	m := e.newMember(t, "ada@example.com", 100)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	file := func(name string, data []byte) []any {
		return []any{map[string]any{"name": name, "content_base64": b64(data)}}
	}
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": file("chart.pdf", tinyPNG)}, nil),
		core.MsgInvalid, "chart.pdf: content is not a PDF")
	wantError(t, cn.call(t, "analyze", map[string]any{"query": "x", "attachments": file("tower.png", tinyPNG)}, nil),
		core.MsgInvalid, "tower.png: unsupported file type .png; supported: .pdf, .txt, .md, .csv, .json, .html")
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": file("notes.txt", []byte("Finished in 1889."))}, nil),
		core.MsgNoAnalyzer)
	if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 100.0 {
		t.Errorf("credits %v after refusals, want 100", got)
	}
}
