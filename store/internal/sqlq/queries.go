package sqlq

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/clara-backend/clara/core"
)

// Queries implements core.Queries on a database or on one of its
// transactions. The same methods serve both; a Queries bound to a
// transaction must not be used by several goroutines at once, nor after
// its transaction ends.
type Queries struct {
	conn  Conn
	d     *Dialect
	begin Begin // begins transactions on the database; nil inside one
}

var _ core.Queries = Queries{}

// On returns Queries on the database conn, whose transactions begin
// begins.
func On(conn Conn, d *Dialect, begin Begin) Queries {
	return Queries{conn: conn, d: d, begin: begin}
}

// Bound returns Queries bound to the transaction tx.
func Bound(tx Conn, d *Dialect) Queries { return Queries{conn: tx, d: d} }

// TxOf returns the transaction's Conn when q is a Queries bound to a
// transaction (by Bound); ok is false for any other Queries.
func TxOf(q core.Queries) (tx Conn, ok bool) {
	qs, ok := q.(Queries)
	if !ok || qs.begin != nil {
		return nil, false
	}
	return qs.conn, true
}

// atomically runs fn in a transaction, or directly when q is already bound
// to one.
func (q Queries) atomically(ctx context.Context, fn func(q Queries) error) error {
	if q.begin == nil {
		return fn(q)
	}
	return q.begin(ctx, func(tx Conn) error { return fn(Bound(tx, q.d)) })
}

// undoable runs fn so that nothing it wrote remains when it fails: in a
// transaction of its own, or, when q is bound to one already, under a
// savepoint that a failure rolls back, leaving the enclosing transaction
// as it was and usable.
func (q Queries) undoable(ctx context.Context, fn func(q Queries) error) error {
	if q.begin != nil {
		return q.atomically(ctx, fn)
	}
	return q.savepoint(ctx, func() error { return fn(q) })
}

// statement runs fn, which runs one statement, so that a failure leaves a
// transaction usable: under a savepoint when q is bound to a transaction
// (where a failed statement would abort the whole transaction on
// PostgreSQL), directly otherwise, as a statement is atomic by itself.
func (q Queries) statement(ctx context.Context, fn func() error) error {
	if q.begin != nil {
		return fn()
	}
	return q.savepoint(ctx, fn)
}

// savepoint runs fn under a savepoint of q's transaction, which a failure
// of fn rolls back to.
func (q Queries) savepoint(ctx context.Context, fn func() error) error {
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

// wrap adds context to err and translates the constraint violations the
// core knows (see Dialect.MapErr). The cause stays in the chain.
func (q Queries) wrap(err error, format string, args ...any) error {
	return q.d.MapErr(fmt.Errorf(format+": %w", append(args, err)...))
}

// notFound returns core.ErrNotFound(resource) when err is sql.ErrNoRows
// (which pgx.ErrNoRows also is), and wrap's result otherwise.
func (q Queries) notFound(err error, resource, format string, args ...any) error {
	if isNoRows(err) {
		return core.ErrNotFound(resource)
	}
	return q.wrap(err, format, args...)
}

// changed returns the error of an UPDATE or DELETE that changed n rows or
// failed with err: wrap's on failure, core.ErrNotFound(resource) when it
// changed no row, and nil otherwise.
func (q Queries) changed(n int64, err error, resource, format string, args ...any) error {
	if err != nil {
		return q.wrap(err, format, args...)
	}
	if n == 0 {
		return core.ErrNotFound(resource)
	}
	return nil
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
