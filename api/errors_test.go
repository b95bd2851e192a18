package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

// TestErrorTable checks every row of the contract's error table (spec §3):
// status, exact body (data, message, status "error"), and the headers every
// error answer carries. Rows that a real request can reach are reached that
// way; the others go through a test route that calls writeError with the
// core constructor, still through the whole handler stack.
func TestErrorTable(t *testing.T) {
	env := newTestEnv(t, Options{})
	closedEnv := newTestEnv(t, Options{})
	if err := closedEnv.store.Close(); err != nil {
		t.Fatal(err)
	}

	twoFactor := core.ErrUnauthenticated()
	twoFactor.Data = map[string]bool{"is_2fa_enabled": true}

	type row struct {
		name   string
		env    *testEnv
		method string
		target string // a real route; empty: serve err through the test route
		body   string
		header []string
		err    error
		status int
		want   string // the exact expected body
		check  func(t *testing.T, h http.Header)
	}
	rows := []row{
		{name: "400 empty body", method: "POST", target: "/api/v1/test/echo",
			status: 400, want: errorBody("null", "Request body is empty.")},
		{name: "400 invalid", method: "POST", target: "/api/v1/test/echo",
			body: `{"name":"a","id":"user_1"}`, header: []string{"Content-Type", "application/json"},
			status: 400, want: `{"data":null,"message":"One or more required parameters are either not given or have invalid schema.","status":"error","errors":[{"field":"id","problem":"is not an accepted field"}]}` + "\n"},
		{name: "400 invalid without detail", err: core.ErrInvalid(),
			status: 400, want: errorBody("null", "One or more required parameters are either not given or have invalid schema.")},
		{name: "400 duplicate", err: core.ErrConflict(),
			status: 400, want: errorBody("null", "User with the given identifier already exists.")},
		{name: "401 credentials", err: core.ErrUnauthenticated(),
			status: 401, want: errorBody("null", "Authorization header or OTP is either missing, invalid or expired.")},
		{name: "401 2FA needed", err: twoFactor,
			status: 401, want: errorBody(`{"is_2fa_enabled":true}`, "Authorization header or OTP is either missing, invalid or expired.")},
		{name: "401 inactive", err: core.ErrInactive(),
			status: 401, want: errorBody("null", "Please activate your account to access the requested resource.")},
		{name: "403 forbidden", err: core.ErrForbidden(),
			status: 403, want: errorBody("null", "You do not have access to the requested resource.")},
		{name: "403 credits", err: core.ErrInsufficientCredits(),
			status: 403, want: errorBody("null", "You do not have enough credits to perform this action.")},
		{name: "404 user", err: core.ErrNotFound("User"),
			status: 404, want: errorBody("null", "User with the given identifier does not exist.")},
		{name: "404 transaction", err: core.ErrNotFound("Transaction"),
			status: 404, want: errorBody("null", "Transaction with the given identifier does not exist.")},
		{name: "404 task", err: core.ErrNotFound("Task"),
			status: 404, want: errorBody("null", "Task with the given identifier does not exist.")},
		{name: "404 API key", err: core.ErrNotFound("API key"),
			status: 404, want: errorBody("null", "API key with the given identifier does not exist.")},
		{name: "404 no rate", err: core.ErrNoRate(),
			status: 404, want: errorBody("null", "No credits rate found for the given amount.")},
		{name: "404 unknown route under /api/v1", method: "GET", target: "/api/v1/nope",
			status: 404, want: errorBody("null", "The requested route does not exist.")},
		{name: "404 unknown route at the root", method: "GET", target: "/nope/deeper",
			status: 404, want: errorBody("null", "The requested route does not exist.")},
		{name: "404 unknown route, unknown method", method: "BREW", target: "/coffee",
			status: 404, want: errorBody("null", "The requested route does not exist.")},
		{name: "405 wrong method", method: "DELETE", target: "/api/v1/health",
			status: 405, want: errorBody("null", "The requested method is not allowed for this route."),
			check: func(t *testing.T, h http.Header) {
				if got := h.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q, want %q", got, "GET, HEAD")
				}
			}},
		{name: "413 too large", method: "POST", target: "/api/v1/test/echo",
			body: `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, header: []string{"Content-Type", "application/json"},
			status: 413, want: errorBody("null", "Request body is too large.")},
		{name: "429 rate limited", err: core.ErrRateLimited(1500 * time.Millisecond),
			status: 429, want: errorBody("null", "You have exceeded the rate limit."),
			check: func(t *testing.T, h http.Header) {
				if got := h.Get("Retry-After"); got != "2" {
					t.Errorf("Retry-After = %q, want 2", got)
				}
			}},
		{name: "429 rate limited, no wait given", err: core.ErrRateLimited(0),
			status: 429, want: errorBody("null", "You have exceeded the rate limit."),
			check: func(t *testing.T, h http.Header) {
				if got := h.Get("Retry-After"); got != "1" {
					t.Errorf("Retry-After = %q, want 1", got)
				}
			}},
		{name: "500 panic", method: "GET", target: "/api/v1/test/panic",
			status: 500, want: errorBody("null", "Something went wrong.")},
		{name: "500 plain error", err: errors.New("disk on fire"),
			status: 500, want: errorBody("null", "Something went wrong.")},
		{name: "500 wrapped internal error with data", err: fmt.Errorf("wrapped: %w", &core.Error{Code: core.CodeInternal, Message: "leak", Data: "leak", Err: io.EOF}),
			status: 500, want: errorBody("null", "Something went wrong.")},
		{name: "500 unknown code", err: &core.Error{Code: "mystery", Message: "leak"},
			status: 500, want: errorBody("null", "Something went wrong.")},
		{name: "503 unavailable", err: core.ErrUnavailable(errors.New("db gone")),
			status: 503, want: errorBody("null", "Service temporarily unavailable.")},
		{name: "503 health with a closed store", env: closedEnv, method: "GET", target: "/api/v1/health",
			status: 503, want: errorBody(`{"service":"clara","status":"unhealthy"}`, "Service temporarily unavailable.")},
	}
	for i, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.env
			if e == nil {
				e = env
			}
			method, target := tc.method, tc.target
			if target == "" {
				method, target = http.MethodGet, registerTestError(fmt.Sprint(i), tc.err)
			}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			rec := e.do(method, target, body, tc.header...)
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Body.String(); got != tc.want {
				t.Errorf("body =\n%s\nwant\n%s", got, tc.want)
			}
			h := rec.Header()
			for k, want := range map[string]string{
				"Content-Type":           "application/json",
				"X-Content-Type-Options": "nosniff",
				"Cache-Control":          "no-store",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if !validRequestID(h.Get(RequestIDHeader)) {
				t.Errorf("X-Request-Id = %q", h.Get(RequestIDHeader))
			}
			if tc.check != nil {
				tc.check(t, h)
			}
		})
	}

	// Causes of 500 and 503 are in the log, with the request id; never in
	// the answer (checked above).
	if len(env.logs.Lines(`"disk on fire"`, `"request_id"`, `"level":"ERROR"`)) == 0 {
		t.Errorf("the cause of a 500 is not logged:\n%s", env.logs)
	}
	if len(env.logs.Lines(`db gone`, `"request_id"`, `"level":"WARN"`)) == 0 {
		t.Errorf("the cause of a 503 is not logged:\n%s", env.logs)
	}
	if len(closedEnv.logs.Lines(`ping sqlite`, `"request_id"`)) == 0 {
		t.Errorf("the cause of the unhealthy 503 is not logged:\n%s", closedEnv.logs)
	}
}

func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:            "1",
		0:                       "1",
		time.Nanosecond:         "1",
		time.Second:             "1",
		time.Second + 1:         "2",
		59*time.Second + 999999: "60",
		time.Hour:               "3600",
	} {
		if got := retryAfter(d); got != want {
			t.Errorf("retryAfter(%v) = %s, want %s", d, got, want)
		}
	}
}

// TestWriteErrorNil checks that a nil error still answers (500), rather than
// writing nothing.
func TestWriteErrorNil(t *testing.T) {
	env := newTestEnv(t, Options{})
	rec := env.do("GET", registerTestError("nil", nil), nil)
	if rec.Code != 500 || rec.Body.String() != errorBody("null", "Something went wrong.") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}
