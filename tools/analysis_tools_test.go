package tools

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
)

// tinyPNG is a valid 1×1 PNG image.
var tinyPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// b64 is standard base64.
func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

// analyze with wait_seconds returns the finished task, having sent the
// queued, running and done ticks to a client that asked for progress; the
// task is then in view_task and list_tasks. Over every transport.
func TestAnalyzeWaitsWithProgress(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			e := newEnvWith(t, false, &analysisConfig{})
			m := e.newMember(t, "ada@example.com", 100)
			cn := tr.open(t, e, "Bearer "+m.Token)
			e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE", "attachment:notes.txt")))

			res := cn.call(t, "analyze", map[string]any{
				"query":        "The sky is blue.",
				"attachments":  []any{map[string]any{"name": "notes.txt", "content_base64": b64([]byte("The sky is blue."))}},
				"wait_seconds": 30,
			}, "p-1")
			task := taskOf(t, res)
			if task.Status != core.TaskCompleted || task.Result == nil || task.Result.Verdict != "TRUE" ||
				!reflect.DeepEqual(task.Result.Sources, []core.Source{{URL: "attachment:notes.txt", Title: "Source 1"}}) {
				t.Fatalf("task %+v", task)
			}
			ticks := cn.progress(6, 5*time.Second)
			want := []tick{
				{"p-1", 1, 3, "Analysis " + task.ID + " queued."},
				{"p-1", 2, 3, "Analysis " + task.ID + " running."},
				{"p-1", 2.5, 3, "Analysis " + task.ID + `, step 1: read the attachment "notes.txt": read.`},
				{"p-1", 2.75, 3, "Analysis " + task.ID + ", step 2: the model is at work (round 1 of 6)."},
				{"p-1", 2.875, 3, "Analysis " + task.ID + ", step 3: the answer is checked: TRUE, 1 sources."},
				{"p-1", 3, 3, "Analysis " + task.ID + " completed."},
			}
			if !reflect.DeepEqual(ticks, want) {
				t.Errorf("progress %+v\nwant %+v", ticks, want)
			}

			viewed := taskOf(t, cn.call(t, "view_task", map[string]any{"task_id": task.ID}, nil))
			if !reflect.DeepEqual(viewed, task) {
				t.Errorf("view_task %+v, want %+v", viewed, task)
			}
			list := ok(t, cn.call(t, "list_tasks", map[string]any{"limit": 5}, nil))["items"].([]any)
			if len(list) != 1 || list[0].(map[string]any)["id"] != task.ID {
				t.Errorf("list_tasks %v", list)
			}
			if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 80.0 {
				t.Errorf("credits %v, want 80", got)
			}
			e.balanced(t)
		})
	}
}

// Without a progressToken, analyze waits all the same and sends nothing.
func TestAnalyzeWaitsWithoutProgress(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	m := e.newMember(t, "ada@example.com", 100)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("FALSE")))
	task := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "The sky is green.", "wait_seconds": 30}, nil))
	if task.Status != core.TaskCompleted || task.Result.Verdict != "FALSE" {
		t.Fatalf("task %+v", task)
	}
	if ticks := cn.progress(1, 300*time.Millisecond); len(ticks) != 0 {
		t.Errorf("progress sent unasked: %+v", ticks)
	}
}

// A wait that runs out returns the unfinished task, for view_task to
// follow; without wait_seconds the task comes back PENDING at once.
func TestAnalyzeWaitTimesOut(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	m := e.newMember(t, "ada@example.com", 100)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	gate := modeltest.NewGate()
	e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	t.Cleanup(gate.Release)

	started := time.Now()
	task := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "The sky is blue.", "wait_seconds": 1}, 7))
	if task.Status.Done() || time.Since(started) < time.Second {
		t.Fatalf("task %+v after %s", task, time.Since(started))
	}
	for _, tk := range cn.progress(3, 300*time.Millisecond) {
		if tk.Progress == 3 || tk.Token != 7.0 {
			t.Errorf("tick %+v of an unfinished wait", tk)
		}
	}
	gate.Release()
	deadline := time.Now().Add(20 * time.Second)
	for task.Status != core.TaskCompleted {
		if time.Now().After(deadline) {
			t.Fatalf("task %+v", task)
		}
		time.Sleep(20 * time.Millisecond)
		task = taskOf(t, cn.call(t, "view_task", map[string]any{"task_id": task.ID}, nil))
	}

	pending := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "Water is wet."}, nil))
	if pending.Status != core.TaskPending || pending.CostInCredits != 20 {
		t.Errorf("task %+v", pending)
	}
}

// Refusals are tool errors with the REST messages.
func TestAnalyzeRefusals(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	poor := e.newMember(t, "bob@example.com", 0)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	file := func(name string, data []byte) map[string]any {
		return map[string]any{"name": name, "content_base64": b64(data)}
	}

	wantError(t, transports[0].open(t, e, "Bearer "+poor.Token).call(t, "analyze", map[string]any{"query": "x"}, nil),
		core.MsgInsufficientCredits, guideCredits)
	wantError(t, cn.call(t, "analyze", map[string]any{"query": "x", "attachments": []any{file("big.txt", bytes.Repeat([]byte("a"), 11<<20))}}, nil),
		core.MsgTooLarge)
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": []any{file("chart.pdf", tinyPNG)}}, nil),
		core.MsgInvalid, "chart.pdf: content is not a PDF")
	var six []any
	for i := range 6 {
		six = append(six, file(string(rune('a'+i))+".txt", []byte("text")))
	}
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": six}, nil), core.MsgInvalid, "attachments: at most 5 files")
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": []any{map[string]any{"name": "a.txt", "content_base64": "!!"}}}, nil),
		core.MsgInvalid, "attachments[0].content_base64: is not valid standard base64")
	wantError(t, cn.call(t, "analyze", map[string]any{"attachments": []any{map[string]any{"name": "a.txt"}}}, nil),
		core.MsgInvalid, "attachments[0]: give content_base64 or url")
	wantError(t, cn.call(t, "analyze", map[string]any{"query": "x", "wait_seconds": 121}, nil),
		core.MsgInvalid, "wait_seconds: must be from 0 to 120")
	wantError(t, cn.call(t, "analyze", map[string]any{"query": "x", "user_id": poor.ID}, nil), core.MsgForbidden, guideForbidden)
	wantError(t, cn.call(t, "analyze", map[string]any{"query": "x", "idempotency_key": strings.Repeat("k", 256)}, nil),
		core.MsgInvalid, "idempotency_key: must be at most 255 characters")
	if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 100.0 {
		t.Errorf("credits %v after refusals, want 100", got)
	}

	// An idempotency key repeated returns the first task.
	first := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "x", "idempotency_key": "k"}, nil))
	again := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "x", "idempotency_key": "k"}, nil))
	if again.ID != first.ID {
		t.Errorf("retry got %s, want %s", again.ID, first.ID)
	}
	if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 80.0 {
		t.Errorf("credits %v, want 80", got)
	}
	e.balanced(t)
}

// view_task and list_tasks read the caller's tasks only;
// supported_attachments lists what the model reads.
func TestTaskTools(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	other := e.newMember(t, "bob@example.com", 0)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	task := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "x"}, nil))

	wantError(t, cn.call(t, "view_task", map[string]any{"task_id": "task_" + strings.Repeat("0", 32)}, nil),
		"Task with the given identifier does not exist.", guideNoTask)
	theirs := transports[0].open(t, e, "Bearer "+other.Token)
	wantError(t, theirs.call(t, "view_task", map[string]any{"task_id": task.ID}, nil), core.MsgForbidden, guideForbidden)
	if got := ok(t, theirs.call(t, "list_tasks", nil, nil)); !reflect.DeepEqual(got, map[string]any{"items": []any{}}) {
		t.Errorf("another user's list_tasks %v", got)
	}
	wantError(t, cn.call(t, "list_tasks", map[string]any{"limit": 0}, nil), core.MsgInvalid, "limit: must be a whole number from 1 to 100")

	want := map[string]any{
		"document": []any{".pdf", ".txt", ".md", ".csv", ".json", ".html"},
		"image":    []any{".jpg", ".jpeg", ".png", ".gif", ".webp"},
	}
	if got := ok(t, cn.call(t, "supported_attachments", nil, nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("supported_attachments %v", got)
	}
}

// One client's progress never reaches another's event stream: GET /mcp,
// which mcp-go would key under one session shared by every stateless
// client, is refused.
func TestProgressStaysWithItsCaller(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	a := e.newMember(t, "ada@example.com", 100)
	b := e.newMember(t, "bob@example.com", 100)
	legacy := transports[2]
	if legacy.name != "http-legacy" {
		t.Fatalf("transports[2] is %s", legacy.name)
	}
	listener := legacy.open(t, e, "Bearer "+a.Token)
	caller := legacy.open(t, e, "Bearer "+b.Token)
	e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE")))
	task := taskOf(t, caller.call(t, "analyze", map[string]any{"query": "x", "wait_seconds": 30}, "mine"))
	if task.Status != core.TaskCompleted {
		t.Fatalf("task %+v", task)
	}
	// queued, running, the model's round, the checked answer, completed
	if got := caller.progress(5, 5*time.Second); len(got) != 5 {
		t.Errorf("the caller got %+v", got)
	}
	if got := listener.progress(1, 300*time.Millisecond); len(got) != 0 {
		t.Errorf("another client got %+v", got)
	}

	ts := serveAccountsHTTP(t, e)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/mcp", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST, DELETE" {
		t.Errorf("GET /mcp: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}
