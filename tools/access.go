package tools

import (
	"context"
	"errors"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
)

// Access is what credentials a tool needs of its caller.
type Access int

// The access levels of tools.
const (
	// AccessNone: no caller is needed (health, login), or the tool
	// authenticates as a trusted client app with the public API key.
	AccessNone Access = iota
	// AccessUser: a user token or an API key ("general auth").
	AccessUser
	// AccessUserToken: a signed-in user's token; an API key is refused.
	AccessUserToken
)

// errNoPublicKey is the cause of the 503 of a public-key tool on a server
// configured without the public API key.
var errNoPublicKey = errors.New("the MCP server has no public API key (tools.Options.PublicAPIKey)")

// asClientApp returns ctx with the credentials of a trusted client app:
// the public API key, on the caller's transport and address. The MCP
// server acts as such an app for the tools whose REST twins take the
// public key (register, send_otp, activate_account, change_password
// without a signed-in user, google_sign_in).
func asClientApp(ctx context.Context, publicKey string) (context.Context, error) {
	if publicKey == "" {
		return ctx, core.ErrUnavailable(errNoPublicKey)
	}
	creds, _ := core.CredentialsFrom(ctx)
	return core.WithCredentials(ctx, core.Credentials{
		Authorization: publicKey,
		Transport:     creds.Transport,
		RemoteIP:      creds.RemoteIP,
	}), nil
}

// scheme returns the kind of credentials the caller of ctx presents.
func scheme(ctx context.Context) auth.Scheme {
	creds, _ := core.CredentialsFrom(ctx)
	return auth.ParseAuthorization(creds.Authorization).Scheme
}

// overStdio reports whether the call came over stdio.
func overStdio(ctx context.Context) bool {
	creds, _ := core.CredentialsFrom(ctx)
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

// credentialsProblem explains a 401 of a tool of access a when it comes
// from the caller's credentials: missing, of the wrong kind, or invalid,
// revoked or expired. It returns "" when the credentials are valid, so that
// the 401 is about a one-time code.
func (rt *toolEnv) credentialsProblem(ctx context.Context, a Access) string {
	if a == AccessNone {
		return ""
	}
	how := rt.howToAuthenticate(ctx, a)
	switch scheme(ctx) {
	case auth.SchemeUserToken:
	case auth.SchemeAPIKey:
		if a == AccessUserToken {
			if overStdio(ctx) {
				return howStdioKeyOnly
			}
			return how
		}
	default: // none, a public key, Basic or garbage: not a user
		return how
	}
	if rt.svc != nil && core.ErrorCode(rt.svc.VerifyCredentials(ctx)) == core.CodeUnauthenticated {
		return how
	}
	return ""
}

// howToAuthenticate words how the caller of ctx gets credentials that a
// tool of access a accepts.
func (rt *toolEnv) howToAuthenticate(ctx context.Context, a Access) string {
	if !overStdio(ctx) {
		if a == AccessUserToken {
			return howHTTPUserToken
		}
		return howHTTP
	}
	if b := bindingFrom(ctx); b != nil && !b.bindable {
		if a == AccessUserToken {
			return howStdioKeyOnly
		}
		return howStdioBadKey
	}
	if a == AccessUserToken {
		return howStdioUserToken
	}
	return howStdio
}
