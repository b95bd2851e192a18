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

// machineCPU returns the CPU time every core of the machine has spent
// busy so far (all but idle and iowait), from the first line of /proc/stat.
func machineCPU() (time.Duration, error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("proc stat: %w", err)
	}
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 6 || string(fields[0]) != "cpu" {
		return 0, fmt.Errorf("proc stat: unexpected first line %q", line)
	}
	var busy int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("proc stat: %w", err)
		}
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return time.Duration(busy) * clockTick, nil
}

// cpuTimes are the CPU times a run used: the server's, this process's (the
// load generator) and the whole machine's (which adds PostgreSQL and
// anything else running).
type cpuTimes struct {
	server, load, machine time.Duration
}

// readCPU reads the CPU times so far of server pid, this process and the
// machine.
func readCPU(pid int) (cpuTimes, error) {
	var c cpuTimes
	var err error
	if c.server, err = procCPU(pid); err != nil {
		return c, err
	}
	if c.load, err = procCPU(os.Getpid()); err != nil {
		return c, err
	}
	c.machine, err = machineCPU()
	return c, err
}

// cpuMeter measures the CPU times of a run from a given instant to the
// call of its stop method.
type cpuMeter struct {
	pid   int
	first chan struct{} // closed once the reading at the start is taken
	at    cpuTimes
	err   error
}

// startCPUMeter returns a meter of server pid that takes its first
// reading at from (at once if from has passed).
func startCPUMeter(pid int, from time.Time) *cpuMeter {
	m := &cpuMeter{pid: pid, first: make(chan struct{})}
	go func() {
		time.Sleep(time.Until(from))
		m.at, m.err = readCPU(pid)
		close(m.first)
	}()
	return m
}

// stop takes the second reading and returns the CPU times used since the
// first.
func (m *cpuMeter) stop() (cpuTimes, error) {
	<-m.first
	if m.err != nil {
		return cpuTimes{}, m.err
	}
	now, err := readCPU(m.pid)
	if err != nil {
		return cpuTimes{}, err
	}
	return cpuTimes{server: now.server - m.at.server, load: now.load - m.at.load, machine: now.machine - m.at.machine}, nil
}
