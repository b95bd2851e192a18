package api

import (
	"net/http"
)

// The messages of the 2FA endpoints (contract §5, row 8, and the
// authenticator-app extension).
const (
	msg2FAEnabled  = "User 2FA enabled successfully."
	msgTOTPStarted = "Authenticator app enrollment started successfully."
	msgTOTPEnabled = "Authenticator app enabled successfully."
)

// enable2FA answers POST /api/v1/users/{user_id}/2fa (user token) with body
// {"code"}, an emailed TWO_FACTOR_AUTH code: 200 with null data; the user's
// other sessions are revoked.
func (s *server) enable2FA(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	err := s.svc.Enable2FA(r.Context(), principal(r), pathParam(r, "user_id"), req.Code)
	reply(w, r, err, http.StatusOK, nil, msg2FAEnabled)
}

// disable2FA answers DELETE /api/v1/users/{user_id}/2fa (user token) with
// body {"code"} (a DELETE with a JSON body, as Clara's docs show): 204; the
// user's other sessions are revoked.
func (s *server) disable2FA(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	replyNoContent(w, r, s.svc.Disable2FA(r.Context(), principal(r), pathParam(r, "user_id"), req.Code))
}

// startTOTP answers POST /api/v1/users/{user_id}/2fa/totp (user token;
// extension): 201 with a new authenticator secret as an otpauth URI and a
// QR code. It takes no body; one that is sent anyway is ignored.
func (s *server) startTOTP(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.StartTOTP(r.Context(), principal(r), pathParam(r, "user_id"))
	reply(w, r, err, http.StatusCreated, e, msgTOTPStarted)
}

// confirmTOTP answers POST /api/v1/users/{user_id}/2fa/totp/confirm (user
// token; extension) with body {"code"} from the authenticator app: 200
// with null data; 2FA is then on and the user's other sessions are revoked.
func (s *server) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	err := s.svc.ConfirmTOTP(r.Context(), principal(r), pathParam(r, "user_id"), req.Code)
	reply(w, r, err, http.StatusOK, nil, msgTOTPEnabled)
}
