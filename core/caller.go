package core

import "context"

// Transport names how a request reached Clara.
type Transport string

// The transports Clara serves.
const (
	TransportREST      Transport = "rest"
	TransportMCPStdio  Transport = "mcp-stdio"
	TransportMCPHTTP   Transport = "mcp-http"
	TransportMCPSSE    Transport = "mcp-sse"
	TransportInProcess Transport = "in-process"
)

// Credentials are what a request presented to identify its caller, before
// anything is checked: the raw Authorization value and the optional User-Id
// header. Over stdio the Authorization is "Bearer " + CLARA_API_KEY.
type Credentials struct {
	Authorization string
	UserID        string
	Transport     Transport
	RemoteIP      string
}

type credentialsKey struct{}

// WithCredentials returns a context that carries c to the core.
func WithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// CredentialsFrom returns the credentials carried by ctx, if any.
func CredentialsFrom(ctx context.Context) (Credentials, bool) {
	c, ok := ctx.Value(credentialsKey{}).(Credentials)
	return c, ok
}
