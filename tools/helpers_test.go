package tools

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/store/sqlite"
	"github.com/clara-backend/clara/tools/caller"
)

// protocolEra is a generation of the MCP protocol that a client speaks.
type protocolEra struct {
	name     string
	opts     []client.ClientOption
	protocol string
}

// eras are the protocol generations every transport is tested in.
var eras = []protocolEra{
	{"modern", nil, mcp.ProtocolVersion20260728},
	{"legacy", []client.ClientOption{client.WithProtocolVersion(mcp.ProtocolVersion20251125)}, mcp.ProtocolVersion20251125},
}

// testVersion is the release of the services built by the tests.
const testVersion = "test"

// newStore opens a fresh, migrated SQLite store, closed at the test's end.
func newStore(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "clara.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate store: %v", err)
	}
	return db
}

// newService returns a core over a fresh store, and the store.
func newService(t *testing.T) (*core.Service, *sqlite.DB) {
	t.Helper()
	db := newStore(t)
	return core.New(core.Deps{Store: db, Version: testVersion}), db
}

// returned buffer.
func testLogger(t *testing.T) (*slog.Logger, *logbuf.Buffer) {
	buf := &logbuf.Buffer{}
	h := slog.NewTextHandler(&teeWriter{buf, t.Output()}, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(h), buf
}

type teeWriter struct {
	buf *logbuf.Buffer
	out interface{ Write([]byte) (int, error) }
}

func (w *teeWriter) Write(p []byte) (int, error) {
	_, _ = w.buf.Write(p)
	return w.out.Write(p)
}

// newTestServer returns the real server over a real service, plus the
// test-only tools of this file, and the log buffer.
func newTestServer(t *testing.T) (*server.MCPServer, *sqlite.DB, *logbuf.Buffer) {
	t.Helper()
	svc, db := newService(t)
	logger, logs := testLogger(t)
	s := NewServer(svc, Options{ValidateOutput: true, Logger: logger})
	addTestTools(s, logger)
	return s, db, logs
}

// addTestTools registers the tools that exist only in tests.
func addTestTools(s *server.MCPServer, logger *slog.Logger) {
	rt := &toolEnv{log: logger}
	mustAdd(s, rt, whoamiTool())
	mustAdd(s, rt, failTool())
}

// whoamiOut is what a handler sees of its caller.
type whoamiOut struct {
	Present       bool   `json:"present" jsonschema:"whether the context carries credentials"`
	Authorization string `json:"authorization" jsonschema:"the Authorization value"`
	UserID        string `json:"user_id" jsonschema:"the User-Id value"`
	Transport     string `json:"transport" jsonschema:"the transport the request came by"`
}

// whoamiTool echoes the credentials its handler sees.
func whoamiTool() Tool[NoInput, whoamiOut] {
	return Tool[NoInput, whoamiOut]{
		Name:        "test_whoami",
		Title:       "Echo the caller's credentials",
		Description: "Test only: returns the credentials the handler sees.",
		Hints:       Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Handle: func(ctx context.Context, _ core.Principal, _ NoInput) (whoamiOut, error) {
			c, ok := caller.Credentials(ctx)
			return whoamiOut{Present: ok, Authorization: c.Authorization, UserID: c.UserID, Transport: string(c.Transport)}, nil
		},
	}
}

// failIn selects the failure of failTool.
type failIn struct {
	Code string `json:"code" jsonschema:"what to fail with"`
}

// The secret that failures of failTool carry in their causes.
const secret = "postgres://clara:hunter2@db.internal/clara"

// failTool fails the way its argument says.
func failTool() Tool[failIn, NoInput] {
	return Tool[failIn, NoInput]{
		Name:        "test_fail",
		Title:       "Fail on purpose",
		Description: "Test only: fails with the error named by code.",
		Hints:       Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Handle: func(_ context.Context, _ core.Principal, in failIn) (NoInput, error) {
			switch in.Code {
			case "invalid":
				return NoInput{}, core.ErrInvalid(
					core.FieldError{Field: "email", Problem: "is not an email address"},
					core.FieldError{Field: "password", Problem: "is too short"})
			case "not_found":
				return NoInput{}, core.ErrNotFound("User")
			case "credits":
				return NoInput{}, core.ErrInsufficientCredits()
			case "internal":
				return NoInput{}, core.ErrInternal(errors.New("dial " + secret))
			case "plain":
				return NoInput{}, errors.New("query failed on " + secret)
			case "panic":
				panic("lost connection to " + secret)
			}
			return NoInput{}, nil
		},
	}
}

// call calls a tool and fails the test on a protocol error.
func call(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := callErr(t, c, name, args)
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// callErr calls a tool.
func callErr(t *testing.T, c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	if args != nil {
		req.Params.Arguments = args
	}
	return c.CallTool(t.Context(), req)
}

// structured returns a result's structuredContent as generic JSON.
func structured(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatalf("marshal structuredContent: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("structuredContent %s is no object: %v", b, err)
	}
	return m
}

// text returns the text of a result's single text content, which resource
// links may follow (analyze's link to its task).
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	content := res.Content
	for len(content) > 1 {
		if _, link := content[len(content)-1].(mcp.ResourceLink); !link {
			break
		}
		content = content[:len(content)-1]
	}
	if len(content) != 1 {
		t.Fatalf("content has %d items, want 1: %+v", len(res.Content), res.Content)
	}
	tc, ok := mcp.AsTextContent(content[0])
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

// connect starts c and initializes it, checking the negotiated protocol.
func connect(t *testing.T, c *client.Client, wantProtocol string) *mcp.InitializeResult {
	t.Helper()
	ctx := t.Context()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("start client: %v", err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "clara-test", Version: "1.0.0"}
	init, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if got := c.ProtocolVersion(); got != wantProtocol {
		t.Errorf("negotiated protocol %q, want %q", got, wantProtocol)
	}
	if init.ServerInfo.Name != ServerName {
		t.Errorf("server name %q, want %q", init.ServerInfo.Name, ServerName)
	}
	if init.Instructions != Instructions {
		t.Errorf("instructions not served: %q", init.Instructions)
	}
	if init.Capabilities.Tools == nil {
		t.Error("tools capability not announced")
	}
	if r := init.Capabilities.Resources; r == nil || (wantProtocol == mcp.ProtocolVersion20251125 && !r.Subscribe) {
		t.Errorf("resources capability %+v, want one with subscribe on 2025-11-25", r)
	}
	if init.Capabilities.Prompts == nil {
		t.Error("prompts capability not announced")
	}
	return init
}

// probe runs the checks every transport must pass: list the tools, call
// health and version, and get a protocol error for an unknown tool.
func probe(t *testing.T, c *client.Client) {
	t.Helper()
	list, err := c.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("list tools: %v", err)
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
		a := tool.Annotations
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Errorf("tool %s lists incomplete annotations %+v", tool.Name, a)
		}
	}
	for _, want := range []string{"health", "version"} {
		if !slices.Contains(names, want) {
			t.Errorf("tools/list %v lacks %s", names, want)
		}
	}

	res := call(t, c, "health", nil)
	if res.IsError {
		t.Fatalf("health failed: %s", text(t, res))
	}
	want := map[string]any{"service": "clara", "status": "healthy"}
	if got := structured(t, res); !reflect.DeepEqual(got, want) {
		t.Errorf("health structuredContent %v, want %v", got, want)
	}
	if got := text(t, res); got != `{"service":"clara","status":"healthy"}` {
		t.Errorf("health text %q", got)
	}

	res = call(t, c, "version", map[string]any{})
	if got := structured(t, res); !reflect.DeepEqual(got, map[string]any{"version": testVersion}) {
		t.Errorf("version structuredContent %v", got)
	}

	if _, err := callErr(t, c, "no_such_tool", nil); !errors.Is(err, mcp.ErrInvalidParams) {
		t.Errorf("unknown tool: got %v, want a protocol error -32602", err)
	}
}
