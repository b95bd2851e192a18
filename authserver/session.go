package authserver

import (
	"maps"
	"time"

	"github.com/ory/fosite"
)

// session is what Clara keeps with every authorization: who allowed which
// client, on which resource, and the grant the tokens will name. Its ID
// doubles as the authorization's request id, so every token of one
// authorization (code, refresh tokens, access tokens) leads to one grant.
type session struct {
	UserID     string                         `json:"user_id"`
	GrantID    string                         `json:"grant_id"`
	Resource   string                         `json:"resource"`
	ClientName string                         `json:"client_name"`
	ExpiresAt  map[fosite.TokenType]time.Time `json:"expires_at"`
}

var _ fosite.Session = (*session)(nil)

// SetExpiresAt records when the token of type key expires.
func (s *session) SetExpiresAt(key fosite.TokenType, exp time.Time) {
	if s.ExpiresAt == nil {
		s.ExpiresAt = make(map[fosite.TokenType]time.Time)
	}
	s.ExpiresAt[key] = exp
}

// GetExpiresAt returns when the token of type key expires (zero: unknown).
func (s *session) GetExpiresAt(key fosite.TokenType) time.Time {
	return s.ExpiresAt[key]
}

// GetUsername returns "": Clara's tokens name users by id.
func (s *session) GetUsername() string { return "" }

// GetSubject returns the user's id.
func (s *session) GetSubject() string { return s.UserID }

// Clone returns a deep copy.
func (s *session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	c := *s
	c.ExpiresAt = maps.Clone(s.ExpiresAt)
	return &c
}

// sessionOf returns the Clara session of r (nil when it has another kind).
func sessionOf(r fosite.Requester) *session {
	s, _ := r.GetSession().(*session)
	return s
}
