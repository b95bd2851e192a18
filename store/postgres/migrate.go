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
