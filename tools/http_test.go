package tools

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
)

// The headers every HTTP test client sends.
var testHeaders = map[string]string{"Authorization": "Bearer tok_123", "User-Id": "user_abc"}

// serveHTTP mounts the HTTP transports of s as `clara serve` does, but
// without checking credentials, so that handlers see the raw headers, and
// serving callers without any (anonymous access on).
func serveHTTP(t *testing.T, s *server.MCPServer) *httptest.Server {
	t.Helper()
	logger, _ := testLogger(t)
	return serveHTTPWith(t, s, mcpserve.HTTPOptions{Logger: logger, Anonymous: true})
}

// serveHTTPWith mounts the HTTP transports of s, built with opts, on the
// paths of `clara serve`.
func serveHTTPWith(t *testing.T, s *server.MCPServer, opts mcpserve.HTTPOptions) *httptest.Server {
	t.Helper()
	return mcpservetest.ServeHTTP(t, s, opts)
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
