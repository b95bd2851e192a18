package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/config"
)

// newFlagSet returns a flag set whose --help describes the command and,
// when it reads configuration, every CLARA_* variable.
func newFlagSet(name, args, about string, env *environment) *flag.FlagSet {
	fs := flag.NewFlagSet("clara "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: clara %s %s\n\n%s\n", name, args, about)
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if !hasFlags {
			return
		}
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
		fmt.Fprintln(w, "\nEnvironment (flags win over the environment, which wins over a .env file):")
		for _, s := range config.Settings() {
			def := s.Default
			if def == "" {
				def = "-"
			}
			fmt.Fprintf(w, "  %-24s default %-16s %s\n", s.Env, def, s.Usage)
		}
	}
	return fs
}

// parse parses args, refusing stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}
