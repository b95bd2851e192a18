package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// stdioTimeout is how long a stdio request may wait for its answer.
const stdioTimeout = 10 * time.Second

// errStdioEnded is the error of a call whose server's output ended.
var errStdioEnded = fmt.Errorf("stdio server's output ended: %w", errStop)

// stdioSide is a runner that starts an MCP stdio server with newCmd for
// each run and calls tool with args over its one pipe; an answer must
// hold want and no mcpFailures.
type stdioSide struct {
	newCmd           func() *exec.Cmd
	tool, args, want string
}

// stdioConn is a JSON-RPC session over the stdin and stdout of a child
// process: requests are written whole lines at a time, and one reader
// hands each answer to the caller waiting for its id.
type stdioConn struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	stderr bytes.Buffer
	wmu    sync.Mutex // one request line at a time on stdin

	mu      sync.Mutex
	waiting map[int64]chan []byte // request id → where its answer goes
	ended   chan struct{}         // closed when stdout ends

	closing sync.Once
}

// dialStdio starts cmd and initializes an MCP session with it.
func dialStdio(cmd *exec.Cmd) (*stdioConn, error) {
	c := &stdioConn{cmd: cmd, waiting: map[int64]chan []byte{}, ended: make(chan struct{})}
	cmd.Stderr = &c.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	c.in = in
	go c.read(out)
	answer, err := c.call(1, []byte(initializeLine), make(chan []byte, 1), time.NewTimer(stdioTimeout))
	if err == nil && !bytes.Contains(answer, []byte(`"serverInfo"`)) {
		err = fmt.Errorf("initialize answer: %.300s", answer)
	}
	if err == nil {
		err = c.write([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"))
	}
	if err != nil {
		c.close()
		return nil, fmt.Errorf("initialize %s: %w (stderr: %s)", cmd.Path, err, c.stderr.String())
	}
	return c, nil
}

// read hands every answer on out to the caller waiting for its id,
// skipping notifications and requests from the server, until out ends.
func (c *stdioConn) read(out io.Reader) {
	defer close(c.ended)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var head struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(sc.Bytes(), &head) != nil || head.Method != "" || len(head.ID) == 0 {
			continue
		}
		id, err := strconv.ParseInt(string(head.ID), 10, 64)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if ch, ok := c.waiting[id]; ok {
			delete(c.waiting, id)
			ch <- bytes.Clone(sc.Bytes())
		}
		c.mu.Unlock()
	}
}

// write writes one whole line to the server's stdin.
func (c *stdioConn) write(line []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.in.Write(line); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	return nil
}

// call sends the request line of id and waits for its answer on ch (which
// must be empty and buffered), for at most stdioTimeout, using timer
// (stopped and drained).
func (c *stdioConn) call(id int64, line []byte, ch chan []byte, timer *time.Timer) ([]byte, error) {
	c.mu.Lock()
	c.waiting[id] = ch
	c.mu.Unlock()
	if err := c.write(line); err != nil {
		c.forget(id, ch)
		return nil, err
	}
	timer.Reset(stdioTimeout)
	defer timer.Stop()
	select {
	case answer := <-ch:
		return answer, nil
	case <-c.ended:
		return nil, errStdioEnded
	case <-timer.C:
		c.forget(id, ch)
		return nil, fmt.Errorf("request %d: no answer within %s", id, stdioTimeout)
	}
}

// forget stops waiting for the answer of id, and drops from ch an answer
// that arrived meanwhile.
func (c *stdioConn) forget(id int64, ch chan []byte) {
	c.mu.Lock()
	delete(c.waiting, id)
	c.mu.Unlock()
	select {
	case <-ch:
	default:
	}
}

// close ends the session, once: it closes stdin and waits up to 5 s for
// the process to end before killing it.
func (c *stdioConn) close() {
	c.closing.Do(func() {
		_ = c.in.Close()
		done := make(chan struct{})
		go func() { _ = c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = c.cmd.Process.Kill()
			<-done
		}
	})
}

// run starts the server and keeps clients tools/call requests in flight
// on its pipe for d after a short warm-up, checking every answer; it
// returns their rate, latency percentiles and the server's CPU time per
// counted request.
func (s stdioSide) run(clients int, d time.Duration) (result, error) {
	conn, err := dialStdio(s.newCmd())
	if err != nil {
		return result{}, err
	}
	defer conn.close()
	var next atomic.Int64
	next.Store(1) // 1 was initialize
	if err := s.once(conn, &next, nil, make(chan []byte, 1), time.NewTimer(stdioTimeout)); err != nil {
		return result{}, err
	}
	start := time.Now().Add(warmup)
	meter := startCPUMeter(conn.cmd.Process.Pid, start)
	lat, errs, err := drive(clients, start, d, func() func() error {
		buf, ch, timer := make([]byte, 0, 256), make(chan []byte, 1), time.NewTimer(stdioTimeout)
		return func() error { return s.once(conn, &next, buf, ch, timer) }
	})
	if err != nil {
		conn.close() // so that its stderr is complete
		return result{}, fmt.Errorf("stdio %s: %w (stderr: %s)", s.tool, err, conn.stderr.String())
	}
	r, err := tally(lat, errs, d, meter)
	if err != nil {
		return r, fmt.Errorf("stdio %s: %w", s.tool, err)
	}
	return r, nil
}

// once sends one tools/call with the next id, built in buf, and checks
// its answer.
func (s stdioSide) once(conn *stdioConn, next *atomic.Int64, buf []byte, ch chan []byte, timer *time.Timer) error {
	id := next.Add(1)
	line := fmt.Appendf(buf[:0], `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`+"\n",
		id, s.tool, s.args)
	answer, err := conn.call(id, line, ch, timer)
	if err != nil {
		return err
	}
	return checkBody(answer, s.want, mcpFailures)
}
