package tools

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// The headers every HTTP test client sends.
var testHeaders = map[string]string{"Authorization": "Bearer tok_123", "User-Id": "user_abc"}

// serveHTTP mounts the HTTP transports of s as `clara serve` does, but
// without checking credentials, so that handlers see the raw headers.
func serveHTTP(t *testing.T, s *server.MCPServer) *httptest.Server {
	t.Helper()
	logger, _ := testLogger(t)
	return serveHTTPWith(t, s, HTTPOptions{Logger: logger})
}

// serveHTTPWith mounts the HTTP transports of s, built with opts, on the
// paths of `clara serve`.
func serveHTTPWith(t *testing.T, s *server.MCPServer, opts HTTPOptions) *httptest.Server {
	t.Helper()
	h := NewHTTPHandlers(s, opts)
	mux := http.NewServeMux()
	mux.Handle("/mcp", h.Streamable)
	mux.Handle("/sse", h.SSE)
	mux.Handle("/message", h.Message)
	ts := httptest.NewUnstartedServer(mux)
	ts.Config.RegisterOnShutdown(h.CloseStreams)
	ts.Start()
	t.Cleanup(func() {
		h.CloseStreams() // httptest's Close does not call Shutdown
		ts.Close()
	})
	return ts
}

// checkWhoami checks that the handler saw the test headers.
func checkWhoami(t *testing.T, c *client.Client, transport string) {
	t.Helper()
	got := structured(t, call(t, c, "test_whoami", nil))
	want := map[string]any{"present": true, "authorization": "Bearer tok_123", "user_id": "user_abc", "transport": transport}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handler saw %v, want %v", got, want)
	}
}

func TestStreamableHTTP(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			ts := serveHTTP(t, s)
			tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(testHeaders))
			if err != nil {
				t.Fatal(err)
			}
			c := client.NewClient(tr, era.opts...)
			t.Cleanup(func() { _ = c.Close() })
			connect(t, c, era.protocol)
			if id := c.GetSessionId(); id != "" {
				t.Errorf("stateless server gave session id %q", id)
			}
			probe(t, c)
			checkWhoami(t, c, "mcp-http")
		})
	}
}

// The Go client speaks either era over SSE; the TypeScript SDK speaks legacy.
func TestSSE(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			ts := serveHTTP(t, s)
			tr, err := transport.NewSSE(ts.URL+"/sse", transport.WithHeaders(testHeaders))
			if err != nil {
				t.Fatal(err)
			}
			c := client.NewClient(tr, era.opts...)
			t.Cleanup(func() { _ = c.Close() })
			connect(t, c, era.protocol)
			if ep := client.GetEndpoint(c); ep.Path != "/message" || ep.Host != strings.TrimPrefix(ts.URL, "http://") {
				t.Errorf("message endpoint %s", ep)
			}
			probe(t, c)
			checkWhoami(t, c, "mcp-sse")
		})
	}
}

// The endpoint event is a path on the host the client connected to.
func TestSSEEndpointEvent(t *testing.T) {
	s, _, _ := newTestServer(t)
	ts := serveHTTP(t, s)
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

// postJSON posts body to url; a known length is sent as Content-Length,
// else the body is chunked.
func postJSON(t *testing.T, url string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &msg)
	return resp, msg
}

// paddedPing is a JSON-RPC ping padded with spaces to n bytes.
func paddedPing(n int) []byte {
	ping := []byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
	return append(ping, bytes.Repeat([]byte(" "), n-len(ping))...)
}

func TestBodyLimit(t *testing.T) {
	s, _, _ := newTestServer(t)
	ts := serveHTTP(t, s)
	for _, path := range []string{"/mcp", "/message?sessionId=none"} {
		over := paddedPing(int(MaxBodyBytes(core.DefaultPolicy())) + 1)
		for name, body := range map[string]io.Reader{
			"content-length": bytes.NewReader(over),
			"chunked":        io.MultiReader(bytes.NewReader(over)),
		} {
			resp, msg := postJSON(t, ts.URL+path, body)
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
	resp, msg := postJSON(t, ts.URL+"/mcp", bytes.NewReader(paddedPing(int(MaxBodyBytes(core.DefaultPolicy())))))
	if resp.StatusCode != http.StatusOK || msg["result"] == nil {
		t.Errorf("body at the limit: status %d, body %v", resp.StatusCode, msg)
	}
}

// A loopback listener refuses a foreign Host header (DNS rebinding).
func TestDNSRebindingProtection(t *testing.T) {
	s, _, _ := newTestServer(t)
	ts := serveHTTP(t, s)
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
	s, _, _ := newTestServer(t)
	h := NewHTTPHandlers(s, HTTPOptions{AllowedHosts: []string{"clara.example.com"}})
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
