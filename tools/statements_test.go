package tools

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/store/pgtest"
	"github.com/clara-backend/clara/store/postgres"
)

// An MCP request over Streamable HTTP is identified once, at the edge,
// with the session, API key or OAuth grant and its user in one statement,
// and the tool reuses that caller: on PostgreSQL, tools/call view_user runs
// exactly one statement, with an API key, a user token and an OAuth access
// token, and so it does over stdio.
func TestViewUserToolRunsOneStatement(t *testing.T) {
	var count pgtest.Statements
	db, err := postgres.Open(t.Context(), pgtest.NewURL(t), postgres.WithTracer(&count))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	e := newOAuthEnv(t, func(d *core.Deps) { d.Store = db })
	m := e.newMember(t, "ada@example.com", 0)
	g := e.grant(t, m.ID, mcpResource, "clara:account")
	caller, err := e.svc.Identify(t.Context(), core.Credentials{Authorization: "Bearer " + m.Token})
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.svc.ViewAPIKey(t.Context(), caller, "")
	if err != nil {
		t.Fatal(err)
	}
	ts := serveAccountsHTTP(t, e.accountsEnv)
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"view_user","arguments":{}}}`
	for _, c := range []struct{ name, authorization string }{
		{"api key", "Bearer " + key.Token},
		{"user token", "Bearer " + m.Token},
		{"oauth token", oauthToken(t, g, mcpResource, time.Now())},
	} {
		count.Reset()
		body := postMCP(t, ts.URL+"/mcp", c.authorization, call)
		if !strings.Contains(body, `"id":"`+m.ID+`"`) || strings.Contains(body, `"isError":true`) {
			t.Fatalf("%s: view_user answered %s", c.name, body)
		}
		if n := count.Count(); n != 1 {
			t.Errorf("%s: tools/call view_user ran %d statements, want 1", c.name, n)
		}
	}

	// Over stdio, each call is identified once too, from the process's
	// CLARA_API_KEY.
	fc := stdioDriver(e.accountsEnv, eras[0]).mustOpen(t, "Bearer "+key.Token)
	count.Reset()
	if u := ok(t, fc.call(t, "view_user", nil)); u["id"] != m.ID {
		t.Fatalf("stdio: view_user answered %v", u)
	}
	if n := count.Count(); n != 1 {
		t.Errorf("stdio: tools/call view_user ran %d statements, want 1", n)
	}
	fc.close(t)
}

// postMCP posts one JSON-RPC message to a Streamable HTTP endpoint with
// authorization and returns the answer's body.
func postMCP(t *testing.T, url, authorization, message string) string {
	t.Helper()
	resp, b := sendMCP(t, url, authorization, message)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// sendMCP posts one JSON-RPC message to a Streamable HTTP endpoint with
// authorization and returns the answer, its body read and closed.
func sendMCP(t *testing.T, url, authorization, message string) (*http.Response, []byte) {
	t.Helper()
	return mcpservetest.Do(t, http.MethodPost, url, map[string]string{"Authorization": authorization}, strings.NewReader(message))
}
