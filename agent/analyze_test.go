package agent

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/core"
)

func TestAnalyzeFetchesThenAnswers(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		pages := pageServer(t)
		page := pages.URL + "/claim"
		// Cited in another spelling: upper-case scheme, trailing slash, fragment.
		cited := strings.Replace(page, "http://", "HTTP://", 1) + "/#top"
		fake := newFake(t, w.path, w.tools([2]string{"call_1", page}), w.text("```json\n"+answerJSON(cited)+"\n```"))
		f := newTestFetcher()
		a := newTestAgent(t, w, fake, f)

		res, err := a.Analyze(context.Background(), core.AnalysisRequest{TaskID: "task_1", Query: "Is the Eiffel Tower 330 m tall? See " + page})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if res.Model != w.provider+"/"+w.model || res.Verdict != "MOSTLY_TRUE" || res.Confidence != 0.8 || len(res.Claims) != 1 {
			t.Fatalf("result = %+v", res)
		}
		if len(res.Sources) != 1 || res.Sources[0].URL != page || res.Sources[0].Title != "cited "+cited {
			t.Fatalf("sources = %+v, want the fetched page %s", res.Sources, page)
		}
		if got := f.fetched(); len(got) != 1 || got[0] != page {
			t.Fatalf("fetched %v, want [%s]", got, page)
		}
		reqs := fake.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d model calls, want 2", len(reqs))
		}
		for i, r := range reqs {
			if !toolsOffered(w, r) {
				t.Errorf("request %d does not offer fetch_url: %v", i, r["tools"])
			}
			if r["model"] != w.model {
				t.Errorf("request %d model = %v", i, r["model"])
			}
		}
		if !strings.Contains(lastUserText(reqs[0]), page) {
			t.Errorf("the first message does not carry the query: %q", lastUserText(reqs[0]))
		}
		results := toolResults(w, reqs[1])
		if len(results) != 1 || !strings.Contains(results["call_1"], "330 metres") || !strings.Contains(results["call_1"], "Cite this page as: "+page) {
			t.Fatalf("tool results sent back = %v, want call_1 with the page text", results)
		}
		switch w.provider {
		case ProviderAnthropic:
			if got := fake.header(0).Get("X-Api-Key"); got != "test-key" {
				t.Errorf("x-api-key = %q", got)
			}
			sys := reqs[0]["system"].([]any)[0].(map[string]any)["text"].(string)
			if !strings.Contains(sys, "fetch_url") || !strings.Contains(sys, "UNVERIFIABLE") {
				t.Errorf("system prompt lacks the tool or the verdicts: %q", sys)
			}
		case ProviderOpenAI:
			if got := fake.header(0).Get("Authorization"); got != "Bearer test-key" {
				t.Errorf("Authorization = %q", got)
			}
			if messages(reqs[0])[0]["role"] != "system" {
				t.Errorf("the first message is not the system prompt: %v", messages(reqs[0])[0])
			}
		}
	})
}

func TestAnalyzeRedirectCitesFinalURL(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		pages := pageServer(t)
		moved, final := pages.URL+"/moved", pages.URL+"/claim"
		fake := newFake(t, w.path, w.tools([2]string{"c1", moved}), w.text(answerJSON(moved)), w.text(answerJSON(final)))
		a := newTestAgent(t, w, fake, newTestFetcher())
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: moved})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if res.Sources[0].URL != final {
			t.Fatalf("source = %q, want the final URL %q", res.Sources[0].URL, final)
		}
		if repair := lastUserText(fake.requests()[2]); !strings.Contains(repair, "was not fetched") {
			t.Fatalf("repair message = %q", repair)
		}
	})
}

func TestAnalyzeRepairsInvalidAnswerOnce(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		bad := strings.Replace(answerJSON(), `"verdict":"TRUE"`, `"verdict":"PARTLY"`, 1)
		fake := newFake(t, w.path, w.text("Here is my answer: "+bad), w.text(bad), w.text(answerJSON()))
		a := newTestAgent(t, w, fake, newTestFetcher())
		_, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
		var failed *core.FailedAnalysis
		if !errors.As(err, &failed) || failed.Reason != reasonFormat {
			t.Fatalf("err = %v, want a FailedAnalysis for the format", err)
		}
		reqs := fake.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d model calls, want 2 (one repair)", len(reqs))
		}
		repair := lastUserText(reqs[1])
		if !strings.Contains(repair, "not a JSON object") && !strings.Contains(repair, "must be a JSON object") {
			t.Errorf("first repair message = %q", repair)
		}
		if toolsOffered(w, reqs[1]) {
			t.Errorf("the repair request offers tools")
		}
		if !strings.Contains(err.Error(), `"PARTLY"`) {
			t.Errorf("error does not name the second problem: %v", err)
		}

		fake = newFake(t, w.path, w.text(bad), w.text(answerJSON()))
		a = newTestAgent(t, w, fake, newTestFetcher())
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
		if err != nil || res.Claims[0].Verdict != "TRUE" {
			t.Fatalf("after a repair: %+v, %v", res, err)
		}
		if repair := lastUserText(fake.requests()[1]); !strings.Contains(repair, `claims[0].verdict "PARTLY" is not one of`) {
			t.Errorf("repair message = %q", repair)
		}
	})
}

func TestAnalyzeRepairsUnfetchedSource(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		invented := "https://example.com/never-read"
		fake := newFake(t, w.path, w.text(answerJSON(invented)), w.text(answerJSON()))
		a := newTestAgent(t, w, fake, newTestFetcher())
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(res.Sources) != 0 || res.Sources == nil {
			t.Fatalf("sources = %#v, want an empty list", res.Sources)
		}
		repair := lastUserText(fake.requests()[1])
		if !strings.Contains(repair, invented) || !strings.Contains(repair, "was not fetched") {
			t.Fatalf("repair message = %q", repair)
		}
	})
}

func TestAnalyzeStepsExhausted(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		pages := pageServer(t)
		fake := newFake(t, w.path,
			w.tools([2]string{"s1", pages.URL + "/claim"}),
			w.tools([2]string{"s2", pages.URL + "/other"}),
			w.text(answerJSON(pages.URL+"/claim", pages.URL+"/other")))
		f := newTestFetcher()
		a := newTestAgent(t, w, fake, f, func(c *Config) { c.MaxSteps = 2 })
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(res.Sources) != 2 || len(f.fetched()) != 2 {
			t.Fatalf("sources %+v, fetched %v", res.Sources, f.fetched())
		}
		reqs := fake.requests()
		if len(reqs) != 3 {
			t.Fatalf("%d model calls, want 3", len(reqs))
		}
		if !toolsOffered(w, reqs[0]) || !toolsOffered(w, reqs[1]) || toolsOffered(w, reqs[2]) {
			t.Fatalf("tools offered: %v %v %v, want true true false", toolsOffered(w, reqs[0]), toolsOffered(w, reqs[1]), toolsOffered(w, reqs[2]))
		}
		switch w.provider {
		case ProviderAnthropic: // tools stay defined, tool_choice none
			if reqs[2]["tool_choice"].(map[string]any)["type"] != "none" || reqs[2]["tools"] == nil {
				t.Errorf("final request: tool_choice %v, tools %v", reqs[2]["tool_choice"], reqs[2]["tools"])
			}
		case ProviderOpenAI: // no tools at all
			if _, ok := reqs[2]["tools"]; ok {
				t.Errorf("final request offers tools: %v", reqs[2]["tools"])
			}
		}
		if res := toolResults(w, reqs[2]); !strings.Contains(res["s2"], "Another page") {
			t.Errorf("final request lacks the last tool result: %v", res)
		}
		if !strings.Contains(lastUserText(reqs[2]), msgFinal) {
			t.Errorf("final request does not ask for the answer: %q", lastUserText(reqs[2]))
		}
	})
}

func TestAnalyzeFetchErrorsAndLimits(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		pages := pageServer(t)
		fake := newFake(t, w.path,
			w.tools([2]string{"p1", "http://private.test/x"}, [2]string{"p2", pages.URL + "/claim"}, [2]string{"p3", pages.URL + "/other"}),
			w.text(answerJSON(pages.URL+"/claim")))
		a := newTestAgent(t, w, fake, newTestFetcher(), func(c *Config) { c.MaxFetches = 2; c.MaxFetchBytes = 10 })
		if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"}); err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		res := toolResults(w, fake.requests()[1])
		if !strings.Contains(res["p1"], "refused: private address") {
			t.Errorf("p1 = %q, want the fetch error", res["p1"])
		}
		if !strings.Contains(res["p2"], "The Eiffel") || strings.Contains(res["p2"], "Tower") || !strings.Contains(res["p2"], "[Truncated") {
			t.Errorf("p2 = %q, want 10 bytes of text and a truncation note", res["p2"])
		}
		if !strings.Contains(res["p3"], "limit of 2 page fetches") {
			t.Errorf("p3 = %q, want the fetch limit", res["p3"])
		}
	})
}

func TestAnalyzeIgnoresModelName(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		ans := strings.Replace(answerJSON(), `{`, `{"model":"evil/override",`, 1)
		fake := newFake(t, w.path, w.text(ans))
		a := newTestAgent(t, w, fake, newTestFetcher())
		res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
		if err != nil || res.Model != w.provider+"/"+w.model {
			t.Fatalf("result %+v, %v", res, err)
		}
	})
}

func TestAnalyzeRealFetcherRefusesLoopback(t *testing.T) {
	w := wires[0]
	pages := pageServer(t)
	fake := newFake(t, w.path, w.tools([2]string{"r1", pages.URL + "/claim"}), w.text(answerJSON()))
	a := newTestAgent(t, w, fake, fetch.New(fetch.Config{}))
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
	if err != nil || len(res.Sources) != 0 {
		t.Fatalf("result %+v, %v", res, err)
	}
	if got := toolResults(w, fake.requests()[1])["r1"]; !strings.HasPrefix(got, "error: ") || !strings.Contains(got, "refused") {
		t.Fatalf("tool result = %q, want the fetcher's refusal", got)
	}
}

func TestAnalyzeUsesPageTitle(t *testing.T) {
	w := wires[1]
	pages := pageServer(t)
	other := pages.URL + "/other"
	ans := strings.ReplaceAll(answerJSON(other), `"title":"cited `+other+`"`, `"title":""`)
	fake := newFake(t, w.path, w.tools([2]string{"t1", other}), w.text(ans))
	a := newTestAgent(t, w, fake, newTestFetcher())
	res, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"})
	if err != nil || res.Sources[0].Title != "Towers" || res.Claims[0].Sources[0].Title != "Towers" {
		t.Fatalf("result %+v, %v", res, err)
	}
	if got := toolResults(w, fake.requests()[1])["t1"]; !strings.Contains(got, "Title: Towers") || strings.Contains(got, "<p>") {
		t.Fatalf("tool result = %q, want the page's title and text", got)
	}
}
