package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clara-backend/clara/core"
)

// dbtx is what the query methods need of a connection: both *pgxpool.Pool
// and pgx.Tx have it.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries implements core.Queries over the pool or over one transaction. The
// same methods serve both; a queries bound to a transaction must not be used
// by several goroutines at once, nor after its transaction ends.
type queries struct {
	conn dbtx
	pool *pgxpool.Pool // the pool, to begin transactions with; nil inside one
}

var _ core.Queries = queries{}

// InTx runs fn in one transaction (READ COMMITTED), giving it Queries bound
// to that transaction. The transaction commits when fn returns nil; it rolls
// back when fn returns an error, which InTx returns unchanged, and when fn
// panics, in which case InTx panics again with the same value.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	return inTx(ctx, db.pool, func(q queries) error { return fn(q) })
}

// inTx runs fn in a transaction on pool; see DB.InTx.
func inTx(ctx context.Context, pool *pgxpool.Pool, fn func(q queries) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin postgres transaction: %w", err)
	}
	done := false
	defer func() {
		if !done { // fn panicked: roll back, and let the panic go on
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(queries{conn: tx}); err != nil {
		done = true
		// fn's error is the one to return; a failed rollback (a broken
		// connection) is discarded with the connection by pgx.
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	done = true
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit postgres transaction: %w", mapErr(err))
	}
	return nil
}

// atomically runs fn in a transaction, or directly when q is already bound
// to one.
func (q queries) atomically(ctx context.Context, fn func(q queries) error) error {
	if q.pool == nil {
		return fn(q)
	}
	return inTx(ctx, q.pool, fn)
}

// savepoint runs fn under a savepoint when q is bound to a transaction, so
// that a statement of fn that fails (which would abort the whole
// transaction) undoes only what fn did and leaves the transaction usable. On
// the pool fn runs as it is: each of its statements is atomic by itself.
func (q queries) savepoint(ctx context.Context, fn func() error) error {
	if q.pool != nil {
		return fn()
	}
	if _, err := q.conn.Exec(ctx, `SAVEPOINT clara_step`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		ctx := context.WithoutCancel(ctx) // undo even when ctx ended fn
		if _, rbErr := q.conn.Exec(ctx, `ROLLBACK TO SAVEPOINT clara_step`); rbErr != nil {
			return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rbErr))
		}
		if _, relErr := q.conn.Exec(ctx, `RELEASE SAVEPOINT clara_step`); relErr != nil {
			return errors.Join(err, fmt.Errorf("release savepoint: %w", relErr))
		}
		return err
	}
	if _, err := q.conn.Exec(ctx, `RELEASE SAVEPOINT clara_step`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// The SQLSTATEs and constraint names that wrap translates.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
	creditsConstraint       = "users_credits_nonnegative"
	heldConstraint          = "users_held_nonnegative"
)

// wrap adds what to err and translates the constraint violations the core
// knows: a duplicate unique value is core.CodeConflict, a missing referenced
// user core.CodeNotFound ("User"), and a negative balance
// core.CodeInsufficientCredits (available or held). The cause stays in the
// chain.
func wrap(err error, format string, args ...any) error {
	return mapErr(fmt.Errorf(format+": %w", append(args, err)...))
}

// mapErr translates err as wrap does, without adding context.
func mapErr(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	var e *core.Error
	switch {
	case pgErr.Code == codeUniqueViolation:
		e = core.ErrConflict()
	case pgErr.Code == codeForeignKeyViolation:
		e = core.ErrNotFound("User")
	case pgErr.Code == codeCheckViolation &&
		(pgErr.ConstraintName == creditsConstraint || pgErr.ConstraintName == heldConstraint):
		e = core.ErrInsufficientCredits()
	default:
		return err
	}
	e.Err = err
	return e
}

// notFound returns core.ErrNotFound(resource) when err is pgx.ErrNoRows, and
// wrap's result otherwise.
func notFound(err error, resource, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return core.ErrNotFound(resource)
	}
	return wrap(err, format, args...)
}

// nullTime is t for a nullable column: NULL when t is zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromNull returns *t in UTC, or the zero time for NULL.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
