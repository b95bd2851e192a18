package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat: Linux's
// USER_HZ, 100 on every architecture Go supports.
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time (user and system, every thread, exited
// ones included) that process pid has used so far, from /proc/<pid>/stat.
// /proc/<pid>/schedstat is finer but counts the main thread only, and is
// all zeros where the kernel keeps no scheduler statistics.
func procCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("proc stat: %w", err)
	}
	// The command name, in parentheses, may hold spaces: fields are
	// counted from after its closing parenthesis, where field 3 starts.
	end := bytes.LastIndexByte(raw, ')')
	if end < 0 {
		return 0, fmt.Errorf("proc stat of %d: no command name", pid)
	}
	fields := bytes.Fields(raw[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("proc stat of %d: %d fields", pid, len(fields))
	}
	var ticks int64
	for _, f := range [][]byte{fields[utime], fields[stime]} {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("proc stat of %d: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// cpuMeter measures the CPU time a process uses from a given instant to
// the call of its stop method.
type cpuMeter struct {
	pid   int
	first chan struct{} // closed once the reading at the start is taken
	at    time.Duration
	err   error
}

// startCPUMeter returns a meter of process pid that takes its first
// reading at from (at once if from has passed).
func startCPUMeter(pid int, from time.Time) *cpuMeter {
	m := &cpuMeter{pid: pid, first: make(chan struct{})}
	go func() {
		time.Sleep(time.Until(from))
		m.at, m.err = procCPU(pid)
		close(m.first)
	}()
	return m
}

// stop takes the second reading and returns the CPU time used since the
// first.
func (m *cpuMeter) stop() (time.Duration, error) {
	<-m.first
	if m.err != nil {
		return 0, m.err
	}
	now, err := procCPU(m.pid)
	if err != nil {
		return 0, err
	}
	return now - m.at, nil
}
