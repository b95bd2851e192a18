package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
)

// creditsCommand is clara credits grant|reconcile.
func creditsCommand(env *environment) *cobra.Command {
	return group("credits", "grant credits to a user, or check every balance against the ledger",
		"Operator work on credits, on the configured database.",
		grantCommand(env), reconcileCommand(env))
}

// grantCommand is clara credits grant.
func grantCommand(env *environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grant --email EMAIL --credits N --reason TEXT [--key KEY]",
		Short: "add credits to a user's balance as a CREDIT transaction (support, self-hosting)",
		Long: "Add credits to a user's balance as a CREDIT transaction whose description is the reason.\n" +
			"Granting twice with the same --key adds the credits once; without --key every run grants anew.",
		Args: noArgs,
	}
	var in core.GrantInput
	cmd.Flags().StringVar(&in.Email, "email", "", "the user's email (required)")
	cmd.Flags().Int64Var(&in.Credits, "credits", 0, "how many credits to add, above 0 (required)")
	cmd.Flags().StringVar(&in.Reason, "reason", "", "the description the user sees (required)")
	cmd.Flags().StringVar(&in.Key, "key", "", "idempotency key of this grant (default: a new one)")
	loader := bindConfig(cmd, config.GroupStore|config.GroupLogging)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "email", "credits", "reason"); err != nil {
			return err
		}
		return runGrant(cmd.Context(), env, loader, in)
	}
	return cmd
}

func runGrant(ctx context.Context, env *environment, loader *config.Loader, in core.GrantInput) error {
	if in.Key == "" {
		in.Key = core.NewID("")
	}
	a, err := open(ctx, loader, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	tx, applied, err := a.svc.GrantCredits(ctx, in)
	if err != nil {
		return describe(err)
	}
	what := fmt.Sprintf("%d credits to %s", int64(tx.ValueInCredits), strings.ToLower(in.Email))
	if applied {
		fmt.Fprintf(env.stdout, "%s: granted %s (key %s)\n", tx.ID, what, in.Key)
	} else {
		fmt.Fprintf(env.stdout, "%s: nothing added: key %s already granted %s\n", tx.ID, in.Key, what)
	}
	return nil
}

// reconcileCommand is clara credits reconcile.
func reconcileCommand(env *environment) *cobra.Command {
	return configCommand("reconcile", "check that every balance equals the sum of its ledger; exits 1 if any does not",
		"Check that every user's available and held credits equal the sums of the user's ledger entries.",
		config.GroupStore|config.GroupLogging,
		func(ctx context.Context, loader *config.Loader) error { return runReconcile(ctx, env, loader) })
}

func runReconcile(ctx context.Context, env *environment, loader *config.Loader) error {
	a, err := open(ctx, loader, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	bad, err := a.svc.Reconcile(ctx)
	if err != nil {
		return err
	}
	if len(bad) == 0 {
		fmt.Fprintln(env.stdout, "the books agree: every balance equals the sum of its ledger")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tAVAILABLE\tLEDGER\tHELD\tLEDGER")
	for _, i := range bad {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", i.UserID, i.Available, i.LedgerAvailable, i.Held, i.LedgerHeld)
	}
	tw.Flush()
	return fmt.Errorf("%d balances differ from their ledgers", len(bad))
}

// describe turns a domain error into a line for the terminal.
func describe(err error) error {
	e := core.ErrorOf(err)
	if e.Code == core.CodeInternal {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += fmt.Sprintf(" --%s %s.", f.Field, f.Problem)
	}
	return fmt.Errorf("%s", msg)
}
