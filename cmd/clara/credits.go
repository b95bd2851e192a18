package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/clara-backend/clara/core"
)

func runCredits(ctx context.Context, env *environment, args []string) error {
	const usage = "grant --email EMAIL --credits N --reason TEXT [--key KEY] | reconcile"
	if len(args) == 0 || (args[0] != "grant" && args[0] != "reconcile") {
		fs := newFlagSet("credits", usage, creditsAbout, env)
		help := len(args) > 0 && (args[0] == "help" || asksHelp(args[:1]))
		showUsage(fs, help)
		if help {
			return nil
		}
		return errUsage
	}
	if args[0] == "grant" {
		return runGrant(ctx, env, args[1:])
	}
	return runReconcile(ctx, env, args[1:])
}

const creditsAbout = "Operator work on credits, on the configured database:\n" +
	"  grant      add credits to a user's balance as a CREDIT transaction (support, self-hosting)\n" +
	"  reconcile  check that every balance equals the sum of its ledger; exits 1 if any does not"

func runGrant(ctx context.Context, env *environment, args []string) error {
	fs, loader := configFlagSet("credits grant", "--email EMAIL --credits N --reason TEXT [--key KEY] [flags]",
		"Add credits to a user's balance as a CREDIT transaction whose description is the reason.\n"+
			"Granting twice with the same --key adds the credits once; without --key every run grants anew.", env)
	email := fs.String("email", "", "the user's email (required)")
	credits := fs.Int64("credits", 0, "how many credits to add (required, above 0)")
	reason := fs.String("reason", "", "the description the user sees (required)")
	key := fs.String("key", "", "idempotency key of this grant (default: a new one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" {
		*key = core.NewID("")
	}
	a, err := open(ctx, loader, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	tx, applied, err := a.svc.GrantCredits(ctx, core.GrantInput{Email: *email, Credits: *credits, Reason: *reason, Key: *key})
	if err != nil {
		return describe(err)
	}
	what := fmt.Sprintf("%d credits to %s", int64(tx.ValueInCredits), strings.ToLower(*email))
	if applied {
		fmt.Fprintf(env.stdout, "%s: granted %s (key %s)\n", tx.ID, what, *key)
	} else {
		fmt.Fprintf(env.stdout, "%s: nothing added: key %s already granted %s\n", tx.ID, *key, what)
	}
	return nil
}

func runReconcile(ctx context.Context, env *environment, args []string) error {
	fs, loader := configFlagSet("credits reconcile", "[flags]",
		"Check that every user's available and held credits equal the sums of the user's ledger entries.", env)
	if err := parse(fs, args); err != nil {
		return err
	}
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
