package core

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
// header, with the transport, the client's address and the resource
// reached. Over stdio the
// Authorization is "Bearer " + CLARA_API_KEY. Identify turns them into a
// Principal.
type Credentials struct {
	Authorization string
	UserID        string
	Transport     Transport
	RemoteIP      string
	// Resource is the URL of the protected resource the request reached
	// (the public URL + "/mcp" for Streamable HTTP): an OAuth access token
	// is accepted only when its audience is this resource. Empty (REST,
	// stdio, or no public URL): OAuth access tokens are refused.
	Resource string `json:",omitempty"`
}
