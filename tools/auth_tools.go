package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// registerIn is the input of register.
type registerIn struct {
	FirstName string `json:"first_name" jsonschema:"the user's first name (1 to 100 characters)"`
	LastName  string `json:"last_name" jsonschema:"the user's last name (1 to 100 characters)"`
	Email     string `json:"email" jsonschema:"the user's email address; the activation code is mailed there"`
	Password  string `json:"password" jsonschema:"the new account's password: 8 to 128 characters, not a commonly used one"`
}

// registerTool is the twin of POST /auth/register.
func (a accounts) registerTool() Tool[registerIn, core.SignedIn] {
	return Tool[registerIn, core.SignedIn]{
		Name:  "register",
		Title: "Create a Clara account",
		Description: "Creates a Clara account and signs it in: returns the user with a user token (clara_user_…). " +
			"The account starts inactive: Clara emails a 6-digit ACTIVATION code to the address; ask the user for it " +
			"and call activate_account. Use it when the user has no account yet; an email already registered is " +
			"refused (use login). Over stdio without CLARA_API_KEY the session is signed in as the new user for the " +
			"calls that follow; over HTTP send the token as Authorization: Bearer <token>. " +
			"Needs no credentials. Free; sends one email.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(false)),
		Capability: core.CapRegister,
		Handle: func(ctx context.Context, p core.Principal, in registerIn) (core.SignedIn, error) {
			out, err := a.svc.Register(ctx, p, core.RegisterInput{
				FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, Password: in.Password,
			})
			if err != nil {
				return out, guide(err, core.CodeConflict, "An account with this email exists: call login instead "+
					"(a forgotten password is replaced with send_otp CHANGE_PASSWORD, then change_password).")
			}
			signedIn(ctx, out)
			return out, nil
		},
	}
}

// googleSignInIn is the input of google_sign_in.
type googleSignInIn struct {
	IDToken string `json:"id_token" jsonschema:"a Google ID token (a JWT from Google Sign-In, issued for Clara's client id)"`
}

// googleSignInTool is the twin of POST /auth/google.
func (a accounts) googleSignInTool() Tool[googleSignInIn, core.SignedIn] {
	return Tool[googleSignInIn, core.SignedIn]{
		Name:  "google_sign_in",
		Title: "Sign in with Google",
		Description: "Signs in with a Google ID token and returns the user with a user token (clara_user_…): " +
			"an unknown verified email gets a new, active account; a known one is signed in. " +
			"Use it when the user signs in with Google and hands you the ID token. " +
			"Over stdio without CLARA_API_KEY the session is signed in as that user for the calls that follow; " +
			"over HTTP send the token as Authorization: Bearer <token>. " +
			"Needs no credentials. Free; checks the token against Google's keys.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(true), OpenWorld(true)),
		Capability: core.CapGoogleSignIn,
		Handle: func(ctx context.Context, p core.Principal, in googleSignInIn) (core.SignedIn, error) {
			out, _, err := a.svc.GoogleSignIn(ctx, p, in.IDToken)
			if err != nil {
				return out, guide(err, core.CodeUnauthenticated,
					"The Google ID token is invalid, expired, for another app, or its email is not verified: get a fresh one.")
			}
			signedIn(ctx, out)
			return out, nil
		},
	}
}

// loginIn is the input of login.
type loginIn struct {
	Email    string `json:"email" jsonschema:"the account's email address"`
	Password string `json:"password" jsonschema:"the account's password"`
	Code     string `json:"code,omitempty" jsonschema:"only for accounts with two-factor login: the 6-digit TWO_FACTOR_AUTH code emailed by send_otp, or a code from the user's authenticator app"`
}

// Guidance for refused logins.
const (
	guideLogin2FA = "This account has two-factor login and the code is missing or wrong: call send_otp with this email " +
		"and otp_type TWO_FACTOR_AUTH, ask the user for the emailed 6-digit code, then call login again with it in code " +
		"(a current code from the user's authenticator app works too)."
	guideLoginBad = "The email or the password is wrong. A forgotten password is replaced with send_otp " +
		"(otp_type CHANGE_PASSWORD), then change_password with the emailed code."
)

// loginTool is the twin of POST /auth/session.
func (a accounts) loginTool() Tool[loginIn, core.SignedIn] {
	return Tool[loginIn, core.SignedIn]{
		Name:  "login",
		Title: "Log in",
		Description: "Signs a user in with email and password and returns the user with a user token " +
			"(clara_user_…, valid 7 days). For an account with two-factor login, first call send_otp with otp_type " +
			"TWO_FACTOR_AUTH, then call login with the emailed code in code. Over stdio without CLARA_API_KEY the " +
			"session is signed in as this user for the calls that follow; over HTTP send the token as " +
			"Authorization: Bearer <token>. Repeated wrong passwords lock password login for a while. " +
			"Needs no credentials. Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(false), Idempotent(false), OpenWorld(false)),
		Capability: core.CapLogin,
		// The refusal that asks for a second factor carries REST's data,
		// {"is_2fa_enabled": true}.
		RefusalData: true,
		Handle: func(ctx context.Context, p core.Principal, in loginIn) (core.SignedIn, error) {
			out, err := a.svc.Login(ctx, p, core.LoginInput{Email: in.Email, Password: in.Password, Code: in.Code})
			if err != nil {
				if needsSecondFactor(err) {
					return out, guide(err, core.CodeUnauthenticated, guideLogin2FA)
				}
				return out, guide(err, core.CodeUnauthenticated, guideLoginBad)
			}
			signedIn(ctx, out)
			return out, nil
		},
	}
}

// needsSecondFactor reports whether err is the 401 of a login that lacks
// its second factor: its data is {"is_2fa_enabled": true}.
func needsSecondFactor(err error) bool {
	switch data := core.ErrorOf(err).Data.(type) {
	case map[string]bool:
		return data["is_2fa_enabled"]
	case map[string]any:
		on, _ := data["is_2fa_enabled"].(bool)
		return on
	}
	return false
}

// logoutTool is the twin of DELETE /auth/session.
func (a accounts) logoutTool() Tool[NoInput, Done] {
	return Tool[NoInput, Done]{
		Name:  "logout",
		Title: "Log out",
		Description: "Signs the caller out: revokes the user token this call is made with, which stops working at once. " +
			"Over stdio it also ends the session's sign-in (call login to sign in again). Use it when the user asks " +
			"to sign out. Needs a user token; an API key cannot log out (reset_api_key replaces a key). Free.",
		Hints:      Annotate(ReadOnly(false), Destructive(true), Idempotent(true), OpenWorld(false)),
		Capability: core.CapLogout,
		Handle: func(ctx context.Context, p core.Principal, _ NoInput) (Done, error) {
			if err := a.svc.Logout(ctx, p); err != nil {
				return Done{}, err
			}
			signedOut(ctx)
			return Done{Message: "User logged out successfully."}, nil
		},
	}
}
