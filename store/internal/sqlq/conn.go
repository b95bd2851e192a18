// Package sqlq holds the SQL of Clara's store once for both drivers: Queries
// implements core.Queries on a Conn, which each driver provides over its
// connections (a pgx pool, a database/sql handle), and a Dialect carries the
// few things that differ: how errors name violated constraints, and the
// statements that PostgreSQL runs in one piece and SQLite in several.
//
// Statements number their parameters $1, $2…, which both databases bind by
// position. Times go in and come out as time.Time; a driver that stores
// them otherwise (SQLite, as text) converts them in its Conn.
package sqlq

import "context"

// Conn runs statements on a database or on one of its transactions.
type Conn interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, sql string, args ...any) (rowsAffected int64, err error)
	// QueryRow runs a statement that returns at most one row; the row's
	// Scan returns an error that errors.Is sql.ErrNoRows when none came.
	QueryRow(ctx context.Context, sql string, args ...any) Row
	// Query runs a statement that returns rows.
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
}

// Row is one result row. Scan accepts *time.Time, and **time.Time for a
// nullable column, besides the destinations of both drivers.
type Row interface {
	Scan(dest ...any) error
}

// Rows are the rows of a query, read one at a time as with database/sql.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// Begin runs fn in a new transaction, giving it the transaction's Conn. The
// transaction commits when fn returns nil and rolls back when fn returns an
// error (which Begin returns) or panics.
type Begin func(ctx context.Context, fn func(tx Conn) error) error

// collect reads every row of rows with scan and closes rows. None is an
// empty list.
func collect[T any](rows Rows, scan func(Row) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Transact runs fn on the transaction tx and then commits it with commit.
// It rolls back with rollback instead when fn returns an error, which it
// returns as it is, and when fn panics, in which case the panic goes on.
// It returns commit's error as it is.
func Transact(tx Conn, commit, rollback func() error, fn func(tx Conn) error) error {
	done := false
	defer func() {
		if !done { // fn panicked: roll back, and let the panic go on
			_ = rollback()
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		_ = rollback() // fn's error is the one to return
		return err
	}
	done = true
	return commit()
}
