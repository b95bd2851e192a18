// Package store opens Clara's database: PostgreSQL (package store/postgres)
// for production and scale-out, or an embedded SQLite file (package
// store/sqlite) as the zero-setup default. Both implement core.Store and pass
// the conformance suite of package store/storetest.
package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/internal/riverq"
	"github.com/clara-backend/clara/store/migrate"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/sqlite"
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
	// Jobs returns a River client on this database with config, whose
	// inserts join the store's transactions (JobClient.InsertIn).
	Jobs(config *river.Config) (JobClient, error)
	// MigrateJobs applies River's own migrations, after Migrate, under the
	// same migration lock.
	MigrateJobs(ctx context.Context, logger *slog.Logger) error
	// SchemaCurrent reports, in one query and without a lock, whether every
	// migration of Clara's and of River's is applied: then Migrate and
	// MigrateJobs have nothing to do. An error (no tables yet) means not
	// known to be current.
	SchemaCurrent(ctx context.Context) (bool, error)
}

// JobClient is a River client bound to one store: package jobs uses it the
// same way on either driver.
type JobClient = riverq.Client

// ErrJobNotInTx is the error of JobClient.InsertIn outside a store
// transaction.
var ErrJobNotInTx = riverq.ErrNotInTx

// Migration is one schema migration and its state.
type Migration = migrate.Migration

// Both drivers implement DB.
var (
	_ DB = (*postgres.DB)(nil)
	_ DB = (*sqlite.DB)(nil)
)

// DefaultFile is the name of the SQLite database Open creates in the data
// directory when no URL is given.
const DefaultFile = "clara.db"

// Open opens the database named by url, without migrating it (call Migrate):
//   - "postgres://…" or "postgresql://…": PostgreSQL;
//   - "": the SQLite file DefaultFile in dataDir, which is created (mode 0700)
//     when missing;
//   - "sqlite://path": the SQLite file at path ("sqlite:///abs/path" for an
//     absolute path, "sqlite://rel/path" for one relative to the working
//     directory).
//
// Any other scheme is an error that names the scheme, never the whole URL.
func Open(ctx context.Context, url, dataDir string) (DB, error) {
	if url == "" {
		return openDefault(ctx, dataDir)
	}
	switch scheme := schemeOf(url); scheme {
	case "":
		return nil, fmt.Errorf("open database: the URL has no scheme (want postgres://, postgresql:// or sqlite://)")
	case "postgres", "postgresql":
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		return db, nil
	case "sqlite":
		path := url[len("sqlite://"):]
		if path == "" {
			return nil, fmt.Errorf("open database: sqlite URL has no path (want sqlite:///abs/path or sqlite://rel/path)")
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return db, nil
	default:
		return nil, fmt.Errorf("open database: unsupported URL scheme %q (want postgres://, postgresql:// or sqlite://)", scheme)
	}
}

// schemeOf returns the lower-cased scheme of url: the text before "://", or
// "" when there is none or it is not a valid scheme (so that an error naming
// it can never echo a password).
func schemeOf(url string) string {
	i := strings.Index(url, "://")
	if i <= 0 {
		return ""
	}
	for j, c := range url[:i] {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (j == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(url[:i])
}

// openDefault opens the SQLite file DefaultFile in dataDir.
func openDefault(ctx context.Context, dataDir string) (DB, error) {
	if dataDir == "" {
		return nil, fmt.Errorf("open database: no database URL and no data directory")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dataDir, err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, DefaultFile))
	if err != nil {
		return nil, err
	}
	return db, nil
}
