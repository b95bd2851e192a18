package authserver_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestMCPGoOAuthClient connects mcp-go's OAuth client to Clara from
// nothing: the 401 challenge, metadata discovery, dynamic registration,
// the browser step on Clara's pages (with the second factor), the token
// exchange, then tools scoped to what the user allowed.
func TestMCPGoOAuthClient(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, envOptions{postgres: pg})
			u := e.user(t, "ada@example.com", true)
			ctx := t.Context()
			c, err := client.NewOAuthStreamableHttpClient(e.url+"/mcp", client.OAuthConfig{
				RedirectURI: redirectURI, Scopes: []string{"clara:account"}, TokenStore: client.NewMemoryTokenStore(), PKCEEnabled: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.Start(ctx)
			if err == nil {
				_, err = c.Initialize(ctx, initializeRequest())
			}
			if !client.IsOAuthAuthorizationRequiredError(err) {
				t.Fatalf("first connection: want OAuth authorization required, got %v", err)
			}
			h := client.GetOAuthHandler(err)
			if err := h.RegisterClient(ctx, "mcp-go test host"); err != nil {
				t.Fatalf("register: %v", err)
			}
			verifier, _ := client.GenerateCodeVerifier()
			state, _ := client.GenerateState()
			authURL, err := h.GetAuthorizationURL(ctx, state, client.GenerateCodeChallenge(verifier))
			if err != nil {
				t.Fatal(err)
			}
			if q := mustQuery(t, authURL); q.Get("resource") != e.url+"/mcp" {
				t.Fatalf("authorization URL without Clara's resource: %s", authURL)
			}
			code, gotState := codeFrom(t, e.browser(t).signInAndAllow(authURL, "ada@example.com"))
			if err := h.ProcessAuthorizationResponse(ctx, code, gotState, verifier); err != nil {
				t.Fatalf("token exchange: %v", err)
			}
			if _, err := c.Initialize(ctx, initializeRequest()); err != nil {
				t.Fatalf("initialize after sign-in: %v", err)
			}
			tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tools.Tools {
				names = append(names, tool.Name)
			}
			if !slices.Contains(names, "view_user") || slices.Contains(names, "analyze") || slices.Contains(names, "buy_credits") {
				t.Fatalf("tools of a clara:account grant: %v", names)
			}
			res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "view_user", Arguments: map[string]any{"user_id": u.ID}}})
			if err != nil || res.IsError {
				t.Fatalf("view_user: %v %+v", err, res)
			}
			var user struct {
				Email string `json:"email"`
			}
			raw, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(raw, &user); err != nil || user.Email != "ada@example.com" {
				t.Fatalf("view_user answered %s", raw)
			}
			res, err = c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "analyze", Arguments: map[string]any{"user_id": u.ID, "query": "The sky is green."}}})
			if err != nil || !res.IsError {
				t.Fatalf("analyze without clara:analysis: %v %+v", err, res)
			}
			if text := res.Content[0].(mcp.TextContent).Text; !strings.Contains(text, "clara:analysis") {
				t.Fatalf("analyze refusal: %q", text)
			}
		})
	}
}

// initializeRequest is the initialize request of the tests' MCP clients.
func initializeRequest() mcp.InitializeRequest {
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "clara-authserver-test", Version: "1.0.0"}
	return req
}

// mustQuery returns the query of rawURL.
func mustQuery(t *testing.T, rawURL string) url.Values {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
