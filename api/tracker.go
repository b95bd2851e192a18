package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/clara-backend/clara/core"
)

// ServeHTTP implements http.Handler. It is the outermost middleware, around
// the chi mux: it gives the request its id (the client's X-Request-Id when
// acceptable, else a new one) and sets it on the response, works out the
// client IP, and wraps the response writer in the tracker the inner
// middleware read. It also gives chi its routing context, so that a request
// costs one context and one request copy here rather than two each.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := &tracker{ResponseWriter: w, log: s.log, start: time.Now()}
	t.id = r.Header.Get(RequestIDHeader)
	if !validRequestID(t.id) {
		t.id = newRequestID()
	}
	t.ip = clientIP(r, s.trustProxy)
	t.idHeader[0] = t.id
	w.Header()[RequestIDHeader] = t.idHeader[:]

	rctx := routeContexts.Get().(*chi.Context)
	rctx.Reset()
	rctx.Routes = s.mux
	t.ctx = requestContext{Context: r.Context(), tracker: t, route: rctx}
	s.mux.ServeHTTP(t, r.WithContext(&t.ctx))
	routeContexts.Put(rctx) // not reached on a panic: then it is left to the GC
}

// routeContexts recycles chi's routing contexts, as chi itself does.
var routeContexts = sync.Pool{New: func() any { return chi.NewRouteContext() }}

// requestContext is the context of a request: its parent's, plus the
// request's tracker and chi's routing context, held without allocating a
// context.WithValue for each (it lives inside the tracker).
type requestContext struct {
	context.Context
	tracker *tracker
	route   *chi.Context
}

// Value implements context.Context.
func (c *requestContext) Value(key any) any {
	switch key {
	case trackerKey{}:
		return c.tracker
	case chi.RouteCtxKey:
		return c.route
	}
	return c.Context.Value(key)
}

// tracker follows one request through the middleware. It is the
// http.ResponseWriter every inner handler writes to, recording the status
// and size of the response, and it carries the request id, the client IP and
// the matched route. One is allocated per request, by ServeHTTP; it holds
// the request's context too.
type tracker struct {
	http.ResponseWriter
	log   *slog.Logger
	start time.Time
	id    string
	ip    string
	route string // the chi pattern, once a route matched

	status      int
	bytes       int64
	wroteHeader bool

	idHeader  [1]string      // the X-Request-Id header value, without another allocation
	ctx       requestContext // the request's context
	principal core.Principal // the caller, once identify resolved it
}

// WriteHeader implements http.ResponseWriter. Informational (1xx) headers
// other than 101 pass through without being taken for the final status.
func (t *tracker) WriteHeader(code int) {
	if t.wroteHeader {
		return // net/http would log a superfluous call; keep the first status
	}
	t.ResponseWriter.WriteHeader(code) // first: it panics on an invalid code
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		return // informational: the final status is yet to come
	}
	t.status = code
	t.wroteHeader = true
}

// Write implements http.ResponseWriter.
func (t *tracker) Write(b []byte) (int, error) {
	if !t.wroteHeader {
		t.WriteHeader(http.StatusOK)
	}
	n, err := t.ResponseWriter.Write(b)
	t.bytes += int64(n)
	return n, err
}

// Flush implements http.Flusher, which streaming handlers such as the MCP
// SSE transport need. It does nothing when the underlying writer cannot
// flush.
func (t *tracker) Flush() {
	if !t.wroteHeader {
		t.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(t.ResponseWriter).Flush()
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (t *tracker) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// finalStatus returns the status the client got or will get: the one
// written, 200 when the handler wrote nothing, and 500 when it panicked
// before writing (the recovery middleware then answers 500).
func (t *tracker) finalStatus(panicked bool) int {
	switch {
	case t.wroteHeader:
		return t.status
	case panicked:
		return http.StatusInternalServerError
	default:
		return http.StatusOK
	}
}

// routeLabel returns the matched route pattern, or routeUnmatched.
func (t *tracker) routeLabel() string {
	if t.route == "" {
		return routeUnmatched
	}
	return t.route
}

type trackerKey struct{}

// trackerOf returns the tracker of the request ctx belongs to, or nil
// outside the handler built by New.
func trackerOf(ctx context.Context) *tracker {
	t, _ := ctx.Value(trackerKey{}).(*tracker)
	return t
}

// RequestID returns the id of the request ctx belongs to, as sent in the
// X-Request-Id response header, or "" when ctx comes from no request served
// by the handler built by New. Mounted handlers use it to tie their own logs
// to the access log.
func RequestID(ctx context.Context) string {
	if t := trackerOf(ctx); t != nil {
		return t.id
	}
	return ""
}

// ClientIP returns the client address of the request ctx belongs to (see
// Options.TrustProxyHeaders), or "" outside the handler built by New.
func ClientIP(ctx context.Context) string {
	if t := trackerOf(ctx); t != nil {
		return t.ip
	}
	return ""
}

// logger returns the logger of r's server, or slog.Default() outside one.
func logger(r *http.Request) *slog.Logger {
	if t := trackerOf(r.Context()); t != nil {
		return t.log
	}
	return slog.Default()
}

// setRoute records the route r matched, for logs and metrics.
func setRoute(r *http.Request, route string) {
	if t := trackerOf(r.Context()); t != nil {
		t.route = route
	}
}

// routeOf returns the route r matched, or routeUnmatched.
func routeOf(r *http.Request) string {
	if t := trackerOf(r.Context()); t != nil {
		return t.routeLabel()
	}
	return routeUnmatched
}
