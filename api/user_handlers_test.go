package api

import (
	"net/http"
	"testing"
	"time"
)

func TestViewUser(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	want := successBody(wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, Dark: true,
		Created: testStart, Updated: testStart}.json(), msgUserFetched)
	for _, authz := range []string{bearer(a.Token), bearer(e.apiKey(t, a))} {
		expect(t, e.call("GET", "/users/"+a.ID, authz, ""), http.StatusOK, want)
	}
	// HEAD is served too.
	if rec := e.call("HEAD", "/users/"+a.ID, bearer(a.Token), ""); rec.Code != http.StatusOK {
		t.Fatalf("HEAD: %d", rec.Code)
	}
	for _, authz := range []string{"", testPublicKey, basic(a.Email, a.Password), "Bearer clara_user_x.y.z"} {
		expect(t, e.call("GET", "/users/"+a.ID, authz, ""), http.StatusUnauthorized, bodyUnauth)
	}
	// An id that is not the caller's, whether it exists or not.
	b := e.register(t, "bob@example.com")
	for _, id := range []string{b.ID, "user_00000000000000000000000000000000", "nobody"} {
		expect(t, e.call("GET", "/users/"+id, bearer(a.Token), ""), http.StatusForbidden, bodyForbidden)
	}
}

func TestUpdateUser(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	want := wantUser{ID: a.ID, Email: a.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, Dark: true,
		Created: testStart, Updated: testStart}
	for _, tc := range []struct {
		body  string
		apply func(*wantUser)
	}{
		{`{"first_name":"Augusta"}`, func(u *wantUser) { u.First = "Augusta" }},
		{`{"last_name":"King"}`, func(u *wantUser) { u.Last = ptr("King") }},
		{`{"is_dark_mode":false}`, func(u *wantUser) { u.Dark = false }},
		{`{"first_name":"Ada","last_name":"Byron","is_dark_mode":true}`, func(u *wantUser) {
			u.First, u.Last, u.Dark = "Ada", ptr("Byron"), true
		}},
		{`{"first_name":"Ada <3 & \"quotes\""}`, func(u *wantUser) { u.First = `Ada <3 & "quotes"` }},
	} {
		e.clock.Advance(time.Minute)
		tc.apply(&want)
		want.Updated = e.clock.Now()
		expect(t, e.call("PATCH", "/users/"+a.ID, bearer(a.Token), tc.body), http.StatusOK,
			successBody(want.json(), msgUserUpdated))
		expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusOK,
			successBody(want.json(), msgUserFetched))
	}
}

func TestUpdateUserErrors(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	before := e.call("GET", "/users/"+a.ID, bearer(a.Token), "").Body.String()
	path := "/users/" + a.ID

	expect(t, e.call("PATCH", path, bearer(a.Token), ""), http.StatusBadRequest, bodyEmpty)
	for _, tc := range []struct{ body, field string }{
		{`{}`, "body"},
		{`{"email":"evil@example.com"}`, "email"},
		{`{"first_name":"Eve","email":"evil@example.com"}`, "email"},
		{`{"first_name":"Eve","credits":1000000}`, "credits"},
		{`{"credits":1000000.0}`, "credits"},
		{`{"id":"user_00000000000000000000000000000000"}`, "id"},
		{`{"password":"N3w-Passw0rd!"}`, "password"},
		{`{"is_2fa_enabled":false}`, "is_2fa_enabled"},
		{`{"is_active":true}`, "is_active"},
		{`{"created_at":"Wed, 26 Nov 2025 23:51:28 GMT"}`, "created_at"},
		{`{"updated_at":"Wed, 26 Nov 2025 23:51:28 GMT"}`, "updated_at"},
		{`{"token":"x"}`, "token"},
		{`{"first_name":7}`, "first_name"},
		{`{"is_dark_mode":"false"}`, "is_dark_mode"},
		{`{"is_dark_mode":0}`, "is_dark_mode"},
		{`{"last_name":["King"]}`, "last_name"},
		{`{"first_name":null}`, "first_name"},
		{`{"last_name":null}`, "last_name"},
		{`{"Last_Name":null}`, "last_name"},
		{`{"is_dark_mode":null,"first_name":"Eve"}`, "is_dark_mode"},
		{`{"first_name":"   "}`, "first_name"},
		{`{"first_name":"Eve\u0007"}`, "first_name"},
		{`{"first_name":"Eve"} {}`, "body"},
		{`{"first_name":"Eve"`, "body"},
	} {
		expectInvalid(t, e.call("PATCH", path, bearer(a.Token), tc.body), tc.field)
	}
	for _, authz := range []string{"", testPublicKey, bearer(e.apiKey(t, a)), basic(a.Email, a.Password)} {
		expect(t, e.call("PATCH", path, authz, `{"first_name":"Eve"}`), http.StatusUnauthorized, bodyUnauth)
	}
	// Nothing changed.
	if after := e.call("GET", path, bearer(a.Token), "").Body.String(); after != before {
		t.Fatalf("user changed:\n%s\n%s", before, after)
	}
}

// TestOtherUsersID: every {user_id} endpoint answers 403 to another user's
// id, before looking at the body.
func TestOtherUsersID(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	b := e.activeAccount(t, "bob@example.com")
	code := e.sendOTP(t, a.Email, "TWO_FACTOR_AUTH")
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "", ""},
		{"PATCH", "", `{"first_name":"Eve"}`},
		{"POST", "/2fa", `{"code":"` + code + `"}`},
		{"DELETE", "/2fa", `{"code":"` + code + `"}`},
		{"GET", "/api_key", ""},
		{"POST", "/api_key", ""},
		{"POST", "/2fa/totp", ""},
		{"POST", "/2fa/totp/confirm", `{"code":"123456"}`},
	} {
		expect(t, e.call(tc.method, "/users/"+b.ID+tc.path, bearer(a.Token), tc.body), http.StatusForbidden, bodyForbidden)
	}
	// Bob is untouched, and Ada's code is still good.
	want := wantUser{ID: b.ID, Email: b.Email, First: "Ada", Last: ptr("Lovelace"), Active: true, Dark: true,
		Created: testStart, Updated: testStart}
	expect(t, e.call("GET", "/users/"+b.ID, bearer(b.Token), ""), http.StatusOK, successBody(want.json(), msgUserFetched))
	expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK,
		successBody("null", msg2FAEnabled))
}

// TestUserIDHeader: a User-Id header that names another user than the
// credentials is refused.
func TestUserIDHeader(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	a := e.activeAccount(t, "ada@example.com")
	b := e.activeAccount(t, "bob@example.com")
	if rec := e.call("GET", "/users/"+a.ID, bearer(a.Token), "", "User-Id", a.ID); rec.Code != http.StatusOK {
		t.Fatalf("own User-Id: %d %s", rec.Code, rec.Body)
	}
	expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), "", "User-Id", b.ID), http.StatusUnauthorized, bodyUnauth)
}
