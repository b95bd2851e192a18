package main

import (
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"time"
)

// servers are the long-running servers of a comparison, each started the
// first time a section needs it.
type servers struct {
	bin                        string
	mcpFloor, restFloor, clara *child
	stops                      []func() // other things to stop, such as the PostgreSQL setup
}

// get returns *slot, starting it with start first if it is not running.
func (s *servers) get(slot **child, start func() (*child, error)) (*child, error) {
	if *slot != nil {
		return *slot, nil
	}
	c, err := start()
	if err != nil {
		return nil, err
	}
	*slot = c
	return c, nil
}

// mcpAndClara returns the Streamable HTTP floor and Clara on the embedded
// store, starting them if needed.
func (s *servers) mcpAndClara() (floor, clara *child, err error) {
	if floor, err = s.get(&s.mcpFloor, func() (*child, error) { return startFloor("mcp-http", "/mcp") }); err != nil {
		return nil, nil, err
	}
	if clara, err = s.get(&s.clara, func() (*child, error) { return startClara(s.bin) }); err != nil {
		return nil, nil, err
	}
	return floor, clara, nil
}

// stop stops every server started so far; it may be called again.
func (s *servers) stop() {
	for _, c := range []**child{&s.mcpFloor, &s.restFloor, &s.clara} {
		if *c != nil {
			(*c).stop()
			*c = nil
		}
	}
	for _, f := range s.stops {
		f()
	}
	s.stops = nil
}

// idleRSS starts the health floor (served by self) and Clara, each from an
// executable read back from disk (evictPageCache), lets them idle for sseSettle and adds
// their resident memory to m, whole and in its anonymous and file parts.
func idleRSS(s *servers, self string, m *measures) error {
	if err := evictPageCache(self, s.bin); err != nil {
		return err
	}
	floor, err := s.get(&s.restFloor, func() (*child, error) { return startFloor("health", "/") })
	if err != nil {
		return err
	}
	clara, err := s.get(&s.clara, func() (*child, error) { return startClara(s.bin) })
	if err != nil {
		return err
	}
	time.Sleep(sseSettle)
	f, err := residentMemory(floor.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("health floor: %w", err)
	}
	c, err := residentMemory(clara.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("clara serve: %w", err)
	}
	m.add("idle RSS 2 s after start (floor: bare health server)", mib(f.total), mib(c.total), c.total/f.total)
	m.add("idle RSS: anonymous (heap, stacks, runtime)", mib(f.anon), mib(c.anon), c.anon/f.anon)
	m.add("idle RSS: the executable's pages (code, read-only data)", mib(f.file), mib(c.file), c.file/f.file)
	started, err := startedRSS(s.bin)
	if err != nil {
		return err
	}
	m.add("RSS of `clara health` waiting for its answer (start-up and package initialisation alone)", "—", mib(started.total), math.NaN())
	return nil
}

// startedRSS is the resident memory of `clara health` from bin, read from
// disk, while it waits for an answer that never comes: what the runtime's
// start and the initialisation of every package cost, before Clara serves
// anything.
func startedRSS(bin string) (residency, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // accepts nothing: the connection waits in the backlog
	if err != nil {
		return residency{}, fmt.Errorf("silent listener: %w", err)
	}
	defer l.Close()
	if err := evictPageCache(bin); err != nil {
		return residency{}, err
	}
	cmd := exec.Command(bin, "health", "--timeout", "30s")
	cmd.Env = append(os.Environ(), "CLARA_HTTP_ADDR="+l.Addr().String())
	if err := cmd.Start(); err != nil {
		return residency{}, fmt.Errorf("clara health: %w", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	time.Sleep(sseSettle)
	r, err := residentMemory(cmd.Process.Pid)
	if err != nil {
		return residency{}, fmt.Errorf("clara health: %w", err)
	}
	return r, nil
}

// startupTimes adds to m the median start → initialize time of the stdio
// floor and of `clara mcp` on the embedded store in dataDir: first with
// the executables as the page cache holds them (just built, here), then
// with both read back from disk (evictPageCache), as after a reboot.
func startupTimes(o options, self, bin, dataDir string, m *measures) error {
	for _, cold := range []bool{false, true} {
		name := fmt.Sprintf("stdio start → initialize answered (median of %d)", o.starts)
		if cold {
			name = fmt.Sprintf("stdio start → initialize answered, executables read back from disk (median of %d)", o.starts)
			if err := evictPageCache(self, bin); err != nil {
				return err
			}
		}
		medians, err := startupMedians(o.starts, floorStdioCmd(self), claraMCPCmd(bin, dataDir))
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		floorStart, claraStart := medians[0], medians[1]
		m.add(name, ms(floorStart), ms(claraStart), float64(claraStart)/float64(floorStart))
	}
	return nil
}

// sseFigures starts a fresh mcp-go SSE floor and then a fresh `clara
// serve` on the embedded store, lets each idle for sseSettle, and adds to
// m how much each one's resident memory grows with o.sse open legacy SSE
// sessions.
func sseFigures(o options, bin string, m *measures) error {
	growth := func(start func() (*child, error)) (float64, error) {
		c, err := start()
		if err != nil {
			return 0, err
		}
		defer c.stop()
		time.Sleep(sseSettle)
		return sseGrowth(c, o.sse)
	}
	floor, err := growth(func() (*child, error) { return startFloor("mcp-sse", "/ready") })
	if err != nil {
		return err
	}
	clara, err := growth(func() (*child, error) { return startClara(bin) })
	if err != nil {
		return err
	}
	m.add(fmt.Sprintf("RSS added by %s open legacy-SSE sessions (floor: bare mcp-go SSE)", thousands(o.sse)),
		mib(floor), mib(clara), clara/floor)
	return nil
}

// claraStdioLoadCmd returns a maker of `clara mcp` commands for the load
// runs: claraMCPCmd's, with a rate limit the load cannot reach.
func claraStdioLoadCmd(bin, dataDir string) func() *exec.Cmd {
	newCmd := claraMCPCmd(bin, dataDir)
	return func() *exec.Cmd {
		cmd := newCmd()
		cmd.Env = append(cmd.Env, "CLARA_RATE_LIMIT=1000000")
		return cmd
	}
}
