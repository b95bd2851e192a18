package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `id, email, first_name, last_name, password_hash, is_active, is_2fa_enabled,
	is_dark_mode, credits, totp_secret, totp_enabled, totp_last_step, created_at, updated_at,
	held, stripe_customer_id`

// scanUser reads one row of userColumns, after the columns that lead's
// destinations take (a joined session, API key or grant).
func scanUser(row Row, lead ...any) (core.User, error) {
	var v struct { // one allocation for every destination the scan fills
		u                     core.User
		created, updated      time.Time
		credits, totpLastStep int64
	}
	dest := make([]any, 0, len(lead)+16)
	dest = append(dest, lead...)
	dest = append(dest, &v.u.ID, &v.u.Email, &v.u.FirstName, &v.u.LastName, &v.u.PasswordHash, &v.u.IsActive,
		&v.u.Is2FAEnabled, &v.u.IsDarkMode, &v.credits, &v.u.TOTPSecret, &v.u.TOTPEnabled, &v.totpLastStep,
		&v.created, &v.updated, &v.u.Held, &v.u.StripeCustomerID)
	if err := row.Scan(dest...); err != nil {
		return core.User{}, err
	}
	u := v.u
	u.Credits = core.Credits(v.credits)
	u.TOTPLastStep = v.totpLastStep
	u.CreatedAt = core.Timestamp(v.created.UTC())
	u.UpdatedAt = core.Timestamp(v.updated.UTC())
	return u, nil
}

// CreateUser stores u and its API key (id apiKeyID, made at u.CreatedAt)
// together. A taken email is core.CodeConflict; negative credits or held
// credits are core.CodeInsufficientCredits. Credits and Held are stored as
// given: a user created with a balance has no ledger entries to account for
// it, so the core creates users with none.
func (q Queries) CreateUser(ctx context.Context, u core.User, apiKeyID string) error {
	return q.atomically(ctx, func(q Queries) error {
		_, err := q.conn.Exec(ctx, `
			INSERT INTO users (id, email, first_name, last_name, password_hash, is_active,
				is_2fa_enabled, is_dark_mode, credits, totp_secret, totp_enabled, totp_last_step,
				created_at, updated_at, held, stripe_customer_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			u.ID, u.Email, u.FirstName, u.LastName, u.PasswordHash, u.IsActive,
			u.Is2FAEnabled, u.IsDarkMode, int64(u.Credits), u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep,
			u.CreatedAt.Time(), u.UpdatedAt.Time(), u.Held, u.StripeCustomerID)
		if err != nil {
			return q.wrap(err, "create user %s", u.ID)
		}
		_, err = q.conn.Exec(ctx, `
			INSERT INTO api_keys (user_id, id, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
			u.ID, apiKeyID, u.CreatedAt.Time())
		if err != nil {
			return q.wrap(err, "create API key of user %s", u.ID)
		}
		return nil
	})
}

// UserByID returns the user with that id (not found: "User").
func (q Queries) UserByID(ctx context.Context, id string) (core.User, error) {
	u, err := scanUser(q.conn.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return core.User{}, q.notFound(err, "User", "get user %s", id)
	}
	return u, nil
}

// UserByEmail returns the user with exactly that email (not found: "User").
func (q Queries) UserByEmail(ctx context.Context, email string) (core.User, error) {
	u, err := scanUser(q.conn.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if err != nil {
		return core.User{}, q.notFound(err, "User", "get user by email")
	}
	return u, nil
}

// UpdateProfile applies the non-nil fields of p, sets updated_at to now and
// returns the user (not found: "User").
func (q Queries) UpdateProfile(ctx context.Context, id string, p core.ProfileUpdate, now time.Time) (core.User, error) {
	u, err := scanUser(q.conn.QueryRow(ctx, `
		UPDATE users SET
			first_name = COALESCE($2, first_name),
			last_name = COALESCE($3, last_name),
			is_dark_mode = COALESCE($4, is_dark_mode),
			updated_at = $5
		WHERE id = $1
		RETURNING `+userColumns,
		id, p.FirstName, p.LastName, p.IsDarkMode, now))
	if err != nil {
		return core.User{}, q.notFound(err, "User", "update profile of user %s", id)
	}
	return u, nil
}

// ActivateUser marks the user active (not found: "User").
func (q Queries) ActivateUser(ctx context.Context, id string, now time.Time) error {
	return q.updateUser(ctx, "activate user", id, `is_active = true, updated_at = $2`, now)
}

// SetPasswordHash replaces the user's password hash (not found: "User").
func (q Queries) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	return q.updateUser(ctx, "set password of user", id, `password_hash = $2, updated_at = $3`, hash, now)
}

// SetTwoFactor turns the user's 2FA flag on or off (not found: "User").
func (q Queries) SetTwoFactor(ctx context.Context, id string, enabled bool, now time.Time) error {
	return q.updateUser(ctx, "set 2FA of user", id, `is_2fa_enabled = $2, updated_at = $3`, enabled, now)
}

// SetTOTP stores the user's encrypted authenticator secret and whether it is
// confirmed, and resets the last accepted step (not found: "User").
func (q Queries) SetTOTP(ctx context.Context, id, secret string, enabled bool, now time.Time) error {
	return q.updateUser(ctx, "set TOTP of user", id,
		`totp_secret = $2, totp_enabled = $3, totp_last_step = 0, updated_at = $4`, secret, enabled, now)
}

// updateUser runs UPDATE users SET set WHERE id = $1, with args as $2….
func (q Queries) updateUser(ctx context.Context, what, id, set string, args ...any) error {
	n, err := q.conn.Exec(ctx, `UPDATE users SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
	return q.changed(n, err, "User", "%s %s", what, id)
}

// AdvanceTOTPStep records step as the user's last accepted TOTP step if it
// is later than the recorded one, and reports whether it was. It is false,
// not an error, for an unknown user.
func (q Queries) AdvanceTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	n, err := q.conn.Exec(ctx,
		`UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, id, step)
	if err != nil {
		return false, q.wrap(err, "advance TOTP step of user %s", id)
	}
	return n == 1, nil
}
