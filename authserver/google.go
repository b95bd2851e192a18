package authserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/clara-backend/clara/core"
)

// GoogleOptions let the pages offer "Continue with Google": Clara signs
// the user in at Google with the authorization code flow (PKCE, a client
// secret) and takes the ID token Google returns, as the REST endpoint
// does.
type GoogleOptions struct {
	ClientID     string // a web client id, one of CLARA_GOOGLE_CLIENT_IDS
	ClientSecret string
	AuthURL      string // default Google's
	TokenURL     string // default Google's
}

// The defaults of GoogleOptions' endpoints.
const (
	googleAuthURL  = "https://accounts.google.com/o/oauth2/v2/auth"
	googleTokenURL = "https://oauth2.googleapis.com/token"
)

// The Google sign-in's path, cookie and lifetime.
const (
	googleCallbackPath = "/oauth/google/callback"
	googleCookie       = "clara_oauth_google"
	googleFlowTTL      = 10 * time.Minute
)

// googleFlow is what Clara remembers of a Google sign-in in progress, in
// a keyed cookie: the state sent, the PKCE verifier, and the page to
// return to.
type googleFlow struct {
	State    string    `json:"s"`
	Verifier string    `json:"v"`
	Return   string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// googleConfig returns the oauth2 configuration of the Google sign-in, nil
// when it is not configured.
func (s *Server) googleConfig() *oauth2.Config {
	g := s.opts.Google
	if g.ClientID == "" || g.ClientSecret == "" {
		return nil
	}
	auth, token := g.AuthURL, g.TokenURL
	if auth == "" {
		auth = googleAuthURL
	}
	if token == "" {
		token = googleTokenURL
	}
	return &oauth2.Config{
		ClientID: g.ClientID, ClientSecret: g.ClientSecret, Scopes: []string{"openid", "email", "profile"},
		RedirectURL: s.issuer + googleCallbackPath,
		Endpoint:    oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInParams},
	}
}

// startGoogle sends the browser to Google, remembering where to come
// back.
func (f *flow) startGoogle() {
	cfg := f.s.googleConfig()
	if cfg == nil {
		f.s.pages.renderError(f.w, http.StatusNotFound, "Google sign-in is not configured on this server.")
		return
	}
	gf := googleFlow{State: randomToken(), Verifier: oauth2.GenerateVerifier(), Return: f.action, Expires: f.s.now().Add(googleFlowTTL)}
	http.SetCookie(f.w, f.s.pages.cookie(googleCookie, f.s.pages.seal(gf), http.SameSiteLaxMode))
	http.Redirect(f.w, f.r, cfg.AuthCodeURL(gf.State, oauth2.S256ChallengeOption(gf.Verifier)), http.StatusSeeOther)
}

// serveGoogleCallback finishes a Google sign-in: the state must be the
// browser's own, the code is exchanged for Google's ID token, and the
// account it proves is signed in; the browser goes back to the
// authorization page, now at its consent.
func (s *Server) serveGoogleCallback(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w)
	cfg := s.googleConfig()
	if cfg == nil {
		s.pages.renderError(w, http.StatusNotFound, "Google sign-in is not configured on this server.")
		return
	}
	var gf googleFlow
	c, err := r.Cookie(googleCookie)
	q := r.URL.Query()
	if err != nil || !s.pages.unseal(c.Value, &gf) || s.now().After(gf.Expires) ||
		!hmac.Equal([]byte(q.Get("state")), []byte(gf.State)) || !strings.HasPrefix(gf.Return, authorizePath+"?") {
		s.pages.renderError(w, http.StatusBadRequest, "This Google sign-in expired or was not started here. Go back to the app and connect again.")
		return
	}
	clear := s.pages.cookie(googleCookie, "", http.SameSiteLaxMode)
	clear.MaxAge = -1
	http.SetCookie(w, clear)
	if q.Get("error") != "" {
		http.Redirect(w, r, gf.Return, http.StatusSeeOther) // back to the sign-in page
		return
	}
	tok, err := cfg.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(gf.Verifier))
	idToken, _ := func() (string, bool) {
		if err != nil {
			return "", false
		}
		v, ok := tok.Extra("id_token").(string)
		return v, ok
	}()
	if idToken == "" {
		s.log.Warn("google sign-in: code exchange", "err", err)
		s.pages.renderError(w, http.StatusBadGateway, "Google did not confirm the sign-in. Try again.")
		return
	}
	signed, _, err := s.svc.GoogleSignIn(r.Context(), s.principal(r), idToken)
	if err != nil {
		status := http.StatusUnauthorized
		if core.ErrorCode(err) == core.CodeRateLimited {
			status = http.StatusTooManyRequests
		}
		s.pages.renderError(w, status, "Google's sign-in was not accepted for a Clara account.")
		return
	}
	s.pages.setSignIn(w, signed.Token)
	http.Redirect(w, r, gf.Return, http.StatusSeeOther)
}

// seal returns v as a cookie value: its JSON, base64, and an HMAC of it
// under the pages' key.
func (p *pages) seal(v any) string {
	data, _ := json.Marshal(v) // a struct of strings and a time
	body := base64.RawURLEncoding.EncodeToString(data)
	return body + "." + p.mac("seal", body)
}

// unseal reads a value sealed by seal into v; false when it was altered.
func (p *pages) unseal(value string, v any) bool {
	body, sum, ok := strings.Cut(value, ".")
	if !ok || !hmac.Equal([]byte(sum), []byte(p.mac("seal", body))) {
		return false
	}
	data, err := base64.RawURLEncoding.DecodeString(body)
	return err == nil && json.Unmarshal(data, v) == nil
}

// mac returns the HMAC-SHA256 of purpose and data under the pages' key,
// base64.
func (p *pages) mac(purpose, data string) string {
	m := hmac.New(sha256.New, p.csrf)
	m.Write([]byte(purpose + "\x00" + data))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// randomToken returns 256 random bits, base64.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
