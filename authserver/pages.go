package authserver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"github.com/clara-backend/clara/core"
)

//go:embed web
var webFS embed.FS

// The cookies of the authorization pages, both limited to /oauth/ and
// HttpOnly.
const (
	signInCookie = "clara_oauth_signin" // the browser's user token (a revocable session)
	csrfCookie   = "clara_oauth_csrf"   // the random value the forms' CSRF tokens are keyed on
)

// pages renders the authorization pages and keeps their cookies.
type pages struct {
	csrf   []byte // the key of CSRF tokens
	secure bool   // cookies only over https
}

// newPages returns the pages, their CSRF tokens keyed on csrfKey.
func newPages(csrfKey []byte, secure bool) *pages {
	return &pages{csrf: csrfKey, secure: secure}
}

// assets serves the pages' embedded stylesheet and images.
func (p *pages) assets() http.Handler {
	sub, _ := fs.Sub(webFS, "web/assets") // a constant path into the embedded tree
	files := http.StripPrefix(assetsPath, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// setPageHeaders sets the headers of every page: never framed, never
// cached, no scripts, nothing leaked in Referer.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// pageData is what the templates show.
type pageData struct {
	Title               string
	Action              string // the form action
	CSRF                string
	Error               string
	Email               string      // the sign-in or sign-up form's email, kept after a failure
	FirstName, LastName string      // the sign-up form's names, kept after a failure
	SignUp              string      // the URL of the sign-up form
	Google              bool        // offer "Continue with Google"
	Pending             string      // the pending-login token of the second-factor form
	TOTP                bool        // the second factor is an authenticator code
	User                string      // the signed-in user's email
	Client              clientView  // the client asking
	Scopes              []scopeView // what it asks for
	Resource            string
}

// clientView is a client as the consent page names it.
type clientView struct {
	Name         string
	RedirectHost string
	ID           string
	Document     bool
}

// scopeView is a scope in plain words.
type scopeView struct {
	Name  string
	Words string
}

// scopeWords says what each scope lets a client do: what the access
// table of the core allows an OAuth token of that scope (core/access.go),
// in plain words.
var scopeWords = map[string]string{
	"clara:account":  "See your profile: your name, email address and settings.",
	"clara:analysis": "Run analyses of claims and content for you, spending your credits, and see, list and cancel them.",
	"clara:billing":  "See your credit transactions, start purchases of credits and open your billing portal.",
}

// render writes page (pages.templ) with data and status.
func (p *pages) render(w http.ResponseWriter, status int, page func(pageData) templ.Component, data pageData) {
	var buf bytes.Buffer
	if err := page(data).Render(context.Background(), &buf); err != nil {
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderError shows an error page.
func (p *pages) renderError(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, errorPage, pageData{Title: "Something is wrong", Error: msg})
}

// signIn shows the sign-in page.
func (f *flow) signIn(status int, email, msg string) {
	f.s.pages.render(f.w, status, signInPage, f.data("Sign in to Clara", msg, func(d *pageData) { d.Email = email }))
}

// secondFactor shows the second-factor page of a pending sign-in.
func (f *flow) secondFactor(status int, pending *core.PendingLogin, msg string) {
	f.s.pages.render(f.w, status, secondFactorPage, f.data("Confirm it is you", msg, func(d *pageData) {
		d.Pending, d.TOTP = pending.Token, pending.TOTP
	}))
}

// consent shows the consent page to user.
func (f *flow) consent(user core.User, status int, msg string) {
	f.s.pages.render(f.w, status, consentPage, f.data("Allow access to Clara?", msg, func(d *pageData) {
		d.User = user.Email
		d.Resource = f.ar.GetRequestForm().Get("resource")
		d.Client = clientView{Name: f.clientName(), RedirectHost: redirectHost(f.ar.GetRedirectURI()), ID: f.ar.GetClient().GetID()}
		if f.client != nil {
			d.Client.Document = f.client.document
		}
		for _, sc := range f.scopes() {
			d.Scopes = append(d.Scopes, scopeView{Name: sc, Words: scopeWords[sc]})
		}
	}))
}

// data returns the page data common to the flow's pages.
func (f *flow) data(title, msg string, more func(d *pageData)) pageData {
	d := pageData{Title: title, Action: f.action, CSRF: f.csrf, Error: msg, SignUp: f.signUpURL(), Google: f.s.googleConfig() != nil}
	more(&d)
	return d
}

// csrfToken returns the CSRF token of the browser's forms, setting the
// browser's CSRF cookie first when it has none.
func (p *pages) csrfToken(w http.ResponseWriter, r *http.Request) string {
	value := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		value = c.Value
	} else {
		value = randomToken()
		http.SetCookie(w, p.cookie(csrfCookie, value, http.SameSiteStrictMode))
	}
	return p.csrfFor(value)
}

// csrfFor returns the CSRF token of a cookie value: its HMAC under the
// server's key, so that a value planted in the cookie is of no use
// without the key.
func (p *pages) csrfFor(value string) string { return p.mac("csrf", value) }

// csrfValid reports whether a posted form carries the CSRF token of the
// browser's cookie.
func (p *pages) csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(p.csrfFor(c.Value)))
}

// setSignIn keeps a user token in the browser for the pages: until the
// browser closes, and only as long as its session lives.
func (p *pages) setSignIn(w http.ResponseWriter, token string) {
	http.SetCookie(w, p.cookie(signInCookie, token, http.SameSiteLaxMode))
}

// clearSignIn forgets the browser's sign-in.
func (p *pages) clearSignIn(w http.ResponseWriter) {
	c := p.cookie(signInCookie, "", http.SameSiteLaxMode)
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// signInToken returns the user token of the browser's sign-in, "" when
// none.
func (p *pages) signInToken(r *http.Request) string {
	c, err := r.Cookie(signInCookie)
	if err != nil || !strings.HasPrefix(c.Value, "clara_user_") {
		return ""
	}
	return c.Value
}

// cookie returns a cookie of the pages: path /oauth/, HttpOnly, Secure
// over https.
func (p *pages) cookie(name, value string, site http.SameSite) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/oauth/", HttpOnly: true, Secure: p.secure, SameSite: site}
}
