package search_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/search"
)

// testKey is the API key every test uses; no error may contain it.
const testKey = "test-KEY-5ecret_0123456789abcdef"

// fake starts a loopback test server answering with h.
func fake(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// answer returns a handler that checks each request with check (which may
// be nil) and answers body as JSON.
func answer(t *testing.T, check func(*http.Request), body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if check != nil {
			check(r)
		}
		w.Header().Set("Content-Type", "application/json")
		if _, err := w.Write([]byte(body)); err != nil {
			t.Errorf("writing the answer: %v", err)
		}
	}
}

// closedURL returns the http URL of a loopback port that was listened on
// and closed, so that nothing answers there.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// provider is a provider under test: how to reach it on a server whose
// root is root, and how to call it.
type provider struct {
	name string
	// path is added to the server's root to make the URL the provider is
	// given.
	path string
	// make returns a call of the provider at url with client and
	// timeout; the call returns how many results it got.
	make func(url string, client *http.Client, timeout time.Duration) (func(ctx context.Context, query string) (int, error), error)
}

// searcher returns a provider made by New for the named search provider.
func searcher(name, path string) provider {
	return provider{name: name, path: path, make: func(url string, client *http.Client, timeout time.Duration) (func(context.Context, string) (int, error), error) {
		key := testKey
		if name == "searxng" {
			key = ""
		}
		s, err := search.New(search.Config{Provider: name, URL: url, APIKey: key, HTTPClient: client, Timeout: timeout})
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, q string) (int, error) {
			rs, err := s.Search(ctx, q, 5)
			return len(rs), err
		}, nil
	}}
}

// providers are all the providers of the package.
var providers = []provider{
	searcher("searxng", ""),
	searcher("brave", "/res/v1/web/search"),
	searcher("tavily", "/search"),
	{name: "factcheck", path: "/v1alpha1/claims:search", make: func(url string, client *http.Client, timeout time.Duration) (func(context.Context, string) (int, error), error) {
		f, err := search.NewFactCheckTools(testKey, url, client, timeout)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, q string) (int, error) {
			rs, err := f.FactChecks(ctx, q, 5)
			return len(rs), err
		}, nil
	}},
}

// call makes p at url and calls it with query.
func (p provider) call(t *testing.T, ctx context.Context, url string, client *http.Client, timeout time.Duration, query string) (int, error) {
	t.Helper()
	f, err := p.make(url, client, timeout)
	if err != nil {
		t.Fatalf("making %s: %v", p.name, err)
	}
	return f(ctx, query)
}

// wantUnavailable fails t unless err wraps ErrUnavailable, contains each
// of parts and does not contain the API key.
func wantUnavailable(t *testing.T, err error, parts ...string) {
	t.Helper()
	if !errors.Is(err, search.ErrUnavailable) {
		t.Fatalf("err = %v, want one wrapping ErrUnavailable", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("err = %q, want it to contain %q", err, p)
		}
	}
	noKey(t, err)
}

// noKey fails t if err's text contains the API key.
func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("err = %q contains the API key", err)
	}
}
