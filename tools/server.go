package tools

import (
	"fmt"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/core"
)

// ServerName is the name Clara's MCP server gives itself in serverInfo.
const ServerName = "clara"

// Options configure NewServer. Every field is optional.
type Options struct {
	// Logger receives tool faults and one line per MCP request; nil discards.
	// Over stdio it must not write to stdout.
	Logger *slog.Logger
	// Version is reported in serverInfo; the core's version when empty.
	Version string
	// Metrics, when set, registers clara_mcp_tool_calls_total{tool,outcome}.
	Metrics prometheus.Registerer
}

// Instructions tell a host model what Clara is and how to use its tools.
const Instructions = `Clara checks claims and analyses content: users spend credits on analyses,
run by an AI agent, that say whether a claim, post or document is true.
Each tool is one capability of Clara's backend, the twin of one REST route.

- Every result has structuredContent matching the tool's output schema, and the
  same object as JSON text. Lists come as {"items": [...]}.
- A failure you can act on (invalid arguments, not found, not enough credits,
  forbidden, service unavailable) is a tool result with isError set and the
  same message as Clara's REST API; invalid arguments are named on a second
  line. Correct the call rather than retrying it unchanged.
- Protocol errors mean a malformed request or a fault on Clara's side.
- Identity: over HTTP send "Authorization: Bearer <token or API key>"
  (optionally "User-Id"); over stdio the server runs with CLARA_API_KEY.
- Tool annotations say which tools only read, which destroy data, which are
  idempotent and which reach outside Clara (payments, mail, the web). Read-only
  tools are free.

Start with health to check that Clara and its database answer.`

// NewServer returns Clara's MCP server over svc with every tool of the
// catalogue registered. It panics on an invalid tool declaration, a
// programming error that the package's tests catch.
func NewServer(svc *core.Service, opts Options) *server.MCPServer {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	version := opts.Version
	if version == "" {
		version = svc.Version().Version
	}
	var s *server.MCPServer
	hooks := &server.Hooks{}
	if opts.Metrics != nil {
		m := newMetrics(opts.Metrics)
		m.observe(hooks, func(name string) bool { return s.GetTool(name) != nil })
	}
	s = server.NewMCPServer(ServerName, version,
		server.WithTitle("Clara"),
		server.WithInstructions(Instructions),
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInputSchemaValidation(),
		server.WithOutputSchemaValidation(),
		server.WithLogger(logger),
		server.WithHooks(hooks),
	)
	rt := &toolEnv{log: logger}
	for _, d := range Catalogue(svc) {
		mustAdd(s, rt, d)
	}
	return s
}

// Catalogue returns every tool Clara serves, in the order of the MCP
// contract's table.
func Catalogue(svc *core.Service) []Definition {
	return []Definition{
		healthTool(svc),
		versionTool(svc),
	}
}

// mustAdd validates d and registers it on s.
func mustAdd(s *server.MCPServer, rt *toolEnv, d Definition) {
	if err := d.Validate(); err != nil {
		panic(fmt.Sprintf("tools: %v", err))
	}
	if s.GetTool(d.Describe().Name) != nil {
		panic(fmt.Sprintf("tools: tool %q registered twice", d.Describe().Name))
	}
	s.AddTools(d.bind(rt))
}
