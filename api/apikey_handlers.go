package api

import "net/http"

// The messages of the API key endpoints (contract §5, rows 12–13).
const (
	msgAPIKeyFetched = "API key fetched successfully."
	msgAPIKeyReset   = "API key reset successfully."
)

// viewAPIKey answers GET /api/v1/users/{user_id}/api_key (user token only:
// a key cannot read itself): 200 with the current API key.
func (s *server) viewAPIKey(w http.ResponseWriter, r *http.Request) {
	key, err := s.svc.ViewAPIKey(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusOK, key, msgAPIKeyFetched)
}

// resetAPIKey answers POST /api/v1/users/{user_id}/api_key (user token
// only): 201 with a new API key; the old one stops working at once.
func (s *server) resetAPIKey(w http.ResponseWriter, r *http.Request) {
	key, err := s.svc.ResetAPIKey(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusCreated, key, msgAPIKeyReset)
}
