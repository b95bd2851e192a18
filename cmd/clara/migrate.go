package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/store"
)

// migrateCommand is clara migrate up|status.
func migrateCommand(env *environment) *cobra.Command {
	sub := func(use, short, long string) *cobra.Command {
		return configCommand(use, short, long, config.GroupStore|config.GroupLogging,
			func(ctx context.Context, loader *config.Loader) error {
				return runMigrate(ctx, env, loader, use == "up")
			})
	}
	return group("migrate", "apply pending database migrations, or list them",
		"Apply or list database migrations. `clara serve` and `clara mcp` also migrate on start.",
		sub("up", "apply every pending migration, Clara's and the job queue's",
			"Apply every pending migration, Clara's and the job queue's, then list Clara's migrations."),
		sub("status", "list Clara's migrations and whether each is applied",
			"List Clara's migrations and whether each is applied."))
}

// runMigrate lists the migrations, after applying them when up.
func runMigrate(ctx context.Context, env *environment, loader *config.Loader, up bool) error {
	cfg, log, err := configure(loader, env)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if up {
		if err := migrate(ctx, db, log); err != nil {
			return err
		}
		log.Info("migrations applied", "dialect", db.Dialect())
	}
	list, err := db.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "VERSION\tMIGRATION\tAPPLIED AT (%s)\n", db.Dialect())
	for _, m := range list {
		at := "pending"
		if m.Applied {
			at = m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", m.Version, m.Source, at)
	}
	return tw.Flush()
}
