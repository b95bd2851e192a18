package mcpserve

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// guardHost protects a server listening on loopback from DNS rebinding: a
// request that arrived on a loopback address must name a loopback host, or
// one of allowed (the host of Clara's public URL, which a reverse proxy on
// the same machine forwards). Requests on other addresses pass: rebinding
// only reaches servers a victim's browser can reach at localhost.
func guardHost(next http.Handler, allowed []string) http.Handler {
	ok := make(map[string]bool, len(allowed))
	for _, h := range allowed {
		ok[strings.ToLower(hostOnly(h))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		host := strings.ToLower(hostOnly(r.Host))
		if local != nil && isLoopback(hostOnly(local.String())) && !isLoopback(host) && !ok[host] {
			writeRPCError(w, http.StatusForbidden, mcp.INVALID_REQUEST,
				"Host "+r.Host+" is not allowed on a loopback listener; set CLARA_PUBLIC_URL to the URL clients use.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostOnly strips the port from host[:port] and the brackets of IPv6.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
