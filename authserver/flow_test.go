package authserver_test

import (
	"net/http"
	"strings"
	"testing"
)

// mcpStatus posts an MCP ping to path with the bearer token and returns
// the status and WWW-Authenticate.
func (e *env) mcpStatus(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// TestCodeFlowWithSecondFactor signs a 2FA user in on Clara's pages,
// allows a dynamically registered client, and uses the tokens it gets.
func TestCodeFlowWithSecondFactor(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", true)
	c := e.client(t)
	b := e.browser(t)
	code, state := codeFrom(t, b.signInAndAllow(c.authURL("state-123456"), "ada@example.com"))
	if state != "state-123456" || !strings.HasPrefix(code, "clara_oac_") {
		t.Fatalf("code %q state %q", code, state)
	}
	tok, err := c.exchange(t, code)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "clara_oat_") || !strings.HasPrefix(tok.RefreshToken, "clara_ort_") {
		t.Fatalf("tokens %+v", tok)
	}
	if status, _ := e.mcpStatus(t, "/mcp", tok.AccessToken); status != http.StatusOK {
		t.Fatalf("/mcp with the access token: %d", status)
	}
	next, err := c.refresh(t, tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if next.RefreshToken == tok.RefreshToken || next.AccessToken == "" {
		t.Fatalf("refresh did not rotate: %+v", next)
	}
	if status, _ := e.mcpStatus(t, "/mcp", next.AccessToken); status != http.StatusOK {
		t.Fatalf("/mcp with the refreshed token: %d", status)
	}
}
