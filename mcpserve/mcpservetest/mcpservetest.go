// Package mcpservetest serves an MCP server on Clara's transports in
// tests, as the command line does: the HTTP transports on their paths of
// `clara serve`, and stdio over a pair of pipes.
package mcpservetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/mcpserve"
)

// ServeHTTP mounts the HTTP transports of s, built with opts, at /mcp,
// /sse and /message of a test server, and their resource metadata (GET
// only) at its well-known paths, closed (streams first) when the test ends.
func ServeHTTP(t testing.TB, s *server.MCPServer, opts mcpserve.HTTPOptions) *httptest.Server {
	t.Helper()
	h := mcpserve.NewHTTPHandlers(s, opts)
	mux := http.NewServeMux()
	mux.Handle("/mcp", h.Streamable)
	mux.Handle("/sse", h.SSE)
	mux.Handle("/message", h.Message)
	for path, doc := range h.ResourceMetadata {
		mux.Handle("GET "+path, doc)
	}
	ts := httptest.NewUnstartedServer(mux)
	ts.Config.RegisterOnShutdown(h.CloseStreams)
	ts.Start()
	t.Cleanup(func() {
		h.CloseStreams() // httptest's Close does not call Shutdown
		ts.Close()
	})
	return ts
}

// Stdio serves s over a pair of pipes with mcpserve.ServeStdio and the
// session's context func. Closing the returned client closes the server's
// stdin; done yields what ServeStdio returned.
func Stdio(t testing.TB, ctx context.Context, s *server.MCPServer, session func(context.Context) context.Context, opts ...client.ClientOption) (c *client.Client, done <-chan error) {
	t.Helper()
	clientIn, serverOut := io.Pipe()
	serverIn, clientOut := io.Pipe()
	served := make(chan error, 1)
	go func() {
		err := mcpserve.ServeStdio(ctx, s, serverIn, serverOut, session)
		_ = serverOut.Close()
		served <- err
	}()
	c = client.NewClient(transport.NewIO(clientIn, clientOut, nil), opts...)
	t.Cleanup(func() { _ = c.Close() })
	return c, served
}

// WaitDone waits for ServeStdio to return and checks it returned nil.
func WaitDone(t testing.TB, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeStdio returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeStdio did not return")
	}
}

// PostJSON posts body to url as a JSON-RPC client would and returns the
// response with its body decoded (nil when it is not JSON); a body of known
// length is sent with Content-Length, any other chunked.
func PostJSON(t testing.TB, url string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	return PostJSONWith(t, url, nil, body)
}

// PostJSONWith is PostJSON sending the headers of header too (Authorization,
// User-Id, …).
func PostJSONWith(t testing.TB, url string, header map[string]string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	resp, b := Do(t, http.MethodPost, url, header, body)
	var msg map[string]any
	_ = json.Unmarshal(b, &msg)
	return resp, msg
}

// Do sends a request of method to url with body (nil for none), the
// headers of a JSON-RPC client and those of header, and returns the
// response and its whole body, read and closed. Not for open event streams.
func Do(t testing.TB, method, url string, header map[string]string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", method, url, err)
	}
	return resp, b
}

// PaddedPing is a JSON-RPC ping padded with spaces to n bytes.
func PaddedPing(n int) []byte {
	ping := []byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
	return append(ping, bytes.Repeat([]byte(" "), n-len(ping))...)
}
