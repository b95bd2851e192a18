//go:build linux

package isolate

import (
	"fmt"
	"runtime/debug"
	"syscall"
	"unsafe"
)

// canExec reports whether Run can run programs on this system.
const canExec = true

// errNoExec is the error of Run where canExec is false.
var errNoExec error

// accessX is access(2)'s X_OK.
const accessX = 1

// execLimited sets the limits of req on this process and executes req's
// program in its place; it returns only on failure.
//
// The address space is capped last, immediately before execve and with
// raw system calls: this Go process already maps more than a program's
// cap (the runtime reserves over 1 GiB), so that past that point no
// allocation of the runtime may succeed. Everything execve needs is
// prepared before, and the garbage collector is off. The program starts
// with a fresh address space under the cap.
func execLimited(req execRequest) error {
	if len(req.Args) == 0 || req.CPUSeconds <= 0 || req.Memory <= 0 || req.MaxFile <= 0 || req.OpenFiles <= 0 {
		return fmt.Errorf("incomplete request for %q", req.Path)
	}
	if err := syscall.Access(req.Path, accessX); err != nil {
		return fmt.Errorf("%s: %w", req.Path, err)
	}
	path, err := syscall.BytePtrFromString(req.Path)
	if err != nil {
		return fmt.Errorf("path: %w", err)
	}
	argv, err := syscall.SlicePtrFromStrings(req.Args)
	if err != nil {
		return fmt.Errorf("arguments: %w", err)
	}
	envv, err := syscall.SlicePtrFromStrings(req.Env)
	if err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	for _, l := range []struct {
		name     string
		resource int
		value    uint64
	}{
		{"CPU time", syscall.RLIMIT_CPU, uint64(req.CPUSeconds)},
		{"file size", syscall.RLIMIT_FSIZE, uint64(req.MaxFile)},
		{"open files", syscall.RLIMIT_NOFILE, uint64(req.OpenFiles)},
		{"core size", syscall.RLIMIT_CORE, 0},
	} {
		if err := lower(l.resource, l.value, l.value); err != nil {
			return fmt.Errorf("limit %s: %w", l.name, err)
		}
	}
	var as syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &as); err != nil {
		return fmt.Errorf("limit address space: %w", err)
	}
	as.Cur = min(uint64(req.Memory), as.Max)
	as.Max = as.Cur
	debug.SetGCPercent(-1)
	// No allocation from here on.
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, syscall.RLIMIT_AS, uintptr(unsafe.Pointer(&as)), 0, 0, 0); e != 0 {
		return fmt.Errorf("limit address space: %w", e) // not capped: allocation is still possible
	}
	_, _, e := syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(&argv[0])), uintptr(unsafe.Pointer(&envv[0])))
	for _, s := range [...]string{execFailedPrefix, "execve: ", e.Error(), "\n"} { // Errno.Error does not allocate
		syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(len(s)))
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, execFailed, 0, 0)
	return nil // not reached
}
