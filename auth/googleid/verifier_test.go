package googleid_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/auth/googleid"
	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/core"
)

const (
	clientWeb    = "web-client.apps.googleusercontent.com"
	clientMobile = "mobile-client.apps.googleusercontent.com"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// aliceEmail is the email claim of the tests' tokens, untidy on purpose.
const aliceEmail = "  Alice.Smith@Example.COM "

// newIssuer returns a test Google issuing tokens for clientWeb at now.
func newIssuer(t *testing.T) *googletest.Issuer {
	t.Helper()
	g := googletest.New(t)
	g.ClientID = clientWeb
	g.Now = func() time.Time { return now }
	return g
}

// with edits claims into Alice Smith's, then applies changes (nil deletes).
func with(changes jwt.MapClaims) func(jwt.MapClaims) {
	return func(c jwt.MapClaims) {
		c["sub"] = "110169484474386276334"
		c["given_name"], c["family_name"], c["name"] = "Alice", "Smith", "Alice Smith"
		for k, v := range changes {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
	}
}

func TestVerifyValid(t *testing.T) {
	g := newIssuer(t)
	v := g.Verifier(clientWeb)
	id, err := v.Verify(context.Background(), g.Token(t, aliceEmail, with(nil)))
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
		if _, err := v.Verify(context.Background(), g.Token(t, aliceEmail, with(nil))); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.Fetches(); n != 1 {
		t.Errorf("%d JWKS fetches for 4 tokens, want 1", n)
	}
}

func TestVerifyAcceptsVariants(t *testing.T) {
	g := newIssuer(t)
	v := g.Verifier(clientWeb, clientMobile)
	cases := map[string]string{
		"issuer without scheme":    g.Token(t, aliceEmail, with(jwt.MapClaims{"iss": "accounts.google.com"})),
		"second client id":         g.Token(t, aliceEmail, with(jwt.MapClaims{"aud": clientMobile})),
		"audience list":            g.Token(t, aliceEmail, with(jwt.MapClaims{"aud": []string{"x", clientMobile}})),
		"email_verified as string": g.Token(t, aliceEmail, with(jwt.MapClaims{"email_verified": "true"})),
		"no kid":                   g.TokenWithoutKeyID(t, aliceEmail, with(nil)),
	}
	for name, tok := range cases {
		if id, err := v.Verify(context.Background(), tok); err != nil || id.Email != "alice.smith@example.com" {
			t.Errorf("%s: Verify = %+v, %v", name, id, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	g := newIssuer(t)
	v := g.Verifier(clientWeb)
	tok := func(changes jwt.MapClaims) string { return g.Token(t, aliceEmail, with(changes)) }
	alg := func(m jwt.SigningMethod) string { return g.TokenWithAlg(t, m, aliceEmail, with(nil)) }
	cases := map[string]string{
		"wrong issuer":       tok(jwt.MapClaims{"iss": "https://evil.example.com"}),
		"no issuer":          tok(jwt.MapClaims{"iss": nil}),
		"wrong audience":     tok(jwt.MapClaims{"aud": "someone-else.apps.googleusercontent.com"}),
		"second id not ours": tok(jwt.MapClaims{"aud": clientMobile}),
		"no audience":        tok(jwt.MapClaims{"aud": nil}),
		"expired":            tok(jwt.MapClaims{"exp": now.Add(-time.Second).Unix()}),
		"no exp":             tok(jwt.MapClaims{"exp": nil}),
		"bad signature":      g.ForgedToken(t, googletest.KeyID, aliceEmail, with(nil)),
		"unknown kid":        g.ForgedToken(t, "k2", aliceEmail, with(nil)),
		"unverified email":   tok(jwt.MapClaims{"email_verified": false}),
		"unverified string":  tok(jwt.MapClaims{"email_verified": "false"}),
		"no email_verified":  tok(jwt.MapClaims{"email_verified": nil}),
		"no email":           tok(jwt.MapClaims{"email": nil}),
		"blank email":        tok(jwt.MapClaims{"email": "  "}),
		"no subject":         tok(jwt.MapClaims{"sub": nil}),
		// The classic confusion: HS256 keyed with the published RSA public key.
		"alg HS256": alg(jwt.SigningMethodHS256),
		"alg RS512": alg(jwt.SigningMethodRS512),
		"alg none":  alg(jwt.SigningMethodNone),
		"not a jwt": "not.a.jwt",
		"empty":     "",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tok)
			if !errors.Is(err, googleid.ErrInvalidToken) {
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
	g := newIssuer(t)
	for _, v := range []*googleid.Verifier{g.Verifier(), g.Verifier("", "  ")} {
		_, err := v.Verify(context.Background(), g.Token(t, aliceEmail, with(nil)))
		if !errors.Is(err, googleid.ErrNotConfigured) {
			t.Errorf("Verify without client ids: %v, want ErrNotConfigured", err)
		}
	}
	if n := g.Fetches(); n != 0 {
		t.Errorf("%d JWKS fetches while not configured", n)
	}
}

func TestVerifyUnreachableKeys(t *testing.T) {
	g := newIssuer(t)
	tok := g.Token(t, aliceEmail, with(nil))
	g.Close()
	if _, err := g.Verifier(clientWeb).Verify(context.Background(), tok); !errors.Is(err, googleid.ErrInvalidToken) {
		t.Errorf("Verify with the JWKS down: %v, want ErrInvalidToken", err)
	}
}
