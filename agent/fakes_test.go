package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/agent/fetch"
)

// reply is one scripted answer of a fake provider.
type reply struct {
	status int // 0: 200
	body   any // marshalled to JSON, or a string sent as it is
}

// fakeProvider is a local server that speaks one provider's wire format
// from a script, and records the requests it received.
type fakeProvider struct {
	t       *testing.T
	path    string
	srv     *httptest.Server
	mu      sync.Mutex
	script  []reply
	bodies  []map[string]any
	headers []http.Header
}

// newFake starts a fake answering POST path with script, in order.
func newFake(t *testing.T, path string, script ...reply) *fakeProvider {
	f := &fakeProvider{t: t, path: path, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProvider) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != f.path {
		f.t.Errorf("fake got %s %s, want POST %s", r.Method, r.URL.Path, f.path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("fake got a body that is not JSON: %v", err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.headers = append(f.headers, r.Header.Clone())
	if len(f.script) == 0 {
		f.mu.Unlock()
		f.t.Errorf("fake got an unexpected call %d", len(f.bodies))
		http.Error(w, `{"error":{"type":"api_error","message":"no more script"}}`, http.StatusInternalServerError)
		return
	}
	rep := f.script[0]
	f.script = f.script[1:]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(max(rep.status, http.StatusOK))
	if s, ok := rep.body.(string); ok {
		_, _ = io.WriteString(w, s)
		return
	}
	_ = json.NewEncoder(w).Encode(rep.body)
}

// requests returns the bodies received so far.
func (f *fakeProvider) requests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.bodies...)
}

// header returns the headers of the i-th request.
func (f *fakeProvider) header(i int) http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.headers[i]
}

// Anthropic Messages API answers.

func anthropicText(text string) reply {
	return reply{body: map[string]any{
		"id": "msg_text", "type": "message", "role": "assistant", "model": "claude-test",
		"content":     []any{map[string]any{"type": "text", "text": text}},
		"stop_reason": "end_turn", "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": 10, "output_tokens": 10},
	}}
}

func anthropicToolUse(calls ...[2]string) reply { return anthropicCalls(fetchCalls(calls)...) }

// anthropicCalls answers with tool_use blocks of any tools.
func anthropicCalls(calls ...call) reply {
	content := []any{map[string]any{"type": "text", "text": "Let me read that."}}
	for _, c := range calls {
		content = append(content, map[string]any{"type": "tool_use", "id": c.id, "name": c.name, "input": c.input})
	}
	return reply{body: map[string]any{
		"id": "msg_tool", "type": "message", "role": "assistant", "model": "claude-test",
		"content": content, "stop_reason": "tool_use", "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": 10, "output_tokens": 10},
	}}
}

func anthropicError(status int, typ string) reply {
	return reply{status: status, body: map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": "fake " + typ}}}
}

// OpenAI chat completions answers.

func openaiText(text string) reply {
	return reply{body: map[string]any{
		"id": "chatcmpl-text", "object": "chat.completion", "created": 1, "model": "gpt-test",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop", "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": text, "refusal": nil},
		}},
	}}
}

func openaiToolCalls(calls ...[2]string) reply { return openaiCalls(fetchCalls(calls)...) }

// openaiCalls answers with function calls of any tools.
func openaiCalls(calls ...call) reply {
	var tc []any
	for _, c := range calls {
		args, _ := json.Marshal(c.input)
		tc = append(tc, map[string]any{"id": c.id, "type": "function", "function": map[string]any{"name": c.name, "arguments": string(args)}})
	}
	return reply{body: map[string]any{
		"id": "chatcmpl-tool", "object": "chat.completion", "created": 1, "model": "gpt-test",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "tool_calls", "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": nil, "refusal": nil, "tool_calls": tc},
		}},
		"usage": map[string]any{"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
	}}
}

// call is a scripted tool call of a fake model.
type call struct {
	id, name string
	input    map[string]any
}

// fetchCalls returns fetch_url calls of (id, url) pairs.
func fetchCalls(pairs [][2]string) []call {
	out := make([]call, len(pairs))
	for i, p := range pairs {
		out[i] = call{id: p[0], name: "fetch_url", input: map[string]any{"url": p[1]}}
	}
	return out
}

func openaiError(status int, typ string) reply {
	return reply{status: status, body: map[string]any{"error": map[string]any{"type": typ, "message": "fake " + typ, "code": nil, "param": nil}}}
}

// pageServer serves the pages the fake models fetch.
func pageServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/claim", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "The Eiffel Tower is 330 metres tall since 2022.")
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/claim", http.StatusFound)
	})
	mux.HandleFunc("/other", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><head><title>Towers</title></head><body><p>Another page about towers.</p></body></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// testFetcher reads pages with the real fetcher, allowed to reach
// loopback (where the page servers are), records the URLs asked for, and
// refuses URLs containing "private".
type testFetcher struct {
	mu   sync.Mutex
	urls []string
	real *fetch.Fetcher
}

func newTestFetcher() *testFetcher {
	return &testFetcher{real: fetch.New(fetch.Config{AllowAddr: func(a netip.Addr) bool { return a.Unmap().IsLoopback() }})}
}

func (f *testFetcher) Fetch(ctx context.Context, rawURL string) (Page, error) {
	f.mu.Lock()
	f.urls = append(f.urls, rawURL)
	f.mu.Unlock()
	if strings.Contains(rawURL, "private") {
		return Page{}, fmt.Errorf("refused: private address")
	}
	if f.real == nil {
		return Page{}, fmt.Errorf("testFetcher: no fetcher (use newTestFetcher)")
	}
	return f.real.Fetch(ctx, rawURL)
}

func (f *testFetcher) fetched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.urls...)
}
