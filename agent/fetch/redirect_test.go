package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRedirectFollowed(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "http://good.example:"+r.Host[strings.LastIndex(r.Host, ":")+1:]+"/new", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("moved here"))
	})
	var lookups atomic.Int64
	f := New(Config{AllowAddr: loopbackOnly, LookupIP: fakeDNS(map[string][]string{"good.example": {"127.0.0.1"}}, &lookups)})
	p, err := f.Fetch(context.Background(), s.URL+"/old")
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://good.example:" + port(t, s) + "/new"; p.URL != want || p.Text != "moved here" {
		t.Errorf("page = %+v, want URL %s", p, want)
	}
}

func TestRedirectRefused(t *testing.T) {
	targets := map[string]string{
		"/name":   "http://internal.example/secret", // resolves to 10.0.0.5
		"/ip":     "http://10.0.0.1/",
		"/meta":   "http://169.254.169.254/latest/meta-data/",
		"/file":   "file:///etc/passwd",
		"/userpw": "http://u:p@example.com/",
	}
	s, conns := server(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, targets[r.URL.Path], http.StatusMovedPermanently)
	})
	var lookups atomic.Int64
	f := New(Config{AllowAddr: loopbackOnly, LookupIP: fakeDNS(map[string][]string{"internal.example": {"10.0.0.5"}}, &lookups)})
	dials := counted(f)
	for path := range targets {
		_, err := f.Fetch(context.Background(), s.URL+path)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: err = %v", path, err)
		}
	}
	_, err := f.Fetch(context.Background(), s.URL+"/name")
	if !strings.Contains(err.Error(), "internal.example resolves to 10.0.0.5, which is private") {
		t.Errorf("err = %v", err)
	}
	// Every dial went to the test server; the refused hops were never dialled.
	if int64(dials.Load()) != conns.Load() {
		t.Errorf("%d dials, server saw %d connections", dials.Load(), conns.Load())
	}
}

func TestTooManyRedirects(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if n == 0 {
			_, _ = w.Write([]byte("arrived"))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
	})
	f := New(Config{AllowAddr: loopbackOnly, MaxRedirects: 3})
	if p, err := f.Fetch(context.Background(), s.URL+"/r/3"); err != nil || p.Text != "arrived" {
		t.Errorf("3 redirects: %+v, %v", p, err)
	}
	if _, err := f.Fetch(context.Background(), s.URL+"/r/4"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("4 redirects: err = %v", err)
	}
	if _, err := New(Config{AllowAddr: loopbackOnly}).Fetch(context.Background(), s.URL+"/r/6"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("6 redirects by default: err = %v", err)
	}
	none := New(Config{AllowAddr: loopbackOnly, MaxRedirects: -1})
	if _, err := none.Fetch(context.Background(), s.URL+"/r/1"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("no redirects: err = %v", err)
	}
}
