package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
)

// loopbackOnly is an AllowAddr for tests: loopback addresses only.
func loopbackOnly(a netip.Addr) bool { return a.Unmap().IsLoopback() }

// counted wraps f's dialler and returns the number of dials made.
func counted(f *Fetcher) *atomic.Int64 {
	var n atomic.Int64
	dial := f.dialIP
	f.dialIP = func(ctx context.Context, network, address string) (net.Conn, error) {
		n.Add(1)
		return dial(ctx, network, address)
	}
	return &n
}

// fakeDNS returns a LookupIP that answers from names and counts lookups.
func fakeDNS(names map[string][]string, lookups *atomic.Int64) func(context.Context, string, string) ([]net.IP, error) {
	return func(_ context.Context, _, host string) ([]net.IP, error) {
		lookups.Add(1)
		addrs, ok := names[host]
		if !ok {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		ips := make([]net.IP, len(addrs))
		for i, a := range addrs {
			ips[i] = net.ParseIP(a)
		}
		return ips, nil
	}
}

// server starts a test server with handler h and returns it with a count
// of the connections it accepted.
func server(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

// port returns the port of test server s.
func port(t *testing.T, s *httptest.Server) string {
	t.Helper()
	_, p, err := net.SplitHostPort(s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
