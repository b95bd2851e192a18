package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
	"github.com/clara-backend/clara/store/postgres"
	"github.com/clara-backend/clara/store/sqlite"
)

// client is what Jobs needs of a River client. River's Client is generic
// in the driver's transaction type (pgx.Tx, *sql.Tx); driverClient hides
// that, so that Jobs has one type for both databases.
type client interface {
	// insertIn inserts a job in the store transaction that q is bound to.
	insertIn(ctx context.Context, q core.Queries, args river.JobArgs) (*rivertype.JobInsertResult, error)
	// argsMatch is the SQL predicate, for JobListParams.Where, of a job
	// whose args have task_id = @task_id.
	argsMatch() string

	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobCancel(ctx context.Context, jobID int64) (*rivertype.JobRow, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// driverClient is a River client on a driver whose transactions are TTx.
type driverClient[TTx any] struct {
	*river.Client[TTx]
	tx    func(core.Queries) (TTx, bool) // the store transaction of a Queries
	match string
}

func (c driverClient[TTx]) insertIn(ctx context.Context, q core.Queries, args river.JobArgs) (*rivertype.JobInsertResult, error) {
	tx, ok := c.tx(q)
	if !ok {
		return nil, errNotInTx
	}
	return c.InsertTx(ctx, tx, args, nil)
}

func (c driverClient[TTx]) argsMatch() string { return c.match }

// newClient returns a River client on db's connections with config.
func newClient(db store.DB, config *river.Config) (client, error) {
	switch db := db.(type) {
	case *postgres.DB:
		c, err := river.NewClient(riverpgxv5.New(db.Pool()), config)
		if err != nil {
			return nil, fmt.Errorf("jobs: new river client on postgres: %w", err)
		}
		// Containment can use River's GIN index on args.
		return driverClient[pgx.Tx]{Client: c, tx: postgres.Tx,
			match: `args @> jsonb_build_object('task_id', @task_id::text)`}, nil
	case *sqlite.DB:
		c, err := river.NewClient(riversqlite.New(db.SQL()), config)
		if err != nil {
			return nil, fmt.Errorf("jobs: new river client on sqlite: %w", err)
		}
		// River keeps args as SQLite JSONB, which ->> reads.
		return driverClient[*sql.Tx]{Client: c, tx: sqlite.Tx,
			match: `args ->> 'task_id' = @task_id`}, nil
	default:
		return nil, fmt.Errorf("jobs: unsupported database %T", db)
	}
}

// Migrate applies River's own migrations (its tables river_job,
// river_migration, …) to db, after the store's (db.Migrate). It holds the
// store's migration lock meanwhile, so that processes starting together
// migrate one at a time; on an up-to-date database it changes nothing. It
// logs the migrations it applies to logger (none when nil).
func Migrate(ctx context.Context, db store.DB, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch db := db.(type) {
	case *postgres.DB:
		return db.WithMigrationLock(ctx, func() error {
			return migrate(ctx, riverpgxv5.New(db.Pool()), logger)
		})
	case *sqlite.DB:
		return db.WithMigrationLock(ctx, func() error {
			return migrate(ctx, riversqlite.New(db.SQL()), logger)
		})
	default:
		return fmt.Errorf("jobs: migrate: unsupported database %T", db)
	}
}

// migrate applies every pending River migration through driver.
func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], logger *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("jobs: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return nil
}
