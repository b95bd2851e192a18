package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// sseSettle is how long the sessions stay open before the second reading
// of the server's memory (and how long a server idles before the first).
const sseSettle = 2 * time.Second

// raiseNoFile raises this process's soft limit of open files to at least
// need (to the hard limit, and the hard limit too if allowed), through
// Setrlimit so that the servers it starts inherit the new limit.
func raiseNoFile(need uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("open-file limit: %w", err)
	}
	if lim.Max < need {
		lim.Max = need // succeeds only with CAP_SYS_RESOURCE
	}
	lim.Cur = max(lim.Cur, min(need, lim.Max))
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return fmt.Errorf("open-file limit: %w", err)
		}
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return fmt.Errorf("raise open-file limit to %d: %w", lim.Cur, err)
		}
	}
	if lim.Cur < need {
		return fmt.Errorf("open-file limit %d is below the %d needed", lim.Cur, need)
	}
	return nil
}

// sseGrowth returns how much the resident memory of proc grows, in MiB,
// once n legacy MCP SSE sessions are open on it (GET base/sse, each read
// up to its endpoint event and kept open) and have been for sseSettle;
// then it closes them all.
func sseGrowth(proc *child, n int) (float64, error) {
	pid := proc.cmd.Process.Pid
	before, err := rssMiB(pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", proc.name, err)
	}
	tr := &http.Transport{DisableCompression: true, ResponseHeaderTimeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	streams := make([]io.Closer, 0, n)
	defer func() {
		for _, s := range streams {
			_ = s.Close()
		}
	}()
	for i := range n {
		s, err := openSSE(client, proc.base+"/sse")
		if err != nil {
			return 0, fmt.Errorf("%s: SSE session %d of %d: %w", proc.name, i+1, n, err)
		}
		streams = append(streams, s)
	}
	time.Sleep(sseSettle)
	after, err := rssMiB(pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", proc.name, err)
	}
	return after - before, nil
}

// openSSE opens an SSE stream at url and reads it up to its endpoint
// event (whose data must name a session), within 10 s; it returns the
// open stream.
func openSSE(client *http.Client, url string) (io.Closer, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	timer := time.AfterFunc(10*time.Second, func() { resp.Body.Close() })
	defer timer.Stop()
	br := bufio.NewReader(resp.Body)
	event := ""
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: no endpoint event: %w", url, err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case event == "endpoint" && strings.HasPrefix(line, "data:"):
			if !strings.Contains(line, "sessionId=") {
				resp.Body.Close()
				return nil, fmt.Errorf("GET %s: endpoint event without a session: %q", url, line)
			}
			return resp.Body, nil
		}
	}
}
