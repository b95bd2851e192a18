package mcpserve_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/tools/caller"
)

// bareServer returns an MCP server with one tool, test_echo, that answers
// with the transport of the credentials its call carries: what the
// transports alone do, without Clara's catalogue.
func bareServer() *server.MCPServer {
	s := server.NewMCPServer("clara-test", "0", server.WithToolCapabilities(true))
	s.AddTool(mcp.NewTool("test_echo"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		creds, _ := caller.Credentials(ctx)
		return mcp.NewToolResultText(string(creds.Transport)), nil
	})
	return s
}

// start starts c and initializes it.
func start(t *testing.T, c *client.Client) {
	t.Helper()
	if err := c.Start(t.Context()); err != nil {
		t.Fatalf("start client: %v", err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "clara-test", Version: "1.0.0"}
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
}
