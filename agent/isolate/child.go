package isolate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/clara-backend/clara/agent/attach"
)

// childEnv, set to "1", makes a process that imports this package a child:
// it answers one request and exits before main runs.
const childEnv = "CLARA_EXTRACT_CHILD"

// maxChildStack bounds a child's goroutine stacks, so that runaway
// recursion ends as a stack overflow well before the address-space limit.
const maxChildStack = 64 << 20

func init() {
	if os.Getenv(childEnv) == "1" {
		os.Exit(serveChild(os.Stdin, os.Stdout, os.Stderr))
	}
	if spec, ok := os.LookupEnv(execEnv); ok {
		os.Exit(serveExec(spec))
	}
}

// serveChild reads one request from r, caps this process as the request
// says, and writes the answer to w. It returns the exit code: 0 when an
// answer was written, even one that carries the parser's error.
func serveChild(r io.Reader, w, errOut io.Writer) int {
	var req request
	if err := json.NewDecoder(r).Decode(&req); err != nil {
		fmt.Fprintf(errOut, "clara extract: decode request: %v\n", err)
		return 2
	}
	runtime.GOMAXPROCS(1)
	debug.SetMaxStack(maxChildStack)
	if req.Memory > 0 {
		debug.SetMemoryLimit(req.Memory / 2)
	}
	if req.CPUSeconds > 0 && req.Memory > 0 {
		if err := limitSelf(uint64(req.CPUSeconds), uint64(req.Memory)); err != nil {
			fmt.Fprintf(errOut, "clara extract: %v\n", err)
			return 2
		}
	}
	if err := json.NewEncoder(w).Encode(handle(req)); err != nil {
		fmt.Fprintf(errOut, "clara extract: write answer: %v\n", err)
		return 2
	}
	return 0
}

// handle performs req in this process: the parse a child does.
func handle(req request) answer {
	switch req.Op {
	case opExtract:
		return answerOf(attach.Extract(req.Name, req.Data))
	case opHTML:
		title, text, err := attach.HTMLText(bytes.NewReader(req.Data), 0)
		c := attach.Content{Kind: attach.Document, MediaType: "text/html"}
		c.Title, _ = attach.Truncate(title, attach.MaxText)
		c.Text, c.Truncated = attach.Truncate(text, attach.MaxText)
		return answerOf(c, err)
	}
	return answer{Error: fmt.Sprintf("unknown operation %q", req.Op)}
}
