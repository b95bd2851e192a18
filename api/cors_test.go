package api

import (
	"io"
	"net/http"
	"slices"
	"testing"
)

func TestCORS(t *testing.T) {
	e := newTestEnv(t, Options{CORSOrigins: []string{"https://app.example.com/", "https://admin.example.com"}})

	// A preflight from an allowed origin is answered, not routed.
	rec := e.do("OPTIONS", "/api/v1/users/user_1/agent/analysis", nil,
		"Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization, idempotency-key")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		rec.Header().Get("Access-Control-Allow-Headers") != "Authorization, Content-Type, Idempotency-Key, User-Id, X-Request-Id" ||
		rec.Header().Get("Access-Control-Allow-Methods") != "GET, POST, PATCH, DELETE" || rec.Body.Len() != 0 {
		t.Fatalf("preflight: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}

	// An answer to an allowed origin may be read, request id included.
	rec = e.do("GET", "/api/v1/health", nil, "Origin", "https://admin.example.com")
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "https://admin.example.com" ||
		rec.Header().Get("Access-Control-Expose-Headers") != "X-Request-Id, Retry-After" || rec.Header().Get("Vary") != "Origin" {
		t.Fatalf("simple request: %d %v", rec.Code, rec.Header())
	}

	// Other origins get no CORS headers; their preflight is an ordinary 405.
	rec = e.do("OPTIONS", "/api/v1/health", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("foreign preflight: %d %v", rec.Code, rec.Header())
	}
	rec = e.do("GET", "/api/v1/health", nil, "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign origin got %v", rec.Header())
	}

	// Without configured origins nothing changes.
	plain := newTestEnv(t, Options{})
	if rec := plain.do("GET", "/api/v1/health", nil, "Origin", "https://app.example.com"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS without origins: %v", rec.Header())
	}
	any := newTestEnv(t, Options{CORSOrigins: []string{"*"}})
	if rec := any.do("GET", "/api/v1/health", nil, "Origin", "https://anywhere.example"); rec.Header().Get("Access-Control-Allow-Origin") != "https://anywhere.example" {
		t.Fatalf("CORS with *: %v", rec.Header())
	}
}

func TestCORSPreflight(t *testing.T) {
	e := newTestEnv(t, Options{CORSOrigins: []string{" HTTPS://App.Example.com/ "}})

	// An accepted preflight lists the whole policy, whatever it asked for,
	// is cached for 10 minutes, involves no credentials and is counted as
	// the "preflight" route. Origins compare case-insensitively.
	rec := e.do("OPTIONS", "/api/v1/users/user_1", nil, "Origin", "https://app.example.COM",
		"Access-Control-Request-Method", "PATCH", RequestIDHeader, "cors-1")
	h := rec.Header()
	if rec.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://app.example.COM" ||
		h.Get("Access-Control-Allow-Methods") != "GET, POST, PATCH, DELETE" ||
		h.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type, Idempotency-Key, User-Id, X-Request-Id" ||
		h.Get("Access-Control-Max-Age") != "600" || h.Get("Access-Control-Allow-Credentials") != "" ||
		!slices.Contains(h.Values("Vary"), "Origin") || rec.Body.Len() != 0 {
		t.Fatalf("preflight: %d %v %q", rec.Code, h, rec.Body)
	}
	if l := e.logs.Lines(`"request_id":"cors-1"`, `"route":"preflight"`, `"status":204`); len(l) != 1 {
		t.Errorf("preflight access log: %v", e.logs.String())
	}

	// HEAD is safelisted: browsers use it without asking, and may read it.
	rec = e.do("OPTIONS", "/api/v1/health", nil, "Origin", "https://app.example.com",
		"Access-Control-Request-Method", "HEAD", "Access-Control-Request-Headers", "x-request-id")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("HEAD preflight: %d %v", rec.Code, rec.Header())
	}
	rec = e.do("HEAD", "/api/v1/health", nil, "Origin", "https://app.example.com")
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		rec.Header().Get("Access-Control-Expose-Headers") != "X-Request-Id, Retry-After" {
		t.Errorf("HEAD: %d %v", rec.Code, rec.Header())
	}

	// A preflight asking for a method or header outside the policy is
	// answered without allowing anything: the browser will not send it.
	for _, ask := range [][]string{
		{"Access-Control-Request-Method", "PUT"},
		{"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, x-custom"},
	} {
		rec = e.do("OPTIONS", "/api/v1/health", nil, append([]string{"Origin", "https://app.example.com"}, ask...)...)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "" ||
			rec.Header().Get("Access-Control-Allow-Methods") != "" || rec.Header().Get("Access-Control-Allow-Headers") != "" {
			t.Errorf("preflight %v: %d %v", ask, rec.Code, rec.Header())
		}
	}

	// An OPTIONS request that is no preflight is routed.
	rec = e.do("OPTIONS", "/api/v1/health", nil, "Origin", "https://app.example.com")
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("plain OPTIONS: %d %v", rec.Code, rec.Header())
	}
}

func TestCORSAnswers(t *testing.T) {
	mcp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Method)
	})
	e := newTestEnv(t, Options{CORSOrigins: []string{"https://app.example.com"}, Mounts: []Mount{{Pattern: "/mcp", Handler: mcp}}})

	// Error answers are readable too, so that the app can show them.
	for _, target := range []string{"/api/v1/users/user_1", "/api/v1/nope"} {
		rec := e.do("GET", target, nil, "Origin", "https://app.example.com")
		if rec.Code < 400 || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
			rec.Header().Get("Access-Control-Expose-Headers") != "X-Request-Id, Retry-After" {
			t.Errorf("GET %s: %d %v", target, rec.Code, rec.Header())
		}
	}

	// API answers vary by origin for every origin, so that no cache gives
	// an allowed origin the answer of another.
	rec := e.do("GET", "/api/v1/health", nil, "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Access-Control-Expose-Headers") != "" ||
		rec.Header().Get("Vary") != "Origin" {
		t.Errorf("foreign origin: %v", rec.Header())
	}

	// Outside the API nothing changes, preflights included.
	for _, target := range []string{"/mcp", "/nope", "/api/v1"} {
		rec := e.do("OPTIONS", target, nil, "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST")
		if rec.Code == http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Vary") != "" {
			t.Errorf("OPTIONS %s: %d %v", target, rec.Code, rec.Header())
		}
	}
	if rec := e.do("OPTIONS", "/mcp", nil, "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"); rec.Code != http.StatusOK || rec.Body.String() != "OPTIONS" {
		t.Errorf("OPTIONS /mcp: %d %q", rec.Code, rec.Body)
	}

	// Without configured origins, preflights are ordinary OPTIONS requests.
	plain := newTestEnv(t, Options{})
	rec = plain.do("OPTIONS", "/api/v1/health", nil, "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Vary") != "" {
		t.Errorf("preflight without origins: %d %v", rec.Code, rec.Header())
	}

	// "*" allows every origin, echoed rather than "*", preflights included.
	star := newTestEnv(t, Options{CORSOrigins: []string{"https://app.example.com", "*"}})
	rec = star.do("OPTIONS", "/api/v1/health", nil, "Origin", "http://localhost:3000", "Access-Control-Request-Method", "GET")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("preflight with *: %d %v", rec.Code, rec.Header())
	}
	// An empty Origin is no origin.
	rec = star.do("OPTIONS", "/api/v1/health", nil, "Origin", "", "Access-Control-Request-Method", "GET")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight with empty origin: %d %v", rec.Code, rec.Header())
	}
}
