package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clara-backend/clara/core"
)

// ledgerColumns are the columns of credit_ledger that scanEntry reads, in
// its order.
const ledgerColumns = `id, user_id, kind, d_available, d_held, fiat_cents, description, idem_key,
	ref_type, ref_id, created_at`

// visibleEntry selects the entries users see as transactions: every kind
// but holds and releases (core.LedgerKind.Visible).
const visibleEntry = `kind NOT IN ('hold', 'release')`

// postLedgerSQL appends an entry and applies it to the user's balances in
// one statement. The insert comes first and its RETURNING drives the
// update: a taken (user_id, idem_key) inserts nothing, so nothing is
// applied and no row comes back. A balance the entry would make negative
// violates a CHECK of users, which undoes the whole statement, insert
// included. ON CONFLICT waits for a concurrent transaction that inserted
// the same key, so of concurrent postings of one key exactly one applies.
const postLedgerSQL = `
	WITH entry AS (
		INSERT INTO credit_ledger (` + ledgerColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (user_id, idem_key) DO NOTHING
		RETURNING ` + ledgerColumns + `)
	UPDATE users AS u
	   SET credits = u.credits + entry.d_available, held = u.held + entry.d_held
	  FROM entry
	 WHERE u.id = entry.user_id
	RETURNING entry.*`

// scanEntry reads one row of ledgerColumns.
func scanEntry(row pgx.Row) (core.LedgerEntry, error) {
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

// PostLedger appends e and applies it to the user's balances in one
// statement (postLedgerSQL), and returns it as stored with applied true.
// When the user already has an entry with e.IdemKey, nothing changes and
// that earlier entry comes back with applied false. A balance that would
// go negative is core.CodeInsufficientCredits, and nothing is written; in
// a transaction, the transaction stays usable (a savepoint undoes only
// the failed statement). An unknown user is not found ("User").
func (q queries) PostLedger(ctx context.Context, e core.LedgerEntry) (core.LedgerEntry, bool, error) {
	var got core.LedgerEntry
	err := q.savepoint(ctx, func() error {
		var err error
		got, err = scanEntry(q.conn.QueryRow(ctx, postLedgerSQL,
			e.ID, e.UserID, string(e.Kind), e.DAvailable, e.DHeld, int64(e.Fiat), e.Description,
			e.IdemKey, e.RefType, e.RefID, e.CreatedAt))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // a duplicate, which is no failure
		}
		return err
	})
	switch {
	case err != nil:
		return core.LedgerEntry{}, false, wrap(err, "post %s of user %s with key %q", e.Kind, e.UserID, e.IdemKey)
	case got.ID != "":
		return got, true, nil
	}
	// The key was taken. Its entry is committed: ON CONFLICT waited for the
	// transaction that inserted it, and this new statement sees it.
	earlier, err := q.LedgerEntryByKey(ctx, e.UserID, e.IdemKey)
	if err != nil {
		return core.LedgerEntry{}, false, fmt.Errorf("post %s of user %s: load the entry with key %q: %w",
			e.Kind, e.UserID, e.IdemKey, err)
	}
	return earlier, false, nil
}

// LedgerEntryByKey returns the user's entry with that idempotency key, of
// any kind (not found: "Transaction").
func (q queries) LedgerEntryByKey(ctx context.Context, userID, idemKey string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRow(ctx,
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
	rows, err := q.conn.Query(ctx, `
		SELECT `+ledgerColumns+` FROM credit_ledger
		WHERE user_id = $1 AND `+visibleEntry+`
		ORDER BY created_at DESC, id DESC
		LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, wrap(err, "list transactions of user %s", userID)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.LedgerEntry, error) { return scanEntry(row) })
	if err != nil {
		return nil, wrap(err, "list transactions of user %s", userID)
	}
	return out, nil
}

// TransactionByID returns a visible entry; a hold or release is not found
// either ("Transaction").
func (q queries) TransactionByID(ctx context.Context, id string) (core.LedgerEntry, error) {
	e, err := scanEntry(q.conn.QueryRow(ctx,
		`SELECT `+ledgerColumns+` FROM credit_ledger WHERE id = $1 AND `+visibleEntry, id))
	if err != nil {
		return core.LedgerEntry{}, notFound(err, "Transaction", "get transaction %s", id)
	}
	return e, nil
}

// Balances returns the user's available and held credits (not found:
// "User").
func (q queries) Balances(ctx context.Context, userID string) (available, held int64, err error) {
	err = q.conn.QueryRow(ctx, `SELECT credits, held FROM users WHERE id = $1`, userID).Scan(&available, &held)
	if err != nil {
		return 0, 0, notFound(err, "User", "get balances of user %s", userID)
	}
	return available, held, nil
}

// Imbalances lists, by user id, every user whose balances differ from the
// sums of the user's entries (a user without entries has sums of 0). It
// reads one snapshot, so concurrent postings never show as imbalances.
func (q queries) Imbalances(ctx context.Context) ([]core.Imbalance, error) {
	rows, err := q.conn.Query(ctx, `
		SELECT u.id, u.credits, u.held, COALESCE(l.available, 0), COALESCE(l.held, 0)
		FROM users AS u
		LEFT JOIN (
			SELECT user_id, SUM(d_available)::bigint AS available, SUM(d_held)::bigint AS held
			FROM credit_ledger GROUP BY user_id
		) AS l ON l.user_id = u.id
		WHERE u.credits <> COALESCE(l.available, 0) OR u.held <> COALESCE(l.held, 0)
		ORDER BY u.id`)
	if err != nil {
		return nil, wrap(err, "find imbalances")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Imbalance, error) {
		var b core.Imbalance
		err := row.Scan(&b.UserID, &b.Available, &b.Held, &b.LedgerAvailable, &b.LedgerHeld)
		return b, err
	})
	if err != nil {
		return nil, wrap(err, "find imbalances")
	}
	return out, nil
}
