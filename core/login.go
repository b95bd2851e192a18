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
// same work. Failures are charged to the email's budgets (takeLoginAttempt):
// from one address, then from anywhere; past either, a 429 with Retry-After,
// known email or not. A login that finds every password-hashing slot taken
// is a 429 too. Login looks at no credentials of p (it takes the password),
// only at where the request came from.
func (s *Service) Login(ctx context.Context, p Principal, in LoginInput) (SignedIn, error) {
	if err := s.authorize(p, CapLogin, ""); err != nil {
		return SignedIn{}, err
	}
	if err := s.allow("login-ip:"+p.Addr(), s.policy.LoginIP); err != nil {
		return SignedIn{}, err
	}
	email := NormalizeEmail(in.Email)
	refund, err := s.takeLoginAttempt(p, email)
	if err != nil {
		return SignedIn{}, err
	}
	out, failed, err := s.login(ctx, p, email, in)
	if !failed {
		refund()
	}
	return out, err
}

// login is Login once its budgets are charged; failed reports a wrong
// password or second factor (or an unknown email), which stays charged.
func (s *Service) login(ctx context.Context, p Principal, email string, in LoginInput) (out SignedIn, failed bool, err error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return out, false, fmt.Errorf("load user by email: %w", err)
	}
	if err != nil || u.PasswordHash == "" {
		if err := s.passwords.Dummy(ctx, in.Password); err != nil {
			return out, false, passwordErr("verify password", err)
		}
		return out, true, ErrUnauthenticated()
	}
	ok, err := s.passwords.Verify(ctx, in.Password, u.PasswordHash)
	if err != nil {
		return out, false, passwordErr("verify password", err)
	}
	if !ok {
		return out, true, ErrUnauthenticated()
	}
	finish := func(q Queries) error {
		token, err := s.startSession(ctx, q, u, p)
		out = SignedIn{User: u, Token: token}
		return err
	}
	switch {
	case !u.Is2FAEnabled:
		err = s.store.InTx(ctx, finish)
	case in.Code == "":
		// The usual first step of a 2FA login: the password was right, so
		// this is no failure; the client now asks for the code.
		return out, false, errNeedsSecondFactor()
	default:
		err = s.secondFactor(ctx, u, in.Code, finish)
		if code := ErrorCode(err); code == CodeUnauthenticated || code == CodeInvalid {
			return SignedIn{}, true, errNeedsSecondFactor()
		}
	}
	if err != nil {
		return SignedIn{}, false, err
	}
	if s.passwords.NeedsRehash(u.PasswordHash) {
		if hash, err := s.passwords.Hash(ctx, in.Password); err == nil {
			_ = s.store.SetPasswordHash(ctx, u.ID, hash, s.now()) // best effort; the old hash still works
		}
	}
	return out, false, nil
}

// secondFactor checks code as the user's second factor, an authenticator
// code when one is enrolled and confirmed or else an emailed
// TWO_FACTOR_AUTH code, and runs then in the transaction that uses it up.
// A code that is no good authenticator code is charged to the user's
// budget of wrong authenticator codes (429 beyond), unless it proves to be
// the emailed code.
func (s *Service) secondFactor(ctx context.Context, u User, code string, then func(q Queries) error) error {
	var f fields
	f.checkCode("code", code)
	if err := f.err(); err != nil {
		return err
	}
	if !u.TOTPEnabled {
		return s.consumeOTP(ctx, u, OTPTwoFactor, code, then)
	}
	refund, err := s.takeGuess(u.ID, purposeTOTP)
	if err != nil {
		return err
	}
	if step, ok := s.totp.Validate(u.TOTPSecret, code); ok {
		err := s.store.InTx(ctx, func(q Queries) error {
			fresh, err := q.AdvanceTOTPStep(ctx, u.ID, step)
			if err != nil {
				return fmt.Errorf("record totp step: %w", err)
			}
			if !fresh {
				return ErrUnauthenticated() // a replay of a code already used
			}
			return then(q)
		})
		if err == nil {
			refund()
		}
		return err
	}
	if err := s.consumeOTP(ctx, u, OTPTwoFactor, code, then); err != nil {
		return err
	}
	refund()
	return nil
}

// Logout revokes the session of the calling user token.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if err := s.authorize(p, CapLogout, ""); err != nil {
		return err
	}
	if err := s.store.RevokeSession(ctx, p.sessionID, s.now()); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}
