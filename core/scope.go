package core

import "fmt"

// oauthScopes pairs each scope of Clara with its OAuth name: the name
// delegated credentials are asked for and granted under, and that the MCP
// endpoint advertises. It is the one place where the two names meet.
var oauthScopes = []struct {
	scope Scope
	name  string
}{
	{ScopeAccount, "clara:account"},
	{ScopeAnalyses, "clara:analysis"},
	{ScopeCredits, "clara:billing"},
}

// OAuthName returns the OAuth name of scope s ("clara:billing" for
// ScopeCredits), "" for a scope Clara does not have.
func (s Scope) OAuthName() string {
	for _, o := range oauthScopes {
		if o.scope == s {
			return o.name
		}
	}
	return ""
}

// ScopeFromOAuth returns the scope whose OAuth name is name; ok is false
// for a name Clara does not have.
func ScopeFromOAuth(name string) (s Scope, ok bool) {
	for _, o := range oauthScopes {
		if o.name == name {
			return o.scope, true
		}
	}
	return "", false
}

// OAuthScopeNames returns the OAuth names of every scope of Clara, in a
// fixed order: clara:account, clara:analysis, clara:billing.
func OAuthScopeNames() []string {
	names := make([]string, len(oauthScopes))
	for i, o := range oauthScopes {
		names[i] = o.name
	}
	return names
}

// ErrInsufficientScope reports credentials that do not grant scope s,
// which the capability asked for needs: a 403 whose message names the
// scope's OAuth name.
func ErrInsufficientScope(s Scope) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf("This needs the %s scope.", s.OAuthName())}
}
