package api

import (
	"context"
	"net/http"

	"github.com/clara-backend/clara/core"
)

// identify resolves the caller of a request once, with core.Identify, from
// its Authorization and User-Id headers and its client IP, and keeps the
// principal for the handler (principal). A refusal is not answered here:
// the principal carries it to the core, which answers it where the route
// needs credentials, after the handler has read the body, as the contract
// orders its errors.
func (s *server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, _ := s.svc.Identify(ctx, credentialsOf(r))
		if t := trackerOf(ctx); t != nil {
			t.principal = p
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
	})
}

// credentialsOf returns what r presents to identify its caller: the raw
// Authorization and User-Id headers, the transport and the client IP.
func credentialsOf(r *http.Request) core.Credentials {
	return core.Credentials{
		Authorization: r.Header.Get("Authorization"),
		UserID:        r.Header.Get("User-Id"),
		Transport:     core.TransportREST,
		RemoteIP:      ClientIP(r.Context()),
	}
}

// principalKey carries the principal of a request that has no tracker.
type principalKey struct{}

// principal returns the caller of r, as identify resolved it.
func principal(r *http.Request) core.Principal {
	ctx := r.Context()
	if t := trackerOf(ctx); t != nil {
		return t.principal
	}
	p, _ := ctx.Value(principalKey{}).(core.Principal)
	return p
}
