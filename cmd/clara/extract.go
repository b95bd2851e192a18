package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
)

// extractCommand is clara extract.
func extractCommand(env *environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "extract --name FILE < FILE",
		Short: "print a document's text, read from stdin in an isolated child process",
		Long: "Read a document from standard input as an analysis does (PDF and HTML are parsed in an\n" +
			"isolated child process with bounded memory and CPU time) and print its readable text.",
		Args: noArgs,
	}
	name := cmd.Flags().String("name", "", "the file's name; its extension gives its type, e.g. report.pdf (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "name"); err != nil {
			return err
		}
		return runExtract(cmd.Context(), env, *name)
	}
	return cmd
}

// runExtract reads a document from standard input as an analysis does, in
// an isolated child within the same limits, and prints its title and text.
func runExtract(ctx context.Context, env *environment, name string) error {
	limit := core.DefaultPolicy().MaxFileBytes
	data, err := io.ReadAll(io.LimitReader(env.stdin, limit+1))
	if err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	c, err := isolate.Extract(ctx, name, data)
	if err != nil {
		return err
	}
	if c.Title != "" {
		fmt.Fprintf(env.stdout, "%s\n\n", c.Title)
	}
	if c.Image != nil {
		fmt.Fprintf(env.stdout, "(%s image, %d bytes: no text)\n", c.MediaType, len(c.Image))
		return nil
	}
	fmt.Fprintln(env.stdout, c.Text)
	if c.Truncated {
		fmt.Fprintln(env.stderr, "clara extract: the text was cut at its size limit")
	}
	return nil
}
