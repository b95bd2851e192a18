// Package store opens Clara's database: PostgreSQL (package store/postgres)
// for production and scale-out, or an embedded SQLite file (package
// store/sqlite) as the zero-setup default. Both implement core.Store and pass
// the conformance suite of package store/storetest.
package store

import (
	"context"
	"time"

	"github.com/clara-backend/clara/core"
)

// DB is an open database: the core's Store port plus schema management.
type DB interface {
	core.Store
	// Dialect names the driver: "postgres" or "sqlite".
	Dialect() string
	// Migrate applies every pending migration.
	Migrate(ctx context.Context) error
	// MigrationStatus lists every known migration and whether it is applied.
	MigrationStatus(ctx context.Context) ([]Migration, error)
	// MigrateDownAll rolls every migration back (tests and operators only).
	MigrateDownAll(ctx context.Context) error
}

// Migration is one schema migration and its state.
type Migration struct {
	Version   int64
	Source    string    // the file name, e.g. "00001_settings.sql"
	Applied   bool
	AppliedAt time.Time // zero when not applied
}
