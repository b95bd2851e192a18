package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/clara-backend/clara/store/internal/riverq"
)

// Jobs returns a River client on db's pool with config, whose inserts join
// the store's transactions.
func (db *DB) Jobs(config *river.Config) (riverq.Client, error) {
	return riverq.New(riverpgxv5.New(db.pool), config, riverq.Binding[pgx.Tx]{
		Tx: Tx,
		// Containment can use River's GIN index on args.
		ArgsMatch: func(field string) string {
			return `args @> jsonb_build_object('` + field + `', @` + field + `::text)`
		},
	})
}

// MigrateJobs applies River's own migrations, after Migrate, holding the
// migration lock meanwhile so that processes starting together migrate one
// at a time.
func (db *DB) MigrateJobs(ctx context.Context, logger *slog.Logger) error {
	return db.WithMigrationLock(ctx, func() error {
		return riverq.Migrate(ctx, riverpgxv5.New(db.pool), logger)
	})
}

// SchemaCurrent implements store.DB.
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	ok, err := riverq.SchemaCurrent(ctx, riverpgxv5.New(db.pool), db.sqlDB, db.migrator)
	if err != nil {
		return false, fmt.Errorf("postgres: %w", err)
	}
	return ok, nil
}
