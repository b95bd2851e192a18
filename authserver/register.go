package authserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// unusedClientTTL is how long a registration waits for a user to allow it
// before it is deleted.
const unusedClientTTL = 24 * time.Hour

// maxRegistrationBytes bounds a registration request.
const maxRegistrationBytes = 16 << 10

// registration is a dynamic client registration request (RFC 7591 §2);
// fields Clara does not use are ignored.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	Scope                   string   `json:"scope"`
}

// registered is the answer to a registration (RFC 7591 §3.2.1).
type registered struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret,omitempty"`
	ClientIDIssuedAt        int64    `json:"client_id_issued_at"`
	ClientSecretExpiresAt   *int64   `json:"client_secret_expires_at,omitempty"`
	RedirectURIs            []string `json:"redirect_uris"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	Scope                   string   `json:"scope"`
}

// oauthError is an error of the registration endpoint (RFC 7591
// §3.2.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// serveRegister registers a client: at most RegistrationsPerHour per client
// address; a registration no user allows within a day is deleted.
func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	rate := core.Rate{Events: s.opts.RegistrationsPerHour, Per: time.Hour}
	if err := s.svc.Limit("oauth-register:"+s.addr(r), rate); err != nil {
		setRetryAfter(w, err)
		writeJSON(w, http.StatusTooManyRequests, oauthError{"too_many_requests", "Too many registrations from this address; try again later."})
		return
	}
	var in registration
	if problem := decodeJSON(w, r, maxRegistrationBytes, &in); problem != "" {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_client_metadata", problem})
		return
	}
	c, secret, problem := s.newRegistration(in)
	if problem != "" {
		code := "invalid_client_metadata"
		if strings.Contains(problem, "redirect") {
			code = "invalid_redirect_uri"
		}
		writeJSON(w, http.StatusBadRequest, oauthError{code, problem})
		return
	}
	if err := s.store.CreateOAuthClient(r.Context(), c); err != nil {
		s.log.Error("register oauth client", "err", err)
		writeJSON(w, http.StatusInternalServerError, oauthError{"server_error", "The client could not be registered."})
		return
	}
	s.sweep(r.Context())
	out := registered{
		ClientID: c.ID, ClientSecret: secret, ClientIDIssuedAt: c.CreatedAt.Unix(), RedirectURIs: c.RedirectURIs,
		ClientName: c.Name, ClientURI: c.URI, TokenEndpointAuthMethod: c.AuthMethod,
		GrantTypes: grantTypes, ResponseTypes: responseTypes,
		Scope: strings.Join(core.OAuthScopeNames(), " "),
	}
	if secret != "" {
		never := int64(0)
		out.ClientSecretExpiresAt = &never
	}
	writeJSON(w, http.StatusCreated, out)
}

// newRegistration checks a registration request and returns the client to
// store and its secret ("" for a public client), or the problem.
func (s *Server) newRegistration(in registration) (core.OAuthClient, string, string) {
	method := in.TokenEndpointAuthMethod
	if method == "" {
		method = authSecretBasic // RFC 7591 §2's default
	}
	switch {
	case !slices.Contains(authMethods, method):
		return core.OAuthClient{}, "", fmt.Sprintf("token_endpoint_auth_method must be one of %s.", strings.Join(authMethods, ", "))
	case len(in.GrantTypes) > 0 && slices.ContainsFunc(in.GrantTypes, func(g string) bool { return !slices.Contains(grantTypes, g) }):
		return core.OAuthClient{}, "", "grant_types may hold only authorization_code and refresh_token."
	case len(in.ResponseTypes) > 0 && !slices.Equal(in.ResponseTypes, responseTypes):
		return core.OAuthClient{}, "", `response_types may hold only "code".`
	case !cleantext.Valid(in.ClientName) || !cleantext.Valid(in.ClientURI) || len(in.ClientURI) > 2000:
		return core.OAuthClient{}, "", "client_name and client_uri must be valid text (client_uri at most 2000 bytes)."
	}
	if problem := redirectURIsProblem(in.RedirectURIs); problem != "" {
		return core.OAuthClient{}, "", problem
	}
	c := core.OAuthClient{
		ID: core.NewID(core.PrefixOAuthClient), AuthMethod: method, Name: clientName(in.ClientName),
		URI: in.ClientURI, RedirectURIs: in.RedirectURIs, CreatedAt: s.now().UTC().Truncate(time.Second),
	}
	if method == authNone {
		return c, "", ""
	}
	secret := newSecret()
	c.SecretHash = hashSecret(secret)
	return c, secret, ""
}

// newSecret returns a new client secret: 32 random bytes, hex.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "clara_ocs_" + hex.EncodeToString(b)
}

// hashSecret returns the SHA-256 of a client secret. A secret of 256
// random bits needs no slow hash.
func hashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// secretHasher is fosite's hasher of client secrets: SHA-256, compared in
// constant time.
type secretHasher struct{}

// Compare checks data against hash.
func (secretHasher) Compare(_ context.Context, hash, data []byte) error {
	if subtle.ConstantTimeCompare(hash, hashSecret(string(data))) != 1 {
		return errors.New("client secret mismatch")
	}
	return nil
}

// Hash returns the hash of data.
func (secretHasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	return hashSecret(string(data)), nil
}
