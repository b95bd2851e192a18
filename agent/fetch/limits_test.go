package fetch

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBodyTruncated(t *testing.T) {
	body := strings.Repeat("a", 1000)
	s, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(body))
	})
	p, err := New(Config{AllowAddr: loopbackOnly, MaxBytes: 100}).Fetch(context.Background(), s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Truncated || p.Bytes != 100 || p.Text != body[:100] {
		t.Errorf("page = %+v", p)
	}
	p, err = New(Config{AllowAddr: loopbackOnly, MaxBytes: 1000}).Fetch(context.Background(), s.URL)
	if err != nil || p.Truncated || p.Bytes != 1000 {
		t.Errorf("exact size: %+v, %v", p, err)
	}
}

func TestTimeout(t *testing.T) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("start"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	f := New(Config{AllowAddr: loopbackOnly, Timeout: 100 * time.Millisecond})
	for _, path := range []string{"/headers", "/body"} {
		start := time.Now()
		_, err := f.Fetch(context.Background(), s.URL+path)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: err = %v after %v", path, err, time.Since(start))
		}
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ := server(t, nil)
	if _, err := New(Config{AllowAddr: loopbackOnly}).Fetch(ctx, s.URL); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
