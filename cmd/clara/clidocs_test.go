package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/internal/golden"
)

// TestCLIReference keeps docs/cli.md (every command's --help) and the
// README's copy of clara --help in step with the commands;
// UPDATE_CLI_DOCS=1 rewrites them.
func TestCLIReference(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	env, _, _ := testEnv(t, nil) // changes the working directory
	var b strings.Builder
	b.WriteString("# clara's commands\n\n" +
		"What `clara COMMAND --help` prints for each command. This file is generated from the commands\n" +
		"(`UPDATE_CLI_DOCS=1 go test ./cmd/clara/ -run TestCLIReference`), and `make test` fails when it is stale.\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		args := strings.Fields(c.CommandPath())[1:]
		fmt.Fprintf(&b, "\n## %s\n\n```\n$ %s --help\n%s```\n", c.CommandPath(), c.CommandPath(), help(t, args...))
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCommand(env))
	golden.File(t, filepath.Join(root, "docs", "cli.md"), b.String(), "UPDATE_CLI_DOCS")
	golden.Section(t, filepath.Join(root, "README.md"), "cli", "```\n$ clara --help\n"+help(t)+"```\n", "UPDATE_CLI_DOCS")
}
