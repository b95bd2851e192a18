package authserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// redirectURI is where the test clients receive their codes: a loopback
// address, at a port nobody listens on (the browser never follows it).
const redirectURI = "http://127.0.0.1:9/callback"

// register registers a client by dynamic registration with the metadata
// meta (redirect_uris defaults to redirectURI, auth method to none) and
// returns the answer.
func (e *env) register(t *testing.T, meta map[string]any) (int, map[string]any) {
	t.Helper()
	if meta == nil {
		meta = map[string]any{}
	}
	if _, ok := meta["redirect_uris"]; !ok {
		meta["redirect_uris"] = []string{redirectURI}
	}
	if _, ok := meta["token_endpoint_auth_method"]; !ok {
		meta["token_endpoint_auth_method"] = "none"
	}
	body, _ := json.Marshal(meta)
	resp, err := http.Post(e.url+"/oauth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// oauthClient is an OAuth client of the tests: golang.org/x/oauth2 with
// PKCE and a resource.
type oauthClient struct {
	cfg      *oauth2.Config
	resource string
	verifier string
}

// client registers a public client and returns it for resource /mcp,
// asking for scopes (all of Clara's when none).
func (e *env) client(t *testing.T, scopes ...string) *oauthClient {
	t.Helper()
	status, out := e.register(t, map[string]any{"client_name": "Test Host"})
	if status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, out)
	}
	return e.clientWithID(out["client_id"].(string), scopes...)
}

// clientWithID returns a public client of that id.
func (e *env) clientWithID(id string, scopes ...string) *oauthClient {
	return &oauthClient{
		cfg: &oauth2.Config{
			ClientID: id, RedirectURL: redirectURI, Scopes: scopes,
			Endpoint: oauth2.Endpoint{AuthURL: e.url + "/oauth/authorize", TokenURL: e.url + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
		},
		resource: e.url + "/mcp", verifier: oauth2.GenerateVerifier(),
	}
}

// authURL returns the authorization URL with state, PKCE S256 and the
// resource, plus extra parameters.
func (c *oauthClient) authURL(state string, extra ...oauth2.AuthCodeOption) string {
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(c.verifier), oauth2.SetAuthURLParam("resource", c.resource)}, extra...)
	return c.cfg.AuthCodeURL(state, opts...)
}

// exchange trades a code for tokens with the client's verifier.
func (c *oauthClient) exchange(t *testing.T, code string, extra ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	t.Helper()
	opts := append([]oauth2.AuthCodeOption{oauth2.VerifierOption(c.verifier), oauth2.SetAuthURLParam("resource", c.resource)}, extra...)
	return c.cfg.Exchange(t.Context(), code, opts...)
}

// refresh trades a refresh token for new tokens.
func (c *oauthClient) refresh(t *testing.T, refreshToken string) (*oauth2.Token, error) {
	t.Helper()
	src := c.cfg.TokenSource(t.Context(), &oauth2.Token{RefreshToken: refreshToken})
	return src.Token()
}

// signUpLink finds the sign-in page's link to the sign-up form.
var signUpLink = regexp.MustCompile(`<a href="([^"]*signup=1)">`)

// codeFrom returns the code and state of a redirect to the client, failing
// on an error redirect.
func codeFrom(t *testing.T, p page) (code, state string) {
	t.Helper()
	if p.status != http.StatusSeeOther && p.status != http.StatusFound {
		t.Fatalf("want a redirect to the client, got %d:\n%s", p.status, p.body)
	}
	u, err := url.Parse(p.location)
	if err != nil || !strings.HasPrefix(p.location, redirectURI) {
		t.Fatalf("redirect to %q, want %s", p.location, redirectURI)
	}
	q := u.Query()
	if q.Get("error") != "" {
		t.Fatalf("error redirect: %s: %s", q.Get("error"), q.Get("error_description"))
	}
	return q.Get("code"), q.Get("state")
}

// signInAndAllow walks the browser through the pages for the user (with
// the second factor when asked) and allows; it returns the redirect.
func (b *browser) signInAndAllow(authURL, email string) page {
	b.t.Helper()
	p := b.get(authURL)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Sign in to Clara") {
		b.t.Fatalf("authorize: %d\n%s", p.status, p.body)
	}
	p = b.submit(p, "signin", map[string]string{"email": email, "password": testPassword})
	if strings.Contains(p.body, `name="step" value="second_factor"`) {
		p = b.submit(p, "second_factor", map[string]string{"code": b.e.code(b.t, email)})
	}
	if p.status != http.StatusOK || !strings.Contains(p.body, "Allow access to Clara?") {
		b.t.Fatalf("want the consent page, got %d:\n%s", p.status, p.body)
	}
	return b.submit(p, "consent", map[string]string{"decision": "allow"})
}
