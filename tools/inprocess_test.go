package tools

import (
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// inProcess returns a connected in-process client of s; a legacy client
// pins protocol 2025-11-25 and its initialize handshake.
func inProcess(t *testing.T, s *server.MCPServer, legacy bool) *client.Client {
	t.Helper()
	var opts []client.ClientOption
	want := mcp.ProtocolVersion20260728
	if legacy {
		opts = append(opts, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		want = mcp.ProtocolVersion20251125
	}
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatalf("new in-process client: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	connect(t, c, want)
	return c
}

func TestInProcessModern(t *testing.T) {
	s, _, _ := newTestServer(t)
	probe(t, inProcess(t, s, false))
}

func TestInProcessLegacy(t *testing.T) {
	s, _, _ := newTestServer(t)
	probe(t, inProcess(t, s, true))
}

// In process there is no transport to carry credentials: handlers see none.
func TestInProcessHasNoCredentials(t *testing.T) {
	s, _, _ := newTestServer(t)
	got := structured(t, call(t, inProcess(t, s, false), "test_whoami", nil))
	if got["present"] != false {
		t.Errorf("handler saw credentials %v", got)
	}
}
