package core

import (
	"context"
	"fmt"
)

// LoginInput is a password login, with the second factor when the account
// needs one.
type LoginInput struct {
	Email    string
	Password string
	Code     string // an emailed TWO_FACTOR_AUTH code or an authenticator code
}

// twoFactorRequired is the data of a 401 that asks for a second factor.
var twoFactorRequired = map[string]bool{"is_2fa_enabled": true}

// errNeedsSecondFactor is the 401 of a login whose second factor is missing
// or wrong.
func errNeedsSecondFactor() *Error {
	e := ErrUnauthenticated()
	e.Data = twoFactorRequired
	return e
}

// Login checks an email and password (and, with 2FA on, a code) and starts
// a session. Unknown emails and wrong passwords get the same 401 after the
// same work. Repeated failures lock password login for the account (429).
func (s *Service) Login(ctx context.Context, in LoginInput) (SignedIn, error) {
	if err := s.limitAnonymous(ctx, "login-ip:", s.policy.LoginIP); err != nil {
		return SignedIn{}, err
	}
	u, err := s.store.UserByEmail(ctx, NormalizeEmail(in.Email))
	if ErrorCode(err) == CodeNotFound {
		s.passwords.Dummy(in.Password)
		return SignedIn{}, ErrUnauthenticated()
	}
	if err != nil {
		return SignedIn{}, fmt.Errorf("load user by email: %w", err)
	}
	if err := s.checkLoginLock(ctx, u.ID); err != nil {
		s.passwords.Dummy(in.Password)
		return SignedIn{}, err
	}
	if u.PasswordHash == "" || !s.passwords.Verify(in.Password, u.PasswordHash) {
		if u.PasswordHash == "" {
			s.passwords.Dummy(in.Password)
		}
		return SignedIn{}, s.loginFailed(ctx, u.ID, ErrUnauthenticated())
	}
	var out SignedIn
	finish := func(q Queries) error {
		if err := q.ClearLoginFailures(ctx, u.ID); err != nil {
			return fmt.Errorf("clear login failures: %w", err)
		}
		token, err := s.startSession(ctx, q, u)
		out = SignedIn{User: u, Token: token}
		return err
	}
	switch {
	case !u.Is2FAEnabled:
		err = s.store.InTx(ctx, finish)
	case in.Code == "":
		// The usual first step of a 2FA login: the password was right, so
		// this is no failure; the client now asks for the code.
		return SignedIn{}, errNeedsSecondFactor()
	default:
		err = s.secondFactor(ctx, u, in.Code, finish)
		if code := ErrorCode(err); code == CodeUnauthenticated || code == CodeInvalid {
			return SignedIn{}, s.loginFailed(ctx, u.ID, errNeedsSecondFactor())
		}
	}
	if err != nil {
		return SignedIn{}, err
	}
	if s.passwords.NeedsRehash(u.PasswordHash) {
		if hash, err := s.passwords.Hash(in.Password); err == nil {
			_ = s.store.SetPasswordHash(ctx, u.ID, hash, s.now()) // best effort; the old hash still works
		}
	}
	return out, nil
}

// checkLoginLock answers 429 while password login of the user is locked.
func (s *Service) checkLoginLock(ctx context.Context, userID string) error {
	until, err := s.store.LoginLock(ctx, userID)
	if err != nil {
		return fmt.Errorf("load login lock: %w", err)
	}
	if wait := until.Sub(s.now()); wait > 0 {
		return ErrRateLimited(wait)
	}
	return nil
}

// loginFailed counts a failed login and returns refusal.
func (s *Service) loginFailed(ctx context.Context, userID string, refusal error) error {
	p := s.policy
	if _, _, err := s.store.LoginFailure(ctx, userID, s.now(), p.LoginWindow, p.LoginMaxFailures, p.LoginLockFor); err != nil {
		return fmt.Errorf("count login failure: %w", err)
	}
	return refusal
}

// secondFactor checks code as the user's second factor, an authenticator
// code when one is enrolled and confirmed or else an emailed
// TWO_FACTOR_AUTH code, and runs then in the transaction that uses it up.
func (s *Service) secondFactor(ctx context.Context, u User, code string, then func(q Queries) error) error {
	var f fields
	f.checkCode("code", code)
	if err := f.err(); err != nil {
		return err
	}
	if u.TOTPEnabled {
		if step, ok := s.totp.Validate(u.TOTPSecret, code); ok {
			return s.store.InTx(ctx, func(q Queries) error {
				fresh, err := q.AdvanceTOTPStep(ctx, u.ID, step)
				if err != nil {
					return fmt.Errorf("record totp step: %w", err)
				}
				if !fresh {
					return ErrUnauthenticated() // a replay of a code already used
				}
				return then(q)
			})
		}
	}
	return s.consumeOTP(ctx, u, OTPTwoFactor, code, then)
}

// Logout revokes the session of the calling user token.
func (s *Service) Logout(ctx context.Context) error {
	p, err := s.authenticate(ctx, AuthUserToken)
	if err != nil {
		return err
	}
	if err := s.store.RevokeSession(ctx, p.SessionID, s.now()); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}
