package mcpserve

import (
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// challenge holds the WWW-Authenticate values (RFC 6750, RFC 9728 §5.1)
// of the 401 answers of one MCP endpoint: they name the endpoint's
// protected resource metadata and the scopes Clara grants, so that an MCP
// host can start OAuth from its first refused request.
type challenge struct {
	missing string // no credentials presented
	invalid string // credentials presented and refused
}

// newChallenge returns the challenges of the endpoint at path of Clara at
// publicURL; without a public URL they name only the scopes.
func newChallenge(publicURL, path string) challenge {
	params := `scope="` + strings.Join(core.OAuthScopeNames(), " ") + `"`
	if publicURL = strings.TrimRight(publicURL, "/"); publicURL != "" {
		params = `resource_metadata="` + publicURL + resourceMetadataPath(path) + `", ` + params
	}
	return challenge{
		missing: "Bearer " + params,
		invalid: `Bearer error="invalid_token", ` + params,
	}
}

// refuse answers 401 with the challenge: the invalid_token one when the
// request presented credentials, else the bare one.
func (c challenge) refuse(w http.ResponseWriter, r *http.Request) {
	value := c.missing
	if r.Header.Get("Authorization") != "" {
		value = c.invalid
	}
	w.Header().Set("WWW-Authenticate", value)
	writeRPCError(w, http.StatusUnauthorized, mcp.INVALID_REQUEST, core.MsgUnauthenticated)
}

// requireCredentials refuses, with 401 and the challenge, a request that
// presents no Authorization: by default Clara's HTTP endpoints serve only
// identified callers, so that hosts learn from their first request to sign
// the user in (HTTPOptions.Anonymous lifts it).
func requireCredentials(next http.Handler, c challenge) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			c.refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
