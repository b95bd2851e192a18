package isolate

import (
	"encoding/json"
	"fmt"
	"os"
)

// execEnv, set to an execRequest in JSON, makes a process that imports
// this package a child that caps itself and executes a program in its
// place, before main runs.
const execEnv = "CLARA_EXEC_CHILD"

// execFailed is the exit status of a child that could not start its
// program; it writes a line starting with execFailedPrefix to standard
// error.
const (
	execFailed       = 125
	execFailedPrefix = "clara exec: "
)

// execRequest is what the parent tells a child that runs a program.
type execRequest struct {
	Path       string   `json:"path"`
	Args       []string `json:"args"` // with the program's name first
	Env        []string `json:"env"`
	CPUSeconds int64    `json:"cpu_seconds"` // RLIMIT_CPU
	Memory     int64    `json:"memory"`      // RLIMIT_AS, in bytes
	MaxFile    int64    `json:"max_file"`    // RLIMIT_FSIZE, in bytes
	OpenFiles  int64    `json:"open_files"`  // RLIMIT_NOFILE
}

// serveExec decodes spec, caps this process and replaces it with the
// program; it returns (an exit status) only when that fails.
func serveExec(spec string) int {
	var req execRequest
	if err := json.Unmarshal([]byte(spec), &req); err != nil {
		fmt.Fprintf(os.Stderr, "%sdecode request: %v\n", execFailedPrefix, err)
		return execFailed
	}
	err := execLimited(req)
	fmt.Fprintf(os.Stderr, "%s%v\n", execFailedPrefix, err)
	return execFailed
}
