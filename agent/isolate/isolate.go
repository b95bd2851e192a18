// Package isolate reads untrusted documents where a parser fault cannot
// hurt the server: each PDF or HTML document is parsed by package attach
// in a child process of the running executable, which caps its own address
// space and CPU time, while the parent applies a deadline, kills the
// child's process group on overrun, and reads a bounded answer.
//
// Any binary that imports this package can serve as the child: the role
// is selected by an environment variable checked in the package's init,
// before main or a test's TestMain runs. A file whose reading crashes,
// exhausts its memory or overruns its time is refused with an error that
// matches ErrRefused; a file the parser merely cannot read keeps the
// parser's error (e.g. attach.ErrUnreadablePDF).
//
// Run does the same for an external program such as ffmpeg: a child of
// the executable caps its own resources and then executes the program in
// its place, so that the caps bind the program.
package isolate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"github.com/clara-backend/clara/agent/attach"
)

// Defaults of Limits.
const (
	// DefaultTimeout bounds the wall time of one child. It exceeds the
	// PDF reader's own 20 s budget, so that only a runaway is cut.
	DefaultTimeout = 40 * time.Second
	// DefaultCPU bounds the CPU time of one child.
	DefaultCPU = 30 * time.Second
	// DefaultMemory bounds the address space of one child.
	DefaultMemory = 1 << 30
)

// maxAnswer bounds what a child may write: the escaped text and title of
// one document with room to spare.
const maxAnswer = 8 << 20

// Limits bound one child. Zero fields take the defaults.
type Limits struct {
	Timeout time.Duration // wall time, after which the child is killed
	CPU     time.Duration // CPU time (RLIMIT_CPU), rounded up to seconds
	Memory  int64         // address space (RLIMIT_AS), in bytes
}

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if l.CPU <= 0 {
		l.CPU = DefaultCPU
	}
	if l.Memory <= 0 {
		l.Memory = DefaultMemory
	}
	return l
}

// Extractor runs isolated children within Limits, at most as many at once
// as the machine has cores, so that a flood of files cannot fork-bomb the
// server. It is safe for concurrent use.
type Extractor struct {
	limits Limits
	slots  chan struct{}
}

// New returns an Extractor with limits l.
func New(l Limits) *Extractor {
	return &Extractor{limits: l.withDefaults(), slots: make(chan struct{}, max(1, runtime.NumCPU()))}
}

// Default is the Extractor with the default limits that Extract and
// HTMLText use.
var Default = New(Limits{})

// Extract is Default.Extract.
func Extract(ctx context.Context, name string, data []byte) (attach.Content, error) {
	return Default.Extract(ctx, name, data)
}

// HTMLText is Default.HTMLText.
func HTMLText(ctx context.Context, data []byte) (title, text string, truncated bool, err error) {
	return Default.HTMLText(ctx, data)
}

// Extract is attach.Extract with the parsing of PDF and HTML done in a
// child. Files are checked (attach.Check) in this process; other formats,
// which need no parser (text, JSON checked by a validator, images passed
// on as bytes), are read here too.
func (x *Extractor) Extract(ctx context.Context, name string, data []byte) (attach.Content, error) {
	if err := attach.Check(name, data, true); err != nil {
		return attach.Content{}, err
	}
	if ext := attach.Ext(name); ext != ".pdf" && ext != ".html" {
		return attach.Extract(name, data)
	}
	a, err := x.run(ctx, name, request{Op: opExtract, Name: name, Data: data})
	if err != nil {
		return attach.Content{}, err
	}
	return a.Content, a.err()
}

// HTMLText is attach.HTMLText on the UTF-8 HTML data, parsed in a child:
// it returns the title and the readable text, cut to attach.MaxText bytes,
// and whether the text was cut.
func (x *Extractor) HTMLText(ctx context.Context, data []byte) (title, text string, truncated bool, err error) {
	a, err := x.run(ctx, "the page", request{Op: opHTML, Data: data})
	if err != nil {
		return "", "", false, err
	}
	if err := a.err(); err != nil {
		return "", "", false, err
	}
	return a.Content.Title, a.Content.Text, a.Content.Truncated, nil
}

// run has a child answer req about the file name. A child that faults or
// overruns gives a *RefusedError; when ctx ends first, its error is
// returned.
func (x *Extractor) run(ctx context.Context, name string, req request) (answer, error) {
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	case <-ctx.Done():
		return answer{}, fmt.Errorf("read %s: %w", name, ctx.Err())
	}
	exe, err := executable()
	if err != nil {
		return answer{}, fmt.Errorf("read %s: find the executable: %w", name, err)
	}
	req.CPUSeconds = int64((x.limits.CPU + time.Second - 1) / time.Second)
	req.Memory = x.limits.Memory
	in, err := req.encode()
	if err != nil {
		return answer{}, fmt.Errorf("read %s: %w", name, err)
	}
	runCtx, cancel := context.WithTimeout(ctx, x.limits.Timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, exe)
	cmd.Env = []string{childEnv + "=1"} // none of the server's settings or secrets
	cmd.Stdin = bytes.NewReader(in)
	out, errOut := &cappedBuffer{max: maxAnswer}, &cappedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = out, errOut
	killGroupOnCancel(cmd)
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return answer{}, fmt.Errorf("read %s: %w", name, ctx.Err())
	case runCtx.Err() != nil:
		return answer{}, refuse(name, reasonTime, runCtx.Err())
	case runErr != nil:
		var exitErr *exec.ExitError
		if !errors.As(runErr, &exitErr) {
			return answer{}, fmt.Errorf("read %s: start the reader: %w", name, runErr)
		}
		return answer{}, refuse(name, faultReason(runErr, errOut.Bytes()), runErr)
	case out.overflow:
		return answer{}, refuse(name, reasonAnswer, errors.New("answer over the size limit"))
	}
	a, err := decodeAnswer(out.Bytes())
	if err != nil {
		return answer{}, refuse(name, reasonAnswer, err)
	}
	return a, nil
}

// executable is the path of the running binary, which serves as the child;
// it is looked up once.
var executable = sync.OnceValues(os.Executable)

// cappedBuffer keeps the first max bytes written to it and discards the
// rest, noting that it did. It has no ReadFrom (the buffer is not
// embedded), so that io.Copy goes through Write and its cap.
type cappedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

// Write implements io.Writer; it never fails, so that the writer is never
// blocked.
func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.overflow = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

// Bytes returns what was kept.
func (b *cappedBuffer) Bytes() []byte { return b.buf.Bytes() }
