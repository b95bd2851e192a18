package api

import (
	"net/http"
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
