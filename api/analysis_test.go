package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// The exact bodies of the analysis refusals.
var (
	bodyNoCredits = errorBody("null", core.MsgInsufficientCredits)
	bodyTooLarge  = errorBody("null", core.MsgTooLarge)
	bodyNoModel   = errorBody("null", core.MsgNoAnalyzer)
	bodyNoTask    = errorBody("null", "Task with the given identifier does not exist.")
)

// nothingHeld checks that a has its balance, no task and no transaction
// but the grant, and that the books agree.
func (e *accEnv) nothingHeld(t *testing.T, a account, credits string) {
	t.Helper()
	if got := e.credits(t, a); got != credits {
		t.Errorf("credits %s, want %s", got, credits)
	}
	if list := e.tasks(t, a); len(list) != 0 {
		t.Errorf("tasks %+v, want none", list)
	}
	for _, tx := range e.transactions(t, a) {
		if tx.Type == "DEBIT" {
			t.Errorf("a DEBIT %+v", tx)
		}
	}
	e.balanced(t)
}

// Without enough credits the analysis is refused and nothing is held.
func TestAnalysisWithoutCredits(t *testing.T) {
	e, a := analysisEnv(t, envConfig{}, 19)
	expect(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is green.")}), http.StatusForbidden, bodyNoCredits)
	e.nothingHeld(t, a, "19.0")
	if n := e.Model.Calls(); n != 0 {
		t.Errorf("%d model calls", n)
	}
}

// Without a model configured, analyses answer 503 and charge nothing;
// supported attachments still answers.
func TestAnalysisWithoutModel(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoModel: true}}, 100)
	expect(t, e.call("GET", "/users/"+a.ID+"/agent/supported_attachments", bearer(a.Token), ""), http.StatusOK,
		successBody(`{"document":[".pdf",".txt",".md",".csv",".json",".html"]}`, msgAttachmentsFetched))
	expect(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is green.")}), http.StatusServiceUnavailable, bodyNoModel)
	e.nothingHeld(t, a, "100.0")
}

// With a model, supported attachments lists what the agent reads.
func TestSupportedAttachments(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 0)
	expect(t, e.call("GET", "/users/"+a.ID+"/agent/supported_attachments", bearer(e.apiKey(t, a)), ""), http.StatusOK,
		successBody(`{"document":[".pdf",".txt",".md",".csv",".json",".html"],"image":[".jpg",".jpeg",".png",".gif",".webp"]}`,
			msgAttachmentsFetched))
	b := e.activeAccount(t, "bob@example.com")
	expect(t, e.call("GET", "/users/"+b.ID+"/agent/supported_attachments", bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	expect(t, e.call("GET", "/users/"+a.ID+"/agent/supported_attachments", "", ""), http.StatusUnauthorized, bodyUnauth)
}

// A provider's 500 is retried by the job, and the retry completes.
func TestAnalysisRetriedAfterProviderError(t *testing.T) {
	e, a := analysisEnv(t, envConfig{}, 100)
	e.Model.Enqueue(modeltest.Status(http.StatusInternalServerError), modeltest.Answer(modeltest.AnalysisJSON("FALSE")))
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The Moon is made of cheese.")}))
	done := e.awaitTask(t, a, task.ID)
	if done.Status != core.TaskCompleted || done.Result.Verdict != "FALSE" || len(done.Result.Sources) != 0 {
		t.Fatalf("task %+v", done)
	}
	if n := e.Model.Calls(); n != 2 {
		t.Errorf("%d model calls, want 2", n)
	}
	if got := e.credits(t, a); got != "80.0" {
		t.Errorf("credits %s, want 80.0", got)
	}
	e.balanced(t)
}

// A model that answers invalid JSON, and again after the repair request,
// fails the task with a readable error and releases the credits.
func TestAnalysisFailsOnInvalidAnswers(t *testing.T) {
	e, a := analysisEnv(t, envConfig{}, 100)
	e.Model.Enqueue(modeltest.Answer("It is true, trust me."), modeltest.Answer("{not json"))
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is blue.")}))
	done := e.awaitTask(t, a, task.ID)
	if done.Status != core.TaskFailed || done.Result != nil || done.Error == nil ||
		!strings.Contains(*done.Error, "format") || strings.Contains(*done.Error, "not json") {
		t.Fatalf("task %+v, error %v", done, done.Error)
	}
	if n := e.Model.Calls(); n != 2 {
		t.Errorf("%d model calls, want 2 (the answer and its repair)", n)
	}
	if got := e.credits(t, a); got != "100.0" {
		t.Errorf("credits %s, want 100.0", got)
	}
	if txs := e.transactions(t, a); len(txs) != 1 {
		t.Errorf("transactions %+v, want the grant only", txs)
	}
	e.balanced(t)
}

// A retried request with the same Idempotency-Key gets the same task, held
// once.
func TestAnalysisIdempotencyKey(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	parts := []formPart{queryPart("The sky is blue."), filePart("a.txt", []byte("sky"))}
	first := started(t, e.postAnalysis(t, a, parts, IdempotencyKeyHeader, "key-1"))
	again := e.postAnalysis(t, a, parts, IdempotencyKeyHeader, "key-1")
	if again.Code != http.StatusCreated {
		t.Fatalf("retry: %d %s", again.Code, again.Body)
	}
	var second core.Task
	dataOf(t, again, &second)
	if second.ID != first.ID {
		t.Errorf("retry started task %s, want %s", second.ID, first.ID)
	}
	other := started(t, e.postAnalysis(t, a, parts, IdempotencyKeyHeader, "key-2"))
	if other.ID == first.ID {
		t.Error("another key got the same task")
	}
	if got := e.credits(t, a); got != "60.0" {
		t.Errorf("credits %s, want 60.0: two tasks held", got)
	}
	e.balanced(t)
}
