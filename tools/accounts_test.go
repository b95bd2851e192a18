package tools

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/core"
)

// registerVia registers the flow's account over fc and returns the answer.
func registerVia(t *testing.T, fc *flowClient) map[string]any {
	t.Helper()
	return ok(t, fc.call(t, "register", map[string]any{
		"first_name": "Ada", "last_name": "Lovelace", "email": flowEmail, "password": flowPassword,
	}))
}

// The one-time code tools answer with the REST messages and say what to
// do next.
func TestOTPToolErrors(t *testing.T) {
	e := newAccountsEnv(t)
	anon := inProcessDriver(e, eras[0]).mustOpen(t, "")
	registerVia(t, anon)

	wantError(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "PASSWORD"}),
		core.MsgInvalid, "otp_type: must be ACTIVATION, CHANGE_PASSWORD or TWO_FACTOR_AUTH")
	wantError(t, anon.call(t, "send_otp", map[string]any{"email": "ada@", "otp_type": "ACTIVATION"}),
		core.MsgInvalid, "email: must be an email address such as ada@example.com")
	wantError(t, anon.call(t, "send_otp", map[string]any{"email": "nobody@example.com", "otp_type": "ACTIVATION"}),
		"User with the given identifier does not exist.", "No account has this email: check it, or call register.")

	// register mailed an ACTIVATION code a moment ago: a second one waits.
	res := anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "ACTIVATION"})
	if got := text(t, res); !res.IsError || !strings.HasPrefix(got, core.MsgRateLimited+"\nRetry in ") {
		t.Errorf("second ACTIVATION code: %q", got)
	}

	wantError(t, anon.call(t, "login", map[string]any{"email": flowEmail, "password": "not-the-password"}),
		core.MsgUnauthenticated, guideLoginBad)
	wantError(t, anon.call(t, "register", map[string]any{
		"first_name": "Ada", "last_name": "Lovelace", "email": flowEmail, "password": flowPassword,
	}), core.MsgConflict, "An account with this email exists: call login instead "+
		"(a forgotten password is replaced with send_otp CHANGE_PASSWORD, then change_password).")
}

// change_password works for a signed-in user (email defaults to them, and
// their sessions end) and for a forgotten password (email given).
func TestChangePassword(t *testing.T) {
	const newPassword = "Difference-Engine-1822"
	for _, era := range eras {
		t.Run("user token/"+era.name, func(t *testing.T) {
			e := newAccountsEnv(t)
			d := inProcessDriver(e, era)
			anon := d.mustOpen(t, "")
			wantError(t, anon.call(t, "change_password", map[string]any{"password": newPassword, "code": "123456"}),
				core.MsgInvalid, "email: is required when no user is signed in: give the account's email")

			me := d.mustOpen(t, "Bearer "+registerVia(t, anon)["token"].(string))
			ok(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
			wantError(t, me.call(t, "change_password", map[string]any{"password": newPassword, "code": "000000"}),
				core.MsgUnauthenticated, wrongCode(core.OTPChangePassword))
			got := ok(t, me.call(t, "change_password", map[string]any{"password": newPassword, "code": e.code(t, flowEmail)}))
			if got["message"] != "User password changed successfully." {
				t.Fatalf("change_password answered %v", got)
			}
			wantError(t, me.call(t, "view_user", nil), core.MsgUnauthenticated, howHTTP) // every session ended
			ok(t, anon.call(t, "login", map[string]any{"email": flowEmail, "password": newPassword}))

			// Forgotten password: no sign-in, email given.
			ok(t, anon.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
			ok(t, anon.call(t, "change_password", map[string]any{"email": flowEmail, "password": flowPassword, "code": e.code(t, flowEmail)}))
			ok(t, anon.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword}))
		})
	}
	t.Run("stdio", func(t *testing.T) {
		e := newAccountsEnv(t)
		d := stdioDriver(e, eras[0])
		me := d.mustOpen(t, "")
		registerVia(t, me) // binds the session
		ok(t, me.call(t, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
		ok(t, me.call(t, "change_password", map[string]any{"password": newPassword, "code": e.code(t, flowEmail)}))
		// The password change ended the session's sign-in.
		wantError(t, me.call(t, "view_user", nil), core.MsgUnauthenticated, howStdio)
		ok(t, me.call(t, "login", map[string]any{"email": flowEmail, "password": newPassword}))
		if u := ok(t, me.call(t, "view_user", nil)); u["email"] != flowEmail {
			t.Fatalf("view_user after login: %v", u)
		}
	})
}

// google_sign_in creates an active account, or signs in to it, and binds a
// stdio session.
func TestGoogleSignIn(t *testing.T) {
	e := newAccountsEnv(t)
	me := stdioDriver(e, eras[1]).mustOpen(t, "")
	wantError(t, me.call(t, "google_sign_in", map[string]any{"id_token": "forged"}), core.MsgUnauthenticated,
		"The Google ID token is invalid, expired, for another app, or its email is not verified: get a fresh one.")
	first := ok(t, me.call(t, "google_sign_in", map[string]any{"id_token": e.google.Token(t, "Grace@Example.com", nil)}))
	if first["email"] != "grace@example.com" || first["is_active"] != true || first["last_name"] != "Hopper" {
		t.Fatalf("google_sign_in answered %v", first)
	}
	if u := ok(t, me.call(t, "view_user", nil)); u["id"] != first["id"] {
		t.Fatalf("session not bound: view_user %v", u)
	}
	if again := ok(t, me.call(t, "google_sign_in", map[string]any{"id_token": e.google.Token(t, "Grace@Example.com", nil)})); again["id"] != first["id"] || again["token"] == first["token"] {
		t.Fatalf("second sign-in answered %v", again)
	}
}

// Over stdio with CLARA_API_KEY, login returns a token but binds nothing:
// the key stays the caller.
func TestStdioWithAPIKeyDoesNotBind(t *testing.T) {
	e := newAccountsEnv(t)
	d := stdioDriver(e, eras[0])
	anon := d.mustOpen(t, "")
	registerVia(t, anon)
	ok(t, anon.call(t, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
	key := ok(t, anon.call(t, "view_api_key", nil))["token"].(string)
	anon.close(t)

	withKey := d.mustOpen(t, "Bearer "+key)
	in := ok(t, withKey.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword}))
	if !strings.HasPrefix(in["token"].(string), "clara_user_") {
		t.Fatalf("login answered %v", in)
	}
	wantError(t, withKey.call(t, "reset_api_key", nil), core.MsgUnauthenticated, howStdioKeyOnly)
	wantError(t, withKey.call(t, "logout", nil), core.MsgUnauthenticated, howStdioKeyOnly)
	withKey.close(t)
}

// The sign-up tools call the core as their caller, not as a client app:
// they work on a server that has no public API key at all.
func TestSignUpWithoutPublicKey(t *testing.T) {
	e := newEnvTweaked(t, false, nil, func(d *core.Deps) { d.PublicAPIKey = "" })
	c := inProcess(t, NewServer(e.svc, Options{ValidateOutput: true, Logger: e.logger}), false)
	ok(t, call(t, c, "register", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": flowEmail, "password": flowPassword}))
	ok(t, call(t, c, "activate_account", map[string]any{"email": flowEmail, "code": e.code(t, flowEmail)}))
	ok(t, call(t, c, "send_otp", map[string]any{"email": flowEmail, "otp_type": "CHANGE_PASSWORD"}))
	ok(t, call(t, c, "change_password", map[string]any{"email": flowEmail, "password": "another-engine-1843", "code": e.code(t, flowEmail)}))
	ok(t, call(t, c, "login", map[string]any{"email": flowEmail, "password": "another-engine-1843"}))
}

// Calls of one stdio session run concurrently while login and logout
// rebind it: every call sees either the signed-in user or nobody (run
// with -race).
func TestStdioBindingConcurrent(t *testing.T) {
	e := newAccountsEnv(t)
	me := stdioDriver(e, eras[0]).mustOpen(t, "")
	registerVia(t, me)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				res, err := me.callErr(t, "view_user", nil)
				switch {
				case err != nil && ctx.Err() == nil:
					errs <- err
				case err != nil:
				case res.IsError && !strings.HasPrefix(text(t, res), core.MsgUnauthenticated):
					errs <- fmt.Errorf("view_user: %s", text(t, res))
				}
			}
		})
	}
	for range 10 {
		ok(t, me.call(t, "login", map[string]any{"email": flowEmail, "password": flowPassword}))
		ok(t, me.call(t, "logout", nil))
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
