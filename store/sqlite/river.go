package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/clara-backend/clara/store/internal/riverq"
)

// Jobs returns a River client on db's connections with config, whose inserts join
// the store's transactions.
func (db *DB) Jobs(config *river.Config) (riverq.Client, error) {
	return riverq.New(riversqlite.New(db.db), config, riverq.Binding[*sql.Tx]{
		Tx: Tx,
		// River keeps args as SQLite JSONB, which ->> reads.
		ArgsMatch: func(field string) string {
			return `args ->> '` + field + `' = @` + field
		},
	})
}

// MigrateJobs applies River's own migrations, after Migrate, holding the
// migration lock meanwhile so that processes starting together migrate one
// at a time.
func (db *DB) MigrateJobs(ctx context.Context, logger *slog.Logger) error {
	return db.WithMigrationLock(ctx, func() error {
		return riverq.Migrate(ctx, riversqlite.New(db.db), logger)
	})
}

// SchemaCurrent implements store.DB.
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	ok, err := riverq.SchemaCurrent(ctx, riversqlite.New(db.db), db.db, db.migrator)
	if err != nil {
		return false, fmt.Errorf("sqlite %s: %w", db.path, err)
	}
	return ok, nil
}
