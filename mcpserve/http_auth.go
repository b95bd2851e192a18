package mcpserve

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// identifyAtEdge identifies the caller of every request once, with
// core.Identify, and hands the principal to the handlers of the request.
// It refuses, with 401 and the endpoint's invalid_token challenge, a request
// whose Authorization header is present but invalid, revoked or expired (an
// OAuth access token also when its audience is not resource), or whose
// User-Id names another user. A request without Authorization passes
// (requireCredentials refuses it unless anonymous access is on): tools that
// need a caller then answer with an isError result saying how to
// authenticate. When the credentials cannot be checked (the database does
// not answer), the request passes too, and its tools fail on their own
// with the refusal the principal carries.
func identifyAtEdge(next http.Handler, svc *core.Service, transport core.Transport, trustProxy bool, resource string, log *slog.Logger, c challenge) http.Handler {
	if svc == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, ok := identifyRequest(w, r, svc, transport, trustProxy, resource, log, c)
		if ok {
			next.ServeHTTP(w, r.WithContext(ctx))
		}
	})
}

// identifyRequest is the identification of identifyAtEdge: the context of
// r with the caller's principal, or false once it has refused r. It is a
// function of its own so that the credentials and principal it handles do
// not stay on the stack under every handler after it: a legacy SSE stream
// keeps that stack for as long as it is open.
func identifyRequest(w http.ResponseWriter, r *http.Request, svc *core.Service, transport core.Transport, trustProxy bool, resource string, log *slog.Logger, c challenge) (context.Context, bool) {
	ctx := r.Context()
	p, err := svc.Identify(ctx, requestCredentials(r, transport, trustProxy, resource))
	switch core.ErrorCode(err) {
	case "":
	case core.CodeUnauthenticated:
		c.refuse(w, r)
		return nil, false
	default:
		log.WarnContext(ctx, "mcp: credentials not checked", "err", err)
	}
	return caller.WithPrincipal(ctx, p), true
}
