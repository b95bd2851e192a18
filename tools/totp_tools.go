package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// guideTOTPCode is the guidance after a refused authenticator code.
const guideTOTPCode = "The code is wrong or expired: ask the user for the 6-digit code their authenticator app " +
	"shows now (it changes every 30 seconds) and call confirm_totp again with it."

// startTOTPTool is the twin of POST /users/{user_id}/2fa/totp.
func (a accounts) startTOTPTool() Tool[userIn, core.TOTPEnrollment] {
	return Tool[userIn, core.TOTPEnrollment]{
		Name:  "start_totp",
		Title: "Set up an authenticator app",
		Description: "Starts setting up an authenticator app (Google Authenticator, 1Password, Authy, …) for the " +
			"signed-in user's two-factor login: returns a new secret as an otpauth:// URI and as a QR code (a PNG, in " +
			"base64 and as an image in the result). Show the QR code to the user to scan, or give them the URI; then ask " +
			"for the 6-digit code the app shows and call confirm_totp with it. Until then nothing changes at login, and " +
			"calling start_totp again replaces the unconfirmed secret. Refused when an authenticator app is already on " +
			"(disable_2fa removes it). The URI and QR code hold the secret: show them only to the user. " +
			"Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(false)),
		Capability: core.CapStartTOTP,
		Handle: func(ctx context.Context, p core.Principal, in userIn) (core.TOTPEnrollment, error) {
			return a.svc.StartTOTP(ctx, p, in.UserID)
		},
		Images: func(e core.TOTPEnrollment) []Image {
			if e.QRCodePNGBase64 == "" {
				return nil
			}
			return []Image{{Base64: e.QRCodePNGBase64, MIMEType: "image/png"}}
		},
	}
}

// confirmTOTPIn is the input of confirm_totp.
type confirmTOTPIn struct {
	UserID string `json:"user_id,omitempty" jsonschema:"the user's id (user_…); omit it to act on the caller, the only user you may act on"`
	Code   string `json:"code" jsonschema:"the 6-digit code the authenticator app shows now, after scanning start_totp's QR code"`
}

// confirmTOTPTool is the twin of POST /users/{user_id}/2fa/totp/confirm.
func (a accounts) confirmTOTPTool() Tool[confirmTOTPIn, Done] {
	return Tool[confirmTOTPIn, Done]{
		Name:  "confirm_totp",
		Title: "Confirm an authenticator app",
		Description: "Turns on the authenticator app that start_totp set up, given the 6-digit code the app shows " +
			"now: two-factor login is then on, and login takes a code from the app (or one emailed by send_otp) " +
			"besides the password. The user's other sessions are signed out (this one stays). Call start_totp first; " +
			"a wrong code can be retried with the app's next code, a few times. Needs a user token (not an API key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapConfirmTOTP,
		Handle: func(ctx context.Context, p core.Principal, in confirmTOTPIn) (Done, error) {
			if err := a.svc.ConfirmTOTP(ctx, p, in.UserID, in.Code); err != nil {
				return Done{}, guide(err, core.CodeUnauthenticated, guideTOTPCode)
			}
			return Done{Message: "Authenticator app enabled successfully."}, nil
		},
	}
}
