package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/clara-backend/clara/jobs"
	"github.com/clara-backend/clara/store"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs, loader := configFlagSet("migrate", "up|status [flags]",
		"Apply every pending migration, Clara's and the job queue's (up), or list Clara's migrations and\n"+
			"whether each is applied (status).\n"+
			"`clara serve` and `clara mcp` also migrate on start.", env)
	if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
		if len(args) > 0 && (args[0] == "help" || asksHelp(args[:1])) {
			showUsage(fs, true)
			return nil
		}
		showUsage(fs, false)
		return errUsage
	}
	action := args[0]
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, log, err := configure(loader, env)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "up" {
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		if err := jobs.Migrate(ctx, db, log); err != nil {
			return fmt.Errorf("migrate jobs: %w", err)
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
