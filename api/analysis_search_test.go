package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/core"
)

// A claim without a link, on each database: the agent searches (a fake
// SearXNG through the real client), fetches a result, cites it, and the
// task COMPLETES with its steps in the result.
func TestAnalysisSearchesForAClaimWithoutLinks(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			var page string
			searx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]any{"results": []any{
					map[string]any{"title": pageTitle, "url": page, "content": "It is 330 metres tall."},
				}})
			}))
			t.Cleanup(searx.Close)
			s, err := search.New(search.Config{Provider: "searxng", URL: searx.URL})
			if err != nil {
				t.Fatal(err)
			}
			e, a := analysisEnv(t, envConfig{store: kind, analysis: &analysisConfig{Searcher: s}}, 100)
			page = e.pageURL()
			e.Model.Enqueue(
				modeltest.ToolCall("search_web", map[string]any{"query": "Eiffel Tower height"}),
				modeltest.FetchURL(page),
				modeltest.Answer(modeltest.AnalysisJSON("TRUE", page)),
			)
			task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The Eiffel Tower is 330 metres tall.")}))
			done := e.awaitTask(t, a, task.ID)
			if done.Status != core.TaskCompleted || done.Result == nil {
				t.Fatalf("task %+v, error %v", done, done.Error)
			}
			res := done.Result
			if len(res.Sources) != 1 || res.Sources[0].URL != page {
				t.Fatalf("sources %+v", res.Sources)
			}
			want := []core.AnalysisStep{
				{Kind: core.StepSearch, Target: "Eiffel Tower height", Outcome: "1 results"},
				{Kind: core.StepFetch, Target: page, Outcome: res.Steps[len(res.Steps)-1].Outcome},
			}
			if len(res.Steps) != 2 || res.Steps[0] != want[0] || res.Steps[1] != want[1] {
				t.Fatalf("steps %+v, want %+v", res.Steps, want)
			}
			if res.Usage == nil || res.Usage.ModelCalls != 3 {
				t.Fatalf("usage %+v", res.Usage)
			}
			rec := e.call("GET", "/users/"+a.ID+"/tasks/"+task.ID, bearer(a.Token), "")
			var body struct {
				Data struct {
					Result struct {
						Steps []map[string]string `json:"steps"`
					} `json:"result"`
				} `json:"data"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Data.Result.Steps) != 2 || body.Data.Result.Steps[0]["kind"] != "search" {
				t.Fatalf("GET task: %s", rec.Body.String())
			}
		})
	}
}
