package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/clara-backend/clara/store/internal/sqlq"
)

// dbtx is what the query methods need of a connection: both *pgxpool.Pool
// and pgx.Tx have it.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// conn is a dbtx as a sqlq.Conn. pgx binds and scans time.Time itself, and
// its rows and errors are what sqlq expects, so conn only returns Exec's
// count of rows.
type conn struct{ db dbtx }

// Exec implements sqlq.Conn.
func (c conn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := c.db.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

// QueryRow implements sqlq.Conn.
func (c conn) QueryRow(ctx context.Context, sql string, args ...any) sqlq.Row {
	return c.db.QueryRow(ctx, sql, args...)
}

// Query implements sqlq.Conn.
func (c conn) Query(ctx context.Context, sql string, args ...any) (sqlq.Rows, error) {
	return c.db.Query(ctx, sql, args...)
}
