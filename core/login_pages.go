package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// PendingLogin is a sign-in on Clara's own pages whose password was right
// and whose second factor is still to come.
type PendingLogin struct {
	Token string // the pending-login token (clara_2fa_…) that FinishLogin takes, valid ten minutes
	TOTP  bool   // the account has an authenticator; false: a code was emailed
}

// StartLogin is Login for Clara's own sign-in pages, under the same
// budgets. When the password is right and the account has a second
// factor, it returns a PendingLogin instead of the 401 that asks for one:
// for an account without an authenticator, the TWO_FACTOR_AUTH code is
// mailed then (a code mailed moments ago stands: the resend interval is no
// failure here).
func (s *Service) StartLogin(ctx context.Context, p Principal, email, password string) (SignedIn, *PendingLogin, error) {
	out, err := s.Login(ctx, p, LoginInput{Email: email, Password: password})
	if !AsksSecondFactor(err) {
		return out, nil, err
	}
	u, err := s.store.UserByEmail(ctx, NormalizeEmail(email))
	if err != nil {
		return SignedIn{}, nil, fmt.Errorf("load user by email: %w", err)
	}
	token, err := s.tokens.IssuePending(u.ID, passwordBinding(u))
	if err != nil {
		return SignedIn{}, nil, err
	}
	if !u.TOTPEnabled {
		if err := s.SendOTP(ctx, p, u.Email, string(OTPTwoFactor)); err != nil && ErrorCode(err) != CodeRateLimited {
			return SignedIn{}, nil, err
		}
	}
	return SignedIn{}, &PendingLogin{Token: token, TOTP: u.TOTPEnabled}, nil
}

// FinishLogin completes a PendingLogin with its second factor (an emailed
// code or an authenticator code) and starts a session. A wrong code is the
// 401 that asks for one, charged to the account's budgets like Login's; a
// pending login that expired, or whose password changed meanwhile, is a
// plain 401.
func (s *Service) FinishLogin(ctx context.Context, p Principal, pending, code string) (SignedIn, error) {
	if err := s.authorize(p, CapLogin, ""); err != nil {
		return SignedIn{}, err
	}
	if err := s.allow("login-ip:"+p.Addr(), s.policy.LoginIP); err != nil {
		return SignedIn{}, err
	}
	userID, bind, err := s.tokens.ParsePending(pending)
	if err != nil {
		return SignedIn{}, ErrUnauthenticated()
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return SignedIn{}, fmt.Errorf("load user: %w", err)
	}
	if err != nil || !u.Is2FAEnabled || passwordBinding(u) != bind {
		return SignedIn{}, ErrUnauthenticated()
	}
	var out SignedIn
	err = s.secondFactor(ctx, u, code, func(q Queries) error {
		token, err := s.startSession(ctx, q, u, p)
		out = SignedIn{User: u, Token: token}
		return err
	})
	if c := ErrorCode(err); c == CodeUnauthenticated || c == CodeInvalid {
		return SignedIn{}, errNeedsSecondFactor()
	}
	return out, err
}

// AsksSecondFactor reports whether err is Login's 401 asking for a second
// factor.
func AsksSecondFactor(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	data, ok := e.Data.(map[string]bool)
	return ok && data["is_2fa_enabled"]
}

// passwordBinding returns a short digest of the user's password hash: a
// pending login carries it, so that a password change meanwhile voids it.
func passwordBinding(u User) string {
	sum := sha256.Sum256([]byte(u.PasswordHash))
	return hex.EncodeToString(sum[:8])
}
