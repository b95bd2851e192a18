package googleid

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/core"
)

const (
	clientWeb    = "web-client.apps.googleusercontent.com"
	clientMobile = "mobile-client.apps.googleusercontent.com"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is a local JWKS server publishing one RSA key ("k1"), and a second
// key ("k2") it does not publish.
type fixture struct {
	server    *httptest.Server
	published *rsa.PrivateKey
	other     *rsa.PrivateKey
	fetches   atomic.Int32
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{published: genKey(t), other: genKey(t)}
	jwks, err := json.Marshal(map[string]any{"keys": []any{jwk("k1", &f.published.PublicKey)}})
	if err != nil {
		t.Fatal(err)
	}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(f.server.Close)
	return f
}

func genKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// jwk is the JSON Web Key of an RSA public key.
func jwk(kid string, pub *rsa.PublicKey) map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	return map[string]string{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

func (f *fixture) verifier(ids ...string) *Verifier {
	return New(context.Background(), Config{
		JWKSURL:    f.server.URL,
		ClientIDs:  ids,
		HTTPClient: f.server.Client(),
		Now:        func() time.Time { return now },
	})
}

// claims are valid ID token claims for clientWeb at now.
func claims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "https://accounts.google.com", "aud": clientWeb, "azp": clientWeb,
		"sub": "110169484474386276334", "email": "  Alice.Smith@Example.COM ", "email_verified": true,
		"given_name": "Alice", "family_name": "Smith", "name": "Alice Smith",
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

func with(c jwt.MapClaims, changes jwt.MapClaims) jwt.MapClaims {
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign returns the JWT of c signed with method and key, with header kid.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyValid(t *testing.T) {
	f := newFixture(t)
	v := f.verifier(clientWeb)
	id, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, f.published, "k1", claims()))
	if err != nil {
		t.Fatal(err)
	}
	want := core.GoogleIdentity{
		Subject: "110169484474386276334", Email: "alice.smith@example.com", EmailVerified: true,
		GivenName: "Alice", FamilyName: "Smith", Name: "Alice Smith",
	}
	if id != want {
		t.Errorf("Verify = %+v, want %+v", id, want)
	}
	// Keys are cached: more tokens, no more fetches.
	for range 3 {
		if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, f.published, "k1", claims())); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.fetches.Load(); n != 1 {
		t.Errorf("%d JWKS fetches for 4 tokens, want 1", n)
	}
}

func TestVerifyAcceptsVariants(t *testing.T) {
	f := newFixture(t)
	v := f.verifier(clientWeb, clientMobile)
	cases := map[string]string{
		"issuer without scheme":    sign(t, jwt.SigningMethodRS256, f.published, "k1", with(claims(), jwt.MapClaims{"iss": "accounts.google.com"})),
		"second client id":         sign(t, jwt.SigningMethodRS256, f.published, "k1", with(claims(), jwt.MapClaims{"aud": clientMobile})),
		"audience list":            sign(t, jwt.SigningMethodRS256, f.published, "k1", with(claims(), jwt.MapClaims{"aud": []string{"x", clientMobile}})),
		"email_verified as string": sign(t, jwt.SigningMethodRS256, f.published, "k1", with(claims(), jwt.MapClaims{"email_verified": "true"})),
		"no kid":                   sign(t, jwt.SigningMethodRS256, f.published, "", claims()),
	}
	for name, tok := range cases {
		if id, err := v.Verify(context.Background(), tok); err != nil || id.Email != "alice.smith@example.com" {
			t.Errorf("%s: Verify = %+v, %v", name, id, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	f := newFixture(t)
	v := f.verifier(clientWeb)
	rs := jwt.SigningMethodRS256
	// The classic confusion: HS256 keyed with the published RSA public key.
	der, err := x509.MarshalPKIXPublicKey(&f.published.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	cases := map[string]string{
		"wrong issuer":       sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"iss": "https://evil.example.com"})),
		"no issuer":          sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"iss": nil})),
		"wrong audience":     sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"aud": "someone-else.apps.googleusercontent.com"})),
		"second id not ours": sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"aud": clientMobile})),
		"no audience":        sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"aud": nil})),
		"expired":            sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"exp": now.Add(-time.Second).Unix()})),
		"no exp":             sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"exp": nil})),
		"bad signature":      sign(t, rs, f.other, "k1", claims()),
		"unknown kid":        sign(t, rs, f.other, "k2", claims()),
		"unverified email":   sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"email_verified": false})),
		"unverified string":  sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"email_verified": "false"})),
		"no email_verified":  sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"email_verified": nil})),
		"no email":           sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"email": nil})),
		"blank email":        sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"email": "  "})),
		"no subject":         sign(t, rs, f.published, "k1", with(claims(), jwt.MapClaims{"sub": nil})),
		"alg HS256":          sign(t, jwt.SigningMethodHS256, pubPEM, "k1", claims()),
		"alg RS512":          sign(t, jwt.SigningMethodRS512, f.published, "k1", claims()),
		"alg none":           sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", claims()),
		"not a jwt":          "not.a.jwt",
		"empty":              "",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tok)
			if !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Verify = %+v, %v; want ErrInvalidToken", id, err)
			}
			t.Log(err)
			if id != (core.GoogleIdentity{}) {
				t.Errorf("identity returned with the error: %+v", id)
			}
		})
	}
}

func TestVerifyNotConfigured(t *testing.T) {
	f := newFixture(t)
	for _, v := range []*Verifier{f.verifier(), f.verifier("", "  ")} {
		_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, f.published, "k1", claims()))
		if !errors.Is(err, ErrNotConfigured) {
			t.Errorf("Verify without client ids: %v, want ErrNotConfigured", err)
		}
	}
	if n := f.fetches.Load(); n != 0 {
		t.Errorf("%d JWKS fetches while not configured", n)
	}
}

func TestVerifyUnreachableKeys(t *testing.T) {
	f := newFixture(t)
	tok := sign(t, jwt.SigningMethodRS256, f.published, "k1", claims())
	f.server.Close()
	if _, err := f.verifier(clientWeb).Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify with the JWKS down: %v, want ErrInvalidToken", err)
	}
}
