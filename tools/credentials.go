package tools

import (
	"context"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
)

// UserIDHeader is the optional header naming the user a request acts for.
const UserIDHeader = "User-Id"

// httpCredentials returns a context func that carries the caller's
// Authorization and User-Id headers to the handlers, tagged with transport,
// and the client's address as REST sees it (clientaddr.Of, trusting
// X-Forwarded-For when trustProxy is set). Nothing is checked here:
// resolving credentials into a user is the core's job.
func httpCredentials(transport core.Transport, trustProxy bool) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		return core.WithCredentials(ctx, core.Credentials{
			Authorization: r.Header.Get("Authorization"),
			UserID:        r.Header.Get(UserIDHeader),
			Transport:     transport,
			RemoteIP:      clientaddr.Of(r, trustProxy),
		})
	}
}
