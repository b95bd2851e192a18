package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Scheme is the kind of credential an Authorization header carries.
type Scheme int

// The schemes of the Authorization header (contract §2).
const (
	SchemeNone      Scheme = iota // no header, or an empty one
	SchemeInvalid                 // present but not any of the schemes below
	SchemeBasic                   // "Basic base64(email:password)", to log in
	SchemeUserToken               // "Bearer clara_user_…"
	SchemeAPIKey                  // "Bearer clara_api_…"
	SchemePublicKey               // a raw value without a scheme word: the public API key
	SchemeOAuth                   // "Bearer clara_oat_…": an OAuth access token
)

// String names the scheme, for logs.
func (s Scheme) String() string {
	switch s {
	case SchemeNone:
		return "none"
	case SchemeInvalid:
		return "invalid"
	case SchemeBasic:
		return "basic"
	case SchemeUserToken:
		return "user_token"
	case SchemeAPIKey:
		return "api_key"
	case SchemePublicKey:
		return "public_key"
	case SchemeOAuth:
		return "oauth"
	}
	return "unknown"
}

// Credential is a classified Authorization header. Only the fields of its
// Scheme are set.
type Credential struct {
	Scheme   Scheme
	Email    string // SchemeBasic: the text before the first colon, as sent
	Password string // SchemeBasic: the text after the first colon (may hold colons)
	Token    string // SchemeUserToken, SchemeAPIKey, SchemeOAuth: the bearer token, prefix included
	Raw      string // SchemePublicKey: the header value
}

// ParseAuthorization classifies the value of the single Authorization
// header. Scheme words ("Basic", "Bearer") are case-insensitive; token
// prefixes are not. Basic credentials must be standard base64 of valid
// UTF-8 holding a colon. A value without a space is the raw public key;
// anything else is SchemeInvalid. Nothing is verified here.
func ParseAuthorization(header string) Credential {
	if header == "" {
		return Credential{Scheme: SchemeNone}
	}
	word, rest, found := strings.Cut(header, " ")
	if !found {
		if strings.EqualFold(word, "basic") || strings.EqualFold(word, "bearer") {
			return Credential{Scheme: SchemeInvalid} // a scheme word without credentials
		}
		return Credential{Scheme: SchemePublicKey, Raw: header}
	}
	rest = strings.TrimLeft(rest, " ") // RFC 9110 §11.4: 1*SP after the scheme
	switch {
	case strings.EqualFold(word, "basic"):
		return parseBasic(rest)
	case strings.EqualFold(word, "bearer"):
		switch {
		case strings.ContainsAny(rest, " \t"):
		case strings.HasPrefix(rest, UserTokenPrefix):
			return Credential{Scheme: SchemeUserToken, Token: rest}
		case strings.HasPrefix(rest, APIKeyPrefix):
			return Credential{Scheme: SchemeAPIKey, Token: rest}
		case strings.HasPrefix(rest, OAuthTokenPrefix):
			return Credential{Scheme: SchemeOAuth, Token: rest}
		}
	}
	return Credential{Scheme: SchemeInvalid}
}

// parseBasic reads the base64 part of a Basic credential.
func parseBasic(b64 string) Credential {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !utf8.Valid(raw) {
		return Credential{Scheme: SchemeInvalid}
	}
	email, password, found := strings.Cut(string(raw), ":")
	if !found {
		return Credential{Scheme: SchemeInvalid}
	}
	return Credential{Scheme: SchemeBasic, Email: email, Password: password}
}

// EqualSecret reports whether a and b are equal in time that depends on
// neither their contents nor their lengths: it compares their SHA-256
// digests with crypto/subtle. Use it for the public API key and other held
// secrets.
func EqualSecret(a, b string) bool {
	da, db := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(da[:], db[:]) == 1
}
