package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const msgInvalidBody = `{"data":null,"message":"One or more required parameters are either not given or have invalid schema.","status":"error","errors":[`

// sized returns a JSON object of exactly n bytes.
func sized(n int) string {
	const prefix, suffix = `{"name":"`, `"}`
	return prefix + strings.Repeat("a", n-len(prefix)-len(suffix)) + suffix
}

// chunked hides a reader's length, so that its request has none.
type chunked struct{ io.Reader }

func TestDecodeJSON(t *testing.T) {
	env := newTestEnv(t, Options{})
	empty := errorBody("null", "Request body is empty.")
	tooLarge := errorBody("null", "Request body is too large.")
	json := "application/json"
	for _, tc := range []struct {
		name        string
		body        string
		contentType string
		chunked     bool
		status      int
		want        string // the exact body, or its start when it ends with '['
	}{
		{"no body", "", json, false, 400, empty},
		{"no body, no Content-Type", "", "", false, 400, empty},
		{"blank body", " \r\n\t ", json, false, 400, empty},
		{"empty chunked body", "", json, true, 400, empty},
		{"unknown field", `{"name":"a","credits":5}`, json, false, 400,
			msgInvalidBody + `{"field":"credits","problem":"is not an accepted field"}]}` + "\n"},
		{"wrong type", `{"count":"7"}`, json, false, 400,
			msgInvalidBody + `{"field":"count","problem":"must be an integer"}]}` + "\n"},
		{"fraction for an integer", `{"count":1.5}`, json, false, 400,
			msgInvalidBody + `{"field":"count","problem":"must be an integer"}]}` + "\n"},
		{"nested wrong type", `{"inner":{"flag":"yes"}}`, json, false, 400,
			msgInvalidBody + `{"field":"inner.flag","problem":"must be a boolean"}]}` + "\n"},
		{"nested unknown field", `{"inner":{"other":1}}`, json, false, 400,
			msgInvalidBody + `{"field":"other","problem":"is not an accepted field"}]}` + "\n"},
		{"wrong element type", `{"tags":["a",2]}`, json, false, 400,
			msgInvalidBody + `{"field":"tags","problem":"must be a string"}]}` + "\n"},
		{"text type given a number", `{"when":5}`, json, false, 400,
			msgInvalidBody + `{"field":"when","problem":"must be a string"}]}` + "\n"},
		{"text type refusing its value", `{"when":"yesterday"}`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"has an invalid value: [`},
		{"array body", `[{"name":"a"}]`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"must be a JSON object"}]}` + "\n"},
		{"null body", `null`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"must be a JSON object"}]}` + "\n"},
		{"truncated", `{"name":"a"`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"is not valid JSON: it ends too early"}]}` + "\n"},
		{"syntax error", `{"name" "a"}`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"is not valid JSON (at byte 9): invalid character '\"' after object key"}]}` + "\n"},
		{"trailing object", `{"name":"a"} {}`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"must hold a single JSON object and nothing after it"}]}` + "\n"},
		{"trailing garbage", `{"name":"a"}x`, json, false, 400,
			msgInvalidBody + `{"field":"body","problem":"must hold a single JSON object and nothing after it"}]}` + "\n"},
		{"wrong Content-Type", `{"name":"a"}`, "text/plain", false, 400,
			msgInvalidBody + `{"field":"Content-Type","problem":"must be application/json"}]}` + "\n"},
		{"form Content-Type", `{"name":"a"}`, "application/x-www-form-urlencoded", false, 400,
			msgInvalidBody + `{"field":"Content-Type","problem":"must be application/json"}]}` + "\n"},
		{"no Content-Type", `{"name":"a"}`, "", false, 400,
			msgInvalidBody + `{"field":"Content-Type","problem":"must be application/json"}]}` + "\n"},
		{"valid", `{"name":"a<&>","count":2,"tags":["x"],"inner":{"flag":true},"when":"Wed, 26 Nov 2025 23:51:28 GMT"}`, json, false, 200,
			`{"data":{"name":"a<&>","count":2,"tags":["x"],"inner":{"flag":true},"when":"Wed, 26 Nov 2025 23:51:28 GMT"},"message":"Echo.","status":"success"}` + "\n"},
		{"valid with charset, chunked", `  {"name":"a"}  `, "application/json; charset=utf-8", true, 200,
			`{"data":{"name":"a","count":0,"tags":null,"inner":null,"when":"Mon, 01 Jan 0001 00:00:00 GMT"},"message":"Echo.","status":"success"}` + "\n"},
		{"1 MiB", sized(1 << 20), json, false, 200, `{"data":{"name":"aaaa[`},
		{"1 MiB, chunked", sized(1 << 20), json, true, 200, `{"data":{"name":"aaaa[`},
		{"1 MiB + 1", sized(1<<20 + 1), json, false, 413, tooLarge},
		{"1 MiB + 1, chunked", sized(1<<20 + 1), json, true, 413, tooLarge},
		{"10 MiB, chunked", sized(10 << 20), json, true, 413, tooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.chunked {
				body = chunked{body}
			}
			req := httptest.NewRequest("POST", "/api/v1/test/echo", body)
			if tc.chunked {
				req.ContentLength = -1
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			rec := httptest.NewRecorder()
			env.srv.ServeHTTP(rec, req)
			got := rec.Body.String()
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if prefix, ok := strings.CutSuffix(tc.want, "["); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("body %.300q, want it to start with %q", got, prefix)
				}
			} else if got != tc.want {
				t.Errorf("body\n%.300s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestBodyLimitOverHTTP sends bodies over a real connection, with and
// without a Content-Length, and a lower limit from the options.
func TestBodyLimitOverHTTP(t *testing.T) {
	env := newTestEnv(t, Options{MaxBodyBytes: 100})
	ts := newHTTPServer(t, env.srv)
	for _, tc := range []struct {
		body    string
		chunked bool
		status  int
	}{
		{sized(100), false, 200},
		{sized(100), true, 200},
		{sized(101), false, 413},
		{sized(101), true, 413},
	} {
		var body io.Reader = strings.NewReader(tc.body)
		if tc.chunked {
			body = chunked{body}
		}
		req, err := http.NewRequest("POST", ts.URL+"/api/v1/test/echo", body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got := new(strings.Builder)
		if _, err := copyBody(got, resp); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status || (tc.status == 413 && got.String() != errorBody("null", "Request body is too large.")) {
			t.Errorf("%d bytes, chunked %v: %d %q", len(tc.body), tc.chunked, resp.StatusCode, got)
		}
		if tc.chunked != (len(resp.Request.TransferEncoding) > 0 || req.ContentLength <= 0) {
			t.Errorf("chunked %v, but the request had Content-Length %d", tc.chunked, req.ContentLength)
		}
	}
}
