package api

import (
	"net/http"
	"testing"
)

const (
	healthyBody   = `{"data":{"service":"clara","status":"healthy"},"message":"Health check successful.","status":"success"}` + "\n"
	unhealthyBody = `{"data":{"service":"clara","status":"unhealthy"},"message":"Service temporarily unavailable.","status":"error"}` + "\n"
	versionBody   = `{"data":{"version":"` + testVersion + `"},"message":"Version check successful.","status":"success"}` + "\n"
)

func TestHealth(t *testing.T) {
	env := newTestEnv(t, Options{})
	rec := env.do("GET", "/api/v1/health", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != healthyBody {
		t.Fatalf("got %d %q, want 200 %q", rec.Code, rec.Body, healthyBody)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}

	// A closed store does not answer its ping: a real unhealthy database.
	if err := env.store.Close(); err != nil {
		t.Fatal(err)
	}
	rec = env.do("GET", "/api/v1/health", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != unhealthyBody {
		t.Fatalf("got %d %q, want 503 %q", rec.Code, rec.Body, unhealthyBody)
	}
}

func TestVersion(t *testing.T) {
	env := newTestEnv(t, Options{})
	rec := env.do("GET", "/api/v1/version", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != versionBody {
		t.Fatalf("got %d %q, want 200 %q", rec.Code, rec.Body, versionBody)
	}
}

// TestHead checks that HEAD is served by GET routes, over a real connection
// so that net/http drops the body as it does in production.
func TestHead(t *testing.T) {
	env := newTestEnv(t, Options{})
	ts := newHTTPServer(t, env.srv)
	for _, path := range []string{"/api/v1/health", "/api/v1/version"} {
		req, _ := http.NewRequest(http.MethodHead, ts.URL+path, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s: status %d", path, resp.StatusCode)
		}
		if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get(RequestIDHeader) == "" {
			t.Errorf("HEAD %s: headers %v", path, resp.Header)
		}
	}
	// HEAD of an unknown route is a 404 still.
	req, _ := http.NewRequest(http.MethodHead, ts.URL+"/api/v1/nope", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD unknown route: status %d", resp.StatusCode)
	}
}
