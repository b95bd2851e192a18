// Package googleid verifies Google ID tokens for Clara's Google sign-in.
//
// It lives apart from package auth because it implements core.GoogleVerifier
// and so imports core, while core imports auth.
package googleid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/clara-backend/clara/core"
)

// JWKSURL is where Google publishes the keys of its ID tokens.
const JWKSURL = "https://www.googleapis.com/oauth2/v3/certs"

// googleIssuer is the issuer of Google ID tokens. go-oidc also accepts the
// spelling without scheme, "accounts.google.com", for this issuer only
// (oidc/verify.go).
const googleIssuer = "https://accounts.google.com"

// maxTokenLen bounds the length of an ID token accepted for verifying;
// Google's are about 1 KiB.
const maxTokenLen = 8192

// Errors of Verifier.Verify; both mean 401.
var (
	// ErrNotConfigured: no client ids are configured, so no token is
	// accepted.
	ErrNotConfigured = errors.New("google sign-in is not configured (no client ids)")
	// ErrInvalidToken wraps every other refusal: signature, issuer,
	// audience, expiry, missing claims or an unverified email.
	ErrInvalidToken = errors.New("invalid google id token")
)

// Config configures a Verifier; zero fields take their defaults.
type Config struct {
	JWKSURL    string           // Google's keys; default JWKSURL
	ClientIDs  []string         // the accepted audiences (OAuth client ids); none refuses every token
	HTTPClient *http.Client     // fetches the keys; default a client with a 10 s timeout
	Now        func() time.Time // the clock for expiry; default time.Now
}

// Verifier verifies Google ID tokens: RS256 signature against Google's keys
// (fetched once, then again only when a token names an unknown key id),
// issuer, audience among the client ids, expiry, and a verified email. It
// implements core.GoogleVerifier and is safe for concurrent use.
type Verifier struct {
	clientIDs []string
	verifier  *oidc.IDTokenVerifier
}

var _ core.GoogleVerifier = (*Verifier)(nil)

// New returns a Verifier for cfg. ctx carries configuration
// only (go-oidc keeps it for background key fetches and ignores its
// cancellation); nothing is fetched until the first Verify.
func New(ctx context.Context, cfg Config) *Verifier {
	if cfg.JWKSURL == "" {
		cfg.JWKSURL = JWKSURL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var ids []string
	for _, id := range cfg.ClientIDs {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(ctx, cfg.HTTPClient), cfg.JWKSURL)
	return &Verifier{
		clientIDs: ids,
		verifier: oidc.NewVerifier(googleIssuer, keys, &oidc.Config{
			SkipClientIDCheck:    true, // checked below against every client id
			SupportedSigningAlgs: []string{oidc.RS256},
			Now:                  cfg.Now,
		}),
	}
}

// googleClaims are the ID token claims Clara reads.
type googleClaims struct {
	Email         string   `json:"email"`
	EmailVerified flexBool `json:"email_verified"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Name          string   `json:"name"`
}

// Verify checks idToken and returns its holder. The email is trimmed and
// lower-cased. Any failure is ErrNotConfigured or wraps ErrInvalidToken.
func (g *Verifier) Verify(ctx context.Context, idToken string) (core.GoogleIdentity, error) {
	if len(g.clientIDs) == 0 {
		return core.GoogleIdentity{}, ErrNotConfigured
	}
	id, err := g.verify(ctx, idToken)
	if err != nil {
		return core.GoogleIdentity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return id, nil
}

// verify is Verify without the sentinel.
func (g *Verifier) verify(ctx context.Context, idToken string) (core.GoogleIdentity, error) {
	if len(idToken) > maxTokenLen {
		return core.GoogleIdentity{}, fmt.Errorf("token of %d bytes", len(idToken))
	}
	tok, err := g.verifier.Verify(ctx, idToken)
	if err != nil {
		return core.GoogleIdentity{}, err
	}
	if !slices.ContainsFunc(tok.Audience, func(aud string) bool { return slices.Contains(g.clientIDs, aud) }) {
		return core.GoogleIdentity{}, fmt.Errorf("audience %q is none of the client ids", tok.Audience)
	}
	if tok.Subject == "" {
		return core.GoogleIdentity{}, errors.New("no sub claim")
	}
	var c googleClaims
	if err := tok.Claims(&c); err != nil {
		return core.GoogleIdentity{}, fmt.Errorf("claims: %w", err)
	}
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if email == "" {
		return core.GoogleIdentity{}, errors.New("no email claim")
	}
	if !c.EmailVerified {
		return core.GoogleIdentity{}, fmt.Errorf("email %s not verified by google", email)
	}
	return core.GoogleIdentity{
		Subject:       tok.Subject,
		Email:         email,
		EmailVerified: true,
		GivenName:     c.GivenName,
		FamilyName:    c.FamilyName,
		Name:          c.Name,
	}, nil
}

// flexBool reads a JSON boolean, or the strings "true" and "false" that
// some Google tokens have carried for email_verified.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		*b = flexBool(v)
	case string:
		*b = flexBool(v == "true")
	case nil:
		*b = false
	default:
		return fmt.Errorf("email_verified: unexpected %T", v)
	}
	return nil
}
