package mcpserve

import (
	"context"
	"net/http"
	"strings"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
	"github.com/clara-backend/clara/tools/caller"
)

// UserIDHeader is the optional header naming the user a request acts for.
const UserIDHeader = "User-Id"

// httpCredentials returns a context func that carries the caller's
// Authorization and User-Id headers to the handlers, tagged with transport,
// the client's address as REST sees it (clientaddr.Of, trusting
// X-Forwarded-For when trustProxy is set) and the resource the endpoint
// serves (the audience OAuth access tokens must name). Nothing is checked here: the
// edge (identifyAtEdge) or, without one, the tool adapter resolves them
// into a principal, once per request.
func httpCredentials(transport core.Transport, trustProxy bool, resource string) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		return caller.WithCredentials(ctx, requestCredentials(r, transport, trustProxy, resource))
	}
}

// requestCredentials returns what an HTTP request presents to identify its
// caller, at the endpoint serving resource.
func requestCredentials(r *http.Request, transport core.Transport, trustProxy bool, resource string) core.Credentials {
	return core.Credentials{
		Authorization: r.Header.Get("Authorization"),
		UserID:        r.Header.Get(UserIDHeader),
		Transport:     transport,
		RemoteIP:      clientaddr.Of(r, trustProxy),
		Resource:      resource,
	}
}

// resourceURL returns the URL that names the endpoint at path of Clara at
// publicURL as an OAuth protected resource (publicURL + path), "" without
// a public URL: OAuth access tokens are then refused.
func resourceURL(publicURL, path string) string {
	if publicURL = strings.TrimRight(publicURL, "/"); publicURL == "" {
		return ""
	}
	return publicURL + path
}
