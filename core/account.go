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
// revokes every session and OAuth grant of the user. Anyone may, by email, with the code;
// a user token changes only its own user's password (refused credentials
// are a 401). The code is checked before the new password is hashed, so
// wrong codes cost no hashing.
func (s *Service) ChangePassword(ctx context.Context, p Principal, email string, in ChangePasswordInput) error {
	if err := s.authorize(p, CapChangePassword, ""); err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+p.Addr(), s.policy.OTPIP); err != nil {
		return err
	}
	var f fields
	f.checkPassword("password", in.Password)
	f.checkCode("code", in.Code)
	if err := f.err(); err != nil {
		return err
	}
	u := p.user
	if email != "" || p.kind != AuthUserToken { // "" with a user token: the caller
		var err error
		if u, err = s.userByEmail(ctx, email); err != nil {
			return err
		}
	}
	if p.kind == AuthUserToken && p.user.ID != u.ID {
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
		if _, err := q.RevokeUserOAuthGrants(ctx, u.ID, now); err != nil {
			return fmt.Errorf("revoke oauth grants: %w", err)
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

// Enable2FA turns on two-factor login, given an emailed TWO_FACTOR_AUTH
// code, and revokes the user's other sessions. It needs the user's token.
func (s *Service) Enable2FA(ctx context.Context, p Principal, userID, code string) error {
	return s.setTwoFactor(ctx, p, CapEnable2FA, userID, code, true)
}

// Disable2FA turns off two-factor login (and removes an authenticator app),
// given an emailed TWO_FACTOR_AUTH code or an authenticator code, and
// revokes the user's other sessions. It needs the user's token.
func (s *Service) Disable2FA(ctx context.Context, p Principal, userID, code string) error {
	return s.setTwoFactor(ctx, p, CapDisable2FA, userID, code, false)
}

func (s *Service) setTwoFactor(ctx context.Context, p Principal, c Capability, userID, code string, on bool) error {
	if err := s.authorize(p, c, userID); err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+p.Addr(), s.policy.OTPIP); err != nil {
		return err
	}
	change := func(q Queries) error {
		now := s.now()
		if err := q.SetTwoFactor(ctx, p.user.ID, on, now); err != nil {
			return fmt.Errorf("set 2fa: %w", err)
		}
		if !on && p.user.TOTPSecret != "" {
			if err := q.SetTOTP(ctx, p.user.ID, "", false, now); err != nil {
				return fmt.Errorf("remove authenticator: %w", err)
			}
		}
		if _, err := q.RevokeUserSessions(ctx, p.user.ID, p.sessionID, now); err != nil {
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
		return s.consumeOTP(ctx, p.user, OTPTwoFactor, code, change)
	}
	return s.secondFactor(ctx, p.user, code, change)
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
func (s *Service) StartTOTP(ctx context.Context, p Principal, userID string) (TOTPEnrollment, error) {
	if err := s.authorize(p, CapStartTOTP, userID); err != nil {
		return TOTPEnrollment{}, err
	}
	if p.user.TOTPEnabled {
		return TOTPEnrollment{}, ErrInvalid(FieldError{Field: "user_id", Problem: "an authenticator app is already on; disable 2FA first to replace it"})
	}
	e, err := s.totp.Enroll(p.user.Email)
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("enroll totp: %w", err)
	}
	if err := s.store.SetTOTP(ctx, p.user.ID, e.Secret, false, s.now()); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("store totp secret: %w", err)
	}
	return TOTPEnrollment{OTPAuthURI: e.URI, QRCodePNGBase64: base64.StdEncoding.EncodeToString(e.QRPNG)}, nil
}

// ConfirmTOTP turns on the authenticator app started by StartTOTP, given a
// current code from it: 2FA is then on, and the user's other sessions are
// revoked. It needs the user's token. Wrong codes are charged to the user's
// budget of wrong authenticator codes (429 beyond).
func (s *Service) ConfirmTOTP(ctx context.Context, p Principal, userID, code string) error {
	if err := s.authorize(p, CapConfirmTOTP, userID); err != nil {
		return err
	}
	if err := s.allow("otp-ip:"+p.Addr(), s.policy.OTPIP); err != nil {
		return err
	}
	var f fields
	f.checkCode("code", code)
	if err := f.err(); err != nil {
		return err
	}
	if p.user.TOTPSecret == "" || p.user.TOTPEnabled {
		return ErrInvalid(FieldError{Field: "code", Problem: "there is no authenticator enrolment to confirm; start one first"})
	}
	refund, err := s.takeGuess(p.user.ID, purposeTOTP)
	if err != nil {
		return err
	}
	step, ok := s.totp.Validate(p.user.TOTPSecret, code)
	if !ok {
		return ErrUnauthenticated()
	}
	refund()
	return s.store.InTx(ctx, func(q Queries) error {
		now := s.now()
		if err := q.SetTOTP(ctx, p.user.ID, p.user.TOTPSecret, true, now); err != nil {
			return fmt.Errorf("enable totp: %w", err)
		}
		if _, err := q.AdvanceTOTPStep(ctx, p.user.ID, step); err != nil {
			return fmt.Errorf("record totp step: %w", err)
		}
		if err := q.SetTwoFactor(ctx, p.user.ID, true, now); err != nil {
			return fmt.Errorf("set 2fa: %w", err)
		}
		if _, err := q.RevokeUserSessions(ctx, p.user.ID, p.sessionID, now); err != nil {
			return fmt.Errorf("revoke other sessions: %w", err)
		}
		return nil
	})
}

// ViewUser returns the user. It takes a user token or an API key, and
// works before activation.
func (s *Service) ViewUser(ctx context.Context, p Principal, userID string) (User, error) {
	if err := s.authorize(p, CapViewUser, userID); err != nil {
		return User{}, err
	}
	return p.user, nil
}

// UpdateUser changes the user's names and display preference. It needs the
// user's token and at least one field.
func (s *Service) UpdateUser(ctx context.Context, p Principal, userID string, up ProfileUpdate) (User, error) {
	if err := s.authorize(p, CapUpdateUser, userID); err != nil {
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
	u, err := s.store.UpdateProfile(ctx, p.user.ID, up, s.now())
	if err != nil {
		return User{}, fmt.Errorf("update profile: %w", err)
	}
	return u, nil
}

// ViewAPIKey returns the user's API key. It needs the user's token: a key
// cannot read itself.
func (s *Service) ViewAPIKey(ctx context.Context, p Principal, userID string) (APIKey, error) {
	if err := s.authorize(p, CapViewAPIKey, userID); err != nil {
		return APIKey{}, err
	}
	key, err := s.store.APIKeyOf(ctx, p.user.ID)
	if err != nil {
		return APIKey{}, fmt.Errorf("load api key: %w", err)
	}
	return s.withToken(key)
}

// ResetAPIKey replaces the user's API key: the old one stops working at
// once. It needs the user's token.
func (s *Service) ResetAPIKey(ctx context.Context, p Principal, userID string) (APIKey, error) {
	if err := s.authorize(p, CapResetAPIKey, userID); err != nil {
		return APIKey{}, err
	}
	key, err := s.store.ResetAPIKey(ctx, p.user.ID, NewID(PrefixAPIKey), s.now())
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
