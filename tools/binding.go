package tools

import (
	"context"
	"sync"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// A stdio process serves one user. Started with CLARA_API_KEY, that key
// identifies the caller throughout. Started without it, the session begins
// anonymous, and a successful login, register or google_sign_in binds it to
// the user token it returned: every later call carries
// "Authorization: Bearer <token>", until logout (or a password change, which
// revokes every session) unbinds it. Over HTTP nothing is bound: each
// request carries its own Authorization.

// binding holds the credentials of one stdio session. mcp-go runs a stdio
// session's calls concurrently, and calls its context func only once, when
// the session starts: so handlers read the credentials from the binding, at
// each call, under its lock.
type binding struct {
	base     core.Credentials // what the process was started with
	bindable bool             // no CLARA_API_KEY: login may bind the session

	mu   sync.RWMutex
	auth string // "Bearer <user token>" of the bound user; "" when none
}

// newBinding returns the binding of a stdio session started with base.
func newBinding(base core.Credentials) *binding {
	return &binding{base: base, bindable: base.Authorization == ""}
}

// credentials returns the session's credentials now: the bound user
// token, or those the process was started with.
func (b *binding) credentials() core.Credentials {
	c := b.base
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.auth != "" {
		c.Authorization = b.auth
	}
	return c
}

// bind makes in's user the session's caller, when the session may be
// bound, and reports whether it did.
func (b *binding) bind(in core.SignedIn) bool {
	if !b.bindable || in.Token == "" {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.auth = "Bearer " + in.Token
	return true
}

// unbind forgets the bound user, if authorization is still the bound one
// (a concurrent login may have replaced it), and reports whether it did.
func (b *binding) unbind(authorization string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if authorization != "" && b.auth == authorization {
		b.auth = ""
		return true
	}
	return false
}

type bindingKey struct{}

// StdioSession returns the context func of one stdio session whose calls
// present creds, with Transport set to core.TransportMCPStdio when empty:
// it carries creds and the session's binding to the handlers. Without an
// Authorization, the login, register and google_sign_in tools bind the
// session to the user they sign in, until logout. Give each session its
// own: the binding is shared by every context the func returns.
func StdioSession(creds core.Credentials) func(context.Context) context.Context {
	if creds.Transport == "" {
		creds.Transport = core.TransportMCPStdio
	}
	session := newBinding(creds)
	return func(ctx context.Context) context.Context {
		return withBinding(caller.WithCredentials(ctx, creds), session)
	}
}

// withBinding returns a context that carries b to the handlers.
func withBinding(ctx context.Context, b *binding) context.Context {
	return context.WithValue(ctx, bindingKey{}, b)
}

// bindingFrom returns the stdio binding of ctx, nil outside stdio.
func bindingFrom(ctx context.Context) *binding {
	b, _ := ctx.Value(bindingKey{}).(*binding)
	return b
}

// callerContext returns ctx with the caller's credentials of this moment:
// over stdio those of the session's binding; elsewhere ctx as it is.
func callerContext(ctx context.Context) context.Context {
	if b := bindingFrom(ctx); b != nil {
		return caller.WithCredentials(ctx, b.credentials())
	}
	return ctx
}

// signedIn binds the stdio session of ctx (if any, and if bindable) to the
// user of a successful login, register or Google sign-in, and tells the
// client that its tool list has changed.
func signedIn(ctx context.Context, in core.SignedIn) {
	if b := bindingFrom(ctx); b != nil && b.bind(in) {
		listChanged(ctx)
	}
}

// signedOut unbinds the stdio session of ctx after its user token was
// revoked by the call whose credentials ctx carries, and tells the client
// that its tool list has changed.
func signedOut(ctx context.Context) {
	if b := bindingFrom(ctx); b != nil {
		creds, _ := caller.Credentials(ctx)
		if b.unbind(creds.Authorization) {
			listChanged(ctx)
		}
	}
}
