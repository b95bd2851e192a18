package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// clientCodes are the codes a bad body may get: never a server fault.
var clientCodes = map[core.Code]bool{core.CodeInvalid: true, codeEmptyBody: true, core.CodeTooLarge: true}

// hostileJSON seeds the body fuzzers: NUL characters, invalid UTF-8, deep
// nesting, huge numbers, duplicate and unknown keys.
var hostileJSON = []string{
	`{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","password":"x"}`,
	`{"first_name":"A\u0000da"}`,
	"{\"first_name\":\"\xff\xfe\"}",
	`{"first_name":"\ud800"}`,
	`{"x":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}`, // deep, and cheap enough to mutate
	`{"first_name":1e999999}`,
	`{"first_name":123456789012345678901234567890}`,
	`{"first_name":"a","first_name":"b"}`,
	`{"a\u0000":1}`,
	`{"first_name":"Ada"} {"x":1}`,
	`   `,
	`[]`,
	`{"first_name":`,
}

// FuzzDecodeJSON feeds decodeJSON arbitrary bodies: it never panics, fails
// only with a client error, and what it accepts holds clean text only.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range hostileJSON {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var v registerRequest
		err := decodeJSON(req, &v)
		if err != nil {
			if code := core.ErrorCode(err); !clientCodes[code] {
				t.Fatalf("body %q: error code %q (%v)", body, code, err)
			}
			return
		}
		for _, s := range []string{v.FirstName, v.LastName, v.Email, v.Password} {
			if !cleantext.Valid(s) {
				t.Fatalf("body %q accepted with bad text %q", body, s)
			}
		}
	})
}

// FuzzMultipartUpload feeds readAnalysis arbitrary multipart bodies under
// small limits: it never panics, fails only with a client error, and what
// it accepts keeps within the limits and holds clean text only.
func FuzzMultipartUpload(f *testing.F) {
	const boundary = "b0undary"
	part := func(header, data string) string {
		return "--" + boundary + "\r\n" + header + "\r\n\r\n" + data + "\r\n"
	}
	end := "--" + boundary + "--\r\n"
	for _, s := range []string{
		part(`Content-Disposition: form-data; name="query"`, "is it true?") + end,
		part(`Content-Disposition: form-data; name="query"`, "is\x00it") + end,
		part(`Content-Disposition: form-data; name="query"`, "\xff\xfe") + end,
		part(`Content-Disposition: form-data; name="f"; filename="a.txt"`, "text") + end,
		part("Content-Disposition: form-data; name=\"f\"; filename=\"a\x00.txt\"", "text") + end,
		part(`Content-Disposition: form-data; name="f"; filename*=UTF-8''%FF%00.txt`, "text") + end,
		part(`Content-Disposition: form-data; name="query"`, "a") + part(`Content-Disposition: form-data; name="query"`, "b") + end,
		strings.Repeat(part(`Content-Disposition: form-data; name="f"; filename="a.txt"`, "x"), 8) + end,
		part(`Content-Disposition: form-data; name="f"; filename="big.txt"`, strings.Repeat("x", 300)) + end,
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nno end",
		"",
	} {
		f.Add([]byte(s))
	}
	lim := uploadLimits{files: 3, file: 256, total: 512, text: 128}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		in, err := readAnalysis(httptest.NewRecorder(), req, lim)
		if err != nil {
			if code := core.ErrorCode(err); !clientCodes[code] {
				t.Fatalf("body %q: error code %q (%v)", body, code, err)
			}
			return
		}
		if !cleantext.Valid(in.Query) || int64(len(in.Query)) > lim.text || len(in.Attachments) > lim.files {
			t.Fatalf("body %q accepted: query %q, %d files", body, in.Query, len(in.Attachments))
		}
		var total int64
		for _, a := range in.Attachments {
			if !cleantext.Valid(a.Name) || int64(len(a.Data)) > lim.file {
				t.Fatalf("body %q accepted file %q of %d bytes", body, a.Name, len(a.Data))
			}
			total += int64(len(a.Data))
		}
		if total > lim.total {
			t.Fatalf("body %q accepted %d bytes in all", body, total)
		}
	})
}
