package fetch

import (
	"net/netip"
)

// refusedPrefix is a range of addresses a fetch may not reach, with the
// reason given in errors.
type refusedPrefix struct {
	prefix netip.Prefix
	reason string
}

// refusedPrefixes are the non-public ranges PublicAddr refuses, on top of
// what netip.Addr.IsGlobalUnicast already excludes: every entry of the IANA
// IPv4 and IPv6 Special-Purpose Address Registries that is not globally
// reachable, plus multicast, 240/4 and the deprecated site-local and
// IPv4-compatible ranges. An address in several takes the first one's
// reason. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked as the
// IPv4 address they map.
var refusedPrefixes = func() []refusedPrefix {
	list := []struct{ cidr, reason string }{
		// IPv4
		{"0.0.0.0/8", "this network"},
		{"10.0.0.0/8", "private"},
		{"100.64.0.0/10", "shared address space (CGNAT)"},
		{"127.0.0.0/8", "loopback"},
		{"169.254.0.0/16", "link-local"},
		{"172.16.0.0/12", "private"},
		{"192.0.0.0/24", "IETF protocol assignments"},
		{"192.0.2.0/24", "documentation"},
		{"192.88.99.0/24", "6to4 relay anycast"},
		{"192.168.0.0/16", "private"},
		{"198.18.0.0/15", "benchmarking"},
		{"198.51.100.0/24", "documentation"},
		{"203.0.113.0/24", "documentation"},
		{"224.0.0.0/4", "multicast"},
		{"240.0.0.0/4", "reserved"}, // includes broadcast 255.255.255.255
		// IPv6
		{"::/128", "unspecified"},
		{"::1/128", "loopback"},
		{"::/96", "IPv4-compatible (deprecated)"},
		{"64:ff9b:1::/48", "local-use NAT64"},
		{"100::/64", "discard-only"},
		{"100:0:0:1::/64", "dummy prefix"},
		{"2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"},
		{"2001:db8::/32", "documentation"},
		{"3fff::/20", "documentation"},
		{"5f00::/16", "SRv6 SIDs"},
		{"fc00::/7", "unique local (private)"},
		{"fe80::/10", "link-local"},
		{"fec0::/10", "site-local (deprecated)"},
		{"ff00::/8", "multicast"},
	}
	out := make([]refusedPrefix, len(list))
	for i, p := range list {
		out[i] = refusedPrefix{netip.MustParsePrefix(p.cidr), p.reason}
	}
	return out
}()

// Prefixes of IPv6 ranges that embed an IPv4 address, which is checked in
// turn: NAT64 well-known prefix (64:ff9b::/96, IPv4 in the last 32 bits)
// and 6to4 (2002::/16, IPv4 in bits 16–47).
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// globalUnicast6 is the IPv6 global unicast space; the IANA IPv6 Address
// Space registry reserves the rest (apart from the ranges above).
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// PublicAddr reports whether a is a public unicast address a fetch may
// connect to. It is the default Config.AllowAddr. Refused: invalid or
// zoned addresses; 0.0.0.0/8, 10/8, 100.64/10 (CGNAT), 127/8, 169.254/16
// (link-local, incl. 169.254.169.254 cloud metadata), 172.16/12,
// 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15,
// 198.51.100/24, 203.0.113/24, 224/4 (multicast), 240/4 (reserved, incl.
// 255.255.255.255); ::, ::1, ::/96, 64:ff9b:1::/48, 100::/64,
// 100:0:0:1::/64, 2001::/23, 2001:db8::/32, 3fff::/20, 5f00::/16,
// fc00::/7, fe80::/10, fec0::/10, ff00::/8; IPv4-mapped (::ffff:0:0/96),
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses embedding a refused
// IPv4 address; any other IPv6 address outside 2000::/3; and anything
// else netip.Addr.IsGlobalUnicast rejects.
func PublicAddr(a netip.Addr) bool { return refusal(a) == "" }

// refusal returns why a is not public, or "" if it is.
func refusal(a netip.Addr) string {
	if !a.IsValid() {
		return "invalid address"
	}
	if a.Zone() != "" {
		return "zoned address"
	}
	a = a.Unmap()
	for _, p := range refusedPrefixes {
		if p.prefix.Contains(a) {
			return p.reason
		}
	}
	if !a.IsGlobalUnicast() {
		return "not global unicast"
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64Prefix.Contains(a):
			return embedded(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), "NAT64")
		case sixToFour.Contains(a):
			return embedded(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), "6to4")
		case !globalUnicast6.Contains(a):
			return "reserved by the IETF (outside 2000::/3)"
		}
	}
	return ""
}

// embedded returns why the IPv4 address v4, embedded in an IPv6 address of
// the kind named, is refused, or "".
func embedded(v4 netip.Addr, kind string) string {
	if r := refusal(v4); r != "" {
		return kind + " form of a " + r + " address"
	}
	return ""
}
