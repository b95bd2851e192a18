package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRefusedAddresses(t *testing.T) {
	hosts := []string{
		"127.0.0.1", "[::1]", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"[fe80::1]", "224.0.0.1", "0.0.0.0", "100.64.0.1", "[::ffff:127.0.0.1]", "[fc00::1]",
		"255.255.255.255", "[::]", "[ff02::1]", "[::ffff:10.0.0.1]", "[64:ff9b::a00:1]", "[2002:7f00:1::]",
		"[fe80::1%25eth0]", "192.0.2.1", "172.17.0.1", "172.31.255.255", "[fd00::1]", "192.0.0.1", "192.88.99.1",
		"198.51.100.1", "203.0.113.1", "[64:ff9b:1::1]", "[100::1]", "[100:0:0:1::1]", "[3fff::1]", "[5f00::1]",
		"[4000::1]",
	}
	var lookups atomic.Int64
	f := New(Config{LookupIP: fakeDNS(nil, &lookups)})
	dials := counted(f)
	for _, h := range hosts {
		_, err := f.Fetch(context.Background(), "http://"+h+":8080/x")
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: err = %v", h, err)
		}
	}
	if dials.Load() != 0 || lookups.Load() != 0 {
		t.Errorf("%d dials, %d lookups; want none", dials.Load(), lookups.Load())
	}
}

func TestRefusedLoopbackServerUntouched(t *testing.T) {
	s, conns := server(t, nil)
	_, err := New(Config{}).Fetch(context.Background(), s.URL)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "127.0.0.1 is loopback") {
		t.Errorf("err = %v", err)
	}
	if conns.Load() != 0 {
		t.Errorf("server saw %d connections", conns.Load())
	}
}

func TestRefusedDNS(t *testing.T) {
	var lookups atomic.Int64
	dns := fakeDNS(map[string][]string{
		"evil.example":  {"127.0.0.1"},
		"mixed.example": {"93.184.215.14", "10.1.2.3"},
		"meta.example":  {"169.254.169.254"},
		"six.example":   {"::1"},
	}, &lookups)
	f := New(Config{LookupIP: dns})
	dials := counted(f)
	for _, h := range []string{"evil.example", "mixed.example", "meta.example", "six.example"} {
		_, err := f.Fetch(context.Background(), "http://"+h+"/")
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), h+" resolves to") {
			t.Errorf("%s: err = %v", h, err)
		}
	}
	if dials.Load() != 0 || lookups.Load() != 4 {
		t.Errorf("%d dials, %d lookups", dials.Load(), lookups.Load())
	}
}

func TestRefusedSchemes(t *testing.T) {
	f := New(Config{AllowAddr: loopbackOnly})
	dials := counted(f)
	for _, u := range []string{
		"file:///etc/passwd", "gopher://example.com/", "ftp://example.com/f", "javascript:alert(1)",
		"data:text/plain,hi", "//example.com/x", "example.com", "HTTPX://example.com",
	} {
		_, err := f.Fetch(context.Background(), u)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "scheme") {
			t.Errorf("%s: err = %v", u, err)
		}
	}
	if _, err := f.Fetch(context.Background(), "file:///etc/passwd"); !strings.Contains(err.Error(), `"file"`) {
		t.Errorf("scheme not named: %v", err)
	}
	if dials.Load() != 0 {
		t.Errorf("%d dials", dials.Load())
	}
}

func TestRefusedUserinfo(t *testing.T) {
	s, conns := server(t, nil)
	u := strings.Replace(s.URL, "http://", "http://user:secret@", 1)
	_, err := New(Config{AllowAddr: loopbackOnly}).Fetch(context.Background(), u)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "user info") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("password in error: %v", err)
	}
	if conns.Load() != 0 {
		t.Errorf("server saw %d connections", conns.Load())
	}
}

func TestPublicAddr(t *testing.T) {
	public := []string{"8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888",
		"64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}
	for _, s := range public {
		if !PublicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s refused: %s", s, refusal(netip.MustParseAddr(s)))
		}
	}
	refused := map[string]string{
		"127.0.0.1": "loopback", "10.0.0.1": "private", "100.64.0.1": "CGNAT", "169.254.169.254": "link-local",
		"0.0.0.0": "this network", "224.0.0.1": "multicast", "255.255.255.255": "reserved",
		"198.18.0.1": "benchmarking", "::ffff:192.168.0.1": "private", "fc00::1": "unique local",
		"fe80::1": "link-local", "fec0::1": "site-local", "ff02::1": "multicast", "::": "unspecified",
		"::1": "loopback", "::7f00:1": "IPv4-compatible", "2001:db8::1": "documentation",
		"2001::1": "Teredo", "64:ff9b::7f00:1": "NAT64 form of a loopback", "2002:a00:1::": "6to4 form of a private",
		"fe80::1%eth0": "zoned",
	}
	for s, why := range refused {
		a := netip.MustParseAddr(s)
		if PublicAddr(a) || !strings.Contains(refusal(a), why) {
			t.Errorf("%s: refusal %q, want %q", s, refusal(a), why)
		}
	}
	if PublicAddr(netip.Addr{}) {
		t.Error("zero Addr allowed")
	}
}

// A port outside 1–65535 is refused before any lookup or dial (found by
// FuzzURLGuard: "http://0:100000" reached the dialler).
func TestRefusedPort(t *testing.T) {
	for _, u := range []string{"http://example.com:100000/", "http://example.com:0/", "https://8.8.8.8:65536/"} {
		lookups := 0
		f := New(Config{LookupIP: func(context.Context, string, string) ([]net.IP, error) {
			lookups++
			return []net.IP{net.ParseIP("8.8.8.8")}, nil
		}})
		_, err := f.Fetch(context.Background(), u)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "not a TCP port") {
			t.Errorf("Fetch(%q) = %v, want a refused port", u, err)
		}
		if lookups != 0 {
			t.Errorf("Fetch(%q) looked the host up", u)
		}
	}
}
