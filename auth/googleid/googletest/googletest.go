// Package googletest plays Google's ID-token issuer for tests: it publishes
// its keys on a local JWKS server and signs ID tokens that the real
// googleid.Verifier, pointed at that server, accepts or refuses.
//
// It is an ordinary package so that the tests of several packages can share
// it; only tests import it.
package googletest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/auth/googleid"
)

// ClientID is the audience of an Issuer's tokens unless its ClientID is set.
const ClientID = "test-client.apps.googleusercontent.com"

// KeyID is the key id of the one key an Issuer publishes.
const KeyID = "k1"

// Subject is the sub claim of an Issuer's tokens.
const Subject = "1234567890"

// Issuer plays Google: it serves a JWKS publishing one RSA key (KeyID) and
// signs ID tokens with it, or with a second key it does not publish.
// Set its fields before the first token or verifier.
type Issuer struct {
	// ClientID is the aud and azp of tokens; ClientID (the constant) when
	// empty.
	ClientID string
	// Now is the clock of tokens' iat and exp and of the verifiers; time.Now
	// when nil. It is read at each use, so it may be shared with the code
	// under test.
	Now func() time.Time

	server    *httptest.Server
	published *rsa.PrivateKey
	other     *rsa.PrivateKey
	fetches   atomic.Int32
}

// New returns an Issuer with fresh keys and its JWKS server running until t
// ends.
func New(t testing.TB) *Issuer {
	t.Helper()
	g := &Issuer{published: genKey(t), other: genKey(t)}
	b64 := base64.RawURLEncoding.EncodeToString
	pub := &g.published.PublicKey
	jwks, err := json.Marshal(map[string]any{"keys": []any{map[string]string{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": KeyID,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	g.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(g.server.Close)
	return g
}

func genKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Fetches returns how many times the JWKS was fetched.
func (g *Issuer) Fetches() int { return int(g.fetches.Load()) }

// Close stops the JWKS server early, as if Google were unreachable.
func (g *Issuer) Close() { g.server.Close() }

// Verifier returns the real verifier accepting clientIDs (none: it refuses
// every token), reading keys from the JWKS on the issuer's clock.
func (g *Issuer) Verifier(clientIDs ...string) *googleid.Verifier {
	return googleid.New(context.Background(), googleid.Config{
		JWKSURL:    g.server.URL,
		ClientIDs:  clientIDs,
		HTTPClient: g.server.Client(),
		Now:        g.now,
	})
}

func (g *Issuer) now() time.Time {
	if g.Now == nil {
		return time.Now()
	}
	return g.Now()
}

// Claims returns valid ID token claims for email, held by Grace Hopper
// (Subject), issued now and expiring in an hour, with edit (when not nil)
// applied.
func (g *Issuer) Claims(email string, edit func(jwt.MapClaims)) jwt.MapClaims {
	aud, now := g.ClientID, g.now()
	if aud == "" {
		aud = ClientID
	}
	c := jwt.MapClaims{
		"iss": "https://accounts.google.com", "aud": aud, "azp": aud, "sub": Subject,
		"email": email, "email_verified": true, "given_name": "Grace", "family_name": "Hopper", "name": "Grace Hopper",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// Token returns a valid RS256 ID token for email signed with the published
// key, with edit applied to its claims (see Claims).
func (g *Issuer) Token(t testing.TB, email string, edit func(jwt.MapClaims)) string {
	t.Helper()
	return sign(t, jwt.SigningMethodRS256, g.published, KeyID, g.Claims(email, edit))
}

// TokenWithoutKeyID is Token with no kid in its header.
func (g *Issuer) TokenWithoutKeyID(t testing.TB, email string, edit func(jwt.MapClaims)) string {
	t.Helper()
	return sign(t, jwt.SigningMethodRS256, g.published, "", g.Claims(email, edit))
}

// ForgedToken is Token signed with a key the issuer does not publish, under
// kid: KeyID gives a bad signature, any other an unknown key id.
func (g *Issuer) ForgedToken(t testing.TB, kid, email string, edit func(jwt.MapClaims)) string {
	t.Helper()
	return sign(t, jwt.SigningMethodRS256, g.other, kid, g.Claims(email, edit))
}

// TokenWithAlg is Token signed with method under KeyID: an RS method uses
// the published key, an HS method keys the HMAC with the published public
// key's PEM (the classic algorithm confusion), and "none" is unsigned.
func (g *Issuer) TokenWithAlg(t testing.TB, method jwt.SigningMethod, email string, edit func(jwt.MapClaims)) string {
	t.Helper()
	var key any
	switch alg := method.Alg(); {
	case alg == "none":
		key = jwt.UnsafeAllowNoneSignatureType
	case strings.HasPrefix(alg, "RS"):
		key = g.published
	case strings.HasPrefix(alg, "HS"):
		der, err := x509.MarshalPKIXPublicKey(&g.published.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		key = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	default:
		t.Fatalf("googletest: no key for alg %s", alg)
	}
	return sign(t, method, key, KeyID, g.Claims(email, edit))
}

// sign returns the JWT of c signed with method and key, with header kid
// unless empty.
func sign(t testing.TB, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
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
