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
	// Toolsets, when not empty, serves only the tools of these toolsets
	// (toolsets.go: account, billing, analysis, system); empty serves all.
	// An unknown name panics: the configuration checks them.
	Toolsets []string
	// ReadOnly serves only the tools whose readOnlyHint is true.
	ReadOnly bool
	// ValidateOutput checks every tool result's structuredContent against
	// the tool's output schema, and turns a mismatch into an error. The
	// tests turn it on; a serving process need not pay for it on every
	// call: results are typed Go values and each output schema is derived
	// from the same type.
	ValidateOutput bool
}

// Instructions tell a host model what Clara is and how to use its tools.
const Instructions = `Clara checks claims and analyses content: users spend credits on analyses,
run by an AI agent, that say whether a claim, post or document is true.
Each tool is one capability of Clara's backend, the twin of one REST route;
two resources and a prompt build on them.

- Every result has structuredContent matching the tool's output schema, and the
  same object as JSON text. Lists come as {"items": [...]}.
- A failure you can act on (invalid arguments, not found, not enough credits,
  forbidden, service unavailable) is a tool result with isError set and the
  same message as Clara's REST API; the lines after it name invalid
  arguments and say how to fix the call (how to authenticate, which code
  to request). Correct the call rather than retrying it unchanged.
- Protocol errors mean a malformed request or a fault on Clara's side.
- Identity: over HTTP send "Authorization: Bearer <user token or API key>"
  (optionally "User-Id") with every request; register and login return a
  user token. Over stdio the server runs with CLARA_API_KEY, or, without it,
  login or register signs the session in until logout.
- tools/list shows the tools the caller's credentials can use now: without
  credentials, the sign-in tools and the public ones. Over stdio the server
  sends notifications/tools/list_changed when the session signs in or out.
- New account: register, then activate_account with the 6-digit code
  emailed to the user (ask the user for it). Codes for send_otp types
  ACTIVATION, CHANGE_PASSWORD and TWO_FACTOR_AUTH arrive by email too.
- Credits: credit_rate shows their price; buy_credits costs the user real
  money and returns a Stripe Checkout url for the user to pay at; the
  credits arrive once Stripe reports the payment (see list_transactions).
- Analyses: analyze checks a claim, post or file with Clara's AI agent and
  costs credits (held at the start, charged on completion, released on
  failure). Give wait_seconds to wait for the verdict, with progress
  notifications when you send a progressToken; otherwise poll view_task.
  Hosts that support MCP tasks may call analyze as a task instead, and
  follow it with tasks/get, tasks/result and tasks/cancel.
  supported_attachments lists the file types accepted.
- Tool annotations say which tools only read, which destroy data, which are
  idempotent and which reach outside Clara (payments, mail, the web). Account
  and read-only tools are free.
- Resources: clara://users/me (or clara://users/{id}) and
  clara://tasks/{task_id} hold the caller's account and one analysis task as
  JSON, the same objects as view_user and view_task, read with the same
  credentials; a refusal is a JSON-RPC error with the REST message.
- Prompt fact_check (argument claim) walks through checking a claim:
  analyze it, read the verdict and present it with its sources.

Start with health to check that Clara and its database answer.`

// NewServer returns Clara's MCP server over svc with the tools of the
// catalogue that opts select (every one by default; toolsets.go) and every
// resource template and prompt registered. tools/list shows each
// caller only the tools it may use (visible.go). It panics on an
// invalid declaration, a programming error that the package's tests catch.
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
	rt := &toolEnv{log: logger, svc: svc}
	catalogue := selectTools(Catalogue(svc), opts.Toolsets, opts.ReadOnly)
	tasks := newTaskMethods(rt, catalogue) // MCP tasks (mcptasks.go)
	hooks := &server.Hooks{}
	hooks.AddAfterListTools(newVisibility(rt, catalogue).listVisible)
	subs := &subscriptions{rt: rt}
	subs.hook(hooks)
	tasks.hook(hooks)
	if opts.Metrics != nil {
		m := newMetrics(opts.Metrics)
		m.observe(hooks, func(name string) bool { return s.GetTool(name) != nil })
	}
	options := []server.ServerOption{
		server.WithTitle("Clara"),
		server.WithInstructions(Instructions),
		server.WithToolCapabilities(true),
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithLogging(),
		server.WithCompletions(),
		server.WithResourceCompletionProvider(completions{rt}),
		server.WithPromptCompletionProvider(completions{rt}),
		server.WithRecovery(),
		server.WithLogger(logger),
		server.WithHooks(hooks),
		tasks.capability(),
		server.WithToolHandlerMiddleware(rt.elicitRounds), // questions to the user (elicit.go)
	}
	if opts.ValidateOutput {
		options = append(options, server.WithOutputSchemaValidation())
	}
	s = server.NewMCPServer(ServerName, version, options...)
	subs.srv = s
	for _, d := range catalogue {
		mustAdd(s, rt, d)
	}
	tasks.serve(s)
	for _, r := range Resources(svc) {
		mustAddResource(s, rt, r)
	}
	for _, p := range Prompts(svc) {
		mustAddPrompt(s, rt, p)
	}
	return s
}

// Catalogue returns every tool Clara serves, in the order of the MCP
// contract's table. Each tool calls the core as its caller: what REST
// demands of client apps (the public API key) is REST's, not MCP's.
func Catalogue(svc *core.Service) []Definition {
	a := accounts{svc: svc}
	l, b, g := ledger{svc: svc}, shop{svc: svc}, agentTools{svc: svc}
	return []Definition{
		a.registerTool(),
		a.googleSignInTool(),
		a.loginTool(),
		a.logoutTool(),
		a.changePasswordTool(),
		a.sendOTPTool(),
		a.activateTool(),
		a.enable2FATool(),
		a.disable2FATool(),
		a.viewUserTool(),
		a.updateUserTool(),
		a.viewAPIKeyTool(),
		a.resetAPIKeyTool(),
		l.listTransactionsTool(),
		l.viewTransactionTool(),
		g.listTasksTool(),
		g.viewTaskTool(),
		g.supportedAttachmentsTool(),
		g.analyzeTool(),
		b.creditRateTool(),
		b.buyCreditsTool(),
		b.billingPortalTool(),
		healthTool(svc),
		versionTool(svc),
		g.cancelTaskTool(),
		a.startTOTPTool(),
		a.confirmTOTPTool(),
		a.listOAuthGrantsTool(),
		a.revokeOAuthGrantTool(),
	}
}

// accounts builds the account tools: sign-up and sign-in, one-time codes,
// the user and the API key.
type accounts struct {
	svc *core.Service
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
