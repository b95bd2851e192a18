package ratelimit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"sync"
)

// KeyPrefix starts the name of every key the Redis limiter writes.
const KeyPrefix = "clara:rl:"

// The kinds of state, in key names: a GCRA bucket's theoretical arrival
// time, and a fixed-window budget's count.
const (
	kindGCRA   = "gcra:"
	kindWindow = "win:"
)

// maxNamespace bounds the namespace a key name shows in clear.
const maxNamespace = 32

// keyHasher names the Redis keys of limiter keys. A limiter key holds
// client addresses, emails and ids ("login-fail:ann@example.com|203.0.113.9"),
// so only its namespace, up to the first colon, is kept in clear; the rest
// is an HMAC-SHA-256 under a secret the replicas share, so that what sits in
// Redis cannot be traced back to a person, even by trying every address.
type keyHasher struct {
	pool sync.Pool // of hash.Hash
}

// newKeyHasher returns the key namer under secret (nil or empty: plain
// SHA-256, which hides keys from a casual reader only).
func newKeyHasher(secret []byte) *keyHasher {
	secret = append([]byte(nil), secret...)
	return &keyHasher{pool: sync.Pool{New: func() any {
		if len(secret) == 0 {
			return sha256.New()
		}
		return hmac.New(sha256.New, secret)
	}}}
}

// name returns the Redis key of the state of kind for limiter key:
// clara:rl:<kind><namespace>:<32 hexadecimal digits>, e.g.
// clara:rl:gcra:login-ip:5f0c….
func (h *keyHasher) name(kind, key string) string {
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(key))
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	h.pool.Put(m)
	var b strings.Builder
	b.Grow(len(KeyPrefix) + len(kind) + maxNamespace + 1 + 32)
	b.WriteString(KeyPrefix)
	b.WriteString(kind)
	if ns := namespace(key); ns != "" {
		b.WriteString(ns)
		b.WriteByte(':')
	}
	b.WriteString(hex.EncodeToString(sum[:16])) // 128 bits: no collision in practice
	return b.String()
}

// namespace returns the part of key before its first colon when it is a
// short lowercase word ("login-ip", "otp-guess"), else "".
func namespace(key string) string {
	ns, _, found := strings.Cut(key, ":")
	if !found || ns == "" || len(ns) > maxNamespace {
		return ""
	}
	for _, r := range ns {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return ""
		}
	}
	return ns
}
