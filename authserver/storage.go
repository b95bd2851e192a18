package authserver

import (
	"context"
	"fmt"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/pkce"
	fositestorage "github.com/ory/fosite/storage"

	"github.com/clara-backend/clara/core"
)

// storage keeps fosite's state in Clara's store: authorization codes, their
// PKCE challenges and refresh tokens as rows of oauth_tokens (under their
// keyed signatures), and grants as rows of oauth_grants. Access tokens are
// not stored: a clara_oat_ token names its grant, which Identify checks on
// every request.
//
// fosite's transactions (code exchange, refresh rotation) are units of
// work: the writes between BeginTX and Commit are queued and run in one
// store transaction at Commit, so a token is used up exactly when its
// successors are written.
type storage struct {
	store   core.Store
	clients *clients
	tokens  accessTokens
	now     func() time.Time
}

var (
	_ fosite.Storage                = (*storage)(nil)
	_ oauth2.CoreStorage            = (*storage)(nil)
	_ oauth2.TokenRevocationStorage = (*storage)(nil)
	_ pkce.PKCERequestStorage       = (*storage)(nil)
	_ fositestorage.Transactional   = (*storage)(nil)
)

// unitKey is the context key of the unit of work of a fosite transaction.
type unitKey struct{}

// unit is the writes queued by one fosite transaction.
type unit struct{ writes []func(q core.Queries) error }

// BeginTX starts a unit of work.
func (s *storage) BeginTX(ctx context.Context) (context.Context, error) {
	return context.WithValue(ctx, unitKey{}, &unit{}), nil
}

// Commit runs the unit's writes in one transaction. A token used up
// meanwhile by a concurrent request fails it as a serialization failure,
// which fosite answers as a request to retry (and which finds the token
// used).
func (s *storage) Commit(ctx context.Context) error {
	u, _ := ctx.Value(unitKey{}).(*unit)
	if u == nil {
		return nil
	}
	writes := u.writes
	u.writes = nil
	err := s.store.InTx(ctx, func(q core.Queries) error {
		for _, w := range writes {
			if err := w(q); err != nil {
				return err
			}
		}
		return nil
	})
	if core.ErrorCode(err) == core.CodeConflict {
		return fmt.Errorf("%w: %w", fosite.ErrSerializationFailure, err)
	}
	return err
}

// Rollback drops the unit's writes.
func (s *storage) Rollback(ctx context.Context) error {
	if u, _ := ctx.Value(unitKey{}).(*unit); u != nil {
		u.writes = nil
	}
	return nil
}

// write runs w now, or at Commit inside a unit of work.
func (s *storage) write(ctx context.Context, w func(q core.Queries) error) error {
	if u, _ := ctx.Value(unitKey{}).(*unit); u != nil {
		u.writes = append(u.writes, w)
		return nil
	}
	return w(s.store)
}

// GetClient returns the client with that id: a registered one, or one
// named by the URL of its metadata document.
func (s *storage) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	return s.clients.get(ctx, id)
}

// ClientAssertionJWTValid refuses: Clara takes no client assertions.
func (s *storage) ClientAssertionJWTValid(context.Context, string) error {
	return fosite.ErrJTIKnown
}

// SetClientAssertionJWT does nothing: Clara takes no client assertions.
func (s *storage) SetClientAssertionJWT(context.Context, string, time.Time) error { return nil }

// createToken stores the state of a token of kind under signature.
func (s *storage) createToken(ctx context.Context, kind core.OAuthTokenKind, signature string, r fosite.Requester, lifespan fosite.TokenType) error {
	data, err := encodeRequest(r)
	if err != nil {
		return err
	}
	sess := sessionOf(r)
	now := s.now()
	expires := sess.GetExpiresAt(lifespan)
	if expires.IsZero() {
		expires = now.Add(refreshTokenLifespan)
	}
	t := core.OAuthToken{
		Kind: kind, Signature: signature, RequestID: r.GetID(), GrantID: sess.GrantID,
		ClientID: r.GetClient().GetID(), Request: data, Active: true, CreatedAt: now, ExpiresAt: expires,
	}
	return s.write(ctx, func(q core.Queries) error { return q.CreateOAuthToken(ctx, t) })
}

// getToken returns the request stored with the token of kind under
// signature, and the token's state. Missing: fosite.ErrNotFound.
func (s *storage) getToken(ctx context.Context, kind core.OAuthTokenKind, signature string, into fosite.Session) (*fosite.Request, core.OAuthToken, error) {
	t, err := s.store.OAuthTokenBySignature(ctx, kind, signature)
	if core.ErrorCode(err) == core.CodeNotFound {
		return nil, t, fosite.ErrNotFound
	} else if err != nil {
		return nil, t, fmt.Errorf("load oauth %s: %w", kind, err)
	}
	r, err := decodeRequest(t.Request, into)
	return r, t, err
}

// CreateAuthorizeCodeSession stores an authorization code.
func (s *storage) CreateAuthorizeCodeSession(ctx context.Context, signature string, r fosite.Requester) error {
	return s.createToken(ctx, core.OAuthCodeToken, signature, r, fosite.AuthorizeCode)
}

// GetAuthorizeCodeSession returns the request of an authorization code;
// a code used already returns it with fosite.ErrInvalidatedAuthorizeCode,
// so that fosite revokes what the code gave.
func (s *storage) GetAuthorizeCodeSession(ctx context.Context, signature string, into fosite.Session) (fosite.Requester, error) {
	r, t, err := s.getToken(ctx, core.OAuthCodeToken, signature, into)
	if err != nil {
		return nil, err
	}
	if !t.Active {
		return r, fosite.ErrInvalidatedAuthorizeCode
	}
	return r, nil
}

// InvalidateAuthorizeCodeSession uses up an authorization code and makes
// the grant it was for: the user's consent becomes a grant once the client
// has proven it holds the code (and its PKCE verifier).
func (s *storage) InvalidateAuthorizeCodeSession(ctx context.Context, signature string) error {
	r, _, err := s.getToken(ctx, core.OAuthCodeToken, signature, nil)
	if err != nil {
		return err
	}
	sess := sessionOf(r)
	now := s.now()
	g := core.OAuthGrant{
		ID: sess.GrantID, UserID: sess.UserID, ClientID: r.GetClient().GetID(), ClientName: sess.ClientName,
		Scopes: r.GetGrantedScopes(), Resource: sess.Resource, CreatedAt: now, LastUsedAt: now,
	}
	return s.write(ctx, func(q core.Queries) error {
		if err := q.DeactivateOAuthToken(ctx, core.OAuthCodeToken, signature); err != nil {
			return err
		}
		if err := q.CreateOAuthGrant(ctx, g); err != nil {
			return fmt.Errorf("create oauth grant: %w", err)
		}
		if err := q.TouchOAuthClient(ctx, g.ClientID, now); err != nil && core.ErrorCode(err) != core.CodeNotFound {
			return fmt.Errorf("touch oauth client: %w", err)
		}
		return nil
	})
}

// CreatePKCERequestSession stores the PKCE challenge of a code.
func (s *storage) CreatePKCERequestSession(ctx context.Context, signature string, r fosite.Requester) error {
	return s.createToken(ctx, core.OAuthPKCEToken, signature, r, fosite.AuthorizeCode)
}

// GetPKCERequestSession returns the request holding a code's challenge.
func (s *storage) GetPKCERequestSession(ctx context.Context, signature string, into fosite.Session) (fosite.Requester, error) {
	r, _, err := s.getToken(ctx, core.OAuthPKCEToken, signature, into)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeletePKCERequestSession deletes a code's challenge: one try per code.
func (s *storage) DeletePKCERequestSession(ctx context.Context, signature string) error {
	return s.write(ctx, func(q core.Queries) error { return q.DeleteOAuthToken(ctx, core.OAuthPKCEToken, signature) })
}

// CreateAccessTokenSession stores nothing: the access token names its
// grant.
func (s *storage) CreateAccessTokenSession(context.Context, string, fosite.Requester) error {
	return nil
}

// GetAccessTokenSession returns the request behind an access token (its
// "signature" is the token itself, see accessTokens): the token's grant,
// while both are live. The revocation endpoint looks tokens up this way.
func (s *storage) GetAccessTokenSession(ctx context.Context, token string, _ fosite.Session) (fosite.Requester, error) {
	c, err := s.tokens.parse(token)
	if err != nil {
		return nil, fosite.ErrNotFound
	}
	g, _, err := s.store.OAuthGrantWithUser(ctx, c.GrantID)
	if core.ErrorCode(err) == core.CodeNotFound || (err == nil && !g.Live()) {
		return nil, fosite.ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("load oauth grant: %w", err)
	}
	return &fosite.Request{
		ID: g.ID, Client: storedClient(g.ClientID), GrantedScope: g.Scopes,
		Session: &session{UserID: g.UserID, GrantID: g.ID, Resource: g.Resource, ClientName: g.ClientName},
	}, nil
}

// DeleteAccessTokenSession does nothing: access tokens are not stored.
func (s *storage) DeleteAccessTokenSession(context.Context, string) error { return nil }

// CreateRefreshTokenSession stores a refresh token.
func (s *storage) CreateRefreshTokenSession(ctx context.Context, signature, _ string, r fosite.Requester) error {
	return s.createToken(ctx, core.OAuthRefreshToken, signature, r, fosite.RefreshToken)
}

// GetRefreshTokenSession returns the request of a refresh token. A token
// rotated already returns it with fosite.ErrInactiveToken, so that fosite
// revokes its family; a token whose grant is revoked is not found.
func (s *storage) GetRefreshTokenSession(ctx context.Context, signature string, into fosite.Session) (fosite.Requester, error) {
	r, t, err := s.getToken(ctx, core.OAuthRefreshToken, signature, into)
	if err != nil {
		return nil, err
	}
	if !t.Active {
		return r, fosite.ErrInactiveToken
	}
	g, _, err := s.store.OAuthGrantWithUser(ctx, t.GrantID)
	if core.ErrorCode(err) == core.CodeNotFound || (err == nil && !g.Live()) {
		return nil, fosite.ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("load oauth grant: %w", err)
	}
	return r, nil
}

// DeleteRefreshTokenSession marks a refresh token used.
func (s *storage) DeleteRefreshTokenSession(ctx context.Context, signature string) error {
	return s.write(ctx, func(q core.Queries) error {
		err := q.DeactivateOAuthToken(ctx, core.OAuthRefreshToken, signature)
		if core.ErrorCode(err) == core.CodeConflict {
			return nil // used already
		}
		return err
	})
}

// RotateRefreshToken uses up the refresh token being exchanged and records
// the use of its grant (the request id is the grant id: see session). Of
// two concurrent exchanges of one token, one fails at Commit.
func (s *storage) RotateRefreshToken(ctx context.Context, grantID string, signature string) error {
	now := s.now()
	return s.write(ctx, func(q core.Queries) error {
		if err := q.DeactivateOAuthToken(ctx, core.OAuthRefreshToken, signature); err != nil {
			return err
		}
		return q.TouchOAuthGrant(ctx, grantID, now)
	})
}

// RevokeRefreshToken revokes every token of the request and its grant: a
// replayed code or refresh token, or a revocation request, ends the whole
// family.
func (s *storage) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return s.revoke(ctx, requestID)
}

// RevokeAccessToken revokes the request's grant, and with it every access
// token of the family.
func (s *storage) RevokeAccessToken(ctx context.Context, requestID string) error {
	return s.revoke(ctx, requestID)
}

// revoke revokes the request's tokens and grant, at once (outside any unit
// of work: a revocation must stand even when the request fails).
func (s *storage) revoke(ctx context.Context, requestID string) error {
	if err := s.store.RevokeOAuthRequest(ctx, requestID, s.now()); err != nil {
		return fmt.Errorf("revoke oauth request: %w", err)
	}
	return nil
}
