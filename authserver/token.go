package authserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/ory/fosite"

	"github.com/clara-backend/clara/core"
)

// maxFormBytes bounds the body of a token, revocation or form request.
const maxFormBytes = 64 << 10

// errInvalidTarget is RFC 8707's error for a resource Clara does not serve
// or that the grant is not for.
var errInvalidTarget = &fosite.RFC6749Error{
	ErrorField: "invalid_target", DescriptionField: "The requested resource is invalid, unknown, or malformed.",
	CodeField: http.StatusBadRequest,
}

// serveToken is the token endpoint: the authorization code (with its PKCE
// verifier) or a refresh token for an access token and a new refresh
// token. A resource parameter, when sent, must be the grant's resource.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	ctx := s.withFetchBudget(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	sess := &session{}
	ar, err := s.provider.NewAccessRequest(ctx, r, sess)
	if err != nil {
		s.writeAccessError(w, r, ar, err)
		return
	}
	if asked := r.PostForm["resource"]; len(asked) > 0 && (len(asked) > 1 || asked[0] != sessionOf(ar).Resource) {
		s.writeAccessError(w, r, ar, errInvalidTarget.WithHint("The resource must be the one the user allowed."))
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.writeAccessError(w, r, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// writeAccessError answers a token request's error, logging server faults.
func (s *Server) writeAccessError(w http.ResponseWriter, r *http.Request, ar fosite.AccessRequester, err error) {
	if rfc := fosite.ErrorToRFC6749Error(err); rfc.CodeField >= 500 {
		s.log.Error("oauth token request", "err", rfc.WithExposeDebug(true).GetDescription())
	}
	s.provider.WriteAccessError(r.Context(), w, ar, err)
}

// serveRevoke is the revocation endpoint (RFC 7009): a refresh or access
// token ends its grant and every token of it. Unknown tokens are no error.
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	err := s.provider.NewRevocationRequest(s.withFetchBudget(r), r)
	s.provider.WriteRevocationResponse(r.Context(), w, err)
}

// decodeJSON reads a JSON object of at most max bytes from r's body into
// v, and returns what is wrong with it ("" when nothing is).
func decodeJSON(w http.ResponseWriter, r *http.Request, max int64, v any) string {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return "The request must be JSON (Content-Type: application/json)."
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return fmt.Sprintf("The request body must be at most %d KiB of JSON.", max>>10)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return "The request body is not a valid JSON object of client metadata."
	}
	return ""
}

// setRetryAfter sets Retry-After from a 429 of the core.
func setRetryAfter(w http.ResponseWriter, err error) {
	var e *core.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

// validResource reports whether resource is one of Clara's MCP endpoints.
func (s *Server) validResource(resource string) bool { return slices.Contains(s.resources, resource) }
