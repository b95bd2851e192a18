package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OAuthGrant is a user's consent to an OAuth client (an MCP host): the
// scopes it may use, on the resource its tokens are for. Every OAuth
// access token names its grant and dies with it (see Identify). Grants are
// made by Clara's authorization server; users list and revoke them.
type OAuthGrant struct {
	ID         string
	UserID     string
	ClientID   string
	ClientName string
	Scopes     []string // the OAuth names of the scopes granted (clara:account, …)
	Resource   string   // the audience of the grant's tokens, e.g. https://host/mcp
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until used
	RevokedAt  time.Time // zero while the grant is live
}

// Live reports whether the grant still accepts tokens.
func (g OAuthGrant) Live() bool { return g.RevokedAt.IsZero() }

// scopesOf returns the scopes of Clara named by the OAuth names that both
// the grant and the token's scope claim (space-separated) hold; names
// Clara does not have are dropped.
func (g OAuthGrant) scopesOf(tokenScope string) Scopes {
	asked := strings.Fields(tokenScope)
	var out []Scope
	for _, name := range g.Scopes {
		if sc, ok := ScopeFromOAuth(name); ok && slices.Contains(asked, name) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return ScopesOf(out...)
}

// OAuthGrantInfo is a grant as its user sees it. Keys are alphabetical.
type OAuthGrantInfo struct {
	ClientID   string     `json:"client_id" jsonschema:"the OAuth client's id (often the URL of its metadata document)"`
	ClientName string     `json:"client_name" jsonschema:"the client's name, as it announced itself (unverified)"`
	CreatedAt  Timestamp  `json:"created_at" jsonschema:"when the user allowed the client (HTTP-date, GMT)"`
	ID         string     `json:"id" jsonschema:"the grant id: oauth_grant_ followed by 32 hex characters"`
	LastUsedAt *Timestamp `json:"last_used_at" jsonschema:"when the client last got a token from this grant (HTTP-date, GMT), null if never"`
	Resource   string     `json:"resource" jsonschema:"the endpoint the client's tokens are for, e.g. https://host/mcp"`
	Scopes     []string   `json:"scopes" jsonschema:"the OAuth scopes granted: clara:account, clara:analysis, clara:billing"`
}

// Info returns the grant as its user sees it.
func (g OAuthGrant) Info() OAuthGrantInfo {
	info := OAuthGrantInfo{
		ClientID: g.ClientID, ClientName: g.ClientName, CreatedAt: Timestamp(g.CreatedAt),
		ID: g.ID, Resource: g.Resource, Scopes: slices.Clone(g.Scopes),
	}
	if info.Scopes == nil {
		info.Scopes = []string{}
	}
	if !g.LastUsedAt.IsZero() {
		used := Timestamp(g.LastUsedAt)
		info.LastUsedAt = &used
	}
	return info
}

// ListOAuthGrants lists the live OAuth grants of the user, newest first.
// It needs the user's token and an active account.
func (s *Service) ListOAuthGrants(ctx context.Context, p Principal, userID string) ([]OAuthGrantInfo, error) {
	if err := s.authorize(p, CapListOAuthGrants, userID); err != nil {
		return nil, err
	}
	grants, err := s.store.OAuthGrants(ctx, p.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list oauth grants: %w", err)
	}
	out := make([]OAuthGrantInfo, len(grants))
	for i, g := range grants {
		out[i] = g.Info()
	}
	return out, nil
}

// RevokeOAuthGrant revokes one of the user's OAuth grants: every token of
// its client stops working at once. A grant that is not the user's, or is
// revoked already, is not found ("OAuth grant"). It needs the user's token
// and an active account.
func (s *Service) RevokeOAuthGrant(ctx context.Context, p Principal, userID, grantID string) error {
	if err := s.authorize(p, CapRevokeOAuthGrant, userID); err != nil {
		return err
	}
	err := s.store.RevokeOAuthGrant(ctx, p.user.ID, grantID, s.now())
	if err != nil && ErrorCode(err) != CodeNotFound {
		return fmt.Errorf("revoke oauth grant: %w", err)
	}
	return err
}
