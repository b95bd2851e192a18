package core

import (
	"context"
	"fmt"

	"github.com/clara-backend/clara/auth"
)

// AuthKind names how a caller proved who it is.
type AuthKind string

// The kinds of credentials a caller presents.
const (
	AuthNone      AuthKind = ""           // no credentials: an anonymous caller
	AuthUserToken AuthKind = "user_token" // a logged-in user's token
	AuthAPIKey    AuthKind = "api_key"    // a user's long-lived key
	AuthPublicKey AuthKind = "public_key" // a client app, no user
	AuthOAuth     AuthKind = "oauth"      // an OAuth access token of an MCP host, limited to its grant's scopes
	AuthOther     AuthKind = "other"      // anything else (Basic credentials, garbage): never accepted
)

// Principal is the caller of one request, as Identify resolved it from the
// request's credentials: the kind of credentials, the user they belong to,
// the session, API key or OAuth grant, the scopes they grant, and where the
// request came from. Adapters pass it to every core method that acts for a
// caller; the core authorizes it against the access table (access.go).
//
// Only Identify makes principals with credentials; the zero Principal is an
// anonymous caller. A principal whose credentials were refused keeps the
// kind they claimed and its transport and address, but authorizes nothing:
// every capability that needs credentials answers with the refusal.
type Principal struct {
	kind      AuthKind
	user      User
	sessionID string
	apiKeyID  string
	grantID   string
	scopes    Scopes
	transport Transport
	addr      string
	refused   error
}

// Kind returns the kind of credentials the caller presented.
func (p Principal) Kind() AuthKind { return p.kind }

// User returns the caller's user (the zero User for a client app, an
// anonymous caller or refused credentials).
func (p Principal) User() User { return p.user }

// SessionID returns the session of a user token, "" otherwise.
func (p Principal) SessionID() string { return p.sessionID }

// APIKeyID returns the id of an API key, "" otherwise.
func (p Principal) APIKeyID() string { return p.apiKeyID }

// GrantID returns the OAuth grant of an OAuth access token, "" otherwise.
func (p Principal) GrantID() string { return p.grantID }

// Scopes returns what the credentials may be used for.
func (p Principal) Scopes() Scopes { return p.scopes }

// Transport returns how the request reached Clara.
func (p Principal) Transport() Transport { return p.transport }

// Addr returns the client's network address, or the transport's name when
// there is none (stdio): the key of per-address limits.
func (p Principal) Addr() string {
	if p.addr != "" {
		return p.addr
	}
	return string(p.transport)
}

// Refused returns why the caller's credentials were refused (a 401, or the
// failure that kept them from being checked), nil when they were not.
func (p Principal) Refused() error { return p.refused }

// Anonymous returns the principal of a caller without credentials on
// transport t from the client address addr ("" when there is none).
func Anonymous(t Transport, addr string) Principal {
	return Principal{transport: t, addr: addr}
}

// Identify resolves the credentials of one request into its principal: a
// user token, an API key or an OAuth access token, with its user, in one
// store statement (the session, key or grant joined with the user, so that
// a revoked session or grant or a replaced key is refused at once); the
// public key of client apps without any; no credentials as an anonymous
// caller. A User-Id that names another user than the credentials' is
// refused. An OAuth access token is accepted only for the resource the
// request reached (Credentials.Resource), never where there is none.
//
// On refusal err is a 401 (or the store's failure), and the principal
// still carries the transport and address, and the refusal (see
// Principal.Refused): adapters that answer in their own order pass it on,
// and the core answers the refusal where credentials are needed.
func (s *Service) Identify(ctx context.Context, c Credentials) (Principal, error) {
	base := Principal{transport: c.Transport, addr: c.RemoteIP}
	p, err := s.resolve(ctx, c)
	if err == nil && c.UserID != "" && p.user.ID != "" && c.UserID != p.user.ID {
		err = ErrUnauthenticated()
	}
	if err != nil {
		base.kind, base.refused = p.kind, err
		return base, err
	}
	p.transport, p.addr = base.transport, base.addr
	return p, nil
}

// resolve checks credentials c; on failure the principal it returns names
// only the kind of credentials presented.
func (s *Service) resolve(ctx context.Context, c Credentials) (Principal, error) {
	cred := auth.ParseAuthorization(c.Authorization)
	switch cred.Scheme {
	case auth.SchemeNone:
		return Principal{}, nil
	case auth.SchemeUserToken:
		return s.userTokenPrincipal(ctx, cred.Token)
	case auth.SchemeAPIKey:
		return s.apiKeyPrincipal(ctx, cred.Token)
	case auth.SchemeOAuth:
		return s.oauthPrincipal(ctx, cred.Token, c.Resource)
	case auth.SchemePublicKey:
		p := Principal{kind: AuthPublicKey}
		if s.publicKey == "" || !auth.EqualSecret(cred.Raw, s.publicKey) {
			return p, ErrUnauthenticated()
		}
		return p, nil
	}
	return Principal{kind: AuthOther}, ErrUnauthenticated()
}

// userTokenPrincipal checks a user token against its session and user,
// read in one statement.
func (s *Service) userTokenPrincipal(ctx context.Context, token string) (Principal, error) {
	p := Principal{kind: AuthUserToken}
	claims, err := s.tokens.Parse(token)
	if err != nil || claims.Kind != auth.KindUser {
		return p, ErrUnauthenticated()
	}
	sess, u, err := s.store.SessionWithUser(ctx, claims.SessionID)
	if ErrorCode(err) == CodeNotFound || (err == nil && (sess.UserID != claims.UserID || !sess.Live(s.now()))) {
		return p, ErrUnauthenticated()
	}
	if err != nil {
		return p, fmt.Errorf("load session with its user: %w", err)
	}
	p.user, p.sessionID, p.scopes = u, sess.ID, AllScopes()
	return p, nil
}

// apiKeyPrincipal checks an API key: valid only while its id is the
// user's current key, read with the user in one statement.
func (s *Service) apiKeyPrincipal(ctx context.Context, token string) (Principal, error) {
	p := Principal{kind: AuthAPIKey}
	claims, err := s.tokens.Parse(token)
	if err != nil || claims.Kind != auth.KindAPIKey {
		return p, ErrUnauthenticated()
	}
	key, u, err := s.store.APIKeyWithUser(ctx, claims.UserID)
	if ErrorCode(err) == CodeNotFound || (err == nil && key.ID != claims.KeyID) {
		return p, ErrUnauthenticated()
	}
	if err != nil {
		return p, fmt.Errorf("load api key with its user: %w", err)
	}
	p.user, p.apiKeyID, p.scopes = u, key.ID, AllScopes()
	return p, nil
}

// oauthPrincipal checks an OAuth access token: its audience must be
// resource, the resource the request reached, and its grant, read with the
// user in one statement, must be live, the user's, and for that resource.
// The principal has the scopes both the grant and the token hold.
func (s *Service) oauthPrincipal(ctx context.Context, token, resource string) (Principal, error) {
	p := Principal{kind: AuthOAuth}
	claims, err := s.tokens.Parse(token)
	if err != nil || claims.Kind != auth.KindOAuth || resource == "" || claims.Audience != resource {
		return p, ErrUnauthenticated()
	}
	g, u, err := s.store.OAuthGrantWithUser(ctx, claims.GrantID)
	if ErrorCode(err) == CodeNotFound || (err == nil && (g.UserID != claims.UserID || !g.Live() || g.Resource != resource)) {
		return p, ErrUnauthenticated()
	}
	if err != nil {
		return p, fmt.Errorf("load oauth grant with its user: %w", err)
	}
	p.user, p.grantID, p.scopes = u, g.ID, g.scopesOf(claims.Scope)
	return p, nil
}
