package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// otpDomain tags the HMAC input of email one-time codes.
const otpDomain = "clara/otp/v1"

// otpLimit is the largest multiple of 10⁶ not above 2³²: 32-bit draws at or
// above it are rejected, so every code is equally likely.
const otpLimit = (1 << 32) / 1_000_000 * 1_000_000

// NewOTPCode returns a fresh 6-digit code ("000000" to "999999"), uniform
// over all 10⁶ values: 32-bit draws from crypto/rand, rejecting those that
// would bias the remainder.
func NewOTPCode() string {
	var b [4]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
		if v := binary.BigEndian.Uint32(b[:]); v < otpLimit {
			return fmt.Sprintf("%06d", v%1_000_000)
		}
	}
}

// OTPHash returns the keyed hash stored in place of a one-time code: hex
// HMAC-SHA256 under the OTP key of the length-prefixed (user id, type,
// code). A code hashed for one user or type never matches another.
func (k Keys) OTPHash(userID, otpType, code string) string {
	return hex.EncodeToString(k.otpMAC(userID, otpType, code))
}

// OTPMatches reports, in constant time, whether code is the code of the
// stored hash for userID and otpType.
func (k Keys) OTPMatches(hash, userID, otpType, code string) bool {
	want := []byte(hex.EncodeToString(k.otpMAC(userID, otpType, code)))
	return subtle.ConstantTimeCompare(want, []byte(hash)) == 1
}

// otpMAC is the HMAC of the unambiguous encoding of the code and what it is
// bound to: each field preceded by its length as 8 big-endian bytes.
func (k Keys) otpMAC(fields ...string) []byte {
	m := hmac.New(sha256.New, k.otp)
	var n [8]byte
	for _, f := range append([]string{otpDomain}, fields...) {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}
