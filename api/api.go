// Package api is Clara's REST adapter: the whole HTTP surface of
// `clara serve`. It routes the documented REST API under /api/v1 onto the
// domain core (package core), writes every answer in the contract's
// envelope, maps every core.Error to its HTTP status exactly once, at this
// edge, and wraps everything it serves, including extra handlers
// mounted at the root such as the MCP endpoints and /metrics, in the common
// middleware: request ids, panic recovery, access logs and Prometheus
// metrics.
package api

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/core"
)

// DefaultMaxBodyBytes is the default limit of a request body under /api/v1:
// 1 MiB, the contract's limit of JSON bodies.
const DefaultMaxBodyBytes int64 = 1 << 20

// Options configure the handler built by New. The zero value is usable.
type Options struct {
	// Logger receives access logs, panics and the causes of 500 and 503
	// answers. Nil means slog.Default().
	Logger *slog.Logger
	// Metrics registers the HTTP metrics (clara_http_requests_total and
	// clara_http_request_duration_seconds). Nil means no metrics. Serve
	// them by mounting a promhttp handler, e.g. at /metrics.
	Metrics prometheus.Registerer
	// Mounts are extra handlers served at the root, outside /api/v1.
	Mounts []Mount
	// MaxBodyBytes limits request bodies under /api/v1, except Analysis
	// uploads, which the core's policy limits (and their query field,
	// limited to MaxBodyBytes). Zero or less means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// TrustProxyHeaders makes the client IP the right-most address of
	// X-Forwarded-For, that is the one added by the reverse proxy in front
	// of Clara. Enable it only behind exactly one proxy that appends to that
	// header; otherwise the client IP is the peer address (RemoteAddr).
	TrustProxyHeaders bool
	// CORSOrigins are the origins of browser apps that may call the API
	// ("https://app.example.com"); "*" allows every origin. None by default.
	CORSOrigins []string
}

// Mount is an extra handler served at the root of the API's handler, outside
// /api/v1: the MCP endpoints (/mcp, /sse, /message) or /metrics. A mounted
// handler gets the common middleware (request id, panic recovery, logging,
// metrics) but neither the body limit nor the JSON headers of /api/v1: it
// enforces its own limits.
type Mount struct {
	// Pattern is a chi routing pattern, e.g. "/mcp", "GET /metrics" or
	// "/static/*". Without a method it matches every method.
	Pattern string
	// Handler serves the requests that match Pattern.
	Handler http.Handler
}

// New returns the whole HTTP surface of `clara serve` over svc: the REST
// API under /api/v1, the mounts of opts at the root, and the common
// middleware around all of them. Every unknown route answers 404 and every
// wrong method 405, in the contract's envelope. New panics on a mount
// pattern chi refuses (or one already taken), and when opts.Metrics rejects
// the metrics for a reason other than their being registered already (then
// the registered ones are reused).
func New(svc *core.Service, opts Options) http.Handler {
	return newServer(svc, opts, nil)
}

// server holds what the handlers and middleware share.
type server struct {
	svc        *core.Service
	log        *slog.Logger
	metrics    *metrics // nil when metrics are off
	maxBody    int64
	uploads    uploadLimits // of Analysis
	trustProxy bool
	corsPolicy corsPolicy
	mux        *chi.Mux

	healthyBody []byte // the constant answers, encoded once
	versionBody []byte
}

// newServer builds the handler of New. testRoutes, when not nil, registers
// extra routes under /api/v1, with everything real routes get; only tests
// use it.
func newServer(svc *core.Service, opts Options, testRoutes func(chi.Router)) *server {
	s := &server{
		svc:        svc,
		log:        opts.Logger,
		maxBody:    opts.MaxBodyBytes,
		trustProxy: opts.TrustProxyHeaders,
		corsPolicy: newCORSPolicy(opts.CORSOrigins),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.uploads = newUploadLimits(svc.Policy(), s.maxBody)
	if opts.Metrics != nil {
		s.metrics = newMetrics(opts.Metrics)
	}
	s.healthyBody = mustEncode(success(core.Health{Service: core.ServiceName, Status: core.StatusHealthy}, msgHealth))
	s.versionBody = mustEncode(success(svc.Version(), msgVersion))
	s.routes(opts.Mounts, testRoutes)
	return s
}
