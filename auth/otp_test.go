package auth

import (
	"testing"
)

func TestNewOTPCodeShapeAndUniformity(t *testing.T) {
	const n = 10_000
	var first [10]int
	seen := map[string]int{}
	for range n {
		c := NewOTPCode()
		if !sixDigits(c) {
			t.Fatalf("code %q is not six digits", c)
		}
		first[c[0]-'0']++
		seen[c]++
	}
	// Each first digit is Binomial(10 000, 0.1): mean 1 000, sd 30.
	for d, count := range first {
		if count < 850 || count > 1150 {
			t.Errorf("first digit %d: %d of %d codes, want about %d", d, count, n, n/10)
		}
	}
	// 10 000 draws from 10⁶ values: about 50 repeated pairs expected.
	if len(seen) < n-200 {
		t.Errorf("only %d distinct codes in %d", len(seen), n)
	}
}

func TestOTPHashBinding(t *testing.T) {
	k := DeriveKeys("secret")
	h := k.OTPHash("user_1", "ACTIVATION", "123456")
	if len(h) != 64 {
		t.Errorf("hash %q: want 64 hex characters", h)
	}
	if h != k.OTPHash("user_1", "ACTIVATION", "123456") {
		t.Error("OTPHash is not deterministic")
	}
	if !k.OTPMatches(h, "user_1", "ACTIVATION", "123456") {
		t.Error("the right code does not match")
	}
	refused := map[string][3]string{
		"other code":            {"user_1", "ACTIVATION", "123457"},
		"other type":            {"user_1", "TWO_FACTOR_AUTH", "123456"},
		"other user":            {"user_2", "ACTIVATION", "123456"},
		"shifted user and type": {"user_1A", "CTIVATION", "123456"},
		"shifted type and code": {"user_1", "ACTIVATION1", "23456"},
		"empty code":            {"user_1", "ACTIVATION", ""},
	}
	for name, f := range refused {
		if k.OTPMatches(h, f[0], f[1], f[2]) {
			t.Errorf("%s: matched", name)
		}
	}
	if DeriveKeys("other").OTPMatches(h, "user_1", "ACTIVATION", "123456") {
		t.Error("matched under another secret")
	}
	for _, bad := range []string{"", h[:63], h + "0", "Z" + h[1:]} {
		if k.OTPMatches(bad, "user_1", "ACTIVATION", "123456") {
			t.Errorf("stored hash %q matched", bad)
		}
	}
}
