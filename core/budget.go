package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/clara-backend/clara/auth"
)

// purposeTOTP names the authenticator-code checks in the per-account
// budget of wrong codes; emailed codes use their OTPType.
const purposeTOTP = "TOTP"

// maxKeyEmail bounds the part of a limiter key taken from a typed email,
// so that a long one cannot take much memory (longer is invalid anyway).
const maxKeyEmail = 254

// refund gives back one event that allow took for key under r.
func (s *Service) refund(key string, r Rate) {
	if s.limiter != nil {
		s.limiter.Refund(key, r)
	}
}

// takeGuess charges one submission of a code for purpose to the user's
// budget of wrong codes, whatever the client address, or answers 429. The
// returned refund gives it back: call it when the code proves right.
func (s *Service) takeGuess(userID, purpose string) (refund func(), err error) {
	key := "otp-guess:" + userID + ":" + purpose
	if err := s.allow(key, s.policy.OTPGuessPerAccount); err != nil {
		return nil, err
	}
	return func() { s.refund(key, s.policy.OTPGuessPerAccount) }, nil
}

// takeLoginAttempt charges one password login of email to its budgets of
// failures, from the caller's address and from anywhere, or answers 429.
// Keys are by email, known or not, so unknown emails are answered exactly
// as known ones. The returned refund gives both back: call it when the
// attempt is no failure.
func (s *Service) takeLoginAttempt(caller Principal, email string) (refund func(), err error) {
	if len(email) > maxKeyEmail {
		email = email[:maxKeyEmail]
	}
	pair := "login-fail:" + email + "|" + caller.Addr()
	account := "login-fail:" + email
	p := s.policy
	if err := s.allow(pair, p.LoginFailuresPerAddress); err != nil {
		return nil, err
	}
	if err := s.allow(account, p.LoginFailuresPerAccount); err != nil {
		s.refund(pair, p.LoginFailuresPerAddress)
		return nil, err
	}
	return func() {
		s.refund(pair, p.LoginFailuresPerAddress)
		s.refund(account, p.LoginFailuresPerAccount)
	}, nil
}

// hashBusyRetry is the Retry-After of a request refused because every
// password-hashing slot stayed taken.
const hashBusyRetry = time.Second

// passwordErr turns a failure of password hashing into the caller's
// answer: a 429 when hashing is busy, else the error with context.
func passwordErr(what string, err error) error {
	if errors.Is(err, auth.ErrBusy) {
		e := ErrRateLimited(hashBusyRetry)
		e.Err = err
		return e
	}
	return fmt.Errorf("%s: %w", what, err)
}
