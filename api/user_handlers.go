package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/clara-backend/clara/core"
)

// The messages of the user endpoints (contract §5, rows 10–11).
const (
	msgUserFetched = "User fetched successfully."
	msgUserUpdated = "User updated successfully."
)

// viewUser answers GET /api/v1/users/{user_id} (user token or API key,
// also before activation): 200 with the user.
func (s *server) viewUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.svc.ViewUser(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusOK, u, msgUserFetched)
}

// updateUserRequest is the body of Update User: any of its fields, and no
// other key (email, credits and the rest are read-only).
type updateUserRequest struct {
	FirstName  *string `json:"first_name"`
	LastName   *string `json:"last_name"`
	IsDarkMode *bool   `json:"is_dark_mode"`
}

// updateUserFields are the keys of updateUserRequest.
var updateUserFields = []string{"first_name", "last_name", "is_dark_mode"}

// UnmarshalJSON implements json.Unmarshaler. It decodes strictly, as
// decodeJSON does, and also refuses a field given as null: a pointer field
// could not tell it from an absent one, and a client sending
// "last_name": null would otherwise be told it succeeded.
func (u *updateUserRequest) UnmarshalJSON(b []byte) error {
	type plain updateUserRequest // the fields without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*plain)(u)); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for key, value := range raw {
		for _, field := range updateUserFields {
			// encoding/json matches keys without regard to case.
			if strings.EqualFold(key, field) && string(value) == "null" {
				return core.ErrInvalid(core.FieldError{Field: field, Problem: "must not be null"})
			}
		}
	}
	return nil
}

// updateUser answers PATCH /api/v1/users/{user_id} (user token): 200 with
// the updated user. Any key but first_name, last_name and is_dark_mode is
// a 400 and changes nothing.
func (s *server) updateUser(w http.ResponseWriter, r *http.Request) {
	var req updateUserRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	u, err := s.svc.UpdateUser(r.Context(), principal(r), pathParam(r, "user_id"), core.ProfileUpdate{
		FirstName: req.FirstName, LastName: req.LastName, IsDarkMode: req.IsDarkMode,
	})
	reply(w, r, err, http.StatusOK, u, msgUserUpdated)
}
