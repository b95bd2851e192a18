package sqlite

import (
	"context"
	"time"
)

// RecordPaymentEvent stores the payment provider's event id and reports
// whether it is new (false: already recorded).
func (q queries) RecordPaymentEvent(ctx context.Context, id, kind string, now time.Time) (bool, error) {
	res, err := q.conn.ExecContext(ctx, `
		INSERT INTO payment_events (id, kind, received_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, id, kind, toText(now))
	if err != nil {
		return false, wrap(err, "record payment event %s", id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrap(err, "record payment event %s", id)
	}
	return n == 1, nil
}

// SetStripeCustomer stores customerID as the user's Stripe customer only if
// the user has none yet, and returns the customer the user has afterwards
// (of concurrent calls the first wins). Not found: "User".
func (q queries) SetStripeCustomer(ctx context.Context, userID, customerID string) (string, error) {
	_, err := q.conn.ExecContext(ctx, `
		UPDATE users SET stripe_customer_id = $2 WHERE id = $1 AND stripe_customer_id = ''`,
		userID, customerID)
	if err != nil {
		return "", wrap(err, "set Stripe customer of user %s", userID)
	}
	// Set now or before; once set it never changes, so this reads the
	// winner's id.
	var stored string
	err = q.conn.QueryRowContext(ctx, `SELECT stripe_customer_id FROM users WHERE id = $1`, userID).Scan(&stored)
	if err != nil {
		return "", notFound(err, "User", "get Stripe customer of user %s", userID)
	}
	return stored, nil
}
