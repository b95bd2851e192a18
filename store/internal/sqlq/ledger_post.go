package sqlq

import (
	"context"
	"fmt"

	"github.com/clara-backend/clara/core"
)

// postLedgerSQL appends an entry and applies it to the user's balances in
// one statement (PostgreSQL). The insert comes first and its RETURNING
// drives the update: a taken (user_id, idem_key) inserts nothing, so
// nothing is applied and no row comes back. A balance the entry would make
// negative violates a CHECK of users, which undoes the whole statement,
// insert included. ON CONFLICT waits for a concurrent transaction that
// inserted the same key, so of concurrent postings of one key exactly one
// applies.
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

// postLedgerCTE is the PostLedger of PostgreSQL: postLedgerSQL, under a
// savepoint in a transaction (which a failed statement would abort).
func postLedgerCTE(ctx context.Context, q Queries, e core.LedgerEntry) (core.LedgerEntry, bool, error) {
	var got core.LedgerEntry
	err := q.statement(ctx, func() error {
		var err error
		got, err = scanEntry(q.conn.QueryRow(ctx, postLedgerSQL, ledgerArgs(e)...))
		if isNoRows(err) {
			return nil // a duplicate, which is no failure
		}
		return err
	})
	switch {
	case err != nil:
		return core.LedgerEntry{}, false, q.wrap(err, "post %s of user %s with key %q", e.Kind, e.UserID, e.IdemKey)
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

// postLedgerSteps is the PostLedger of SQLite, which has no data-modifying
// CTE: the two steps run in one write transaction (or under a savepoint of
// the caller's). The insert comes first, with ON CONFLICT DO NOTHING, and
// the balances change only when it inserted a row; a CHECK that the
// change violates undoes the insert with it.
func postLedgerSteps(ctx context.Context, q Queries, e core.LedgerEntry) (core.LedgerEntry, bool, error) {
	var (
		out     core.LedgerEntry
		applied bool
	)
	err := q.undoable(ctx, func(q Queries) error {
		got, err := scanEntry(q.conn.QueryRow(ctx, `
			INSERT INTO credit_ledger (`+ledgerColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (user_id, idem_key) DO NOTHING
			RETURNING `+ledgerColumns, ledgerArgs(e)...))
		if isNoRows(err) {
			// The key is taken; this transaction holds the write lock, so
			// the entry is committed or our own.
			out, err = q.LedgerEntryByKey(ctx, e.UserID, e.IdemKey)
			return err
		}
		if err != nil {
			return q.wrap(err, "insert entry")
		}
		_, err = q.conn.Exec(ctx, `
			UPDATE users SET credits = credits + $2, held = held + $3 WHERE id = $1`,
			e.UserID, e.DAvailable, e.DHeld)
		if err != nil {
			return q.wrap(err, "apply entry %s", got.ID)
		}
		out, applied = got, true
		return nil
	})
	if err != nil {
		return core.LedgerEntry{}, false, fmt.Errorf("post %s of user %s with key %q: %w", e.Kind, e.UserID, e.IdemKey, err)
	}
	return out, applied, nil
}
