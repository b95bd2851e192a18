package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// legacyClient connects an in-process client speaking 2025-11-25 (where
// logging/setLevel lives) as the holder of bearer, collecting the log
// messages it receives.
func legacyClient(t *testing.T, e *accountsEnv, bearer string) (*client.Client, context.Context, func() []map[string]any) {
	t.Helper()
	c, err := client.NewInProcessClientWithOptions(e.server(), client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	var mu sync.Mutex
	var logs []map[string]any
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != "notifications/message" {
			return
		}
		mu.Lock()
		logs = append(logs, n.Params.AdditionalFields)
		mu.Unlock()
	})
	ctx := caller.WithCredentials(t.Context(), core.Credentials{Authorization: bearer, Transport: core.TransportInProcess})
	if err := initialize(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c, ctx, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return append([]map[string]any(nil), logs...)
	}
}

// TestStepsAsLogMessages: after logging/setLevel info, an analysis's
// steps arrive as notifications/message; before it, none do.
func TestStepsAsLogMessages(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{})
	m := e.newMember(t, "ada@example.com", 100)
	c, ctx, logs := legacyClient(t, e, "Bearer "+m.Token)
	analyze := func() {
		e.Model.Enqueue(modeltest.Answer(modeltest.AnalysisJSON("TRUE", "attachment:notes.txt")))
		res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "analyze", Arguments: map[string]any{
			"query": "The sky is blue.", "wait_seconds": 30,
			"attachments": []any{map[string]any{"name": "notes.txt", "content_base64": b64([]byte("The sky is blue."))}},
		}}})
		if err != nil || res.IsError {
			t.Fatalf("analyze: %v %+v", err, res)
		}
	}
	analyze()
	time.Sleep(100 * time.Millisecond)
	if got := logs(); len(got) != 0 {
		t.Fatalf("log messages before setLevel: %v", got)
	}
	//lint:ignore SA1019 logging/setLevel is the 2025-11-25 protocol's, which this test speaks.
	if err := c.SetLevel(ctx, mcp.SetLevelRequest{Params: mcp.SetLevelParams{Level: mcp.LoggingLevelInfo}}); err != nil {
		t.Fatalf("setLevel: %v", err)
	}
	analyze()
	deadline := time.Now().Add(5 * time.Second)
	for len(logs()) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := logs()
	if len(got) != 3 || fmt.Sprint(got[0]["level"]) != "info" || fmt.Sprint(got[0]["logger"]) != "clara.analysis" {
		t.Fatalf("log messages (attachment, model round, answer): %v", got)
	}
	data, _ := json.Marshal(got[0]["data"])
	if !strings.Contains(string(data), `"kind":"attachment"`) || !strings.Contains(string(data), `"target":"notes.txt"`) {
		t.Fatalf("log data: %s", data)
	}
}

// TestCompletions: task ids for clara://tasks/{task_id}, "me" for
// clara://users/{id}, recent claims for the fact_check prompt; a stranger
// gets none.
func TestCompletions(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	c, ctx, _ := legacyClient(t, e, "Bearer "+m.Token)
	var ids []string
	for _, q := range []string{"The sky is blue.", "The Moon is made of cheese.", "The sky is blue."} {
		res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "analyze", Arguments: map[string]any{"query": q}}})
		if err != nil || res.IsError {
			t.Fatalf("analyze: %v %+v", err, res)
		}
		ids = append(ids, taskOf(t, res).ID)
	}
	complete := func(ref any, name, value string) []string {
		t.Helper()
		res, err := c.Complete(ctx, mcp.CompleteRequest{Params: mcp.CompleteParams{Ref: ref, Argument: mcp.CompleteArgument{Name: name, Value: value}}})
		if err != nil {
			t.Fatalf("complete %s=%q: %v", name, value, err)
		}
		return res.Completion.Values
	}
	tasks := mcp.ResourceReference{Type: "ref/resource", URI: "clara://tasks/{task_id}"}
	if got := complete(tasks, "task_id", "task_"); len(got) != 3 || got[0] != ids[2] {
		t.Fatalf("task ids: %v, want newest first %v", got, ids)
	}
	if got := complete(tasks, "task_id", ids[0][:12]); len(got) < 1 {
		t.Fatalf("task ids with a prefix: %v", got)
	}
	if got := complete(mcp.ResourceReference{Type: "ref/resource", URI: "clara://users/{id}"}, "id", "m"); len(got) != 1 || got[0] != "me" {
		t.Fatalf("user ids: %v", got)
	}
	prompt := mcp.PromptReference{Type: "ref/prompt", Name: "fact_check"}
	if got := complete(prompt, "claim", "the "); len(got) != 2 || got[0] != "The sky is blue." {
		t.Fatalf("claims: %v", got)
	}
	stranger, sctx, _ := legacyClient(t, e, "")
	res, err := stranger.Complete(sctx, mcp.CompleteRequest{Params: mcp.CompleteParams{Ref: tasks, Argument: mcp.CompleteArgument{Name: "task_id", Value: ""}}})
	if err != nil || len(res.Completion.Values) != 0 {
		t.Fatalf("stranger's completion: %v %+v", err, res)
	}
}
