package authserver

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ory/fosite"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// The steps of the authorization page's forms.
const (
	stepSignIn       = "signin"
	stepSecondFactor = "second_factor"
	stepConsent      = "consent"
	stepSwitch       = "switch"
	stepGoogle       = "google"
)

// serveAuthorize is the authorization endpoint. It checks the request
// (client, redirect URI, PKCE S256, resource), then walks the user through
// Clara's pages: sign in, the second factor when the account has one, and
// consent; Allow redirects to the client with a code, Deny with
// access_denied. A request whose client or redirect URI is wrong gets an
// error page and is never redirected.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w)
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		s.pages.renderError(w, http.StatusMethodNotAllowed, "This page takes GET and POST only.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !validForm(r.Form) {
		s.pages.renderError(w, http.StatusBadRequest, "The request could not be read: it is too long or holds text that is not valid.")
		return
	}
	ctx := s.withFetchBudget(r)
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err == nil {
		err = s.checkAuthorizeRequest(ar)
	}
	if err != nil {
		s.writeAuthorizeError(w, r, ar, err)
		return
	}
	c, _ := ar.GetClient().(*client)
	f := &flow{s: s, w: w, r: r, ar: ar, client: c, action: authorizePath + "?" + r.URL.RawQuery}
	if r.Method == http.MethodPost && !s.pages.csrfValid(r) {
		s.pages.renderError(w, http.StatusForbidden, "This form has expired or did not come from Clara. Go back, reload the page and try again.")
		return
	}
	f.csrf = s.pages.csrfToken(w, r)
	f.run(ctx)
}

// checkAuthorizeRequest checks what fosite leaves to Clara: a code
// challenge with method S256, and a resource that is one of Clara's MCP
// endpoints.
func (s *Server) checkAuthorizeRequest(ar fosite.AuthorizeRequester) error {
	form := ar.GetRequestForm()
	switch {
	case form.Get("code_challenge") == "":
		return fosite.ErrInvalidRequest.WithHint("A code_challenge is required (PKCE, method S256).")
	case form.Get("code_challenge_method") != "S256":
		return fosite.ErrInvalidRequest.WithHint("The code_challenge_method must be S256.")
	case len(form["resource"]) != 1:
		return errInvalidTarget.WithHintf("Exactly one resource is required: %s.", strings.Join(s.resources, " or "))
	case !s.validResource(form.Get("resource")):
		return errInvalidTarget.WithHintf("The resource must be %s.", strings.Join(s.resources, " or "))
	}
	return nil
}

// writeAuthorizeError redirects an error to the client when its redirect
// URI was found valid, and otherwise shows it on an error page.
func (s *Server) writeAuthorizeError(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, err error) {
	rfc := fosite.ErrorToRFC6749Error(err)
	if rfc.CodeField >= 500 {
		s.log.Error("oauth authorize request", "err", rfc.WithExposeDebug(true).GetDescription())
	}
	if ar != nil && ar.IsRedirectURIValid() {
		s.provider.WriteAuthorizeError(r.Context(), w, ar, err)
		return
	}
	status := http.StatusBadRequest
	if rfc.CodeField >= 500 {
		status = rfc.CodeField
	}
	s.pages.renderError(w, status, "This sign-in link is not valid: "+reason(err))
}

// reason returns the most precise wording of an OAuth error: the hint of
// the innermost fosite error that has one (fosite wraps Clara's reasons,
// such as why a client was refused, in its own generic ones), else the
// error's description.
func reason(err error) string {
	out := fosite.ErrorToRFC6749Error(err).GetDescription()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if rfc, ok := e.(*fosite.RFC6749Error); ok && rfc.HintField != "" {
			out = rfc.HintField
		}
	}
	return out
}

// flow is one request of the authorization pages.
type flow struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	ar     fosite.AuthorizeRequester
	client *client
	action string // the form action: this request's URL
	csrf   string
}

// run answers the request: the step it posts, or the page where the user
// stands.
func (f *flow) run(ctx context.Context) {
	user, signedIn := f.signedInUser(ctx)
	if f.r.Method == http.MethodGet {
		switch {
		case signedIn && !user.IsActive:
			f.activate(http.StatusOK, user, "")
		case signedIn:
			f.consent(user, http.StatusOK, "")
		case f.r.URL.Query().Get(signUpParam) != "":
			f.register(http.StatusOK, core.RegisterInput{}, "")
		default:
			f.signIn(http.StatusOK, "", "")
		}
		return
	}
	step := f.r.PostForm.Get("step")
	switch step {
	case stepSignIn:
		f.postSignIn(ctx)
	case stepSecondFactor:
		f.postSecondFactor(ctx)
	case stepRegister:
		f.postRegister(ctx)
	case stepGoogle:
		f.startGoogle()
	case stepSwitch:
		f.s.pages.clearSignIn(f.w)
		f.signIn(http.StatusOK, "", "")
	case stepConsent, stepActivate, stepResend:
		switch {
		case !signedIn:
			f.signIn(http.StatusUnauthorized, "", "Your sign-in has ended. Sign in again to continue.")
		case step == stepConsent:
			f.postConsent(ctx, user)
		default:
			f.postActivate(ctx, user, step == stepResend)
		}
	default:
		f.s.pages.renderError(f.w, http.StatusBadRequest, "This form is not one of Clara's.")
	}
}

// signedInUser returns the user of the browser's sign-in cookie, when it
// holds a live user token.
func (f *flow) signedInUser(ctx context.Context) (core.User, bool) {
	token := f.s.pages.signInToken(f.r)
	if token == "" {
		return core.User{}, false
	}
	p, err := f.s.svc.Identify(ctx, core.Credentials{
		Authorization: "Bearer " + token, Transport: core.TransportREST, RemoteIP: f.s.addr(f.r),
	})
	if err != nil || p.Kind() != core.AuthUserToken {
		f.s.pages.clearSignIn(f.w)
		return core.User{}, false
	}
	return p.User(), true
}

// postSignIn checks an email and password.
func (f *flow) postSignIn(ctx context.Context) {
	email := f.r.PostForm.Get("email")
	signed, pending, err := f.s.svc.StartLogin(ctx, f.s.principal(f.r), email, f.r.PostForm.Get("password"))
	switch {
	case err != nil:
		status, msg := f.loginProblem(err, "The email or password is not right.")
		f.signIn(status, email, msg)
	case pending != nil:
		f.secondFactor(http.StatusOK, pending, "")
	default:
		f.signedIn(signed)
	}
}

// postSecondFactor checks the second factor of a pending sign-in.
func (f *flow) postSecondFactor(ctx context.Context) {
	pending := &core.PendingLogin{Token: f.r.PostForm.Get("pending"), TOTP: f.r.PostForm.Get("totp") == "true"}
	signed, err := f.s.svc.FinishLogin(ctx, f.s.principal(f.r), pending.Token, strings.TrimSpace(f.r.PostForm.Get("code")))
	if err == nil {
		f.signedIn(signed)
		return
	}
	if core.ErrorCode(err) == core.CodeUnauthenticated && !core.AsksSecondFactor(err) {
		f.signIn(http.StatusUnauthorized, "", "Your sign-in took too long. Sign in again.")
		return
	}
	status, msg := f.loginProblem(err, "That code is not right, or it has expired.")
	f.secondFactor(status, pending, msg)
}

// loginProblem words a failed sign-in step for the page: wrong is the
// message of a wrong password or code.
func (f *flow) loginProblem(err error, wrong string) (int, string) {
	switch core.ErrorCode(err) {
	case core.CodeUnauthenticated, core.CodeInvalid:
		return http.StatusUnauthorized, wrong
	case core.CodeRateLimited:
		setRetryAfter(f.w, err)
		return http.StatusTooManyRequests, "Too many attempts. Wait a few minutes, then try again."
	default:
		f.s.log.Error("oauth sign-in", "err", err)
		return http.StatusInternalServerError, "Something went wrong on Clara's side. Try again in a moment."
	}
}

// signedIn keeps the new session in the browser and asks for consent.
func (f *flow) signedIn(signed core.SignedIn) {
	f.s.pages.setSignIn(f.w, signed.Token)
	f.consent(signed.User, http.StatusOK, "")
}

// postConsent answers the user's decision: Allow redirects with a code
// for the scopes asked, Deny with access_denied.
func (f *flow) postConsent(ctx context.Context, user core.User) {
	if f.r.PostForm.Get("decision") != "allow" {
		f.s.provider.WriteAuthorizeError(ctx, f.w, f.ar, fosite.ErrAccessDenied.WithHint("The user denied the request."))
		return
	}
	if !user.IsActive {
		f.activate(http.StatusForbidden, user, "Activate your account first, with the code Clara emailed you.")
		return
	}
	grantID := core.NewID(core.PrefixOAuthGrant)
	f.ar.SetID(grantID) // every token of this authorization leads to the grant
	for _, sc := range f.scopes() {
		f.ar.GrantScope(sc)
	}
	sess := &session{UserID: user.ID, GrantID: grantID, Resource: f.ar.GetRequestForm().Get("resource"), ClientName: f.clientName()}
	resp, err := f.s.provider.NewAuthorizeResponse(ctx, f.ar, sess)
	if err != nil {
		f.s.writeAuthorizeError(f.w, f.r, f.ar, err)
		return
	}
	f.s.provider.WriteAuthorizeResponse(ctx, f.w, f.ar, resp)
	f.s.sweep(ctx)
}

// scopes returns the OAuth scopes the client asked for, or every scope of
// Clara when it asked for none.
func (f *flow) scopes() []string {
	asked := f.ar.GetRequestedScopes()
	if len(asked) == 0 {
		return core.OAuthScopeNames()
	}
	var out []string
	for _, name := range core.OAuthScopeNames() {
		if slices.Contains(asked, name) {
			out = append(out, name)
		}
	}
	return out
}

// clientName returns the name the client gave, or its id's host.
func (f *flow) clientName() string {
	if f.client != nil && f.client.name != "" {
		return f.client.name
	}
	return redirectHost(f.ar.GetRedirectURI())
}

// redirectHost returns the host a redirect URI leads to (its scheme, for
// an app's own scheme).
func redirectHost(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.Host != "" {
		return u.Host
	}
	return u.Scheme + ":"
}

// validForm reports whether every name and value of form is valid text
// (UTF-8 without NUL), as Clara's store and pages need.
func validForm(form url.Values) bool {
	for k, vs := range form {
		if !cleantext.Valid(k) {
			return false
		}
		for _, v := range vs {
			if !cleantext.Valid(v) {
				return false
			}
		}
	}
	return true
}
