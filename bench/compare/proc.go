package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is a server process the harness started and must stop.
type child struct {
	name   string
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr *bytes.Buffer
	tmp    string // a temporary directory removed on stop, if any
	exited chan struct{}
}

// freeAddr returns a loopback address whose port is free at the moment.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startFloor starts this program again as the floor server kind on a free
// port and waits until readyPath answers.
func startFloor(kind, readyPath string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("own executable: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return start("floor "+kind, exec.Command(self, "-serve-floor", kind, "-addr", addr), addr, readyPath, "")
}

// startClara starts `clara serve` on the embedded store in a fresh
// temporary data directory, on a free port, with anonymous MCP, a rate
// limit the load cannot reach and caps of anonymous SSE streams above
// what the SSE figure opens (the defaults are 8 per address, 512 in all),
// and waits until it is healthy.
func startClara(bin string) (*child, error) {
	dir, err := os.MkdirTemp("", "clara-bench-*")
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"CLARA_DATA_DIR="+dir,
		"CLARA_HTTP_ADDR="+addr,
		"CLARA_MCP_ANONYMOUS=true",
		"CLARA_RATE_LIMIT=1000000",
		"CLARA_SSE_ANONYMOUS_PER_ADDRESS=1000000",
		"CLARA_SSE_ANONYMOUS_TOTAL=1000000",
		"CLARA_LOG_LEVEL=error",
		"CLARA_LOG_FORMAT=json",
	)
	return start("clara serve", cmd, addr, "/api/v1/health", dir)
}

// start runs cmd, which serves on addr, and polls readyPath until it
// answers 200, for up to 30 s.
func start(name string, cmd *exec.Cmd, addr, readyPath, tmp string) (*child, error) {
	c := &child{name: name, cmd: cmd, base: "http://" + addr, stderr: &bytes.Buffer{}, tmp: tmp}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(c.exited) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-c.exited:
			c.cleanup()
			return nil, fmt.Errorf("%s exited before answering: %s", name, c.stderr)
		default:
		}
		if ready(c.base + readyPath) {
			return c, nil
		}
	}
	c.stop()
	return nil, fmt.Errorf("%s did not answer %s within 30 s: %s", name, readyPath, c.stderr)
}

// ready reports whether url answers a GET (or, for an MCP endpoint, a
// POST of ping) with 200.
func ready(url string) bool {
	var resp *http.Response
	var err error
	if strings.HasSuffix(url, "/mcp") {
		resp, err = http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":0,"method":"ping"}`))
	} else {
		resp, err = http.Get(url)
	}
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop interrupts the child, kills it if it has not ended within 5 s, and
// removes its temporary directory.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	c.cleanup()
}

// cleanup removes the child's temporary directory, if any.
func (c *child) cleanup() {
	if c.tmp != "" {
		os.RemoveAll(c.tmp)
	}
}
