package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// Cancelling a pending task fails it and releases its credits; cancelling
// it again returns it as it is.
func TestCancelPendingTask(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is blue.")}))
	if got := e.credits(t, a); got != "80.0" {
		t.Errorf("credits while pending %s, want 80.0", got)
	}
	b := e.activeAccount(t, "bob@example.com")
	expect(t, e.call("DELETE", "/users/"+a.ID+"/tasks/"+task.ID, bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
	rec := e.call("DELETE", "/users/"+a.ID+"/tasks/"+task.ID, bearer(a.Token), "")
	var cancelled core.Task
	dataOf(t, rec, &cancelled)
	if rec.Code != http.StatusOK || cancelled.Status != core.TaskFailed || cancelled.Error == nil || *cancelled.Error != core.MsgCancelled {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
	}
	expect(t, rec, http.StatusOK, successBody(mustJSON(cancelled), msgTaskCancelled))
	expect(t, e.call("DELETE", "/users/"+a.ID+"/tasks/"+task.ID, bearer(a.Token), ""), http.StatusOK,
		successBody(mustJSON(cancelled), msgTaskCancelled))
	if got := e.credits(t, a); got != "100.0" {
		t.Errorf("credits %s, want 100.0", got)
	}
	e.balanced(t)
}

// Cancelling a running task stops its model call; the late answer changes
// nothing.
func TestCancelRunningTask(t *testing.T) {
	e, a := analysisEnv(t, envConfig{}, 100)
	gate := modeltest.NewGate()
	e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is blue.")}))
	select {
	case <-gate.Arrived():
	case <-time.After(20 * time.Second):
		t.Fatal("the model was never called")
	}
	if got := e.task(t, a, task.ID); got.Status != core.TaskRunning {
		t.Errorf("status %s, want RUNNING", got.Status)
	}
	expectStatus(t, e.call("DELETE", "/users/"+a.ID+"/tasks/"+task.ID, bearer(a.Token), ""), http.StatusOK)
	gate.Release()
	time.Sleep(300 * time.Millisecond) // a late answer would complete it now
	if got := e.task(t, a, task.ID); got.Status != core.TaskFailed || got.Result != nil {
		t.Errorf("task %+v after the release", got)
	}
	if got := e.credits(t, a); got != "100.0" {
		t.Errorf("credits %s, want 100.0", got)
	}
	e.balanced(t)
}

// expectStatus checks a response's status.
func expectStatus(t testing.TB, rec interface{ Result() *http.Response }, status int) {
	t.Helper()
	if got := rec.Result().StatusCode; got != status {
		t.Fatalf("status %d, want %d", got, status)
	}
}

// Tasks are the owner's alone; unknown ids are a 404; pages are checked.
func TestTaskAccess(t *testing.T) {
	e, a := analysisEnv(t, envConfig{analysis: &analysisConfig{NoWorkers: true}}, 100)
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is blue.")}))
	b := e.activeAccount(t, "bob@example.com")
	expect(t, e.call("GET", "/users/"+a.ID+"/tasks/"+task.ID, bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
	expect(t, e.call("GET", "/users/"+b.ID+"/tasks/"+task.ID, bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
	expect(t, e.call("GET", "/users/"+a.ID+"/tasks", bearer(b.Token), ""), http.StatusForbidden, bodyForbidden)
	unknown := "task_" + strings.Repeat("0", 32)
	expect(t, e.call("GET", "/users/"+a.ID+"/tasks/"+unknown, bearer(a.Token), ""), http.StatusNotFound, bodyNoTask)
	expect(t, e.call("DELETE", "/users/"+a.ID+"/tasks/"+unknown, bearer(a.Token), ""), http.StatusNotFound, bodyNoTask)
	expect(t, e.call("GET", "/users/"+b.ID+"/tasks", bearer(b.Token), ""), http.StatusOK, successBody("[]", msgTasksFetched))
	for q, field := range map[string]string{
		"limit=0": "limit", "limit=101": "limit", "limit=x": "limit", "offset=-1": "offset", "offset=1.5": "offset",
	} {
		expectInvalid(t, e.call("GET", "/users/"+a.ID+"/tasks?"+q, bearer(a.Token), ""), field)
	}
	expect(t, e.call("GET", "/users/"+a.ID+"/tasks?limit=1&offset=1", bearer(a.Token), ""), http.StatusOK,
		successBody("[]", msgTasksFetched))
	expect(t, e.call("GET", "/users/"+a.ID+"/tasks?limit=1", bearer(e.apiKey(t, a)), ""), http.StatusOK,
		successBody("["+mustJSON(task)+"]", msgTasksFetched))
}

// Watching a task (what the MCP analyze tool does while it waits) reads it
// many times but spends the caller's rate limit once.
func TestWatchTaskSpendsTheLimitOnce(t *testing.T) {
	e, a := analysisEnv(t, envConfig{realLimits: true}, 100)
	gate := modeltest.NewGate()
	t.Cleanup(gate.Release)
	e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	e.clock.Advance(time.Minute) // a fresh second for the caller
	task := started(t, e.postAnalysis(t, a, []formPart{queryPart("The sky is blue.")}))
	<-gate.Arrived()

	p, err := e.svc.Identify(context.Background(), core.Credentials{Authorization: bearer(a.Token), Transport: core.TransportMCPHTTP})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	reads := 0
	got, err := e.svc.WatchTask(ctx, p, "", task.ID, 5*time.Millisecond, func(core.Task) { reads++ }, nil)
	if err != nil || got.Status != core.TaskRunning || reads < 20 {
		t.Fatalf("watch: %s after %d reads, %v", got.Status, reads, err)
	}
	// The post and the watch took 2 of the 10 requests of this second.
	for i := range 8 {
		if rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d after the watch: %d %s", i+3, rec.Code, rec.Body)
		}
	}
	expectRetryAfter(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), "1")
}
