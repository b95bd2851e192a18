package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// dialContext connects to address (host:port) for the transport. A host
// name is resolved and every address it resolves to must be allowed, else
// nothing is dialled; then the checked addresses are dialled in turn.
func (f *Fetcher) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", address, err)
	}
	addrs, err := f.resolve(ctx, network, host)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := f.check(host, a); err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, a := range addrs {
		conn, err := f.dialIP(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("dial %s: %w", address, errors.Join(errs...))
}

// resolve returns the addresses of host: itself if it is an IP address,
// else what the resolver returns.
func (f *Fetcher) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	ipNet := "ip"
	switch network {
	case "tcp4":
		ipNet = "ip4"
	case "tcp6":
		ipNet = "ip6"
	}
	lookup := f.cfg.LookupIP
	if lookup == nil {
		r := f.cfg.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		lookup = r.LookupIP
	}
	ips, err := lookup(ctx, ipNet, host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	addrs := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip); ok {
			addrs = append(addrs, a.Unmap())
		}
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses", host)
	}
	return addrs, nil
}

// check returns an ErrRefused error if a, an address of host, may not be
// connected to.
func (f *Fetcher) check(host string, a netip.Addr) error {
	if f.allow(a) {
		return nil
	}
	reason := refusal(a)
	if reason == "" {
		reason = "not allowed"
	}
	if host == "" || strings.EqualFold(host, a.String()) {
		return fmt.Errorf("%w: address %s is %s", ErrRefused, a, reason)
	}
	return fmt.Errorf("%w: %s resolves to %s, which is %s", ErrRefused, host, a, reason)
}

// control is the dialer's last check, on the address of the socket about
// to connect.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address %q", ErrRefused, address)
	}
	return f.check("", ap.Addr())
}
