package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The prefixes of Clara's bearer tokens (contract §2). A prefix always names
// the token's role: a user token's payload says "user", an API key's
// "api_key".
const (
	UserTokenPrefix = "clara_user_"
	APIKeyPrefix    = "clara_api_"
)

// The "role" claim of each kind of token.
const (
	roleUser   = "user"
	roleAPIKey = "api_key"
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
)

// String returns the kind's role claim: "user" or "api_key".
func (k Kind) String() string {
	switch k {
	case KindUser:
		return roleUser
	case KindAPIKey:
		return roleAPIKey
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// TokenOptions configure Tokens; zero fields take their defaults.
type TokenOptions struct {
	Issuer   string           // the "iss" claim, set and checked; default "clara"
	Audience string           // the "aud" claim, set and checked; default "clara"
	UserTTL  time.Duration    // a user token's lifetime; default 7 days
	Now      func() time.Time // the clock for "iat" and "exp"; default time.Now
}

// Claims are what a valid token says.
type Claims struct {
	Kind      Kind
	UserID    string    // "sub"
	SessionID string    // "sid", user tokens only
	KeyID     string    // "jti", API keys only
	IssuedAt  time.Time // "iat", user tokens only
	ExpiresAt time.Time // "exp", user tokens only
}

// Tokens issues and parses user tokens and API keys: HS256 JWTs signed with
// the JWT key of Keys behind the prefixes of the contract. It is safe for
// concurrent use.
type Tokens struct {
	key     []byte
	opts    TokenOptions
	user    *jwt.Parser
	apiKeys *jwt.Parser
}

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
	if o.Now == nil {
		o.Now = time.Now
	}
	common := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(o.Issuer),
		jwt.WithAudience(o.Audience),
		jwt.WithTimeFunc(o.Now),
		jwt.WithStrictDecoding(),
	}
	return &Tokens{
		key:     k.jwt,
		opts:    o,
		user:    jwt.NewParser(append(common, jwt.WithExpirationRequired())...),
		apiKeys: jwt.NewParser(common...),
	}
}

// IssueUser returns a user token for the session sessionID of userID:
// "clara_user_" + a JWT with sub, role "user", sid, iat, exp, iss and aud,
// and the moment it expires (whole seconds, as in the token).
func (t *Tokens) IssueUser(userID, sessionID string) (token string, expiresAt time.Time, err error) {
	if userID == "" || sessionID == "" {
		return "", time.Time{}, errors.New("issue user token: empty user or session id")
	}
	now := t.opts.Now().Truncate(time.Second)
	expiresAt = now.Add(t.opts.UserTTL)
	token, err = t.sign(UserTokenPrefix, jwt.MapClaims{
		"sub":  userID,
		"role": roleUser,
		"sid":  sessionID,
		"iat":  now.Unix(),
		"exp":  expiresAt.Unix(),
		"iss":  t.opts.Issuer,
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
}

// Parse checks a bearer token (the text after "Bearer ", prefix included)
// and returns its claims. The prefix must match the role; only HS256 with
// Clara's key is accepted; iss and aud must match; a user token needs an
// unexpired exp and a sid, an API key a jti. Every failure wraps
// ErrInvalidToken. Whether the session or key is still current is for the
// caller to check.
func (t *Tokens) Parse(token string) (Claims, error) {
	c, err := t.parse(token)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
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
	}
	return c, nil
}
