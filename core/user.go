package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Credits is a whole number of credits. On the wire it is written as a
// number with one decimal ("credits": 500.0), as Clara has always sent it.
type Credits int64

// MarshalJSON implements json.Marshaler.
func (c Credits) MarshalJSON() ([]byte, error) {
	b := strconv.AppendInt(make([]byte, 0, 24), int64(c), 10)
	return append(b, '.', '0'), nil
}

// UnmarshalJSON implements json.Unmarshaler; it takes whole numbers with or
// without a zero fraction ("500", "500.0").
func (c *Credits) UnmarshalJSON(b []byte) error {
	var f json.Number
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	v, err := f.Float64()
	if err != nil || v != float64(int64(v)) {
		return fmt.Errorf("credits %s: not a whole number", b)
	}
	*c = Credits(v)
	return nil
}

// User is a Clara account. JSON fields are in alphabetical order, as Clara
// has always sent them; fields tagged "-" never leave the server.
type User struct {
	CreatedAt    Timestamp `json:"created_at" jsonschema:"when the account was created (HTTP-date, GMT)"`
	Credits      Credits   `json:"credits" jsonschema:"credits available to spend on analyses"`
	Email        string    `json:"email" jsonschema:"the account's email address, lower-cased"`
	FirstName    string    `json:"first_name" jsonschema:"first name"`
	ID           string    `json:"id" jsonschema:"the user id: user_ followed by 32 hex characters"`
	Is2FAEnabled bool      `json:"is_2fa_enabled" jsonschema:"whether logging in needs a second factor (emailed code or authenticator app)"`
	IsActive     bool      `json:"is_active" jsonschema:"whether the account is activated (by the emailed ACTIVATION code)"`
	IsDarkMode   bool      `json:"is_dark_mode" jsonschema:"the user's display preference"`
	LastName     *string   `json:"last_name" jsonschema:"last name, or null when unknown"`
	UpdatedAt    Timestamp `json:"updated_at" jsonschema:"when the account last changed (HTTP-date, GMT)"`

	PasswordHash     string `json:"-"` // argon2id in PHC form; "" for Google-only accounts
	TOTPSecret       string `json:"-"` // the authenticator secret, encrypted; "" when none is enrolled
	TOTPEnabled      bool   `json:"-"` // whether TOTPSecret is confirmed and accepted at login
	TOTPLastStep     int64  `json:"-"` // the last TOTP time step accepted, against replay
	Held             int64  `json:"-"` // credits reserved for running analyses
	StripeCustomerID string `json:"-"` // the user's Stripe customer, "" until first needed
}

// SignedIn is a user with a fresh user token, the answer of Register, Google
// sign-in and Login. Its JSON is the user's fields plus "token", still in
// alphabetical order.
type SignedIn struct {
	User
	Token string `json:"token" jsonschema:"the user token (clara_user_…): send it as Authorization: Bearer <token>"`
}

// MarshalJSON implements json.Marshaler, keeping keys in alphabetical order.
func (s SignedIn) MarshalJSON() ([]byte, error) {
	b, err := marshalNoEscape(s.User)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	fields["token"], _ = marshalNoEscape(s.Token)
	return marshalNoEscape(fields) // maps marshal with sorted keys
}

// marshalNoEscape is json.Marshal without HTML escaping, as every answer is
// written.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ProfileUpdate is a change to a user's profile; nil fields stay as they are.
type ProfileUpdate struct {
	FirstName  *string
	LastName   *string
	IsDarkMode *bool
}

// Session is one login: a user token is valid only while its session is
// neither revoked nor expired.
type Session struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while the session is live
	IP        string
	UserAgent string
}

// Live reports whether the session accepts requests at now.
func (s Session) Live(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// APIKey is a user's long-lived key for programs and agents. Only its id is
// stored; the token is derived from it, so resetting the id kills the old
// token at once.
type APIKey struct {
	CreatedAt Timestamp `json:"created_at" jsonschema:"when this key was made (HTTP-date, GMT)"`
	ID        string    `json:"id" jsonschema:"the key id: api_key_ followed by 32 hex characters"`
	Token     string    `json:"token" jsonschema:"the API key (clara_api_…): send it as Authorization: Bearer <token>"`
	UpdatedAt Timestamp `json:"updated_at" jsonschema:"when this key last changed (HTTP-date, GMT)"`
	UserID    string    `json:"user_id" jsonschema:"the owner's user id"`
}
