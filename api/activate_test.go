package api

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/store"
)

func TestActivate(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	code := e.lastCode(t, a.Email)
	e.clock.Advance(90 * time.Second)
	rec := e.call("POST", "/users/ada%40example.com/activate", testPublicKey, `{"code":"`+code+`"}`)
	want := wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, Dark: true,
		Created: testStart, Updated: testStart.Add(90 * time.Second)}
	expect(t, rec, http.StatusOK, successBody(want.json(), msgActivated))
	// The code works once.
	expect(t, e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+code+`"}`),
		http.StatusUnauthorized, bodyUnauth)
	// The user is active now.
	if rec := e.call("GET", "/users/"+a.ID+"/api_key", bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("api key after activation: %d %s", rec.Code, rec.Body)
	}
}

func TestActivateErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	code := e.lastCode(t, a.Email)
	path := "/users/ada@example.com/activate"

	expect(t, e.call("POST", path, testPublicKey, ""), http.StatusBadRequest, bodyEmpty)
	for _, tc := range []struct{ body, field string }{
		{`{}`, "code"},
		{`{"code":"12a456"}`, "code"},
		{`{"code":"1234567"}`, "code"},
		{`{"code":123456}`, "code"},
		{`{"code":"` + code + `","email":"ada@example.com"}`, "email"},
	} {
		expectInvalid(t, e.call("POST", path, testPublicKey, tc.body), tc.field)
	}
	expect(t, e.call("POST", "/users/nobody@example.com/activate", testPublicKey, `{"code":"`+code+`"}`),
		http.StatusNotFound, bodyNoUser)
	for _, authz := range []string{"", "wrong-key", bearer(a.Token)} {
		expect(t, e.call("POST", path, authz, `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	// None of that used the code up (four wrong submissions are allowed).
	expect(t, e.call("POST", path, testPublicKey, `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)
	if rec := e.call("POST", path, testPublicKey, `{"code":"`+code+`"}`); rec.Code != http.StatusOK {
		t.Fatalf("right code: %d %s", rec.Code, rec.Body)
	}
}

// TestOTPExpiry: a code is valid for 10 minutes.
func TestOTPExpiry(t *testing.T) {
	for _, tc := range []struct {
		after  time.Duration
		status int
	}{
		{9 * time.Minute, http.StatusOK},
		{9*time.Minute + 59*time.Second, http.StatusOK},
		{10 * time.Minute, http.StatusUnauthorized},
		{11 * time.Minute, http.StatusUnauthorized},
	} {
		t.Run(tc.after.String(), func(t *testing.T) {
			e := newAccEnv(t, envConfig{})
			a := e.register(t, "ada@example.com")
			code := e.lastCode(t, a.Email)
			e.clock.Advance(tc.after)
			rec := e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+code+`"}`)
			if rec.Code != tc.status {
				t.Fatalf("after %v: %d %s", tc.after, rec.Code, rec.Body)
			}
			if tc.status == http.StatusUnauthorized {
				expect(t, rec, http.StatusUnauthorized, bodyUnauth)
				// A new code works.
				code = e.sendOTP(t, a.Email, "ACTIVATION")
				expect(t, e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+code+`"}`),
					http.StatusOK, successBody(wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"),
						Active: true, Dark: true, Created: testStart, Updated: testStart.Add(tc.after)}.json(), msgActivated))
			}
		})
	}
}

// TestOTPAttempts: a code survives four wrong submissions, not five.
func TestOTPAttempts(t *testing.T) {
	for _, tc := range []struct {
		wrong  int
		status int
	}{{4, http.StatusOK}, {5, http.StatusUnauthorized}, {6, http.StatusUnauthorized}} {
		e := newAccEnv(t, envConfig{})
		a := e.register(t, "ada@example.com")
		code := e.lastCode(t, a.Email)
		for range tc.wrong {
			expect(t, e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+wrongCode(code)+`"}`),
				http.StatusUnauthorized, bodyUnauth)
		}
		rec := e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+code+`"}`)
		if rec.Code != tc.status {
			t.Fatalf("right code after %d wrong: %d %s", tc.wrong, rec.Code, rec.Body)
		}
	}
}

// TestOTPTypes: a code is good only for its own type.
func TestOTPTypes(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	e.clock.Advance(time.Minute)
	activation := e.sendOTP(t, a.Email, "ACTIVATION")
	twoFA := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	change := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
	path := "/users/" + a.ID + "/2fa"
	for _, code := range []string{activation, change} {
		if code == twoFA {
			continue // one in a million
		}
		expect(t, e.call("POST", path, bearer(a.Token), `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	if twoFA != activation {
		expect(t, e.call("PATCH", "/users/ada@example.com/password", testPublicKey,
			`{"password":"N3w-Passw0rd!","code":"`+twoFA+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	expect(t, e.call("POST", path, bearer(a.Token), `{"code":"`+twoFA+`"}`), http.StatusOK, successBody("null", msg2FAEnabled))
}

// TestOTPReplacement: a new code of a type replaces the older one.
func TestOTPReplacement(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	old := e.lastCode(t, a.Email)
	e.clock.Advance(time.Minute)
	fresh := e.sendOTP(t, a.Email, "ACTIVATION")
	if old != fresh {
		expect(t, e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+old+`"}`),
			http.StatusUnauthorized, bodyUnauth)
	}
	if rec := e.call("POST", "/users/ada@example.com/activate", testPublicKey, `{"code":"`+fresh+`"}`); rec.Code != http.StatusOK {
		t.Fatalf("fresh code: %d %s", rec.Code, rec.Body)
	}
}

// TestConcurrentActivation: of two submissions of the right code, both
// checked before either uses it, exactly one succeeds, on both stores. The
// store holds each check until both have been made (otpBarrier), so the
// guard against a second use is what decides, whatever the scheduling.
func TestConcurrentActivation(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			const n = 2
			barrier := &otpBarrier{}
			barrier.arrived.Add(n)
			e := newAccEnv(t, envConfig{store: kind, wrapStore: func(db store.DB) store.DB {
				barrier.DB = db
				return barrier
			}})
			a := e.register(t, "ada@example.com")
			body := `{"code":"` + e.lastCode(t, a.Email) + `"}`
			codes := make([]int, n)
			bodies := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					rec := e.call("POST", "/users/ada@example.com/activate", testPublicKey, body)
					codes[i], bodies[i] = rec.Code, rec.Body.String()
				})
			}
			wg.Wait()
			ok := 0
			for i := range n {
				switch {
				case codes[i] == http.StatusOK:
					ok++
				case codes[i] != http.StatusUnauthorized || bodies[i] != bodyUnauth:
					t.Errorf("request %d: %d %s", i, codes[i], bodies[i])
				}
			}
			if ok != 1 {
				t.Fatalf("%d of %d activations succeeded, want exactly 1", ok, n)
			}
		})
	}
}

// otpBarrier is a real store whose CountOTPAttempt, the last step of
// checking a code before it is used, waits until every expected caller
// (arrived) has made it.
type otpBarrier struct {
	store.DB
	arrived sync.WaitGroup
}

// CountOTPAttempt counts the attempt, then waits for the other callers.
func (b *otpBarrier) CountOTPAttempt(ctx context.Context, id string, max int) (int, error) {
	n, err := b.DB.CountOTPAttempt(ctx, id, max)
	b.arrived.Done()
	b.arrived.Wait()
	return n, err
}

// TestInactiveUser: before activation, a user may view itself and log out,
// and nothing else that needs general auth.
func TestInactiveUser(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	apiKey := e.svcAPIKey(t, a)
	for _, authz := range []string{bearer(a.Token), bearer(apiKey)} {
		if rec := e.call("GET", "/users/"+a.ID, authz, ""); rec.Code != http.StatusOK {
			t.Fatalf("view user: %d %s", rec.Code, rec.Body)
		}
	}
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/users/" + a.ID + "/api_key", ""},
		{"POST", "/users/" + a.ID + "/api_key", ""},
		{"PATCH", "/users/" + a.ID, `{"first_name":"Ada"}`},
		{"POST", "/users/" + a.ID + "/2fa", `{"code":"123456"}`},
		{"DELETE", "/users/" + a.ID + "/2fa", `{"code":"123456"}`},
		{"POST", "/users/" + a.ID + "/2fa/totp", ""},
		{"POST", "/users/" + a.ID + "/2fa/totp/confirm", `{"code":"123456"}`},
	} {
		expect(t, e.call(tc.method, tc.path, bearer(a.Token), tc.body), http.StatusUnauthorized, bodyInactive)
	}
	expectNoContent(t, e.call("DELETE", "/auth/session", bearer(a.Token), ""))
}
