package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/clara-backend/clara/config"
)

// newRootCommand returns clara's command tree, writing to env's streams.
func newRootCommand(env *environment) *cobra.Command {
	root := &cobra.Command{
		Use:   "clara",
		Short: "Clara: claim checking and content analysis, over REST and MCP",
		Long: "Clara: claim checking and content analysis, over REST and MCP.\n\n" +
			"Settings come from flags, then CLARA_* environment variables, then a .env file, then defaults.",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          unknownCommand,
	}
	// --version is handled here rather than by cobra's Version field, whose
	// output format is set with a text/template: linking text/template
	// keeps the linker from dropping unused methods (the executable grows
	// by half).
	showVersion := root.Flags().BoolP("version", "v", false, "print Clara's release")
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if *showVersion {
			fmt.Fprintln(env.stdout, "clara", version)
			return nil
		}
		return usageError{cmd: cmd}
	}
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{cmd: cmd, err: err} })
	root.SetUsageFunc(writeUsage)
	root.AddCommand(
		serveCommand(env), mcpCommand(env), workerCommand(env), migrateCommand(env), creditsCommand(env),
		devCommand(env), healthCommand(env), extractCommand(env), evalCommand(env), versionCommand(env),
	)
	// Cobra's own commands, made now so that they read like the others.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "show the help of any command"
		case "completion":
			c.Short = "print a shell completion script: bash, zsh, fish or powershell"
		}
	}
	return root
}

// run executes the command line args and returns the exit code: 0 on
// success (help included), 2 for a usage error, 1 when the command fails.
func run(ctx context.Context, args []string, env *environment) int {
	root := newRootCommand(env)
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		if usage.err != nil {
			fmt.Fprintf(env.stderr, "%s: %v\n\n", usage.cmd.CommandPath(), usage.err)
		}
		fmt.Fprint(env.stderr, usage.cmd.UsageString())
		return 2
	default:
		fmt.Fprintf(env.stderr, "%s: %v\n", cmd.CommandPath(), err)
		return 1
	}
}

// usageError is a command line that cmd cannot run: err says why (nil for
// a command that needs a subcommand); cmd's usage follows it.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e usageError) Error() string {
	if e.err == nil {
		return "usage"
	}
	return e.err.Error()
}

func (e usageError) Unwrap() error { return e.err }

// unknownCommand refuses any argument of a command that takes only
// subcommands, suggesting the nearest.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := fmt.Errorf("unknown command %q", args[0])
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		best := s[0]
		for _, name := range s {
			if strings.HasPrefix(name, args[0]) {
				best = name
				break
			}
		}
		err = fmt.Errorf("%w; did you mean %q?", err, best)
	}
	return usageError{cmd: cmd, err: err}
}

// noArgs refuses positional arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{cmd: cmd, err: fmt.Errorf("unexpected argument %q", strings.Join(args, " "))}
	}
	return nil
}

// group returns a command that only holds subcommands: run alone, it is a
// usage error.
func group(use, short, long string, subcommands ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use: use, Short: short, Long: long,
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return usageError{cmd: cmd} },
	}
	cmd.AddCommand(subcommands...)
	return cmd
}

// groupsAnnotation records on a command the configuration groups whose
// flags it takes.
const groupsAnnotation = "clara.config.groups"

// bindConfig gives cmd the flags of the configuration groups (after its
// own) and returns the loader that reads the configuration once they are
// parsed.
func bindConfig(cmd *cobra.Command, groups config.Group) *config.Loader {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[groupsAnnotation] = strconv.Itoa(int(groups))
	cmd.Flags().SortFlags = false
	return config.Bind(cmd.Flags(), groups)
}

// configCommand returns a command that takes no arguments and only the
// flags of the configuration groups, and runs run with their loader.
func configCommand(use, short, long string, groups config.Group, run func(ctx context.Context, loader *config.Loader) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Long: long, Args: noArgs}
	loader := bindConfig(cmd, groups)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return run(cmd.Context(), loader) }
	return cmd
}

// configGroups returns the groups whose flags cmd takes.
func configGroups(cmd *cobra.Command) config.Group {
	n, _ := strconv.Atoi(cmd.Annotations[groupsAnnotation])
	return config.Group(n)
}

// writeUsage prints a command's usage: its command line, its subcommands,
// its own flags, then its configuration flags group by group and the
// secrets it reads from the environment only.
func writeUsage(cmd *cobra.Command) error {
	w := cmd.OutOrStderr()
	line := cmd.UseLine()
	if cmd.HasAvailableSubCommands() {
		line = cmd.CommandPath() + " COMMAND"
	}
	fmt.Fprintf(w, "Usage:\n  %s\n", line)
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintln(w, "\nCommands:")
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() || c.Name() == "help" {
				fmt.Fprintf(w, "  %-*s  %s\n", cmd.NamePadding(), c.Name(), c.Short)
			}
		}
	}
	groups := configGroups(cmd)
	settings := config.Settings()
	groupOf := map[string]config.Group{}
	for _, s := range settings {
		if s.Flag != "" {
			groupOf[s.Flag] = s.Group
		}
	}
	own := pflag.NewFlagSet("", pflag.ContinueOnError)
	own.SortFlags = false
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if _, ok := groupOf[f.Name]; !ok || groups == 0 {
			own.AddFlag(f)
		}
	})
	if own.HasAvailableFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", own.FlagUsages())
	}
	for _, g := range config.Groups {
		if groups&g.Group == 0 {
			continue
		}
		fs := pflag.NewFlagSet("", pflag.ContinueOnError)
		fs.SortFlags = false
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if grp, ok := groupOf[f.Name]; ok && grp == g.Group {
				fs.AddFlag(f)
			}
		})
		if fs.HasAvailableFlags() {
			fmt.Fprintf(w, "\n%s flags:\n%s", g.Name, fs.FlagUsages())
		}
	}
	writeSecrets(w, settings, groups)
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\nRun \"%s COMMAND --help\" for a command's flags.\n", cmd.CommandPath())
	}
	return nil
}

// writeSecrets lists the secrets of groups: they have no flags, so that
// they never show in a process list.
func writeSecrets(w io.Writer, settings []config.Setting, groups config.Group) {
	var lines []string
	for _, s := range settings {
		if s.Flag == "" && s.Group&groups != 0 {
			lines = append(lines, fmt.Sprintf("  %-27s %s", s.Env, s.Usage))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFrom the environment or .env only:\n%s\n", strings.Join(lines, "\n"))
}
