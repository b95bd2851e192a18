package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRegister(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	rec := e.call("POST", "/auth/register", testPublicKey,
		`{"first_name":" Ada ","last_name":"Lovelace","email":"  Ada@Example.COM ","password":`+mustJSON(testPassword)+`}`)
	var got wireUser
	dataOf(t, rec, &got)
	if !userIDShape.MatchString(got.ID) || !userTokenShape.MatchString(got.Token) {
		t.Fatalf("id %q, token %q", got.ID, got.Token)
	}
	want := wantUser{ID: got.ID, Email: "ada@example.com", First: "Ada", Last: ptr("Lovelace"),
		Dark: true, Created: testStart, Updated: testStart, Token: got.Token}
	expect(t, rec, http.StatusCreated, successBody(want.json(), msgRegistered))

	// An ACTIVATION code is mailed, and the token works at once (View User
	// is allowed before activation).
	if code := e.lastCode(t, "ada@example.com"); len(code) != 6 {
		t.Fatalf("code %q", code)
	}
	want.Token = ""
	expect(t, e.call("GET", "/users/"+got.ID, bearer(got.Token), ""), http.StatusOK,
		successBody(want.json(), msgUserFetched))

	// The email is taken, in any case.
	for _, email := range []string{"ada@example.com", "ADA@example.com"} {
		expect(t, e.call("POST", "/auth/register", testPublicKey, registerBody(email)), http.StatusBadRequest, bodyConflict)
	}
}

func TestRegisterErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "taken@example.com")
	valid := registerBody("new@example.com")

	// Empty bodies.
	for _, body := range []string{"", "  \n"} {
		expect(t, e.call("POST", "/auth/register", testPublicKey, body), http.StatusBadRequest, bodyEmpty)
	}

	// Credentials: only the public key.
	for _, authz := range []string{"", "wrong-public-key", bearer(a.Token), bearer(e.apiKey(t, a)),
		basic(a.Email, a.Password), "Bearer nonsense"} {
		expect(t, e.call("POST", "/auth/register", authz, valid), http.StatusUnauthorized, bodyUnauth)
	}

	// Invalid fields, each named.
	long := strings.Repeat("x", 129)
	for _, tc := range []struct{ body, field string }{
		{`{}`, "first_name"},
		{`{"first_name":"Ada","last_name":"L","email":"not-an-email","password":"Str0ng-pass"}`, "email"},
		{`{"first_name":"Ada","last_name":"L","email":"a@localhost","password":"Str0ng-pass"}`, "email"},
		{`{"first_name":"Ada","last_name":"L","email":"Ada <a@b.co>","password":"Str0ng-pass"}`, "email"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co","password":"Sh0rt-p"}`, "password"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co","password":"` + long + `"}`, "password"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co","password":"Password123"}`, "password"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co"}`, "password"},
		{`{"first_name":"  ","last_name":"L","email":"a@b.co","password":"Str0ng-pass"}`, "first_name"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co","password":"Str0ng-pass","credits":500}`, "credits"},
		{`{"first_name":"Ada","last_name":"L","email":"a@b.co","password":"Str0ng-pass","is_active":true}`, "is_active"},
		{`{"first_name":5,"last_name":"L","email":"a@b.co","password":"Str0ng-pass"}`, "first_name"},
		{`{"first_name":"Ada","last_name":"L","email":["a@b.co"],"password":"Str0ng-pass"}`, "email"},
		{`[1,2]`, "body"},
		{`{"first_name":"Ada"`, "body"},
	} {
		expectInvalid(t, e.call("POST", "/auth/register", testPublicKey, tc.body), tc.field)
	}
	// A body that is not declared JSON.
	expectInvalid(t, e.call("POST", "/auth/register", testPublicKey, valid, "Content-Type", "text/plain"), "Content-Type")

	// None of the refused requests created anyone.
	expect(t, e.call("POST", "/users/new@example.com/otp/ACTIVATION", testPublicKey, ""), http.StatusNotFound, bodyNoUser)
	expect(t, e.call("POST", "/users/a@b.co/otp/ACTIVATION", testPublicKey, ""), http.StatusNotFound, bodyNoUser)
}

func TestLogin(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com")
	e.clock.Advance(time.Hour)

	// Works before activation, with any case of the email, and with or
	// without a body.
	for _, tc := range []struct{ email, body string }{
		{"ada@example.com", ""},
		{"ADA@Example.com", ""},
		{"ada@example.com", `{}`},
		{"ada@example.com", `{"code":"123456"}`}, // no 2FA: the code is not needed
	} {
		rec := e.call("POST", "/auth/session", basic(tc.email, testPassword), tc.body)
		var got wireUser
		dataOf(t, rec, &got)
		if !userTokenShape.MatchString(got.Token) || got.Token == a.Token {
			t.Fatalf("token %q", got.Token)
		}
		want := wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Dark: true,
			Created: testStart, Updated: testStart, Token: got.Token}
		expect(t, rec, http.StatusOK, successBody(want.json(), msgLoggedIn))
		// The new session works.
		if rec := e.call("GET", "/users/"+a.ID, bearer(got.Token), ""); rec.Code != http.StatusOK {
			t.Fatalf("new token: %d %s", rec.Code, rec.Body)
		}
	}
}

func TestLoginErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	good := basic(a.Email, a.Password)
	for _, authz := range []string{
		"",
		testPublicKey,
		bearer(a.Token),
		bearer(e.apiKey(t, a)),
		basic(a.Email, "wrong-password"),
		basic("nobody@example.com", testPassword),
		basic("", ""),
		"Basic !!!notbase64",
		"Basic " + "YWRhQGV4YW1wbGUuY29t", // no colon
		"Basic",
		"Digest " + strings.TrimPrefix(good, "Basic "),
	} {
		expect(t, e.call("POST", "/auth/session", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
	// A body that is there must be right.
	expectInvalid(t, e.call("POST", "/auth/session", good, `{"code":123456}`), "code")
	expectInvalid(t, e.call("POST", "/auth/session", good, `{"otp":"123456"}`), "otp")
	expectInvalid(t, e.call("POST", "/auth/session", good, `"123456"`), "body")
}

func TestLoginLockout(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	for i := range 10 {
		rec := e.call("POST", "/auth/session", basic(a.Email, "wrong-password"), "")
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	// Locked for 15 minutes: even the right password is refused.
	expectRetryAfter(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), ""), "900")
	e.clock.Advance(10 * time.Minute)
	expectRetryAfter(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), ""), "300")
	// Other accounts are not affected, nor are tokens.
	b := e.activeAccount(t, "bob@example.com")
	e.login(t, b, "")
	if rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("token during lockout: %d %s", rec.Code, rec.Body)
	}
	e.clock.Advance(5 * time.Minute)
	e.login(t, a, "")
}

func TestLogout(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	other := e.login(t, a, "")
	expectNoContent(t, e.call("DELETE", "/auth/session", bearer(a.Token), ""))
	// That session is gone; the other one is not.
	expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusUnauthorized, bodyUnauth)
	expect(t, e.call("DELETE", "/auth/session", bearer(a.Token), ""), http.StatusUnauthorized, bodyUnauth)
	if rec := e.call("GET", "/users/"+a.ID, bearer(other), ""); rec.Code != http.StatusOK {
		t.Fatalf("other session: %d %s", rec.Code, rec.Body)
	}

	// Only a user token logs out.
	for _, authz := range []string{"", testPublicKey, bearer(e.apiKey(t, account{ID: a.ID, Token: other})),
		basic(a.Email, a.Password)} {
		expect(t, e.call("DELETE", "/auth/session", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}

	// An inactive user may log out.
	b := e.register(t, "bob@example.com")
	expectNoContent(t, e.call("DELETE", "/auth/session", bearer(b.Token), ""))
	expect(t, e.call("GET", "/users/"+b.ID, bearer(b.Token), ""), http.StatusUnauthorized, bodyUnauth)
}

func TestChangePassword(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		useToken   bool
	}{
		{"public key, raw @", "/users/ada@example.com/password", false},
		{"public key, escaped @", "/users/ada%40example.com/password", false},
		{"own token, upper case", "/users/ADA%40example.com/password", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t, envConfig{})
			a := e.activeAccount(t, "ada@example.com")
			second := e.login(t, a, "")
			code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
			authz := testPublicKey
			if tc.useToken {
				authz = bearer(a.Token)
			}
			rec := e.call("PATCH", tc.path, authz, `{"password":"N3w-Passw0rd!","code":"`+code+`"}`)
			expect(t, rec, http.StatusOK, successBody("null", msgPasswordChanged))
			// The owner is told, so that a change they did not make is noticed.
			if got := e.lastSubject(t, a.Email); got != "Your Clara password was changed" {
				t.Errorf("latest mail to the owner: %q", got)
			}

			// Every session is revoked, the one that asked too.
			for _, token := range []string{a.Token, second} {
				expect(t, e.call("GET", "/users/"+a.ID, bearer(token), ""), http.StatusUnauthorized, bodyUnauth)
			}
			expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), ""), http.StatusUnauthorized, bodyUnauth)
			e.login(t, account{Email: a.Email, Password: "N3w-Passw0rd!"}, "")
			// The code was used up.
			expect(t, e.call("PATCH", tc.path, testPublicKey, `{"password":"An0ther-Passw0rd","code":"`+code+`"}`),
				http.StatusUnauthorized, bodyUnauth)
		})
	}
}

func TestChangePasswordErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	b := e.activeAccount(t, "bob@example.com")
	code := e.sendOTP(t, a.Email, "CHANGE_PASSWORD")
	path := "/users/ada@example.com/password"
	body := `{"password":"N3w-Passw0rd!","code":"` + code + `"}`

	expect(t, e.call("PATCH", path, testPublicKey, ""), http.StatusBadRequest, bodyEmpty)
	for _, tc := range []struct{ body, field string }{
		{`{"password":"short","code":"` + code + `"}`, "password"},
		{`{"password":"password1","code":"` + code + `"}`, "password"},
		{`{"password":"N3w-Passw0rd!"}`, "code"},
		{`{"password":"N3w-Passw0rd!","code":"12345"}`, "code"},
		{`{"password":"N3w-Passw0rd!","code":123456}`, "code"},
		{`{"password":"N3w-Passw0rd!","code":"` + code + `","email":"x@y.co"}`, "email"},
	} {
		expectInvalid(t, e.call("PATCH", path, testPublicKey, tc.body), tc.field)
	}
	expectInvalid(t, e.call("PATCH", "/users/not-an-email/password", testPublicKey, body), "user_email")
	expect(t, e.call("PATCH", "/users/nobody@example.com/password", testPublicKey, body), http.StatusNotFound, bodyNoUser)
	for _, authz := range []string{"", "wrong-key", bearer(e.apiKey(t, a)), basic(a.Email, a.Password)} {
		expect(t, e.call("PATCH", path, authz, body), http.StatusUnauthorized, bodyUnauth)
	}
	// Another user's token may not change Ada's password.
	expect(t, e.call("PATCH", path, bearer(b.Token), body), http.StatusForbidden, bodyForbidden)
	// A wrong code, or another type's code.
	expect(t, e.call("PATCH", path, testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+wrongCode(code)+`"}`),
		http.StatusUnauthorized, bodyUnauth)
	twoFA := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	expect(t, e.call("PATCH", path, testPublicKey, `{"password":"N3w-Passw0rd!","code":"`+twoFA+`"}`),
		http.StatusUnauthorized, bodyUnauth)

	// Nothing changed; the right code still works.
	e.login(t, a, "")
	expect(t, e.call("PATCH", path, testPublicKey, body), http.StatusOK, successBody("null", msgPasswordChanged))
}

func TestSendOTP(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.register(t, "ada@example.com") // an ACTIVATION code was mailed at registration
	for _, otpType := range []string{"CHANGE_PASSWORD", "TWO_FACTOR_AUTH"} {
		before := e.mailsTo(t, a.Email)
		e.sendOTP(t, a.Email, otpType)
		if after := e.mailsTo(t, a.Email); after != before+1 {
			t.Fatalf("%s: %d messages, then %d", otpType, before, after)
		}
	}
	// The escaped form of the address, and a body (ignored).
	e.clock.Advance(61 * time.Second)
	rec := e.call("POST", "/users/ada%40example.com/otp/ACTIVATION", testPublicKey, `{"anything":1}`)
	expect(t, rec, http.StatusCreated, successBody("null", msgOTPSent))

	// A second code of a type within 60 s is refused; it waits out the rest.
	e.clock.Advance(20 * time.Second)
	expectRetryAfter(t, e.call("POST", "/users/ada@example.com/otp/ACTIVATION", testPublicKey, ""), "40")
	e.clock.Advance(40 * time.Second)
	e.sendOTP(t, a.Email, "ACTIVATION")
}

func TestSendOTPErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	for _, otpType := range []string{"activation", "LOGIN", "ACTIVATION%20", "TWO_FACTOR"} {
		expectInvalid(t, e.call("POST", "/users/ada@example.com/otp/"+otpType, testPublicKey, ""), "otp_type")
	}
	expectInvalid(t, e.call("POST", "/users/ada/otp/ACTIVATION", testPublicKey, ""), "user_email")
	expect(t, e.call("POST", "/users/nobody@example.com/otp/ACTIVATION", testPublicKey, ""), http.StatusNotFound, bodyNoUser)
	for _, authz := range []string{"", "wrong-key", bearer(a.Token), bearer(e.apiKey(t, a))} {
		expect(t, e.call("POST", "/users/ada@example.com/otp/TWO_FACTOR_AUTH", authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
	// GET is not a route of it.
	if rec := e.call("GET", "/users/ada@example.com/otp/ACTIVATION", testPublicKey, ""); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
}
