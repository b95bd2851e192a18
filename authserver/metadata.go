package authserver

import (
	"encoding/json"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
)

// metadata is the authorization server metadata (RFC 8414) of Clara.
type metadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethods     []string `json:"revocation_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
}

// The client authentication methods of the token and revocation endpoints.
const (
	authNone        = "none"
	authSecretBasic = "client_secret_basic"
	authSecretPost  = "client_secret_post"
)

// authMethods are the client authentication methods Clara takes.
var authMethods = []string{authNone, authSecretBasic, authSecretPost}

// metadataDocument returns the server's metadata.
func (s *Server) metadataDocument() metadata {
	return metadata{
		Issuer:                            s.issuer,
		AuthorizationEndpoint:             s.issuer + authorizePath,
		TokenEndpoint:                     s.issuer + tokenPath,
		RegistrationEndpoint:              s.issuer + registerPath,
		RevocationEndpoint:                s.issuer + revokePath,
		ScopesSupported:                   core.OAuthScopeNames(),
		ResponseTypesSupported:            responseTypes,
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               grantTypes,
		TokenEndpointAuthMethodsSupported: authMethods,
		RevocationEndpointAuthMethods:     authMethods,
		CodeChallengeMethodsSupported:     []string{"S256"},
		ClientIDMetadataDocumentSupported: true,
	}
}

// serveMetadata answers the metadata document: cacheable, readable from
// any origin (browser-based hosts fetch it).
func (s *Server) serveMetadata(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, s.metadataDocument())
}

// writeJSON answers v as JSON with status, never cached unless the
// caller said otherwise.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// addr returns the client's address.
func (s *Server) addr(r *http.Request) string { return clientaddr.Of(r, s.opts.TrustProxy) }
