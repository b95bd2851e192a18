// Package clientaddr finds the address of an HTTP request's client. Every
// HTTP transport of Clara (the REST API and MCP over Streamable HTTP and
// SSE) asks it, so that per-address limits and logs agree whichever way a
// client comes in.
package clientaddr

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Of returns the address of r's client: the right-most valid address of
// X-Forwarded-For when trustProxy is set (the one the proxy in front of
// Clara appended; the left-most ones are whatever the client claimed), else
// the host part of RemoteAddr.
func Of(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if ip := forwardedFor(r.Header.Values("X-Forwarded-For")); ip != "" {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// forwardedFor returns the right-most address of the X-Forwarded-For
// values, or "" when it is missing or not an IP address.
func forwardedFor(values []string) string {
	if len(values) == 0 {
		return ""
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSpace(last)
	addr, err := netip.ParseAddr(last)
	if err != nil {
		return ""
	}
	if addr.Is4In6() {
		return addr.Unmap().String()
	}
	return last
}
