package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRequestID(t *testing.T) {
	env := newTestEnv(t, Options{})
	long := strings.Repeat("a", 128)
	for _, tc := range []struct {
		sent string
		kept bool
	}{
		{"", false},
		{"abc-DEF_1.2", true},
		{long, true},
		{long + "a", false},
		{"has space", false},
		{"semi;colon", false},
		{"ünicode", false},
		{"line\nbreak", false},
	} {
		req := httptest.NewRequest("GET", "/api/v1/nope", nil)
		if tc.sent != "" {
			req.Header[RequestIDHeader] = []string{tc.sent}
		}
		rec := httptest.NewRecorder()
		env.srv.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if tc.kept && got != tc.sent {
			t.Errorf("sent %q: got %q, want it kept", tc.sent, got)
		}
		if !tc.kept && (got == tc.sent || len(got) != 32 || strings.Trim(got, "0123456789abcdef") != "") {
			t.Errorf("sent %q: got %q, want a new 32-hex id", tc.sent, got)
		}
	}
	if a, b := newRequestID(), newRequestID(); a == b {
		t.Errorf("two new ids are equal: %s", a)
	}
}

func TestRecoverPanics(t *testing.T) {
	env := newTestEnv(t, Options{})
	rec := env.do("GET", "/api/v1/test/panic", nil, RequestIDHeader, "panic-1")
	if rec.Code != 500 || rec.Body.String() != errorBody("null", "Something went wrong.") {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "secret") {
		t.Error("the panic value leaked")
	}
	if cl := rec.Header().Get("Content-Length"); cl != "" {
		t.Errorf("stale Content-Length %q kept", cl)
	}
	panics := env.logs.Lines(`"msg":"panic"`, `"request_id":"panic-1"`, `secret detail 42`, `"stack":`, `"level":"ERROR"`)
	if len(panics) != 1 || !strings.Contains(panics[0], "helpers_test.go") {
		t.Errorf("panic log: %v\nall logs:\n%s", panics, env.logs)
	}
	access := env.logs.Lines(`"msg":"http request"`, `"request_id":"panic-1"`)
	if len(access) != 1 || !strings.Contains(access[0], `"status":500`) || !strings.Contains(access[0], `"level":"ERROR"`) {
		t.Errorf("access log: %v", access)
	}
}

// TestRecoverPanicsAfterWrite checks that a panic after the response began
// aborts the connection instead of writing a second response, and that
// http.ErrAbortHandler passes through silently.
func TestRecoverPanicsAfterWrite(t *testing.T) {
	env := newTestEnv(t, Options{})
	ts := newHTTPServer(t, env.srv)
	ts.Config.ErrorLog = nil
	for _, path := range []string{"/api/v1/test/panic-after-write", "/api/v1/test/abort"} {
		resp, err := ts.Client().Get(ts.URL + path)
		if err == nil {
			body := new(strings.Builder)
			_, err = copyBody(body, resp)
			if err == nil {
				t.Errorf("GET %s: a complete response %d %q", path, resp.StatusCode, body)
			}
		}
	}
	if n := len(env.logs.Lines(`"msg":"panic"`, `late`)); n != 1 {
		t.Errorf("%d panic logs for the late panic:\n%s", n, env.logs)
	}
	if n := len(env.logs.Lines(`"msg":"panic"`)); n != 1 {
		t.Errorf("ErrAbortHandler was logged as a panic:\n%s", env.logs)
	}
}

func TestAccessLog(t *testing.T) {
	env := newTestEnv(t, Options{})
	env.do("GET", "/api/v1/health", nil, "Authorization", "Bearer clara_user_secret-token", RequestIDHeader, "log-1")
	env.do("POST", "/api/v1/test/echo", strings.NewReader(`{"name":"secret-body"}`),
		"Content-Type", "application/json", RequestIDHeader, "log-2")
	env.do("GET", "/nope/user@example.com", nil, RequestIDHeader, "log-3")
	logs := env.logs.String()
	for _, secret := range []string{"secret-token", "secret-body", "Authorization"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
	lines := env.logs.Lines(`"msg":"http request"`, `"request_id":"log-1"`)
	if len(lines) != 1 {
		t.Fatalf("access log lines: %v", lines)
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"level": "INFO", "method": "GET", "route": "/api/v1/health", "status": 200.0,
		"bytes": float64(len(healthyBody)), "remote_ip": "192.0.2.1",
	} {
		if entry[k] != want {
			t.Errorf("%s = %v, want %v", k, entry[k], want)
		}
	}
	if _, ok := entry["duration"]; !ok {
		t.Error("no duration")
	}
	if _, ok := entry["path"]; ok {
		t.Error("a matched route logs its raw path")
	}
	if l := env.logs.Lines(`"request_id":"log-2"`, `"route":"/api/v1/test/echo"`); len(l) != 1 {
		t.Errorf("echo access log: %v", l)
	}
	// An unmatched request has no pattern: its path is logged instead.
	if l := env.logs.Lines(`"request_id":"log-3"`, `"route":"unmatched"`, `"path":"/nope/user@example.com"`, `"status":404`); len(l) != 1 {
		t.Errorf("404 access log: %v", l)
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	env := newTestEnv(t, Options{Metrics: reg})
	env.do("GET", "/api/v1/health", nil)
	env.do("GET", "/api/v1/health", nil)
	env.do("HEAD", "/api/v1/health", nil)
	env.do("GET", "/api/v1/test/errors/x", nil)
	env.do("GET", "/random/path/1", nil)
	env.do("GET", "/random/path/2", nil)
	env.do("BREW", "/api/v1/health", nil)
	env.do("GET", "/api/v1/test/panic", nil)

	requests := gatherSeries(t, reg, metricRequests)
	for labels, want := range map[[3]string]float64{
		{"GET", "/api/v1/health", "200"}:             2,
		{"HEAD", "/api/v1/health", "200"}:            1,
		{"GET", "/api/v1/test/errors/{name}", "500"}: 1,
		{"GET", "unmatched", "404"}:                  2,
		{"OTHER", "unmatched", "405"}:                1,
		{"GET", "/api/v1/test/panic", "500"}:         1,
	} {
		if got := requests[labels]; got != want {
			t.Errorf("%s %v = %v, want %v", metricRequests, labels, got, want)
		}
	}
	if len(requests) != 6 {
		t.Errorf("series: %v", requests)
	}
	durations := gatherSeries(t, reg, metricDuration)
	if len(durations) != 6 || durations[[3]string{"GET", "/api/v1/health"}] != 2 {
		t.Errorf("%s: %v", metricDuration, durations)
	}

	// A second handler on the same registry reuses the metrics.
	env2 := newTestEnv(t, Options{Metrics: reg})
	env2.do("GET", "/api/v1/health", nil)
	if got := gatherSeries(t, reg, metricRequests)[[3]string{"GET", "/api/v1/health", "200"}]; got != 3 {
		t.Errorf("after a second New: %v", got)
	}
}

// gatherSeries returns the values of the counter, or the sample counts of
// the histogram, name by their method, route and code labels.
func gatherSeries(t *testing.T, reg *prometheus.Registry, name string) map[[3]string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[3]string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var key [3]string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "method":
					key[0] = l.GetValue()
				case "route":
					key[1] = l.GetValue()
				case "code":
					key[2] = l.GetValue()
				}
			}
			if h := m.GetHistogram(); h != nil {
				out[key] = float64(h.GetSampleCount())
			} else {
				out[key] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

func TestCredentials(t *testing.T) {
	for _, tc := range []struct {
		trust      bool
		remoteAddr string
		xff        []string
		want       string
	}{
		{false, "192.0.2.7:1234", []string{"203.0.113.9"}, "192.0.2.7"},
		{true, "192.0.2.7:1234", nil, "192.0.2.7"},
		{true, "192.0.2.7:1234", []string{"203.0.113.9"}, "203.0.113.9"},
		{true, "192.0.2.7:1234", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"},
		{true, "192.0.2.7:1234", []string{"1.1.1.1", "2001:db8::1"}, "2001:db8::1"},
		{true, "192.0.2.7:1234", []string{"1.1.1.1, not-an-ip"}, "192.0.2.7"},
		{true, "[2001:db8::2]:443", []string{""}, "2001:db8::2"},
		{false, "@", nil, "@"},
	} {
		env := newTestEnv(t, Options{TrustProxyHeaders: tc.trust, Logger: slog.New(slog.DiscardHandler)})
		req := httptest.NewRequest("GET", "/api/v1/test/credentials", nil)
		req.RemoteAddr = tc.remoteAddr
		req.Header["X-Forwarded-For"] = tc.xff
		req.Header.Set("Authorization", "Bearer clara_api_x")
		req.Header.Set("User-Id", "user_1")
		rec := httptest.NewRecorder()
		env.srv.ServeHTTP(rec, req)
		want := `{"data":{"Authorization":"Bearer clara_api_x","UserID":"user_1","Transport":"rest","RemoteIP":"` +
			tc.want + `"},"message":"Credentials.","status":"success"}` + "\n"
		if rec.Body.String() != want {
			t.Errorf("trust %v, %s, %q: got %s want %s", tc.trust, tc.remoteAddr, tc.xff, rec.Body, want)
		}
	}
}

// TestNoBodyAnswers checks 204 and empty answers: no body, but the request
// id and the security headers.
func TestNoBodyAnswers(t *testing.T) {
	env := newTestEnv(t, Options{})
	for _, tc := range []struct {
		method, target string
		status         int
	}{
		{"DELETE", "/api/v1/test/no-content", http.StatusNoContent},
		{"GET", "/api/v1/test/nothing", http.StatusOK},
	} {
		rec := env.do(tc.method, tc.target, nil)
		h := rec.Header()
		if rec.Code != tc.status || rec.Body.Len() != 0 || h.Get(RequestIDHeader) == "" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: %d %q %v", tc.method, tc.target, rec.Code, rec.Body, h)
		}
	}
}
