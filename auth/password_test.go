package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	pw := NewPasswords(FastPasswordParams)
	for _, p := range []string{
		"correct horse battery staple",
		"pässwörd-日本語-🔑-Ωmega",               // any Unicode
		strings.Repeat("aB3$", 32),           // 128 characters
		"::a:b::c:::",                        // colons
		" leading and trailing spaces kept ", // as given
	} {
		h, err := pw.Hash(context.Background(), p)
		if err != nil {
			t.Fatalf("Hash(%q): %v", p, err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Errorf("Hash(%q) = %q: not a PHC argon2id string with the parameters", p, h)
		}
		if !verified(pw, p, h) {
			t.Errorf("Verify(%q) of its own hash = false", p)
		}
		for _, other := range []string{p + "x", p[:len(p)-1], strings.TrimSpace(p), strings.ToUpper(p)} {
			if other != p && verified(pw, other, h) {
				t.Errorf("Verify(%q) accepted the hash of %q", other, p)
			}
		}
	}
}

func TestPasswordNotTruncated(t *testing.T) {
	pw := NewPasswords(FastPasswordParams)
	long := strings.Repeat("x", 127)
	h, err := pw.Hash(context.Background(), long+"A")
	if err != nil {
		t.Fatal(err)
	}
	if verified(pw, long+"B", h) {
		t.Error("the 128th character is ignored")
	}
}

func TestPasswordWrong(t *testing.T) {
	pw := NewPasswords(FastPasswordParams)
	h, err := pw.Hash(context.Background(), "right password")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "wrong password", "Right password", "right password "} {
		if verified(pw, p, h) {
			t.Errorf("Verify(%q) = true", p)
		}
	}
}

func TestPasswordSaltedHashesDiffer(t *testing.T) {
	pw := NewPasswords(FastPasswordParams)
	seen := map[string]bool{}
	for range 20 {
		h, err := pw.Hash(context.Background(), "same password")
		if err != nil {
			t.Fatal(err)
		}
		if seen[h] {
			t.Fatalf("hash %q repeated", h)
		}
		seen[h] = true
	}
}

func TestPasswordParamsReadFromHash(t *testing.T) {
	old := NewPasswords(PasswordParams{Memory: 128, Time: 2, Threads: 2, KeyLen: 24, SaltLen: 12})
	h, err := old.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=128,t=2,p=2$") {
		t.Fatalf("hash %q does not record its parameters", h)
	}
	cur := NewPasswords(FastPasswordParams)
	if !verified(cur, "pw", h) {
		t.Error("a hash made under other parameters no longer verifies")
	}
	if !cur.NeedsRehash(h) {
		t.Error("NeedsRehash = false for a hash with other parameters")
	}
	if old.NeedsRehash(h) {
		t.Error("NeedsRehash = true for a hash with the current parameters")
	}
	if !cur.NeedsRehash("garbage") {
		t.Error("NeedsRehash = false for a malformed hash")
	}
}

func TestPasswordMalformedOrTamperedHash(t *testing.T) {
	pw := NewPasswords(FastPasswordParams)
	h, err := pw.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$") // "", argon2id, v=19, m=64,t=1,p=1, salt, key
	with := func(i int, v string) string {
		p := slices.Clone(parts)
		p[i] = v
		return strings.Join(p, "$")
	}
	flip := func(s string) string { // change the first character
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	cases := map[string]string{
		"empty":              "",
		"dollars":            "$$$$$",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":            with(1, "argon2i"),
		"version 16":         with(2, "v=16"),
		"no version":         strings.Join(slices.Delete(slices.Clone(parts), 2, 3), "$"),
		"extra field":        h + "$x",
		"params reordered":   with(3, "t=1,m=64,p=1"),
		"params missing":     with(3, "m=64,t=1"),
		"params signed":      with(3, "m=+64,t=1,p=1"),
		"params spaced":      with(3, "m=64, t=1,p=1"),
		"time zero":          with(3, "m=64,t=0,p=1"),     // argon2 would panic
		"threads zero":       with(3, "m=64,t=1,p=0"),     // argon2 would panic
		"threads 300":        with(3, "m=4096,t=1,p=300"), // overflows uint8
		"memory 2 GiB":       with(3, "m=2097152,t=1,p=1"),
		"memory overflow":    with(3, "m=99999999999,t=1,p=1"),
		"time huge":          with(3, "m=64,t=100000,p=1"),
		"memory below 8p":    with(3, "m=8,t=1,p=4"),
		"other memory":       with(3, "m=128,t=1,p=1"),
		"other time":         with(3, "m=64,t=2,p=1"),
		"salt not base64":    with(4, "!!!!"),
		"salt padded":        with(4, parts[4]+"=="),
		"salt short":         with(4, "AAAA"),
		"salt tampered":      with(4, flip(parts[4])),
		"key tampered":       with(5, flip(parts[5])),
		"key short":          with(5, parts[5][:16]),
		"key empty":          with(5, ""),
		"key not canonical":  with(5, parts[5][:len(parts[5])-1]+"/"),
		"trailing newline":   h + "\n",
		"leading space":      " " + h,
		"uppercase argon2id": with(1, "ARGON2ID"),
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			if verified(pw, "pw", enc) {
				t.Errorf("Verify accepted %q", enc)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Verify of %q took %v", enc, d)
			}
		})
	}
}

func TestPasswordHashRefusesBadParams(t *testing.T) {
	for _, p := range []PasswordParams{
		{},
		{Memory: 64, Time: 0, Threads: 1, KeyLen: 32, SaltLen: 16},
		{Memory: 64, Time: 1, Threads: 0, KeyLen: 32, SaltLen: 16},
		{Memory: 2 << 20, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16},
		{Memory: 64, Time: 1, Threads: 1, KeyLen: 4, SaltLen: 16},
		{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 4},
	} {
		pw := NewPasswords(p)
		if h, err := pw.Hash(context.Background(), "pw"); err == nil {
			t.Errorf("Hash with %+v = %q, want an error", p, h)
		}
		_ = pw.Dummy(context.Background(), "pw") // must not panic
	}
}

func TestPasswordDefaultParamsValid(t *testing.T) {
	for name, p := range map[string]PasswordParams{"default": DefaultPasswordParams, "fast": FastPasswordParams} {
		if err := p.check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestPasswordDummyCostsAVerify checks that Dummy takes about as long as a
// Verify of a real hash (the fastest of several runs of each, to shed noise).
func TestPasswordDummyCostsAVerify(t *testing.T) {
	pw := NewPasswords(PasswordParams{Memory: 8 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16})
	h, err := pw.Hash(context.Background(), "real password")
	if err != nil {
		t.Fatal(err)
	}
	fastest := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 7 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	verify := fastest(func() { verified(pw, "wrong password", h) })
	dummy := fastest(func() { _ = pw.Dummy(context.Background(), "wrong password") })
	if r := float64(dummy) / float64(verify); r < 0.5 || r > 2 {
		t.Errorf("Dummy %v vs Verify %v: ratio %.2f", dummy, verify, r)
	}
}

func ExamplePasswords_Hash() {
	pw := NewPasswords(FastPasswordParams)
	h, _ := pw.Hash(context.Background(), "correct horse battery staple")
	fmt.Println(strings.Join(strings.Split(h, "$")[:4], "$"))
	right, _ := pw.Verify(context.Background(), "correct horse battery staple", h)
	wrong, _ := pw.Verify(context.Background(), "Tr0ub4dor&3", h)
	fmt.Println(right, wrong)
	// Output:
	// $argon2id$v=19$m=64,t=1,p=1
	// true false
}

// BenchmarkHash measures one hash with DefaultPasswordParams (the figure in
// their doc comment).
func BenchmarkHash(b *testing.B) {
	pw := NewPasswords(DefaultPasswordParams)
	for b.Loop() {
		if _, err := pw.Hash(context.Background(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// verified is Verify without a context or a busy error (the tests' hashes
// never wait for a slot).
func verified(pw *Passwords, password, encoded string) bool {
	ok, err := pw.Verify(context.Background(), password, encoded)
	if err != nil {
		panic(err)
	}
	return ok
}
