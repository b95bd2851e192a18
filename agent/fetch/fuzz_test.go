package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// errNoNetwork is what the fuzzed fetcher's dialler answers: it never
// connects.
var errNoNetwork = errors.New("no network while fuzzing")

// FuzzURLGuard gives Fetch any URL, with any resolver answer for a host
// name (answer, read as IPv4 and IPv6 addresses), and never lets it reach
// the network. It checks that every address PublicAddr allows is global
// unicast, in none of the refused ranges and, for the IPv6 forms of an
// IPv4 address, embeds a public one; and that Fetch dials only allowed
// addresses, only for http and https URLs without user info.
func FuzzURLGuard(f *testing.F) {
	v4 := func(s string) []byte { return netip.MustParseAddr(s).AsSlice() }
	v6 := func(s string) []byte { b := netip.MustParseAddr(s).As16(); return b[:] }
	seeds := []struct {
		url    string
		answer []byte
	}{
		{"http://172.17.0.1/", nil},
		{"http://172.32.0.0/", nil},
		{"http://[fd00::1]/", nil},
		{"http://[::ffff:127.0.0.1]/", nil},
		{"http://[::ffff:7f00:1]:8080/x", nil},
		{"http://[fe80::1%25eth0]/", nil},
		{"http://[64:ff9b::a00:1]/", nil},
		{"http://[64:ff9b:1::1]/", nil},
		{"http://[2002:7f00:1::]/", nil},
		{"http://[100:0:0:1::1]/", nil},
		{"http://0x7f.1/", v4("127.0.0.1")},
		{"http://2130706433/", v4("127.0.0.1")},
		{"http://127.1/", v4("8.8.8.8")},
		{"HTTP://LOCALHOST:80", v6("::1")},
		{"http://user@1.1.1.1/", nil},
		{"http://example.com\\@127.0.0.1/", nil},
		{"https://8.8.8.8./", nil},
		{"http://example.com/", append(v4("93.184.215.14"), v6("::ffff:10.0.0.1")...)},
		{"https://mixed.example/", append(v4("8.8.8.8"), v4("169.254.169.254")...)},
		{"http://[::]:0/", nil},
		{"//example.com/", v4("8.8.8.8")},
		{"172.17.0.1", nil},
		{"fe80::1%eth0", nil},
		{"::ffff:0.0.0.0", nil},
		{"5f00::1", nil},
		{"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", nil},
		{"2001:200::", nil},
	}
	for _, s := range seeds {
		f.Add(s.url, s.answer)
	}
	f.Fuzz(func(t *testing.T, rawURL string, answer []byte) {
		addrs := answerAddrs(answer)
		if a, err := netip.ParseAddr(rawURL); err == nil {
			addrs = append(addrs, a)
		}
		if u, err := url.Parse(strings.TrimSpace(rawURL)); err == nil {
			if a, err := netip.ParseAddr(u.Hostname()); err == nil {
				addrs = append(addrs, a)
			}
		}
		for _, a := range addrs {
			checkGuardInvariant(t, a)
			checkGuardInvariant(t, a.Unmap())
		}
		checkFetchDials(t, rawURL, answer)
	})
}

// maxAnswer is the most addresses answerAddrs reads, which keeps each
// fuzzed fetch quick.
const maxAnswer = 8

// answerAddrs reads b as a resolver's answer: up to maxAnswer addresses,
// 16-byte IPv6 ones, then a 4-byte IPv4 one from what is left.
func answerAddrs(b []byte) []netip.Addr {
	b = b[:min(len(b), 16*maxAnswer)]
	var out []netip.Addr
	for len(b) >= 16 {
		out = append(out, netip.AddrFrom16([16]byte(b[:16])))
		b = b[16:]
	}
	if len(b) >= 4 {
		out = append(out, netip.AddrFrom4([4]byte(b[:4])))
	}
	return out
}

// checkGuardInvariant fails t if PublicAddr allows an address it must not.
func checkGuardInvariant(t *testing.T, a netip.Addr) {
	t.Helper()
	if a.Zone() == "" && PublicAddr(a) != PublicAddr(a.Unmap()) {
		t.Fatalf("%s and its unmapped form %s are judged differently", a, a.Unmap())
	}
	if !PublicAddr(a) {
		if refusal(a) == "" {
			t.Fatalf("%s refused without a reason", a)
		}
		return
	}
	u := a.Unmap()
	switch {
	case a.Zone() != "":
		t.Fatalf("zoned %s allowed", a)
	case !u.IsGlobalUnicast() || u.IsPrivate() || u.IsLoopback() || u.IsLinkLocalUnicast() || u.IsMulticast():
		t.Fatalf("%s allowed, but it is not a global unicast address", a)
	case expectedRefusal(u) != "":
		t.Fatalf("%s allowed, but it is %s", a, expectedRefusal(u))
	}
	for _, p := range refusedPrefixes {
		if p.prefix.Contains(u) {
			t.Fatalf("%s allowed, but it is in %s", a, p.prefix)
		}
	}
	if u.Is6() {
		b := u.As16()
		switch {
		case nat64Prefix.Contains(u):
			checkEmbedded(t, a, netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(u):
			checkEmbedded(t, a, netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
}

// checkEmbedded fails t if the IPv4 address v4, embedded in the allowed
// address a, is not public.
func checkEmbedded(t *testing.T, a, v4 netip.Addr) {
	t.Helper()
	if !PublicAddr(v4) || expectedRefusal(v4) != "" {
		t.Fatalf("%s allowed, but it embeds %s, which is %s", a, v4, refusal(v4))
	}
}

// checkFetchDials fetches rawURL with a resolver that answers answer for
// every name and a dialler that never connects, and fails t if anything
// refused was dialled.
func checkFetchDials(t *testing.T, rawURL string, answer []byte) {
	t.Helper()
	lookup := func(context.Context, string, string) ([]net.IP, error) {
		var ips []net.IP
		for _, a := range answerAddrs(answer) {
			ips = append(ips, net.IP(a.AsSlice()))
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no such host", IsNotFound: true}
		}
		return ips, nil
	}
	fetcher := New(Config{LookupIP: lookup, MaxRedirects: -1})
	var dialled []string
	fetcher.dialIP = func(_ context.Context, _, address string) (net.Conn, error) {
		dialled = append(dialled, address)
		return nil, errNoNetwork
	}
	_, err := fetcher.Fetch(context.Background(), rawURL)
	if err == nil {
		t.Fatalf("Fetch(%q) succeeded without a network", rawURL)
	}
	if len(dialled) == 0 {
		return
	}
	u, perr := url.Parse(strings.TrimSpace(rawURL))
	if perr != nil || u.User != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		t.Fatalf("Fetch(%q) dialled %v", rawURL, dialled)
	}
	for _, d := range dialled {
		ap, err := netip.ParseAddrPort(d)
		if err != nil {
			t.Fatalf("Fetch(%q) dialled %q: %v", rawURL, d, err)
		}
		if !PublicAddr(ap.Addr()) {
			t.Fatalf("Fetch(%q) dialled refused %s (%s)", rawURL, d, refusal(ap.Addr()))
		}
		checkGuardInvariant(t, ap.Addr())
	}
}
