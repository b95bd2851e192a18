package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clara-backend/clara/core"
)

// purchaseColumns are the columns of credit_purchases that scanPurchase
// reads, in its order.
const purchaseColumns = `id, user_id, stripe_session_id, amount_cents, credits, status, created_at, updated_at`

// scanPurchase reads one row of purchaseColumns.
func scanPurchase(row rowScanner) (core.Purchase, error) {
	var (
		p      core.Purchase
		amount int64
		status string
	)
	err := row.Scan(&p.ID, &p.UserID, &p.SessionID, &amount, &p.Credits, &status,
		scanTime(&p.CreatedAt), scanTime(&p.UpdatedAt))
	if err != nil {
		return core.Purchase{}, err
	}
	p.Amount, p.Status = core.Cents(amount), core.PurchaseStatus(status)
	return p, nil
}

// CreatePurchase records p. A session id (or purchase id) already recorded
// is core.CodeConflict; an unknown user is not found ("User").
func (q queries) CreatePurchase(ctx context.Context, p core.Purchase) error {
	_, err := q.conn.ExecContext(ctx, `
		INSERT INTO credit_purchases (`+purchaseColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ID, p.UserID, p.SessionID, int64(p.Amount), p.Credits, string(p.Status),
		toText(p.CreatedAt), toText(p.UpdatedAt))
	if err != nil {
		return wrap(err, "create purchase %s of session %s", p.ID, p.SessionID)
	}
	return nil
}

// PurchaseBySession returns the purchase of a Stripe Checkout Session (not
// found: "Purchase").
func (q queries) PurchaseBySession(ctx context.Context, sessionID string) (core.Purchase, error) {
	p, err := scanPurchase(q.conn.QueryRowContext(ctx,
		`SELECT `+purchaseColumns+` FROM credit_purchases WHERE stripe_session_id = $1`, sessionID))
	if err != nil {
		return core.Purchase{}, notFound(err, "Purchase", "get purchase of session %s", sessionID)
	}
	return p, nil
}

// MovePurchase sets the status of the session's purchase to `to` and its
// updated_at to now, in one conditional update, only if its status is one
// of from; it returns the purchase and whether it moved it. Writers take
// turns on the file, so of concurrent moves out of one status exactly one
// succeeds. A purchase that is not in from comes back unchanged with
// false; none at all is not found ("Purchase").
func (q queries) MovePurchase(ctx context.Context, sessionID string, from []core.PurchaseStatus, to core.PurchaseStatus, now time.Time) (core.Purchase, bool, error) {
	if len(from) > 0 {
		args := []any{sessionID, string(to), toText(now)}
		marks := make([]string, len(from))
		for i, s := range from {
			args = append(args, string(s))
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		p, err := scanPurchase(q.conn.QueryRowContext(ctx, `
			UPDATE credit_purchases SET status = $2, updated_at = $3
			WHERE stripe_session_id = $1 AND status IN (`+strings.Join(marks, ", ")+`)
			RETURNING `+purchaseColumns, args...))
		if err == nil {
			return p, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return core.Purchase{}, false, wrap(err, "move purchase of session %s to %s", sessionID, to)
		}
	}
	p, err := q.PurchaseBySession(ctx, sessionID)
	if err != nil {
		return core.Purchase{}, false, err
	}
	return p, false, nil
}
