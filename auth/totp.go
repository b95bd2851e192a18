package auth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// The authenticator-app parameters: RFC 6238 defaults, which every app
// supports.
const (
	totpPeriod     = 30 // seconds per step
	totpSkew       = 1  // steps accepted either side of now
	totpSecretSize = 20 // bytes (160 bits, RFC 4226's recommendation)
	totpQRSize     = 256
)

// totpAAD binds a stored ciphertext to its use.
const totpAAD = "clara/totp-secret/v1"

// totpOpts are the code options of every TOTP.
var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// b32 is the base32 of authenticator secrets, as in otpauth URIs.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Enrollment is a new authenticator secret: what to show the user, and what
// to store until (and after) they confirm it with a first code.
type Enrollment struct {
	URI    string // the otpauth://totp/… URI holding the secret
	QRPNG  []byte // a 256×256 PNG QR code of URI
	Secret string // the secret encrypted for storage (AES-256-GCM, base64url)
}

// TOTP enrols authenticator apps and validates their codes (RFC 6238:
// 30-second steps, 6 digits, SHA-1, one step of skew). Secrets are stored
// encrypted under the TOTP key of Keys. It is safe for concurrent use.
type TOTP struct {
	key    []byte
	issuer string
	now    func() time.Time
}

// NewTOTP returns a TOTP naming issuer in its URIs, with clock now (nil
// means time.Now).
func NewTOTP(k Keys, issuer string, now func() time.Time) *TOTP {
	if now == nil {
		now = time.Now
	}
	return &TOTP{key: k.totp, issuer: issuer, now: now}
}

// Enroll makes a fresh 20-byte secret from crypto/rand for accountName
// (the user's email) and returns its URI, QR code and encrypted form.
func (t *TOTP) Enroll(accountName string) (Enrollment, error) {
	secret := make([]byte, totpSecretSize)
	if _, err := rand.Read(secret); err != nil {
		return Enrollment{}, fmt.Errorf("totp enroll: secret: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      t.issuer,
		AccountName: accountName,
		Period:      totpPeriod,
		Secret:      secret,
		Digits:      totpOpts.Digits,
		Algorithm:   totpOpts.Algorithm,
	})
	if err != nil {
		return Enrollment{}, fmt.Errorf("totp enroll: %w", err)
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return Enrollment{}, fmt.Errorf("totp enroll: qr code: %w", err)
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return Enrollment{}, fmt.Errorf("totp enroll: png: %w", err)
	}
	sealed, err := t.seal(secret)
	if err != nil {
		return Enrollment{}, fmt.Errorf("totp enroll: %w", err)
	}
	return Enrollment{URI: key.URL(), QRPNG: qr.Bytes(), Secret: sealed}, nil
}

// Validate reports whether code is valid now for the encrypted secret, with
// one step of skew (a code of the previous or next 30-second step is
// accepted, one from 60 s ago is not), and returns the time step (Unix
// seconds / 30) of the window it matched. The caller accepts the code only
// if that step is later than the last one it accepted, so a code is never
// used twice. All three windows are compared, in constant time.
func (t *TOTP) Validate(encryptedSecret, code string) (step int64, ok bool) {
	secret, err := t.open(encryptedSecret)
	if err != nil || !sixDigits(code) {
		return 0, false
	}
	now := t.now().Unix() / totpPeriod
	matched := 0
	for s := now + totpSkew; s >= now-totpSkew; s-- { // ends on the earliest match
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), totpOpts)
		if err != nil {
			return 0, false
		}
		eq := subtle.ConstantTimeCompare([]byte(want), []byte(code))
		step = int64(subtle.ConstantTimeSelect(eq, int(s), int(step)))
		matched |= eq
	}
	if matched == 0 {
		return 0, false
	}
	return step, true
}

// CodeAt returns the code of the encrypted secret at time at. It is for
// tests and tooling (acting as the user's authenticator app); the server
// itself only validates codes.
func (t *TOTP) CodeAt(encryptedSecret string, at time.Time) (string, error) {
	secret, err := t.open(encryptedSecret)
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	code, err := hotp.GenerateCodeCustom(secret, uint64(at.Unix()/totpPeriod), totpOpts)
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	return code, nil
}

// sixDigits reports whether code is exactly six ASCII digits.
func sixDigits(code string) bool {
	if len(code) != 6 {
		return false
	}
	return strings.Trim(code, "0123456789") == ""
}

// aead returns the AES-256-GCM of the TOTP key.
func (t *TOTP) aead() (cipher.AEAD, error) {
	if len(t.key) == 0 {
		return nil, errors.New("no TOTP key (Keys not derived)")
	}
	block, err := aes.NewCipher(t.key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return gcm, nil
}

// seal encrypts a raw secret: base64url(nonce ‖ ciphertext ‖ tag), with a
// random 12-byte nonce.
func (t *TOTP) seal(secret []byte) (string, error) {
	gcm, err := t.aead()
	if err != nil {
		return "", fmt.Errorf("encrypt secret: %w", err)
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("encrypt secret: nonce: %w", err)
	}
	out := gcm.Seal(nonce, nonce, secret, []byte(totpAAD))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open decrypts a sealed secret and returns it in base32, as the otp
// package takes it.
func (t *TOTP) open(sealed string) (string, error) {
	gcm, err := t.aead()
	if err != nil {
		return "", fmt.Errorf("decrypt secret: %w", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("decrypt secret: %w", err)
	}
	if len(raw) < gcm.NonceSize()+gcm.Overhead() {
		return "", errors.New("decrypt secret: too short")
	}
	n := gcm.NonceSize()
	secret, err := gcm.Open(nil, raw[:n], raw[n:], []byte(totpAAD))
	if err != nil {
		return "", fmt.Errorf("decrypt secret: %w", err)
	}
	return b32.EncodeToString(secret), nil
}
