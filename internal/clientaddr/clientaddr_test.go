package clientaddr

import (
	"net/http/httptest"
	"testing"
)

func TestOf(t *testing.T) {
	cases := []struct {
		name  string
		xff   []string
		trust bool
		want  string
	}{
		{"peer when not trusted", []string{"203.0.113.7"}, false, "192.0.2.1"},
		{"peer without the header", nil, true, "192.0.2.1"},
		{"right-most forwarded address", []string{"198.51.100.1, 203.0.113.7"}, true, "203.0.113.7"},
		{"last header wins", []string{"198.51.100.1", "203.0.113.8"}, true, "203.0.113.8"},
		{"IPv4 in IPv6 unmapped", []string{"::ffff:203.0.113.9"}, true, "203.0.113.9"},
		{"IPv6", []string{"2001:db8::1"}, true, "2001:db8::1"},
		{"garbage falls back to the peer", []string{"not-an-address"}, true, "192.0.2.1"},
		{"NUL falls back to the peer", []string{"203.0.113.7\x00"}, true, "192.0.2.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:4242"
			r.Header["X-Forwarded-For"] = tc.xff
			if got := Of(r, tc.trust); got != tc.want {
				t.Errorf("Of = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOfRemoteAddrWithoutPort(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "pipe"
	if got := Of(r, false); got != "pipe" {
		t.Errorf("Of = %q, want the RemoteAddr as is", got)
	}
}
