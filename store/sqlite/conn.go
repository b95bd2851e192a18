package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/clara-backend/clara/store/internal/sqlq"
)

// dbtx is what the query methods need of a connection: both *sql.DB and
// *sql.Tx have it.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn is a dbtx as a sqlq.Conn. It stores times as text of timeLayout:
// it formats every time.Time argument, and scans such text (or NULL) into
// *time.Time and **time.Time destinations. It announces the moves of
// tasks through events (see announcer).
type conn struct {
	db     dbtx
	events *announcer
}

// Exec implements sqlq.Conn.
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, query, encode(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow implements sqlq.Conn.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlq.Row {
	return row{c.db.QueryRowContext(ctx, query, encode(args)...)}
}

// Query implements sqlq.Conn.
func (c conn) Query(ctx context.Context, query string, args ...any) (sqlq.Rows, error) {
	r, err := c.db.QueryContext(ctx, query, encode(args)...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

// row is a *sql.Row that scans stored times.
type row struct{ r *sql.Row }

// Scan implements sqlq.Row.
func (r row) Scan(dest ...any) error { return r.r.Scan(decode(dest)...) }

// rows are *sql.Rows that scan stored times.
type rows struct{ *sql.Rows }

// Scan implements sqlq.Rows.
func (r rows) Scan(dest ...any) error { return r.Rows.Scan(decode(dest)...) }

// Close implements sqlq.Rows.
func (r rows) Close() { _ = r.Rows.Close() }

// timeLayout is how times are stored: UTC, to the microsecond, fixed width,
// so that text order is time order and a bound parameter in the same
// layout compares correctly in SQL.
const timeLayout = "2006-01-02 15:04:05.000000"

// encode returns args with every time.Time formatted for storage, truncated
// to the microsecond. It copies args rather than change the caller's.
func encode(args []any) []any {
	return replace(args, func(a any) (any, bool) {
		t, ok := a.(time.Time)
		return t.UTC().Format(timeLayout), ok
	})
}

// decode returns dest with every *time.Time and **time.Time replaced by a
// scanner of stored times into it.
func decode(dest []any) []any {
	return replace(dest, func(d any) (any, bool) {
		switch p := d.(type) {
		case *time.Time:
			return timeScanner{p}, true
		case **time.Time:
			return nullTimeScanner{p}, true
		}
		return nil, false
	})
}

// replace returns vals with each value that f replaces (ok true) replaced,
// in a copy: vals itself when f replaces none.
func replace(vals []any, f func(any) (v any, ok bool)) []any {
	out, copied := vals, false
	for i, v := range vals {
		if w, ok := f(v); ok {
			if !copied {
				out, copied = append([]any(nil), vals...), true
			}
			out[i] = w
		}
	}
	return out
}

// timeScanner scans a stored time (or NULL, as the zero time) into *t, in
// UTC.
type timeScanner struct{ t *time.Time }

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

// nullTimeScanner scans a stored time into *t, or nil for NULL.
type nullTimeScanner struct{ t **time.Time }

// Scan implements sql.Scanner.
func (s nullTimeScanner) Scan(src any) error {
	if src == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (timeScanner{&t}).Scan(src); err != nil {
		return err
	}
	*s.t = &t
	return nil
}
