package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// An analysis over REST, on each database, with real River workers and the
// real agent: two files in a multipart body, 201 PENDING with 20 credits
// held, the model reads the page it asks for, the task COMPLETES with the
// sources read, and the held credits become a DEBIT of 20.
func TestAnalysisFlow(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			e, a := analysisEnv(t, envConfig{store: kind}, 100)
			page := e.pageURL()
			e.Model.Enqueue(
				modeltest.FetchURL(page),
				modeltest.Answer(modeltest.AnalysisJSON("MOSTLY_TRUE", page, "attachment:notes.txt", "attachment:tower.png")),
			)
			notes := []byte("Notes: the tower was finished in 1889.")
			rec := e.postAnalysis(t, a, []formPart{
				queryPart("The Eiffel Tower is in Paris: " + page),
				filePart("notes.txt", notes),
				filePart("tower.png", tinyPNG),
			})
			task := started(t, rec)
			wantAtts := []core.AttachmentInfo{
				{Name: "notes.txt", Size: int64(len(notes)), ContentType: task.Attachments[0].ContentType},
				{Name: "tower.png", Size: int64(len(tinyPNG)), ContentType: "image/png"},
			}
			if !strings.HasPrefix(task.Attachments[0].ContentType, "text/plain") || !slices.Equal(task.Attachments, wantAtts) {
				t.Errorf("attachments %+v, want %+v", task.Attachments, wantAtts)
			}
			if task.UserID != a.ID || task.Query != "The Eiffel Tower is in Paris: "+page {
				t.Errorf("task %+v", task)
			}

			done := e.awaitTask(t, a, task.ID)
			if done.Status != core.TaskCompleted || done.Result == nil || done.Error != nil {
				t.Fatalf("task %+v, error %v", done, done.Error)
			}
			res := done.Result
			wantSources := []core.Source{
				{URL: page, Title: "Source 1"},
				{URL: "attachment:notes.txt", Title: "Source 2"},
				{URL: "attachment:tower.png", Title: "Source 3"},
			}
			if res.Verdict != "MOSTLY_TRUE" || res.Model != testModelName || !slices.Equal(res.Sources, wantSources) {
				t.Errorf("result %+v", res)
			}

			// The model read the query, both files and, through fetch_url,
			// the page.
			reqs := e.Model.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d model calls, want 2", len(reqs))
			}
			first := reqs[0].Text()
			if !strings.Contains(first, "The Eiffel Tower is in Paris") || !strings.Contains(first, string(notes)) ||
				!reqs[0].HasPart("image_url") || !slices.Equal(reqs[0].Tools, []string{"fetch_url"}) {
				t.Errorf("first model call: tools %v, parts, text %q", reqs[0].Tools, first)
			}
			results := reqs[1].ToolResults()
			if len(results) != 1 || !strings.Contains(results[0].Text, pageText) || !strings.Contains(results[0].Text, pageTitle) {
				t.Errorf("tool results %+v", results)
			}

			// Charged once: a DEBIT of 20, the balance down by 20.
			if got := e.credits(t, a); got != "80.0" {
				t.Errorf("credits %s, want 80.0", got)
			}
			txs := e.transactions(t, a)
			if len(txs) != 2 || txs[0].Type != "DEBIT" || txs[0].ValueInCredits != "20.0" ||
				txs[0].Description != "Analysis "+task.ID+": 20 credits." {
				t.Errorf("transactions %+v", txs)
			}
			e.balanced(t)

			list := e.tasks(t, a)
			if len(list) != 1 || list[0].ID != task.ID || list[0].Status != core.TaskCompleted {
				t.Errorf("list %+v", list)
			}
			expect(t, e.call("GET", "/users/"+a.ID+"/tasks/"+task.ID, bearer(a.Token), ""),
				http.StatusOK, successBody(mustJSON(done), msgTaskFetched))
		})
	}
}
