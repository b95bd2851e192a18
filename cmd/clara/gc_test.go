package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// The default memory limit leaves room for twice the password hashes that
// may run at once, over a 64 MiB base; GOGC and GOMEMLIMIT, when set,
// leave the runtime's settings alone.
func TestTuneGC(t *testing.T) {
	want := int64(64<<20) + 2*int64(runtime.GOMAXPROCS(0))*46<<20
	if got := defaultMemoryLimit(); got != want {
		t.Errorf("default memory limit %d, want %d", got, want)
	}
	percent, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(percent)
	tuneGC(func(string) (string, bool) { return "", true })
	if p, l := debug.SetGCPercent(percent), debug.SetMemoryLimit(-1); p != percent || l != limit {
		t.Errorf("with GOGC and GOMEMLIMIT set: GC percent %d, limit %d; want %d, %d", p, l, percent, limit)
	}
}
