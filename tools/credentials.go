package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// caller returns ctx with the credentials of this call (over stdio, those
// of the session's binding at this moment) and the call's principal: the
// one the HTTP edge identified for the request, or else the credentials
// resolved here, with one core.Identify.
func (rt *toolEnv) caller(ctx context.Context) (context.Context, core.Principal) {
	ctx = callerContext(ctx)
	if p, ok := caller.Principal(ctx); ok {
		return ctx, p
	}
	creds, _ := caller.Credentials(ctx)
	if rt.svc == nil {
		return ctx, core.Anonymous(creds.Transport, creds.RemoteIP)
	}
	p, _ := rt.svc.Identify(ctx, creds) // a refusal travels in p
	return caller.WithPrincipal(ctx, p), p
}
