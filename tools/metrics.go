package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/internal/promreg"
)

// The outcomes of a tool call, as counted.
const (
	outcomeOK            = "ok"             // a result
	outcomeToolError     = "tool_error"     // an isError result: business or validation failure
	outcomeProtocolError = "protocol_error" // a JSON-RPC error: unknown tool or server fault
)

// unknownTool labels calls of tools that do not exist, so that callers
// cannot grow the label set.
const unknownTool = "unknown"

// metrics counts tool calls by tool and outcome.
type metrics struct {
	calls *prometheus.CounterVec
}

// newMetrics registers the counter on reg, or reuses the one registered by
// an earlier server on the same registry.
func newMetrics(reg prometheus.Registerer) *metrics {
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clara_mcp_tool_calls_total",
		Help: "MCP tool calls by tool and outcome (ok, tool_error, protocol_error).",
	}, []string{"tool", "outcome"})
	return &metrics{calls: promreg.Register(reg, calls)}
}

// observe counts every tools/call through hooks, so that calls refused
// before any handler runs (schema validation, unknown tool) count too.
func (m *metrics) observe(h *server.Hooks, known func(name string) bool) {
	label := func(req *mcp.CallToolRequest) string {
		if req == nil || !known(req.Params.Name) {
			return unknownTool
		}
		return req.Params.Name
	}
	h.AddAfterCallTool(func(_ context.Context, _ any, req *mcp.CallToolRequest, result any) {
		outcome := outcomeOK
		if r, ok := result.(*mcp.CallToolResult); ok && r.IsError {
			outcome = outcomeToolError
		}
		// A call with a result named a tool that exists.
		name := unknownTool
		if req != nil {
			name = req.Params.Name
		}
		m.calls.WithLabelValues(name, outcome).Inc()
	})
	h.AddOnError(func(_ context.Context, _ any, method mcp.MCPMethod, message any, _ error) {
		if method != mcp.MethodToolsCall {
			return
		}
		req, _ := message.(*mcp.CallToolRequest)
		m.calls.WithLabelValues(label(req), outcomeProtocolError).Inc()
	})
}
