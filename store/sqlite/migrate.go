package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/clara-backend/clara/store/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// newMigrator returns a goose migrator for the embedded migrations.
func newMigrator(db *sql.DB) (*migrate.Migrator, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("embedded migrations: %w", err)
	}
	return migrate.New(goose.DialectSQLite3, db, sub)
}

// Migrate applies every pending migration. It holds an exclusive lock on the
// file path+".lock" while it works, so that several processes opening a new
// database at once migrate it one at a time.
func (db *DB) Migrate(ctx context.Context) error {
	return db.withFileLock(ctx, func() error { return db.migrator.Up(ctx) })
}

// MigrationStatus lists every known migration and whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]migrate.Migration, error) {
	st, err := db.migrator.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", db.path, err)
	}
	return st, nil
}

// MigrateDownAll rolls every migration back (tests and operators only).
func (db *DB) MigrateDownAll(ctx context.Context) error {
	return db.withFileLock(ctx, func() error { return db.migrator.DownAll(ctx) })
}

// withFileLock runs fn while holding the migration lock, wrapping its error.
func (db *DB) withFileLock(ctx context.Context, fn func() error) error {
	unlock, err := lockFile(ctx, db.path+".lock")
	if err != nil {
		return fmt.Errorf("sqlite %s: migration lock: %w", db.path, err)
	}
	defer unlock()
	if err := fn(); err != nil {
		return fmt.Errorf("sqlite %s: %w", db.path, err)
	}
	return nil
}

// WithMigrationLock runs fn while holding the lock that Migrate holds (an
// exclusive lock on path+".lock"), so that other schema migrations of the
// same file, such as River's (package jobs), run one process at a time
// too. It returns fn's error, wrapped.
func (db *DB) WithMigrationLock(ctx context.Context, fn func() error) error {
	return db.withFileLock(ctx, fn)
}
