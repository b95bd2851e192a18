package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"
)

// The prefixes of Clara's bearer tokens (contract §2). A prefix always names
// the token's role: a user token's payload says "user", an API key's
// "api_key".
const (
	UserTokenPrefix  = "clara_user_"
	APIKeyPrefix     = "clara_api_"
	OAuthTokenPrefix = "clara_oat_"
)

// The "role" claim of each kind of token.
const (
	roleUser   = "user"
	roleAPIKey = "api_key"
	roleOAuth  = "oauth"
)

// maxTokenLen bounds the length of a token accepted for parsing; Clara's own
// are a few hundred bytes.
const maxTokenLen = 4096

// ErrInvalidToken is the one error of Parse: whatever is wrong with a token
// (algorithm, signature, issuer, audience, expiry, claims, prefix), the
// answer is 401. The wrapped detail is for logs only.
var ErrInvalidToken = errors.New("invalid token")

// Kind is the kind of a bearer token.
type Kind int

// The kinds of bearer token.
const (
	KindUser   Kind = iota + 1 // a user token (clara_user_…), bound to a session
	KindAPIKey                 // an API key (clara_api_…), bound to a key id
	KindOAuth                  // an OAuth access token (clara_oat_…), bound to a grant
)

// String returns the kind's role claim: "user" or "api_key".
func (k Kind) String() string {
	switch k {
	case KindUser:
		return roleUser
	case KindAPIKey:
		return roleAPIKey
	case KindOAuth:
		return roleOAuth
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// TokenOptions configure Tokens; zero fields take their defaults.
type TokenOptions struct {
	Issuer   string           // the "iss" claim, set and checked; default "clara"
	Audience string           // the "aud" claim, set and checked; default "clara"
	UserTTL  time.Duration    // a user token's lifetime; default 7 days
	OAuthTTL time.Duration    // an OAuth access token's lifetime; default 1 hour
	Now      func() time.Time // the clock for "iat" and "exp"; default time.Now
}

// Claims are what a valid token says.
type Claims struct {
	Kind      Kind
	UserID    string    // "sub"
	SessionID string    // "sid", user tokens only
	KeyID     string    // "jti", API keys only
	GrantID   string    // "gid", OAuth access tokens only
	Audience  string    // "aud", OAuth access tokens only: the resource the token is for
	Scope     string    // "scope", OAuth access tokens only: OAuth scope names, space-separated
	IssuedAt  time.Time // "iat", user and OAuth access tokens only
	ExpiresAt time.Time // "exp", user and OAuth access tokens only
}

// Tokens issues and parses user tokens, API keys and OAuth access tokens:
// HS256 JWTs signed with the JWT key of Keys behind the prefixes of the
// contract (and clara_oat_ for OAuth). It is safe for concurrent use.
type Tokens struct {
	key     []byte
	opts    TokenOptions
	user    *jwt.Parser
	apiKeys *jwt.Parser
	oauth   *jwt.Parser
	pending *jwt.Parser
	// verified remembers the claims of tokens Parse verified lately, by
	// the whole token: a client sends the same token with every request,
	// and checking its signature and decoding its claims again would cost
	// more than the database read that follows. Only a verified token gets
	// in; an expired one is dropped on its next use.
	verified *lru.Cache[string, Claims]
}

// verifiedTokens is how many verified tokens Tokens remembers.
const verifiedTokens = 1024

// NewTokens returns Tokens signing with k's JWT key under o.
func NewTokens(k Keys, o TokenOptions) *Tokens {
	if o.Issuer == "" {
		o.Issuer = "clara"
	}
	if o.Audience == "" {
		o.Audience = "clara"
	}
	if o.UserTTL <= 0 {
		o.UserTTL = 7 * 24 * time.Hour
	}
	if o.OAuthTTL <= 0 {
		o.OAuthTTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	base := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(o.Issuer),
		jwt.WithTimeFunc(o.Now),
		jwt.WithStrictDecoding(),
	}
	common := append(slices.Clip(base), jwt.WithAudience(o.Audience))
	return &Tokens{
		key:     k.jwt,
		opts:    o,
		user:    jwt.NewParser(append(slices.Clip(common), jwt.WithExpirationRequired())...),
		apiKeys: jwt.NewParser(common...),
		// An OAuth token's audience is a resource, checked by its caller
		// against the resource the request reached (see parse).
		oauth:    jwt.NewParser(append(slices.Clip(base), jwt.WithExpirationRequired(), jwt.WithIssuedAt())...),
		pending:  jwt.NewParser(append(slices.Clip(common), jwt.WithExpirationRequired())...),
		verified: mustLRU[string, Claims](verifiedTokens),
	}
}

// mustLRU returns an LRU cache of size entries; size is a positive
// constant, for which lru.New cannot fail.
func mustLRU[K comparable, V any](size int) *lru.Cache[K, V] {
	c, err := lru.New[K, V](size)
	if err != nil {
		panic(fmt.Sprintf("auth: LRU cache of %d: %v", size, err))
	}
	return c
}

// IssueUser returns a user token for the session sessionID of userID:
// "clara_user_" + a JWT with sub, role "user", sid, iat, exp, iss and aud,
// and the moment it expires (whole seconds, as in the token).
func (t *Tokens) IssueUser(userID, sessionID string) (token string, expiresAt time.Time, err error) {
	if userID == "" || sessionID == "" {
		return "", time.Time{}, errors.New("issue user token: empty user or session id")
	}
	token, expiresAt, err = t.signExpiring(UserTokenPrefix, t.opts.UserTTL, jwt.MapClaims{
		"sub":  userID,
		"role": roleUser,
		"sid":  sessionID,
		"aud":  t.opts.Audience,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue user token: %w", err)
	}
	return token, expiresAt, nil
}

// IssueAPIKey returns the API key whose id is keyID for userID:
// "clara_api_" + a JWT with sub, role "api_key", jti = keyID, iss and aud,
// and no iat or exp. It is deterministic: the same user and key id always
// give the same token, so the stored id is enough to show the key again.
func (t *Tokens) IssueAPIKey(userID, keyID string) (string, error) {
	if userID == "" || keyID == "" {
		return "", errors.New("issue API key: empty user or key id")
	}
	token, err := t.sign(APIKeyPrefix, jwt.MapClaims{ // a map marshals with sorted keys
		"sub":  userID,
		"role": roleAPIKey,
		"jti":  keyID,
		"iss":  t.opts.Issuer,
		"aud":  t.opts.Audience,
	})
	if err != nil {
		return "", fmt.Errorf("issue API key: %w", err)
	}
	return token, nil
}

// IssueOAuth returns an OAuth access token for the grant grantID of
// userID, for the resource (its audience, e.g. https://host/mcp) and the
// OAuth scope names scopes: "clara_oat_" + a JWT with sub, role "oauth",
// gid, scope, a random jti, iat, exp, iss and aud = resource, and the
// moment it expires (whole seconds, TokenOptions.OAuthTTL after now).
func (t *Tokens) IssueOAuth(userID, grantID, resource string, scopes []string) (token string, expiresAt time.Time, err error) {
	if userID == "" || grantID == "" || resource == "" {
		return "", time.Time{}, errors.New("issue OAuth token: empty user, grant or resource")
	}
	token, expiresAt, err = t.signExpiring(OAuthTokenPrefix, t.opts.OAuthTTL, jwt.MapClaims{
		"sub":   userID,
		"role":  roleOAuth,
		"gid":   grantID,
		"scope": strings.Join(scopes, " "),
		"aud":   resource,
		"jti":   randomID(),
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue OAuth token: %w", err)
	}
	return token, expiresAt, nil
}

// signExpiring signs claims behind prefix with iss, iat = now and exp =
// now + ttl (whole seconds), and returns the token and its expiry.
func (t *Tokens) signExpiring(prefix string, ttl time.Duration, claims jwt.MapClaims) (string, time.Time, error) {
	now := t.opts.Now().Truncate(time.Second)
	expiresAt := now.Add(ttl)
	claims["iat"], claims["exp"], claims["iss"] = now.Unix(), expiresAt.Unix(), t.opts.Issuer
	token, err := t.sign(prefix, claims)
	return token, expiresAt, err
}

// sign returns prefix followed by the HS256 JWT of claims.
func (t *Tokens) sign(prefix string, claims jwt.MapClaims) (string, error) {
	if len(t.key) == 0 {
		return "", errors.New("no signing key (Keys not derived)")
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return prefix + s, nil
}

// tokenClaims are the claims Parse reads.
type tokenClaims struct {
	jwt.RegisteredClaims
	Role      string `json:"role"`
	SessionID string `json:"sid"`
	GrantID   string `json:"gid"`
	Scope     string `json:"scope"`
}

// Parse checks a bearer token (the text after "Bearer ", prefix included)
// and returns its claims. The prefix must match the role; only HS256 with
// Clara's key is accepted; iss and aud must match; a user token needs an
// unexpired exp and a sid, an API key a jti. An OAuth access token needs
// an unexpired exp, an iat, a gid and exactly one audience, which Parse
// returns rather than checks: the caller compares it with the resource the
// request reached. Every failure wraps ErrInvalidToken. Whether the
// session, key or grant is still current is for the caller to check.
func (t *Tokens) Parse(token string) (Claims, error) {
	if c, ok := t.verified.Get(token); ok {
		if c.ExpiresAt.IsZero() || t.opts.Now().Before(c.ExpiresAt) {
			return c, nil
		}
		t.verified.Remove(token)
	}
	c, err := t.parse(token)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	t.verified.Add(token, c)
	return c, nil
}

// parse is Parse without the sentinel.
func (t *Tokens) parse(token string) (Claims, error) {
	if len(t.key) == 0 {
		return Claims{}, errors.New("no signing key (Keys not derived)")
	}
	if len(token) > maxTokenLen {
		return Claims{}, fmt.Errorf("token of %d bytes", len(token))
	}
	var (
		c      Claims
		parser *jwt.Parser
		role   string
		raw    string
		ok     bool
	)
	if raw, ok = strings.CutPrefix(token, UserTokenPrefix); ok {
		c.Kind, parser, role = KindUser, t.user, roleUser
	} else if raw, ok = strings.CutPrefix(token, APIKeyPrefix); ok {
		c.Kind, parser, role = KindAPIKey, t.apiKeys, roleAPIKey
	} else if raw, ok = strings.CutPrefix(token, OAuthTokenPrefix); ok {
		c.Kind, parser, role = KindOAuth, t.oauth, roleOAuth
	} else {
		return Claims{}, errors.New("unknown token prefix")
	}
	var tc tokenClaims
	_, err := parser.ParseWithClaims(raw, &tc, func(tok *jwt.Token) (any, error) {
		if tok.Method != jwt.SigningMethodHS256 { // already enforced by WithValidMethods
			return nil, fmt.Errorf("algorithm %v", tok.Header["alg"])
		}
		return t.key, nil
	})
	if err != nil {
		return Claims{}, err
	}
	if tc.Role != role {
		return Claims{}, fmt.Errorf("role %q behind prefix of %s", tc.Role, role)
	}
	if tc.Subject == "" {
		return Claims{}, errors.New("no sub claim")
	}
	c.UserID = tc.Subject
	switch c.Kind {
	case KindUser:
		if tc.SessionID == "" {
			return Claims{}, errors.New("user token without sid claim")
		}
		if tc.ExpiresAt == nil { // already required by the parser
			return Claims{}, errors.New("user token without exp claim")
		}
		c.SessionID = tc.SessionID
		c.ExpiresAt = tc.ExpiresAt.Time
		if tc.IssuedAt != nil {
			c.IssuedAt = tc.IssuedAt.Time
		}
	case KindAPIKey:
		if tc.ID == "" {
			return Claims{}, errors.New("API key without jti claim")
		}
		c.KeyID = tc.ID
	case KindOAuth:
		if err := oauthClaims(&c, tc); err != nil {
			return Claims{}, err
		}
	}
	return c, nil
}

// oauthClaims copies the claims of an OAuth access token into c: a gid,
// exactly one non-empty audience, an exp and an iat are required.
func oauthClaims(c *Claims, tc tokenClaims) error {
	switch {
	case tc.GrantID == "":
		return errors.New("OAuth token without gid claim")
	case len(tc.Audience) != 1 || tc.Audience[0] == "":
		return fmt.Errorf("OAuth token with %d audiences", len(tc.Audience))
	case tc.ExpiresAt == nil || tc.IssuedAt == nil: // already required by the parser
		return errors.New("OAuth token without exp or iat claim")
	}
	c.GrantID, c.Audience, c.Scope = tc.GrantID, tc.Audience[0], tc.Scope
	c.IssuedAt, c.ExpiresAt = tc.IssuedAt.Time, tc.ExpiresAt.Time
	return nil
}

// randomID returns 128 random bits in hex: the jti that keeps two tokens
// issued in the same second apart.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
