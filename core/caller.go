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
// header, with the transport and the client's address. Over stdio the
// Authorization is "Bearer " + CLARA_API_KEY. Identify turns them into a
// Principal.
type Credentials struct {
	Authorization string
	UserID        string
	Transport     Transport
	RemoteIP      string
}
