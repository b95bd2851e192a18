package authserver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"

	"github.com/clara-backend/clara/auth"
)

// The prefixes of Clara's authorization codes and refresh tokens. fosite's
// HMAC strategy makes them (a random key and its keyed signature); Clara
// names them as its own.
const (
	codePrefix    = "clara_oac_"
	refreshPrefix = "clara_ort_"
)

// fosite's prefixes of the same tokens.
const (
	fositeCodePrefix    = "ory_ac_"
	fositeRefreshPrefix = "ory_rt_"
)

// accessTokens issues and reads Clara's OAuth access tokens (clara_oat_,
// see auth.Tokens.IssueOAuth).
type accessTokens struct{ t *auth.Tokens }

// parse returns the claims of a live-looking OAuth access token.
func (a accessTokens) parse(token string) (auth.Claims, error) {
	c, err := a.t.Parse(token)
	if err != nil {
		return auth.Claims{}, err
	}
	if c.Kind != auth.KindOAuth {
		return auth.Claims{}, errors.New("not an OAuth access token")
	}
	return c, nil
}

// strategy is fosite's token strategy for Clara: access tokens are
// clara_oat_ tokens bound to the grant, resource and scopes of the
// session; codes and refresh tokens are fosite's HMAC tokens under Clara's
// prefixes.
type strategy struct {
	hmac   *oauth2.HMACSHAStrategy
	access accessTokens
}

var _ oauth2.CoreStrategy = (*strategy)(nil)

// AccessTokenSignature returns the token itself: access tokens are not
// stored, and the revocation endpoint reads their grant from them.
func (s *strategy) AccessTokenSignature(_ context.Context, token string) string { return token }

// GenerateAccessToken issues a clara_oat_ token for the request's session
// and granted scopes.
func (s *strategy) GenerateAccessToken(_ context.Context, r fosite.Requester) (string, string, error) {
	sess := sessionOf(r)
	if sess == nil {
		return "", "", errors.New("generate access token: no session")
	}
	token, expires, err := s.access.t.IssueOAuth(sess.UserID, sess.GrantID, sess.Resource, r.GetGrantedScopes())
	if err != nil {
		return "", "", err
	}
	sess.SetExpiresAt(fosite.AccessToken, expires)
	return token, token, nil
}

// ValidateAccessToken checks an access token's signature and expiry.
func (s *strategy) ValidateAccessToken(_ context.Context, _ fosite.Requester, token string) error {
	if _, err := s.access.parse(token); err != nil {
		return fmt.Errorf("%w: %w", fosite.ErrTokenExpired, err)
	}
	return nil
}

// RefreshTokenSignature returns the keyed signature a refresh token is
// stored under.
func (s *strategy) RefreshTokenSignature(ctx context.Context, token string) string {
	return s.hmac.RefreshTokenSignature(ctx, rename(token, refreshPrefix, fositeRefreshPrefix))
}

// GenerateRefreshToken returns a new refresh token and its signature.
func (s *strategy) GenerateRefreshToken(ctx context.Context, r fosite.Requester) (string, string, error) {
	token, sig, err := s.hmac.GenerateRefreshToken(ctx, r)
	return rename(token, fositeRefreshPrefix, refreshPrefix), sig, err
}

// ValidateRefreshToken checks a refresh token's signature and expiry.
func (s *strategy) ValidateRefreshToken(ctx context.Context, r fosite.Requester, token string) error {
	return s.hmac.ValidateRefreshToken(ctx, r, rename(token, refreshPrefix, fositeRefreshPrefix))
}

// AuthorizeCodeSignature returns the keyed signature a code is stored
// under.
func (s *strategy) AuthorizeCodeSignature(ctx context.Context, token string) string {
	return s.hmac.AuthorizeCodeSignature(ctx, rename(token, codePrefix, fositeCodePrefix))
}

// GenerateAuthorizeCode returns a new authorization code and its
// signature.
func (s *strategy) GenerateAuthorizeCode(ctx context.Context, r fosite.Requester) (string, string, error) {
	token, sig, err := s.hmac.GenerateAuthorizeCode(ctx, r)
	return rename(token, fositeCodePrefix, codePrefix), sig, err
}

// ValidateAuthorizeCode checks a code's signature and expiry.
func (s *strategy) ValidateAuthorizeCode(ctx context.Context, r fosite.Requester, token string) error {
	return s.hmac.ValidateAuthorizeCode(ctx, r, rename(token, codePrefix, fositeCodePrefix))
}

// rename swaps the prefix from of token for to; a token without it is
// returned as it is (and fails its check).
func rename(token, from, to string) string {
	if rest, ok := strings.CutPrefix(token, from); ok {
		return to + rest
	}
	return token
}
