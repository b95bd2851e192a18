package api

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// requireFilesDropped checks that the store keeps no attachment contents
// of the finished task, and that its view and the listing still show the
// files' names, types and sizes.
func (e *accEnv) requireFilesDropped(t *testing.T, a account, task core.Task, status core.TaskStatus) {
	t.Helper()
	got := e.task(t, a, task.ID)
	if got.Status != status {
		t.Fatalf("task %s is %s, want %s", task.ID, got.Status, status)
	}
	if atts, err := e.store.TaskAttachments(t.Context(), task.ID); err != nil || len(atts) != 0 {
		t.Errorf("%s task: %d attachments with contents, %v; want none", status, len(atts), err)
	}
	if !sameAttachments(got.Attachments, task.Attachments) {
		t.Errorf("%s task shows attachments %+v, want %+v", status, got.Attachments, task.Attachments)
	}
	for _, listed := range e.tasks(t, a) {
		if listed.ID == task.ID && !sameAttachments(listed.Attachments, task.Attachments) {
			t.Errorf("%s task listed with attachments %+v, want %+v", status, listed.Attachments, task.Attachments)
		}
	}
}

// sameAttachments reports whether a and b describe the same files.
func sameAttachments(a, b []core.AttachmentInfo) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Once a task is COMPLETED or FAILED, on each database, the store keeps
// none of its files' contents, and the task still shows their names,
// types and sizes.
func TestAnalysisFilesDroppedWhenFinished(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			e, a := analysisEnv(t, envConfig{store: kind}, 100)
			notes := filePart("notes.txt", []byte("Notes: the tower was finished in 1889."))
			e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE", "attachment:notes.txt")))
			completed := started(t, e.postAnalysis(t, a, []formPart{queryPart("Finished in 1889?"), notes}))
			if e.awaitTask(t, a, completed.ID).Status != core.TaskCompleted {
				t.Fatalf("task %s did not complete", completed.ID)
			}
			e.requireFilesDropped(t, a, completed, core.TaskCompleted)

			e.Model.Enqueue(modeltest.Answer("It is true, trust me."), modeltest.Answer("{not json"))
			failed := started(t, e.postAnalysis(t, a, []formPart{queryPart("Finished in 1889?"), notes,
				filePart("tower.png", tinyPNG)}))
			e.awaitTask(t, a, failed.ID)
			e.requireFilesDropped(t, a, failed, core.TaskFailed)
			e.balanced(t)
		})
	}
}

// bodyPendingFull is the start of the 429 of an analysis whose files
// would take the user's unfinished analyses past what they may hold.
const bodyPendingFull = `{"data":null,"message":"` + core.MsgRateLimited +
	`","status":"error","errors":[{"field":"attachments","problem":"your unfinished analyses already hold `

// What one user's unfinished analyses hold is bounded, on each database:
// past it an analysis with files is a 429 that holds nothing, one without
// files still starts, and cancelling a task drops its files' contents at
// once (keeping their names and sizes), which makes room again.
func TestAnalysisPendingFilesBounded(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			cfg := envConfig{store: kind, analysis: &analysisConfig{NoWorkers: true},
				policy: func(p *core.Policy) { p.MaxPendingBytes = 1000 }}
			e, a := analysisEnv(t, cfg, 100)
			file := func(name string) formPart { return filePart(name, bytes.Repeat([]byte("a"), 400)) }
			first := started(t, e.postAnalysis(t, a, []formPart{file("one.txt")}))
			started(t, e.postAnalysis(t, a, []formPart{file("two.txt")}))

			rec := e.postAnalysis(t, a, []formPart{file("three.txt")})
			body := rec.Body.String()
			if rec.Code != http.StatusTooManyRequests || !strings.HasPrefix(body, bodyPendingFull+"800 bytes") ||
				!strings.Contains(body, "at most 1000 bytes") || rec.Header().Get("Retry-After") != "60" {
				t.Fatalf("over the bound: %d %s (Retry-After %q)", rec.Code, body, rec.Header().Get("Retry-After"))
			}
			if got, list := e.credits(t, a), e.tasks(t, a); got != "60.0" || len(list) != 2 {
				t.Errorf("after the refusal: credits %s, %d tasks; want 60.0, 2", got, len(list))
			}
			started(t, e.postAnalysis(t, a, []formPart{queryPart("No files: nothing to hold.")}))

			expect(t, e.call("DELETE", "/users/"+a.ID+"/tasks/"+first.ID, bearer(a.Token), ""), http.StatusOK,
				successBody(mustJSON(e.task(t, a, first.ID)), msgTaskCancelled))
			e.requireFilesDropped(t, a, first, core.TaskFailed)
			third := started(t, e.postAnalysis(t, a, []formPart{file("three.txt")}))
			if len(third.Attachments) != 1 || third.Attachments[0].Size != 400 {
				t.Errorf("attachments %+v", third.Attachments)
			}
			if got := e.credits(t, a); got != "40.0" {
				t.Errorf("credits %s, want 40.0", got)
			}
			e.balanced(t)
		})
	}
}
