package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
)

func TestEnable2FA(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	other := e.login(t, a, "")
	code := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	e.clock.Advance(time.Minute)
	expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK,
		successBody("null", msg2FAEnabled))

	// The current session still works and shows 2FA on; the other one is
	// revoked.
	want := wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, TwoFA: true, Dark: true,
		Created: testStart, Updated: testStart.Add(time.Minute)}
	expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusOK, successBody(want.json(), msgUserFetched))
	expect(t, e.call("GET", "/users/"+a.ID, bearer(other), ""), http.StatusUnauthorized, bodyUnauth)
	// The code is used up.
	expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)

	// Login now needs a code: without one, or with a wrong or old one, the
	// 401 says so.
	e.clock.Advance(time.Minute)
	fresh := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	for _, body := range []string{"", `{}`, `{"code":""}`, `{"code":"` + wrongCode(fresh) + `"}`, `{"code":"12"}`} {
		expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), body), http.StatusUnauthorized, bodyNeeds2FA)
	}
	// A wrong password is a plain 401, code or not.
	expect(t, e.call("POST", "/auth/session", basic(a.Email, "wrong-password"), `{"code":"`+fresh+`"}`),
		http.StatusUnauthorized, bodyUnauth)
	rec := e.call("POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+fresh+`"}`)
	var got wireUser
	dataOf(t, rec, &got)
	want.Token = got.Token
	expect(t, rec, http.StatusOK, successBody(want.json(), msgLoggedIn))
	// The emailed code works once.
	expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+fresh+`"}`),
		http.StatusUnauthorized, bodyNeeds2FA)
}

func TestEnable2FAErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	code := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	path := "/users/" + a.ID + "/2fa"
	expect(t, e.call("POST", path, bearer(a.Token), ""), http.StatusBadRequest, bodyEmpty)
	for _, tc := range []struct{ body, field string }{
		{`{}`, "code"},
		{`{"code":"abcdef"}`, "code"},
		{`{"code":123456}`, "code"},
		{`{"code":"` + code + `","enabled":true}`, "enabled"},
	} {
		expectInvalid(t, e.call("POST", path, bearer(a.Token), tc.body), tc.field)
	}
	for _, authz := range []string{"", testPublicKey, bearer(e.apiKey(t, a)), basic(a.Email, a.Password)} {
		expect(t, e.call("POST", path, authz, `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	expect(t, e.call("POST", path, bearer(a.Token), `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)
	// Still off.
	e.login(t, a, "")
}

func TestDisable2FA(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	code := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK,
		successBody("null", msg2FAEnabled))
	e.clock.Advance(time.Minute)
	second := e.login(t, a, e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH"))

	path := "/users/" + a.ID + "/2fa"
	e.clock.Advance(time.Minute)
	code = e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	expect(t, e.call("DELETE", path, bearer(a.Token), ""), http.StatusBadRequest, bodyEmpty)
	expectInvalid(t, e.call("DELETE", path, bearer(a.Token), `{"code":"x"}`), "code")
	expectInvalid(t, e.call("DELETE", path, bearer(a.Token), `{"code":"`+code+`","x":1}`), "x")
	for _, authz := range []string{"", testPublicKey, bearer(e.apiKey(t, a))} {
		expect(t, e.call("DELETE", path, authz, `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	expect(t, e.call("DELETE", path, bearer(a.Token), `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)

	// A DELETE with a JSON body, as the docs show.
	expectNoContent(t, e.call("DELETE", path, bearer(a.Token), `{"code":"`+code+`"}`))
	expect(t, e.call("GET", "/users/"+a.ID, bearer(second), ""), http.StatusUnauthorized, bodyUnauth)
	want := wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, Dark: true,
		Created: testStart, Updated: e.clock.Now()}
	expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusOK, successBody(want.json(), msgUserFetched))
	e.login(t, a, "")
}

// totpCode returns the user's authenticator code at the clock's time, as
// the app would show it.
func (e *accEnv) totpCode(t testing.TB, userID string) string {
	t.Helper()
	u, err := e.store.UserByID(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	code, err := auth.NewTOTP(auth.DeriveKeys(testSecret), "Clara", e.clock.Now).CodeAt(u.TOTPSecret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestTOTP(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	other := e.login(t, a, "")

	// Confirming before enrolling is refused.
	expectInvalid(t, e.call("POST", "/users/"+a.ID+"/2fa/totp/confirm", bearer(a.Token), `{"code":"123456"}`), "code")

	// Enrol, with a body that is ignored.
	rec := e.call("POST", "/users/"+a.ID+"/2fa/totp", bearer(a.Token), `{"ignored":true}`)
	var enrol core.TOTPEnrollment
	dataOf(t, rec, &enrol)
	want := successBody(`{"otpauth_uri":`+mustJSON(enrol.OTPAuthURI)+`,"qr_code_png_base64":"`+enrol.QRCodePNGBase64+`"}`,
		msgTOTPStarted)
	expect(t, rec, http.StatusCreated, want)
	uri, err := url.Parse(enrol.OTPAuthURI)
	if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" || uri.Query().Get("issuer") != "Clara" ||
		!strings.Contains(uri.Path, "ada@example.com") || uri.Query().Get("secret") == "" {
		t.Fatalf("otpauth URI %q", enrol.OTPAuthURI)
	}
	png, err := base64.StdEncoding.DecodeString(enrol.QRCodePNGBase64)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR code is not a base64 PNG: %v", err)
	}

	// Confirm: empty body, bad shape, wrong code, then the app's code.
	path := "/users/" + a.ID + "/2fa/totp/confirm"
	expect(t, e.call("POST", path, bearer(a.Token), ""), http.StatusBadRequest, bodyEmpty)
	expectInvalid(t, e.call("POST", path, bearer(a.Token), `{"code":"12345"}`), "code")
	expectInvalid(t, e.call("POST", path, bearer(a.Token), `{"code":123456}`), "code")
	code := e.totpCode(t, a.ID)
	expect(t, e.call("POST", path, bearer(a.Token), `{"code":"`+wrongCode(code)+`"}`), http.StatusUnauthorized, bodyUnauth)
	for _, authz := range []string{"", testPublicKey, bearer(e.apiKey(t, a))} {
		expect(t, e.call("POST", path, authz, `{"code":"`+code+`"}`), http.StatusUnauthorized, bodyUnauth)
	}
	expect(t, e.call("POST", path, bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK, successBody("null", msgTOTPEnabled))

	// 2FA is on; the other session is revoked; a second enrolment is refused.
	expect(t, e.call("GET", "/users/"+a.ID, bearer(other), ""), http.StatusUnauthorized, bodyUnauth)
	var u struct {
		Is2FA bool `json:"is_2fa_enabled"`
	}
	dataOf(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), &u)
	if !u.Is2FA {
		t.Fatal("2FA is off after confirming the authenticator")
	}
	expectInvalid(t, e.call("POST", "/users/"+a.ID+"/2fa/totp", bearer(a.Token), ""), "user_id")

	// The code used to confirm cannot log in; the next step's can, once.
	expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+code+`"}`),
		http.StatusUnauthorized, bodyNeeds2FA)
	e.clock.Advance(30 * time.Second)
	code = e.totpCode(t, a.ID)
	e.login(t, a, code)
	expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), `{"code":"`+code+`"}`),
		http.StatusUnauthorized, bodyNeeds2FA)
	expect(t, e.call("POST", "/auth/session", basic(a.Email, a.Password), ""), http.StatusUnauthorized, bodyNeeds2FA)

	// An emailed code works as well.
	e.clock.Advance(30 * time.Second)
	e.login(t, a, e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH"))

	// Disable with an authenticator code removes the app.
	e.clock.Advance(30 * time.Second)
	expectNoContent(t, e.call("DELETE", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+e.totpCode(t, a.ID)+`"}`))
	e.login(t, a, "")
	stored, err := e.store.UserByID(context.Background(), a.ID)
	if err != nil || stored.TOTPSecret != "" || stored.TOTPEnabled || stored.Is2FAEnabled {
		t.Fatalf("after disable: secret %q, totp %v, 2fa %v, %v", stored.TOTPSecret, stored.TOTPEnabled, stored.Is2FAEnabled, err)
	}
}

// TestTOTPEnrolmentKeyOrder: the enrolment's keys are in alphabetical
// order, like every other object.
func TestTOTPEnrolmentKeyOrder(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	rec := e.call("POST", "/users/"+a.ID+"/2fa/totp", bearer(a.Token), "")
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' {
				depth++
			} else if v == '}' {
				depth--
			}
		case string:
			if depth == 2 && dec.More() {
				keys = append(keys, v)
				_, _ = dec.Token() // its value
			}
		}
	}
	if strings.Join(keys, ",") != "otpauth_uri,qr_code_png_base64" {
		t.Fatalf("keys %v", keys)
	}
}
