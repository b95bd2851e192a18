package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/sqlq"
	"github.com/clara-backend/clara/store/internal/taskwake"
)

// queries implements core.Queries over the database or over one
// transaction (package sqlq holds the SQL, shared with the PostgreSQL
// driver). DB embeds it under this unexported name.
type queries = sqlq.Queries

// dialect is SQLite's, for every queries of this driver.
var dialect = sqlq.SQLite(classify)

// InTx runs fn in one transaction, giving it Queries bound to that
// transaction. The transaction begins IMMEDIATE (see the package doc), so
// it holds the write lock from the start and never fails half-way with
// SQLITE_BUSY. It commits when fn returns nil; it rolls back when fn
// returns an error, which InTx returns unchanged, and when fn panics, in
// which case InTx panics again with the same value.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	return inTx(ctx, db.db, &db.hub, func(tx sqlq.Conn) error { return fn(sqlq.Bound(tx, dialect)) })
}

// inTx runs fn in a transaction on root; see DB.InTx. The moves of tasks
// it announces wake their subscribers on hub once it has committed.
func inTx(ctx context.Context, root *sql.DB, hub *taskwake.Hub, fn func(tx sqlq.Conn) error) error {
	tx, err := root.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin sqlite transaction: %w", err)
	}
	events := &announcer{hub: hub, inTx: true}
	commit := func() error {
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit sqlite transaction: %w", dialect.MapErr(err))
		}
		events.committed()
		return nil
	}
	return sqlq.Transact(conn{tx, events}, commit, tx.Rollback, fn)
}

// classify tells sqlq which constraint err violates, from its extended
// result code and, for a CHECK, the constraint's name, which SQLite puts
// in its error message.
func classify(err error) sqlq.Violation {
	var sqErr *sqlite.Error
	if !errors.As(err, &sqErr) {
		return sqlq.NoViolation
	}
	switch sqErr.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlq.UniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlq.ForeignKeyMissing
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		if msg := sqErr.Error(); strings.Contains(msg, sqlq.CreditsCheck) || strings.Contains(msg, sqlq.HeldCheck) {
			return sqlq.NegativeBalance
		}
	}
	return sqlq.NoViolation
}
