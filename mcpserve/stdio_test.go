package mcpserve_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/tools"
)

// ServeStdio returns nil when its context is cancelled, stdin still open.
func TestStdioCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c, done := mcpservetest.Stdio(t, ctx, bareServer(), tools.StdioSession(core.Credentials{}))
	start(t, c)
	cancel()
	mcpservetest.WaitDone(t, done)
}

// Requests piped in at once, stdin closed right after, are all answered
// before ServeStdio returns: `printf '…' | clara mcp` works.
func TestStdioAnswersBeforeEOF(t *testing.T) {
	const calls = 40
	var in strings.Builder
	in.WriteString(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}` + "\n")
	in.WriteString(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
	for i := 1; i <= calls; i++ {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"test_echo","arguments":{}}}`+"\n", i)
	}
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := mcpserve.ServeStdio(context.Background(), bareServer(), strings.NewReader(in.String()), w, tools.StdioSession(core.Credentials{}))
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
	mcpservetest.WaitDone(t, done)
	if len(seen) != calls+1 {
		t.Errorf("got %d responses, want %d", len(seen), calls+1)
	}
}

// EOF does not wait for a subscriptions/listen stream, which lasts until it
// is cancelled, but still answers the requests read with it.
func TestStdioEOFEndsListen(t *testing.T) {
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`
	in := `{"jsonrpc":"2.0","id":1,"method":"subscriptions/listen","params":{` + meta + `,"notifications":{"toolsListChanged":true}}}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{` + meta + `,"name":"test_echo","arguments":{}}}` + "\n"
	var out strings.Builder
	done := make(chan error, 1)
	go func() {
		done <- mcpserve.ServeStdio(context.Background(), bareServer(), strings.NewReader(in), &out, tools.StdioSession(core.Credentials{}))
	}()
	mcpservetest.WaitDone(t, done)
	var answered bool
	for line := range strings.Lines(out.String()) {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.ID == 2 && msg.Result != nil {
			answered = true
		}
	}
	if !answered {
		t.Errorf("tools/call piped with a listen was not answered; output:\n%s", out.String())
	}
}
