package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAccountFlow runs a client's whole account journey over REST, on both
// stores: register, activate with the mailed code, log in, turn on 2FA,
// log in with a code, update the profile, and view and reset the API key.
func TestAccountFlow(t *testing.T) {
	for _, kind := range []storeKind{onSQLite, onPostgres} {
		t.Run(string(kind), func(t *testing.T) {
			e := newAccEnv(t, envConfig{store: kind})
			const email = "ada@example.com"

			// Register, then activate with the ACTIVATION code from the mail.
			rec := e.call("POST", "/auth/register", testPublicKey, registerBody(email))
			var reg wireUser
			dataOf(t, rec, &reg)
			want := wantUser{ID: reg.ID, Email: email, First: "Ada", Last: ptr("Lovelace"), Dark: true,
				Created: testStart, Updated: testStart, Token: reg.Token}
			expect(t, rec, http.StatusCreated, successBody(want.json(), msgRegistered))
			e.clock.Advance(time.Minute)
			want.Token, want.Active, want.Updated = "", true, e.clock.Now()
			expect(t, e.call("POST", "/users/ada%40example.com/activate", testPublicKey,
				`{"code":"`+e.lastCode(t, email)+`"}`), http.StatusOK, successBody(want.json(), msgActivated))

			// Log in with Basic credentials.
			a := account{Email: email, Password: testPassword, ID: reg.ID}
			a.Token = e.login(t, a, "")

			// Turn 2FA on with an emailed TWO_FACTOR_AUTH code.
			code := e.sendOTP(t, email, "TWO_FACTOR_AUTH")
			e.clock.Advance(time.Minute)
			expect(t, e.call("POST", "/users/"+a.ID+"/2fa", bearer(a.Token), `{"code":"`+code+`"}`), http.StatusOK,
				successBody("null", msg2FAEnabled))
			want.TwoFA, want.Updated = true, e.clock.Now()

			// Login without a code asks for one; with a fresh code it works.
			expect(t, e.call("POST", "/auth/session", basic(email, testPassword), ""), http.StatusUnauthorized, bodyNeeds2FA)
			rec = e.call("POST", "/auth/session", basic(email, testPassword), `{"code":"`+e.sendOTP(t, email, "TWO_FACTOR_AUTH")+`"}`)
			var in wireUser
			dataOf(t, rec, &in)
			want.Token = in.Token
			expect(t, rec, http.StatusOK, successBody(want.json(), msgLoggedIn))
			a.Token = in.Token

			// Update the profile.
			e.clock.Advance(time.Minute)
			want.Token, want.First, want.Dark, want.Updated = "", "Augusta", false, e.clock.Now()
			expect(t, e.call("PATCH", "/users/"+a.ID, bearer(a.Token), `{"first_name":"Augusta","is_dark_mode":false}`),
				http.StatusOK, successBody(want.json(), msgUserUpdated))

			// View the API key, then reset it.
			rec = e.call("GET", "/users/"+a.ID+"/api_key", bearer(a.Token), "")
			var oldKey wireAPIKey
			dataOf(t, rec, &oldKey)
			expect(t, rec, http.StatusOK, successBody(apiKeyJSON(oldKey.ID, oldKey.Token, a.ID, testStart, testStart), msgAPIKeyFetched))
			e.clock.Advance(time.Minute)
			rec = e.call("POST", "/users/"+a.ID+"/api_key", bearer(a.Token), "")
			var newKey wireAPIKey
			dataOf(t, rec, &newKey)
			now := e.clock.Now()
			expect(t, rec, http.StatusCreated, successBody(apiKeyJSON(newKey.ID, newKey.Token, a.ID, now, now), msgAPIKeyReset))

			// The new key reads the user; the old one is refused.
			expect(t, e.call("GET", "/users/"+a.ID, bearer(newKey.Token), ""), http.StatusOK, successBody(want.json(), msgUserFetched))
			expect(t, e.call("GET", "/users/"+a.ID, bearer(oldKey.Token), ""), http.StatusUnauthorized, bodyUnauth)

			// Log out: the token is dead, the key is not.
			expectNoContent(t, e.call("DELETE", "/auth/session", bearer(a.Token), ""))
			expect(t, e.call("GET", "/users/"+a.ID, bearer(a.Token), ""), http.StatusUnauthorized, bodyUnauth)
			if rec := e.call("GET", "/users/"+a.ID, bearer(newKey.Token), ""); rec.Code != http.StatusOK {
				t.Fatalf("key after logout: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestAccountFlowOverHTTP runs register, activate and login through a real
// HTTP server and client, with the path's @ escaped as clients send it.
func TestAccountFlowOverHTTP(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	ts := newHTTPServer(t, e.srv)
	do := func(method, path, authz, body string) *http.Response {
		t.Helper()
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, ts.URL+basePath+path, r)
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	if resp := do("POST", "/auth/register", testPublicKey, registerBody("ada@example.com")); resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	code := e.lastCode(t, "ada@example.com")
	if resp := do("POST", "/users/ada%40example.com/activate", testPublicKey, `{"code":"`+code+`"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("activate: %d", resp.StatusCode)
	}
	resp := do("POST", "/auth/session", basic("ada@example.com", testPassword), "")
	var in struct {
		Data wireUser `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	for _, step := range []struct {
		method string
		status int
	}{{"POST", http.StatusOK}, {"DELETE", http.StatusNoContent}} {
		e.clock.Advance(time.Minute)
		if resp := do("POST", "/users/ada%40example.com/otp/TWO_FACTOR_AUTH", testPublicKey, ""); resp.StatusCode != http.StatusCreated {
			t.Fatalf("send otp: %d", resp.StatusCode)
		}
		// Disable 2FA is a DELETE with a JSON body.
		body := `{"code":"` + e.lastCode(t, "ada@example.com") + `"}`
		if resp := do(step.method, "/users/"+in.Data.ID+"/2fa", bearer(in.Data.Token), body); resp.StatusCode != step.status {
			t.Fatalf("%s 2fa: %d", step.method, resp.StatusCode)
		}
	}
}

// TestAccountRoutes: the account routes answer 405 with their methods to
// any other method.
func TestAccountRoutes(t *testing.T) {
	e := newAccEnv(t, envConfig{})
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/auth/register", "POST"},
		{"GET", "/auth/google", "POST"},
		{"GET", "/auth/session", "POST, DELETE"},
		{"PUT", "/users/ada@example.com/password", "PATCH"},
		{"GET", "/users/ada@example.com/otp/ACTIVATION", "POST"},
		{"GET", "/users/ada@example.com/activate", "POST"},
		{"GET", "/users/user_1/2fa", "POST, DELETE"},
		{"DELETE", "/users/user_1", "GET, HEAD, PATCH"},
		{"PATCH", "/users/user_1/api_key", "GET, HEAD, POST"},
		{"GET", "/users/user_1/2fa/totp", "POST"},
		{"GET", "/users/user_1/2fa/totp/confirm", "POST"},
	} {
		rec := e.call(tc.method, tc.path, "", "")
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", tc.method, tc.path, rec.Code, rec.Header().Get("Allow"), tc.allow)
		}
	}
}
