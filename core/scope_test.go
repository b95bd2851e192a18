package core

import (
	"slices"
	"testing"
)

// Each scope has one OAuth name, and the name leads back to the scope.
func TestScopeOAuthNames(t *testing.T) {
	want := map[Scope]string{ScopeAccount: "clara:account", ScopeAnalyses: "clara:analysis", ScopeCredits: "clara:billing"}
	for sc, name := range want {
		if got := sc.OAuthName(); got != name {
			t.Errorf("%s: OAuth name %q, want %q", sc, got, name)
		}
		if back, ok := ScopeFromOAuth(name); !ok || back != sc {
			t.Errorf("%s: scope %q, %v, want %q", name, back, ok, sc)
		}
	}
	if got := OAuthScopeNames(); !slices.Equal(got, []string{"clara:account", "clara:analysis", "clara:billing"}) {
		t.Errorf("OAuth scope names %v", got)
	}
	for _, name := range []string{"", "account", "clara:", "clara:credits", "CLARA:ACCOUNT"} {
		if sc, ok := ScopeFromOAuth(name); ok {
			t.Errorf("%q: scope %q, want none", name, sc)
		}
	}
	if got := Scope("nothing").OAuthName(); got != "" {
		t.Errorf("unknown scope: OAuth name %q", got)
	}
}

// A principal whose credentials grant fewer scopes is refused, with a
// message naming the missing scope, what needs another scope, and is
// served what its scopes allow.
func TestNarrowedScopesAreRefusedByName(t *testing.T) {
	s := New(Deps{})
	active := User{ID: "user_a", IsActive: true}
	analyses := Principal{kind: AuthUserToken, user: active, sessionID: "session_1", scopes: ScopesOf(ScopeAnalyses)}
	account := Principal{kind: AuthUserToken, user: active, sessionID: "session_2", scopes: ScopesOf(ScopeAccount)}

	err := s.authorize(analyses, CapListTransactions, "")
	if e := ErrorOf(err); e == nil || e.Code != CodeForbidden || e.Message != "This needs the clara:billing scope." {
		t.Errorf("transactions without clara:billing: %v", err)
	}
	_, err = s.ViewUser(t.Context(), analyses, "")
	if e := ErrorOf(err); e == nil || e.Code != CodeForbidden || e.Message != "This needs the clara:account scope." {
		t.Errorf("view user without clara:account: %v", err)
	}
	_, err = s.SupportedAttachments(t.Context(), account, "")
	if e := ErrorOf(err); e == nil || e.Code != CodeForbidden || e.Message != "This needs the clara:analysis scope." {
		t.Errorf("supported attachments without clara:analysis: %v", err)
	}
	if u, err := s.ViewUser(t.Context(), account, ""); err != nil || u.ID != "user_a" {
		t.Errorf("view user with clara:account: %v, %v", u, err)
	}
	// Capabilities that need no scope serve every principal: health,
	// version and the public prices.
	for _, c := range []Capability{CapHealth, CapVersion, CapCreditRate} {
		if err := s.authorize(account, c, ""); err != nil {
			t.Errorf("%s with clara:account only: %v", c, err)
		}
	}
	// Another user's id is still a plain 403, before the scope.
	_, err = s.ViewUser(t.Context(), analyses, "user_x")
	if e := ErrorOf(err); e == nil || e.Message != MsgForbidden {
		t.Errorf("another user's id: %v", err)
	}
}

// An OAuth principal's scopes are those both its grant and its token hold;
// names Clara does not have are dropped.
func TestGrantScopes(t *testing.T) {
	g := OAuthGrant{Scopes: []string{"clara:account", "clara:billing", "clara:unknown"}}
	got := g.scopesOf("clara:account clara:analysis clara:unknown")
	if !got.Has(ScopeAccount) || got.Has(ScopeCredits) || got.Has(ScopeAnalyses) {
		t.Errorf("scopes %+v, want clara:account only", got)
	}
	if none := g.scopesOf(""); none.Has(ScopeAccount) || !none.Has("") {
		t.Errorf("empty token scope gave %+v", none)
	}
}
