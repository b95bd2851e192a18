package api

import "net/http"

// The messages of the OAuth grant endpoints (extensions).
const (
	msgOAuthGrantsFetched = "OAuth grants fetched successfully."
	msgOAuthGrantRevoked  = "OAuth grant revoked successfully."
)

// listOAuthGrants answers GET /api/v1/users/{user_id}/oauth/grants (user
// token only): 200 with the user's live OAuth grants, newest first.
func (s *server) listOAuthGrants(w http.ResponseWriter, r *http.Request) {
	grants, err := s.svc.ListOAuthGrants(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusOK, grants, msgOAuthGrantsFetched)
}

// revokeOAuthGrant answers DELETE
// /api/v1/users/{user_id}/oauth/grants/{grant_id} (user token only): 200
// once the grant is revoked, and every token of its client with it; a grant
// that is not the user's, or is revoked already, is a 404.
func (s *server) revokeOAuthGrant(w http.ResponseWriter, r *http.Request) {
	err := s.svc.RevokeOAuthGrant(r.Context(), principal(r), pathParam(r, "user_id"), pathParam(r, "grant_id"))
	reply(w, r, err, http.StatusOK, nil, msgOAuthGrantRevoked)
}
