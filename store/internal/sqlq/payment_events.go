package sqlq

import (
	"context"
	"time"
)

// RecordPaymentEvent stores the payment provider's event id and reports
// whether it is new (false: already recorded). Of concurrent recordings of
// one id exactly one is: ON CONFLICT waits for the transaction that
// inserted it first (PostgreSQL), or writers take turns on the file
// (SQLite).
func (q Queries) RecordPaymentEvent(ctx context.Context, id, kind string, now time.Time) (bool, error) {
	n, err := q.conn.Exec(ctx, `
		INSERT INTO payment_events (id, kind, received_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, id, kind, now)
	if err != nil {
		return false, q.wrap(err, "record payment event %s", id)
	}
	return n == 1, nil
}

// SetStripeCustomer stores customerID as the user's Stripe customer only if
// the user has none yet, and returns the customer the user has afterwards:
// of concurrent calls the first to commit wins, and the others return its
// id. Not found: "User".
func (q Queries) SetStripeCustomer(ctx context.Context, userID, customerID string) (string, error) {
	var stored string
	err := q.conn.QueryRow(ctx, `
		UPDATE users SET stripe_customer_id = $2
		WHERE id = $1 AND stripe_customer_id = ''
		RETURNING stripe_customer_id`, userID, customerID).Scan(&stored)
	if err == nil {
		return stored, nil
	}
	if !isNoRows(err) {
		return "", q.wrap(err, "set Stripe customer of user %s", userID)
	}
	// Already set (on PostgreSQL a blocked UPDATE re-checks its WHERE on
	// the committed row; once set the id never changes, so this reads the
	// winner's id), or no such user.
	err = q.conn.QueryRow(ctx, `SELECT stripe_customer_id FROM users WHERE id = $1`, userID).Scan(&stored)
	if err != nil {
		return "", q.notFound(err, "User", "get Stripe customer of user %s", userID)
	}
	return stored, nil
}
