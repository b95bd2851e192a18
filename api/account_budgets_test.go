package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// addr returns the i-th of many client addresses (198.18.0.0/15).
func addr(i int) string { return fmt.Sprintf("198.18.%d.%d", i/250, 1+i%250) }

// TestOTPGuessBudgetAcrossAddresses: wrong codes for one account and
// purpose are counted whatever the client address and however many codes
// are burnt and sent again: past 10 an hour even the right code is a 429
// with Retry-After, until the budget refills. Other purposes keep theirs.
func TestOTPGuessBudgetAcrossAddresses(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	path := "/users/ada@example.com/password"
	change := func(from int, code string) *httptest.ResponseRecorder {
		return e.callFrom(addr(from), "PATCH", path, testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+code+`"}`)
	}
	n := 0
	for range 2 { // two codes, each burnt by five wrong guesses from five addresses
		e.clock.Advance(61 * time.Second)
		code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
		for range 5 {
			n++
			expect(t, change(n, wrongCode(code)), http.StatusUnauthorized, bodyUnauth)
		}
	}
	e.clock.Advance(61 * time.Second)
	code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
	// 10 wrong at 61 s and 122 s fill the hour's budget: one more in 6
	// minutes from the first, 238 s from now.
	expectRetryAfter(t, change(100, code), "238")
	expectRetryAfter(t, change(101, wrongCode(code)), "238")
	// Another purpose has its own budget.
	twoFA := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+twoFA+`"}`), http.StatusOK, successBody("null", msg2FAEnabled))
	e.clock.Advance(238 * time.Second)
	expect(t, change(102, code), http.StatusOK, successBody("null", msgPasswordChanged))
}

// TestOTPSendBudget: codes of one purpose mailed to one account are capped
// at 5 an hour, whatever the client address, and then refill.
func TestOTPSendBudget(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	send := func(from int) *httptest.ResponseRecorder {
		return e.callFrom(addr(from), "POST", "/users/ada@example.com/otp/TWO_FACTOR_AUTH", testPublicKey, "")
	}
	for i := range 5 {
		e.clock.Advance(61 * time.Second)
		expect(t, send(i), http.StatusCreated, successBody("null", msgOTPSent))
	}
	e.clock.Advance(61 * time.Second)
	mails := e.mailsTo(t, a.Email)
	// 5 codes between 61 s and 305 s: the next is due 12 minutes after the
	// first, 415 s from now.
	expectRetryAfter(t, send(50), "415")
	if got := e.mailsTo(t, a.Email); got != mails {
		t.Fatalf("%d messages mailed over the budget", got-mails)
	}
	e.sendOTP(t, a.Email, "CHANGE_PASSWORD") // another purpose
	e.clock.Advance(415 * time.Second)
	expect(t, send(51), http.StatusCreated, successBody("null", msgOTPSent))
}

// TestTOTPGuessBudget: wrong authenticator codes at confirm, login and 2FA
// disable share one budget per account; past it the app's right code is a
// 429 too, until the budget refills.
func TestTOTPGuessBudget(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	if rec := e.call("POST", "/users/"+a.ID+"/2fa/totp", bearer(a.Token), ""); rec.Code != http.StatusCreated {
		t.Fatalf("enrol: %d %s", rec.Code, rec.Body)
	}
	confirm := "/users/" + a.ID + "/2fa/totp/confirm"
	code := e.totpCode(t, a.ID)
	for range 3 {
		expect(t, e.call("POST", confirm, bearer(a.Token), `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	expect(t, e.call("POST", confirm, bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK, successBody("null", msgTOTPEnabled))
	e.clock.Advance(30 * time.Second)
	code = e.totpCode(t, a.ID)
	for i := range 4 {
		expect(t, e.callFrom(addr(i), "POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+wrongCode(code)+`"}`),
			http.StatusUnauthorized, bodyNeeds2FA)
	}
	for range 3 {
		expect(t, e.call("DELETE", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	// 10 wrong codes by 30 s: the next is due 6 minutes after the first.
	expectRetryAfter(t, e.callFrom(addr(9), "POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+code+`"}`), "330")
	expectRetryAfter(t, e.call("DELETE", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), "330")
	e.clock.Advance(330 * time.Second)
	e.login(t, a, e.totpCode(t, a.ID))
}
