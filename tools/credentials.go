package tools

import (
	"context"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
)

// UserIDHeader is the optional header naming the user a request acts for.
const UserIDHeader = "User-Id"

// credentialsKey carries the raw credentials of a call (credentials).
type credentialsKey struct{}

// principalKey carries the principal of a request that the HTTP edge has
// identified already (identifyAtEdge).
type principalKey struct{}

// withCredentials returns a context that carries c, the credentials a call
// presented, to the handlers.
func withCredentials(ctx context.Context, c core.Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// credentialsFrom returns the credentials carried by ctx, if any.
func credentialsFrom(ctx context.Context) (core.Credentials, bool) {
	c, ok := ctx.Value(credentialsKey{}).(core.Credentials)
	return c, ok
}

// withPrincipal returns a context that carries p, the caller the
// transport identified for this request.
func withPrincipal(ctx context.Context, p core.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom returns the principal carried by ctx, if any.
func principalFrom(ctx context.Context) (core.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(core.Principal)
	return p, ok
}

// httpCredentials returns a context func that carries the caller's
// Authorization and User-Id headers to the handlers, tagged with transport,
// and the client's address as REST sees it (clientaddr.Of, trusting
// X-Forwarded-For when trustProxy is set). Nothing is checked here: the
// edge (identifyAtEdge) or, without one, the tool adapter resolves them
// into a principal, once per request.
func httpCredentials(transport core.Transport, trustProxy bool) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		return withCredentials(ctx, requestCredentials(r, transport, trustProxy))
	}
}

// requestCredentials returns what an HTTP request presents to identify its
// caller.
func requestCredentials(r *http.Request, transport core.Transport, trustProxy bool) core.Credentials {
	return core.Credentials{
		Authorization: r.Header.Get("Authorization"),
		UserID:        r.Header.Get(UserIDHeader),
		Transport:     transport,
		RemoteIP:      clientaddr.Of(r, trustProxy),
	}
}

// caller returns ctx with the credentials of this call (over stdio, those
// of the session's binding at this moment) and the call's principal: the
// one the HTTP edge identified for the request, or else the credentials
// resolved here, with one core.Identify.
func (rt *toolEnv) caller(ctx context.Context) (context.Context, core.Principal) {
	ctx = callerContext(ctx)
	if p, ok := principalFrom(ctx); ok {
		return ctx, p
	}
	creds, _ := credentialsFrom(ctx)
	if rt.svc == nil {
		return ctx, core.Anonymous(creds.Transport, creds.RemoteIP)
	}
	p, _ := rt.svc.Identify(ctx, creds) // a refusal travels in p
	return withPrincipal(ctx, p), p
}
