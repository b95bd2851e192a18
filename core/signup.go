package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RegisterInput is a new account's details.
type RegisterInput struct {
	FirstName string
	LastName  string
	Email     string
	Password  string
}

// Register creates an inactive account with its API key, mails it an
// ACTIVATION code and returns it with a user token. Anyone may: the
// credentials of the caller are not looked at. A taken email is a 400 conflict. Nothing is kept when the code
// cannot be mailed.
func (s *Service) Register(ctx context.Context, p Principal, in RegisterInput) (SignedIn, error) {
	if err := s.authorize(p, CapRegister, ""); err != nil {
		return SignedIn{}, err
	}
	if err := s.allow("register-ip:"+p.Addr(), s.policy.RegisterIP); err != nil {
		return SignedIn{}, err
	}
	email := NormalizeEmail(in.Email)
	var f fields
	f.checkName("first_name", in.FirstName)
	f.checkName("last_name", in.LastName)
	f.checkEmail("email", email)
	f.checkPassword("password", in.Password)
	if err := f.err(); err != nil {
		return SignedIn{}, err
	}
	hash, err := s.passwords.Hash(ctx, in.Password)
	if err != nil {
		return SignedIn{}, passwordErr("hash password", err)
	}
	last := strings.TrimSpace(in.LastName)
	u := s.newUser(email, strings.TrimSpace(in.FirstName), &last)
	u.PasswordHash = hash
	var out SignedIn
	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.CreateUser(ctx, u, NewID(PrefixAPIKey)); err != nil {
			return err
		}
		token, err := s.startSession(ctx, q, u, p)
		if err != nil {
			return err
		}
		out = SignedIn{User: u, Token: token}
		return s.issueOTP(ctx, q, u, OTPActivation)
	})
	return out, err
}

// newUser returns a new user record at the current time.
func (s *Service) newUser(email, first string, last *string) User {
	now := Timestamp(s.now().UTC().Truncate(time.Second))
	return User{
		ID: NewID(PrefixUser), Email: email, FirstName: first, LastName: last,
		IsDarkMode: true, CreatedAt: now, UpdatedAt: now,
	}
}

// startSession records a new session of u, started by the caller p, and
// returns its user token.
func (s *Service) startSession(ctx context.Context, q Queries, u User, p Principal) (string, error) {
	id := NewID(PrefixSession)
	token, expires, err := s.tokens.IssueUser(u.ID, id)
	if err != nil {
		return "", fmt.Errorf("issue user token: %w", err)
	}
	sess := Session{ID: id, UserID: u.ID, CreatedAt: s.now(), ExpiresAt: expires, IP: p.addr}
	if err := q.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// GoogleSignIn signs in with a Google ID token: an unknown verified email
// gets a new, active account (created reports so); a known one is logged in
// (and activated, as Google has proven the address: see googleLogin).
// Anyone may: the ID token is the proof.
func (s *Service) GoogleSignIn(ctx context.Context, p Principal, idToken string) (out SignedIn, created bool, err error) {
	if err := s.authorize(p, CapGoogleSignIn, ""); err != nil {
		return out, false, err
	}
	if err := s.allow("login-ip:"+p.Addr(), s.policy.LoginIP); err != nil {
		return out, false, err
	}
	if strings.TrimSpace(idToken) == "" {
		return out, false, ErrInvalid(FieldError{Field: "id_token", Problem: "is required"})
	}
	if s.google == nil {
		return out, false, ErrUnavailable(errors.New("google sign-in is not configured"))
	}
	id, err := s.google.Verify(ctx, idToken)
	if err != nil || !id.EmailVerified {
		return out, false, ErrUnauthenticated()
	}
	email := NormalizeEmail(id.Email)
	var f fields
	if f.checkEmail("email", email); len(f) > 0 {
		return out, false, ErrUnauthenticated()
	}
	for range 2 { // a second round when a concurrent first sign-in won the insert
		u, err := s.store.UserByEmail(ctx, email)
		switch {
		case err == nil:
			out, err = s.googleLogin(ctx, u, p)
			return out, false, err
		case ErrorCode(err) != CodeNotFound:
			return out, false, fmt.Errorf("load user by email: %w", err)
		}
		out, err = s.googleSignUp(ctx, email, id, p)
		if ErrorCode(err) != CodeConflict {
			return out, err == nil, err
		}
	}
	return out, false, ErrInternal(errors.New("google sign-in: user neither found nor created"))
}

// googleLogin starts a session of u, whose email Google has verified. An
// account never activated was made by someone who could not read that
// mailbox, perhaps not its owner: it is claimed for the Google identity in
// the same transaction, so that nothing its maker set up outlives the
// claim (claimAccount).
func (s *Service) googleLogin(ctx context.Context, u User, p Principal) (SignedIn, error) {
	var out SignedIn
	err := s.store.InTx(ctx, func(q Queries) error {
		current, err := q.UserByID(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("load user: %w", err)
		}
		if !current.IsActive {
			if err := s.claimAccount(ctx, q, u.ID); err != nil {
				return err
			}
		}
		token, err := s.startSession(ctx, q, u, p)
		if err != nil {
			return err
		}
		fresh, err := q.UserByID(ctx, u.ID)
		out = SignedIn{User: fresh, Token: token}
		return err
	})
	return out, err
}

// claimAccount activates an account that was never activated, for the
// verified owner of its email, and takes away what its maker may still
// hold: the unverified password is removed, and every session and the API
// key issued before are revoked (the key is replaced).
func (s *Service) claimAccount(ctx context.Context, q Queries, userID string) error {
	now := s.now()
	if err := q.ActivateUser(ctx, userID, now); err != nil {
		return fmt.Errorf("activate: %w", err)
	}
	if err := q.SetPasswordHash(ctx, userID, "", now); err != nil {
		return fmt.Errorf("remove unverified password: %w", err)
	}
	if _, err := q.RevokeUserSessions(ctx, userID, "", now); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	if _, err := q.ResetAPIKey(ctx, userID, NewID(PrefixAPIKey), now); err != nil {
		return fmt.Errorf("reset api key: %w", err)
	}
	return nil
}

func (s *Service) googleSignUp(ctx context.Context, email string, id GoogleIdentity, p Principal) (SignedIn, error) {
	first := firstNonBlank(id.GivenName, id.Name, email[:strings.IndexByte(email, '@')])
	var last *string
	if family := strings.TrimSpace(id.FamilyName); family != "" {
		last = &family
	}
	u := s.newUser(email, first, last)
	u.IsActive = true
	var out SignedIn
	err := s.store.InTx(ctx, func(q Queries) error {
		if err := q.CreateUser(ctx, u, NewID(PrefixAPIKey)); err != nil {
			return err
		}
		token, err := s.startSession(ctx, q, u, p)
		out = SignedIn{User: u, Token: token}
		return err
	})
	return out, err
}

func firstNonBlank(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
