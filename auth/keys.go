package auth

import (
	"crypto/sha256"
	"fmt"
	"io"

	"golang.org/x/crypto/hkdf"
)

// keyLen is the length of every derived key: 256 bits.
const keyLen = 32

// hkdfSalt is the fixed, public HKDF salt of Clara's key derivation. The
// server secret is the input keying material; the info strings below
// separate the uses.
const hkdfSalt = "clara/auth/hkdf-salt/v1"

// The HKDF info strings, one per use. Changing one changes that key and
// nothing else.
const (
	infoJWT  = "clara/auth/jwt-hs256/v1"
	infoOTP  = "clara/auth/otp-hmac-sha256/v1"
	infoTOTP = "clara/auth/totp-aes256gcm/v1"
	infoCode = "clara/auth/oauth-hmac-sha512/v1"
	infoCSRF = "clara/auth/form-csrf-hmac-sha256/v1"
)

// Keys are the keys of each use of the server secret, derived with
// HKDF-SHA256 so that no two uses share a key: a leak or misuse of one does
// not give away another. The zero Keys are unusable: signing and encrypting
// with them fail.
type Keys struct {
	jwt  []byte // HS256 signing of user tokens and API keys
	otp  []byte // HMAC-SHA256 of email one-time codes
	totp []byte // AES-256-GCM of stored authenticator secrets
	code []byte // HMAC signatures of OAuth codes and refresh tokens
	csrf []byte // HMAC of the CSRF tokens of Clara's own forms
}

// DeriveKeys derives Keys from the server secret. The secret is validated
// (length, randomness) by configuration, not here; the same secret always
// gives the same Keys.
func DeriveKeys(secret string) Keys {
	return Keys{
		jwt:  derive(secret, infoJWT),
		otp:  derive(secret, infoOTP),
		totp: derive(secret, infoTOTP),
		code: derive(secret, infoCode),
		csrf: derive(secret, infoCSRF),
	}
}

// derive expands secret into one keyLen-byte key for the use named by info.
func derive(secret, info string) []byte {
	k := make([]byte, keyLen)
	r := hkdf.New(sha256.New, []byte(secret), []byte(hkdfSalt), []byte(info))
	if _, err := io.ReadFull(r, k); err != nil {
		// HKDF-SHA256 yields up to 255×32 bytes; 32 cannot fail.
		panic(fmt.Sprintf("auth: hkdf %s: %v", info, err))
	}
	return k
}

// OAuthCodes returns the key that signs OAuth authorization codes and
// refresh tokens (they are stored under their signatures).
func (k Keys) OAuthCodes() []byte { return k.code }

// FormCSRF returns the key of the CSRF tokens of Clara's own HTML forms.
func (k Keys) FormCSRF() []byte { return k.csrf }
