package api

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// The middleware of New, outermost first:
//
//	server.ServeHTTP  request id (X-Request-Id on every response), client IP
//	recoverPanics     a panic becomes a 500 envelope and an error log
//	logRequests       one access log line per request
//	measure           Prometheus metrics (metrics.go)
//	GetHead           HEAD is served by GET routes
//
// then, once a route under /api/v1 matched: captureRoute, apiHeaders,
// limitBody, refuseBadText and identify; once a mount matched:
// captureRoute.

// recoverPanics turns a panic of an inner handler into a 500 envelope and
// logs the panic value, the stack and the request id; the client sees only
// the contract's message. When the response has begun already, it cannot be
// replaced: the connection is aborted instead, so the client sees a broken
// response rather than a truncated one. http.ErrAbortHandler is re-panicked
// untouched, as net/http expects.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			ctx := r.Context()
			s.log.LogAttrs(ctx, slog.LevelError, "panic",
				slog.String("request_id", RequestID(ctx)),
				slog.String("method", r.Method),
				slog.String("route", routeOf(r)),
				slog.String("panic", fmt.Sprint(p)),
				slog.String("stack", string(debug.Stack())),
			)
			if t := trackerOf(ctx); t != nil && t.wroteHeader {
				panic(http.ErrAbortHandler)
			}
			// Drop what the handler had set (a Content-Length, say), but
			// keep the request id.
			h := w.Header()
			for k := range h {
				if k != RequestIDHeader {
					delete(h, k)
				}
			}
			writeBody(w, http.StatusInternalServerError, internalBody)
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests logs one line per request once it is answered: method, route
// (the pattern, never the raw path, except for unmatched requests), status,
// bytes, duration, request id and client IP; at info level, or error for a
// 5xx. It logs neither headers nor bodies.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panicked := true
		defer func() { s.logRequest(r, panicked) }()
		next.ServeHTTP(w, r)
		panicked = false
	})
}

// logRequest writes the access log line of r.
func (s *server) logRequest(r *http.Request, panicked bool) {
	ctx := r.Context()
	t := trackerOf(ctx)
	if t == nil {
		return
	}
	status := t.finalStatus(panicked)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	h := s.log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	now := time.Now()
	// A record without a program counter: the caller's source is of no use
	// in an access log, and finding it costs time on every request.
	rec := slog.NewRecord(now, level, "http request", 0)
	rec.AddAttrs(
		slog.String("method", r.Method),
		slog.String("route", t.routeLabel()),
		slog.Int("status", status),
		slog.Int64("bytes", t.bytes),
		slog.Duration("duration", now.Sub(t.start)),
		slog.String("request_id", t.id),
		slog.String("remote_ip", t.ip),
	)
	if t.route == "" || t.route == routeUnmatched {
		rec.AddAttrs(slog.String("path", r.URL.Path))
	}
	_ = h.Handle(ctx, rec)
}

// apiHeaders sets the security headers of every answer under /api/v1.
func apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = hdrNosniff
		h["Cache-Control"] = hdrNoStore
		next.ServeHTTP(w, r)
	})
}

// captureRoute records the route pattern chi matched, for logs and metrics.
// chi has computed it already (r.Pattern): this costs no allocation.
func captureRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(r, r.Pattern)
		next.ServeHTTP(w, r)
	})
}

// limitBody answers 413 to a request whose declared Content-Length is over
// the limit, and caps any other body (chunked ones included) at the limit:
// reading past it fails with *http.MaxBytesError, which decodeJSON turns
// into a 413.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.maxBody {
			writeError(w, r, core.ErrTooLarge())
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(unwrapTracker(w), r.Body, s.maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// unwrapTracker returns the writer under the metrics tracker: given
// net/http's own writer, http.MaxBytesReader can also tell the server to
// close the connection rather than drain the rest of an oversized body.
func unwrapTracker(w http.ResponseWriter) http.ResponseWriter {
	if t, ok := w.(*tracker); ok {
		return t.ResponseWriter
	}
	return w
}

// textHeaders are the request headers whose values reach the core.
var textHeaders = []string{"Authorization", "User-Id", IdempotencyKeyHeader}

// refuseBadText answers 400 to a request whose path parameters (decoded as
// pathParam decodes them), query parameters or headers that reach the core
// (textHeaders, and the decoded user name and password of Basic
// credentials) are not UTF-8 text without NUL characters (see cleantext):
// no handler, and no store, ever sees such a value. JSON bodies are checked
// by decodeJSON, multipart fields by readAnalysis.
func refuseBadText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if field := badTextField(r); field != "" {
			writeError(w, r, errBadText(field))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badTextField returns the name of the first path parameter, query
// parameter or header of r whose value is not clean text, or "".
func badTextField(r *http.Request) string {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		for _, name := range rctx.URLParams.Keys {
			if !cleantext.Valid(pathParam(r, name)) {
				return name
			}
		}
	}
	if r.URL.RawQuery != "" {
		for name, values := range r.URL.Query() {
			if !cleantext.Valid(name) {
				return "query"
			}
			for _, v := range values {
				if !cleantext.Valid(v) {
					return name
				}
			}
		}
	}
	for _, name := range textHeaders {
		for _, v := range r.Header.Values(name) {
			if !cleantext.Valid(v) {
				return name
			}
		}
	}
	if cred, ok := basicCredentials(r.Header.Get("Authorization")); ok && !cleantext.Valid(cred) {
		return "Authorization"
	}
	return ""
}

// basicCredentials returns the decoded "user:password" of a Basic
// Authorization value; ok is false for any other value.
func basicCredentials(authorization string) (string, bool) {
	scheme, b64, found := strings.Cut(authorization, " ")
	if !found || !strings.EqualFold(scheme, "basic") {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimLeft(b64, " "))
	if err != nil {
		return "", false
	}
	return string(raw), true
}
