package core

import (
	"testing"
)

// authorize checks a principal against the one access table, in the
// contract's order: credentials (401), then the account's activation,
// then ownership, then the scopes the credentials grant (403).
func TestAuthorizeFollowsTheAccessTable(t *testing.T) {
	s := New(Deps{})
	active := User{ID: "user_a", IsActive: true}
	token := Principal{kind: AuthUserToken, user: active, sessionID: "session_1", scopes: AllScopes()}
	key := Principal{kind: AuthAPIKey, user: active, apiKeyID: "api_key_1", scopes: AllScopes()}
	inactive := Principal{kind: AuthUserToken, user: User{ID: "user_b"}, sessionID: "session_2", scopes: AllScopes()}
	narrow := Principal{kind: AuthAPIKey, user: active, apiKeyID: "api_key_2", scopes: ScopesOf(ScopeAnalyses)}
	oauth := Principal{kind: AuthOAuth, user: active, grantID: "oauth_grant_1", scopes: ScopesOf(ScopeAccount)}
	app := Principal{kind: AuthPublicKey}
	refused := Principal{kind: AuthUserToken, refused: ErrUnauthenticated()}
	for _, c := range []struct {
		name   string
		p      Principal
		cap    Capability
		userID string
		want   Code
	}{
		{"anonymous, general auth", Principal{}, CapViewUser, "", CodeUnauthenticated},
		{"refused token", refused, CapViewUser, "", CodeUnauthenticated},
		{"refused token, login", refused, CapLogin, "", ""},
		{"api key, user token only", key, CapViewAPIKey, "", CodeUnauthenticated},
		{"client app, user route", app, CapViewUser, "", CodeUnauthenticated},
		{"user token, sign-up", token, CapRegister, "", ""},
		{"anonymous, sign-up", Principal{}, CapRegister, "", ""},
		{"client app", app, CapRegister, "", ""},
		{"anonymous, password by email", Principal{}, CapChangePassword, "", ""},
		{"refused token, password", refused, CapChangePassword, "", CodeUnauthenticated},
		{"basic credentials, password", Principal{kind: AuthOther}, CapChangePassword, "", CodeUnauthenticated},
		{"google without credentials", Principal{}, CapGoogleSignIn, "", ""},
		{"inactive may view itself", inactive, CapViewUser, "", ""},
		{"inactive may not update", inactive, CapUpdateUser, "", CodeInactive},
		{"own id", token, CapUpdateUser, "user_a", ""},
		{"another id", key, CapListTasks, "user_x", CodeForbidden},
		{"scope granted", narrow, CapAnalyze, "", ""},
		{"scope not granted", narrow, CapViewUser, "", CodeForbidden},
		{"not in the table", token, Capability("nothing"), "", CodeInternal},
		{"oauth, general auth in scope", oauth, CapViewUser, "", ""},
		{"oauth, out of scope", oauth, CapAnalyze, "", CodeForbidden},
		{"oauth, billing out of scope", oauth, CapBuyCredits, "", CodeForbidden},
		{"oauth, prices need no scope", oauth, CapCreditRate, "", ""},
		{"oauth, user token only", oauth, CapViewAPIKey, "", CodeUnauthenticated},
		{"oauth, grants need a user token", oauth, CapListOAuthGrants, "", CodeUnauthenticated},
		{"user token, grants", token, CapListOAuthGrants, "", ""},
		{"api key, grants", key, CapRevokeOAuthGrant, "", CodeUnauthenticated},
		{"inactive, grants", inactive, CapListOAuthGrants, "", CodeInactive},
	} {
		if got := ErrorCode(s.authorize(c.p, c.cap, c.userID)); got != c.want {
			t.Errorf("%s: code %q, want %q", c.name, got, c.want)
		}
	}
}

// Every capability a caller can ask for has an entry, and AccessOf gives
// copies: a caller cannot change the table.
func TestAccessTable(t *testing.T) {
	if n := len(Capabilities()); n != 29 {
		t.Errorf("%d capabilities, want 29", n)
	}
	a, ok := AccessOf(CapViewUser)
	if !ok || !a.Accepts(AuthAPIKey) || !a.Accepts(AuthUserToken) || a.Accepts(AuthPublicKey) || a.Active {
		t.Fatalf("view_user access %+v", a)
	}
	a.Kinds[0] = AuthPublicKey
	if again, _ := AccessOf(CapViewUser); again.Accepts(AuthPublicKey) {
		t.Fatal("AccessOf shares the table's kinds")
	}
	if _, ok := AccessOf("nothing"); ok {
		t.Fatal("an unknown capability has access")
	}
}
