package agent

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/core"
)

// fakeSearXNG answers searches with results pointing at page, or with
// status when it is not 200.
func fakeSearXNG(t *testing.T, status int, page string) (*httptest.Server, *[]string) {
	t.Helper()
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Query().Get("q"))
		if status != http.StatusOK {
			http.Error(w, "down", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"results": []any{
			map[string]any{"title": "Eiffel Tower facts", "url": page, "content": "The tower is 330 metres tall.", "publishedDate": "2024-01-02"},
		}})
	}))
	t.Cleanup(srv.Close)
	return srv, &queries
}

// withSearXNG configures the agent's search on a SearXNG at url.
func withSearXNG(t *testing.T, url string) func(*Config) {
	s, err := search.New(search.Config{Provider: "searxng", URL: url, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return func(c *Config) { c.Searcher = s }
}

// searchCall is a scripted search_web call.
func searchCall(id, query string) call {
	return call{id: id, name: "search_web", input: map[string]any{"query": query}}
}

// stepKinds returns the kinds and outcomes of steps, for messages.
func stepsText(steps []core.AnalysisStep) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(s.Kind + " " + s.Target + " → " + s.Outcome + "\n")
	}
	return b.String()
}

// TestSearchThenFetchThenCite: a claim without a link is searched; a
// result is fetched and cited; the steps say so, and tokens are counted.
func TestSearchThenFetchThenCite(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		page := pageServer(t).URL + "/claim"
		searx, queries := fakeSearXNG(t, http.StatusOK, page)
		fake := newFake(t, w.path,
			w.calls(searchCall("call_1", "Eiffel Tower height")),
			w.tools([2]string{"call_2", page}),
			w.text(answerJSON(page)))
		a := newTestAgent(t, w, fake, newTestFetcher(), withSearXNG(t, searx.URL))
		var heard []core.AnalysisStep
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall.",
			OnStep: func(s core.AnalysisStep) { heard = append(heard, s) }})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(*queries) != 1 || (*queries)[0] != "Eiffel Tower height" {
			t.Fatalf("searches = %v", *queries)
		}
		if len(res.Sources) != 1 || res.Sources[0].URL != page {
			t.Fatalf("sources = %+v", res.Sources)
		}
		if len(res.Steps) != 2 || res.Steps[0].Kind != core.StepSearch || res.Steps[0].Outcome != "1 results" ||
			res.Steps[1].Kind != core.StepFetch || res.Steps[1].Target != page || !strings.HasPrefix(res.Steps[1].Outcome, "read") {
			t.Fatalf("steps:\n%s", stepsText(res.Steps))
		}
		var kinds []string
		for _, st := range heard {
			kinds = append(kinds, st.Kind+" "+st.Target)
		}
		want := "model round 1 of 6, search Eiffel Tower height, model round 2 of 6, fetch " + page + ", model round 3 of 6, answer MOSTLY_TRUE"
		if strings.Join(kinds, ", ") != want {
			t.Fatalf("OnStep heard %v\nwant %s", kinds, want)
		}
		if res.Usage == nil || res.Usage.ModelCalls != 3 || res.Usage.InputTokens == 0 {
			t.Fatalf("usage = %+v", res.Usage)
		}
		results := toolResults(w, fake.requests()[1])
		if !strings.Contains(results["call_1"], page) || !strings.Contains(results["call_1"], "not sources") {
			t.Fatalf("search result sent: %q", results["call_1"])
		}
		if sys := systemText(w, fake.requests()[0]); !strings.Contains(sys, "search the web first") {
			t.Fatalf("system prompt does not tell the model to search:\n%s", sys)
		}
	})
}

// systemText returns the system prompt of a request.
func systemText(w wire, body map[string]any) string {
	if w.provider == ProviderAnthropic {
		return body["system"].([]any)[0].(map[string]any)["text"].(string)
	}
	return messages(body)[0]["content"].(string)
}

// TestSearchOutageDegrades: a search provider that fails leaves the
// analysis to go on without search, with a note in its steps.
func TestSearchOutageDegrades(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		page := pageServer(t).URL + "/claim"
		searx, _ := fakeSearXNG(t, http.StatusBadGateway, page)
		fake := newFake(t, w.path,
			w.calls(searchCall("call_1", "Eiffel Tower height")),
			w.tools([2]string{"call_2", page}),
			w.text(answerJSON(page)))
		a := newTestAgent(t, w, fake, newTestFetcher(), withSearXNG(t, searx.URL))
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(res.Steps) < 1 || !strings.HasPrefix(res.Steps[0].Outcome, "search unavailable") || !strings.Contains(res.Steps[0].Outcome, "502") {
			t.Fatalf("steps:\n%s", stepsText(res.Steps))
		}
		if got := toolResults(w, fake.requests()[1])["call_1"]; !strings.Contains(got, "unavailable") {
			t.Fatalf("the model was told %q", got)
		}
	})
}

// TestSearchTimeoutDegrades: a provider slower than the step's time is
// cut off, and the analysis goes on.
func TestSearchTimeoutDegrades(t *testing.T) {
	w := wires[0]
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	fake := newFake(t, w.path, w.calls(searchCall("call_1", "Eiffel Tower height")), w.text(answerJSON()))
	a := newTestAgent(t, w, fake, newTestFetcher(), withSearXNG(t, slow.URL), func(c *Config) { c.StepTimeout = 100 * time.Millisecond })
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if len(res.Steps) != 1 || !strings.HasPrefix(res.Steps[0].Outcome, "search unavailable") {
		t.Fatalf("steps:\n%s", stepsText(res.Steps))
	}
}

// TestSnippetIsNoSource: an answer citing a search result it never
// fetched is sent back for repair.
func TestSnippetIsNoSource(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		page := pageServer(t).URL + "/claim"
		searx, _ := fakeSearXNG(t, http.StatusOK, page)
		fake := newFake(t, w.path,
			w.calls(searchCall("call_1", "Eiffel Tower height")),
			w.text(answerJSON(page)),
			w.text(answerJSON()))
		a := newTestAgent(t, w, fake, newTestFetcher(), withSearXNG(t, searx.URL))
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(res.Sources) != 0 {
			t.Fatalf("a snippet became a source: %+v", res.Sources)
		}
		if repair := lastUserText(fake.requests()[2]); !strings.Contains(repair, "was not fetched") || !strings.Contains(repair, "not sources until fetched") {
			t.Fatalf("repair request: %q", repair)
		}
	})
}

// TestSearchBudget: past MaxSearches, a search is refused and recorded.
func TestSearchBudget(t *testing.T) {
	w := wires[1]
	page := pageServer(t).URL + "/claim"
	searx, queries := fakeSearXNG(t, http.StatusOK, page)
	fake := newFake(t, w.path,
		w.calls(searchCall("call_1", "first"), searchCall("call_2", "second")),
		w.text(answerJSON()))
	a := newTestAgent(t, w, fake, newTestFetcher(), withSearXNG(t, searx.URL), func(c *Config) { c.MaxSearches = 1 })
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if len(*queries) != 1 || len(res.Steps) != 2 || !strings.HasPrefix(res.Steps[1].Outcome, "refused: the limit of 1 searches") {
		t.Fatalf("queries %v, steps:\n%s", *queries, stepsText(res.Steps))
	}
}

// TestFactChecksThenRead: published fact-checks are listed, one is
// fetched and cited.
func TestFactChecksThenRead(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		review := pageServer(t).URL + "/claim"
		var asked []string
		fc := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			asked = append(asked, r.URL.Query().Get("query"))
			rw.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(rw).Encode(map[string]any{"claims": []any{map[string]any{
				"text": "The Eiffel Tower is 330 m tall", "claimant": "a post",
				"claimReview": []any{map[string]any{"publisher": map[string]any{"name": "Fact Desk"}, "url": review, "title": "Tower height", "textualRating": "True", "reviewDate": "2024-03-01T00:00:00Z"}},
			}}})
		}))
		t.Cleanup(fc.Close)
		checker, err := search.NewFactCheckTools("fc-key", fc.URL, nil, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		fake := newFake(t, w.path,
			w.calls(call{id: "call_1", name: "find_fact_checks", input: map[string]any{"claim": "The Eiffel Tower is 330 m tall"}}),
			w.tools([2]string{"call_2", review}),
			w.text(answerJSON(review)))
		a := newTestAgent(t, w, fake, newTestFetcher(), func(c *Config) { c.FactChecker = checker })
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(asked) != 1 || len(res.Steps) != 2 || res.Steps[0].Kind != core.StepFactChecks || res.Steps[0].Outcome != "1 reviews" {
			t.Fatalf("asked %v, steps:\n%s", asked, stepsText(res.Steps))
		}
		if got := toolResults(w, fake.requests()[1])["call_1"]; !strings.Contains(got, `Fact Desk rated it "True"`) {
			t.Fatalf("fact-checks sent: %q", got)
		}
		if sys := systemText(w, fake.requests()[0]); !strings.Contains(sys, "professional fact-checkers reached a different verdict") {
			t.Fatalf("system prompt lacks the fact-check rule:\n%s", sys)
		}
	})
}

// TestAnthropicNativeSearch: with the provider's own search, the request
// offers the web_search server tool; the searches it ran are steps, and
// their blocks go back with the turn.
func TestAnthropicNativeSearch(t *testing.T) {
	w := wires[0]
	page := pageServer(t).URL + "/claim"
	searched := reply{body: map[string]any{
		"id": "msg_search", "type": "message", "role": "assistant", "model": "claude-test", "stop_reason": "tool_use", "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": 30, "output_tokens": 20, "server_tool_use": map[string]any{"web_search_requests": 1}},
		"content": []any{
			map[string]any{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": map[string]any{"query": "Eiffel Tower height"}},
			map[string]any{"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []any{
				map[string]any{"type": "web_search_result", "url": page, "title": "Eiffel Tower facts", "encrypted_content": "opaque", "page_age": "2024"},
			}},
			map[string]any{"type": "tool_use", "id": "call_1", "name": "fetch_url", "input": map[string]any{"url": page}},
		},
	}}
	fake := newFake(t, w.path, searched, w.text(answerJSON(page)))
	a := newTestAgent(t, w, fake, newTestFetcher(), func(c *Config) { c.NativeSearch = true; c.MaxSearches = 3 })
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if len(res.Steps) != 2 || res.Steps[0].Kind != core.StepWebSearch || res.Steps[0].Target != "Eiffel Tower height" || res.Steps[1].Kind != core.StepFetch {
		t.Fatalf("steps:\n%s", stepsText(res.Steps))
	}
	reqs := fake.requests()
	var server map[string]any
	for _, tl := range reqs[0]["tools"].([]any) {
		if tm := tl.(map[string]any); tm["type"] == "web_search_20250305" {
			server = tm
		}
	}
	if server == nil || server["max_uses"] != float64(3) || server["name"] != "web_search" {
		t.Fatalf("tools offered: %v", reqs[0]["tools"])
	}
	replayed := messages(reqs[1])[1]["content"].([]any)
	kinds := map[string]bool{}
	for _, b := range replayed {
		kinds[b.(map[string]any)["type"].(string)] = true
	}
	if !kinds["server_tool_use"] || !kinds["web_search_tool_result"] || !kinds["tool_use"] {
		t.Fatalf("the search blocks did not go back with the turn: %v", replayed)
	}
	if len(res.Sources) != 1 || res.Sources[0].URL != page {
		t.Fatalf("sources = %+v", res.Sources)
	}
}

// TestOpenAIResponsesNativeSearch: with OpenAI's own search, the agent
// speaks the Responses API: the web_search tool is offered, the searches
// are steps, and the search and call items go back as they came.
func TestOpenAIResponsesNativeSearch(t *testing.T) {
	page := pageServer(t).URL + "/claim"
	first := reply{body: map[string]any{
		"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "model": "gpt-test",
		"usage": map[string]any{"input_tokens": 40, "output_tokens": 9, "total_tokens": 49},
		"output": []any{
			map[string]any{"type": "web_search_call", "id": "ws_1", "status": "completed", "action": map[string]any{"type": "search", "query": "Eiffel Tower height"}},
			map[string]any{"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "fetch_url", "arguments": `{"url":"` + page + `"}`, "status": "completed"},
		},
	}}
	final := reply{body: map[string]any{
		"id": "resp_2", "object": "response", "created_at": 2, "status": "completed", "model": "gpt-test",
		"usage": map[string]any{"input_tokens": 60, "output_tokens": 30, "total_tokens": 90},
		"output": []any{map[string]any{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
			"content": []any{map[string]any{"type": "output_text", "text": answerJSON(page), "annotations": []any{}}}}},
	}}
	fake := newFake(t, "/v1/responses", first, final)
	a := newTestAgent(t, wires[1], fake, newTestFetcher(), func(c *Config) { c.NativeSearch = true })
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "The Eiffel Tower is 330 m tall."})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if len(res.Steps) != 2 || res.Steps[0].Kind != core.StepWebSearch || res.Steps[0].Target != "Eiffel Tower height" || res.Steps[1].Kind != core.StepFetch {
		t.Fatalf("steps:\n%s", stepsText(res.Steps))
	}
	if len(res.Sources) != 1 || res.Sources[0].URL != page || res.Usage.InputTokens != 100 {
		t.Fatalf("result %+v", res)
	}
	reqs := fake.requests()
	kinds := map[string]bool{}
	for _, tl := range reqs[0]["tools"].([]any) {
		kinds[tl.(map[string]any)["type"].(string)] = true
	}
	if !kinds["web_search"] || !kinds["function"] || reqs[0]["store"] != false {
		t.Fatalf("first request: tools %v store %v", reqs[0]["tools"], reqs[0]["store"])
	}
	var items []string
	for _, it := range reqs[1]["input"].([]any) {
		typ, _ := it.(map[string]any)["type"].(string)
		if typ == "" {
			typ = "message" // an easy input message has a role and no type
		}
		items = append(items, typ)
	}
	if strings.Join(items, ",") != "message,web_search_call,function_call,function_call_output" {
		t.Fatalf("second request's input items: %v", items)
	}
}
