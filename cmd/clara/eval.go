package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/eval"
)

const evalAbout = "Measure verdicts: run labelled claims through the configured model and search, as analyses\n" +
	"run, and report accuracy (exact, and lenient: TRUE~MOSTLY_TRUE, FALSE~MOSTLY_FALSE), the confusion\n" +
	"matrix, the Brier score of the confidences, how many verdicts cite a fetched page, tokens and time.\n" +
	"FILE holds JSON Lines, one {\"claim\": \"...\", \"label\": \"TRUE\"} a line (labels: the six verdicts;\n" +
	"blank lines and // comments skipped; - reads standard input); eval/claims.jsonl in Clara's source\n" +
	"is a sample. The report goes to stdout, progress to stderr. No database is opened and no credits\n" +
	"are spent, but every claim costs the model tokens and searches. Exits 0 whenever the run completes,\n" +
	"whatever the accuracy."

// evalCommand is clara eval.
func evalCommand(env *environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval --claims FILE [--concurrency N] [--timeout D] [--json]",
		Short: "measure verdicts: run labelled claims through the configured model and search, report accuracy",
		Long:  evalAbout,
		Args:  noArgs,
	}
	var o evalOptions
	cmd.Flags().StringVar(&o.path, "claims", "", "the labelled claims, in JSON Lines; - for standard input (required)")
	cmd.Flags().IntVar(&o.concurrency, "concurrency", eval.DefaultConcurrency, "how many claims are analysed at once")
	cmd.Flags().DurationVar(&o.timeout, "timeout", eval.DefaultTimeout, "the longest the analysis of one claim may take")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the report as JSON instead of a table")
	loader := bindConfig(cmd, config.GroupLogging|config.GroupAnalysis)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "claims"); err != nil {
			return err
		}
		switch {
		case o.concurrency < 1:
			return usageError{cmd: cmd, err: errors.New("--concurrency must be 1 or more")}
		case o.timeout <= 0:
			return usageError{cmd: cmd, err: errors.New("--timeout must be above 0")}
		}
		return runEval(cmd.Context(), env, loader, o)
	}
	return cmd
}

// evalOptions are clara eval's own flags.
type evalOptions struct {
	path        string
	concurrency int
	timeout     time.Duration
	asJSON      bool
}

// runEval runs `clara eval`.
func runEval(ctx context.Context, env *environment, loader *config.Loader, o evalOptions) error {
	cfg, _, err := configure(loader, env)
	if err != nil {
		return err
	}
	analyzer, _, err := newAnalyzer(cfg)
	if err != nil {
		return err
	}
	if analyzer == nil {
		return errors.New("needs a model: set CLARA_MODEL_PROVIDER (anthropic or openai) with CLARA_MODEL_API_KEY " +
			"or CLARA_MODEL_BASE_URL, and CLARA_SEARCH_PROVIDER for web search (see clara eval --help)")
	}
	claims, err := readClaimsFile(o.path, env.stdin)
	if err != nil {
		return err
	}
	search := "no web search"
	if cfg.Search.Provider != "" {
		search = "search " + cfg.Search.Provider
	}
	fmt.Fprintf(env.stderr, "clara eval: %d claims, model %s/%s, %s, concurrency %d, timeout %s\n",
		len(claims), cfg.Model.Provider, cfg.Model.Name, search, o.concurrency, o.timeout)

	report := eval.Run(ctx, analyzer, claims, eval.Options{
		Concurrency: o.concurrency, Timeout: o.timeout,
		Progress: func(o eval.Outcome) { fmt.Fprintln(env.stderr, progressLine(o, len(claims))) },
	})
	if o.asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(report)
	} else {
		err = report.WriteTable(env.stdout)
	}
	if err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	if ctx.Err() != nil {
		return errors.New("interrupted: the claims not analysed count as failed in the report")
	}
	return nil
}

// readClaimsFile reads the claims of path ("-": stdin), refusing a file
// without any.
func readClaimsFile(path string, stdin io.Reader) ([]eval.Claim, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	claims, err := eval.ReadClaims(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(claims) == 0 {
		return nil, fmt.Errorf("%s: no claims in the file", path)
	}
	return claims, nil
}

// progressLine reports a finished claim: "claim 3/36: FALSE (expected
// FALSE) 2.1s", with the error of a failed one.
func progressLine(o eval.Outcome, total int) string {
	verdict := o.Verdict
	if o.Failed() {
		verdict = eval.FailedColumn
	}
	line := fmt.Sprintf("claim %d/%d: %s (expected %s) %.1fs", o.N, total, verdict, o.Label, o.Seconds)
	if o.Failed() {
		line += ": " + o.Error
	}
	return line
}
