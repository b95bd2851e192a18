package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mail"
)

// devCommand is clara dev: helpers for trying Clara out locally.
func devCommand(env *environment) *cobra.Command {
	return group("dev", "development helpers: the public API key, the last one-time code mailed",
		"Helpers for trying Clara out on a development set-up. They read the same settings as clara serve.",
		publicKeyCommand(env), lastCodeCommand(env))
}

// publicKeyCommand is clara dev public-key.
func publicKeyCommand(env *environment) *cobra.Command {
	return configCommand("public-key", "print the public API key that client apps send to register users",
		"Print the public API key (clara_pub_…) that client apps send raw in Authorization to register users:\n"+
			"CLARA_PUBLIC_API_KEY, or the one generated in the data directory for the embedded store.",
		config.GroupStore,
		func(_ context.Context, loader *config.Loader) error {
			cfg, err := loader.Load(env.lookupEnv)
			if err != nil {
				return err
			}
			if _, err := config.EnsureSecrets(&cfg); err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, cfg.PublicAPIKey)
			return nil
		})
}

// lastCodeCommand is clara dev last-code.
func lastCodeCommand(env *environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "last-code --email EMAIL [--purpose TYPE]",
		Short: "print the newest one-time code mailed to an address, from the development outbox",
		Long: "Print the newest one-time code mailed to EMAIL, read from the development outbox\n" +
			"(<data dir>/outbox, written when no CLARA_SMTP_HOST is set). Exits 1 when there is none.",
		Args: noArgs,
	}
	email := cmd.Flags().String("email", "", "the address the code was mailed to (required)")
	purpose := cmd.Flags().String("purpose", "", "only codes of this type: ACTIVATION, CHANGE_PASSWORD or TWO_FACTOR_AUTH")
	_ = cmd.RegisterFlagCompletionFunc("purpose", cobra.FixedCompletions(
		[]string{string(core.OTPActivation), string(core.OTPChangePassword), string(core.OTPTwoFactor)}, cobra.ShellCompDirectiveNoFileComp))
	loader := bindConfig(cmd, config.GroupStore)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "email"); err != nil {
			return err
		}
		var want core.OTPType
		if *purpose != "" {
			t, ok := core.ParseOTPType(*purpose)
			if !ok {
				return usageError{cmd: cmd, err: fmt.Errorf("--purpose %q is not one of ACTIVATION, CHANGE_PASSWORD, TWO_FACTOR_AUTH", *purpose)}
			}
			want = t
		}
		cfg, err := loader.Load(env.lookupEnv)
		if err != nil {
			return err
		}
		code, err := lastCode(cfg.OutboxDir(), strings.ToLower(strings.TrimSpace(*email)), want)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, code)
		return nil
	}
	return cmd
}

// lastCode returns the newest one-time code of type want ("" for any)
// mailed to email in the outbox dir.
func lastCode(dir, email string, want core.OTPType) (string, error) {
	msgs, err := mail.ReadOutbox(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no outbox at %s: nothing has been mailed on this data directory (or CLARA_SMTP_HOST is set)", dir)
	}
	if err != nil {
		return "", err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !strings.EqualFold(m.To, email) {
			continue
		}
		if code, t, ok := core.ReadOTPMessage(m.Subject, m.Text); ok && (want == "" || t == want) {
			return code, nil
		}
	}
	if want != "" {
		return "", fmt.Errorf("no %s code mailed to %s in %s", want, email, dir)
	}
	return "", fmt.Errorf("no code mailed to %s in %s", email, dir)
}
