package authserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/authserver"
)

// fakeGoogle plays Google's authorization and token endpoints: its
// authorization endpoint approves at once (the user picked their account),
// and its token endpoint answers a code with an ID token of email.
func fakeGoogle(t *testing.T, issuer *googletest.Issuer, email string) *authserver.GoogleOptions {
	t.Helper()
	const code, secret = "google-code-1", "google-secret"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth":
			q := r.URL.Query()
			if q.Get("client_id") != googletest.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
				http.Error(w, "bad authorization request", http.StatusBadRequest)
				return
			}
			back := q.Get("redirect_uri") + "?" + url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
			http.Redirect(w, r, back, http.StatusFound)
		case "/token":
			_ = r.ParseForm()
			f := r.PostForm
			if f.Get("code") != code || f.Get("client_secret") != secret || f.Get("code_verifier") == "" || f.Get("grant_type") != "authorization_code" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"access_token": "ya29.test", "token_type": "Bearer", "expires_in": 3599, "id_token": issuer.Token(t, email, nil),
			})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return &authserver.GoogleOptions{ClientID: googletest.ClientID, ClientSecret: secret, AuthURL: srv.URL + "/auth", TokenURL: srv.URL + "/token"}
}

// TestGoogleSignInOnThePages: "Continue with Google" signs a new user in
// through Google and comes back to the consent page.
func TestGoogleSignInOnThePages(t *testing.T) {
	issuer := googletest.New(t)
	e := newEnv(t, envOptions{google: fakeGoogle(t, issuer, "grace@example.com"), verifier: issuer.Verifier(googletest.ClientID)})
	c := e.client(t)
	b := e.browser(t)
	p := b.get(c.authURL("state-123456"))
	p = b.submit(p, "google", nil)
	if p.status != http.StatusSeeOther || !strings.Contains(p.location, "/auth?") {
		t.Fatalf("continue with Google: %d %q", p.status, p.location)
	}
	p = b.get(p.location) // Google approves
	p = b.get(p.location) // back at Clara's callback
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/oauth/authorize?") {
		t.Fatalf("callback: %d %q\n%s", p.status, p.location, p.body)
	}
	p = b.get(e.url + p.location)
	if !strings.Contains(p.body, "Allow access to Clara?") || !strings.Contains(p.body, "grace@example.com") {
		t.Fatalf("after Google: %d\n%s", p.status, p.body)
	}
	code, _ := codeFrom(t, b.submit(p, "consent", map[string]string{"decision": "allow"}))
	if _, err := c.exchange(t, code); err != nil {
		t.Fatal(err)
	}
}

// TestGoogleCallbackNeedsItsOwnState: a callback with another state, or
// without the browser's cookie, is refused.
func TestGoogleCallbackNeedsItsOwnState(t *testing.T) {
	issuer := googletest.New(t)
	e := newEnv(t, envOptions{google: fakeGoogle(t, issuer, "grace@example.com"), verifier: issuer.Verifier(googletest.ClientID)})
	b := e.browser(t)
	p := b.submit(b.get(e.client(t).authURL("state-123456")), "google", nil)
	forged := strings.Replace(b.get(p.location).location, "state=", "state=x", 1)
	if got := b.get(forged); got.status != http.StatusBadRequest {
		t.Fatalf("another state: %d", got.status)
	}
	if got := e.browser(t).get(e.url + "/oauth/google/callback?code=google-code-1&state=abc"); got.status != http.StatusBadRequest {
		t.Fatalf("no cookie: %d", got.status)
	}
}

// TestGoogleNotOffered: without a client secret, no Google button.
func TestGoogleNotOffered(t *testing.T) {
	e := newEnv(t, envOptions{})
	if p := e.browser(t).get(e.client(t).authURL("state-123456")); strings.Contains(p.body, "Continue with Google") {
		t.Fatal("Google offered without being configured")
	}
}
