package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds how long a starting server may take to answer PING.
const readyTimeout = 10 * time.Second

// Server is a throwaway redis-server listening on 127.0.0.1 only. Its
// directory holds its log and the "pid" file the watchdog reads.
type Server struct {
	bin       string
	dir       string
	port      int
	databases int
	lifeline  *os.File  // the watchdog's stdin; closing it stops the server
	watchdog  *exec.Cmd // kills the server and deletes dir once this process is gone

	mu     sync.Mutex
	proc   *exec.Cmd
	exited chan struct{} // closed once proc has exited
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL returns the redis:// URL of the server's database 0.
func (s *Server) URL() string { return s.url(0) }

// Kill kills the server with SIGKILL, as a crash would, and waits until it
// is gone; its port stops answering. Restart starts it again.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.kill(); err != nil {
		t.Fatalf("redistest: %v", err)
	}
}

// Restart starts a killed server again, empty, on the same port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		t.Fatal("redistest: Restart of a server that runs; Kill it first")
	}
	if err := s.launch(); err != nil {
		t.Fatalf("redistest: restart: %v", err)
	}
}

// Pause stops the server with SIGSTOP: connections stay open and new ones
// are accepted by the kernel, but nothing is answered, as with a server
// that hangs. Resume lets it go on.
func (s *Server) Pause(t testing.TB) { t.Helper(); s.signal(t, syscall.SIGSTOP) }

// Resume lets a paused server go on (SIGCONT).
func (s *Server) Resume(t testing.TB) { t.Helper(); s.signal(t, syscall.SIGCONT) }

func (s *Server) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		t.Fatalf("redistest: %v to a server that does not run", sig)
	}
	if err := s.proc.Process.Signal(sig); err != nil {
		t.Fatalf("redistest: %v: %v", sig, err)
	}
}

// start starts a server with that many databases on a free port, in a new
// private directory watched by a watchdog.
func start(databases int) (*Server, error) {
	bin, err := findServer()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "clara-redistest-")
	if err != nil {
		return nil, fmt.Errorf("create server directory: %w", err)
	}
	s := &Server{bin: bin, dir: dir, databases: databases}
	if err := s.startWatchdog(); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	// A free port may be taken between finding it and binding it: try
	// again on another.
	for range 3 {
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.launch(); err == nil {
			return s, nil
		}
	}
	return nil, errors.Join(err, s.close())
}

// freePort returns a TCP port of 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// launch starts redis-server on s.port and waits until it answers PING.
// s.mu is held (or s is not shared yet).
func (s *Server) launch() error {
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--logfile", s.logPath(),
		"--databases", strconv.Itoa(s.databases), "--daemonize", "no")
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.proc, s.exited = cmd, exited
	if err := os.WriteFile(s.pidPath(), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		return errors.Join(fmt.Errorf("write pid file: %w", err), s.kill())
	}
	if err := s.awaitReady(); err != nil {
		return errors.Join(err, s.kill())
	}
	return nil
}

// awaitReady waits until the server answers PING, or fails with its log.
func (s *Server) awaitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("redis-server on port %d exited at start; its log:\n%s", s.port, s.logText())
		default:
		}
		if ping(s.Addr()) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on port %d did not answer within %v; its log:\n%s", s.port, readyTimeout, s.logText())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ping reports whether a Redis server at addr answers PING.
func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.TrimSpace(line) == "+PONG"
}

// kill kills the running server, if any, and waits until it is gone.
// s.mu is held.
func (s *Server) kill() error {
	if s.proc == nil {
		return nil
	}
	if err := s.proc.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill redis-server: %w", err)
	}
	<-s.exited
	s.proc = nil
	// Its pid may be reused: the watchdog must not kill that process.
	if err := os.Remove(s.pidPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove pid file: %w", err)
	}
	return nil
}

// startWatchdog starts a shell, in its own process group so that a
// terminal's Ctrl-C does not reach it, that waits for end of file on its
// stdin, then kills the server whose pid the pid file holds and deletes
// the directory. Only this process holds the other end of that pipe, so the
// server goes away however this process ends.
func (s *Server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	defer r.Close()
	const script = `read -r line; pid=$(cat "$1/pid" 2>/dev/null) && kill -KILL "$pid" 2>/dev/null; rm -rf "$1"`
	cmd := exec.Command("/bin/sh", "-c", script, "redistest-watchdog", s.dir)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = w.Close()
		return fmt.Errorf("start watchdog: %w", err)
	}
	s.watchdog, s.lifeline = cmd, w
	return nil
}

// close kills the server, stops the watchdog and deletes the directory.
func (s *Server) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.kill()
	if s.watchdog != nil {
		_ = s.lifeline.Close()
		_ = s.watchdog.Wait() // its status says nothing useful
		s.watchdog = nil
	}
	if rerr := os.RemoveAll(s.dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("remove server directory: %w", rerr))
	}
	return err
}

func (s *Server) logPath() string { return filepath.Join(s.dir, "redis.log") }
func (s *Server) pidPath() string { return filepath.Join(s.dir, "pid") }

// logText returns the server's log, or why it cannot be read.
func (s *Server) logText() string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	return string(b)
}
