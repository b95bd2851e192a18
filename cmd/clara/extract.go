package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/clara-backend/clara/agent/isolate"
	"github.com/clara-backend/clara/core"
)

// runExtract reads a document from standard input as an analysis does, in
// an isolated child within the same limits, and prints its title and text.
func runExtract(ctx context.Context, env *environment, args []string) error {
	const about = "Read a document from standard input as an analysis does (PDF and HTML are parsed in an\n" +
		"isolated child process with bounded memory and CPU time) and print its readable text."
	fs := flag.NewFlagSet("clara extract", flag.ContinueOnError)
	fs.SetOutput(&flagOutput{out: env.stdout, err: env.stderr})
	name := fs.String("name", "", "the file's name; its extension gives its type (e.g. report.pdf)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: clara extract --name FILE < FILE\n\n%s\n\nFlags:\n", about)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		fmt.Fprintln(env.stderr, "clara extract: --name is required")
		showUsage(fs, false)
		return errUsage
	}
	limit := core.DefaultPolicy().MaxFileBytes
	data, err := io.ReadAll(io.LimitReader(env.stdin, limit+1))
	if err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%s is larger than %d bytes", *name, limit)
	}
	c, err := isolate.Extract(ctx, *name, data)
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
