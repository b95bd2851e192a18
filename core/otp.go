package core

import "time"

// OTPType is the purpose of a one-time code; a code of one type is never
// accepted for another.
type OTPType string

// The three purposes of one-time codes.
const (
	OTPActivation     OTPType = "ACTIVATION"
	OTPChangePassword OTPType = "CHANGE_PASSWORD"
	OTPTwoFactor      OTPType = "TWO_FACTOR_AUTH"
)

// ParseOTPType returns the OTPType named s, or false for any other value.
func ParseOTPType(s string) (OTPType, bool) {
	switch t := OTPType(s); t {
	case OTPActivation, OTPChangePassword, OTPTwoFactor:
		return t, true
	}
	return "", false
}

// OTP is a stored one-time code: only its keyed hash is kept. A user has at
// most one code of each type; a new one replaces the old.
type OTP struct {
	ID        string
	UserID    string
	Type      OTPType
	CodeHash  string // HMAC of the code, keyed by the server secret
	Attempts  int    // wrong and right submissions so far
	CreatedAt time.Time
	ExpiresAt time.Time
}
