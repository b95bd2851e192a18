package authserver

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/clara-backend/clara/core"
)

// The steps of the sign-up forms.
const (
	stepRegister = "register"
	stepActivate = "activate"
	stepResend   = "resend"
)

// signUpParam asks the authorization page for the sign-up form instead of
// the sign-in form; fosite ignores it.
const signUpParam = "signup"

// postRegister creates an account and signs its browser in; the account
// is then activated with the emailed code.
func (f *flow) postRegister(ctx context.Context) {
	form := f.r.PostForm
	in := core.RegisterInput{
		FirstName: form.Get("first_name"), LastName: form.Get("last_name"),
		Email: form.Get("email"), Password: form.Get("password"),
	}
	signed, err := f.s.svc.Register(ctx, f.s.principal(f.r), in)
	if err != nil {
		status, msg := f.signUpProblem(err)
		f.register(status, in, msg)
		return
	}
	f.s.pages.setSignIn(f.w, signed.Token)
	f.activate(http.StatusOK, signed.User, "")
}

// postActivate activates the signed-in user's account with its code, or
// mails a new one.
func (f *flow) postActivate(ctx context.Context, user core.User, resend bool) {
	p := f.s.principal(f.r)
	if resend {
		if err := f.s.svc.SendOTP(ctx, p, user.Email, string(core.OTPActivation)); err != nil {
			status, msg := f.loginProblem(err, "A new code could not be sent.")
			f.activate(status, user, msg)
			return
		}
		f.activate(http.StatusOK, user, "")
		return
	}
	active, err := f.s.svc.Activate(ctx, p, user.Email, strings.TrimSpace(f.r.PostForm.Get("code")))
	if err != nil {
		status, msg := f.loginProblem(err, "That code is not right, or it has expired.")
		f.activate(status, user, msg)
		return
	}
	f.consent(active, http.StatusOK, "")
}

// signUpProblem words a failed registration for the page.
func (f *flow) signUpProblem(err error) (int, string) {
	var e *core.Error
	switch {
	case core.ErrorCode(err) == core.CodeConflict:
		return http.StatusConflict, "An account with this email exists already. Sign in instead."
	case core.ErrorCode(err) == core.CodeInvalid && errors.As(err, &e) && len(e.Fields) > 0:
		parts := make([]string, len(e.Fields))
		for i, fe := range e.Fields {
			parts[i] = strings.ReplaceAll(fe.Field, "_", " ") + ": " + fe.Problem
		}
		return http.StatusBadRequest, "Please check: " + strings.Join(parts, "; ") + "."
	}
	return f.loginProblem(err, "The account could not be created.")
}

// register shows the sign-up page.
func (f *flow) register(status int, in core.RegisterInput, msg string) {
	f.s.pages.render(f.w, status, registerPage, f.data("Create your Clara account", msg, func(d *pageData) {
		d.Email, d.FirstName, d.LastName = in.Email, in.FirstName, in.LastName
	}))
}

// activate shows the activation page of the signed-in user.
func (f *flow) activate(status int, user core.User, msg string) {
	f.s.pages.render(f.w, status, activatePage, f.data("Activate your account", msg, func(d *pageData) {
		d.User = user.Email
	}))
}

// signUpURL returns the authorization page's URL that shows the sign-up
// form.
func (f *flow) signUpURL() string {
	return f.action + "&" + signUpParam + "=1"
}
