package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// PendingPrefix starts a pending-login token: proof that a password was
// right, waiting for the second factor. It is no credential: Parse refuses
// it, and only ParsePending reads it.
const PendingPrefix = "clara_2fa_"

// rolePending is the "role" claim of a pending-login token.
const rolePending = "pending_2fa"

// pendingTTL is how long a pending login waits for its second factor.
const pendingTTL = 10 * time.Minute

// pendingClaims are the claims of a pending-login token.
type pendingClaims struct {
	jwt.RegisteredClaims
	Role string `json:"role"`
	Bind string `json:"bind"`
}

// IssuePending returns a pending-login token of userID, valid for ten
// minutes: "clara_2fa_" + a JWT with sub, role "pending_2fa", bind, iat,
// exp, iss and aud. bind is returned by ParsePending as it was given; the
// caller binds the token to what must not change meanwhile (the password).
func (t *Tokens) IssuePending(userID, bind string) (string, error) {
	if userID == "" {
		return "", errors.New("issue pending login: empty user id")
	}
	token, _, err := t.signExpiring(PendingPrefix, pendingTTL, jwt.MapClaims{
		"sub": userID, "role": rolePending, "bind": bind, "aud": t.opts.Audience,
	})
	if err != nil {
		return "", fmt.Errorf("issue pending login: %w", err)
	}
	return token, nil
}

// ParsePending checks a pending-login token and returns its user and bind.
// Every failure wraps ErrInvalidToken.
func (t *Tokens) ParsePending(token string) (userID, bind string, err error) {
	raw, ok := strings.CutPrefix(token, PendingPrefix)
	if !ok || len(t.key) == 0 || len(token) > maxTokenLen {
		return "", "", fmt.Errorf("%w: not a pending login", ErrInvalidToken)
	}
	var c pendingClaims
	if _, err := t.pending.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.key, nil }); err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if c.Role != rolePending || c.Subject == "" {
		return "", "", fmt.Errorf("%w: role %q of pending login", ErrInvalidToken, c.Role)
	}
	return c.Subject, c.Bind, nil
}
