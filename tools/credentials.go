package tools

import (
	"context"
	"net"
	"net/http"

	"github.com/clara-backend/clara/core"
)

// UserIDHeader is the optional header naming the user a request acts for.
const UserIDHeader = "User-Id"

// httpCredentials returns a context func that carries the caller's
// Authorization and User-Id headers to the handlers, tagged with transport.
// Nothing is checked here: resolving credentials into a user is the core's
// job.
func httpCredentials(transport core.Transport) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		return core.WithCredentials(ctx, core.Credentials{
			Authorization: r.Header.Get("Authorization"),
			UserID:        r.Header.Get(UserIDHeader),
			Transport:     transport,
			RemoteIP:      remoteIP(r),
		})
	}
}

// remoteIP returns the host part of r.RemoteAddr.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
