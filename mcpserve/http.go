package mcpserve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// jsonOverhead is the room a request body has besides the base64 of its
// attachments: an analyze call's query (50,000 characters, each escaped
// to at most 6 bytes), file names, links and the JSON-RPC framing.
const jsonOverhead = 1 << 20

// MaxBodyBytes returns the largest request body the HTTP transports read
// under the policy p: an analyze call carrying files up to p's total, in
// base64 (4 bytes for every 3, and a group of 4 for each file's last
// bytes), and jsonOverhead.
func MaxBodyBytes(p core.Policy) int64 {
	return int64(base64.StdEncoding.EncodedLen(int(p.MaxTotalBytes))) + 4*int64(p.MaxAttachments) + jsonOverhead
}

// DefaultSSEKeepAlive is the interval of the pings that keep idle SSE
// streams open through proxies.
const DefaultSSEKeepAlive = 25 * time.Second

// HTTPOptions configure NewHTTPHandlers. Every field is optional.
type HTTPOptions struct {
	// Logger receives transport errors; nil discards.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; when 0, MaxBodyBytes of the
	// Service's policy (or of core.DefaultPolicy without a Service), so
	// that analyze takes every attachment the policy allows.
	MaxBodyBytes int64
	// SSEKeepAlive is the SSE ping interval; DefaultSSEKeepAlive when 0,
	// none when negative.
	SSEKeepAlive time.Duration
	// AllowedHosts are host names, besides loopback ones, that requests
	// arriving on a loopback listener may carry in Host: the host of Clara's
	// public URL, for a reverse proxy on the same machine.
	AllowedHosts []string
	// Service checks the Authorization header of every request: a bad one
	// is refused with 401 and WWW-Authenticate before it reaches mcp-go.
	// Nil: no check at the transport (tools still refuse bad credentials).
	Service *core.Service
	// PublicURL is the URL clients reach Clara at (CLARA_PUBLIC_URL), the
	// issuer of its tokens: it names the protected resources /mcp and /sse
	// in their metadata documents (ResourceMetadata) and in the
	// resource_metadata of 401 challenges, and it makes the audience an
	// OAuth access token must name (PublicURL + "/mcp" or + "/sse").
	// Empty: no documents, challenges that name only the scopes, and no
	// OAuth access tokens accepted.
	PublicURL string
	// Anonymous serves requests without Authorization, as callers of the
	// public tools (register, login, health, …). When false, such a
	// request is refused with 401 and the WWW-Authenticate challenge, from
	// which an MCP host starts OAuth (CLARA_MCP_ANONYMOUS).
	Anonymous bool
	// TrustProxy takes the client's address from X-Forwarded-For, as the
	// REST API does with the same setting (CLARA_TRUST_PROXY): for the
	// core's per-address limits and the caps of anonymous SSE streams.
	TrustProxy bool
	// SSEAnonymousPerAddress caps the SSE streams opened without
	// Authorization that one client address holds at once (429 beyond);
	// DefaultSSEAnonymousPerAddress when 0.
	SSEAnonymousPerAddress int
	// SSEAnonymousTotal caps the SSE streams opened without Authorization
	// that the process holds at once (503 beyond); DefaultSSEAnonymousTotal
	// when 0.
	SSEAnonymousTotal int
	// BasePath is the path prefix under which SSE and Message are mounted
	// when it is not the root, e.g. "/clara" for /clara/sse and
	// /clara/message. The SSE endpoint event names BasePath + "/message".
	BasePath string
}

// HTTPHandlers are the MCP endpoints of `clara serve`, to mount on the
// router: Streamable at /mcp, SSE at /sse and Message at /message, and
// their OAuth protected resource metadata (ResourceMetadata).
type HTTPHandlers struct {
	// Streamable serves the Streamable HTTP transport (POST and DELETE
	// /mcp), stateless: any replica can answer any request. GET, the
	// standalone event stream, is refused with 405, as the protocol allows
	// (see refuseStandaloneStream).
	Streamable http.Handler
	// SSE serves the event streams of the legacy HTTP+SSE transport (GET
	// /sse). Its first event names the message endpoint as a path relative
	// to the host the client connected to: /message?sessionId=….
	SSE http.Handler
	// Message receives the client's messages of an SSE session (POST
	// /message?sessionId=…). SSE is sticky: the stream and its messages
	// must reach the same process. A message must carry the credentials
	// (Authorization and User-Id) its stream was opened with.
	Message http.Handler
	// ResourceMetadata serves the OAuth protected resource metadata
	// (RFC 9728) of /mcp and /sse, keyed by the path to mount each at:
	// /.well-known/oauth-protected-resource (for /mcp) and its
	// path-suffixed forms …/mcp and …/sse. GET only. Empty without
	// HTTPOptions.PublicURL.
	ResourceMetadata map[string]http.Handler

	sse        *server.SSEServer
	streamable *server.StreamableHTTPServer
}

// NewHTTPHandlers returns the HTTP transports of s. Request bodies over the
// limit are refused with 413 and a JSON-RPC error, as are, with 400,
// Authorization and User-Id headers holding NUL characters or invalid
// UTF-8. Unless opts.Anonymous is set, a request without Authorization is
// refused with 401 and WWW-Authenticate: Bearer naming the endpoint's
// resource metadata and the scopes. With opts.Service set, every request's
// caller is identified once at the edge (core.Identify) and handlers get
// that principal; a request whose Authorization is invalid, revoked or
// expired is refused with 401 and the same challenge with
// error="invalid_token". A message posted to an SSE stream with
// other credentials than the stream's is refused (see sseSessions.ownOnly),
// and anonymous SSE streams are capped per address and in total. Requests
// that reach a loopback listener with a Host header that is neither
// loopback nor one of opts.AllowedHosts are refused (DNS-rebinding
// protection). Past these checks, the messages that the Interceptor
// registered for s (Intercept) handles are answered by it, not by mcp-go.
func NewHTTPHandlers(s *server.MCPServer, opts HTTPOptions) *HTTPHandlers {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		policy := core.DefaultPolicy()
		if opts.Service != nil {
			policy = opts.Service.Policy()
		}
		limit = MaxBodyBytes(policy)
	}
	mcpResource, sseResource := resourceURL(opts.PublicURL, streamablePath), resourceURL(opts.PublicURL, ssePath)
	sessions := newSSESessions(opts.TrustProxy, opts.SSEAnonymousPerAddress, opts.SSEAnonymousTotal)
	mcpCreds := httpCredentials(core.TransportMCPHTTP, opts.TrustProxy, mcpResource)
	sseCreds := httpCredentials(core.TransportMCPSSE, opts.TrustProxy, sseResource)
	streamable := server.NewStreamableHTTPServer(s,
		server.WithStateLess(true),
		server.WithHTTPContextFunc(mcpCreds),
		server.WithStreamableHTTPLogger(logger),
		server.WithDisableLocalhostProtection(true), // guardHost does it
	)
	sseOpts := []server.SSEOption{
		server.WithStaticBasePath(opts.BasePath),
		server.WithSSEEndpoint("/sse"),
		server.WithMessageEndpoint("/message"),
		server.WithUseFullURLForMessageEndpoint(false),
		server.WithSSEContextFunc(sseCreds),
		server.WithSSEDisableLocalhostProtection(true), // guardHost does it
		server.WithSessionIDGenerator(sessions.sessionID),
	}
	switch keepAlive := opts.SSEKeepAlive; {
	case keepAlive == 0:
		sseOpts = append(sseOpts, server.WithKeepAliveInterval(DefaultSSEKeepAlive))
	case keepAlive > 0:
		sseOpts = append(sseOpts, server.WithKeepAliveInterval(keepAlive))
	}
	sse := server.NewSSEServer(s, sseOpts...)
	streamableChallenge := newChallenge(opts.PublicURL, streamablePath)
	sseChallenge := newChallenge(opts.PublicURL, ssePath)
	edge := func(h http.Handler, transport core.Transport, resource string, c challenge) http.Handler {
		h = identifyAtEdge(h, opts.Service, transport, opts.TrustProxy, resource, logger, c)
		if !opts.Anonymous {
			h = requireCredentials(h, c)
		}
		return guardHost(refuseBadHeaders(h), opts.AllowedHosts)
	}
	tasks := interceptorOf(s)
	streamableIn := interceptStreamable(streamable, tasks, mcpCreds)
	messageIn := interceptSSE(sse.MessageHandler(), tasks, sse, sessions, sseCreds, logger)
	return &HTTPHandlers{
		Streamable:       edge(refuseStandaloneStream(limitBody(streamableIn, limit)), core.TransportMCPHTTP, mcpResource, streamableChallenge),
		SSE:              edge(sessions.open(sse.SSEHandler()), core.TransportMCPSSE, sseResource, sseChallenge),
		Message:          edge(sessions.ownOnly(limitBody(messageIn, limit), sseChallenge), core.TransportMCPSSE, sseResource, sseChallenge),
		ResourceMetadata: resourceMetadataHandlers(opts.PublicURL),
		sse:              sse,
		streamable:       streamable,
	}
}

// CloseStreams ends every open SSE stream, which would otherwise keep
// http.Server.Shutdown waiting until its clients leave. Register it with
// http.Server.RegisterOnShutdown: it then runs once the listeners are
// closed, so no new stream starts after it.
func (h *HTTPHandlers) CloseStreams() {
	h.sse.CloseSessions()
	h.streamable.CloseSessions(context.Background())
}

// Shutdown ends every open stream (see CloseStreams). The http.Server that
// mounts the handlers is the command line's to shut down; mcp-go's own
// SSEServer.Shutdown does nothing for handlers mounted elsewhere.
func (h *HTTPHandlers) Shutdown(ctx context.Context) error {
	h.sse.CloseSessions()
	return h.streamable.Shutdown(ctx)
}

// refuseStandaloneStream answers 405 to GET /mcp, the standalone event
// stream, which a stateless server has no use for: it would carry nothing
// but its own pings. Worse, mcp-go keys every stateless stream under one
// empty session id and has requests without a session id reuse that
// session, so one client's GET stream would take the progress
// notifications of other clients' tool calls. Clients fall back to the
// event streams of their POSTs, as the protocol provides.
func refuseStandaloneStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Allow", "POST, DELETE")
			writeRPCError(w, http.StatusMethodNotAllowed, mcp.INVALID_REQUEST, "This stateless server offers no standalone event stream: use POST.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses POST bodies over limit with 413: at once when the
// Content-Length says so, else (chunked) once limit bytes have been read.
// The body is read up front, as both mcp-go handlers read all of it anyway.
func limitBody(next http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > limit {
			writeRPCError(w, http.StatusRequestEntityTooLarge, mcp.INVALID_REQUEST, core.MsgTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeRPCError(w, http.StatusRequestEntityTooLarge, mcp.INVALID_REQUEST, core.MsgTooLarge)
				return
			}
			writeRPCError(w, http.StatusBadRequest, mcp.PARSE_ERROR, "Request body could not be read.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// writeRPCError answers with status and a JSON-RPC error of no id.
func writeRPCError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(mcp.JSONRPCError{
		JSONRPC: mcp.JSONRPC_VERSION,
		Error:   mcp.NewJSONRPCErrorDetails(code, message, nil),
	})
}
