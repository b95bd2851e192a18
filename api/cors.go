package api

import (
	"net/http"
	"strings"
)

// CORS headers of API answers to browser apps on other origins.
var (
	hdrCORSMethods = []string{"GET, POST, PATCH, DELETE"}
	hdrCORSHeaders = []string{"Authorization, Content-Type, Idempotency-Key, User-Id, X-Request-Id"}
	hdrCORSExpose  = []string{"X-Request-Id, Retry-After"}
	hdrCORSMaxAge  = []string{"600"}
	hdrVaryOrigin  = []string{"Origin"}
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

func (p corsPolicy) allows(origin string) bool {
	return origin != "" && (p.any || p.origins[strings.ToLower(origin)])
}

// cors applies the policy to API requests.
func (s *server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if !strings.HasPrefix(r.URL.Path, basePath+"/") || !s.corsPolicy.allows(origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h["Access-Control-Allow-Origin"] = []string{origin}
		h["Vary"] = hdrVaryOrigin
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			setRoute(r, "preflight")
			h["Access-Control-Allow-Methods"] = hdrCORSMethods
			h["Access-Control-Allow-Headers"] = hdrCORSHeaders
			h["Access-Control-Max-Age"] = hdrCORSMaxAge
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h["Access-Control-Expose-Headers"] = hdrCORSExpose
		next.ServeHTTP(w, r)
	})
}
