package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/sqlq"
)

// queries implements core.Queries over the pool or over one transaction
// (package sqlq holds the SQL, shared with the SQLite driver). DB embeds
// it under this unexported name.
type queries = sqlq.Queries

// dialect is PostgreSQL's, for every queries of this driver.
var dialect = sqlq.PostgreSQL(classify)

// InTx runs fn in one transaction (READ COMMITTED), giving it Queries bound
// to that transaction. The transaction commits when fn returns nil; it rolls
// back when fn returns an error, which InTx returns unchanged, and when fn
// panics, in which case InTx panics again with the same value.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	return inTx(ctx, db.pool, func(tx sqlq.Conn) error { return fn(sqlq.Bound(tx, dialect)) })
}

// inTx runs fn in a transaction on pool; see DB.InTx.
func inTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx sqlq.Conn) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin postgres transaction: %w", err)
	}
	commit := func() error {
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit postgres transaction: %w", dialect.MapErr(err))
		}
		return nil
	}
	// A failed rollback (a broken connection) is discarded with the
	// connection by pgx.
	rollback := func() error { return tx.Rollback(context.WithoutCancel(ctx)) }
	return sqlq.Transact(conn{tx}, commit, rollback, fn)
}

// The SQLSTATEs that classify recognises.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
)

// classify tells sqlq which constraint err violates, from its SQLSTATE and,
// for a CHECK, the constraint's name.
func classify(err error) sqlq.Violation {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return sqlq.NoViolation
	}
	switch {
	case pgErr.Code == codeUniqueViolation:
		return sqlq.UniqueViolation
	case pgErr.Code == codeForeignKeyViolation:
		return sqlq.ForeignKeyMissing
	case pgErr.Code == codeCheckViolation &&
		(pgErr.ConstraintName == sqlq.CreditsCheck || pgErr.ConstraintName == sqlq.HeldCheck):
		return sqlq.NegativeBalance
	default:
		return sqlq.NoViolation
	}
}
