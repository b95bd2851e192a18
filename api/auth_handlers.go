package api

import (
	"net/http"

	"github.com/clara-backend/clara/auth"
	"github.com/clara-backend/clara/core"
)

// The messages of the Auth group (contract §5, rows 1–7).
const (
	msgRegistered      = "User registered successfully."
	msgLoggedIn        = "User logged in successfully."
	msgPasswordChanged = "User password changed successfully."
	msgOTPSent         = "OTP sent successfully."
	msgActivated       = "User activated successfully."
)

// registerRequest is the body of Register.
type registerRequest struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Password  string `json:"password"`
}

// register answers POST /api/v1/auth/register (public key): 201 with the
// new, inactive user and a user token; an ACTIVATION code is mailed.
func (s *server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := gate(principal(r), clientApp); err != nil {
		writeError(w, r, err)
		return
	}
	out, err := s.svc.Register(r.Context(), principal(r), core.RegisterInput{
		FirstName: req.FirstName, LastName: req.LastName, Email: req.Email, Password: req.Password,
	})
	reply(w, r, err, http.StatusCreated, out, msgRegistered)
}

// googleRequest is the body of Google sign-in.
type googleRequest struct {
	IDToken string `json:"id_token"`
}

// googleSignIn answers POST /api/v1/auth/google (public key optional): 201
// with the user and a user token, whether the account was created or
// logged in; only the message tells which.
func (s *server) googleSignIn(w http.ResponseWriter, r *http.Request) {
	var req googleRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := gate(principal(r), clientAppOptional); err != nil {
		writeError(w, r, err)
		return
	}
	out, created, err := s.svc.GoogleSignIn(r.Context(), principal(r), req.IDToken)
	message := msgLoggedIn
	if created {
		message = msgRegistered
	}
	reply(w, r, err, http.StatusCreated, out, message)
}

// login answers POST /api/v1/auth/session: Basic credentials in the
// Authorization header (anything else is 401) and an optional body
// {"code"} for accounts with 2FA on; 200 with the user and a user token.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	cred := auth.ParseAuthorization(r.Header.Get("Authorization"))
	if cred.Scheme != auth.SchemeBasic {
		writeError(w, r, core.ErrUnauthenticated())
		return
	}
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil && core.ErrorCode(err) != codeEmptyBody {
		writeError(w, r, err)
		return
	}
	out, err := s.svc.Login(r.Context(), principal(r), core.LoginInput{Email: cred.Email, Password: cred.Password, Code: req.Code})
	reply(w, r, err, http.StatusOK, out, msgLoggedIn)
}

// logout answers DELETE /api/v1/auth/session (user token): 204 once the
// calling session is revoked.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	replyNoContent(w, r, s.svc.Logout(r.Context(), principal(r)))
}

// changePasswordRequest is the body of Change Password.
type changePasswordRequest struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

// changePassword answers PATCH /api/v1/users/{user_email}/password (public
// key or the user's own token): 200 with null data once the password is
// set and every session of the user is revoked.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	var req changePasswordRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := gate(principal(r), clientAppOrUser); err != nil {
		writeError(w, r, err)
		return
	}
	err := s.svc.ChangePassword(r.Context(), principal(r), pathParam(r, "user_email"),
		core.ChangePasswordInput{Password: req.Password, Code: req.Code})
	reply(w, r, restField(err, "email", "user_email"), http.StatusOK, nil, msgPasswordChanged)
}

// sendOTP answers POST /api/v1/users/{user_email}/otp/{otp_type} (public
// key): 201 with null data once the code is mailed. It takes no body; one
// that is sent anyway is ignored.
func (s *server) sendOTP(w http.ResponseWriter, r *http.Request) {
	err := gate(principal(r), clientApp)
	if err == nil {
		err = s.svc.SendOTP(r.Context(), principal(r), pathParam(r, "user_email"), pathParam(r, "otp_type"))
	}
	reply(w, r, restField(err, "email", "user_email"), http.StatusCreated, nil, msgOTPSent)
}

// activate answers POST /api/v1/users/{user_email}/activate (public key):
// 200 with the activated user.
func (s *server) activate(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := gate(principal(r), clientApp); err != nil {
		writeError(w, r, err)
		return
	}
	u, err := s.svc.Activate(r.Context(), principal(r), pathParam(r, "user_email"), req.Code)
	reply(w, r, restField(err, "email", "user_email"), http.StatusOK, u, msgActivated)
}
