package api

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/auth/googleid"
)

// googleClientID is the OAuth client id the test verifier accepts.
const googleClientID = "test-client.apps.googleusercontent.com"

// testGoogleKey is the RSA key of the test "Google", made once.
var testGoogleKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// googleIssuer plays Google: it serves its JWKS and signs ID tokens.
type googleIssuer struct {
	key   *rsa.PrivateKey
	clock *fakeClock
}

// newGoogleEnv returns an account environment whose Google sign-in is the
// real verifier, reading keys from a local JWKS server.
func newGoogleEnv(t *testing.T) (*accEnv, *googleIssuer) {
	t.Helper()
	key := testGoogleKey()
	b64 := base64.RawURLEncoding.EncodeToString
	jwks := `{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"k1","n":"` + b64(key.N.Bytes()) +
		`","e":"` + b64(big.NewInt(int64(key.E)).Bytes()) + `"}]}`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(jwks))
	}))
	t.Cleanup(ts.Close)
	g := &googleIssuer{key: key, clock: &fakeClock{now: testStart}}
	verifier := googleid.New(context.Background(), googleid.Config{
		JWKSURL: ts.URL, ClientIDs: []string{googleClientID}, HTTPClient: ts.Client(), Now: g.clock.Now,
	})
	return newAccEnv(t, envConfig{google: verifier, clock: g.clock}), g
}

// token returns a signed ID token for email, with edit applied to its claims.
func (g *googleIssuer) token(t *testing.T, email string, edit func(jwt.MapClaims)) string {
	t.Helper()
	now := g.clock.Now()
	c := jwt.MapClaims{
		"iss": "https://accounts.google.com", "aud": googleClientID, "sub": "1234567890",
		"email": email, "email_verified": true, "given_name": "Grace", "family_name": "Hopper", "name": "Grace Hopper",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(g.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGoogleSignIn(t *testing.T) {
	e, g := newGoogleEnv(t)
	body := `{"id_token":"` + g.token(t, "Grace@Example.com", nil) + `"}`

	// A new email: a new, active account (the public key is optional).
	rec := e.call("POST", "/auth/google", "", body)
	var got wireUser
	dataOf(t, rec, &got)
	want := wantUser{ID: got.ID, Email: "grace@example.com", First: "Grace", Last: ptr("Hopper"), Active: true, Dark: true,
		Created: testStart, Updated: testStart, Token: got.Token}
	if !userIDShape.MatchString(got.ID) || !userTokenShape.MatchString(got.Token) {
		t.Fatalf("user %+v", got)
	}
	expect(t, rec, http.StatusCreated, successBody(want.json(), msgRegistered))

	// The same email again: logged in, with the public key this time.
	e.clock.Advance(time.Minute)
	rec = e.call("POST", "/auth/google", testPublicKey, `{"id_token":"`+g.token(t, "grace@example.com", nil)+`"}`)
	dataOf(t, rec, &got)
	want.Token = got.Token
	expect(t, rec, http.StatusCreated, successBody(want.json(), msgLoggedIn))
	if rec := e.call("GET", "/users/"+got.ID+"/api_key", bearer(got.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("active Google user: %d %s", rec.Code, rec.Body)
	}

	// A password account signing in with Google is activated.
	a := e.register(t, "ada@example.com")
	rec = e.call("POST", "/auth/google", "", `{"id_token":"`+g.token(t, "ada@example.com", nil)+`"}`)
	var ada struct {
		ID       string `json:"id"`
		IsActive bool   `json:"is_active"`
		First    string `json:"first_name"`
	}
	dataOf(t, rec, &ada)
	if rec.Code != http.StatusCreated || ada.ID != a.ID || !ada.IsActive || ada.First != "Ada" {
		t.Fatalf("existing password account: %d %s", rec.Code, rec.Body)
	}

	// Only a given name: last_name is null.
	rec = e.call("POST", "/auth/google", "", `{"id_token":"`+g.token(t, "solo@example.com", func(c jwt.MapClaims) {
		delete(c, "family_name")
	})+`"}`)
	dataOf(t, rec, &got)
	expect(t, rec, http.StatusCreated, successBody(wantUser{ID: got.ID, Email: "solo@example.com", First: "Grace",
		Active: true, Dark: true, Created: e.clock.Now(), Updated: e.clock.Now(), Token: got.Token}.json(), msgRegistered))
}

func TestGoogleSignInErrors(t *testing.T) {
	e, g := newGoogleEnv(t)
	good := g.token(t, "grace@example.com", nil)
	expect(t, e.call("POST", "/auth/google", "", ""), http.StatusBadRequest, bodyEmpty)
	expectInvalid(t, e.call("POST", "/auth/google", "", `{}`), "id_token")
	expectInvalid(t, e.call("POST", "/auth/google", "", `{"id_token":42}`), "id_token")
	expectInvalid(t, e.call("POST", "/auth/google", "", `{"id_token":"`+good+`","email":"x@y.co"}`), "email")
	// A wrong public key is refused even though none is needed.
	expect(t, e.call("POST", "/auth/google", "wrong-key", `{"id_token":"`+good+`"}`), http.StatusUnauthorized, bodyUnauth)

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "https://accounts.google.com",
		"aud": googleClientID, "sub": "1", "email": "grace@example.com", "email_verified": true,
		"exp": e.clock.Now().Add(time.Hour).Unix()})
	forged.Header["kid"] = "k1"
	forgedToken, err := forged.SignedString(other)
	if err != nil {
		t.Fatal(err)
	}
	for name, token := range map[string]string{
		"garbage":        "not-a-token",
		"other key":      forgedToken,
		"unverified":     g.token(t, "grace@example.com", func(c jwt.MapClaims) { c["email_verified"] = false }),
		"other audience": g.token(t, "grace@example.com", func(c jwt.MapClaims) { c["aud"] = "someone-else" }),
		"other issuer":   g.token(t, "grace@example.com", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }),
		"expired":        g.token(t, "grace@example.com", func(c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(-time.Minute).Unix() }),
	} {
		rec := e.call("POST", "/auth/google", "", `{"id_token":"`+token+`"}`)
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != bodyUnauth {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	// Nobody was created.
	expect(t, e.call("POST", "/users/grace@example.com/otp/ACTIVATION", testPublicKey, ""), http.StatusNotFound, bodyNoUser)
}
