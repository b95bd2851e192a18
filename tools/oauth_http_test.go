package tools

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/api"
	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
)

// The resources the HTTP transports of serveOAuthHTTP serve.
const (
	mcpResource = testClaraURL + "/mcp"
	sseResource = testClaraURL + "/sse"
)

// oauthEnv is an accounts env with its store at hand, to make the grants
// Clara's authorization server would.
type oauthEnv struct {
	*accountsEnv
	store core.Store
}

// newOAuthEnv builds an accounts env on SQLite, or on the store tweak
// gives it.
func newOAuthEnv(t *testing.T, tweak func(*core.Deps)) oauthEnv {
	t.Helper()
	var st core.Store
	e := newEnvTweaked(t, false, nil, func(d *core.Deps) {
		if tweak != nil {
			tweak(d)
		}
		st = d.Store
	})
	return oauthEnv{accountsEnv: e, store: st}
}

// grant stores a live grant of the user for resource with scopes.
func (e oauthEnv) grant(t *testing.T, userID, resource string, scopes ...string) core.OAuthGrant {
	t.Helper()
	g := core.OAuthGrant{
		ID: core.NewID(core.PrefixOAuthGrant), UserID: userID, ClientID: "https://host.example/client.json",
		ClientName: "Host", Scopes: scopes, Resource: resource, CreatedAt: time.Now(),
	}
	if err := e.store.CreateOAuthGrant(t.Context(), g); err != nil {
		t.Fatalf("CreateOAuthGrant: %v", err)
	}
	return g
}

// oauthToken mints an access token of g for audience, issued at issued
// (an hour's life), as Clara's authorization server does.
func oauthToken(t *testing.T, g core.OAuthGrant, audience string, issued time.Time) string {
	t.Helper()
	tokens := auth.NewTokens(auth.DeriveKeys(testSecret), auth.TokenOptions{Now: func() time.Time { return issued }})
	tok, _, err := tokens.IssueOAuth(g.UserID, g.ID, audience, g.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

// serveOAuthHTTP serves the MCP transports as `clara serve` does by
// default: at testClaraURL, identified callers only.
func serveOAuthHTTP(t *testing.T, e oauthEnv) *httptest.Server {
	t.Helper()
	return serveHTTPWith(t, e.server(), mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc, PublicURL: testClaraURL})
}

// challengeOf posts a ping to url with authorization and returns the
// status and WWW-Authenticate of the answer.
func challengeOf(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	resp, _ := sendMCP(t, url, authorization, `{"jsonrpc":"2.0","id":1,"method":"ping"}`)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// invalidTokenChallenge is the challenge of /mcp to refused credentials.
const invalidTokenChallenge = `Bearer error="invalid_token", resource_metadata="` + testClaraURL +
	`/.well-known/oauth-protected-resource/mcp", scope="clara:account clara:analysis clara:billing"`

// An OAuth access token works on /mcp within its grant's scopes: tools/list
// shows only what they allow, a tool outside them is refused naming the
// scope; once the user revokes the grant over REST, the next request is a
// 401 with the invalid_token challenge.
func TestOAuthTokenOnMCP(t *testing.T) {
	e := newOAuthEnv(t, nil)
	m := e.newMember(t, "ada@example.com", 0)
	g := e.grant(t, m.ID, mcpResource, "clara:account")
	token := oauthToken(t, g, mcpResource, time.Now())
	ts := serveOAuthHTTP(t, e)

	fc := httpDriver(ts, eras[1]).mustOpen(t, token)
	got := names(t, fc)
	if want := sorted(publicTools, "credit_rate", "view_user"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("tools/list with clara:account = %v, want %v", got, want)
	}
	if u := ok(t, fc.call(t, "view_user", nil)); u["id"] != m.ID {
		t.Errorf("view_user = %v", u)
	}
	res := fc.call(t, "analyze", map[string]any{"query": "The sky is blue."})
	if msg := text(t, res); !res.IsError || !strings.Contains(msg, "This needs the clara:analysis scope.") {
		t.Errorf("analyze without clara:analysis: isError %v, %q", res.IsError, msg)
	}
	res = fc.call(t, "list_oauth_grants", nil)
	if !res.IsError {
		t.Errorf("list_oauth_grants with an OAuth token: %s, want refused (user token only)", text(t, res))
	}
	fc.close(t)

	rest := httptest.NewServer(api.New(e.svc, api.Options{Logger: e.logger}))
	t.Cleanup(rest.Close)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete,
		rest.URL+"/api/v1/users/"+m.ID+"/oauth/grants/"+g.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("REST revoke: status %d", resp.StatusCode)
	}
	if status, challenge := challengeOf(t, ts.URL+"/mcp", token); status != http.StatusUnauthorized || challenge != invalidTokenChallenge {
		t.Errorf("after revoking: %d %q, want 401 %q", status, challenge, invalidTokenChallenge)
	}
}

// An OAuth access token for another resource, expired, of another user's
// grant, of an unknown grant, or on /sse when made for /mcp, is refused
// with 401 and the challenge; so is every token when Clara has no public
// URL to name its resources by.
func TestOAuthTokenRefusals(t *testing.T) {
	e := newOAuthEnv(t, nil)
	m := e.newMember(t, "ada@example.com", 0)
	g := e.grant(t, m.ID, mcpResource, "clara:account")
	ts := serveOAuthHTTP(t, e)
	now := time.Now()
	forged := g
	forged.ID = core.NewID(core.PrefixOAuthGrant)
	stolen := g
	stolen.UserID = core.NewID(core.PrefixUser)
	for _, c := range []struct{ name, authorization string }{
		{"another resource", oauthToken(t, g, "https://elsewhere.example/mcp", now)},
		{"the SSE resource", oauthToken(t, g, sseResource, now)},
		{"expired", oauthToken(t, g, mcpResource, now.Add(-2*time.Hour))},
		{"unknown grant", oauthToken(t, forged, mcpResource, now)},
		{"another user", oauthToken(t, stolen, mcpResource, now)},
	} {
		if status, challenge := challengeOf(t, ts.URL+"/mcp", c.authorization); status != http.StatusUnauthorized || challenge != invalidTokenChallenge {
			t.Errorf("%s: %d %q, want 401 %q", c.name, status, challenge, invalidTokenChallenge)
		}
	}
	// A grant for /mcp does not open /sse, even with a token for /sse.
	sse := e.grant(t, m.ID, mcpResource, "clara:account")
	if status, _ := challengeOf(t, ts.URL+"/message?sessionId=x", oauthToken(t, sse, sseResource, now)); status != http.StatusUnauthorized {
		t.Errorf("grant for /mcp on /sse: status %d, want 401", status)
	}
	good := oauthToken(t, g, mcpResource, now)
	if status, _ := challengeOf(t, ts.URL+"/mcp", good); status != http.StatusOK {
		t.Fatalf("good token: status %d", status)
	}
	noURL := serveHTTPWith(t, e.server(), mcpserve.HTTPOptions{Logger: e.logger, Service: e.svc})
	if status, _ := challengeOf(t, noURL.URL+"/mcp", good); status != http.StatusUnauthorized {
		t.Errorf("no public URL: status %d, want 401", status)
	}
}
