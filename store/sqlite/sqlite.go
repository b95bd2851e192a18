// Package sqlite is Clara's embedded database: a single SQLite file through
// the pure-Go driver modernc.org/sqlite (no cgo). It implements store.DB; its
// schema is the goose migrations embedded from migrations/*.sql.
//
// Every connection runs in WAL mode with a 10 s busy timeout, foreign keys on
// and synchronous=NORMAL, and begins its transactions IMMEDIATE, so that
// concurrent writers queue for the write lock instead of failing with
// SQLITE_BUSY half-way through a transaction.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/clara-backend/clara/store/internal/pingshare"
	"github.com/clara-backend/clara/store/internal/sqlq"
	"github.com/clara-backend/clara/store/internal/taskwake"
	"github.com/clara-backend/clara/store/migrate"
)

// dsnParams are the connection settings every connection gets. busy_timeout
// is applied first by the driver.
const dsnParams = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_txlock=immediate"

// maxIdleConns keeps a few connections open between bursts, so that their
// set-up pragmas do not run on every query.
const maxIdleConns = 8

// DB is an open SQLite database. Its query methods implement core.Queries
// on the database; InTx runs the same methods in a transaction.
type DB struct {
	queries   // on db
	db        *sql.DB
	path      string
	migrator  *migrate.Migrator
	pinger    *pingshare.Pinger
	hub       taskwake.Hub // wake-ups of SubscribeTask
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating it when missing) the SQLite database file at path and
// checks that it can be read. The file and its -wal and -shm files are
// readable by their owner only (mode 0600). The file's directory must
// exist. Open does not
// migrate; call Migrate. It does nothing slow.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open sqlite: empty path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open sqlite %s: the path must not contain '?'", path)
	}
	if err := restrictModes(path); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := sql.Open("sqlite", path+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxIdleConns(maxIdleConns)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db := &DB{db: sqlDB, path: path, pinger: pingshare.New(sqlDB.PingContext)}
	db.queries = sqlq.On(conn{sqlDB, &announcer{hub: &db.hub}}, dialect, func(ctx context.Context, fn func(tx sqlq.Conn) error) error {
		return inTx(ctx, sqlDB, &db.hub, fn)
	})
	if db.migrator, err = newMigrator(sqlDB); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Dialect returns "sqlite".
func (db *DB) Dialect() string { return "sqlite" }

// SQL returns the underlying database/sql handle.
func (db *DB) SQL() *sql.DB { return db.db }

// Ping checks that the database answers. Concurrent callers share one
// ping, and a success answers for a second (pingshare).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pinger.Ping(ctx); err != nil {
		return fmt.Errorf("ping sqlite %s: %w", db.path, err)
	}
	return nil
}

// Close closes every connection. Later calls return the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.pinger.Close()
		if err := db.db.Close(); err != nil {
			db.closeErr = fmt.Errorf("close sqlite %s: %w", db.path, err)
		}
	})
	return db.closeErr
}
