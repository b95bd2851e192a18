package fetch

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach/attachtest"
)

const page = `<!doctype html><html><head><title>Claim &amp; facts</title>
<script>NOISE()</script></head><body><nav>Menu NOISE</nav>
<article><h1>Heading</h1><p>The article   text.</p></article></body></html>`

func TestFetchHTML(t *testing.T) {
	var ua, acc string
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		ua, acc = r.Header.Get("User-Agent"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	f := New(Config{AllowAddr: loopbackOnly})
	p, err := f.Fetch(context.Background(), s.URL+"/a")
	if err != nil {
		t.Fatal(err)
	}
	want := Page{URL: s.URL + "/a", Title: "Claim & facts", Text: "Heading\nThe article text.",
		ContentType: "text/html", Bytes: len(page)}
	if p != want {
		t.Errorf("page = %+v\nwant %+v", p, want)
	}
	if ua != DefaultUserAgent || !strings.Contains(acc, "text/html") {
		t.Errorf("User-Agent %q, Accept %q", ua, acc)
	}
}

func TestFetchTypes(t *testing.T) {
	bodies := map[string]struct{ ctype, body, text string }{
		"/plain":  {"text/plain", "just text", "just text"},
		"/md":     {"text/markdown; charset=utf-8", "# T\n\nx", "# T\n\nx"},
		"/json":   {"application/json", `{"a":1}`, `{"a":1}`},
		"/ld":     {"application/ld+json", `{"a":1}`, `{"a":1}`},
		"/csv":    {"text/csv", "a,b\n1,2", "a,b\n1,2"},
		"/latin1": {"text/plain; charset=iso-8859-1", "caf\xe9", "café"},
		"/meta":   {"text/html", "<meta charset=\"windows-1252\"><p>na\xefve</p>", "naïve"},
		"/utf8":   {"text/html", "<p>" + strings.Repeat("x", 2000) + " ünï</p>", strings.Repeat("x", 2000) + " ünï"},
		"/sniff":  {"", "<html><body><p>sniffed</p></body></html>", "sniffed"},
		"/pdf":    {"application/pdf", string(attachtest.PDF("Hello Clara")), "Hello Clara"},
	}
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		b := bodies[r.URL.Path]
		w.Header()["Content-Type"] = []string{b.ctype}
		_, _ = w.Write([]byte(b.body))
	})
	f := New(Config{AllowAddr: loopbackOnly})
	for path, b := range bodies {
		p, err := f.Fetch(context.Background(), s.URL+path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if p.Text != b.text {
			t.Errorf("%s: text %q, want %q", path, p.Text, b.text)
		}
	}
}

func TestFetchUnsupportedType(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	_, err := New(Config{AllowAddr: loopbackOnly}).Fetch(context.Background(), s.URL)
	if !errors.Is(err, ErrUnsupportedType) || !strings.Contains(err.Error(), "unsupported content type image/png") {
		t.Errorf("err = %v", err)
	}
}

func TestFetchStatus(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	})
	_, err := New(Config{AllowAddr: loopbackOnly}).Fetch(context.Background(), s.URL+"/x")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 404 || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("err = %v", err)
	}
}

func TestNoProxy(t *testing.T) {
	tr, ok := New(Config{}).client.Transport.(*http.Transport)
	if !ok || tr.Proxy != nil {
		t.Error("transport uses a proxy")
	}
}
