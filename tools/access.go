package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// need is what a tool's capability needs of its caller, as its guidance
// words it. It is derived from the core's access table (needOf), never
// declared by a tool.
type need int

// The needs of tools.
const (
	// needNone: no credentials are needed (health, login, register): the
	// input is the proof, or there is nothing to prove.
	needNone need = iota
	// needUser: a user token or an API key ("general auth").
	needUser
	// needUserToken: a signed-in user's token; an API key is refused.
	needUserToken
)

// needOf returns what capability c needs of a tool's caller, from the
// core's access table: none when an anonymous caller may use it, else a
// user's credentials, an API key among them or not.
func needOf(c core.Capability) need {
	a, _ := core.AccessOf(c)
	switch {
	case a.Accepts(core.AuthNone):
		return needNone
	case a.Accepts(core.AuthAPIKey):
		return needUser
	}
	return needUserToken
}

// overStdio reports whether the call came over stdio.
func overStdio(ctx context.Context) bool {
	creds, _ := caller.Credentials(ctx)
	return creds.Transport == core.TransportMCPStdio
}

// How a model authenticates, by transport and by what the tool needs.
const (
	howHTTP = "To authenticate, send the header Authorization: Bearer <user token or API key> with every request; " +
		"login and register return a user token, view_api_key returns the API key."
	howHTTPUserToken = "This tool needs a signed-in user: send the header Authorization: Bearer <user token>; " +
		"login and register return one (an API key is not accepted here)."
	howStdio = "To authenticate, call login (or register) to sign this session in, " +
		"or start clara mcp with CLARA_API_KEY set to your API key."
	howStdioUserToken = "This tool needs a signed-in user: call login (or register) to sign this session in " +
		"(an API key is not accepted here)."
	howStdioKeyOnly = "This tool needs a signed-in user, not an API key: " +
		"start clara mcp without CLARA_API_KEY and call login."
	howStdioBadKey = "The CLARA_API_KEY of this clara mcp process is invalid, or was replaced by reset_api_key: " +
		"restart clara mcp with the current API key, or without CLARA_API_KEY and call login."
)

// credentialsProblem explains a 401 of a tool that needs n when it comes
// from the credentials of its caller p: missing, of the wrong kind, or
// invalid, revoked or expired. It returns "" when the credentials are
// valid, so that the 401 is about a one-time code.
func credentialsProblem(ctx context.Context, p core.Principal, n need) string {
	if n == needNone {
		return ""
	}
	how := howToAuthenticate(ctx, n)
	switch p.Kind() {
	case core.AuthUserToken:
	case core.AuthAPIKey:
		if n == needUserToken {
			if overStdio(ctx) {
				return howStdioKeyOnly
			}
			return how
		}
	default: // none, a public key, Basic or garbage: not a user
		return how
	}
	if core.ErrorCode(p.Refused()) == core.CodeUnauthenticated {
		return how
	}
	return ""
}

// howToAuthenticate words how the caller of ctx gets credentials that a
// tool that needs n accepts.
func howToAuthenticate(ctx context.Context, n need) string {
	if !overStdio(ctx) {
		if n == needUserToken {
			return howHTTPUserToken
		}
		return howHTTP
	}
	if b := bindingFrom(ctx); b != nil && !b.bindable {
		if n == needUserToken {
			return howStdioKeyOnly
		}
		return howStdioBadKey
	}
	if n == needUserToken {
		return howStdioUserToken
	}
	return howStdio
}
