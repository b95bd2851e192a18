// Command clara is Clara's whole backend in one binary: the REST API and the
// MCP server over one domain core.
//
//	clara serve              REST at /api/v1, MCP at /mcp and /sse, metrics at /metrics
//	clara mcp                MCP over stdio, for Claude Desktop and other hosts
//	clara worker             analysis workers only
//	clara migrate up|status  apply or list database migrations
//	clara credits grant|reconcile  grant credits; check balances against the ledger
//	clara extract --name FILE  print a document's text, parsed in isolation
//	clara eval --claims FILE  measure verdicts over labelled claims
//	clara version            print the release (also clara --version)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/clara-backend/clara/auth"
)

// version is Clara's release, without a leading v (see release.go).
var version = release()

// command is one subcommand of clara.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command may touch of the process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
}

func commands() []command {
	return []command{
		{"serve", "[flags]", "serve the REST API, MCP over HTTP (Streamable HTTP and SSE) and metrics", runServe},
		{"mcp", "[flags]", "serve MCP over stdio (stdout carries only JSON-RPC; logs go to stderr)", runMCP},
		{"worker", "[flags]", "run analysis workers only, no HTTP (several may share one database)", runWorker},
		{"migrate", "up|status [flags]", "apply pending database migrations, or list them", runMigrate},
		{"credits", "grant|reconcile", "grant credits to a user, or check every balance against the ledger", runCredits},
		{"extract", "--name FILE", "print a document's text, read from stdin in an isolated child process", runExtract},
		{"eval", "--claims FILE", "measure verdicts: run labelled claims through the configured model and search, report accuracy", runEval},
		{"version", "", "print Clara's release", runVersion},
	}
}

// defaultGCPercent is the garbage collector's target when GOGC is not set:
// Clara's live heap is small (a few MB) and every request allocates, so at
// Go's default of 100 the collector runs tens of times a second and costs
// a fifth of the CPU of a request. 400 lets the heap grow to five times
// the live heap between collections: some 15 MB more under load.
const defaultGCPercent = 400

// defaultMemoryLimit is the soft memory limit when GOMEMLIMIT is not set:
// room for a base heap and for twice the password hashes that may run at
// once (each takes DefaultPasswordParams.Memory). Under a flood of logins
// the heap is then collected as it nears the limit, rather than growing
// to five times the hashes' memory; below it, defaultGCPercent rules.
func defaultMemoryLimit() int64 {
	const base = 64 << 20
	hash := int64(auth.DefaultPasswordParams.Memory) << 10
	return base + 2*int64(runtime.GOMAXPROCS(0))*hash
}

// tuneGC applies defaultGCPercent and defaultMemoryLimit, each unless its
// variable (GOGC, GOMEMLIMIT) is set.
func tuneGC(lookupEnv func(string) (string, bool)) {
	if _, set := lookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
	if _, set := lookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit())
	}
}

func main() {
	tuneGC(os.LookupEnv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &environment{os.Stdin, os.Stdout, os.Stderr, os.LookupEnv})
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, env *environment) int {
	switch {
	case len(args) == 0:
		usage(env.stderr)
		return 2
	case args[0] == "help" || asksHelp(args[:1]):
		usage(env.stdout)
		return 0
	case args[0] == "-version" || args[0] == "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(env.stderr, "clara %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "clara: unknown command %q\n\n", args[0])
	usage(env.stderr)
	return 2
}

// errUsage reports a command line that was already explained to the user.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Clara: claim checking and content analysis, over REST and MCP.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  clara %-8s %-18s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nRun `clara COMMAND --help` for a command's flags and environment variables.")
}

func runVersion(_ context.Context, env *environment, args []string) error {
	fs := newFlagSet("version", "", "Print Clara's release.", env)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "clara", version)
	return nil
}
