package tools

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
)

// The tools each kind of caller sees, written out: anyone sees the
// sign-up and sign-in tools and the public ones; an API key adds what
// "general auth" allows; a user token of an inactive account adds what
// needs no activation; an active user's token sees every tool.
var (
	publicTools = []string{"activate_account", "change_password", "google_sign_in", "health", "login", "register",
		"send_otp", "version"}
	apiKeyTools = sorted(publicTools, "analyze", "billing_portal", "buy_credits", "cancel_task", "credit_rate",
		"list_tasks", "list_transactions", "supported_attachments", "view_task", "view_transaction", "view_user")
	inactiveUserTools = sorted(publicTools, "logout", "view_user")
	userTools         = sorted(apiKeyTools, "confirm_totp", "disable_2fa", "enable_2fa", "list_oauth_grants", "logout",
		"reset_api_key", "revoke_oauth_grant", "start_totp", "update_user", "view_api_key")
)

// sorted returns base and more, sorted.
func sorted(base []string, more ...string) []string {
	out := append(slices.Clone(base), more...)
	slices.Sort(out)
	return out
}

// tableSays lists the catalogue's tools that the core's access table lets
// credentials of kind k use (AuthNone: no credentials), for an active
// account or not.
func tableSays(t *testing.T, k core.AuthKind, active bool) []string {
	t.Helper()
	var out []string
	for _, d := range Catalogue(core.New(core.Deps{Version: testVersion})) {
		a, ok := core.AccessOf(d.Describe().Capability)
		if !ok {
			t.Fatalf("tool %s has no access", d.Describe().Name)
		}
		if a.Accepts(core.AuthNone) || (k != core.AuthNone && a.Accepts(k) && (active || !a.Active)) {
			out = append(out, d.Describe().Name)
		}
	}
	slices.Sort(out)
	return out
}

// names lists the tools c sees, sorted.
func names(t *testing.T, fc *flowClient) []string {
	t.Helper()
	res, err := fc.c.ListTools(fc.ctx(t), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var out []string
	for _, tool := range res.Tools {
		out = append(out, tool.Name)
	}
	slices.Sort(out)
	return out
}

// minimalArguments returns arguments that satisfy the input schema of
// every catalogue tool, by name: each required argument with a value of
// its type.
func minimalArguments(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, d := range Catalogue(core.New(core.Deps{Version: testVersion})) {
		b := d.bind(&toolEnv{})
		var schema struct {
			Required   []string `json:"required"`
			Properties map[string]struct {
				Type string `json:"type"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b.Tool.RawInputSchema, &schema); err != nil {
			t.Fatal(err)
		}
		args := map[string]any{}
		for _, name := range schema.Required {
			args[name] = map[string]any{"string": "123456", "number": 5, "integer": 5, "boolean": true,
				"array": []any{}, "object": map[string]any{}}[schema.Properties[name].Type]
		}
		out[b.Tool.Name] = args
	}
	return out
}

// seesWhatItMayCall checks that fc lists exactly want, that the access
// table says the same for credentials of kind k, and that a call of each
// tool it does not see still answers with the core's refusal (an isError
// result saying why), not a protocol error.
func seesWhatItMayCall(t *testing.T, fc *flowClient, want []string, k core.AuthKind, active bool) {
	t.Helper()
	if table := tableSays(t, k, active); !slices.Equal(want, table) {
		t.Fatalf("expected %v, but the access table says %v", want, table)
	}
	if got := names(t, fc); !slices.Equal(got, want) {
		t.Fatalf("tools/list shows %v, want %v", got, want)
	}
	for name, args := range minimalArguments(t) {
		if slices.Contains(want, name) {
			continue
		}
		res, err := fc.callErr(t, name, args)
		if err != nil {
			t.Fatalf("hidden %s: protocol error %v", name, err)
		}
		first, _, _ := strings.Cut(text(t, res), "\n")
		if !res.IsError || (first != core.MsgUnauthenticated && first != core.MsgInactive) {
			t.Errorf("hidden %s answered %q", name, text(t, res))
		}
	}
}

// Over HTTP, SSE and stdio, on both stores, tools/list shows each caller
// the tools its credentials can use, as the access table says; calling one
// it does not see is refused as before.
func TestToolListPerCaller(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			e := newEnvTweaked(t, false, nil, func(d *core.Deps) { d.Store = storeFor(t, kind) })
			toolListPerCaller(t, e)
		})
	}
}

// toolListPerCaller lists the tools of e as each kind of caller.
func toolListPerCaller(t *testing.T, e *accountsEnv) {
	m := e.newMember(t, "ada@example.com", 0)
	ts := serveAccountsHTTP(t, e)
	http := httpDriver(ts, eras[0])
	user := http.mustOpen(t, "Bearer "+m.Token)
	key := ok(t, user.call(t, "view_api_key", nil))["token"].(string)
	inactive, err := e.svc.Register(t.Context(), core.Anonymous(core.TransportInProcess, ""), core.RegisterInput{
		FirstName: "Eve", LastName: "Hopper", Email: "eve@example.com", Password: "Analytical-Engine-1843"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("http user token", func(t *testing.T) {
		seesWhatItMayCall(t, user, userTools, core.AuthUserToken, true)
	})
	t.Run("http api key", func(t *testing.T) {
		seesWhatItMayCall(t, http.mustOpen(t, "Bearer "+key), apiKeyTools, core.AuthAPIKey, true)
	})
	t.Run("http inactive user token", func(t *testing.T) {
		seesWhatItMayCall(t, http.mustOpen(t, "Bearer "+inactive.Token), inactiveUserTools, core.AuthUserToken, false)
	})
	t.Run("http anonymous", func(t *testing.T) {
		seesWhatItMayCall(t, http.mustOpen(t, ""), publicTools, core.AuthNone, false)
	})
	t.Run("sse api key", func(t *testing.T) {
		tr, err := transport.NewSSE(ts.URL+"/sse", transport.WithHeaders(map[string]string{"Authorization": "Bearer " + key}))
		if err != nil {
			t.Fatal(err)
		}
		c := client.NewClient(tr)
		t.Cleanup(func() { _ = c.Close() })
		if err := initialize(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		fc := &flowClient{c: c, ctx: (*testing.T).Context}
		seesWhatItMayCall(t, fc, apiKeyTools, core.AuthAPIKey, true)
	})
	t.Run("stdio api key", func(t *testing.T) {
		fc := stdioDriver(e, eras[0]).mustOpen(t, "Bearer "+key)
		defer fc.close(t)
		seesWhatItMayCall(t, fc, apiKeyTools, core.AuthAPIKey, true)
	})
	t.Run("stdio unbound", func(t *testing.T) {
		fc := stdioDriver(e, eras[0]).mustOpen(t, "")
		defer fc.close(t)
		seesWhatItMayCall(t, fc, publicTools, core.AuthNone, false)
	})
}

// A stdio session is told its tool list changed whenever its caller
// changes: register binds it (to an inactive account), activation opens
// the rest, logout unbinds it and login binds it again. Each time the list
// then shows what the new caller may use, on both stores.
func TestStdioListChanged(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			stdioListChanged(t, newEnvTweaked(t, false, nil, func(d *core.Deps) { d.Store = storeFor(t, kind) }))
		})
	}
}

// stdioListChanged signs a stdio session over e in and out.
func stdioListChanged(t *testing.T, e *accountsEnv) {
	c, done := stdioSession(t, t.Context(), e.server(), core.Credentials{})
	changed := make(chan struct{}, 16)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationToolsListChanged {
			changed <- struct{}{}
		}
	})
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "clara-test", Version: "1.0.0"}
	init, err := c.Initialize(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if init.Capabilities.Tools == nil || !init.Capabilities.Tools.ListChanged {
		t.Fatalf("tools capability %+v, want listChanged", init.Capabilities.Tools)
	}
	fc := &flowClient{c: c, ctx: (*testing.T).Context}
	step := func(name string, args map[string]any, want []string) {
		t.Helper()
		ok(t, fc.call(t, name, args))
		select {
		case <-changed:
		case <-t.Context().Done():
			t.Fatalf("no list_changed after %s", name)
		}
		if got := names(t, fc); !slices.Equal(got, want) {
			t.Fatalf("after %s tools/list shows %v, want %v", name, got, want)
		}
	}
	if got := names(t, fc); !slices.Equal(got, publicTools) {
		t.Fatalf("unbound session sees %v, want %v", got, publicTools)
	}
	step("register", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": flowEmail, "password": flowPassword}, inactiveUserTools)
	step("activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}, userTools)
	step("logout", nil, publicTools)
	step("login", map[string]any{"email": flowEmail, "password": flowPassword}, userTools)
	step("logout", nil, publicTools)
	if len(changed) != 0 {
		t.Errorf("%d list_changed notifications more than changes", len(changed))
	}
	_ = c.Close()
	mcpservetest.WaitDone(t, done)
}
