// Package caller carries the caller of an MCP request from the transport
// that received it (mcpserve) to the tools that serve it (tools): the raw
// credentials the request presented and, once identified, its principal.
// It holds nothing else, so that the transports need not import the tools
// nor the tools the transports.
package caller

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// credentialsKey carries the raw credentials of a call.
type credentialsKey struct{}

// principalKey carries the principal of a request that the transport has
// identified already.
type principalKey struct{}

// WithCredentials returns a context that carries c, the credentials a call
// presented, to the handlers.
func WithCredentials(ctx context.Context, c core.Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// Credentials returns the credentials carried by ctx, if any.
func Credentials(ctx context.Context) (core.Credentials, bool) {
	c, ok := ctx.Value(credentialsKey{}).(core.Credentials)
	return c, ok
}

// WithPrincipal returns a context that carries p, the caller the
// transport identified for this request.
func WithPrincipal(ctx context.Context, p core.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Principal returns the principal carried by ctx, if any.
func Principal(ctx context.Context) (core.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(core.Principal)
	return p, ok
}
