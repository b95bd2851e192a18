package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// taskConn sends the task methods, and task-augmented calls, as raw
// JSON-RPC requests through a client's transport (the Go client's CallTool
// cannot read a CreateTaskResult); its tool calls go through the client.
type taskConn struct {
	*flowClient
	modern bool // requests carry the 2026-07-28 protocol version in _meta
	n      atomic.Int64
}

// taskDriver opens task connections over one transport.
type taskDriver struct {
	name string
	open func(t *testing.T, e *accountsEnv, authorization string, era protocolEra) *taskConn
}

// taskDrivers are the transports the task methods are tested over.
var taskDrivers = []taskDriver{
	{"stdio", func(t *testing.T, e *accountsEnv, authorization string, era protocolEra) *taskConn {
		return newTaskConn(stdioDriver(e, era).mustOpen(t, authorization), era)
	}},
	{"http", func(t *testing.T, e *accountsEnv, authorization string, era protocolEra) *taskConn {
		return newTaskConn(httpDriver(serveAccountsHTTP(t, e), era).mustOpen(t, authorization), era)
	}},
	{"sse", func(t *testing.T, e *accountsEnv, authorization string, era protocolEra) *taskConn {
		tr, err := transport.NewSSE(serveAccountsHTTP(t, e).URL+"/sse", transport.WithHeaders(map[string]string{"Authorization": authorization}))
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr, era.opts...)
		t.Cleanup(func() { _ = c.Close() })
		if err := initialize(t.Context(), c); err != nil {
			t.Fatalf("sse: connect: %v", err)
		}
		return newTaskConn(&flowClient{c: c, ctx: (*testing.T).Context, close: func(*testing.T) { _ = c.Close() }}, era)
	}},
}

func newTaskConn(fc *flowClient, era protocolEra) *taskConn {
	return &taskConn{flowClient: fc, modern: mcp.IsModernProtocol(era.protocol)}
}

// rpc sends a request and returns its result, or its error.
func (tc *taskConn) rpc(t *testing.T, method string, params map[string]any) (json.RawMessage, *mcp.JSONRPCErrorDetails) {
	t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	resp, err := tc.send(tc.ctx(t), method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.Result, resp.Error
}

// send sends a request (params not nil) and returns its response; it is
// safe to call from any goroutine.
func (tc *taskConn) send(ctx context.Context, method string, params map[string]any) (*transport.JSONRPCResponse, error) {
	if tc.modern {
		params["_meta"] = map[string]any{mcp.MetaKeyProtocolVersion: mcp.ProtocolVersion20260728}
	}
	return tc.c.GetTransport().SendRequest(ctx, transport.JSONRPCRequest{
		JSONRPC: mcp.JSONRPC_VERSION, ID: mcp.NewRequestId(fmt.Sprintf("task-%d", tc.n.Add(1))), Method: method, Params: params,
	})
}

// ok sends a request that must succeed and returns its result, checking
// that a modern request's result says it is complete.
func (tc *taskConn) ok(t *testing.T, method string, params map[string]any) map[string]any {
	t.Helper()
	raw, e := tc.rpc(t, method, params)
	if e != nil {
		t.Fatalf("%s %v: error %d %q", method, params, e.Code, e.Message)
	}
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("%s answered %s: %v", method, raw, err)
	}
	if got := res["resultType"]; (got == string(mcp.ResultTypeComplete)) != tc.modern {
		t.Errorf("%s: resultType %v (modern: %v)", method, got, tc.modern)
	}
	return res
}

// fails sends a request that must fail with code and message.
func (tc *taskConn) fails(t *testing.T, method string, params map[string]any, code int, message string) {
	t.Helper()
	raw, e := tc.rpc(t, method, params)
	if e == nil {
		t.Fatalf("%s %v answered %s, want error %d", method, params, raw, code)
	}
	if e.Code != code || e.Message != message {
		t.Errorf("%s %v: error %d %q\nwant %d %q", method, params, e.Code, e.Message, code, message)
	}
}

// start calls analyze as a task and returns the task of the answer.
func (tc *taskConn) start(t *testing.T, args map[string]any) map[string]any {
	t.Helper()
	res := tc.ok(t, "tools/call", map[string]any{"name": "analyze", "arguments": args, "task": map[string]any{"ttl": 60000}})
	task, _ := res["task"].(map[string]any)
	if task == nil || res["content"] != nil {
		t.Fatalf("tools/call as a task answered %v", res)
	}
	return task
}

// byID are the params of a task method naming task id.
func byID(id any) map[string]any { return map[string]any{"taskId": id} }

// credits reads the caller's balance with view_user.
func (tc *taskConn) credits(t *testing.T) any {
	t.Helper()
	return ok(t, tc.call(t, "view_user", nil))["credits"]
}

// resultTask checks a task's tasks/result answer (what analyze returns: the
// task as structuredContent and text, then the link to its resource, and
// the related task in _meta) and returns the task.
func resultTask(t *testing.T, id any, res map[string]any) core.Task {
	t.Helper()
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mcp.ParseCallToolResult((*json.RawMessage)(&raw))
	if err != nil {
		t.Fatalf("tasks/result %s: %v", raw, err)
	}
	task := taskOf(t, parsed)
	if task.ID != id {
		t.Errorf("tasks/result of %v holds task %s", id, task.ID)
	}
	wantLink(t, parsed, task.ID)
	related, _ := res["_meta"].(map[string]any)[mcp.RelatedTaskMetaKey].(map[string]any)
	if related["taskId"] != id {
		t.Errorf("tasks/result _meta %v", res["_meta"])
	}
	return task
}

// wantLink checks that the last content block of res links to task id.
func wantLink(t *testing.T, res *mcp.CallToolResult, id string) {
	t.Helper()
	if len(res.Content) != 2 {
		t.Fatalf("content %+v, want text and a link", res.Content)
	}
	link, ok := res.Content[1].(mcp.ResourceLink)
	if !ok || link.URI != "clara://tasks/"+id || link.Name != id || link.MIMEType != "application/json" ||
		!strings.Contains(link.Description, "view_task") {
		t.Errorf("link %+v", res.Content[1])
	}
}
