package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/clara-backend/clara/store/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the embedded migration files, at the root of the
// returned file system.
func migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // cannot happen: the directory is embedded
	}
	return sub
}

// newMigrator returns a goose migrator that holds a session-level advisory
// lock while it works, so that several processes starting at once migrate one
// at a time. A waiting process retries the lock every second for 5 minutes.
func newMigrator(db *sql.DB) (*migrate.Migrator, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("postgres migration lock: %w", err)
	}
	return migrate.New(goose.DialectPostgres, db, migrations(), goose.WithSessionLocker(locker))
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.migrator.Up(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// MigrationStatus lists every known migration and whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]migrate.Migration, error) {
	st, err := db.migrator.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return st, nil
}

// MigrateDownAll rolls every migration back (tests and operators only).
func (db *DB) MigrateDownAll(ctx context.Context) error {
	if err := db.migrator.DownAll(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// migrationLockKey is the key of the session-level advisory lock that
// WithMigrationLock holds: an arbitrary constant, other than goose's own
// lock key.
const migrationLockKey int64 = 0x3c5a_6d2f_1e9b_4c07

// WithMigrationLock runs fn while holding a session-level advisory lock on
// one connection of the pool, so that schema migrations other than the
// store's own, such as River's (package jobs), run one process at a time
// when several start at once. fn runs its statements on other connections.
// It waits for the lock until ctx ends and returns fn's error.
func (db *DB) WithMigrationLock(ctx context.Context, fn func() error) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres migration lock: acquire a connection: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("postgres migration lock: %w", err)
	}
	defer func() {
		ctx := context.WithoutCancel(ctx)
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrationLockKey); err != nil {
			// Closing the session releases its locks.
			_ = conn.Conn().Close(ctx)
		}
	}()
	return fn()
}
