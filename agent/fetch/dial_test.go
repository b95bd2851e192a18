package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestDialerControlRefuses(t *testing.T) {
	s, conns := server(t, nil)
	f := New(Config{})
	// Bypass dialContext's checks: the dialer's Control must still refuse.
	_, err := f.dialIP(context.Background(), "tcp", s.Listener.Addr().String())
	if !errors.Is(err, ErrRefused) {
		t.Errorf("err = %v", err)
	}
	if conns.Load() != 0 {
		t.Errorf("server saw %d connections", conns.Load())
	}
	if err := New(Config{AllowAddr: loopbackOnly}).control("tcp4", "127.0.0.1:80", nil); err != nil {
		t.Errorf("allowed address refused: %v", err)
	}
	if err := f.control("tcp6", "[fe80::1%eth0]:80", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("zoned address: %v", err)
	}
}

func TestFetchHTTPS(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("secure"))
	}))
	defer s.Close()
	f := New(Config{AllowAddr: loopbackOnly})
	f.client.Transport.(*http.Transport).TLSClientConfig = s.Client().Transport.(*http.Transport).TLSClientConfig
	p, err := f.Fetch(context.Background(), s.URL)
	if err != nil || p.Text != "secure" {
		t.Errorf("= %+v, %v", p, err)
	}
}
