package core

import (
	"context"
	"fmt"

	"github.com/clara-backend/clara/auth"
)

// AuthKind names how a caller proved who it is.
type AuthKind string

// The kinds of credentials that endpoints accept.
const (
	AuthUserToken AuthKind = "user_token" // a logged-in user's token
	AuthAPIKey    AuthKind = "api_key"    // a user's long-lived key
	AuthPublicKey AuthKind = "public_key" // a client app, no user
)

// general is what the contract calls "general auth".
var general = []AuthKind{AuthUserToken, AuthAPIKey}

// Principal is an authenticated caller.
type Principal struct {
	Kind      AuthKind
	User      User   // zero for a public key
	SessionID string // for a user token
	APIKeyID  string // for an API key
}

// authenticate checks the credentials of ctx against the kinds allowed and
// applies the per-caller rate limit. It answers 401 for anything missing,
// malformed, revoked or expired, and 429 over the limit.
func (s *Service) authenticate(ctx context.Context, allowed ...AuthKind) (Principal, error) {
	p, err := s.identify(ctx)
	if err != nil {
		return p, err
	}
	if !allows(allowed, p.Kind) {
		return p, ErrUnauthenticated()
	}
	return p, s.limit(ctx, p)
}

// VerifyCredentials checks the credentials of ctx without charging the
// rate limit: nil when there are none or they are a valid user token, API
// key or public key; a 401 error when they are present but invalid,
// revoked or expired. Transports use it to refuse a bad token up front.
func (s *Service) VerifyCredentials(ctx context.Context) error {
	_, err := s.identify(ctx)
	return err
}

// identify resolves the credentials of ctx into a principal (of no kind
// when there are none) and checks an optional User-Id header against it.
func (s *Service) identify(ctx context.Context) (Principal, error) {
	creds, _ := CredentialsFrom(ctx)
	cred := auth.ParseAuthorization(creds.Authorization)
	var p Principal
	var err error
	switch cred.Scheme {
	case auth.SchemeNone:
		return p, nil
	case auth.SchemeUserToken:
		p, err = s.userTokenPrincipal(ctx, cred.Token)
	case auth.SchemeAPIKey:
		p, err = s.apiKeyPrincipal(ctx, cred.Token)
	case auth.SchemePublicKey:
		if s.publicKey == "" || !auth.EqualSecret(cred.Raw, s.publicKey) {
			return p, ErrUnauthenticated()
		}
		p = Principal{Kind: AuthPublicKey}
	default:
		return p, ErrUnauthenticated()
	}
	if err != nil {
		return p, err
	}
	if creds.UserID != "" && p.User.ID != "" && creds.UserID != p.User.ID {
		return p, ErrUnauthenticated()
	}
	return p, nil
}

func allows(kinds []AuthKind, k AuthKind) bool {
	for _, a := range kinds {
		if a == k {
			return true
		}
	}
	return false
}

// userTokenPrincipal checks a user token and its session.
func (s *Service) userTokenPrincipal(ctx context.Context, token string) (Principal, error) {
	claims, err := s.tokens.Parse(token)
	if err != nil || claims.Kind != auth.KindUser {
		return Principal{}, ErrUnauthenticated()
	}
	sess, err := s.store.SessionByID(ctx, claims.SessionID)
	if ErrorCode(err) == CodeNotFound || (err == nil && (sess.UserID != claims.UserID || !sess.Live(s.now()))) {
		return Principal{}, ErrUnauthenticated()
	}
	if err != nil {
		return Principal{}, fmt.Errorf("load session: %w", err)
	}
	u, err := s.knownUser(ctx, claims.UserID)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Kind: AuthUserToken, User: u, SessionID: sess.ID}, nil
}

// apiKeyPrincipal checks an API key: valid only while its id is the user's
// current key.
func (s *Service) apiKeyPrincipal(ctx context.Context, token string) (Principal, error) {
	claims, err := s.tokens.Parse(token)
	if err != nil || claims.Kind != auth.KindAPIKey {
		return Principal{}, ErrUnauthenticated()
	}
	key, err := s.store.APIKeyOf(ctx, claims.UserID)
	if ErrorCode(err) == CodeNotFound || (err == nil && key.ID != claims.KeyID) {
		return Principal{}, ErrUnauthenticated()
	}
	if err != nil {
		return Principal{}, fmt.Errorf("load api key: %w", err)
	}
	u, err := s.knownUser(ctx, claims.UserID)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Kind: AuthAPIKey, User: u, APIKeyID: key.ID}, nil
}

// knownUser loads the user a valid token names; a user that no longer
// exists makes the token invalid.
func (s *Service) knownUser(ctx context.Context, id string) (User, error) {
	u, err := s.store.UserByID(ctx, id)
	if ErrorCode(err) == CodeNotFound {
		return u, ErrUnauthenticated()
	}
	if err != nil {
		return u, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

// limit applies the per-caller rate limit of the contract: per user token
// (session), per API key, per client address for public-key calls.
func (s *Service) limit(ctx context.Context, p Principal) error {
	var key string
	switch p.Kind {
	case AuthUserToken:
		key = "session:" + p.SessionID
	case AuthAPIKey:
		key = "api_key:" + p.APIKeyID
	default:
		key = "ip:" + clientAddr(ctx)
	}
	return s.allow(key, s.policy.PerCaller)
}

// limitAnonymous applies, to a call that carries no token, the per-caller
// limit by client address and the stricter limit r of its kind, whose keys
// start with prefix.
func (s *Service) limitAnonymous(ctx context.Context, prefix string, r Rate) error {
	addr := clientAddr(ctx)
	if err := s.allow("ip:"+addr, s.policy.PerCaller); err != nil {
		return err
	}
	return s.allow(prefix+addr, r)
}

// allow takes one event of rate r for key, or answers 429.
func (s *Service) allow(key string, r Rate) error {
	if s.limiter == nil {
		return nil
	}
	if ok, retry := s.limiter.Allow(key, r); !ok {
		return ErrRateLimited(retry)
	}
	return nil
}

// clientAddr is the caller's network address, or the transport's name when
// there is none (stdio).
func clientAddr(ctx context.Context) string {
	creds, _ := CredentialsFrom(ctx)
	if creds.RemoteIP != "" {
		return creds.RemoteIP
	}
	return string(creds.Transport)
}

// owner checks that the caller may act on the user with id userID: an
// empty id means the caller; another user's id is 403.
func owner(p Principal, userID string) (string, error) {
	if userID == "" || userID == p.User.ID {
		return p.User.ID, nil
	}
	return "", ErrForbidden()
}

// active refuses users who have not activated their account.
func active(p Principal) error {
	if p.User.ID != "" && !p.User.IsActive {
		return ErrInactive()
	}
	return nil
}
