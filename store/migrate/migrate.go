// Package migrate applies Clara's embedded SQL migrations with goose v3. It is
// a leaf package shared by the drivers (store/postgres, store/sqlite), which
// cannot import package store without an import cycle; store.Migration is an
// alias of Migration.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"
)

// Migration is one schema migration and its state.
type Migration struct {
	Version   int64
	Source    string // the file name, e.g. "00001_settings.sql"
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

// Migrator applies one driver's migrations to one database. It is safe for
// concurrent use; goose serialises its operations.
type Migrator struct {
	provider *goose.Provider
}

// New returns a Migrator that applies the SQL files at the root of fsys to db
// in the given goose dialect. opts add goose options such as a session locker.
// New neither connects nor reads the database, so it is cheap. Migrator never
// closes db.
func New(dialect goose.Dialect, db *sql.DB, fsys fs.FS, opts ...goose.ProviderOption) (*Migrator, error) {
	opts = append([]goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}, opts...)
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("new %s migration provider: %w", dialect, err)
	}
	return &Migrator{provider: p}, nil
}

// Up applies every pending migration, in version order.
func (m *Migrator) Up(ctx context.Context) error {
	if _, err := m.provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// DownAll rolls every applied migration back, newest first.
func (m *Migrator) DownAll(ctx context.Context) error {
	if _, err := m.provider.DownTo(ctx, 0); err != nil {
		return fmt.Errorf("migrate down all: %w", err)
	}
	return nil
}

// Status lists every known migration, in version order, and whether it is
// applied.
func (m *Migrator) Status(ctx context.Context) ([]Migration, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{
			Version:   s.Source.Version,
			Source:    path.Base(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}
