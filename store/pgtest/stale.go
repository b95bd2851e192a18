package pgtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// removeStale stops and deletes the clusters that earlier test binaries left
// behind when they and their watchdogs were killed: directories whose owner
// process is gone and that are older than staleAge.
func removeStale(ctx context.Context, base, bin string, cred *syscall.Credential) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, dir := range dirs {
		if isStale(dir) {
			_ = (&cluster{bin: bin, dir: dir, cred: cred}).stop(ctx)
		}
	}
}

// staleAge is how old a cluster directory of a dead process must be before
// another test binary deletes it. A process that looks dead may live in
// another PID namespace sharing the temporary directory.
const staleAge = time.Hour

// isStale reports whether dir is old and not owned by a live process.
func isStale(dir string) bool {
	st, err := os.Stat(dir)
	if err != nil || time.Since(st.ModTime()) < staleAge {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "owner"))
	if err != nil {
		return true
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err != nil || pid <= 0 || !alive(pid)
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// On Linux, a killed process whose parent has not reaped it yet is a
	// zombie: state Z in /proc/<pid>/stat, after the parenthesised name.
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
