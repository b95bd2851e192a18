package sqlq

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// ledgerColumns are the columns of credit_ledger that scanEntry reads, in
// its order.
const ledgerColumns = `id, user_id, kind, d_available, d_held, fiat_cents, description, idem_key,
	ref_type, ref_id, created_at`

// visibleEntry selects the entries users see as transactions: every kind
// but holds and releases (core.LedgerKind.Visible).
const visibleEntry = `kind NOT IN ('hold', 'release')`

// scanEntry reads one row of ledgerColumns.
func scanEntry(row Row) (core.LedgerEntry, error) {
	var (
		e       core.LedgerEntry
		kind    string
		fiat    int64
		created time.Time
	)
	err := row.Scan(&e.ID, &e.UserID, &kind, &e.DAvailable, &e.DHeld, &fiat, &e.Description,
		&e.IdemKey, &e.RefType, &e.RefID, &created)
	if err != nil {
		return core.LedgerEntry{}, err
	}
	e.Kind, e.Fiat, e.CreatedAt = core.LedgerKind(kind), core.Cents(fiat), created.UTC()
	return e, nil
}

// PostLedger appends e and applies it to the user's balances, together,
// and returns it as stored with applied true: in one statement on
// PostgreSQL, in two under one transaction on SQLite (see the Dialect).
// When the user already has an entry with e.IdemKey, nothing changes and
// that earlier entry comes back with applied false. A balance that would
// go negative is core.CodeInsufficientCredits, and nothing is written; in
// a transaction, the transaction stays usable. An unknown user is not
// found ("User").
func (q Queries) PostLedger(ctx context.Context, e core.LedgerEntry) (core.LedgerEntry, bool, error) {
	return q.d.postLedger(ctx, q, e)
}

// ledgerArgs are the parameters $1…$11 of an insert of e's ledgerColumns.
func ledgerArgs(e core.LedgerEntry) []any {
	return []any{e.ID, e.UserID, string(e.Kind), e.DAvailable, e.DHeld, int64(e.Fiat), e.Description,
		e.IdemKey, e.RefType, e.RefID, e.CreatedAt}
}

// LedgerEntryByKey returns the user's entry with that idempotency key, of
// any kind (not found: "Transaction").
func (q Queries) LedgerEntryByKey(ctx context.Context, userID, idemKey string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRow(ctx,
		`SELECT `+ledgerColumns+` FROM credit_ledger WHERE user_id = $1 AND idem_key = $2`, userID, idemKey))
	if err != nil {
		return core.LedgerEntry{}, q.notFound(err, "Transaction", "get entry of user %s with key %q", userID, idemKey)
	}
	return e, nil
}

// Transactions lists the user's visible entries, newest first (ties broken
// by id, descending), skipping offset and returning at most limit. None is
// an empty list.
func (q Queries) Transactions(ctx context.Context, userID string, limit, offset int) ([]core.LedgerEntry, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT `+ledgerColumns+` FROM credit_ledger
		WHERE user_id = $1 AND `+visibleEntry+`
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, q.wrap(err, "list transactions of user %s", userID)
	}
	out, err := collect(rows, scanEntry)
	if err != nil {
		return nil, q.wrap(err, "list transactions of user %s", userID)
	}
	return out, nil
}

// TransactionByID returns a visible entry; a hold or release is not found
// either ("Transaction").
func (q Queries) TransactionByID(ctx context.Context, id string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRow(ctx,
		`SELECT `+ledgerColumns+` FROM credit_ledger WHERE id = $1 AND `+visibleEntry, id))
	if err != nil {
		return core.LedgerEntry{}, q.notFound(err, "Transaction", "get transaction %s", id)
	}
	return e, nil
}

// Balances returns the user's available and held credits (not found:
// "User").
func (q Queries) Balances(ctx context.Context, userID string) (available, held int64, err error) {
	err = q.conn.QueryRow(ctx, `SELECT credits, held FROM users WHERE id = $1`, userID).Scan(&available, &held)
	if err != nil {
		return 0, 0, q.notFound(err, "User", "get balances of user %s", userID)
	}
	return available, held, nil
}

// Imbalances lists, by user id, every user whose balances differ from the
// sums of the user's entries (a user without entries has sums of 0). It is
// one statement, which reads one snapshot (PostgreSQL) or one consistent
// state of the file (SQLite), so concurrent postings never show as
// imbalances.
func (q Queries) Imbalances(ctx context.Context) ([]core.Imbalance, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT u.id, u.credits, u.held, COALESCE(l.available, 0), COALESCE(l.held, 0)
		FROM users AS u
		LEFT JOIN (
			SELECT user_id, CAST(SUM(d_available) AS bigint) AS available, CAST(SUM(d_held) AS bigint) AS held
			FROM credit_ledger GROUP BY user_id
		) AS l ON l.user_id = u.id
		WHERE u.credits <> COALESCE(l.available, 0) OR u.held <> COALESCE(l.held, 0)
		ORDER BY u.id`)
	if err != nil {
		return nil, q.wrap(err, "find imbalances")
	}
	out, err := collect(rows, func(row Row) (core.Imbalance, error) {
		var b core.Imbalance
		err := row.Scan(&b.UserID, &b.Available, &b.Held, &b.LedgerAvailable, &b.LedgerHeld)
		return b, err
	})
	if err != nil {
		return nil, q.wrap(err, "find imbalances")
	}
	return out, nil
}
