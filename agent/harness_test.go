package agent

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// wire is one provider's wire format, for tests run on both.
type wire struct {
	provider string
	model    string
	path     string
	text     func(string) reply
	tools    func(...[2]string) reply
	calls    func(...call) reply
	apiErr   func(status int, typ string) reply
	baseURL  func(server string) string
}

var wires = []wire{
	{
		provider: ProviderAnthropic, model: "claude-test", path: "/v1/messages",
		text: anthropicText, tools: anthropicToolUse, calls: anthropicCalls, apiErr: anthropicError,
		baseURL: func(s string) string { return s },
	},
	{
		provider: ProviderOpenAI, model: "gpt-test", path: "/v1/chat/completions",
		text: openaiText, tools: openaiToolCalls, calls: openaiCalls, apiErr: openaiError,
		baseURL: func(s string) string { return s + "/v1" },
	},
}

// forEachWire runs test on each provider.
func forEachWire(t *testing.T, test func(t *testing.T, w wire)) {
	for _, w := range wires {
		t.Run(w.provider, func(t *testing.T) { test(t, w) })
	}
}

// newTestAgent returns an agent of w's provider talking to fake, fetching
// with f.
func newTestAgent(t *testing.T, w wire, fake *fakeProvider, f Fetcher, mods ...func(*Config)) *Agent {
	t.Helper()
	cfg := Config{Provider: w.provider, Model: w.model, APIKey: "test-key", BaseURL: w.baseURL(fake.srv.URL), RequestTimeout: 5 * time.Second}
	for _, m := range mods {
		m(&cfg)
	}
	a, err := New(cfg, f)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// answerJSON returns a valid answer citing urls.
func answerJSON(urls ...string) string {
	var srcs []map[string]string
	for _, u := range urls {
		srcs = append(srcs, map[string]string{"url": u, "title": "cited " + u})
	}
	if srcs == nil {
		srcs = []map[string]string{}
	}
	b, _ := json.Marshal(map[string]any{
		"verdict": "MOSTLY_TRUE", "confidence": 0.8, "summary": "The tower is about 330 m tall.",
		"claims": []any{map[string]any{
			"claim": "The Eiffel Tower is 330 m tall.", "verdict": "TRUE",
			"explanation": "The page says so.", "sources": srcs,
		}},
		"sources": srcs,
	})
	return string(b)
}

// messages returns the messages of a request body.
func messages(body map[string]any) []map[string]any {
	var out []map[string]any
	for _, m := range body["messages"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

// toolsOffered reports whether a request lets the model call fetch_url.
func toolsOffered(w wire, body map[string]any) bool {
	tools, _ := body["tools"].([]any)
	named := false
	for _, tl := range tools {
		tm := tl.(map[string]any)
		if tm["name"] == "fetch_url" { // anthropic
			named = true
		}
		if fn, ok := tm["function"].(map[string]any); ok && fn["name"] == "fetch_url" { // openai
			named = true
		}
	}
	if w.provider == ProviderAnthropic {
		choice, _ := body["tool_choice"].(map[string]any)
		return named && choice["type"] != "none"
	}
	return named && body["tool_choice"] != "none"
}

// toolResults returns the tool results a request sends back, by call id.
func toolResults(w wire, body map[string]any) map[string]string {
	out := map[string]string{}
	msgs := messages(body)
	if w.provider == ProviderOpenAI {
		for _, m := range msgs {
			if m["role"] == "tool" {
				out[m["tool_call_id"].(string)] = m["content"].(string)
			}
		}
		return out
	}
	last := msgs[len(msgs)-1]
	blocks, _ := last["content"].([]any)
	for _, b := range blocks {
		bm := b.(map[string]any)
		if bm["type"] != "tool_result" {
			continue
		}
		var text []string
		for _, c := range bm["content"].([]any) {
			text = append(text, c.(map[string]any)["text"].(string))
		}
		out[bm["tool_use_id"].(string)] = strings.Join(text, "")
	}
	return out
}

// lastUserText returns the text parts of a request's last user message.
func lastUserText(body map[string]any) string {
	msgs := messages(body)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i]["role"] != "user" {
			continue
		}
		switch c := msgs[i]["content"].(type) {
		case string:
			return c
		case []any:
			var text []string
			for _, p := range c {
				if pm := p.(map[string]any); pm["type"] == "text" {
					text = append(text, pm["text"].(string))
				}
			}
			return strings.Join(text, "\n")
		}
	}
	return ""
}
