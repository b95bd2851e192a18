package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/clara-backend/clara/core"
)

// dbtx is what the query methods need of a connection: both *sql.DB and
// *sql.Tx have it.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements core.Queries over the database or over one
// transaction. The same methods serve both; a queries bound to a
// transaction must not be used after its transaction ends.
//
// Statements number their parameters $1, $2…, which SQLite binds by
// position, as PostgreSQL does.
type queries struct {
	conn dbtx
	root *sql.DB // the database, to begin transactions with; nil inside one
}

var _ core.Queries = queries{}

// InTx runs fn in one transaction, giving it Queries bound to that
// transaction. The transaction begins IMMEDIATE (see the package doc), so
// it holds the write lock from the start and never fails half-way with
// SQLITE_BUSY. It commits when fn returns nil; it rolls back when fn
// returns an error, which InTx returns unchanged, and when fn panics, in
// which case InTx panics again with the same value.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	return inTx(ctx, db.db, func(q queries) error { return fn(q) })
}

// inTx runs fn in a transaction on root; see DB.InTx.
func inTx(ctx context.Context, root *sql.DB, fn func(q queries) error) error {
	tx, err := root.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin sqlite transaction: %w", err)
	}
	done := false
	defer func() {
		if !done { // fn panicked: roll back, and let the panic go on
			_ = tx.Rollback()
		}
	}()
	if err := fn(queries{conn: tx}); err != nil {
		done = true
		_ = tx.Rollback() // fn's error is the one to return
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit sqlite transaction: %w", mapErr(err))
	}
	return nil
}

// atomically runs fn in a transaction, or directly when q is already bound
// to one.
func (q queries) atomically(ctx context.Context, fn func(q queries) error) error {
	if q.root == nil {
		return fn(q)
	}
	return inTx(ctx, q.root, fn)
}

// undoable runs fn so that nothing it wrote remains when it fails: in a
// transaction of its own, or, when q is bound to one already, under a
// savepoint that a failure rolls back, leaving the enclosing transaction
// as it was and usable.
func (q queries) undoable(ctx context.Context, fn func(q queries) error) error {
	if q.root != nil {
		return inTx(ctx, q.root, fn)
	}
	if _, err := q.conn.ExecContext(ctx, `SAVEPOINT clara_step`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(q); err != nil {
		ctx := context.WithoutCancel(ctx) // undo even when ctx ended fn
		if _, rbErr := q.conn.ExecContext(ctx, `ROLLBACK TO SAVEPOINT clara_step`); rbErr != nil {
			return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rbErr))
		}
		if _, relErr := q.conn.ExecContext(ctx, `RELEASE SAVEPOINT clara_step`); relErr != nil {
			return errors.Join(err, fmt.Errorf("release savepoint: %w", relErr))
		}
		return err
	}
	if _, err := q.conn.ExecContext(ctx, `RELEASE SAVEPOINT clara_step`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// The CHECKs that keep balances from going negative; SQLite puts the name
// in its error message.
const (
	creditsConstraint = "users_credits_nonnegative"
	heldConstraint    = "users_held_nonnegative"
)

// wrap adds context to err and translates the constraint violations the
// core knows: a duplicate unique value is core.CodeConflict, a missing
// referenced user core.CodeNotFound ("User"), and a negative balance
// (available or held) core.CodeInsufficientCredits. The cause stays in the
// chain.
func wrap(err error, format string, args ...any) error {
	return mapErr(fmt.Errorf(format+": %w", append(args, err)...))
}

// mapErr translates err as wrap does, without adding context.
func mapErr(err error) error {
	var sqErr *sqlite.Error
	if !errors.As(err, &sqErr) {
		return err
	}
	var e *core.Error
	switch sqErr.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		e = core.ErrConflict()
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		e = core.ErrNotFound("User")
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		if msg := sqErr.Error(); !strings.Contains(msg, creditsConstraint) && !strings.Contains(msg, heldConstraint) {
			return err
		}
		e = core.ErrInsufficientCredits()
	default:
		return err
	}
	e.Err = err
	return e
}

// notFound returns core.ErrNotFound(resource) when err is sql.ErrNoRows,
// and wrap's result otherwise.
func notFound(err error, resource, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound(resource)
	}
	return wrap(err, format, args...)
}

// timeLayout is how times are stored: UTC, to the microsecond, fixed width,
// so that text order is time order and a bound parameter in the same
// layout compares correctly in SQL.
const timeLayout = "2006-01-02 15:04:05.000000"

// toText formats t for storage, truncated to the microsecond.
func toText(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullText is t for a nullable column: NULL when t is zero.
func nullText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return toText(t)
}

// timeScanner scans a stored time (or NULL, as the zero time) into *t.
type timeScanner struct{ t *time.Time }

// scanTime returns a sql.Scanner that parses a column of timeLayout into
// *t, in UTC; NULL is the zero time.
func scanTime(t *time.Time) timeScanner { return timeScanner{t} }

// Scan implements sql.Scanner.
func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
		return nil
	case string:
		t, err := time.ParseInLocation(timeLayout, v, time.UTC)
		if err != nil {
			return fmt.Errorf("parse stored time: %w", err)
		}
		*s.t = t
		return nil
	default:
		return fmt.Errorf("stored time: unexpected %T", src)
	}
}

// deref is *p, or nil for a nil p: the value of an optional parameter.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// affected returns the error of an UPDATE or DELETE that res and err
// describe: wrap's on failure, core.ErrNotFound(resource) when it changed
// no row, and nil otherwise.
func affected(res sql.Result, err error, resource, format string, args ...any) error {
	if err != nil {
		return wrap(err, format, args...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, format, args...)
	}
	if n == 0 {
		return core.ErrNotFound(resource)
	}
	return nil
}
