package mcpserve

import (
	"context"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
	"github.com/clara-backend/clara/tools/caller"
)

// UserIDHeader is the optional header naming the user a request acts for.
const UserIDHeader = "User-Id"

// httpCredentials returns a context func that carries the caller's
// Authorization and User-Id headers to the handlers, tagged with transport,
// and the client's address as REST sees it (clientaddr.Of, trusting
// X-Forwarded-For when trustProxy is set). Nothing is checked here: the
// edge (identifyAtEdge) or, without one, the tool adapter resolves them
// into a principal, once per request.
func httpCredentials(transport core.Transport, trustProxy bool) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		return caller.WithCredentials(ctx, requestCredentials(r, transport, trustProxy))
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
