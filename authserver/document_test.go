package authserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// serveDocument serves a client metadata document at /client.json of a
// loopback server and returns its URL (the client id) and a count of the
// fetches; doc gets the client id filled in.
func serveDocument(t *testing.T, doc map[string]any) (string, *atomic.Int32) {
	t.Helper()
	var fetches atomic.Int32
	var id string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if r.URL.Path != "/client.json" {
			http.NotFound(w, r)
			return
		}
		body := map[string]any{"client_id": id}
		for k, v := range doc {
			body[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	id = srv.URL + "/client.json"
	return id, &fetches
}

// TestClientMetadataDocument: a client named by the URL of its metadata
// document signs a user in without registering; the consent page names
// it, unverified; the document is fetched once and then cached.
func TestClientMetadataDocument(t *testing.T) {
	e := newEnv(t, envOptions{loopback: true})
	e.user(t, "ada@example.com", false)
	id, fetches := serveDocument(t, map[string]any{
		"client_name": "Doc Host", "redirect_uris": []string{redirectURI}, "token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
	})
	c := e.clientWithID(id)
	b := e.browser(t)
	p := b.submit(b.get(c.authURL("state-123456")), "signin", map[string]string{"email": "ada@example.com", "password": testPassword})
	for _, want := range []string{"Doc Host", "unverified", "127.0.0.1:9", id} {
		if !strings.Contains(p.body, want) {
			t.Errorf("consent page lacks %q:\n%s", want, p.body)
		}
	}
	code, _ := codeFrom(t, b.submit(p, "consent", map[string]string{"decision": "allow"}))
	tok, err := c.exchange(t, code)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := e.mcpStatus(t, "/mcp", tok.AccessToken); status != http.StatusOK {
		t.Fatalf("/mcp: %d", status)
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("document fetched %d times, want 1 (cached)", n)
	}
}

// TestBadClientMetadataDocuments: a document that names another client,
// asks for a secret, or has no redirect URIs is refused on the error page.
func TestBadClientMetadataDocuments(t *testing.T) {
	e := newEnv(t, envOptions{loopback: true})
	for name, tc := range map[string]struct {
		doc map[string]any
		why string
	}{
		"other id":  {map[string]any{"client_id": "https://other.example/c.json", "redirect_uris": []string{redirectURI}}, "names another client_id"},
		"secret":    {map[string]any{"redirect_uris": []string{redirectURI}, "token_endpoint_auth_method": "client_secret_basic"}, "token_endpoint_auth_method none"},
		"no uris":   {map[string]any{"redirect_uris": []string{}}, "redirect_uris"},
		"bad uri":   {map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, "must use https"},
		"not found": {nil, "answered 404"},
	} {
		t.Run(name, func(t *testing.T) {
			id, _ := serveDocument(t, tc.doc)
			if tc.doc == nil {
				id = strings.Replace(id, "/client.json", "/missing.json", 1)
			}
			p := e.browser(t).get(e.clientWithID(id).authURL("state-123456"))
			if p.status != http.StatusBadRequest || p.location != "" || !strings.Contains(p.body, tc.why) {
				t.Fatalf("%d %q, want 400 saying %q:\n%s", p.status, p.location, tc.why, p.body)
			}
		})
	}
}

// TestMetadataDocuments: the authorization server metadata (RFC 8414),
// under both well-known names, says what Clara supports.
func TestMetadataDocuments(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		err = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		want := map[string]any{
			"issuer": e.url, "authorization_endpoint": e.url + "/oauth/authorize", "token_endpoint": e.url + "/oauth/token",
			"registration_endpoint": e.url + "/oauth/register", "revocation_endpoint": e.url + "/oauth/revoke",
			"client_id_metadata_document_supported": true,
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s: %s = %v, want %v", path, k, m[k], v)
			}
		}
		for k, v := range map[string]string{
			"code_challenge_methods_supported": "[S256]", "grant_types_supported": "[authorization_code refresh_token]",
			"response_types_supported": "[code]", "token_endpoint_auth_methods_supported": "[none client_secret_basic client_secret_post]",
			"scopes_supported": "[clara:account clara:analysis clara:billing]",
		} {
			if got := strings.ReplaceAll(strings.Trim(jsonText(m[k]), "[]"), `"`, ""); "["+strings.ReplaceAll(got, ",", " ")+"]" != v {
				t.Errorf("%s: %s = %v, want %s", path, k, m[k], v)
			}
		}
	}
}

// jsonText returns v as JSON.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPageHeaders: the pages are never framed, cached or scripted.
func TestPageHeaders(t *testing.T) {
	e := newEnv(t, envOptions{})
	p := e.browser(t).get(e.client(t).authURL("state-123456"))
	for k, v := range map[string]string{
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
	} {
		if got := p.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if strings.Contains(p.body, "<script") {
		t.Error("a page has a script")
	}
	for _, c := range p.header.Values("Set-Cookie") {
		if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "Path=/oauth/") {
			t.Errorf("cookie %q", c)
		}
	}
}

// TestDocumentFetchesAreLimited: one address may have Clara fetch at most
// 30 metadata documents a minute.
func TestDocumentFetchesAreLimited(t *testing.T) {
	e := newEnv(t, envOptions{loopback: true})
	id, fetches := serveDocument(t, map[string]any{"redirect_uris": []string{redirectURI}})
	for i := range 31 {
		p := e.browser(t).get(e.clientWithID(id + "?n=" + string(rune('a'+i%26)) + string(rune('a'+i/26))).authURL("state-123456"))
		if i < 30 && p.status == http.StatusBadRequest && strings.Contains(p.body, "Too many") {
			t.Fatalf("fetch %d refused: %s", i+1, p.body)
		}
		if i == 30 && !strings.Contains(p.body, "Too many client metadata documents") {
			t.Fatalf("fetch 31: %d\n%s", p.status, p.body)
		}
	}
	if n := fetches.Load(); n != 30 {
		t.Fatalf("%d fetches, want 30", n)
	}
}
