package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"
)

// workerCommand is clara worker.
func workerCommand(env *environment) *cobra.Command {
	return configCommand("worker", "run analysis workers only, no HTTP (several may share one database)",
		"Run analysis workers only (no HTTP): they take queued analyses from the database, so several\n"+
			"`clara worker` and `clara serve` processes can share one PostgreSQL database. Stops gracefully on\n"+
			"SIGINT or SIGTERM, letting running analyses finish within CLARA_SHUTDOWN_TIMEOUT.",
		config.GroupStore|config.GroupLogging|config.GroupAnalysis|config.GroupJobs,
		func(ctx context.Context, loader *config.Loader) error { return runWorker(ctx, env, loader) })
}

func runWorker(ctx context.Context, env *environment, loader *config.Loader) error {
	a, err := open(ctx, loader, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	if a.cfg.Jobs.Workers == 0 {
		return fmt.Errorf("CLARA_WORKERS: is 0, so this worker would run nothing")
	}
	if a.cfg.Model.Provider == "" {
		return fmt.Errorf("CLARA_MODEL_PROVIDER: no analysis model is configured, so this worker would run nothing")
	}
	if err := a.startWorkers(ctx); err != nil {
		return err
	}
	a.log.Info("clara worker is running", append([]any{"workers", a.cfg.Jobs.Workers}, a.readyAttrs()...)...)
	<-ctx.Done()
	a.log.Info("shutting down: finishing running analyses", "timeout", a.cfg.ShutdownTimeout.String())
	return nil
}
