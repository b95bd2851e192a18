package core

import (
	"crypto/rand"
	"encoding/hex"
)

// The prefixes of Clara's identifiers.
const (
	PrefixUser        = "user_"
	PrefixAPIKey      = "api_key_"
	PrefixTransaction = "transaction_"
	PrefixTask        = "task_"
	PrefixOTP         = "otp_"
	PrefixSession     = "session_"
	PrefixPurchase    = "purchase_"
	PrefixOAuthGrant  = "oauth_grant_"
	PrefixOAuthClient = "oauth_client_"
)

// NewID returns prefix followed by 32 lowercase hex characters of a random
// (version 4) UUID without dashes, the shape of every Clara identifier.
func NewID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	out := make([]byte, len(prefix)+32)
	copy(out, prefix)
	hex.Encode(out[len(prefix):], b[:])
	return string(out)
}
