package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// initializeLine is an MCP initialize request on one line of stdio.
const initializeLine = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench-compare","version":"1"}}}` + "\n"

// startupMedians starts each of the commands newCmds make once to warm up
// (which lets Clara create its store), then n times more, taking them in turn (so that what else the machine
// does at a moment weighs on every side alike), and returns each one's
// median time from start to its initialize answer.
func startupMedians(n int, newCmds ...func() *exec.Cmd) ([]time.Duration, error) {
	times := make([][]time.Duration, len(newCmds))
	for round := range n + 1 {
		for i, newCmd := range newCmds {
			d, err := startupOnce(newCmd())
			if err != nil {
				return nil, err
			}
			if round > 0 {
				times[i] = append(times[i], d)
			}
		}
	}
	medians := make([]time.Duration, len(newCmds))
	for i, ts := range times {
		slices.Sort(ts)
		medians[i] = ts[len(ts)/2]
	}
	return medians, nil
}

// startupOnce starts cmd, writes initialize to its stdin and times the
// first line of its stdout, which must be the answer; then it closes
// stdin and waits for the process to end.
func startupOnce(cmd *exec.Cmd) (time.Duration, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, fmt.Errorf("stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("stdout: %w", err)
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	defer func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	if _, err := stdin.Write([]byte(initializeLine)); err != nil {
		return 0, fmt.Errorf("write initialize: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	d := time.Since(t0)
	if err != nil || !strings.Contains(line, `"serverInfo"`) {
		return 0, fmt.Errorf("initialize answer %q: %v", line, err)
	}
	return d, nil
}

// claraMCPCmd returns a maker of `clara mcp` commands on the embedded
// store in dataDir.
func claraMCPCmd(bin, dataDir string) func() *exec.Cmd {
	return func() *exec.Cmd {
		cmd := exec.Command(bin, "mcp")
		cmd.Env = append(os.Environ(), "CLARA_DATA_DIR="+dataDir, "CLARA_LOG_LEVEL=error")
		return cmd
	}
}

// floorStdioCmd returns a maker of commands that run the bare mcp-go
// stdio floor (this program again).
func floorStdioCmd(self string) func() *exec.Cmd {
	return func() *exec.Cmd { return exec.Command(self, "-serve-floor", "mcp-stdio") }
}
