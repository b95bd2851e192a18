package fetch

import (
	"net/netip"
	"strings"
	"testing"
)

// guardRange is a range of addresses PublicAddr must refuse, written out
// here rather than read from addr.go, so that narrowing or dropping a
// range there fails a test.
type guardRange struct {
	cidr   string
	reason string // a part of what refusal says of the range's addresses
	// first, mid and last are the range's first address, one in the
	// middle (past the first half, so that halving the range shows) and
	// its last address.
	first, mid, last string
	// below and above are the nearest addresses outside the range, which
	// must be allowed; "" when there is none, or when it is refused on
	// other grounds (another range, or IPv6 outside 2000::/3), which
	// TestGuardRangeTable checks.
	below, above string
}

// guardRanges are the refused ranges, in the order of refusedPrefixes: an
// address in several takes the first one's reason.
var guardRanges = []guardRange{
	// IPv4
	{"0.0.0.0/8", "this network", "0.0.0.0", "0.128.0.1", "0.255.255.255", "", "1.0.0.0"},
	{"10.0.0.0/8", "private", "10.0.0.0", "10.128.0.1", "10.255.255.255", "9.255.255.255", "11.0.0.0"},
	{"100.64.0.0/10", "shared address space", "100.64.0.0", "100.96.0.1", "100.127.255.255", "100.63.255.255", "100.128.0.0"},
	{"127.0.0.0/8", "loopback", "127.0.0.0", "127.128.0.1", "127.255.255.255", "126.255.255.255", "128.0.0.0"},
	{"169.254.0.0/16", "link-local", "169.254.0.0", "169.254.128.1", "169.254.255.255", "169.253.255.255", "169.255.0.0"},
	{"172.16.0.0/12", "private", "172.16.0.0", "172.24.0.1", "172.31.255.255", "172.15.255.255", "172.32.0.0"},
	{"192.0.0.0/24", "IETF protocol assignments", "192.0.0.0", "192.0.0.129", "192.0.0.255", "191.255.255.255", "192.0.1.0"},
	{"192.0.2.0/24", "documentation", "192.0.2.0", "192.0.2.129", "192.0.2.255", "192.0.1.255", "192.0.3.0"},
	{"192.88.99.0/24", "6to4 relay anycast", "192.88.99.0", "192.88.99.129", "192.88.99.255", "192.88.98.255", "192.88.100.0"},
	{"192.168.0.0/16", "private", "192.168.0.0", "192.168.128.1", "192.168.255.255", "192.167.255.255", "192.169.0.0"},
	{"198.18.0.0/15", "benchmarking", "198.18.0.0", "198.19.0.1", "198.19.255.255", "198.17.255.255", "198.20.0.0"},
	{"198.51.100.0/24", "documentation", "198.51.100.0", "198.51.100.129", "198.51.100.255", "198.51.99.255", "198.51.101.0"},
	{"203.0.113.0/24", "documentation", "203.0.113.0", "203.0.113.129", "203.0.113.255", "203.0.112.255", "203.0.114.0"},
	{"224.0.0.0/4", "multicast", "224.0.0.0", "232.0.0.1", "239.255.255.255", "223.255.255.255", ""},
	{"240.0.0.0/4", "reserved", "240.0.0.0", "248.0.0.1", "255.255.255.255", "", ""},
	// IPv6
	{"::/128", "unspecified", "::", "::", "::", "", ""},
	{"::1/128", "loopback", "::1", "::1", "::1", "", ""},
	{"::/96", "IPv4-compatible", "::", "::8000:1", "::ffff:ffff", "", ""},
	{"64:ff9b:1::/48", "local-use NAT64", "64:ff9b:1::", "64:ff9b:1:8000::1", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "", ""},
	{"100::/64", "discard-only", "100::", "100::8000:0:0:1", "100::ffff:ffff:ffff:ffff", "", ""},
	{"100:0:0:1::/64", "dummy prefix", "100:0:0:1::", "100::1:8000:0:0:1", "100::1:ffff:ffff:ffff:ffff", "", ""},
	{"2001::/23", "IETF protocol assignments", "2001::", "2001:100::1", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
		"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"},
	{"2001:db8::/32", "documentation", "2001:db8::", "2001:db8:8000::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
		"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"},
	{"3fff::/20", "documentation", "3fff::", "3fff:800::1", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
		"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"},
	{"5f00::/16", "SRv6 SIDs", "5f00::", "5f00:8000::1", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", ""},
	{"fc00::/7", "unique local", "fc00::", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", ""},
	{"fe80::/10", "link-local", "fe80::", "fea0::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", ""},
	{"fec0::/10", "site-local", "fec0::", "fee0::1", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", ""},
	{"ff00::/8", "multicast", "ff00::", "ff80::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", ""},
}

// outside2000 is what refusal says of IPv6 outside 2000::/3 that no range
// names.
const outside2000 = "outside 2000::/3"

// expectedRefusal is what refusal must say of a (a part of it), by the
// table alone: the reason of the first range holding a, the reason for
// IPv6 outside 2000::/3 (but for NAT64's 64:ff9b::/96), or "" for an
// address that must be allowed. It does not know the IPv6 forms that embed
// an IPv4 address: those are judged by the address they carry.
func expectedRefusal(a netip.Addr) string {
	for i, p := range guardPrefixes {
		if p.Contains(a) {
			return guardRanges[i].reason
		}
	}
	if a.Is6() && !guardGlobal6.Contains(a) && !guardNAT64.Contains(a) {
		return outside2000
	}
	return ""
}

// guardPrefixes are the prefixes of guardRanges, parsed once.
var guardPrefixes = func() []netip.Prefix {
	out := make([]netip.Prefix, len(guardRanges))
	for i, r := range guardRanges {
		out[i] = netip.MustParsePrefix(r.cidr)
	}
	return out
}()

// guardGlobal6 is the IPv6 global unicast space.
var guardGlobal6 = netip.MustParsePrefix("2000::/3")

// guardNAT64 is the NAT64 well-known prefix: outside 2000::/3, yet allowed
// when the IPv4 address it carries is public (checked on its own).
var guardNAT64 = netip.MustParsePrefix("64:ff9b::/96")

// lastOf returns the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// TestGuardRangeTable checks the table itself: each row's addresses are
// its range's first, inner and last, and its neighbours are the nearest
// addresses outside, or "" only where those are refused anyway.
func TestGuardRangeTable(t *testing.T) {
	for _, r := range guardRanges {
		p := netip.MustParsePrefix(r.cidr)
		first, last := p.Addr(), lastOf(p)
		if r.first != first.String() || r.last != last.String() {
			t.Errorf("%s: first, last = %s, %s; want %s, %s", r.cidr, r.first, r.last, first, last)
		}
		if !p.Contains(netip.MustParseAddr(r.mid)) {
			t.Errorf("%s: mid %s is outside", r.cidr, r.mid)
		}
		for _, n := range []struct {
			lit  string
			want netip.Addr
		}{{r.below, first.Prev()}, {r.above, last.Next()}} {
			switch {
			case n.lit != "" && n.lit != n.want.String():
				t.Errorf("%s: neighbour %s, want %s", r.cidr, n.lit, n.want)
			case n.lit == "" && n.want.IsValid() && expectedRefusal(n.want) == "":
				t.Errorf("%s: neighbour %s is allowed; name it in the table", r.cidr, n.want)
			}
		}
	}
}

// TestPublicAddrRangeEdges refuses the first, an inner and the last
// address of every refused range, with the range's reason, and allows
// the nearest addresses outside each range where they are global.
func TestPublicAddrRangeEdges(t *testing.T) {
	for _, r := range guardRanges {
		for _, s := range []string{r.first, r.mid, r.last} {
			requireRefused(t, netip.MustParseAddr(s), expectedRefusal(netip.MustParseAddr(s)))
		}
		for _, s := range []string{r.below, r.above} {
			if s != "" {
				requireAllowed(t, netip.MustParseAddr(s))
			}
		}
	}
	// Where the table's neighbours are refused, they are by the table's
	// own reason.
	for _, r := range guardRanges {
		p := netip.MustParsePrefix(r.cidr)
		for _, n := range []netip.Addr{p.Addr().Prev(), lastOf(p).Next()} {
			if n.IsValid() {
				if why := expectedRefusal(n); why != "" {
					requireRefused(t, n, why)
				}
			}
		}
	}
}

// TestPublicAddrEmbeddedEdges refuses the IPv4-mapped, NAT64 and 6to4
// forms of the edges of every refused IPv4 range, and allows those forms
// of the nearest public addresses.
func TestPublicAddrEmbeddedEdges(t *testing.T) {
	for _, r := range guardRanges {
		if !netip.MustParsePrefix(r.cidr).Addr().Is4() {
			continue
		}
		for _, s := range []string{r.first, r.mid, r.last} {
			v4 := netip.MustParseAddr(s)
			why := expectedRefusal(v4)
			requireRefused(t, mapped(v4), why)
			requireRefused(t, nat64(v4), "NAT64 form of a "+why)
			requireRefused(t, sixToFourOf(v4), "6to4 form of a "+why)
		}
		for _, s := range []string{r.below, r.above} {
			if s == "" {
				continue
			}
			v4 := netip.MustParseAddr(s)
			for _, a := range []netip.Addr{mapped(v4), nat64(v4), sixToFourOf(v4)} {
				requireAllowed(t, a)
			}
		}
	}
}

// TestPublicAddrOutsideGlobalUnicast refuses IPv6 addresses outside
// 2000::/3 that no special range names, and allows the edges of 2000::/3
// itself.
func TestPublicAddrOutsideGlobalUnicast(t *testing.T) {
	for _, s := range []string{"::1:0:0", "1::1", "64:ff9b:0:ffff:ffff:ffff:ffff:ffff", "64:ff9b:2::",
		"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::", "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f01::",
		"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::"} {
		requireRefused(t, netip.MustParseAddr(s), outside2000)
	}
	for _, s := range []string{"2000::", "2000::1", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2a00:1450::1"} {
		requireAllowed(t, netip.MustParseAddr(s))
	}
}

// mapped returns the IPv4-mapped IPv6 form of v4 (::ffff:a.b.c.d).
func mapped(v4 netip.Addr) netip.Addr { return netip.AddrFrom16(v4.As16()) }

// nat64 returns v4 under the NAT64 well-known prefix (64:ff9b::a.b.c.d).
func nat64(v4 netip.Addr) netip.Addr {
	b := netip.MustParseAddr("64:ff9b::").As16()
	copy(b[12:], v4.AsSlice())
	return netip.AddrFrom16(b)
}

// sixToFourOf returns a 6to4 address of v4 (2002:aabb:ccdd::1).
func sixToFourOf(v4 netip.Addr) netip.Addr {
	b := netip.MustParseAddr("2002::1").As16()
	copy(b[2:6], v4.AsSlice())
	return netip.AddrFrom16(b)
}

// requireRefused checks that PublicAddr refuses a, for a reason that
// contains why.
func requireRefused(t *testing.T, a netip.Addr, why string) {
	t.Helper()
	if PublicAddr(a) || !strings.Contains(refusal(a), why) {
		t.Errorf("%s: allowed %v, refusal %q; want refused for %q", a, PublicAddr(a), refusal(a), why)
	}
}

// requireAllowed checks that PublicAddr allows a.
func requireAllowed(t *testing.T, a netip.Addr) {
	t.Helper()
	if !PublicAddr(a) {
		t.Errorf("%s refused: %s", a, refusal(a))
	}
}
