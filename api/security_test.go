package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/auth"
)

// forge signs claims with method and key behind prefix.
func forge(t *testing.T, prefix string, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("forge: %v", err)
	}
	return prefix + s
}

// TestForgedTokens: only HS256 tokens signed with Clara's key, with its
// issuer and audience, unexpired, of a live session, are accepted.
func TestForgedTokens(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	claims, err := testTokens(e.clock.Now).Parse(a.Token)
	if err != nil {
		t.Fatal(err)
	}
	keyClaims, err := testTokens(e.clock.Now).Parse(e.apiKey(t, a))
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	user := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sub": a.ID, "role": "user", "sid": claims.SessionID, "iat": now.Unix(),
			"exp": now.Add(time.Hour).Unix(), "iss": "clara", "aud": "clara"}
		if edit != nil {
			edit(c)
		}
		return c
	}
	apiKey := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sub": a.ID, "role": "api_key", "jti": keyClaims.KeyID, "iss": "clara", "aud": "clara"}
		if edit != nil {
			edit(c)
		}
		return c
	}
	key := jwtKey(testSecret)
	const up, ak = auth.UserTokenPrefix, auth.APIKeyPrefix

	// Controls: tokens forged right are accepted, so the refusals below are
	// for the reason each names.
	for _, token := range []string{
		forge(t, up, jwt.SigningMethodHS256, key, user(nil)),
		forge(t, ak, jwt.SigningMethodHS256, key, apiKey(nil)),
	} {
		if rec := e.call("GET", "/users/"+a.ID, bearer(token), ""); rec.Code != http.StatusOK {
			t.Fatalf("control token refused: %d %s", rec.Code, rec.Body)
		}
	}

	none := func(c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, token := range map[string]string{
		"alg none, user":         up + none(user(nil)),
		"alg none, api key":      ak + none(apiKey(nil)),
		"HS384":                  forge(t, up, jwt.SigningMethodHS384, key, user(nil)),
		"HS512 api key":          forge(t, ak, jwt.SigningMethodHS512, key, apiKey(nil)),
		"other secret":           forge(t, up, jwt.SigningMethodHS256, jwtKey(testSecret+"x"), user(nil)),
		"other secret, api key":  forge(t, ak, jwt.SigningMethodHS256, jwtKey("another-secret-0123456789-abcdefghij"), apiKey(nil)),
		"raw secret as key":      forge(t, up, jwt.SigningMethodHS256, []byte(testSecret), user(nil)),
		"wrong issuer":           forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { c["iss"] = "evil" })),
		"no issuer":              forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { delete(c, "iss") })),
		"wrong audience":         forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { c["aud"] = "evil" })),
		"api key, wrong aud":     forge(t, ak, jwt.SigningMethodHS256, key, apiKey(func(c jwt.MapClaims) { c["aud"] = "evil" })),
		"expired":                forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Second).Unix() })),
		"no expiry":              forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { delete(c, "exp") })),
		"other user's id":        forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { c["sub"] = "user_00000000000000000000000000000000" })),
		"unknown session":        forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { c["sid"] = "session_00000000000000000000000000000000" })),
		"no session":             forge(t, up, jwt.SigningMethodHS256, key, user(func(c jwt.MapClaims) { delete(c, "sid") })),
		"api key role as user":   forge(t, up, jwt.SigningMethodHS256, key, apiKey(nil)),
		"user role as api key":   forge(t, ak, jwt.SigningMethodHS256, key, user(nil)),
		"old api key id":         forge(t, ak, jwt.SigningMethodHS256, key, apiKey(func(c jwt.MapClaims) { c["jti"] = "api_key_00000000000000000000000000000000" })),
		"no prefix":              strings.TrimPrefix(a.Token, up),
		"api key prefix on user": ak + strings.TrimPrefix(a.Token, up),
		"tampered payload":       tamper(a.Token),
		"truncated signature":    a.Token[:len(a.Token)-2],
		"prefix only":            up,
	} {
		rec := e.call("GET", "/users/"+a.ID, bearer(token), "")
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != bodyUnauth {
			t.Errorf("%s: got %d %s", name, rec.Code, rec.Body)
		}
	}
	// Schemes and spacing.
	for _, authz := range []string{"bearer " + a.Token, "BEARER  " + a.Token} {
		if rec := e.call("GET", "/users/"+a.ID, authz, ""); rec.Code != http.StatusOK {
			t.Errorf("%q: %d %s", authz[:8], rec.Code, rec.Body)
		}
	}
	for _, authz := range []string{"Bearer", "Bearer " + a.Token + " x", "Token " + a.Token, a.Token} {
		expect(t, e.call("GET", "/users/"+a.ID, authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
}

// tamper changes the subject of a token's payload without re-signing.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	parts[1] = strings.Replace(parts[1], parts[1][5:6], string(rune(parts[1][5]^1)), 1)
	return strings.Join(parts, ".")
}

// TestTokenExpiry: user tokens last 7 days; API keys do not expire.
func TestTokenExpiry(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	key := e.apiKey(t, a)
	e.clock.Advance(7*24*time.Hour - time.Second)
	if rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("token before expiry: %d %s", rec.Code, rec.Body)
	}
	e.clock.Advance(time.Second)
	expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusUnauthorized, bodyUnauth)
	expect(t, e.call("DELETE", "/auth/session", bearer(a.Token), ""), http.StatusUnauthorized, bodyUnauth)
	e.clock.Advance(365 * 24 * time.Hour)
	if rec := e.call("GET", "/users/"+a.ID, bearer(key), ""); rec.Code != http.StatusOK {
		t.Fatalf("api key after a year: %d %s", rec.Code, rec.Body)
	}
}

// TestPublicKeyScope: the public key opens only the public-key endpoints.
func TestPublicKeyScope(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/users/" + a.ID, ""},
		{"PATCH", "/users/" + a.ID, `{"first_name":"Eve"}`},
		{"GET", "/users/" + a.ID + "/api_key", ""},
		{"POST", "/users/" + a.ID + "/api_key", ""},
		{"POST", "/users/" + a.ID + "/2fa", `{"code":"123456"}`},
		{"DELETE", "/users/" + a.ID + "/2fa", `{"code":"123456"}`},
		{"POST", "/users/" + a.ID + "/2fa/totp", ""},
		{"DELETE", "/auth/session", ""},
	} {
		expect(t, e.call(tc.method, tc.path, testPublicKey, tc.body), http.StatusUnauthorized, bodyUnauth)
	}
}
