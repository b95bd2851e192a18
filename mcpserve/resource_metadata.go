package mcpserve

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// The paths of the MCP endpoints that OAuth clients name as resources.
const (
	streamablePath = "/mcp"
	ssePath        = "/sse"
)

// resourceName is the human-readable name of Clara's MCP endpoints in
// their protected resource metadata.
const resourceName = "Clara"

// resourceMetadataCache is how long clients may keep a metadata document:
// it changes only with Clara's settings.
const resourceMetadataCache = "public, max-age=3600"

// resourceMetadataPath returns the well-known path of the protected
// resource metadata of the endpoint at path (RFC 9728 §3.1):
// /.well-known/oauth-protected-resource/mcp for /mcp.
func resourceMetadataPath(path string) string {
	return server.WellKnownProtectedResourcePath + path
}

// resourceMetadata returns the protected resource metadata (RFC 9728) of
// the endpoint at path of Clara at publicURL: Clara is its own
// authorization server, its issuer the public URL.
func resourceMetadata(publicURL, path string) server.ProtectedResourceMetadataConfig {
	return server.ProtectedResourceMetadataConfig{
		Resource:               publicURL + path,
		AuthorizationServers:   []string{publicURL},
		ScopesSupported:        core.OAuthScopeNames(),
		BearerMethodsSupported: []string{"header"},
		ResourceName:           resourceName,
	}
}

// resourceMetadataHandlers returns the handlers of the metadata documents
// of /mcp and /sse, keyed by their well-known paths: the bare
// /.well-known/oauth-protected-resource describes /mcp, and each endpoint
// has its path-suffixed document. None without a public URL.
//
// mcp-go's WithProtectedResourceMetadata answers only inside its own
// StreamableHTTPServer, which Clara's router reaches only for /mcp, and its
// NewProtectedResourceMetadataHandler forbids caching; these handlers serve
// the same document (mcp-go's type) on Clara's router, cacheable.
func resourceMetadataHandlers(publicURL string) map[string]http.Handler {
	publicURL = strings.TrimRight(publicURL, "/")
	if publicURL == "" {
		return nil
	}
	mcpDoc := serveResourceMetadata(resourceMetadata(publicURL, streamablePath))
	return map[string]http.Handler{
		server.WellKnownProtectedResourcePath: mcpDoc,
		resourceMetadataPath(streamablePath):  mcpDoc,
		resourceMetadataPath(ssePath):         serveResourceMetadata(resourceMetadata(publicURL, ssePath)),
	}
}

// serveResourceMetadata answers GET (and HEAD) with doc as JSON, cacheable
// and readable from any origin (browser-based hosts fetch it cross-origin);
// any other method gets 405.
func serveResourceMetadata(doc server.ProtectedResourceMetadataConfig) http.Handler {
	body, err := json.Marshal(doc)
	if err != nil { // strings and slices of strings always marshal
		panic("mcpserve: marshal protected resource metadata: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeRPCError(w, http.StatusMethodNotAllowed, mcp.INVALID_REQUEST, "Use GET to read this document.")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", resourceMetadataCache)
		h.Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(body)
	})
}
