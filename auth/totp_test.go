package auth

import (
	"bytes"
	"image"
	_ "image/png" // registers the PNG decoder
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// totpNow is a moment 10 s into a 30-second step.
var totpNow = time.Unix(1_772_366_400+10, 0) // 1 772 366 400 = 59 078 880 × 30

func newTestTOTP(t *testing.T) (*TOTP, *fakeClock, Enrollment) {
	t.Helper()
	clock := &fakeClock{t: totpNow}
	tt := NewTOTP(DeriveKeys("secret"), "Clara", clock.Now)
	e, err := tt.Enroll("alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return tt, clock, e
}

func TestTOTPEnrollURI(t *testing.T) {
	_, _, e := newTestTOTP(t)
	u, err := url.Parse(e.URI)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Errorf("URI %q is not otpauth://totp", e.URI)
	}
	if u.Path != "/Clara:alice@example.com" {
		t.Errorf("URI path %q, want issuer and account", u.Path)
	}
	q := u.Query()
	if q.Get("issuer") != "Clara" || q.Get("period") != "30" || q.Get("digits") != "6" || q.Get("algorithm") != "SHA1" {
		t.Errorf("URI query %v", q)
	}
	if s := q.Get("secret"); len(s) != 32 { // 20 bytes in base32
		t.Errorf("secret %q: want 32 base32 characters (20 bytes)", s)
	}
	if strings.Contains(e.Secret, q.Get("secret")) {
		t.Error("the stored secret holds the plain secret")
	}
}

func TestTOTPStoredSecretIsTheURISecret(t *testing.T) {
	tt, _, e := newTestTOTP(t)
	u, _ := url.Parse(e.URI)
	want, err := totp.GenerateCode(u.Query().Get("secret"), totpNow)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tt.CodeAt(e.Secret, totpNow)
	if err != nil || got != want {
		t.Errorf("CodeAt = %q, %v; an app with the URI shows %q", got, err, want)
	}
}

func TestTOTPEnrollmentsDiffer(t *testing.T) {
	tt, _, a := newTestTOTP(t)
	b, err := tt.Enroll("alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if a.URI == b.URI || a.Secret == b.Secret {
		t.Error("two enrolments share a secret")
	}
}

func TestTOTPValidateWindows(t *testing.T) {
	tt, _, e := newTestTOTP(t)
	nowStep := totpNow.Unix() / 30
	cases := []struct {
		name   string
		offset time.Duration
		ok     bool
		step   int64
	}{
		{"now", 0, true, nowStep},
		{"t-30s", -30 * time.Second, true, nowStep - 1},
		{"t+30s", 30 * time.Second, true, nowStep + 1},
		{"t-60s", -60 * time.Second, false, 0},
		{"t+60s", 60 * time.Second, false, 0},
		{"t-1h", -time.Hour, false, 0},
	}
	for _, c := range cases {
		code, err := tt.CodeAt(e.Secret, totpNow.Add(c.offset))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := tt.Validate(e.Secret, code)
		if ok != c.ok || step != c.step {
			t.Errorf("%s: Validate = %d, %v; want %d, %v", c.name, step, ok, c.step, c.ok)
		}
	}
}

func TestTOTPValidateStepFollowsTheClock(t *testing.T) {
	tt, clock, e := newTestTOTP(t)
	code, _ := tt.CodeAt(e.Secret, totpNow)
	step, ok := tt.Validate(e.Secret, code)
	clock.t = totpNow.Add(30 * time.Second) // the same code, one step later
	step2, ok2 := tt.Validate(e.Secret, code)
	if !ok || !ok2 || step != step2 {
		t.Errorf("the same code gave steps %d (%v) and %d (%v): the caller could not see the replay", step, ok, step2, ok2)
	}
	clock.t = totpNow.Add(60 * time.Second)
	if _, ok := tt.Validate(e.Secret, code); ok {
		t.Error("a code accepted 60 s after its step")
	}
}

func TestTOTPValidateRefuses(t *testing.T) {
	tt, _, e := newTestTOTP(t)
	code, _ := tt.CodeAt(e.Secret, totpNow)
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	for _, c := range []string{wrong, "", "12345", "1234567", code[:5] + "x", " " + code, code + " ", "１２３４５６"} {
		if _, ok := tt.Validate(e.Secret, c); ok {
			t.Errorf("Validate(%q) = ok", c)
		}
	}
}

func TestTOTPSecretNeedsTheRightKey(t *testing.T) {
	tt, clock, e := newTestTOTP(t)
	code, _ := tt.CodeAt(e.Secret, totpNow)
	other := NewTOTP(DeriveKeys("another secret"), "Clara", clock.Now)
	if _, ok := other.Validate(e.Secret, code); ok {
		t.Error("validated under another key")
	}
	if _, err := other.CodeAt(e.Secret, totpNow); err == nil {
		t.Error("decrypted under another key")
	}
	if _, err := NewTOTP(Keys{}, "Clara", nil).CodeAt(e.Secret, totpNow); err == nil {
		t.Error("decrypted with zero Keys")
	}
	raw := []byte(e.Secret)
	raw[len(raw)/2] ^= 1
	for _, bad := range []string{string(raw), e.Secret[:len(e.Secret)-4], "", "!!!", "AAAA"} {
		if _, ok := tt.Validate(bad, code); ok {
			t.Errorf("validated with stored secret %q", bad)
		}
	}
}

func TestTOTPQRCode(t *testing.T) {
	_, _, e := newTestTOTP(t)
	if ct := http.DetectContentType(e.QRPNG); ct != "image/png" {
		t.Errorf("QR content type %q", ct)
	}
	img, format, err := image.Decode(bytes.NewReader(e.QRPNG))
	if err != nil || format != "png" {
		t.Fatalf("QR decodes as %q: %v", format, err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("QR is %v, want 256×256", b)
	}
}
