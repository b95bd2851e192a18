package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/clara-backend/clara/internal/quietlog"
	"github.com/clara-backend/clara/store"
)

// Migrate applies River's own migrations (its tables river_job,
// river_migration, …) to db, after the store's (db.Migrate). It holds the
// store's migration lock meanwhile, so that processes starting together
// migrate one at a time; on an up-to-date database it changes nothing. It
// logs the migrations it applies to logger (none when nil).
func Migrate(ctx context.Context, db store.DB, logger *slog.Logger) error {
	// River's account of each migration is routine: debug output.
	if err := db.MigrateJobs(ctx, quietlog.Demoted(logger)); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}
