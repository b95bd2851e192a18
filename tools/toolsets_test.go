package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/tools/caller"
)

// Every tool of the catalogue is in exactly one toolset, every toolset has
// tools, the configuration knows the same toolsets, and the catalogue is
// in the order of the contract's table.
func TestEveryToolHasAToolset(t *testing.T) {
	if !slices.Equal(config.MCPToolsets, Toolsets()) {
		t.Errorf("config.MCPToolsets %v, tools.Toolsets %v", config.MCPToolsets, Toolsets())
	}
	var names []string
	count := map[string]int{}
	for _, d := range Catalogue(core.New(core.Deps{Version: testVersion})) {
		name := d.Describe().Name
		names = append(names, name)
		ts := ToolsetOf(name)
		if !slices.Contains(Toolsets(), ts) {
			t.Errorf("tool %s is in toolset %q", name, ts)
		}
		count[ts]++
	}
	if !slices.Equal(names, served) {
		t.Errorf("catalogue order %v, want the contract's %v", names, served)
	}
	for _, ts := range Toolsets() {
		if count[ts] == 0 {
			t.Errorf("toolset %s has no tools", ts)
		}
	}
	for name := range toolsetOf {
		if !slices.Contains(names, name) {
			t.Errorf("toolsetOf names %s, which the catalogue does not have", name)
		}
	}
}

// NewServer refuses a toolset it does not know.
func TestNewServerRefusesUnknownToolset(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), `unknown toolset "repos"`) {
			t.Errorf("panic %v", p)
		}
	}()
	NewServer(core.New(core.Deps{Version: testVersion}), Options{Toolsets: []string{"analysis", "repos"}})
}

// selection is a choice of toolsets and read-only mode, and the tools an
// active user then sees.
type selection struct {
	name     string
	toolsets []string
	readOnly bool
}

// expected returns the tools of the catalogue that sel selects, as the
// contract's table hints them, sorted.
func (sel selection) expected(t *testing.T) []string {
	t.Helper()
	hints := contractHints(t)
	var out []string
	for _, name := range served {
		if len(sel.toolsets) > 0 && !slices.Contains(sel.toolsets, ToolsetOf(name)) {
			continue
		}
		if sel.readOnly && !hints[name][0] {
			continue
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// selections are the choices the toolset tests run.
var selections = []selection{
	{name: "analysis,system", toolsets: []string{ToolsetAnalysis, ToolsetSystem}},
	{name: "read-only", readOnly: true},
	{name: "analysis,system read-only", toolsets: []string{ToolsetAnalysis, ToolsetSystem}, readOnly: true},
}

// toolsetTransports open a client of s, over one transport, presenting
// bearer; e serves the HTTP transports.
var toolsetTransports = []struct {
	name string
	open func(t *testing.T, e *accountsEnv, s *server.MCPServer, bearer string) *flowClient
}{
	{"in-process", func(t *testing.T, _ *accountsEnv, s *server.MCPServer, bearer string) *flowClient {
		c, err := client.NewInProcessClient(s)
		if err != nil {
			t.Fatal(err)
		}
		return started(t, c, func(t *testing.T) context.Context {
			return caller.WithCredentials(t.Context(), core.Credentials{Authorization: bearer, Transport: core.TransportInProcess})
		})
	}},
	{"stdio", func(t *testing.T, _ *accountsEnv, s *server.MCPServer, bearer string) *flowClient {
		c, _ := stdioSession(t, context.Background(), s, core.Credentials{Authorization: bearer})
		return started(t, c, (*testing.T).Context)
	}},
	{"streamable http", func(t *testing.T, e *accountsEnv, s *server.MCPServer, bearer string) *flowClient {
		ts := serveHTTPWith(t, s, mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, PublicURL: testClaraURL})
		tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": bearer}))
		if err != nil {
			t.Fatal(err)
		}
		return started(t, client.NewClient(tr), (*testing.T).Context)
	}},
	{"sse", func(t *testing.T, e *accountsEnv, s *server.MCPServer, bearer string) *flowClient {
		ts := serveHTTPWith(t, s, mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, PublicURL: testClaraURL})
		tr, err := transport.NewSSE(ts.URL+"/sse", transport.WithHeaders(map[string]string{"Authorization": bearer}))
		if err != nil {
			t.Fatal(err)
		}
		return started(t, client.NewClient(tr), (*testing.T).Context)
	}},
}

// started initializes c, closed at the test's end, as a flow client whose
// calls run in ctx.
func started(t *testing.T, c *client.Client, ctx func(t *testing.T) context.Context) *flowClient {
	t.Helper()
	t.Cleanup(func() { _ = c.Close() })
	if err := initialize(t.Context(), c); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return &flowClient{c: c, ctx: ctx, close: func(*testing.T) { _ = c.Close() }}
}

// A server limited to some toolsets, or to read-only tools, lists only
// those to an active user (who would otherwise see every tool), answers a
// call of any other as an unknown tool, and still serves the resources and
// the prompt. Over every transport.
func TestToolsetsAndReadOnly(t *testing.T) {
	e := newAccountsEnv(t)
	m := e.newMember(t, "ada@example.com", 0)
	args := minimalArguments(t)
	for _, sel := range selections {
		s := NewServer(e.svc, Options{ValidateOutput: true, Logger: e.logger, Toolsets: sel.toolsets, ReadOnly: sel.readOnly})
		want := sel.expected(t)
		for _, tr := range toolsetTransports {
			t.Run(sel.name+"/"+tr.name, func(t *testing.T) {
				fc := tr.open(t, e, s, "Bearer "+m.Token)
				if got := names(t, fc); !slices.Equal(got, want) {
					t.Fatalf("tools/list shows %v, want %v", got, want)
				}
				for _, name := range served {
					if slices.Contains(want, name) {
						continue
					}
					res, err := fc.callErr(t, name, args[name])
					if !errors.Is(err, mcp.ErrInvalidParams) || !strings.Contains(fmt.Sprint(err), "not found") {
						t.Errorf("excluded %s: result %v, error %v; want an unknown tool's -32602", name, res, err)
					}
				}
				if res := fc.call(t, "version", nil); res.IsError {
					t.Errorf("version failed: %s", text(t, res))
				}
				templates, err := fc.c.ListResourceTemplates(fc.ctx(t), mcp.ListResourceTemplatesRequest{})
				if err != nil || len(templates.ResourceTemplates) != 2 {
					t.Errorf("resource templates %+v, %v", templates, err)
				}
				prompts, err := fc.c.ListPrompts(fc.ctx(t), mcp.ListPromptsRequest{})
				if err != nil || len(prompts.Prompts) != 1 {
					t.Errorf("prompts %+v, %v", prompts, err)
				}
			})
		}
	}
	// The read-only selections hold exactly the tools the table marks
	// read-only.
	if got, want := selections[1].expected(t), []string{"credit_rate", "health", "list_oauth_grants", "list_tasks",
		"list_transactions", "supported_attachments", "version", "view_api_key", "view_task", "view_transaction",
		"view_user"}; !slices.Equal(got, want) {
		t.Errorf("read-only tools %v, want %v", got, want)
	}
}

// TestToolListSizes logs the size of tools/list, as an active user sees
// it, for each toolset and in read-only mode: the bytes of the JSON of the
// tools array, and a token estimate (bytes/4). Run it with -v for the
// README's table; it asserts nothing of the sizes.
func TestToolListSizes(t *testing.T) {
	e := newAccountsEnv(t)
	m := e.newMember(t, "ada@example.com", 0)
	ctx := caller.WithCredentials(t.Context(), core.Credentials{Authorization: "Bearer " + m.Token, Transport: core.TransportInProcess})
	rows := []selection{{name: "all"}}
	for _, ts := range Toolsets() {
		rows = append(rows, selection{name: ts, toolsets: []string{ts}})
	}
	rows = append(rows, selection{name: "all, read-only", readOnly: true})
	for _, ts := range Toolsets() {
		rows = append(rows, selection{name: ts + ", read-only", toolsets: []string{ts}, readOnly: true})
	}
	rows = append(rows, selections[2])
	var b strings.Builder
	b.WriteString("\n| Toolsets | Tools | Bytes | Tokens (bytes/4) |\n|---|---|---|---|\n")
	for _, sel := range rows {
		raw := listedTools(ctx, t, NewServer(e.svc, Options{Toolsets: sel.toolsets, ReadOnly: sel.readOnly}))
		n := len(sel.expected(t))
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", sel.name, n, len(raw), len(raw)/4)
	}
	t.Log(b.String())
}
