package tools

import (
	"context"
	"net/mail"

	"github.com/clara-backend/clara/core"
)

// wrongCode is the guidance after a refused one-time code of type t.
func wrongCode(t core.OTPType) string {
	return "The code is wrong, expired (codes last 10 minutes) or already used: call send_otp with otp_type " +
		string(t) + " for a new one and ask the user for it."
}

// sendOTPIn is the input of send_otp.
type sendOTPIn struct {
	Email   string `json:"email" jsonschema:"the account's email address; the code is mailed there"`
	OTPType string `json:"otp_type" jsonschema:"the code's purpose: ACTIVATION (for activate_account), CHANGE_PASSWORD (for change_password) or TWO_FACTOR_AUTH (for login with two-factor, enable_2fa, disable_2fa)"`
}

// sendOTPTool is the twin of POST /users/{user_email}/otp/{otp_type}.
func (a accounts) sendOTPTool() Tool[sendOTPIn, Done] {
	return Tool[sendOTPIn, Done]{
		Name:  "send_otp",
		Title: "Email a one-time code",
		Description: "Emails a new 6-digit one-time code to the account with this email, for one purpose: " +
			"ACTIVATION (activate_account), CHANGE_PASSWORD (change_password) or TWO_FACTOR_AUTH (login of an account " +
			"with two-factor login, enable_2fa, disable_2fa). The code is valid 10 minutes, works once, and replaces " +
			"the earlier code of its type; one code per type per minute. Ask the user to read you the code from the " +
			"email. Needs no credentials. Free; sends one email.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(true)),
		Capability: core.CapSendOTP,
		Handle: func(ctx context.Context, p core.Principal, in sendOTPIn) (Done, error) {
			if err := a.svc.SendOTP(ctx, p, in.Email, in.OTPType); err != nil {
				return Done{}, guide(err, core.CodeNotFound, "No account has this email: check it, or call register.")
			}
			return Done{Message: "OTP sent successfully."}, nil
		},
	}
}

// activateIn is the input of activate_account.
type activateIn struct {
	Email string `json:"email" jsonschema:"the email address of the account to activate"`
	Code  string `json:"code,omitempty" jsonschema:"the 6-digit ACTIVATION code emailed at registration or by send_otp; without it a host that supports elicitation asks the user for it, any other refuses the call"`
}

// mailbox names the address email in a question to the user: email when
// it is a plain address, else words that show nothing of it (the model
// chose it, and a question must not say what the user was not told).
func mailbox(email string) string {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email || len(email) > 254 {
		return "the account's address"
	}
	return email
}

// codeRequired is the refusal of a call without its code when the user
// cannot be asked for it: what the input schema said when code was a
// required argument.
func codeRequired() error {
	return core.ErrInvalid(core.FieldError{Field: "code", Problem: "is required"})
}

// activateTool is the twin of POST /users/{user_email}/activate.
func (a accounts) activateTool() Tool[activateIn, core.User] {
	return Tool[activateIn, core.User]{
		Name:  "activate_account",
		Title: "Activate an account",
		Description: "Activates the account with this email, given the 6-digit ACTIVATION code that register emailed " +
			"(send_otp with otp_type ACTIVATION mails a new one), and returns the user, now active. Until then most " +
			"tools answer \"Please activate your account to access the requested resource.\". Without code, a host " +
			"that supports elicitation asks the user for it; other hosts need it in code. " +
			"Needs no credentials. Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapActivate,
		Handle: func(ctx context.Context, p core.Principal, in activateIn) (core.User, error) {
			if in.Code == "" {
				code, o, err := askCode(ctx, "Enter the 6-digit code that Clara emailed to "+mailbox(in.Email)+
					" to activate the account (sent at registration, or when a new code was requested). "+
					"A code is valid for 10 minutes.")
				switch {
				case err != nil:
					return core.User{}, err
				case o == notAsked:
					return core.User{}, codeRequired()
				case o != accepted:
					return core.User{}, notDone(o, "the account was not activated",
						"Call activate_account again when the user has the code (send_otp with otp_type ACTIVATION "+
							"mails a new one), with it in code or without code to ask the user again.")
				}
				in.Code = code
			}
			u, err := a.svc.Activate(ctx, p, in.Email, in.Code)
			if err != nil {
				err = guide(err, core.CodeNotFound, "No account has this email: check it, or call register.")
				return u, guide(err, core.CodeUnauthenticated, wrongCode(core.OTPActivation))
			}
			if u.ID == p.User().ID && !p.User().IsActive {
				listChanged(ctx) // the caller may now use what needs an active account
			}
			return u, nil
		},
	}
}

// changePasswordIn is the input of change_password.
type changePasswordIn struct {
	Email    string `json:"email,omitempty" jsonschema:"the account's email address; omit it to change the signed-in caller's password"`
	Password string `json:"password" jsonschema:"the new password: 8 to 128 characters, not a commonly used one"`
	Code     string `json:"code" jsonschema:"the 6-digit CHANGE_PASSWORD code emailed by send_otp"`
}

// changePasswordTool is the twin of PATCH /users/{user_email}/password.
func (a accounts) changePasswordTool() Tool[changePasswordIn, Done] {
	return Tool[changePasswordIn, Done]{
		Name:  "change_password",
		Title: "Change a password",
		Description: "Sets a new password for an account, given the 6-digit CHANGE_PASSWORD code that send_otp emailed, " +
			"and signs the account out everywhere: every user token stops working (log in again with the new password). " +
			"Use it for a forgotten password (no sign-in needed: give email) or to change the signed-in user's own " +
			"(email defaults to them). Steps: send_otp with otp_type CHANGE_PASSWORD, ask the user for the code, call this. Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(false), OpenWorld(false)),
		Capability: core.CapChangePassword,
		Handle: func(ctx context.Context, p core.Principal, in changePasswordIn) (Done, error) {
			// A signed-in user changes their own password with their token
			// (an empty email means theirs); anyone else names the account.
			user := p.Kind() == core.AuthUserToken
			if !user && in.Email == "" {
				return Done{}, core.ErrInvalid(core.FieldError{Field: "email", Problem: "is required when no user is signed in: give the account's email"})
			}
			err := a.svc.ChangePassword(ctx, p, in.Email, core.ChangePasswordInput{Password: in.Password, Code: in.Code})
			if err != nil {
				err = guide(err, core.CodeNotFound, "No account has this email: check it.")
				err = guide(err, core.CodeForbidden, "A signed-in user can change only their own password: omit email.")
				return Done{}, guide(err, core.CodeUnauthenticated, wrongCode(core.OTPChangePassword))
			}
			if user {
				signedOut(ctx) // every session of the user is revoked
			}
			return Done{Message: "User password changed successfully."}, nil
		},
	}
}

// twoFactorIn is the input of enable_2fa and disable_2fa.
type twoFactorIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Code   string `json:"code" jsonschema:"the 6-digit TWO_FACTOR_AUTH code emailed by send_otp (disable_2fa also takes a code from the user's authenticator app)"`
}

// enable2FAIn is the input of enable_2fa: twoFactorIn whose code may be
// left for the user to give.
type enable2FAIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Code   string `json:"code,omitempty" jsonschema:"the 6-digit TWO_FACTOR_AUTH code emailed by send_otp; without it a host that supports elicitation asks the user for it, any other refuses the call"`
}

// enable2FATool is the twin of POST /users/{user_id}/2fa.
func (a accounts) enable2FATool() Tool[enable2FAIn, Done] {
	return Tool[enable2FAIn, Done]{
		Name:  "enable_2fa",
		Title: "Turn on two-factor login",
		Description: "Turns on two-factor login for the signed-in user, given a 6-digit TWO_FACTOR_AUTH code: call " +
			"send_otp with the user's email and otp_type TWO_FACTOR_AUTH first and ask the user for the emailed code " +
			"(or leave code out: a host that supports elicitation asks the user for it). " +
			"From then on login needs an emailed code too, and the user's other sessions are signed out (this one " +
			"stays). Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapEnable2FA,
		Handle: func(ctx context.Context, p core.Principal, in enable2FAIn) (Done, error) {
			// Without a code, a caller the core refuses anyway gets that
			// refusal (why it may not), not a request for the code.
			if in.Code == "" && mayAct(p, core.CapEnable2FA, in.UserID) {
				code, o, err := askCode(ctx, "Enter the 6-digit code that Clara emailed to "+p.User().Email+
					" to turn on two-factor login (it was sent when a two-factor code was requested). "+
					"A code is valid for 10 minutes.")
				switch {
				case err != nil:
					return Done{}, err
				case o == notAsked:
					return Done{}, codeRequired()
				case o != accepted:
					return Done{}, notDone(o, "two-factor login was not turned on",
						"Call enable_2fa again when the user has the code (send_otp with otp_type TWO_FACTOR_AUTH "+
							"mails one), with it in code or without code to ask the user again.")
				}
				in.Code = code
			}
			if err := a.svc.Enable2FA(ctx, p, in.UserID, in.Code); err != nil {
				return Done{}, guide(err, core.CodeUnauthenticated, wrongCode(core.OTPTwoFactor))
			}
			return Done{Message: "User 2FA enabled successfully."}, nil
		},
	}
}

// disable2FATool is the twin of DELETE /users/{user_id}/2fa.
func (a accounts) disable2FATool() Tool[twoFactorIn, Done] {
	return Tool[twoFactorIn, Done]{
		Name:  "disable_2fa",
		Title: "Turn off two-factor login",
		Description: "Turns off two-factor login for the signed-in user (and removes an authenticator app), given a " +
			"6-digit TWO_FACTOR_AUTH code emailed by send_otp or a current code from the authenticator app. " +
			"The user's other sessions are signed out (this one stays). Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(true), OpenWorld(false)),
		Capability: core.CapDisable2FA,
		Handle: func(ctx context.Context, p core.Principal, in twoFactorIn) (Done, error) {
			if err := a.svc.Disable2FA(ctx, p, in.UserID, in.Code); err != nil {
				return Done{}, guide(err, core.CodeUnauthenticated, wrongCode(core.OTPTwoFactor))
			}
			return Done{Message: "User 2FA disabled successfully."}, nil
		},
	}
}
