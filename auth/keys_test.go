package auth

import (
	"bytes"
	"testing"
)

func TestDeriveKeysSeparatesUses(t *testing.T) {
	k := DeriveKeys("server-secret")
	for name, key := range map[string][]byte{"jwt": k.jwt, "otp": k.otp, "totp": k.totp} {
		if len(key) != keyLen {
			t.Errorf("%s key: %d bytes, want %d", name, len(key), keyLen)
		}
	}
	if bytes.Equal(k.jwt, k.otp) || bytes.Equal(k.jwt, k.totp) || bytes.Equal(k.otp, k.totp) {
		t.Error("two uses share a key")
	}
}

func TestDeriveKeysDeterministicPerSecret(t *testing.T) {
	a, b, c := DeriveKeys("s1"), DeriveKeys("s1"), DeriveKeys("s2")
	if !bytes.Equal(a.jwt, b.jwt) || !bytes.Equal(a.otp, b.otp) || !bytes.Equal(a.totp, b.totp) {
		t.Error("same secret gave different keys")
	}
	if bytes.Equal(a.jwt, c.jwt) || bytes.Equal(a.otp, c.otp) || bytes.Equal(a.totp, c.totp) {
		t.Error("different secrets gave the same key")
	}
}
