package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/clara-backend/clara/config"
)

// newFlagSet returns a flag set whose --help describes the command and,
// when it reads configuration, every CLARA_* variable.
func newFlagSet(name, args, about string, env *environment) *flag.FlagSet {
	fs := flag.NewFlagSet("clara "+name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{out: env.stdout, err: env.stderr})
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

// flagOutput is where a flag set writes: its help, when asked for, to
// standard output; its complaints to standard error.
type flagOutput struct {
	out, err io.Writer
	help     bool // the arguments ask for help
}

// Write implements io.Writer.
func (o *flagOutput) Write(b []byte) (int, error) {
	if o.help {
		return o.out.Write(b)
	}
	return o.err.Write(b)
}

// asksHelp reports whether args, up to a "--", hold -h or -help, with one
// dash or two.
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// showUsage prints fs's usage: on standard output when help was asked
// for, else (a usage error) on standard error.
func showUsage(fs *flag.FlagSet, help bool) {
	if o, ok := fs.Output().(*flagOutput); ok {
		o.help = help
	}
	fs.Usage()
}

// parse parses args, refusing stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if o, ok := fs.Output().(*flagOutput); ok {
		o.help = asksHelp(args)
	}
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
