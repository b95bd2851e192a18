package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// wireAPIKey is an API key as decoded from an answer.
type wireAPIKey struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// apiKeyJSON is the exact wire form of an API key.
func apiKeyJSON(id, token, userID string, created, updated time.Time) string {
	return fmt.Sprintf(`{"created_at":%q,"id":%q,"token":%q,"updated_at":%q,"user_id":%q}`,
		created.Format(http.TimeFormat), id, token, updated.Format(http.TimeFormat), userID)
}

func TestViewAPIKey(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	rec := e.call("GET", "/users/"+a.ID+"/api_key", bearer(a.Token), "")
	var k wireAPIKey
	dataOf(t, rec, &k)
	if !apiKeyIDShape.MatchString(k.ID) || !apiKeyShape.MatchString(k.Token) {
		t.Fatalf("key %+v", k)
	}
	want := successBody(apiKeyJSON(k.ID, k.Token, a.ID, testStart, testStart), msgAPIKeyFetched)
	expect(t, rec, http.StatusOK, want)
	// The same key again, from another session too.
	e.clock.Advance(time.Hour)
	expect(t, e.call("GET", "/users/"+a.ID+"/api_key", bearer(e.login(t, a, "")), ""), http.StatusOK, want)

	// A key cannot read itself, nor can anything but a user token.
	for _, authz := range []string{"", bearer(k.Token), testPublicKey, basic(a.Email, a.Password)} {
		expect(t, e.call("GET", "/users/"+a.ID+"/api_key", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
}

func TestResetAPIKey(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	old := e.apiKey(t, a)
	// A key cannot rotate itself.
	expect(t, e.call("POST", "/users/"+a.ID+"/api_key", bearer(old), ""), http.StatusUnauthorized, bodyUnauth)
	for _, authz := range []string{"", testPublicKey} {
		expect(t, e.call("POST", "/users/"+a.ID+"/api_key", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}

	e.clock.Advance(time.Hour)
	rec := e.call("POST", "/users/"+a.ID+"/api_key", bearer(a.Token), "")
	var k wireAPIKey
	dataOf(t, rec, &k)
	if !apiKeyIDShape.MatchString(k.ID) || !apiKeyShape.MatchString(k.Token) || k.Token == old {
		t.Fatalf("new key %+v, old token %q", k, old)
	}
	now := e.clock.Now()
	expect(t, rec, http.StatusCreated, successBody(apiKeyJSON(k.ID, k.Token, a.ID, now, now), msgAPIKeyReset))
	expect(t, e.call("GET", "/users/"+a.ID+"/api_key", bearer(a.Token), ""), http.StatusOK,
		successBody(apiKeyJSON(k.ID, k.Token, a.ID, now, now), msgAPIKeyFetched))

	// The old key is dead at once; the new one works.
	expect(t, e.call("GET", "/users/"+a.ID, bearer(old), ""), http.StatusUnauthorized, bodyUnauth)
	if rec := e.call("GET", "/users/"+a.ID, bearer(k.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("new key: %d %s", rec.Code, rec.Body)
	}
}
