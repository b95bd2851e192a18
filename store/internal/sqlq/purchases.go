package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// purchaseColumns are the columns of credit_purchases that scanPurchase
// reads, in its order.
const purchaseColumns = `id, user_id, stripe_session_id, amount_cents, credits, status, created_at, updated_at`

// scanPurchase reads one row of purchaseColumns.
func scanPurchase(row Row) (core.Purchase, error) {
	var (
		p                core.Purchase
		amount           int64
		status           string
		created, updated time.Time
	)
	err := row.Scan(&p.ID, &p.UserID, &p.SessionID, &amount, &p.Credits, &status, &created, &updated)
	if err != nil {
		return core.Purchase{}, err
	}
	p.Amount, p.Status, p.CreatedAt, p.UpdatedAt = core.Cents(amount), core.PurchaseStatus(status), created.UTC(), updated.UTC()
	return p, nil
}

// CreatePurchase records p. A session id (or purchase id) already recorded
// is core.CodeConflict; an unknown user is not found ("User").
func (q Queries) CreatePurchase(ctx context.Context, p core.Purchase) error {
	_, err := q.conn.Exec(ctx, `
		INSERT INTO credit_purchases (`+purchaseColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ID, p.UserID, p.SessionID, int64(p.Amount), p.Credits, string(p.Status), p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return q.wrap(err, "create purchase %s of session %s", p.ID, p.SessionID)
	}
	return nil
}

// PurchaseBySession returns the purchase of a Stripe Checkout Session (not
// found: "Purchase").
func (q Queries) PurchaseBySession(ctx context.Context, sessionID string) (core.Purchase, error) {
	p, err := scanPurchase(q.conn.QueryRow(ctx,
		`SELECT `+purchaseColumns+` FROM credit_purchases WHERE stripe_session_id = $1`, sessionID))
	if err != nil {
		return core.Purchase{}, q.notFound(err, "Purchase", "get purchase of session %s", sessionID)
	}
	return p, nil
}

// MovePurchase sets the status of the session's purchase to `to` and its
// updated_at to now, in one conditional update, only if its status is one
// of from; it returns the purchase and whether it moved it. Of concurrent
// moves out of one status exactly one succeeds: on PostgreSQL a blocked
// UPDATE re-checks its WHERE on the row the winner committed; on SQLite
// writers take turns on the file. A purchase that is not in from comes
// back unchanged with false; none at all is not found ("Purchase").
func (q Queries) MovePurchase(ctx context.Context, sessionID string, from []core.PurchaseStatus, to core.PurchaseStatus, now time.Time) (core.Purchase, bool, error) {
	if in, args, ok := q.d.oneOf([]any{sessionID, string(to), now}, strs(from)); ok {
		p, err := scanPurchase(q.conn.QueryRow(ctx, `
			UPDATE credit_purchases SET status = $2, updated_at = $3
			WHERE stripe_session_id = $1 AND status `+in+`
			RETURNING `+purchaseColumns, args...))
		if err == nil {
			return p, true, nil
		}
		if !isNoRows(err) {
			return core.Purchase{}, false, q.wrap(err, "move purchase of session %s to %s", sessionID, to)
		}
	}
	p, err := q.PurchaseBySession(ctx, sessionID)
	if err != nil {
		return core.Purchase{}, false, err
	}
	return p, false, nil
}
