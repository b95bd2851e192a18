package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testResource is the audience of the OAuth tokens of these tests.
const testResource = "https://clara.example/mcp"

// oauthTokenClaims are valid OAuth access token claims at testNow.
func oauthTokenClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "user_1", "role": "oauth", "gid": "oauth_grant_1", "scope": "clara:account",
		"iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix(),
		"iss": "clara", "aud": testResource,
	}
}

func TestOAuthTokenRoundTrip(t *testing.T) {
	tk, _ := newTestTokens("secret")
	tok, exp, err := tk.IssueOAuth("user_1", "oauth_grant_1", testResource, []string{"clara:account", "clara:billing"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, OAuthTokenPrefix) {
		t.Fatalf("token %q lacks prefix %q", tok, OAuthTokenPrefix)
	}
	if want := testNow.Add(time.Hour); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v (1 h default)", exp, want)
	}
	c, err := tk.Parse(tok)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := Claims{Kind: KindOAuth, UserID: "user_1", GrantID: "oauth_grant_1", Audience: testResource, Scope: "clara:account clara:billing"}
	if !c.IssuedAt.Equal(testNow) || !c.ExpiresAt.Equal(exp) {
		t.Errorf("Parse times = %v, %v; want %v, %v", c.IssuedAt, c.ExpiresAt, testNow, exp)
	}
	if c.IssuedAt, c.ExpiresAt = (time.Time{}), (time.Time{}); c != want {
		t.Errorf("Parse = %+v, want %+v", c, want)
	}
	if got := ParseAuthorization("Bearer " + tok); got.Scheme != SchemeOAuth || got.Token != tok {
		t.Errorf("ParseAuthorization = %+v, want SchemeOAuth with the token", got)
	}
	if KindOAuth.String() != "oauth" || SchemeOAuth.String() != "oauth" {
		t.Errorf("names %q, %q; want oauth", KindOAuth, SchemeOAuth)
	}
}

func TestOAuthTokenExpiryAndTTL(t *testing.T) {
	clock := &fakeClock{t: testNow}
	tk := NewTokens(DeriveKeys("secret"), TokenOptions{Now: clock.Now, OAuthTTL: 10 * time.Minute})
	tok, exp, err := tk.IssueOAuth("user_1", "oauth_grant_1", testResource, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(10 * time.Minute); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v", exp, want)
	}
	clock.t = exp.Add(-time.Second)
	if _, err := tk.Parse(tok); err != nil {
		t.Errorf("Parse before expiry: %v", err)
	}
	clock.t = exp
	if _, err := tk.Parse(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Parse at expiry = %v, want ErrInvalidToken", err)
	}
}

func TestIssueOAuthRefusesEmptyIDs(t *testing.T) {
	tk, _ := newTestTokens("secret")
	for _, c := range [][3]string{{"", "g", testResource}, {"u", "", testResource}, {"u", "g", ""}} {
		if tok, _, err := tk.IssueOAuth(c[0], c[1], c[2], nil); err == nil {
			t.Errorf("IssueOAuth(%q, %q, %q) = %q, want an error", c[0], c[1], c[2], tok)
		}
	}
}

func TestParseRefusesOAuth(t *testing.T) {
	tk, _ := newTestTokens("secret")
	key := DeriveKeys("secret").jwt
	hs := jwt.SigningMethodHS256
	good, _, err := tk.IssueOAuth("user_1", "oauth_grant_1", testResource, []string{"clara:account"})
	if err != nil {
		t.Fatal(err)
	}
	user, _, err := tk.IssueUser("user_1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"alg none":      forge(t, OAuthTokenPrefix, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, oauthTokenClaims()),
		"HS512":         forge(t, OAuthTokenPrefix, jwt.SigningMethodHS512, key, oauthTokenClaims()),
		"wrong secret":  forge(t, OAuthTokenPrefix, hs, DeriveKeys("other").jwt, oauthTokenClaims()),
		"wrong iss":     forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"iss": "calzo"})),
		"no aud":        forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"aud": nil})),
		"empty aud":     forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"aud": ""})),
		"two auds":      forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"aud": []string{testResource, "clara"}})),
		"expired":       forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"exp": testNow.Add(-time.Second).Unix()})),
		"no exp":        forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"exp": nil})),
		"no iat":        forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"iat": nil})),
		"future iat":    forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"iat": testNow.Add(time.Hour).Unix()})),
		"no gid":        forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"gid": nil})),
		"no sub":        forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"sub": nil})),
		"user role":     forge(t, OAuthTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"role": "user"})),
		"oauth as user": forge(t, UserTokenPrefix, hs, key, with(oauthTokenClaims(), jwt.MapClaims{"aud": "clara", "sid": "s"})),
		"user as oauth": OAuthTokenPrefix + strings.TrimPrefix(user, UserTokenPrefix),
		"tampered":      tamperPayload(t, good, OAuthTokenPrefix, `"gid":"oauth_grant_1"`, `"gid":"oauth_grant_2"`),
		"too long":      good + strings.Repeat("A", maxTokenLen),
	}
	requireRefused(t, tk, cases)
}
