package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testNow is the fake clock's start.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func newTestTokens(secret string) (*Tokens, *fakeClock) {
	clock := &fakeClock{t: testNow}
	return NewTokens(DeriveKeys(secret), TokenOptions{Now: clock.Now}), clock
}

// forge signs claims with method and key and puts prefix before the JWT.
func forge(t *testing.T, prefix string, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("forge %s: %v", method.Alg(), err)
	}
	return prefix + s
}

// userClaims are valid user token claims at testNow.
func userClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "user_1", "role": "user", "sid": "session_1",
		"iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix(),
		"iss": "clara", "aud": "clara",
	}
}

// apiClaims are valid API key claims.
func apiClaims() jwt.MapClaims {
	return jwt.MapClaims{"sub": "user_1", "role": "api_key", "jti": "api_key_1", "iss": "clara", "aud": "clara"}
}

// with returns a copy of c with the changes applied; a nil value deletes.
func with(c jwt.MapClaims, changes jwt.MapClaims) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestUserTokenRoundTrip(t *testing.T) {
	tk, _ := newTestTokens("secret")
	tok, exp, err := tk.IssueUser("user_1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, UserTokenPrefix) {
		t.Fatalf("token %q lacks the user prefix", tok)
	}
	if want := testNow.Add(7 * 24 * time.Hour); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v (7 days)", exp, want)
	}
	c, err := tk.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{Kind: KindUser, UserID: "user_1", SessionID: "session_1", IssuedAt: testNow, ExpiresAt: exp}
	if c.Kind != want.Kind || c.UserID != want.UserID || c.SessionID != want.SessionID ||
		!c.IssuedAt.Equal(want.IssuedAt) || !c.ExpiresAt.Equal(want.ExpiresAt) || c.KeyID != "" {
		t.Errorf("Parse = %+v, want %+v", c, want)
	}
	payload := decodePayload(t, tok, UserTokenPrefix)
	for _, field := range []string{`"sub":"user_1"`, `"role":"user"`, `"sid":"session_1"`, `"iat":`, `"exp":`, `"iss":"clara"`, `"aud":"clara"`} {
		if !strings.Contains(payload, field) {
			t.Errorf("payload %s lacks %s", payload, field)
		}
	}
	if hdr := decodePart(t, strings.TrimPrefix(tok, UserTokenPrefix), 0); !strings.Contains(hdr, `"alg":"HS256"`) {
		t.Errorf("header %s is not HS256", hdr)
	}
}

func TestAPIKeyRoundTripAndDeterminism(t *testing.T) {
	tk, clock := newTestTokens("secret")
	a, err := tk.IssueAPIKey("user_1", "api_key_1")
	if err != nil {
		t.Fatal(err)
	}
	clock.t = clock.t.Add(400 * 24 * time.Hour) // no iat, no exp: time changes nothing
	b, err := NewTokens(DeriveKeys("secret"), TokenOptions{Now: clock.Now}).IssueAPIKey("user_1", "api_key_1")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("the same user and key id gave two tokens:\n%s\n%s", a, b)
	}
	if other, _ := tk.IssueAPIKey("user_1", "api_key_2"); other == a {
		t.Error("a new key id gave the same token")
	}
	c, err := tk.Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	if c != (Claims{Kind: KindAPIKey, UserID: "user_1", KeyID: "api_key_1"}) {
		t.Errorf("Parse = %+v", c)
	}
	payload := decodePayload(t, a, APIKeyPrefix)
	if want := `{"aud":"clara","iss":"clara","jti":"api_key_1","role":"api_key","sub":"user_1"}`; payload != want {
		t.Errorf("payload %s, want %s", payload, want)
	}
}

func TestIssueRefusesEmptyIDs(t *testing.T) {
	tk, _ := newTestTokens("secret")
	if _, _, err := tk.IssueUser("", "s"); err == nil {
		t.Error("IssueUser without user id")
	}
	if _, _, err := tk.IssueUser("u", ""); err == nil {
		t.Error("IssueUser without session id")
	}
	if _, err := tk.IssueAPIKey("u", ""); err == nil {
		t.Error("IssueAPIKey without key id")
	}
	if _, err := NewTokens(Keys{}, TokenOptions{}).IssueAPIKey("u", "k"); err == nil {
		t.Error("IssueAPIKey with zero Keys")
	}
}

func TestUserTokenExpiry(t *testing.T) {
	tk, clock := newTestTokens("secret")
	tok, exp, err := tk.IssueUser("user_1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	clock.t = exp.Add(-time.Second)
	if _, err := tk.Parse(tok); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	clock.t = exp.Add(time.Second)
	if _, err := tk.Parse(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("after expiry: err = %v, want ErrInvalidToken", err)
	}
}

func TestUserTTLOption(t *testing.T) {
	tk := NewTokens(DeriveKeys("s"), TokenOptions{UserTTL: time.Hour, Now: func() time.Time { return testNow }})
	_, exp, err := tk.IssueUser("u", "s")
	if err != nil || !exp.Equal(testNow.Add(time.Hour)) {
		t.Errorf("IssueUser with 1h TTL: exp %v, err %v", exp, err)
	}
}

func TestParseRefuses(t *testing.T) {
	tk, _ := newTestTokens("secret")
	key := DeriveKeys("secret").jwt
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good, _, err := tk.IssueUser("user_1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	goodAPI, err := tk.IssueAPIKey("user_1", "api_key_1")
	if err != nil {
		t.Fatal(err)
	}
	hs := jwt.SigningMethodHS256
	cases := map[string]string{
		"empty":            "",
		"no prefix":        strings.TrimPrefix(good, UserTokenPrefix),
		"other prefix":     "crazi_co_user_" + strings.TrimPrefix(good, UserTokenPrefix),
		"prefix only":      UserTokenPrefix,
		"not a jwt":        UserTokenPrefix + "abc.def.ghi",
		"alg none":         forge(t, UserTokenPrefix, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, userClaims()),
		"alg none api key": forge(t, APIKeyPrefix, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, apiClaims()),
		"HS384":            forge(t, UserTokenPrefix, jwt.SigningMethodHS384, key, userClaims()),
		"HS512":            forge(t, APIKeyPrefix, jwt.SigningMethodHS512, key, apiClaims()),
		"RS256":            forge(t, UserTokenPrefix, jwt.SigningMethodRS256, rsaKey, userClaims()),
		"wrong secret":     forge(t, UserTokenPrefix, hs, DeriveKeys("other").jwt, userClaims()),
		"raw secret":       forge(t, UserTokenPrefix, hs, []byte("secret"), userClaims()),
		"OTP key":          forge(t, UserTokenPrefix, hs, DeriveKeys("secret").otp, userClaims()),
		"wrong iss":        forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"iss": "calzo"})),
		"no iss":           forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"iss": nil})),
		"wrong aud":        forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"aud": "other"})),
		"no aud":           forge(t, APIKeyPrefix, hs, key, with(apiClaims(), jwt.MapClaims{"aud": nil})),
		"expired":          forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"exp": testNow.Add(-time.Second).Unix()})),
		"no exp":           forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"exp": nil})),
		"not yet valid":    forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"nbf": testNow.Add(time.Hour).Unix()})),
		"no sid":           forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"sid": nil})),
		"sid not string":   forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"sid": 7})),
		"no sub":           forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"sub": nil})),
		"no jti":           forge(t, APIKeyPrefix, hs, key, with(apiClaims(), jwt.MapClaims{"jti": nil})),
		"no role":          forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"role": nil})),
		"role admin":       forge(t, UserTokenPrefix, hs, key, with(userClaims(), jwt.MapClaims{"role": "admin"})),
		"user prefix, api role": forge(t, UserTokenPrefix, hs, key,
			with(userClaims(), jwt.MapClaims{"role": "api_key", "jti": "api_key_1"})),
		"api prefix, user role": forge(t, APIKeyPrefix, hs, key, userClaims()),
		"api key as user":       UserTokenPrefix + strings.TrimPrefix(goodAPI, APIKeyPrefix),
		"user token as api key": APIKeyPrefix + strings.TrimPrefix(good, UserTokenPrefix),
		"tampered payload":      tamperPayload(t, good, UserTokenPrefix, `"sub":"user_1"`, `"sub":"user_2"`),
		"tampered api payload":  tamperPayload(t, goodAPI, APIKeyPrefix, `"jti":"api_key_1"`, `"jti":"api_key_2"`),
		"tampered signature":    good[:len(good)-3] + flipChar(good[len(good)-3]) + good[len(good)-2:],
		"non-canonical sig":     good[:len(good)-1] + nonCanonicalLast(good[len(good)-1]),
		"signature dropped":     good[:strings.LastIndex(good, ".")+1],
		"too long":              good + strings.Repeat("A", maxTokenLen),
		"bearer word included":  "Bearer " + good,
		"trailing space":        good + " ",
	}
	requireRefused(t, tk, cases)
}

// requireRefused checks that tk refuses every token of cases (name →
// token) with ErrInvalidToken and no claims.
func requireRefused(t *testing.T, tk *Tokens, cases map[string]string) {
	t.Helper()
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := tk.Parse(tok)
			if !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Parse = %+v, %v; want ErrInvalidToken", c, err)
			}
			if c != (Claims{}) {
				t.Errorf("claims returned with the error: %+v", c)
			}
		})
	}
}

// TestParseLengthCap: a token over maxTokenLen is refused even though its
// signature and claims are good, while the longest one within it, padded
// the same way, is accepted.
func TestParseLengthCap(t *testing.T) {
	tk, _ := newTestTokens("secret")
	key := DeriveKeys("secret").jwt
	padded := func(n int) string {
		return forge(t, UserTokenPrefix, jwt.SigningMethodHS256, key, with(userClaims(), jwt.MapClaims{"pad": strings.Repeat("x", n)}))
	}
	fits := padded(0)
	for n := 1; len(padded(n)) <= maxTokenLen; n++ {
		fits = padded(n)
	}
	if _, err := tk.Parse(fits); err != nil {
		t.Fatalf("a good token of %d bytes: %v", len(fits), err)
	}
	long := padded(maxTokenLen)
	c, err := tk.Parse(long)
	if !errors.Is(err, ErrInvalidToken) || c != (Claims{}) {
		t.Fatalf("a good token of %d bytes: Parse = %+v, %v; want ErrInvalidToken", len(long), c, err)
	}
}

func TestParseCustomIssuerAudience(t *testing.T) {
	tk := NewTokens(DeriveKeys("s"), TokenOptions{Issuer: "clara-test", Audience: "clara-api", Now: func() time.Time { return testNow }})
	tok, _, err := tk.IssueUser("u", "s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Parse(tok); err != nil {
		t.Errorf("own token with custom iss/aud: %v", err)
	}
	def, _ := newTestTokens("s")
	if _, err := def.Parse(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("token for iss clara-test accepted by iss clara: %v", err)
	}
}

// decodePart returns the i-th base64url part of a JWT.
func decodePart(t *testing.T, jwtText string, i int) string {
	t.Helper()
	parts := strings.Split(jwtText, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a compact JWT", jwtText)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodePayload returns the JSON payload of a prefixed token.
func decodePayload(t *testing.T, tok, prefix string) string {
	t.Helper()
	return decodePart(t, strings.TrimPrefix(tok, prefix), 1)
}

// tamperPayload replaces old by new in the token's payload, keeping the
// header and signature.
func tamperPayload(t *testing.T, tok, prefix, old, new string) string {
	t.Helper()
	parts := strings.Split(strings.TrimPrefix(tok, prefix), ".")
	payload := decodePart(t, strings.TrimPrefix(tok, prefix), 1)
	if !strings.Contains(payload, old) {
		t.Fatalf("payload %s lacks %s", payload, old)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(payload, old, new, 1)))
	return prefix + strings.Join(parts, ".")
}

// flipChar returns another base64url character.
func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// nonCanonicalLast returns a last character that decodes to the same bytes
// as c in a 43-character (32-byte) signature: only the top 4 bits of the
// last character carry data, so changing its low 2 bits keeps the value.
func nonCanonicalLast(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}

func BenchmarkParse(b *testing.B) {
	tk := NewTokens(DeriveKeys("secret"), TokenOptions{})
	tok, _, err := tk.IssueUser("user_31e827070dcf44198ec11a9112a9a572", "session_0123456789abcdef0123456789abcdef")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := tk.Parse(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRememberedTokenExpires checks that a token Parse remembers is
// refused once it expires, and that a token differing by one character
// from a remembered one is verified on its own.
func TestRememberedTokenExpires(t *testing.T) {
	tk, clock := newTestTokens("secret")
	tok, exp, err := tk.IssueUser("user_1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := tk.Parse(tok); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
	}
	tampered := tok[:len(tok)-1] + string(rune('A'+(tok[len(tok)-1]-'A'+1)%26))
	if _, err := tk.Parse(tampered); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("tampered token: err = %v, want ErrInvalidToken", err)
	}
	clock.t = exp
	if _, err := tk.Parse(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("remembered token at expiry: err = %v, want ErrInvalidToken", err)
	}
}
