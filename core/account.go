package core

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
)

// ChangePasswordInput is a new password and the CHANGE_PASSWORD code that
// allows it.
type ChangePasswordInput struct {
	Password string
	Code     string
}

// ChangePassword sets a new password for the user with that email (with a
// user token, "" means the caller), given its CHANGE_PASSWORD code, and
// revokes every session of the user. It needs the public key or the user's
// own token. The code is checked before the new password is hashed, so
// wrong codes cost no hashing.
func (s *Service) ChangePassword(ctx context.Context, email string, in ChangePasswordInput) error {
	p, err := s.authenticate(ctx, AuthPublicKey, AuthUserToken)
	if err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+clientAddr(ctx), s.policy.OTPIP); err != nil {
		return err
	}
	var f fields
	f.checkPassword("password", in.Password)
	f.checkCode("code", in.Code)
	if err := f.err(); err != nil {
		return err
	}
	u := p.User
	if email != "" || p.Kind != AuthUserToken { // "" with a user token: the caller
		if u, err = s.userByEmail(ctx, email); err != nil {
			return err
		}
	}
	if p.Kind == AuthUserToken && p.User.ID != u.ID {
		return ErrForbidden()
	}
	o, err := s.checkOTP(ctx, u, OTPChangePassword, in.Code)
	if err != nil {
		return err
	}
	hash, err := s.passwords.Hash(ctx, in.Password)
	if err != nil {
		return passwordErr("hash password", err)
	}
	err = s.useOTP(ctx, o, func(q Queries) error {
		now := s.now()
		if err := q.SetPasswordHash(ctx, u.ID, hash, now); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := q.RevokeUserSessions(ctx, u.ID, "", now); err != nil {
			return fmt.Errorf("revoke sessions: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The change is made; a notice that fails to go out is logged, not
	// reported as a failure of the change.
	if err := s.send(ctx, passwordChangedMessage(u)); err != nil {
		s.log.WarnContext(ctx, "password changed; notice not sent", "user", u.ID, "err", err)
	}
	return nil
}

// passwordChangedMessage tells a user that their password was changed, so
// that a change they did not make does not go unnoticed.
func passwordChangedMessage(u User) Message {
	text := fmt.Sprintf("Hello %s,\n\nThe password of your Clara account was just changed, and every device "+
		"signed in to it was signed out.\n\nIf you did not do this, reset your password at once (Send OTP of type "+
		"CHANGE_PASSWORD, then Change Password) and check your account's API key.\n\n— Clara\n", u.FirstName)
	page := `<!doctype html><html><body style="font-family:sans-serif"><p>Hello ` + html.EscapeString(u.FirstName) +
		`,</p><p>The password of your Clara account was just changed, and every device signed in to it was signed out.</p>` +
		`<p>If you did not do this, reset your password at once and check your account's API key.</p><p>— Clara</p></body></html>`
	return Message{To: u.Email, Subject: "Your Clara password was changed", Text: text, HTML: page}
}

// member authenticates a caller with one of kinds, requires an active
// account, and checks that userID ("" for the caller) is the caller's own.
func (s *Service) member(ctx context.Context, userID string, kinds ...AuthKind) (Principal, error) {
	p, err := s.authenticate(ctx, kinds...)
	if err != nil {
		return p, err
	}
	if err := active(p); err != nil {
		return p, err
	}
	_, err = owner(p, userID)
	return p, err
}

// Enable2FA turns on two-factor login, given an emailed TWO_FACTOR_AUTH
// code, and revokes the user's other sessions. It needs the user's token.
func (s *Service) Enable2FA(ctx context.Context, userID, code string) error {
	return s.setTwoFactor(ctx, userID, code, true)
}

// Disable2FA turns off two-factor login (and removes an authenticator app),
// given an emailed TWO_FACTOR_AUTH code or an authenticator code, and
// revokes the user's other sessions. It needs the user's token.
func (s *Service) Disable2FA(ctx context.Context, userID, code string) error {
	return s.setTwoFactor(ctx, userID, code, false)
}

func (s *Service) setTwoFactor(ctx context.Context, userID, code string, on bool) error {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+clientAddr(ctx), s.policy.OTPIP); err != nil {
		return err
	}
	change := func(q Queries) error {
		now := s.now()
		if err := q.SetTwoFactor(ctx, p.User.ID, on, now); err != nil {
			return fmt.Errorf("set 2fa: %w", err)
		}
		if !on && p.User.TOTPSecret != "" {
			if err := q.SetTOTP(ctx, p.User.ID, "", false, now); err != nil {
				return fmt.Errorf("remove authenticator: %w", err)
			}
		}
		if _, err := q.RevokeUserSessions(ctx, p.User.ID, p.SessionID, now); err != nil {
			return fmt.Errorf("revoke other sessions: %w", err)
		}
		return nil
	}
	if on {
		var f fields
		f.checkCode("code", code)
		if err := f.err(); err != nil {
			return err
		}
		return s.consumeOTP(ctx, p.User, OTPTwoFactor, code, change)
	}
	return s.secondFactor(ctx, p.User, code, change)
}

// TOTPEnrollment is a new authenticator secret, to be scanned and then
// confirmed with a code.
type TOTPEnrollment struct {
	OTPAuthURI      string `json:"otpauth_uri" jsonschema:"the otpauth:// URI that authenticator apps import"`
	QRCodePNGBase64 string `json:"qr_code_png_base64" jsonschema:"a PNG QR code of the URI, base64-encoded"`
}

// StartTOTP makes a new authenticator secret for the user (replacing an
// unconfirmed one) and returns it as a URI and a QR code; ConfirmTOTP turns
// it on. It needs the user's token.
func (s *Service) StartTOTP(ctx context.Context, userID string) (TOTPEnrollment, error) {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	if p.User.TOTPEnabled {
		return TOTPEnrollment{}, ErrInvalid(FieldError{Field: "user_id", Problem: "an authenticator app is already on; disable 2FA first to replace it"})
	}
	e, err := s.totp.Enroll(p.User.Email)
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("enroll totp: %w", err)
	}
	if err := s.store.SetTOTP(ctx, p.User.ID, e.Secret, false, s.now()); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("store totp secret: %w", err)
	}
	return TOTPEnrollment{OTPAuthURI: e.URI, QRCodePNGBase64: base64.StdEncoding.EncodeToString(e.QRPNG)}, nil
}

// ConfirmTOTP turns on the authenticator app started by StartTOTP, given a
// current code from it: 2FA is then on, and the user's other sessions are
// revoked. It needs the user's token. Wrong codes are charged to the user's
// budget of wrong authenticator codes (429 beyond).
func (s *Service) ConfirmTOTP(ctx context.Context, userID, code string) error {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+clientAddr(ctx), s.policy.OTPIP); err != nil {
		return err
	}
	var f fields
	f.checkCode("code", code)
	if err := f.err(); err != nil {
		return err
	}
	if p.User.TOTPSecret == "" || p.User.TOTPEnabled {
		return ErrInvalid(FieldError{Field: "code", Problem: "there is no authenticator enrolment to confirm; start one first"})
	}
	refund, err := s.takeGuess(p.User.ID, purposeTOTP)
	if err != nil {
		return err
	}
	step, ok := s.totp.Validate(p.User.TOTPSecret, code)
	if !ok {
		return ErrUnauthenticated()
	}
	refund()
	return s.store.InTx(ctx, func(q Queries) error {
		now := s.now()
		if err := q.SetTOTP(ctx, p.User.ID, p.User.TOTPSecret, true, now); err != nil {
			return fmt.Errorf("enable totp: %w", err)
		}
		if _, err := q.AdvanceTOTPStep(ctx, p.User.ID, step); err != nil {
			return fmt.Errorf("record totp step: %w", err)
		}
		if err := q.SetTwoFactor(ctx, p.User.ID, true, now); err != nil {
			return fmt.Errorf("set 2fa: %w", err)
		}
		if _, err := q.RevokeUserSessions(ctx, p.User.ID, p.SessionID, now); err != nil {
			return fmt.Errorf("revoke other sessions: %w", err)
		}
		return nil
	})
}

// ViewUser returns the user. It takes a user token or an API key, and
// works before activation.
func (s *Service) ViewUser(ctx context.Context, userID string) (User, error) {
	p, err := s.authenticate(ctx, general...)
	if err != nil {
		return User{}, err
	}
	if _, err := owner(p, userID); err != nil {
		return User{}, err
	}
	return p.User, nil
}

// UpdateUser changes the user's names and display preference. It needs the
// user's token and at least one field.
func (s *Service) UpdateUser(ctx context.Context, userID string, up ProfileUpdate) (User, error) {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return User{}, err
	}
	var f fields
	if up.FirstName == nil && up.LastName == nil && up.IsDarkMode == nil {
		f.add("body", "give at least one of first_name, last_name, is_dark_mode")
	}
	for _, name := range []struct {
		field string
		value *string
	}{{"first_name", up.FirstName}, {"last_name", up.LastName}} {
		if name.value != nil {
			*name.value = strings.TrimSpace(*name.value)
			f.checkName(name.field, *name.value)
		}
	}
	if err := f.err(); err != nil {
		return User{}, err
	}
	u, err := s.store.UpdateProfile(ctx, p.User.ID, up, s.now())
	if err != nil {
		return User{}, fmt.Errorf("update profile: %w", err)
	}
	return u, nil
}

// ViewAPIKey returns the user's API key. It needs the user's token: a key
// cannot read itself.
func (s *Service) ViewAPIKey(ctx context.Context, userID string) (APIKey, error) {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return APIKey{}, err
	}
	key, err := s.store.APIKeyOf(ctx, p.User.ID)
	if err != nil {
		return APIKey{}, fmt.Errorf("load api key: %w", err)
	}
	return s.withToken(key)
}

// ResetAPIKey replaces the user's API key: the old one stops working at
// once. It needs the user's token.
func (s *Service) ResetAPIKey(ctx context.Context, userID string) (APIKey, error) {
	p, err := s.member(ctx, userID, AuthUserToken)
	if err != nil {
		return APIKey{}, err
	}
	key, err := s.store.ResetAPIKey(ctx, p.User.ID, NewID(PrefixAPIKey), s.now())
	if err != nil {
		return APIKey{}, fmt.Errorf("reset api key: %w", err)
	}
	return s.withToken(key)
}

func (s *Service) withToken(key APIKey) (APIKey, error) {
	token, err := s.tokens.IssueAPIKey(key.UserID, key.ID)
	if err != nil {
		return APIKey{}, fmt.Errorf("issue api key token: %w", err)
	}
	key.Token = token
	return key, nil
}
