package mcpserve_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
)

const (
	claraURL = "https://clara.example.com"
	scopes   = `scope="clara:account clara:analysis clara:billing"`
	ping     = `{"jsonrpc":"2.0","id":1,"method":"ping"}`
)

// send sends method path with body and the headers to ts, and returns the
// response and its body.
func send(t *testing.T, ts *httptest.Server, method, path, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	resp, b := mcpservetest.Do(t, method, ts.URL+path, header, strings.NewReader(body))
	return resp, string(b)
}

// By default a request without credentials is refused on every HTTP
// endpoint with 401 and the challenge naming that endpoint's metadata and
// the scopes, from which an MCP host starts OAuth.
func TestRequestWithoutCredentialsIsChallenged(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{PublicURL: claraURL + "/", SSEKeepAlive: -1})
	unauthenticated := `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"` + core.MsgUnauthenticated + `"}}`
	for _, tc := range []struct{ method, path, challenge string }{
		{http.MethodPost, "/mcp", `Bearer resource_metadata="https://clara.example.com/.well-known/oauth-protected-resource/mcp", ` + scopes},
		{http.MethodGet, "/mcp", `Bearer resource_metadata="https://clara.example.com/.well-known/oauth-protected-resource/mcp", ` + scopes},
		{http.MethodGet, "/sse", `Bearer resource_metadata="https://clara.example.com/.well-known/oauth-protected-resource/sse", ` + scopes},
		{http.MethodPost, "/message?sessionId=x", `Bearer resource_metadata="https://clara.example.com/.well-known/oauth-protected-resource/sse", ` + scopes},
	} {
		resp, body := send(t, ts, tc.method, tc.path, ping, nil)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != tc.challenge {
			t.Errorf("%s %s: %d, WWW-Authenticate %q, want 401 %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), tc.challenge)
		}
		if strings.TrimSpace(body) != unauthenticated {
			t.Errorf("%s %s: body %s", tc.method, tc.path, body)
		}
	}
	// Credentials pass the transport (without a Service, the tools check them).
	if resp, body := send(t, ts, http.MethodPost, "/mcp", ping, map[string]string{"Authorization": "Bearer tok_123"}); resp.StatusCode != http.StatusOK {
		t.Errorf("with credentials: %d %s", resp.StatusCode, body)
	}
	// Without a public URL the challenge names only the scopes.
	bare := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{})
	if resp, _ := send(t, bare, http.MethodPost, "/mcp", ping, nil); resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Bearer "+scopes {
		t.Errorf("no public URL: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

// With anonymous access on, callers without credentials are served.
func TestAnonymousAccessServesCallersWithoutCredentials(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{PublicURL: claraURL, Anonymous: true})
	c, err := client.NewStreamableHttpClient(ts.URL + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	start(t, c)
	req := mcp.CallToolRequest{}
	req.Params.Name = "test_echo"
	if res, err := c.CallTool(t.Context(), req); err != nil || res.IsError {
		t.Errorf("a tool call without credentials: %v, %v", res, err)
	}
	if resp, body := send(t, ts, http.MethodPost, "/mcp", ping, nil); resp.StatusCode != http.StatusOK || resp.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("ping without credentials: %d %s", resp.StatusCode, body)
	}
}

// The protected resource metadata of /mcp and /sse (RFC 9728) is served at
// the bare well-known path (for /mcp) and the path-suffixed ones: GET
// only, JSON, cacheable and readable from any origin.
func TestProtectedResourceMetadata(t *testing.T) {
	ts := mcpservetest.ServeHTTP(t, bareServer(), mcpserve.HTTPOptions{PublicURL: claraURL + "/"})
	doc := func(resource string) string {
		return `{"resource":"https://clara.example.com/` + resource + `","authorization_servers":["https://clara.example.com"],` +
			`"scopes_supported":["clara:account","clara:analysis","clara:billing"],"bearer_methods_supported":["header"],"resource_name":"Clara"}`
	}
	for path, want := range map[string]string{
		"/.well-known/oauth-protected-resource":     doc("mcp"),
		"/.well-known/oauth-protected-resource/mcp": doc("mcp"),
		"/.well-known/oauth-protected-resource/sse": doc("sse"),
	} {
		resp, body := send(t, ts, http.MethodGet, path, "", map[string]string{"Origin": "https://host.example"})
		if resp.StatusCode != http.StatusOK || body != want {
			t.Errorf("GET %s: %d %s, want %s", path, resp.StatusCode, body, want)
		}
		for k, v := range map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"} {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("GET %s: %s %q, want %q", path, k, got, v)
			}
		}
		if resp, _ := send(t, ts, http.MethodPost, path, "{}", nil); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: %d, want 405", path, resp.StatusCode)
		}
	}
	// Each handler refuses other methods itself, whatever mounts it.
	h := mcpserve.NewHTTPHandlers(bareServer(), mcpserve.HTTPOptions{PublicURL: claraURL})
	if len(h.ResourceMetadata) != 3 {
		t.Fatalf("%d metadata documents, want 3", len(h.ResourceMetadata))
	}
	for path, doc := range h.ResourceMetadata {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
			rec := httptest.NewRecorder()
			doc.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d, Allow %q", method, path, rec.Code, rec.Header().Get("Allow"))
			}
		}
	}
	if h := mcpserve.NewHTTPHandlers(bareServer(), mcpserve.HTTPOptions{}); len(h.ResourceMetadata) != 0 {
		t.Errorf("no public URL: %d metadata documents", len(h.ResourceMetadata))
	}
}
