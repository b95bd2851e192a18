package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/cors"
)

// The CORS policy of the API, beyond its origins.
var (
	corsMethods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete}
	corsHeaders = []string{"Authorization", "Content-Type", "Idempotency-Key", "User-Id", "X-Request-Id"}
	corsExposed = []string{"X-Request-Id", "Retry-After"}
)

// corsMaxAge is how long, in seconds, browsers may cache a preflight answer.
const corsMaxAge = 600

// Allow headers of an accepted preflight: the whole policy.
var (
	hdrCORSMethods = []string{strings.Join(corsMethods, ", ")}
	hdrCORSHeaders = []string{strings.Join(corsHeaders, ", ")}
)

// corsPolicy lets browser apps of the allowed origins call the API: it
// answers their preflight requests and marks the answers they may read.
// Other origins get no CORS headers, so browsers keep their answers from
// them. Nothing else changes: tokens travel in Authorization, never in
// cookies, so no credentials mode is involved.
type corsPolicy struct {
	any     bool
	origins map[string]bool
}

// newCORSPolicy allows the listed origins ("https://app.example.com"), or
// every origin for "*".
func newCORSPolicy(origins []string) corsPolicy {
	p := corsPolicy{origins: map[string]bool{}}
	for _, o := range origins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "*" {
			p.any = true
		} else if o != "" {
			p.origins[strings.ToLower(o)] = true
		}
	}
	return p
}

// enabled reports whether the policy allows any origin at all.
func (p corsPolicy) enabled() bool {
	return p.any || len(p.origins) > 0
}

// allows reports whether browser apps of origin may call the API.
func (p corsPolicy) allows(origin string) bool {
	return origin != "" && (p.any || p.origins[strings.ToLower(origin)])
}

// cors applies the policy to API requests, with github.com/go-chi/cors.
// Other paths (/mcp, /oauth, /docs…), and every path when no origin is
// allowed, pass through untouched.
//
// The library is set so that browsers see what they saw before it:
//   - AllowOriginFunc matches origins as newCORSPolicy normalized them
//     (no wildcards inside origins) and keeps the library from sending
//     "Access-Control-Allow-Origin: *" for "*": it echoes the origin, with
//     Vary: Origin. Without credentials browsers accept either.
//   - OptionsPassthrough: the library would answer 200 to every preflight,
//     foreign origins included; corsPreflight answers instead.
//   - HEAD is allowed besides corsMethods: browsers send this safelisted
//     method without asking, GetHead serves it as GET, and the library
//     would otherwise leave its answers unreadable.
//
// The library adds Vary: Origin to every API answer, not only to those of
// allowed origins, and Vary on the request headers to preflights: caches
// must not give one origin an answer meant for another.
func (s *server) cors(next http.Handler) http.Handler {
	if !s.corsPolicy.enabled() {
		return next
	}
	api := cors.New(cors.Options{
		AllowOriginFunc:    func(_ *http.Request, origin string) bool { return s.corsPolicy.allows(origin) },
		AllowedMethods:     append([]string{http.MethodHead}, corsMethods...),
		AllowedHeaders:     corsHeaders,
		ExposedHeaders:     corsExposed,
		MaxAge:             corsMaxAge,
		OptionsPassthrough: true,
	}).Handler(s.corsPreflight(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, basePath+"/") {
			api.ServeHTTP(w, r)
		} else {
			next.ServeHTTP(w, r)
		}
	})
}

// corsPreflight answers 204 to the preflight requests of allowed origins,
// after the library has checked them, and passes other requests to next:
// a foreign origin's preflight is an ordinary OPTIONS request (405).
//
// The library accepts a preflight by setting Access-Control-Allow-Origin,
// and then lists only the method and headers asked for; the whole lists
// are sent instead, as before, so that browsers cache the whole policy.
// A preflight asking for more than the policy gets no Access-Control-Allow
// headers, which browsers refuse as they refused the lists without it.
func (s *server) corsPreflight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" ||
			!s.corsPolicy.allows(r.Header.Get("Origin")) {
			next.ServeHTTP(w, r)
			return
		}
		setRoute(r, "preflight")
		if h := w.Header(); h.Get("Access-Control-Allow-Origin") != "" {
			h["Access-Control-Allow-Methods"] = hdrCORSMethods
			h["Access-Control-Allow-Headers"] = hdrCORSHeaders
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
