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
//	clara dev public-key|last-code  development helpers: the public API key, a mailed code
//	clara health             probe a running clara serve (a container's health check)
//	clara version            print the release (also clara --version)
//	clara completion SHELL   shell completion for bash, zsh, fish or powershell
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/auth"
)

// version is Clara's release, without a leading v (see release.go).
var version = release()

// environment is what a command may touch of the process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
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

// versionCommand prints the release, as clara --version does.
func versionCommand(env *environment) *cobra.Command {
	return &cobra.Command{
		Use: "version", Short: "print Clara's release (also clara --version)", Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(env.stdout, "clara", version)
			return nil
		},
	}
}
