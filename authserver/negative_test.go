package authserver_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// tokens runs the whole flow for a new client and user, and returns the
// client and its first tokens.
func (e *env) tokens(t *testing.T, email string, scopes ...string) (*oauthClient, *oauth2.Token) {
	t.Helper()
	e.user(t, email, false)
	c := e.client(t, scopes...)
	code, _ := codeFrom(t, e.browser(t).signInAndAllow(c.authURL("state-123456"), email))
	tok, err := c.exchange(t, code)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return c, tok
}

// oauthErrorCode returns the OAuth error code of a failed token request.
func oauthErrorCode(t *testing.T, err error) string {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("want an OAuth error, got %v", err)
	}
	return re.ErrorCode
}

// TestWrongVerifierIsRefused: a code with the wrong PKCE verifier gives
// nothing, and is useless afterwards even with the right one.
func TestWrongVerifierIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", false)
	c := e.client(t)
	code, _ := codeFrom(t, e.browser(t).signInAndAllow(c.authURL("state-123456"), "ada@example.com"))
	right := c.verifier
	c.verifier = oauth2.GenerateVerifier()
	if _, err := c.exchange(t, code); oauthErrorCode(t, err) != "invalid_grant" {
		t.Fatalf("wrong verifier: %v", err)
	}
	c.verifier = right
	if _, err := c.exchange(t, code); err == nil {
		t.Fatal("the code still worked after a wrong verifier")
	}
}

// TestReusedCodeRevokesItsTokens: a code used twice is refused the second
// time, and the tokens it gave the first time die with it.
func TestReusedCodeRevokesItsTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", false)
	c := e.client(t)
	code, _ := codeFrom(t, e.browser(t).signInAndAllow(c.authURL("state-123456"), "ada@example.com"))
	tok, err := c.exchange(t, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.exchange(t, code); oauthErrorCode(t, err) != "invalid_grant" {
		t.Fatalf("reused code: %v", err)
	}
	if status, _ := e.mcpStatus(t, "/mcp", tok.AccessToken); status != http.StatusUnauthorized {
		t.Fatalf("access token of a reused code: %d, want 401", status)
	}
	if _, err := c.refresh(t, tok.RefreshToken); oauthErrorCode(t, err) != "invalid_grant" {
		t.Fatalf("refresh token of a reused code: %v", err)
	}
}

// TestRedirectURIMismatchShowsErrorPage: an unregistered redirect URI gets
// an error page, never a redirect; a loopback one on another port is fine
// (RFC 8252).
func TestRedirectURIMismatchShowsErrorPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client(t)
	c.cfg.RedirectURL = "https://attacker.example/callback"
	p := e.browser(t).get(c.authURL("state-123456"))
	if p.status != http.StatusBadRequest || p.location != "" || !strings.Contains(p.body, "redirect") {
		t.Fatalf("mismatched redirect URI: %d, Location %q\n%s", p.status, p.location, p.body)
	}
	c.cfg.RedirectURL = "http://127.0.0.1:54321/callback"
	if p := e.browser(t).get(c.authURL("state-123456")); p.status != http.StatusOK {
		t.Fatalf("loopback redirect URI on another port: %d\n%s", p.status, p.body)
	}
}

// TestTokenForAnotherResource: the resource is bound at authorization; a
// token request for another one, a token used at another endpoint, and an
// authorization for a resource Clara does not serve are all refused.
func TestTokenForAnotherResource(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", false)
	c := e.client(t)
	code, _ := codeFrom(t, e.browser(t).signInAndAllow(c.authURL("state-123456"), "ada@example.com"))
	if _, err := c.exchange(t, code, oauth2.SetAuthURLParam("resource", e.url+"/sse")); oauthErrorCode(t, err) != "invalid_target" {
		t.Fatalf("exchange for /sse of a code for /mcp: %v", err)
	}

	_, tok := e.tokens(t, "bob@example.com")
	status, challenge := e.mcpStatus(t, "/sse", tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, "resource_metadata=") {
		t.Fatalf("/mcp token at /sse: %d %q", status, challenge)
	}

	other := e.client(t)
	other.resource = "https://elsewhere.example/mcp"
	p := e.browser(t).get(other.authURL("state-123456"))
	if q := redirectQuery(t, p); q.Get("error") != "invalid_target" || q.Get("state") != "state-123456" {
		t.Fatalf("authorize for another resource: %v", q)
	}
}

// redirectQuery returns the query of a redirect to the test client.
func redirectQuery(t *testing.T, p page) url.Values {
	t.Helper()
	if !strings.HasPrefix(p.location, redirectURI) {
		t.Fatalf("want a redirect to the client, got %d %q\n%s", p.status, p.location, p.body)
	}
	u, _ := url.Parse(p.location)
	return u.Query()
}

// TestReplayedRefreshTokenRevokesFamily: a refresh token works once; its
// replay is refused and ends every token of the grant.
func TestReplayedRefreshTokenRevokesFamily(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, tok := e.tokens(t, "ada@example.com")
	next, err := c.refresh(t, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.refresh(t, tok.RefreshToken); oauthErrorCode(t, err) != "invalid_grant" {
		t.Fatalf("replayed refresh token: %v", err)
	}
	if _, err := c.refresh(t, next.RefreshToken); oauthErrorCode(t, err) != "invalid_grant" {
		t.Fatalf("the rotated refresh token after a replay: %v", err)
	}
	for _, access := range []string{tok.AccessToken, next.AccessToken} {
		if status, _ := e.mcpStatus(t, "/mcp", access); status != http.StatusUnauthorized {
			t.Fatalf("access token after a replay: %d, want 401", status)
		}
	}
}

// TestExpiredAccessTokenIsChallenged: an hour on, the access token gets
// the 401 challenge, and the refresh token gets a new one.
func TestExpiredAccessTokenIsChallenged(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, tok := e.tokens(t, "ada@example.com")
	e.clock.Advance(time.Hour + time.Minute)
	status, challenge := e.mcpStatus(t, "/mcp", tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, `error="invalid_token"`) ||
		!strings.Contains(challenge, `resource_metadata="`+e.url+`/.well-known/oauth-protected-resource/mcp"`) {
		t.Fatalf("expired token: %d %q", status, challenge)
	}
	next, err := c.refresh(t, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := e.mcpStatus(t, "/mcp", next.AccessToken); status != http.StatusOK {
		t.Fatalf("refreshed token: %d", status)
	}
}

// TestCSRFTokenMissing: a form posted without its CSRF token is refused.
func TestCSRFTokenMissing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", false)
	c := e.client(t)
	b := e.browser(t)
	p := b.get(c.authURL("state-123456"))
	action, values := formOf(t, p.body, "signin")
	values.Del("csrf")
	values.Set("email", "ada@example.com")
	values.Set("password", testPassword)
	resp, err := b.http.PostForm(e.url+action, values)
	if err != nil {
		t.Fatal(err)
	}
	got := readPage(t, resp)
	if got.status != http.StatusForbidden || got.header.Get("Set-Cookie") != "" && strings.Contains(got.header.Get("Set-Cookie"), "clara_oauth_signin") {
		t.Fatalf("no CSRF token: %d\n%s", got.status, got.body)
	}
	values.Set("csrf", strings.Repeat("0", 64))
	resp, err = b.http.PostForm(e.url+action, values)
	if err != nil {
		t.Fatal(err)
	}
	if got := readPage(t, resp); got.status != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", got.status)
	}
}

// TestClientMetadataOnPrivateAddressRefused: a client id URL on a private
// or loopback address is never fetched.
func TestClientMetadataOnPrivateAddressRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	for id, why := range map[string]string{
		"https://10.1.2.3/client.json":    "may not fetch the client&#39;s metadata document from that address",
		"https://localhost:1/client.json": "may not fetch the client&#39;s metadata document from that address",
		"https://[::1]:1/client.json":     "may not fetch the client&#39;s metadata document from that address",
		"http://203.0.113.9/client.json":  "must use https",
	} {
		c := e.clientWithID(id)
		p := e.browser(t).get(c.authURL("state-123456"))
		if p.status != http.StatusBadRequest || p.location != "" || !strings.Contains(p.body, why) {
			t.Errorf("client %s: %d %q, want 400 saying %q\n%s", id, p.status, p.location, why, p.body)
		}
	}
}

// TestPKCEIsRequiredWithS256: a request without a challenge, or with the
// plain method, is sent back with invalid_request.
func TestPKCEIsRequiredWithS256(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client(t)
	plain := c.cfg.AuthCodeURL("state-123456", oauth2.SetAuthURLParam("code_challenge", c.verifier),
		oauth2.SetAuthURLParam("code_challenge_method", "plain"), oauth2.SetAuthURLParam("resource", c.resource))
	none := c.cfg.AuthCodeURL("state-123456", oauth2.SetAuthURLParam("resource", c.resource))
	for name, u := range map[string]string{"plain": plain, "none": none} {
		if q := redirectQuery(t, e.browser(t).get(u)); q.Get("error") != "invalid_request" {
			t.Errorf("%s: %v", name, q)
		}
	}
}

// TestDenyRedirectsAccessDenied: Deny sends the user back with
// access_denied, and no grant is made.
func TestDenyRedirectsAccessDenied(t *testing.T) {
	e := newEnv(t, envOptions{})
	u := e.user(t, "ada@example.com", false)
	c := e.client(t)
	b := e.browser(t)
	p := b.submit(b.get(c.authURL("state-123456")), "signin", map[string]string{"email": "ada@example.com", "password": testPassword})
	q := redirectQuery(t, b.submit(p, "consent", map[string]string{"decision": "deny"}))
	if q.Get("error") != "access_denied" || q.Get("state") != "state-123456" {
		t.Fatalf("deny: %v", q)
	}
	if grants, _ := e.store.OAuthGrants(t.Context(), u.ID); len(grants) != 0 {
		t.Fatalf("grants after deny: %v", grants)
	}
}

// TestWrongPasswordAndCode: a wrong password and a wrong second factor
// show their page again with a message.
func TestWrongPasswordAndCode(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.user(t, "ada@example.com", true)
	c := e.client(t)
	b := e.browser(t)
	p := b.submit(b.get(c.authURL("state-123456")), "signin", map[string]string{"email": "ada@example.com", "password": "wrong-password-1"})
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "The email or password is not right.") {
		t.Fatalf("wrong password: %d\n%s", p.status, p.body)
	}
	p = b.submit(p, "signin", map[string]string{"email": "ada@example.com", "password": testPassword})
	p = b.submit(p, "second_factor", map[string]string{"code": "000000"})
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "That code is not right") {
		t.Fatalf("wrong code: %d\n%s", p.status, p.body)
	}
	p = b.submit(p, "second_factor", map[string]string{"code": e.code(t, "ada@example.com")})
	if !strings.Contains(p.body, "Allow access to Clara?") {
		t.Fatalf("right code after a wrong one: %d\n%s", p.status, p.body)
	}
}

// TestRevocationEndpoint: revoking a refresh token ends the grant: its
// access tokens stop at once.
func TestRevocationEndpoint(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, tok := e.tokens(t, "ada@example.com")
	resp, err := http.PostForm(e.url+"/oauth/revoke", url.Values{"token": {tok.RefreshToken}, "client_id": {c.cfg.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if status, _ := e.mcpStatus(t, "/mcp", tok.AccessToken); status != http.StatusUnauthorized {
		t.Fatalf("access token after revocation: %d", status)
	}
	resp, err = http.PostForm(e.url+"/oauth/revoke", url.Values{"token": {"clara_ort_unknown"}, "client_id": {c.cfg.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke an unknown token: %d, want 200 (RFC 7009 §2.2)", resp.StatusCode)
	}
}

// TestRegistrationIsCheckedAndLimited: bad metadata is refused with RFC
// 7591's errors; past the hourly budget of an address (every attempt
// counts), 429.
func TestRegistrationIsCheckedAndLimited(t *testing.T) {
	e := newEnv(t, envOptions{regs: 5})
	for _, uris := range [][]string{{"javascript:alert(1)"}, {"http://example.com/cb"}, {}, {"https://ok.example/cb#frag"}} {
		status, out := e.register(t, map[string]any{"redirect_uris": uris})
		if status != http.StatusBadRequest || !strings.HasPrefix(out["error"].(string), "invalid_") {
			t.Errorf("redirect_uris %v: %d %v", uris, status, out)
		}
	}
	if status, out := e.register(t, nil); status != http.StatusCreated {
		t.Fatalf("fifth registration: %d %v", status, out)
	}
	if status, _ := e.register(t, nil); status != http.StatusTooManyRequests {
		t.Fatalf("sixth registration of the hour (budget 5): %d", status)
	}
}

// TestHostileInput: bad text and oversized bodies get clear refusals,
// never a fault.
func TestHostileInput(t *testing.T) {
	e := newEnv(t, envOptions{postgres: true})
	e.user(t, "ada@example.com", false)
	c := e.client(t)
	b := e.browser(t)
	p := b.get(c.authURL("state-123456"))
	for name, fields := range map[string]map[string]string{
		"NUL in email":         {"email": "ada\x00@example.com", "password": testPassword},
		"invalid UTF-8 in pwd": {"email": "ada@example.com", "password": "\xff\xfe"},
	} {
		if got := b.submit(p, "signin", fields); got.status != http.StatusBadRequest {
			t.Errorf("%s: %d\n%s", name, got.status, got.body)
		}
	}
	if got := b.get(c.authURL("state-\x00")); got.status != http.StatusBadRequest {
		t.Errorf("NUL in state: %d", got.status)
	}
	if got := b.submit(p, "signin", map[string]string{"email": strings.Repeat("a", 70<<10)}); got.status != http.StatusBadRequest {
		t.Errorf("oversized form: %d", got.status)
	}
	for name, meta := range map[string]map[string]any{
		"NUL in name":     {"client_name": "Host\x00"},
		"NUL in redirect": {"redirect_uris": []string{"https://ok.example/cb\x00"}},
		"huge name":       {"client_name": strings.Repeat("x", 20<<10)},
	} {
		if status, out := e.register(t, meta); status != http.StatusBadRequest {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
}
