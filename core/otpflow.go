package core

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/clara-backend/clara/auth"
)

// issueOTP stores a new code of type t for u (replacing the older one) and
// mails it, inside q's transaction: when the mail cannot be sent, the code
// is not kept either, and the caller learns of the failure. Every code
// issued counts against the user's budget of codes of type t (429 beyond).
func (s *Service) issueOTP(ctx context.Context, q Queries, u User, t OTPType) error {
	if err := s.allow("otp-send:"+u.ID+":"+string(t), s.policy.OTPSendPerAccount); err != nil {
		return err
	}
	code := auth.NewOTPCode()
	now := s.now()
	o := OTP{
		ID:        NewID(PrefixOTP),
		UserID:    u.ID,
		Type:      t,
		CodeHash:  s.keys.OTPHash(u.ID, string(t), code),
		CreatedAt: now,
		ExpiresAt: now.Add(s.policy.OTPTTL),
	}
	if err := q.PutOTP(ctx, o); err != nil {
		return fmt.Errorf("store %s code: %w", t, err)
	}
	return s.send(ctx, otpMessage(u, t, code, s.policy.OTPTTL))
}

// send mails m within the policy's timeout; a failure is a 503.
func (s *Service) send(ctx context.Context, m Message) error {
	if s.mailer == nil {
		return ErrUnavailable(errors.New("no mailer is configured"))
	}
	ctx, cancel := context.WithTimeout(ctx, s.policy.MailTimeout)
	defer cancel()
	if err := s.mailer.Send(ctx, m); err != nil {
		return ErrUnavailable(fmt.Errorf("send mail %q: %w", m.Subject, err))
	}
	return nil
}

// consumeOTP checks code against u's code of type t (checkOTP) and uses it
// up with then (useOTP).
func (s *Service) consumeOTP(ctx context.Context, u User, t OTPType, code string, then func(q Queries) error) error {
	o, err := s.checkOTP(ctx, u, t, code)
	if err != nil {
		return err
	}
	return s.useOTP(ctx, o, then)
}

// checkOTP returns u's code of type t when code matches it. Every
// submission counts: after the policy's attempts the code is dead, and a
// wrong one is charged to the user's budget of wrong codes of type t, so
// that new codes do not bring new guesses (429 beyond). A missing, expired,
// used or wrong code is a 401.
func (s *Service) checkOTP(ctx context.Context, u User, t OTPType, code string) (OTP, error) {
	refund, err := s.takeGuess(u.ID, string(t))
	if err != nil {
		return OTP{}, err
	}
	o, err := s.store.OTPOf(ctx, u.ID, t)
	if ErrorCode(err) == CodeNotFound {
		return o, ErrUnauthenticated()
	}
	if err != nil {
		return o, fmt.Errorf("load %s code: %w", t, err)
	}
	if !s.now().Before(o.ExpiresAt) {
		if _, err := s.store.DeleteOTP(ctx, o.ID); err != nil {
			return o, fmt.Errorf("delete expired %s code: %w", t, err)
		}
		return o, ErrUnauthenticated()
	}
	n, err := s.store.CountOTPAttempt(ctx, o.ID, s.policy.OTPMaxAttempts)
	if ErrorCode(err) == CodeNotFound {
		return o, ErrUnauthenticated()
	}
	if err != nil {
		return o, fmt.Errorf("count %s code attempt: %w", t, err)
	}
	if !s.keys.OTPMatches(o.CodeHash, u.ID, string(t), code) {
		if n >= s.policy.OTPMaxAttempts {
			if _, err := s.store.DeleteOTP(ctx, o.ID); err != nil {
				return o, fmt.Errorf("burn %s code: %w", t, err)
			}
		}
		return o, ErrUnauthenticated()
	}
	refund()
	return o, nil
}

// useOTP uses up the code o, checked by checkOTP, in the same transaction
// as then, so the code and the change it allows stand or fall together,
// and of concurrent submissions of one code exactly one succeeds (401 for
// the others).
func (s *Service) useOTP(ctx context.Context, o OTP, then func(q Queries) error) error {
	return s.store.InTx(ctx, func(q Queries) error {
		won, err := q.DeleteOTP(ctx, o.ID)
		if err != nil {
			return fmt.Errorf("use %s code: %w", o.Type, err)
		}
		if !won {
			return ErrUnauthenticated()
		}
		return then(q)
	})
}

// SendOTP mails a new code of type otpType to the user with that email.
// Anyone may ask for one (the code goes to the account's own mailbox). A
// second code of one type within the resend
// interval, or one past the account's budget of codes, is a 429.
func (s *Service) SendOTP(ctx context.Context, p Principal, email, otpType string) error {
	if err := s.authorize(p, CapSendOTP, ""); err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+p.Addr(), s.policy.OTPIP); err != nil {
		return err
	}
	t, ok := ParseOTPType(otpType)
	if !ok {
		return ErrInvalid(FieldError{Field: "otp_type", Problem: "must be ACTIVATION, CHANGE_PASSWORD or TWO_FACTOR_AUTH"})
	}
	u, err := s.userByEmail(ctx, email)
	if err != nil {
		return err
	}
	if prev, err := s.store.OTPOf(ctx, u.ID, t); err == nil {
		if wait := prev.CreatedAt.Add(s.policy.OTPResendAfter).Sub(s.now()); wait > 0 {
			return ErrRateLimited(wait)
		}
	} else if ErrorCode(err) != CodeNotFound {
		return fmt.Errorf("load %s code: %w", t, err)
	}
	return s.store.InTx(ctx, func(q Queries) error { return s.issueOTP(ctx, q, u, t) })
}

// Activate activates the account with that email, given its ACTIVATION
// code, and returns the user. Anyone may: the code is the proof.
func (s *Service) Activate(ctx context.Context, p Principal, email, code string) (User, error) {
	if err := s.authorize(p, CapActivate, ""); err != nil {
		return User{}, err
	}
	if err := s.allow("otp-ip:"+p.Addr(), s.policy.OTPIP); err != nil {
		return User{}, err
	}
	var f fields
	f.checkCode("code", code)
	if err := f.err(); err != nil {
		return User{}, err
	}
	u, err := s.userByEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	err = s.consumeOTP(ctx, u, OTPActivation, code, func(q Queries) error {
		return q.ActivateUser(ctx, u.ID, s.now())
	})
	if err != nil {
		return User{}, err
	}
	return s.store.UserByID(ctx, u.ID)
}

// userByEmail finds the user by a (not yet normalised) email: 404 when
// there is none.
func (s *Service) userByEmail(ctx context.Context, email string) (User, error) {
	email = NormalizeEmail(email)
	var f fields
	f.checkEmail("email", email)
	if err := f.err(); err != nil {
		return User{}, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return u, fmt.Errorf("load user by email: %w", err)
	}
	return u, err
}

// otpPurposes says what each type of one-time code is for, in its email.
var otpPurposes = map[OTPType]string{
	OTPActivation:     "activate your Clara account",
	OTPChangePassword: "change your Clara password",
	OTPTwoFactor:      "finish signing in to Clara",
}

// otpSubject starts the subject of a one-time code's email; the code ends it.
const otpSubject = "Your Clara code: "

// ReadOTPMessage returns the code and type of a one-time code's email, as
// otpMessage writes it; ok is false for any other message.
func ReadOTPMessage(subject, text string) (code string, t OTPType, ok bool) {
	code, ok = strings.CutPrefix(subject, otpSubject)
	if !ok || code == "" {
		return "", "", false
	}
	for t, purpose := range otpPurposes {
		if strings.Contains(text, "Your code to "+purpose+" is "+code+".") {
			return code, t, true
		}
	}
	return "", "", false
}

// otpMessage is the email that carries a one-time code.
func otpMessage(u User, t OTPType, code string, ttl time.Duration) Message {
	purpose := otpPurposes[t]
	minutes := int(ttl.Round(time.Minute) / time.Minute)
	text := fmt.Sprintf("Hello %s,\n\nYour code to %s is %s.\n\nIt is valid for %d minutes and works once. "+
		"If you did not ask for it, ignore this email; nobody can use it without access to your mailbox.\n\n— Clara\n",
		u.FirstName, purpose, code, minutes)
	html := fmt.Sprintf(`<!doctype html><html><body style="font-family:sans-serif">`+
		`<p>Hello %s,</p><p>Your code to %s is</p><p style="font-size:28px;font-weight:bold;letter-spacing:4px">%s</p>`+
		`<p>It is valid for %d minutes and works once. If you did not ask for it, ignore this email.</p><p>— Clara</p>`+
		`</body></html>`, html.EscapeString(u.FirstName), purpose, code, minutes)
	return Message{To: u.Email, Subject: otpSubject + code, Text: text, HTML: html}
}
