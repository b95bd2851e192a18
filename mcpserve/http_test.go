package mcpserve_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
)

// The endpoint event is a path on the host the client connected to.
func TestSSEEndpointEvent(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{Anonymous: true})
	resp, err := http.Get(ts.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	event, _ := r.ReadString('\n')
	data, _ := r.ReadString('\n')
	if event != "event: endpoint\n" || !strings.HasPrefix(data, "data: /message?sessionId=") {
		t.Errorf("first event %q %q", event, data)
	}
}

func TestBodyLimit(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{Anonymous: true})
	for _, path := range []string{"/mcp", "/message?sessionId=none"} {
		over := mcpservetest.PaddedPing(int(mcpserve.MaxBodyBytes(core.DefaultPolicy())) + 1)
		for name, body := range map[string]io.Reader{
			"content-length": bytes.NewReader(over),
			"chunked":        io.MultiReader(bytes.NewReader(over)),
		} {
			resp, msg := mcpservetest.PostJSON(t, ts.URL+path, body)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s %s: status %d, want 413", path, name, resp.StatusCode)
			}
			e, _ := msg["error"].(map[string]any)
			if msg["jsonrpc"] != "2.0" || e["message"] != "Request body is too large." || e["code"] != float64(mcp.INVALID_REQUEST) {
				t.Errorf("%s %s: body %v", path, name, msg)
			}
		}
	}
	// A body of exactly the limit is served.
	resp, msg := mcpservetest.PostJSON(t, ts.URL+"/mcp", bytes.NewReader(mcpservetest.PaddedPing(int(mcpserve.MaxBodyBytes(core.DefaultPolicy())))))
	if resp.StatusCode != http.StatusOK || msg["result"] == nil {
		t.Errorf("body at the limit: status %d, body %v", resp.StatusCode, msg)
	}
}

// A loopback listener refuses a foreign Host header (DNS rebinding).
func TestDNSRebindingProtection(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{Anonymous: true})
	for _, path := range []string{"/mcp", "/sse", "/message"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+path, strings.NewReader(`{}`))
		req.Host = "evil.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", path, resp.StatusCode)
		}
	}
}

// The public URL's host, forwarded by a reverse proxy on the same machine,
// passes the loopback guard; other hosts still do not.
func TestAllowedHostPassesLoopbackGuard(t *testing.T) {
	h := mcpserve.NewHTTPHandlers(bareServer(), mcpserve.HTTPOptions{AllowedHosts: []string{"clara.example.com"}, Anonymous: true})
	ts := httptest.NewServer(h.Streamable)
	t.Cleanup(ts.Close)
	for host, want := range map[string]int{"clara.example.com": http.StatusOK, "CLARA.example.com:443": http.StatusOK, "evil.example": http.StatusForbidden} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Host = host
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}
