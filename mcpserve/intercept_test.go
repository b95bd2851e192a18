package mcpserve_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/tools"
	"github.com/clara-backend/clara/tools/caller"
)

// fakeTasks intercepts the requests test/fast, answered at once, and
// test/slow, answered once released (or with an error once cancelled);
// both answer with the transport of the credentials they got.
type fakeTasks struct{ release chan struct{} }

// request is what fakeTasks reads of a message.
type request struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

func (f *fakeTasks) Handles(m json.RawMessage) bool {
	var r request
	return json.Unmarshal(m, &r) == nil && r.ID != nil && (r.Method == "test/fast" || r.Method == "test/slow")
}

func (f *fakeTasks) Handle(ctx context.Context, m json.RawMessage) []byte {
	var r request
	_ = json.Unmarshal(m, &r)
	if r.Method == "test/slow" {
		select {
		case <-f.release:
		case <-ctx.Done():
			return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32800,"message":"cancelled"}}`, r.ID)
		}
	}
	creds, _ := caller.Credentials(ctx)
	return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"result":{"transport":%q}}`, r.ID, creds.Transport)
}

// interceptedServer is bareServer whose transports ask f first.
func interceptedServer(f *fakeTasks) *server.MCPServer {
	s := bareServer()
	mcpserve.Intercept(s, f)
	return s
}

// answer is a response line of the stdio stream.
type answer struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Over stdio, intercepted requests are answered concurrently, in whole
// lines, with the session's credentials; the rest reach mcp-go in order; a
// notifications/cancelled cancels an intercepted request.
func TestStdioIntercepts(t *testing.T) {
	f := &fakeTasks{release: make(chan struct{})}
	in, clientOut := io.Pipe()
	clientIn, out := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := mcpserve.ServeStdio(context.Background(), interceptedServer(f), in, out, tools.StdioSession(core.Credentials{}))
		_ = out.Close()
		done <- err
	}()
	lines := bufio.NewScanner(clientIn)
	send := func(line string) {
		if _, err := io.WriteString(clientOut, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	next := func() answer {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("no more output: %v", lines.Err())
		}
		var a answer
		if err := json.Unmarshal(lines.Bytes(), &a); err != nil {
			t.Fatalf("output line %s: %v", lines.Bytes(), err)
		}
		return a
	}

	send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}`)
	if a := next(); a.ID != 0 || a.Result == nil {
		t.Fatalf("initialize answered %+v", a)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":1,"method":"test/slow"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"test/fast"}`)
	send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_echo","arguments":{}}}`)
	got := map[int]string{}
	for range 2 {
		a := next()
		got[a.ID] = string(a.Result)
	}
	if got[2] != `{"transport":"mcp-stdio"}` || !strings.Contains(got[3], `"text":"mcp-stdio"`) {
		t.Errorf("answers %v", got)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`)
	if a := next(); a.ID != 1 || a.Error == nil || a.Error.Message != "cancelled" {
		t.Errorf("cancelled request answered %+v", a)
	}
	_ = clientOut.Close()
	mcpservetest.WaitDone(t, done)
}

// Over stdio, an intercepted request piped in just before EOF is answered
// before ServeStdio returns.
func TestStdioInterceptedBeforeEOF(t *testing.T) {
	f := &fakeTasks{release: make(chan struct{})}
	go func() {
		time.Sleep(100 * time.Millisecond)
		close(f.release)
	}()
	var out strings.Builder
	in := strings.NewReader(`{"jsonrpc":"2.0","id":7,"method":"test/slow"}` + "\n")
	if err := mcpserve.ServeStdio(context.Background(), interceptedServer(f), in, &out, tools.StdioSession(core.Credentials{})); err != nil {
		t.Fatal(err)
	}
	if want := `{"jsonrpc":"2.0","id":7,"result":{"transport":"mcp-stdio"}}` + "\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// Over Streamable HTTP an intercepted POST is answered with plain JSON and
// the request's credentials; any other reaches mcp-go with its body.
func TestStreamableIntercepts(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, interceptedServer(&fakeTasks{}), mcpserve.HTTPOptions{Anonymous: true})
	resp, b := mcpservetest.Do(t, http.MethodPost, ts.URL+"/mcp", nil, strings.NewReader(`{"jsonrpc":"2.0","id":"x","method":"test/fast"}`))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" ||
		string(b) != `{"jsonrpc":"2.0","id":"x","result":{"transport":"mcp-http"}}` {
		t.Errorf("intercepted POST: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	resp, msg := mcpservetest.PostJSON(t, ts.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if resp.StatusCode != http.StatusOK || msg["result"] == nil {
		t.Errorf("ping passed on: %d %v", resp.StatusCode, msg)
	}
}

// Over SSE an intercepted message is answered on the session's stream.
func TestSSEIntercepts(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, interceptedServer(&fakeTasks{}), mcpserve.HTTPOptions{Anonymous: true})
	tr, err := transport.NewSSE(ts.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	t.Cleanup(func() { _ = c.Close() })
	start(t, c)
	resp, err := tr.SendRequest(t.Context(), transport.JSONRPCRequest{JSONRPC: mcp.JSONRPC_VERSION, ID: mcp.NewRequestId("x"), Method: "test/fast"})
	if err != nil || resp.Error != nil || string(resp.Result) != `{"transport":"mcp-sse"}` {
		t.Errorf("intercepted message: %+v, %v", resp, err)
	}
}
