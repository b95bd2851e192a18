package sqlite

import (
	"database/sql"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/sqlq"
)

// Tx returns the transaction that q is bound to, when q is the Queries that
// DB.InTx gives its function; ok is false for any other Queries (the DB
// itself, another driver's). It lets work outside the store, such as River
// inserting a job (package jobs), join the store's transaction, so that it
// commits or rolls back with everything else fn does. The transaction must
// not be used after fn returns.
func Tx(q core.Queries) (tx *sql.Tx, ok bool) {
	c, ok := sqlq.TxOf(q)
	if !ok {
		return nil, false
	}
	sc, ok := c.(conn)
	if !ok {
		return nil, false
	}
	tx, ok = sc.db.(*sql.Tx)
	return tx, ok
}
