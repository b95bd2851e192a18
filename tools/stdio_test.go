package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// stdioSession serves s over a pair of pipes with ServeStdio. Closing the
// returned client closes the server's stdin; done yields what ServeStdio
// returned.
func stdioSession(t *testing.T, ctx context.Context, s *server.MCPServer, creds core.Credentials, opts ...client.ClientOption) (*client.Client, <-chan error) {
	t.Helper()
	clientIn, serverOut := io.Pipe()
	serverIn, clientOut := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := ServeStdio(ctx, s, serverIn, serverOut, creds)
		_ = serverOut.Close()
		done <- err
	}()
	c := client.NewClient(transport.NewIO(clientIn, clientOut, nil), opts...)
	t.Cleanup(func() { _ = c.Close() })
	return c, done
}

// waitDone waits for ServeStdio to return and checks it returned nil.
func waitDone(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeStdio returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeStdio did not return")
	}
}

func TestStdio(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			creds := core.Credentials{Authorization: "Bearer api_key_0123"}
			c, done := stdioSession(t, context.Background(), s, creds, era.opts...)
			connect(t, c, era.protocol)
			probe(t, c)

			got := structured(t, call(t, c, "test_whoami", nil))
			want := map[string]any{"present": true, "authorization": "Bearer api_key_0123", "user_id": "", "transport": "mcp-stdio"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("handler saw %v, want %v", got, want)
			}

			if err := c.Close(); err != nil { // EOF on the server's stdin
				t.Errorf("close client: %v", err)
			}
			waitDone(t, done)
		})
	}
}

// ServeStdio returns nil when its context is cancelled, stdin still open.
func TestStdioCancel(t *testing.T) {
	s, _, _ := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c, done := stdioSession(t, ctx, s, core.Credentials{})
	connect(t, c, mcp.ProtocolVersion20260728)
	cancel()
	waitDone(t, done)
}

// Requests piped in at once, stdin closed right after, are all answered
// before ServeStdio returns: `printf '…' | clara mcp` works.
func TestStdioAnswersBeforeEOF(t *testing.T) {
	s, _, _ := newTestServer(t)
	const calls = 40
	var in strings.Builder
	in.WriteString(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}` + "\n")
	in.WriteString(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
	for i := 1; i <= calls; i++ {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"version","arguments":{}}}`+"\n", i)
	}
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := ServeStdio(context.Background(), s, strings.NewReader(in.String()), w, core.Credentials{})
		_ = w.Close()
		done <- err
	}()
	seen := map[int]bool{}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(lines.Bytes(), &msg); err != nil || msg.Result == nil {
			t.Errorf("unexpected output line %s", lines.Bytes())
			continue
		}
		seen[msg.ID] = true
	}
	waitDone(t, done)
	if len(seen) != calls+1 {
		t.Errorf("got %d responses, want %d", len(seen), calls+1)
	}
}
