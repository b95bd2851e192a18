package tools

import (
	"context"
	"reflect"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
)

// stdioSession serves s over a pair of pipes to a stdio session whose
// calls present creds (mcpservetest.Stdio).
func stdioSession(t *testing.T, ctx context.Context, s *server.MCPServer, creds core.Credentials, opts ...client.ClientOption) (*client.Client, <-chan error) {
	t.Helper()
	return mcpservetest.Stdio(t, ctx, s, StdioSession(creds), opts...)
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
			mcpservetest.WaitDone(t, done)
		})
	}
}
