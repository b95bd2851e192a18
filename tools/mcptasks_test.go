package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// newTaskEnv is an env with analyses whose callers are never rate limited:
// the task tests poll and start many tasks.
func newTaskEnv(t *testing.T, analysis analysisConfig) *accountsEnv {
	t.Helper()
	return newEnvTweaked(t, false, &analysis, func(d *core.Deps) {
		p := core.DefaultPolicy()
		p.PerCaller = core.Rate{Events: 1_000_000, Per: time.Second}
		d.Policy = &p
	})
}

// analyze called as a task answers at once with the Clara task, working,
// whatever wait_seconds says; tasks/result waits for it to finish and
// returns what analyze returns; tasks/get follows it to completed. Over
// stdio, Streamable HTTP and SSE, in both protocol eras.
func TestAnalyzeAsTask(t *testing.T) {
	for _, d := range taskDrivers {
		for _, era := range eras {
			t.Run(d.name+"/"+era.name, func(t *testing.T) {
				e := newTaskEnv(t, analysisConfig{})
				m := e.newMember(t, "ada@example.com", 100)
				tc := d.open(t, e, "Bearer "+m.Token, era)
				if caps := tc.c.GetServerCapabilities().Tasks; caps == nil || caps.List == nil || caps.Cancel == nil ||
					caps.Requests == nil || caps.Requests.Tools == nil || caps.Requests.Tools.Call == nil {
					t.Fatalf("tasks capability %+v", caps)
				}
				gate := modeltest.NewGate()
				t.Cleanup(gate.Release)
				e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))

				created := tc.start(t, map[string]any{"query": "The sky is blue.", "wait_seconds": 60})
				id, _ := created["taskId"].(string)
				ttl, hasTTL := created["ttl"]
				if !strings.HasPrefix(id, "task_") || created["status"] != "working" || created["pollInterval"] != 2000.0 ||
					!hasTTL || ttl != nil || created["createdAt"] == nil || created["lastUpdatedAt"] == nil {
					t.Fatalf("created task %v", created)
				}
				if got := tc.credits(t); got != 80.0 {
					t.Errorf("credits %v while the task runs, want 80", got)
				}

				results := make(chan *transport.JSONRPCResponse, 1)
				go func() {
					resp, _ := tc.send(t.Context(), "tasks/result", byID(id))
					results <- resp
				}()
				waitGate(t, gate)
				running := tc.ok(t, "tasks/get", byID(id))
				if running["status"] != "working" || running["statusMessage"] != "The agent is analysing the query." {
					t.Errorf("tasks/get of a running task %v", running)
				}
				select {
				case resp := <-results:
					t.Fatalf("tasks/result answered before the task finished: %+v", resp)
				case <-time.After(200 * time.Millisecond):
				}
				gate.Release()
				var resp *transport.JSONRPCResponse
				select {
				case resp = <-results:
				case <-time.After(20 * time.Second):
					t.Fatal("tasks/result did not answer once the task finished")
				}
				if resp == nil || resp.Error != nil {
					t.Fatalf("tasks/result %+v", resp)
				}
				var res map[string]any
				if err := json.Unmarshal(resp.Result, &res); err != nil {
					t.Fatal(err)
				}
				task := resultTask(t, id, res)
				if task.Status != core.TaskCompleted || task.Result == nil || task.Result.Verdict != "TRUE" {
					t.Errorf("tasks/result holds %+v", task)
				}

				done := tc.ok(t, "tasks/get", byID(id))
				if done["status"] != "completed" || done["statusMessage"] != "Verdict: TRUE (confidence 0.90)." || done["pollInterval"] != nil {
					t.Errorf("tasks/get of a completed task %v", done)
				}
				again := resultTask(t, id, tc.ok(t, "tasks/result", byID(id)))
				if viewed := taskOf(t, tc.call(t, "view_task", map[string]any{"task_id": id})); viewed.Status != again.Status || viewed.UpdatedAt != again.UpdatedAt {
					t.Errorf("view_task %+v, tasks/result %+v", viewed, again)
				}
				if got := tc.credits(t); got != 80.0 {
					t.Errorf("credits %v, want 80", got)
				}
				e.balanced(t)
			})
		}
	}
}

// waitGate waits for the model to be asked, the task running.
func waitGate(t *testing.T, gate *modeltest.Gate) {
	t.Helper()
	select {
	case <-gate.Arrived():
	case <-time.After(20 * time.Second):
		t.Fatal("the analysis never reached the model")
	}
}

// tasks/cancel cancels a running task and releases its credits; tasks/get
// then says cancelled, tasks/result returns the FAILED task, and a second
// tasks/cancel is refused. Over every transport.
func TestCancelTaskAsTask(t *testing.T) {
	for _, d := range taskDrivers {
		t.Run(d.name, func(t *testing.T) {
			e := newTaskEnv(t, analysisConfig{})
			m := e.newMember(t, "ada@example.com", 100)
			tc := d.open(t, e, "Bearer "+m.Token, eras[1])
			gate := modeltest.NewGate()
			t.Cleanup(gate.Release)
			e.Model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
			id := tc.start(t, map[string]any{"query": "The sky is blue."})["taskId"]
			waitGate(t, gate)
			if got := tc.credits(t); got != 80.0 {
				t.Fatalf("credits %v while the task runs, want 80", got)
			}

			cancelled := tc.ok(t, "tasks/cancel", byID(id))
			if cancelled["taskId"] != id || cancelled["status"] != "cancelled" || cancelled["statusMessage"] != core.MsgCancelled {
				t.Fatalf("tasks/cancel answered %v", cancelled)
			}
			if got := tc.credits(t); got != 100.0 {
				t.Errorf("credits %v after tasks/cancel, want 100 (released)", got)
			}
			if got := tc.ok(t, "tasks/get", byID(id)); got["status"] != "cancelled" {
				t.Errorf("tasks/get of a cancelled task %v", got)
			}
			tc.fails(t, "tasks/cancel", byID(id), mcp.INVALID_PARAMS,
				fmt.Sprintf("Task %s has already finished (cancelled): it cannot be cancelled.", id))
			task := resultTask(t, id, tc.ok(t, "tasks/result", byID(id)))
			if task.Status != core.TaskFailed || task.Error == nil || *task.Error != core.MsgCancelled {
				t.Errorf("tasks/result of a cancelled task %+v", task)
			}
			e.balanced(t)
		})
	}
}

// tasks/list pages the caller's tasks, and only those; another user's task
// is unknown to every task method.
func TestTaskListAndOwnership(t *testing.T) {
	e := newTaskEnv(t, analysisConfig{NoWorkers: true})
	ada := e.newMember(t, "ada@example.com", 1000)
	bob := e.newMember(t, "bob@example.com", 100)
	a := taskDrivers[1].open(t, e, "Bearer "+ada.Token, eras[1])
	b := taskDrivers[1].open(t, e, "Bearer "+bob.Token, eras[1])
	var mine []string
	for i := range taskPage + 2 {
		mine = append(mine, a.start(t, map[string]any{"query": fmt.Sprintf("Claim %d.", i)})["taskId"].(string))
	}
	theirs := b.start(t, map[string]any{"query": "Bob's claim."})["taskId"].(string)

	first := a.ok(t, "tasks/list", nil)
	second := a.ok(t, "tasks/list", map[string]any{"cursor": first["nextCursor"]})
	if first["nextCursor"] != "20" || second["nextCursor"] != nil {
		t.Errorf("cursors %v then %v", first["nextCursor"], second["nextCursor"])
	}
	var listed []string
	for _, page := range []map[string]any{first, second} {
		for _, task := range page["tasks"].([]any) {
			task := task.(map[string]any)
			if task["status"] != "working" || task["statusMessage"] != "Queued: the analysis starts as soon as a worker is free." {
				t.Errorf("listed task %v", task)
			}
			listed = append(listed, task["taskId"].(string))
		}
	}
	if len(first["tasks"].([]any)) != taskPage || !sameIDs(listed, mine) {
		t.Errorf("tasks/list pages %d and %d tasks: %v, want %v", len(first["tasks"].([]any)), len(second["tasks"].([]any)), listed, mine)
	}
	if got := b.ok(t, "tasks/list", nil)["tasks"].([]any); len(got) != 1 || got[0].(map[string]any)["taskId"] != theirs {
		t.Errorf("bob's tasks/list %v", got)
	}

	for _, method := range []string{"tasks/get", "tasks/result", "tasks/cancel"} {
		b.fails(t, method, byID(mine[0]), mcp.INVALID_PARAMS, "Task with the given identifier does not exist.")
		a.fails(t, method, byID("task_"+strings.Repeat("0", 32)), mcp.INVALID_PARAMS, "Task with the given identifier does not exist.")
		a.fails(t, method, nil, mcp.INVALID_PARAMS, "taskId: is required")
	}
	a.fails(t, "tasks/list", map[string]any{"cursor": "later"}, mcp.INVALID_PARAMS, "cursor: is not one that tasks/list returned")
	if got := a.ok(t, "tasks/get", byID(mine[0])); got["status"] != "working" {
		t.Errorf("bob's attempts changed ada's task: %v", got)
	}
	e.balanced(t)
}

// sameIDs reports whether a and b hold the same ids, each once.
func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) && len(slices.Compact(a)) == len(b)
}

// A call of analyze as a task that analyze refuses starts nothing and is a
// JSON-RPC error with the lines of the tool's refusal; other tools cannot
// be called as tasks; the task methods need credentials.
func TestAnalyzeAsTaskRefusals(t *testing.T) {
	e := newTaskEnv(t, analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	poor := e.newMember(t, "bob@example.com", 0)
	tc := taskDrivers[1].open(t, e, "Bearer "+m.Token, eras[1])
	asTask := func(name string, args map[string]any) map[string]any {
		return map[string]any{"name": name, "arguments": args, "task": map[string]any{}}
	}

	taskDrivers[1].open(t, e, "Bearer "+poor.Token, eras[1]).fails(t, "tools/call", asTask("analyze", map[string]any{"query": "x"}),
		mcp.INVALID_PARAMS, core.MsgInsufficientCredits+"\n"+guideCredits)
	tc.fails(t, "tools/call", asTask("analyze", map[string]any{"query": "x", "wait_seconds": 121}),
		mcp.INVALID_PARAMS, core.MsgInvalid+"\nwait_seconds: must be from 0 to 120")
	tc.fails(t, "tools/call", asTask("analyze", map[string]any{"query": "x", "more": 1}),
		mcp.INVALID_PARAMS, core.MsgInvalid+"\nmore: is not an argument of analyze (its arguments: attachments, cancel_on_abort, idempotency_key, query, user_id, wait_seconds)")
	tc.fails(t, "tools/call", asTask("view_user", nil), mcp.METHOD_NOT_FOUND,
		`Tool "view_user" cannot be called as a task: call it without params.task.`)
	if got := tc.credits(t); got != 100.0 {
		t.Errorf("credits %v after refusals, want 100", got)
	}

	anonymous := taskDrivers[1].open(t, e, "", eras[1])
	anonymous.fails(t, "tasks/list", nil, mcp.INTERNAL_ERROR, core.MsgUnauthenticated)
	anonymous.fails(t, "tasks/get", byID("task_"+strings.Repeat("0", 32)), mcp.INTERNAL_ERROR, core.MsgUnauthenticated)
	e.balanced(t)
}

// The task methods reaching mcp-go itself (an in-process client, which
// no Clara transport carries) are refused rather than answered from
// mcp-go's memory.
func TestTasksRefusedInProcess(t *testing.T) {
	e := newTaskEnv(t, analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	c, err := client.NewInProcessClientWithOptions(e.server(), eras[1].opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := initialize(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	ctx := callerCtx(t, "Bearer "+m.Token)
	_, err = c.ListTasks(ctx, mcp.ListTasksRequest{})
	if err == nil || !strings.Contains(err.Error(), errTasksElsewhere.Error()) {
		t.Errorf("tasks/list in process: %v", err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments, req.Params.Task = "analyze", map[string]any{"query": "x"}, &mcp.TaskParams{}
	if _, err := c.CallTool(ctx, req); err == nil || !strings.Contains(err.Error(), errTasksElsewhere.Error()) {
		t.Errorf("analyze as a task in process: %v", err)
	}
	if tasks, err := e.svc.ListTasks(ctx, mustIdentify(t, e, "Bearer "+m.Token), "", 10, 0); err != nil || len(tasks) != 0 {
		t.Errorf("tasks %v, %v", tasks, err)
	}
}

// callerCtx is the context of an in-process call presenting authorization.
func callerCtx(t *testing.T, authorization string) context.Context {
	return caller.WithCredentials(t.Context(), core.Credentials{Authorization: authorization, Transport: core.TransportInProcess})
}

// mustIdentify returns the principal of authorization.
func mustIdentify(t *testing.T, e *accountsEnv, authorization string) core.Principal {
	t.Helper()
	p, err := e.svc.Identify(t.Context(), core.Credentials{Authorization: authorization, Transport: core.TransportInProcess})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every analyze result links to its task, clara://tasks/{id}.
func TestAnalyzeLinksItsTask(t *testing.T) {
	e := newTaskEnv(t, analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	res := cn.call(t, "analyze", map[string]any{"query": "The sky is blue."}, nil)
	wantLink(t, res, taskOf(t, res).ID)
	if res := cn.call(t, "analyze", map[string]any{"query": ""}, nil); len(res.Content) != 1 || !res.IsError {
		t.Errorf("a refusal links to a task: %+v", res.Content)
	}
}
