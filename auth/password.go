package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters of new password hashes.
// Each hash records its own, so hashes made under older parameters keep
// verifying after a change (and NeedsRehash reports them).
type PasswordParams struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes (parallelism)
	KeyLen  uint32 // length of the derived key in bytes
	SaltLen uint32 // length of the random salt in bytes
}

// DefaultPasswordParams are the production parameters: argon2id with
// m = 46 MiB, t = 2, p = 1, a 32-byte key and a 16-byte salt: twice the
// passes of OWASP's m = 46 MiB, t = 1 configuration, on one core so a login
// leaves the other cores serving. BenchmarkHash measured 44 ms per hash on
// the idle development machine (2-core AMD EPYC, go1.26.8 linux/amd64) and
// up to 73 ms while it was busy; aim for 30–100 ms on the production host.
var DefaultPasswordParams = PasswordParams{Memory: 46 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// FastPasswordParams are for tests only: tiny memory and one pass, so a hash
// costs well under a millisecond. Never use them in production.
var FastPasswordParams = PasswordParams{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// Bounds on the parameters of a stored hash: a tampered or corrupt row must
// not make Verify allocate gigabytes or run for minutes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxThreads   = 64
	minKeyLen    = 16
	maxKeyLen    = 128
	minSaltLen   = 8
	maxSaltLen   = 64
)

// phcID is the algorithm name in the PHC string format.
const phcID = "argon2id"

// b64 is the PHC string format's base64: standard alphabet, no padding,
// canonical encodings only.
var b64 = base64.RawStdEncoding.Strict()

// errBadParams reports parameters outside the accepted bounds.
var errBadParams = errors.New("argon2id parameters out of bounds")

// check reports whether p lies within the bounds accepted for any hash.
func (p PasswordParams) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime,
		p.Threads < 1 || p.Threads > maxThreads,
		p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB,
		p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen,
		p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("%w: m=%d t=%d p=%d key=%d salt=%d",
			errBadParams, p.Memory, p.Time, p.Threads, p.KeyLen, p.SaltLen)
	}
	return nil
}

// Passwords hashes and verifies passwords with argon2id, at most a few at
// once (HashLimits): Hash, Verify and Dummy wait briefly for a slot and
// fail with ErrBusy beyond that. It is safe for concurrent use.
type Passwords struct {
	params PasswordParams
	dummy  []byte // a fixed salt for Dummy
	gate   *gate
}

// NewPasswords returns Passwords making new hashes with p, with the default
// HashLimits: one hash per core at once. Parameters out of bounds make Hash
// fail.
func NewPasswords(p PasswordParams) *Passwords {
	return NewPasswordsLimited(p, HashLimits{})
}

// NewPasswordsLimited returns Passwords making new hashes with p, no more
// at once than l allows.
func NewPasswordsLimited(p PasswordParams, l HashLimits) *Passwords {
	return &Passwords{params: p, dummy: make([]byte, p.SaltLen), gate: newGate(l)}
}

// Hash hashes password with a fresh 16-byte (SaltLen) random salt and
// returns the PHC string "$argon2id$v=19$m=…,t=…,p=…$<salt>$<key>", base64
// without padding. The same password gives a different string each time.
// The password is used as given: any Unicode, never truncated.
func (pw *Passwords) Hash(ctx context.Context, password string) (string, error) {
	p := pw.params
	if err := p.check(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	var key []byte
	if err := pw.gate.run(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	}); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		phcID, argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the encoded hash, using the
// parameters recorded in the hash. A malformed hash, or one whose
// parameters are out of bounds, never matches. The error is ErrBusy (or
// the context's) when no hashing slot came free: nothing was checked.
func (pw *Passwords) Verify(ctx context.Context, password, encoded string) (bool, error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, nil
	}
	var key []byte
	if err := pw.gate.run(ctx, func() {
		key = argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	}); err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// Dummy spends the time of a Verify against a hash made with the current
// parameters, and matches nothing. Call it when no hash exists (unknown
// email, Google-only account) so the answer's timing does not tell. It
// takes a hashing slot like Verify, and fails as Verify would when none
// comes free.
func (pw *Passwords) Dummy(ctx context.Context, password string) error {
	p := pw.params
	if p.check() != nil {
		return nil
	}
	if err := pw.gate.run(ctx, func() {
		key := argon2.IDKey([]byte(password), pw.dummy, p.Time, p.Memory, p.Threads, p.KeyLen)
		subtle.ConstantTimeCompare(key, make([]byte, len(key)))
	}); err != nil {
		return fmt.Errorf("verify password: %w", err)
	}
	return nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// the current ones (or cannot be read), so the caller should store a new
// hash after the next successful login.
func (pw *Passwords) NeedsRehash(encoded string) bool {
	h, err := parseHash(encoded)
	return err != nil || h.params != pw.params
}

// hash is a parsed PHC string.
type hash struct {
	params PasswordParams
	salt   []byte
	key    []byte
}

// parseHash reads a PHC string as written by Hash, strictly: argon2id,
// version 19, parameters in the order m, t, p, canonical base64, and every
// parameter within bounds.
func parseHash(encoded string) (hash, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return hash{}, errors.New("password hash: not a PHC string")
	}
	if parts[1] != phcID {
		return hash{}, fmt.Errorf("password hash: algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return hash{}, fmt.Errorf("password hash: version %q", parts[2])
	}
	var h hash
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return hash{}, fmt.Errorf("password hash: parameters %q", parts[3])
	}
	m, err := paramValue(fields[0], "m=", 32)
	if err != nil {
		return hash{}, err
	}
	t, err := paramValue(fields[1], "t=", 32)
	if err != nil {
		return hash{}, err
	}
	p, err := paramValue(fields[2], "p=", 8)
	if err != nil {
		return hash{}, err
	}
	if h.salt, err = decodeB64(parts[4]); err != nil {
		return hash{}, fmt.Errorf("password hash: salt: %w", err)
	}
	if h.key, err = decodeB64(parts[5]); err != nil {
		return hash{}, fmt.Errorf("password hash: key: %w", err)
	}
	h.params = PasswordParams{
		Memory:  uint32(m),
		Time:    uint32(t),
		Threads: uint8(p),
		KeyLen:  uint32(len(h.key)),
		SaltLen: uint32(len(h.salt)),
	}
	if err := h.params.check(); err != nil {
		return hash{}, fmt.Errorf("password hash: %w", err)
	}
	return h, nil
}

// paramValue reads "<prefix><decimal>" as an unsigned integer of bits bits.
func paramValue(field, prefix string, bits int) (uint64, error) {
	s, ok := strings.CutPrefix(field, prefix)
	if !ok {
		return 0, fmt.Errorf("password hash: parameter %q, want %s…", field, prefix)
	}
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("password hash: parameter %q: %w", field, err)
	}
	return v, nil
}

// decodeB64 decodes s, accepting only the canonical encoding (the decoder
// alone skips newlines).
func decodeB64(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if b64.EncodeToString(b) != s {
		return nil, errors.New("not canonical base64")
	}
	return b, nil
}
