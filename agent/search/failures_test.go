package search_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/search"
)

// failures are servers that fail, and what the error must say.
var failures = []struct {
	name    string
	handler http.HandlerFunc
	says    string
}{
	{"status 500", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = fmt.Fprintf(w, `{"error": "internal error for key %s"}`, testKey)
	}, "status 500 Internal Server Error"},
	{"status 429", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}, "status 429 Too Many Requests"},
	{"2 MiB body", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results": [{"title": "` + strings.Repeat("x", 2<<20) + `"}]}`))
	}, "response too large"},
	{"invalid JSON", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results": [{"title": "cut short`))
	}, "invalid JSON"},
	{"HTML", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>Login</title>`))
	}, "invalid JSON"},
	{"slow", func(w http.ResponseWriter, r *http.Request) {
		// Read the body, so that the server notices the client leaving.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}, ""},
}

func TestFailures(t *testing.T) {
	for _, p := range providers {
		for _, f := range failures {
			t.Run(p.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				s := fake(t, f.handler)
				n, err := p.call(t, context.Background(), s.URL+p.path, nil, 200*time.Millisecond, "eiffel tower")
				if n != 0 {
					t.Errorf("%d results with an error", n)
				}
				wantUnavailable(t, err, f.says)
			})
		}
	}
}

func TestClosedPort(t *testing.T) {
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			_, err := p.call(t, context.Background(), closedURL(t)+p.path, nil, 2*time.Second, "eiffel tower")
			wantUnavailable(t, err)
			if strings.Contains(err.Error(), "http://") {
				t.Errorf("err = %q names the request URL", err)
			}
		})
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			var hits atomic.Int64
			other := fake(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
			s := fake(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
			})
			_, err := p.call(t, context.Background(), s.URL+p.path, nil, 0, "eiffel tower")
			wantUnavailable(t, err, "status 302 Found")
			if hits.Load() != 0 {
				t.Errorf("the redirect was followed")
			}
		})
	}
}

// leakyTransport fails every request with an error quoting the URL and
// the credentials, as a careless proxy or transport might.
type leakyTransport struct{}

// RoundTrip fails, quoting the request's URL and credential headers.
func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("refused %s (token %q, authorization %q)", r.URL,
		r.Header.Get("X-Subscription-Token"), r.Header.Get("Authorization"))
}

func TestKeyRedacted(t *testing.T) {
	client := &http.Client{Transport: leakyTransport{}}
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			_, err := p.call(t, context.Background(), "http://127.0.0.1:1"+p.path, client, 0, "eiffel tower")
			wantUnavailable(t, err, "refused")
		})
	}
}

func TestCancelled(t *testing.T) {
	var hits atomic.Int64
	s := fake(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			_, err := p.call(t, ctx, s.URL+p.path, nil, 0, "eiffel tower")
			wantUnavailable(t, err)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want one wrapping context.Canceled", err)
			}
		})
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}

func TestEmptyQuery(t *testing.T) {
	var hits atomic.Int64
	s := fake(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	for _, p := range providers {
		for _, q := range []string{"", "  \n\t "} {
			_, err := p.call(t, context.Background(), s.URL+p.path, nil, 0, q)
			if err == nil || errors.Is(err, search.ErrUnavailable) || !strings.Contains(err.Error(), "empty") {
				t.Errorf("%s, query %q: err = %v, want an error saying it is empty, not ErrUnavailable", p.name, q, err)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}
