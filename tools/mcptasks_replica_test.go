package tools

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/analysistest"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// replicas returns two envs, two Clara processes in effect, over one
// PostgreSQL database, whose analyses are queued but never run.
func replicas(t *testing.T) (*accountsEnv, *accountsEnv) {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewURL(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logger, _ := testLogger(t)
	outbox := filepath.Join(t.TempDir(), "outbox")
	deps := core.Deps{
		Store: db, Version: testVersion, Secret: testSecret, PublicAPIKey: testPublicKey,
		Passwords: auth.NewPasswords(auth.FastPasswordParams), Mailer: mail.NewDev(outbox, logger),
	}
	analysistest.New(t, db, analysisConfig{NoWorkers: true}, &deps)
	env := func() *accountsEnv { return &accountsEnv{svc: core.New(deps), outbox: outbox, logger: logger} }
	return env(), env()
}

// A task started through one server is followed, listed and cancelled
// through another over the same database, as replicas behind a load
// balancer answer.
func TestTasksAcrossReplicas(t *testing.T) {
	one, two := replicas(t)
	m := one.newMember(t, "ada@example.com", 100)
	a := taskDrivers[1].open(t, one, "Bearer "+m.Token, eras[1])
	b := taskDrivers[1].open(t, two, "Bearer "+m.Token, eras[1])

	id := a.start(t, map[string]any{"query": "The sky is blue."})["taskId"]
	if got := b.ok(t, "tasks/get", byID(id)); got["status"] != "working" {
		t.Errorf("tasks/get on the other replica %v", got)
	}
	if got := b.ok(t, "tasks/list", nil)["tasks"].([]any); len(got) != 1 || got[0].(map[string]any)["taskId"] != id {
		t.Errorf("tasks/list on the other replica %v", got)
	}
	if got := b.ok(t, "tasks/cancel", byID(id)); got["status"] != "cancelled" {
		t.Errorf("tasks/cancel on the other replica %v", got)
	}
	if got := a.ok(t, "tasks/get", byID(id)); got["status"] != "cancelled" {
		t.Errorf("tasks/get after a cancel elsewhere %v", got)
	}
	if got := a.credits(t); got != 100.0 {
		t.Errorf("credits %v, want 100", got)
	}
	one.balanced(t)
}

// A call of analyze that is cancelled while it waits cancels its analysis
// when it asked to (cancel_on_abort), and otherwise leaves it running.
func TestAnalyzeCancelOnAbort(t *testing.T) {
	for _, cancelOnAbort := range []bool{true, false} {
		name := map[bool]string{true: "cancel_on_abort", false: "default"}[cancelOnAbort]
		t.Run(name, func(t *testing.T) {
			e := newTaskEnv(t, analysisConfig{})
			m := e.newMember(t, "ada@example.com", 100)
			fc := stdioDriver(e, eras[0]).mustOpen(t, "Bearer "+m.Token)
			gate := modeltest.NewGate()
			t.Cleanup(gate.Release)
			e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))

			ctx, abort := context.WithCancel(t.Context())
			defer abort()
			returned := make(chan error, 1)
			go func() {
				req := mcp.CallToolRequest{}
				req.Params.Name = "analyze"
				req.Params.Arguments = map[string]any{"query": "The sky is blue.", "wait_seconds": 60, "cancel_on_abort": cancelOnAbort}
				_, err := fc.c.CallTool(ctx, req)
				returned <- err
			}()
			waitGate(t, gate)
			list := ok(t, fc.call(t, "list_tasks", nil))["items"].([]any)
			if len(list) != 1 {
				t.Fatalf("list_tasks %v", list)
			}
			id := list[0].(map[string]any)["id"].(string)
			abort() // the client sends notifications/cancelled
			select {
			case err := <-returned:
				if err == nil {
					t.Error("the aborted call returned no error")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the aborted call did not return")
			}

			view := func() core.Task { return taskOf(t, fc.call(t, "view_task", map[string]any{"task_id": id})) }
			if cancelOnAbort {
				task := awaitTask(t, view, func(task core.Task) bool { return task.Status.Done() })
				if task.Status != core.TaskFailed || task.Error == nil || *task.Error != core.MsgCancelled {
					t.Errorf("task %+v after the call was cancelled", task)
				}
				if got := ok(t, fc.call(t, "view_user", nil))["credits"]; got != 100.0 {
					t.Errorf("credits %v, want 100 (released)", got)
				}
			} else {
				time.Sleep(300 * time.Millisecond)
				if task := view(); task.Status != core.TaskRunning {
					t.Errorf("task %+v after the call was cancelled, want it running", task)
				}
				gate.Release()
				awaitTask(t, view, func(task core.Task) bool { return task.Status == core.TaskCompleted })
				if got := ok(t, fc.call(t, "view_user", nil))["credits"]; got != 80.0 {
					t.Errorf("credits %v, want 80 (charged)", got)
				}
			}
			e.balanced(t)
		})
	}
}

// awaitTask reads a task with view until done says it is, and returns it.
func awaitTask(t *testing.T, view func() core.Task, done func(core.Task) bool) core.Task {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		task := view()
		if done(task) {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %+v", task)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
