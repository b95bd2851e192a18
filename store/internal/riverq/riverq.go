// Package riverq binds River (github.com/riverqueue/river) to a store
// driver: River's Client is generic in the driver's transaction type
// (pgx.Tx, *sql.Tx), and Client hides that, so that package jobs has one
// type for both databases and never looks at which driver it runs on.
package riverq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store/migrate"
)

// ErrNotInTx is the error of InsertIn with Queries that are not bound to a
// store transaction.
var ErrNotInTx = errors.New("insert a job: needs the Queries of a store transaction (Store.InTx)")

// Client is what Clara needs of a River client on one store.
type Client interface {
	// InsertIn inserts a job in the store transaction that q is bound to,
	// so that the job exists once, and only once, that transaction commits.
	InsertIn(ctx context.Context, q core.Queries, args river.JobArgs) (*rivertype.JobInsertResult, error)
	// ArgsMatch is the SQL predicate, for JobListParams.Where, of a job
	// whose args have field = @value, in the driver's SQL.
	ArgsMatch(field string) string

	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobCancel(ctx context.Context, jobID int64) (*rivertype.JobRow, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// Binding says how River meets one driver's transactions and SQL.
type Binding[TTx any] struct {
	// Tx returns the driver transaction that q is bound to.
	Tx func(q core.Queries) (TTx, bool)
	// ArgsMatch returns the predicate of ArgsMatch.
	ArgsMatch func(field string) string
}

// New returns a River client on driver with config.
func New[TTx any](driver riverdriver.Driver[TTx], config *river.Config, b Binding[TTx]) (Client, error) {
	c, err := river.NewClient(driver, config)
	if err != nil {
		return nil, fmt.Errorf("new river client: %w", err)
	}
	return client[TTx]{Client: c, binding: b}, nil
}

// client is a River client on a driver whose transactions are TTx.
type client[TTx any] struct {
	*river.Client[TTx]
	binding Binding[TTx]
}

func (c client[TTx]) InsertIn(ctx context.Context, q core.Queries, args river.JobArgs) (*rivertype.JobInsertResult, error) {
	tx, ok := c.binding.Tx(q)
	if !ok {
		return nil, ErrNotInTx
	}
	return c.InsertTx(ctx, tx, args, nil)
}

func (c client[TTx]) ArgsMatch(field string) string { return c.binding.ArgsMatch(field) }

// Migrate applies every pending River migration (its tables river_job,
// river_migration, …) through driver, logging what it applies to logger.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// SchemaCurrent reports, in one query, whether db has every migration of
// m and every River migration of driver applied (migrate.Current).
func SchemaCurrent[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], db *sql.DB, m *migrate.Migrator) (bool, error) {
	rm, err := rivermigrate.New(driver, nil)
	if err != nil {
		return false, fmt.Errorf("river migrator: %w", err)
	}
	all := rm.AllVersions()
	latest := 0
	if len(all) > 0 {
		latest = all[len(all)-1].Version
	}
	return migrate.Current(ctx, db, m, len(all), latest)
}
