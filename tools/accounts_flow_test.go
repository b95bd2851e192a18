package tools

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client/transport"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
)

// The flow's account.
const (
	flowEmail    = "ada@example.com"
	flowPassword = "Analytical-Engine-1843"
)

// accountFlow runs an account's life over d: register, activate, log in,
// turn on two-factor login, log in with a code, update the profile, read
// and reset the API key, and check which keys still work.
func accountFlow(t *testing.T, e *accountsEnv, d driver) {
	anon := d.mustOpen(t, "")

	// A protected tool, called anonymously, says how to authenticate.
	wantError(t, anon.call(t, "view_user", nil), core.MsgUnauthenticated, d.how)

	// Bad arguments get the REST message and the offending field.
	wantError(t, anon.call(t, "register", map[string]any{
		"first_name": "Ada", "last_name": "Lovelace", "email": "ada-at-example", "password": flowPassword,
	}), core.MsgInvalid, "email: must be an email address such as ada@example.com")

	reg := ok(t, anon.call(t, "register", map[string]any{
		"first_name": "Ada", "last_name": "Lovelace", "email": " Ada@Example.com ", "password": flowPassword,
	}))
	if reg["email"] != flowEmail || reg["is_active"] != false || !strings.HasPrefix(reg["token"].(string), "clara_user_") {
		t.Fatalf("register answered %v", reg)
	}
	userID := reg["id"].(string)
	me := d.session(t, anon, reg["token"].(string))

	// Signed in (bound, over stdio): the inactive user can view itself, but
	// nothing more.
	if u := ok(t, me.call(t, "view_user", nil)); u["id"] != userID || u["is_active"] != false {
		t.Fatalf("view_user after register: %v", u)
	}
	wantError(t, me.call(t, "update_user", map[string]any{"first_name": "Augusta"}), core.MsgInactive, guideInactive)

	wantError(t, me.call(t, "activate_account", map[string]any{"email": flowEmail, "code": "000000"}),
		core.MsgUnauthenticated, wrongCode(core.OTPActivation))
	act := ok(t, me.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
	if act["is_active"] != true || act["id"] != userID {
		t.Fatalf("activate_account answered %v", act)
	}

	in := ok(t, me.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword}))
	me = d.session(t, me, in["token"].(string))

	sendOTP := func(otpType string) {
		t.Helper()
		got := ok(t, me.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": otpType}))
		if got["message"] != "OTP sent successfully." {
			t.Fatalf("send_otp answered %v", got)
		}
	}
	sendOTP("TWO_FACTOR_AUTH")
	if got := ok(t, me.call(t, "enable_2fa", map[string]any{"code": e.code(t, flowEmail)})); got["message"] != "User 2FA enabled successfully." {
		t.Fatalf("enable_2fa answered %v", got)
	}

	// Two-factor login: without a code the model is told to get one.
	wantError(t, me.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword}),
		core.MsgUnauthenticated, guideLogin2FA)
	sendOTP("TWO_FACTOR_AUTH")
	in = ok(t, me.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword, "code": e.code(t, flowEmail)}))
	if in["is_2fa_enabled"] != true {
		t.Fatalf("login with code answered %v", in)
	}
	me = d.session(t, me, in["token"].(string))

	u := ok(t, me.call(t, "update_user", map[string]any{"first_name": "Augusta", "is_dark_mode": false}))
	if u["first_name"] != "Augusta" || u["last_name"] != "Lovelace" || u["is_dark_mode"] != false {
		t.Fatalf("update_user answered %v", u)
	}

	// Another user's id is refused.
	other := "user_" + strings.Repeat("0", 32)
	wantError(t, me.call(t, "view_user", map[string]any{"user_id": other}), core.MsgForbidden, guideForbidden)
	if got := ok(t, me.call(t, "view_user", map[string]any{"user_id": userID})); got["first_name"] != "Augusta" {
		t.Fatalf("view_user with own id: %v", got)
	}

	oldKey := ok(t, me.call(t, "view_api_key", nil))
	newKey := ok(t, me.call(t, "reset_api_key", map[string]any{}))
	if oldKey["user_id"] != userID || !strings.HasPrefix(newKey["token"].(string), "clara_api_") ||
		newKey["token"] == oldKey["token"] || newKey["id"] == oldKey["id"] {
		t.Fatalf("view_api_key %v, then reset_api_key %v", oldKey, newKey)
	}

	if got := ok(t, me.call(t, "logout", nil)); got["message"] != "User logged out successfully." {
		t.Fatalf("logout answered %v", got)
	}
	if d.binds {
		// Logged out, the stdio session is anonymous again.
		wantError(t, me.call(t, "view_user", nil), core.MsgUnauthenticated, d.how)
		me.close(t)
	}

	// The new key works; the old one is refused.
	withKey := d.mustOpen(t, "Bearer "+newKey["token"].(string))
	if got := ok(t, withKey.call(t, "view_user", nil)); got["id"] != userID {
		t.Fatalf("view_user with the new key: %v", got)
	}
	// A key cannot read or rotate itself.
	wantError(t, withKey.call(t, "view_api_key", nil), core.MsgUnauthenticated, d.howKeyOnly)
	withKey.close(t)
	d.refused(t, "Bearer "+oldKey["token"].(string))
}

// session returns the client that acts as the user of token: over stdio
// the session, which login and register bound; otherwise a new client
// presenting the token.
func (d driver) session(t *testing.T, current *flowClient, token string) *flowClient {
	t.Helper()
	if d.binds {
		return current
	}
	return d.mustOpen(t, "Bearer "+token)
}

// refused checks that a caller presenting authorization is refused: at
// the transport over HTTP (401), with an isError result elsewhere.
func (d driver) refused(t *testing.T, authorization string) {
	t.Helper()
	fc, err := d.open(t, authorization)
	if strings.HasPrefix(d.name, "http/") {
		if !errors.Is(err, transport.ErrAuthorizationRequired) {
			t.Fatalf("connect with a dead key: %v, want 401", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	how := d.how
	if d.binds {
		how = howStdioBadKey
	}
	wantError(t, fc.call(t, "view_user", nil), core.MsgUnauthenticated, how)
	fc.close(t)
}

func TestAccountFlowInProcess(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			e := newAccountsEnv(t)
			accountFlow(t, e, inProcessDriver(e, era))
		})
	}
}

func TestAccountFlowStdio(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			e := newAccountsEnv(t)
			accountFlow(t, e, stdioDriver(e, era))
		})
	}
}

func TestAccountFlowStreamableHTTP(t *testing.T) {
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			e := newAccountsEnv(t)
			accountFlow(t, e, httpDriver(serveAccountsHTTP(t, e), era))
		})
	}
}

// A bad token is refused at the HTTP transport with 401, the endpoint's
// invalid_token challenge and a JSON-RPC error, on every MCP endpoint; no
// token passes when anonymous access is on.
func TestHTTPRefusesBadCredentials(t *testing.T) {
	e := newAccountsEnv(t)
	ts := serveAccountsHTTP(t, e)
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	do := func(method, path, authorization, userID string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(ping))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		if userID != "" {
			req.Header.Set(mcpserve.UserIDHeader, userID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	const scopes = `scope="clara:account clara:analysis clara:billing"`
	for _, tc := range []struct{ method, path, resource string }{
		{http.MethodPost, "/mcp", "mcp"}, {http.MethodGet, "/sse", "sse"}, {http.MethodPost, "/message?sessionId=x", "sse"},
	} {
		want := `Bearer error="invalid_token", resource_metadata="` + testClaraURL + `/.well-known/oauth-protected-resource/` + tc.resource + `", ` + scopes
		for _, authorization := range []string{"Bearer clara_user_forged", "Bearer clara_api_forged", "Bearer nonsense", "Basic Zm9vOmJhcg==", "wrong-public-key"} {
			resp := do(tc.method, tc.path, authorization, "")
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != want {
				t.Errorf("%s %s with %q: status %d, WWW-Authenticate %q", tc.method, tc.path, authorization,
					resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
		}
	}
	if resp := do(http.MethodPost, "/mcp", "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("no credentials: status %d", resp.StatusCode)
	}
	if resp := do(http.MethodPost, "/mcp", testPublicKey, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("public key: status %d", resp.StatusCode)
	}

	// A valid token passes, unless User-Id names someone else.
	anon := httpDriver(ts, eras[1]).mustOpen(t, "")
	reg := ok(t, anon.call(t, "register", map[string]any{
		"first_name": "Ada", "last_name": "Lovelace", "email": flowEmail, "password": flowPassword,
	}))
	token, id := "Bearer "+reg["token"].(string), reg["id"].(string)
	if resp := do(http.MethodPost, "/mcp", token, id); resp.StatusCode != http.StatusOK {
		t.Errorf("valid token and own User-Id: status %d", resp.StatusCode)
	}
	if resp := do(http.MethodPost, "/mcp", token, "user_"+strings.Repeat("f", 32)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another User-Id: status %d, want 401", resp.StatusCode)
	}
	resp := do(http.MethodPost, "/mcp", "Bearer clara_user_forged", "")
	var body map[string]any
	_ = jsonDecode(resp, &body)
	if e, _ := body["error"].(map[string]any); body["jsonrpc"] != "2.0" || e["message"] != core.MsgUnauthenticated {
		t.Errorf("401 body %v", body)
	}
}
