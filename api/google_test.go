package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/clara-backend/clara/auth/googleid/googletest"
	"github.com/clara-backend/clara/internal/testclock"
)

// newGoogleEnv returns an account environment whose Google sign-in is the
// real verifier, reading keys from a test Google on the env's clock.
func newGoogleEnv(t *testing.T) (*accEnv, *googletest.Issuer) {
	t.Helper()
	clock := testclock.New(testStart)
	g := googletest.New(t)
	g.Now = clock.Now
	return newAccEnv(t, envConfig{google: g.Verifier(googletest.ClientID), clock: clock}), g
}

func TestGoogleSignIn(t *testing.T) {
	e, g := newGoogleEnv(t)
	body := `{"id_token":"` + g.Token(t, "Grace@Example.com", nil) + `"}`

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
	rec = e.call("POST", "/auth/google", testPublicKey, `{"id_token":"`+g.Token(t, "grace@example.com", nil)+`"}`)
	dataOf(t, rec, &got)
	want.Token = got.Token
	expect(t, rec, http.StatusCreated, successBody(want.json(), msgLoggedIn))
	if rec := e.call("GET", "/users/"+got.ID+"/api_key", bearer(got.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("active Google user: %d %s", rec.Code, rec.Body)
	}

	// A password account signing in with Google is activated.
	a := e.register(t, "ada@example.com")
	rec = e.call("POST", "/auth/google", "", `{"id_token":"`+g.Token(t, "ada@example.com", nil)+`"}`)
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
	rec = e.call("POST", "/auth/google", "", `{"id_token":"`+g.Token(t, "solo@example.com", func(c jwt.MapClaims) {
		delete(c, "family_name")
	})+`"}`)
	dataOf(t, rec, &got)
	expect(t, rec, http.StatusCreated, successBody(wantUser{ID: got.ID, Email: "solo@example.com", First: "Grace",
		Active: true, Dark: true, Created: e.clock.Now(), Updated: e.clock.Now(), Token: got.Token}.json(), msgRegistered))
}

func TestGoogleSignInErrors(t *testing.T) {
	e, g := newGoogleEnv(t)
	good := g.Token(t, "grace@example.com", nil)
	expect(t, e.call("POST", "/auth/google", "", ""), http.StatusBadRequest, bodyEmpty)
	expectInvalid(t, e.call("POST", "/auth/google", "", `{}`), "id_token")
	expectInvalid(t, e.call("POST", "/auth/google", "", `{"id_token":42}`), "id_token")
	expectInvalid(t, e.call("POST", "/auth/google", "", `{"id_token":"`+good+`","email":"x@y.co"}`), "email")
	// A wrong public key is refused even though none is needed.
	expect(t, e.call("POST", "/auth/google", "wrong-key", `{"id_token":"`+good+`"}`), http.StatusUnauthorized, bodyUnauth)

	for name, token := range map[string]string{
		"garbage":        "not-a-token",
		"other key":      g.ForgedToken(t, googletest.KeyID, "grace@example.com", nil),
		"unverified":     g.Token(t, "grace@example.com", func(c jwt.MapClaims) { c["email_verified"] = false }),
		"other audience": g.Token(t, "grace@example.com", func(c jwt.MapClaims) { c["aud"] = "someone-else" }),
		"other issuer":   g.Token(t, "grace@example.com", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }),
		"expired":        g.Token(t, "grace@example.com", func(c jwt.MapClaims) { c["exp"] = e.clock.Now().Add(-time.Minute).Unix() }),
	} {
		rec := e.call("POST", "/auth/google", "", `{"id_token":"`+token+`"}`)
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != bodyUnauth {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	// Nobody was created.
	expect(t, e.call("POST", "/users/grace@example.com/otp/ACTIVATION", testPublicKey, ""), http.StatusNotFound, bodyNoUser)
}
