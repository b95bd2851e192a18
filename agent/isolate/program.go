package isolate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of Program.
const (
	// DefaultMaxOutput bounds a program's standard output.
	DefaultMaxOutput = 8 << 20
	// DefaultMaxFile bounds each file a program writes.
	DefaultMaxFile = 64 << 20
)

// maxOpenFiles is the RLIMIT_NOFILE of a program: its standard streams,
// its input and a few outputs.
const maxOpenFiles = 64

// maxStderr is how much of a program's standard error is kept.
const maxStderr = 64 << 10

// Program is an external program, such as ffmpeg, that Run starts on an
// untrusted file.
type Program struct {
	// Path is the program's absolute path.
	Path string
	// Args are its arguments, after its name.
	Args []string
	// Dir is its working directory: a private directory that holds the
	// file and receives what the program writes.
	Dir string
	// Env is its whole environment; nil is an empty one.
	Env []string
	// Stdin is its standard input; nil is an empty one.
	Stdin []byte
	// MaxOutput bounds its standard output, in bytes (0: DefaultMaxOutput).
	// A program that writes more is cut off and the file refused.
	MaxOutput int
	// MaxFile bounds the size of each file it writes, in bytes
	// (RLIMIT_FSIZE; 0: DefaultMaxFile). A program that writes more is
	// killed and the file refused.
	MaxFile int64
}

// name is the program's name for messages: "ffmpeg".
func (p Program) name() string { return filepath.Base(p.Path) }

// Output is what a program run by Run wrote.
type Output struct {
	Stdout []byte
	Stderr []byte // the first 64 KiB of its standard error
}

// ExitError is a program that ended with a nonzero status of its own,
// within its limits: typically, it could not read the file.
type ExitError struct {
	Program string // its name, e.g. "ffmpeg"
	Code    int    // its exit status
	Stderr  string // its standard error, trimmed
}

// Error returns the program, its status and the last line of its
// standard error: "ffmpeg exited with status 1: moov atom not found".
func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s exited with status %d", e.Program, e.Code)
	if line := lastLine(e.Stderr); line != "" {
		msg += ": " + line
	}
	return msg
}

// lastLine returns the last non-blank line of s, trimmed.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.TrimSpace(s[strings.LastIndexByte(s, '\n')+1:])
}

// Run runs p on the file name (named in errors) as the executable's child
// does a parse: in a process group of its own, with a minimal environment,
// its address space (Limits.Memory, for the program alone), CPU time,
// file sizes (p.MaxFile), open files and core dumps capped by setrlimit
// before the program starts, its wall time bounded by Limits.Timeout and
// its output by p.MaxOutput; at most as many at once as the machine has
// cores (the slots of x, which its Extract and HTMLText share). The caps are set by a child of this
// executable on itself, which then executes p in its place, so that they
// bind the program from its first instruction.
//
// A program that overruns a limit, is killed by a signal or reports that
// it ran out of memory gives a *RefusedError; one that exits with a
// nonzero status of its own gives an *ExitError, with Output. When ctx
// ends first, its error is returned.
func (x *Extractor) Run(ctx context.Context, name string, p Program) (Output, error) {
	if !canExec {
		return Output{}, fmt.Errorf("run %s: %w", p.name(), errNoExec)
	}
	if !filepath.IsAbs(p.Path) {
		return Output{}, fmt.Errorf("run %s: path %q is not absolute", p.name(), p.Path)
	}
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	case <-ctx.Done():
		return Output{}, fmt.Errorf("read %s: %w", name, ctx.Err())
	}
	exe, err := executable()
	if err != nil {
		return Output{}, fmt.Errorf("read %s: find the executable: %w", name, err)
	}
	spec, err := json.Marshal(x.execRequest(p))
	if err != nil {
		return Output{}, fmt.Errorf("run %s: encode request: %w", p.name(), err)
	}
	runCtx, cancel := context.WithTimeout(ctx, x.limits.Timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, exe)
	cmd.Env = []string{execEnv + "=" + string(spec)} // the child passes p.Env on, and nothing else
	cmd.Dir = p.Dir
	if p.Stdin != nil {
		cmd.Stdin = bytes.NewReader(p.Stdin)
	}
	maxOut := p.MaxOutput
	if maxOut <= 0 {
		maxOut = DefaultMaxOutput
	}
	out, errOut := &limitedBuffer{max: maxOut}, &cappedBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = out, errOut
	killGroupOnCancel(cmd)
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()
	o := Output{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	switch {
	case ctx.Err() != nil:
		return Output{}, fmt.Errorf("read %s: %w", name, ctx.Err())
	case runCtx.Err() != nil:
		return Output{}, refuse(name, reasonTime, runCtx.Err())
	case out.overflow:
		return Output{}, refuse(name, reasonOutput, fmt.Errorf("%s wrote over %d bytes", p.name(), maxOut))
	case bytes.Contains(o.Stderr, []byte("Cannot allocate memory")): // strerror(ENOMEM), as programs report it
		return Output{}, refuse(name, reasonMemory, fmt.Errorf("%s: %s", p.name(), lastLine(string(o.Stderr))))
	case runErr == nil:
		return o, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(runErr, &exitErr) {
		return Output{}, fmt.Errorf("run %s: %w", p.name(), runErr)
	}
	if reason, ok := signalReason(runErr); ok {
		return Output{}, refuse(name, reason, fmt.Errorf("%s: %w", p.name(), runErr))
	}
	if code := exitErr.ExitCode(); code == execFailed && bytes.HasPrefix(o.Stderr, []byte(execFailedPrefix)) {
		return Output{}, fmt.Errorf("run %s: %s", p.name(), strings.TrimSpace(strings.TrimPrefix(string(o.Stderr), execFailedPrefix)))
	}
	return o, &ExitError{Program: p.name(), Code: exitErr.ExitCode(), Stderr: strings.TrimSpace(string(o.Stderr))}
}

// execRequest returns what the child needs to run p within x's limits.
func (x *Extractor) execRequest(p Program) execRequest {
	maxFile := p.MaxFile
	if maxFile <= 0 {
		maxFile = DefaultMaxFile
	}
	return execRequest{
		Path:       p.Path,
		Args:       append([]string{p.Path}, p.Args...),
		Env:        p.Env,
		CPUSeconds: int64((x.limits.CPU + time.Second - 1) / time.Second),
		Memory:     x.limits.Memory,
		MaxFile:    maxFile,
		OpenFiles:  maxOpenFiles,
	}
}

// limitedBuffer keeps up to max bytes written to it; a write past max
// fails, which closes the pipe the program writes to. Like cappedBuffer,
// it has no ReadFrom.
type limitedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

// errOverflow is the error of a write past a limitedBuffer's max.
var errOverflow = errors.New("output over the size limit")

// Write implements io.Writer.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if len(p) > b.max-b.buf.Len() {
		b.overflow = true
		return 0, errOverflow
	}
	return b.buf.Write(p)
}

// Bytes returns what was written.
func (b *limitedBuffer) Bytes() []byte { return b.buf.Bytes() }
