package api

import (
	"net/http"
	"testing"
	"time"
)

// TestPerCallerLimit: 10 requests per second per user token, per API key,
// and per client address for public-key calls; the 11th is a 429.
func TestPerCallerLimit(t *testing.T) {
	e := newAccEnv(t, envConfig{realLimits: true})
	a := e.activeAccount(t, "ada@example.com") // two public-key calls from 192.0.2.1
	e.clock.Advance(time.Minute)
	apiKey := e.apiKey(t, a) // one call of the token

	for name, tc := range map[string]struct {
		authz, method, path string
		before              int // calls already made this second
	}{
		"user token": {bearer(a.Token), "GET", "/users/" + a.ID, 1},
		"api key":    {bearer(apiKey), "GET", "/users/" + a.ID, 0},
		"public key": {testPublicKey, "POST", "/users/nobody@example.com/otp/ACTIVATION", 0},
	} {
		for i := tc.before; i < 10; i++ {
			rec := e.call(tc.method, tc.path, tc.authz, "")
			if rec.Code == http.StatusTooManyRequests {
				t.Fatalf("%s: request %d of 10 refused", name, i+1)
			}
		}
		expectRetryAfter(t, e.call(tc.method, tc.path, tc.authz, ""), "1")
	}
	// A tenth of a second refills one request.
	e.clock.Advance(100 * time.Millisecond)
	if rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("after 100 ms: %d %s", rec.Code, rec.Body)
	}
	expectRetryAfter(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), "1")

	// Each caller has its own bucket: with the first session's spent, a new
	// session is not limited. (Login is a Basic call, counted against the
	// address, whose bucket the public-key calls emptied: wait for it.)
	e.clock.Advance(time.Second)
	for range 10 {
		e.call("GET", "/users/"+a.ID, bearer(a.Token), "")
	}
	expectRetryAfter(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), "1")
	second := e.login(t, a, "")
	if rec := e.call("GET", "/users/"+a.ID, bearer(second), ""); rec.Code != http.StatusOK {
		t.Fatalf("second session: %d %s", rec.Code, rec.Body)
	}
}

// TestOTPResendLimit: a second code of one type within 60 s is a 429 with
// the time left; other types are not affected.
func TestOTPResendLimit(t *testing.T) {
	e := newAccEnv(t, envConfig{realLimits: true})
	a := e.register(t, "ada@example.com")
	e.clock.Advance(59 * time.Second)
	expectRetryAfter(t, e.call("POST", "/users/ada@example.com/otp/ACTIVATION", testPublicKey, ""), "1")
	e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	e.clock.Advance(time.Second)
	e.sendOTP(t, a.Email, "ACTIVATION")
	expectRetryAfter(t, e.call("POST", "/users/ada@example.com/otp/ACTIVATION", testPublicKey, ""), "60")
}
