package tools

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// tick is a notifications/progress a client received.
type tick struct {
	Token    any     `json:"progressToken"`
	Progress float64 `json:"progress"`
	Total    float64 `json:"total"`
	Message  string  `json:"message"`
}

// conn is an MCP client acting as one user, recording the progress
// notifications it receives.
type conn struct {
	c   *client.Client
	ctx func(t *testing.T) context.Context

	mu    sync.Mutex
	ticks []tick
}

// transportKind opens conns over one transport.
type transportKind struct {
	name string
	open func(t *testing.T, e *accountsEnv, bearer string) *conn
}

// transports are the transports the analysis tools are tested over.
var transports = []transportKind{
	{"in-process", func(t *testing.T, e *accountsEnv, bearer string) *conn {
		c, err := client.NewInProcessClient(e.server())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return newConn(t, c, func(t *testing.T) context.Context {
			return caller.WithCredentials(t.Context(), core.Credentials{Authorization: bearer, Transport: core.TransportInProcess})
		})
	}},
	{"http", func(t *testing.T, e *accountsEnv, bearer string) *conn {
		ts := serveAccountsHTTP(t, e)
		tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": bearer}))
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr)
		t.Cleanup(func() { _ = c.Close() })
		return newConn(t, c, (*testing.T).Context)
	}},
	{"http-legacy", func(t *testing.T, e *accountsEnv, bearer string) *conn {
		ts := serveAccountsHTTP(t, e)
		// A legacy client that also asks for the standalone GET stream,
		// as the TypeScript SDK does (the option is deprecated for that era).
		//lint:ignore SA1019 the legacy GET stream is what this case tests.
		tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithContinuousListening(),
			transport.WithHTTPHeaders(map[string]string{"Authorization": bearer}))
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		t.Cleanup(func() { _ = c.Close() })
		return newConn(t, c, (*testing.T).Context)
	}},
	{"stdio", func(t *testing.T, e *accountsEnv, bearer string) *conn {
		c, _ := stdioSession(t, context.Background(), e.server(), core.Credentials{Authorization: bearer})
		return newConn(t, c, (*testing.T).Context)
	}},
}

// newConn records c's progress notifications and connects it.
func newConn(t *testing.T, c *client.Client, ctx func(t *testing.T) context.Context) *conn {
	t.Helper()
	cn := &conn{c: c, ctx: ctx}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != "notifications/progress" {
			return
		}
		raw, _ := json.Marshal(n.Params.AdditionalFields)
		var tk tick
		_ = json.Unmarshal(raw, &tk)
		cn.mu.Lock()
		cn.ticks = append(cn.ticks, tk)
		cn.mu.Unlock()
	})
	if err := initialize(t.Context(), c); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return cn
}

// call calls a tool, asking for progress with token when it is not nil,
// and fails the test on a protocol error.
func (cn *conn) call(t *testing.T, name string, args map[string]any, token mcp.ProgressToken) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	if token != nil {
		req.Params.Meta = &mcp.Meta{ProgressToken: token}
	}
	res, err := cn.c.CallTool(cn.ctx(t), req)
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// progress returns the ticks received so far, waiting up to d for at
// least n of them (notifications may trail the result).
func (cn *conn) progress(n int, d time.Duration) []tick {
	deadline := time.Now().Add(d)
	for {
		cn.mu.Lock()
		got := append([]tick(nil), cn.ticks...)
		cn.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// taskOf decodes a result's structuredContent as a task.
func taskOf(t *testing.T, res *mcp.CallToolResult) core.Task {
	t.Helper()
	ok(t, res)
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var task core.Task
	if err := json.Unmarshal(raw, &task); err != nil {
		t.Fatalf("decode task %s: %v", raw, err)
	}
	return task
}
