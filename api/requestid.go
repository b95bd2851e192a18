package api

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// RequestIDHeader is the header that carries a request's id, both ways: a
// client may send one, and every response carries the one used.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen is the longest request id accepted from a client.
const maxRequestIDLen = 128

// validRequestID reports whether a client's request id is acceptable: 1 to
// 128 characters of [A-Za-z0-9._-], so it is safe in logs and headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// newRequestID returns 32 lowercase hex characters of 128 random bits.
// Request ids must be unique, not secret: the runtime's fast generator (a
// ChaCha8 stream seeded by the system) serves without a system call.
func newRequestID() string {
	var raw [16]byte
	binary.LittleEndian.PutUint64(raw[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(raw[8:], rand.Uint64())
	var out [32]byte
	hex.Encode(out[:], raw[:])
	return string(out[:])
}
