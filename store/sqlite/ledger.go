package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/clara-backend/clara/core"
)

// ledgerColumns are the columns of credit_ledger that scanEntry reads, in
// its order.
const ledgerColumns = `id, user_id, kind, d_available, d_held, fiat_cents, description, idem_key,
	ref_type, ref_id, created_at`

// visibleEntry selects the entries users see as transactions: every kind
// but holds and releases (core.LedgerKind.Visible).
const visibleEntry = `kind NOT IN ('hold', 'release')`

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanEntry reads one row of ledgerColumns.
func scanEntry(row rowScanner) (core.LedgerEntry, error) {
	var (
		e    core.LedgerEntry
		kind string
		fiat int64
	)
	err := row.Scan(&e.ID, &e.UserID, &kind, &e.DAvailable, &e.DHeld, &fiat, &e.Description,
		&e.IdemKey, &e.RefType, &e.RefID, scanTime(&e.CreatedAt))
	if err != nil {
		return core.LedgerEntry{}, err
	}
	e.Kind, e.Fiat = core.LedgerKind(kind), core.Cents(fiat)
	return e, nil
}

// PostLedger appends e and applies it to the user's balances, and returns
// it as stored with applied true. SQLite has no data-modifying CTE, so the
// two steps run in one write transaction (or under a savepoint of the
// caller's): the insert comes first, with ON CONFLICT DO NOTHING, and the
// balances change only when it inserted a row. When the user already has
// an entry with e.IdemKey, nothing changes and that earlier entry comes
// back with applied false. A balance that would go negative is
// core.CodeInsufficientCredits, and the insert is undone with it; in a
// transaction, the transaction stays usable. An unknown user is not found
// ("User").
func (q queries) PostLedger(ctx context.Context, e core.LedgerEntry) (core.LedgerEntry, bool, error) {
	var (
		out     core.LedgerEntry
		applied bool
	)
	err := q.undoable(ctx, func(q queries) error {
		got, err := scanEntry(q.conn.QueryRowContext(ctx, `
			INSERT INTO credit_ledger (`+ledgerColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (user_id, idem_key) DO NOTHING
			RETURNING `+ledgerColumns,
			e.ID, e.UserID, string(e.Kind), e.DAvailable, e.DHeld, int64(e.Fiat), e.Description,
			e.IdemKey, e.RefType, e.RefID, toText(e.CreatedAt)))
		if errors.Is(err, sql.ErrNoRows) {
			// The key is taken; this transaction holds the write lock, so
			// the entry is committed or our own.
			out, err = q.LedgerEntryByKey(ctx, e.UserID, e.IdemKey)
			return err
		}
		if err != nil {
			return wrap(err, "insert entry")
		}
		_, err = q.conn.ExecContext(ctx, `
			UPDATE users SET credits = credits + $2, held = held + $3 WHERE id = $1`,
			e.UserID, e.DAvailable, e.DHeld)
		if err != nil {
			return wrap(err, "apply entry %s", got.ID)
		}
		out, applied = got, true
		return nil
	})
	if err != nil {
		return core.LedgerEntry{}, false, fmt.Errorf("post %s of user %s with key %q: %w", e.Kind, e.UserID, e.IdemKey, err)
	}
	return out, applied, nil
}

// LedgerEntryByKey returns the user's entry with that idempotency key, of
// any kind (not found: "Transaction").
func (q queries) LedgerEntryByKey(ctx context.Context, userID, idemKey string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRowContext(ctx,
		`SELECT `+ledgerColumns+` FROM credit_ledger WHERE user_id = $1 AND idem_key = $2`, userID, idemKey))
	if err != nil {
		return core.LedgerEntry{}, notFound(err, "Transaction", "get entry of user %s with key %q", userID, idemKey)
	}
	return e, nil
}

// Transactions lists the user's visible entries, newest first (ties broken
// by id, descending), skipping offset and returning at most limit. None is
// an empty list.
func (q queries) Transactions(ctx context.Context, userID string, limit, offset int) ([]core.LedgerEntry, error) {
	rows, err := q.conn.QueryContext(ctx, `
		SELECT `+ledgerColumns+` FROM credit_ledger
		WHERE user_id = $1 AND `+visibleEntry+`
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, wrap(err, "list transactions of user %s", userID)
	}
	defer rows.Close()
	out := []core.LedgerEntry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, wrap(err, "list transactions of user %s", userID)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list transactions of user %s", userID)
	}
	return out, nil
}

// TransactionByID returns a visible entry; a hold or release is not found
// either ("Transaction").
func (q queries) TransactionByID(ctx context.Context, id string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRowContext(ctx,
		`SELECT `+ledgerColumns+` FROM credit_ledger WHERE id = $1 AND `+visibleEntry, id))
	if err != nil {
		return core.LedgerEntry{}, notFound(err, "Transaction", "get transaction %s", id)
	}
	return e, nil
}

// Balances returns the user's available and held credits (not found:
// "User").
func (q queries) Balances(ctx context.Context, userID string) (available, held int64, err error) {
	err = q.conn.QueryRowContext(ctx, `SELECT credits, held FROM users WHERE id = $1`, userID).Scan(&available, &held)
	if err != nil {
		return 0, 0, notFound(err, "User", "get balances of user %s", userID)
	}
	return available, held, nil
}

// Imbalances lists, by user id, every user whose balances differ from the
// sums of the user's entries (a user without entries has sums of 0). It is
// one statement, so it reads one consistent state of the file.
func (q queries) Imbalances(ctx context.Context) ([]core.Imbalance, error) {
	rows, err := q.conn.QueryContext(ctx, `
		SELECT u.id, u.credits, u.held, COALESCE(l.available, 0), COALESCE(l.held, 0)
		FROM users AS u
		LEFT JOIN (
			SELECT user_id, SUM(d_available) AS available, SUM(d_held) AS held
			FROM credit_ledger GROUP BY user_id
		) AS l ON l.user_id = u.id
		WHERE u.credits <> COALESCE(l.available, 0) OR u.held <> COALESCE(l.held, 0)
		ORDER BY u.id`)
	if err != nil {
		return nil, wrap(err, "find imbalances")
	}
	defer rows.Close()
	out := []core.Imbalance{}
	for rows.Next() {
		var b core.Imbalance
		if err := rows.Scan(&b.UserID, &b.Available, &b.Held, &b.LedgerAvailable, &b.LedgerHeld); err != nil {
			return nil, wrap(err, "find imbalances")
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "find imbalances")
	}
	return out, nil
}
