package mcpserve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Over stdio, the messages an Interceptor handles are taken out of the
// stream mcp-go reads (stdioTasks.reader) and answered concurrently, each
// in its own goroutine, through the writer mcp-go writes to: a
// lockedWriter, so that lines never interleave.

// lockedWriter serialises the writes of mcp-go and of the Interceptor.
// Each writes a whole message, newline included, in one Write.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write implements io.Writer.
func (lw *lockedWriter) Write(b []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(b)
}

// stdioTasks answers the messages of one stdio stream that h handles.
type stdioTasks struct {
	h   Interceptor
	ctx context.Context // the session's: it carries the session's credentials
	out io.Writer
	wg  sync.WaitGroup

	mu       sync.Mutex
	inflight map[string]context.CancelFunc // request id (idKey) → cancel of its answer
	ended    time.Time                     // when the input ended, set by its reader
}

// newStdioTasks returns the answerer of h for a stdio stream whose session
// context is ctx and whose output is out (a lockedWriter).
func newStdioTasks(h Interceptor, ctx context.Context, out io.Writer) *stdioTasks {
	return &stdioTasks{h: h, ctx: ctx, out: out, inflight: map[string]context.CancelFunc{}}
}

// wait waits for the answers under way; cancel their context first.
func (t *stdioTasks) wait() { t.wg.Wait() }

// take answers line when h handles it, and reports whether it did; a
// line it does not take goes to mcp-go. A notifications/cancelled naming a
// request it is answering cancels that answer (and goes to mcp-go too).
func (t *stdioTasks) take(line []byte) bool {
	line = bytes.TrimSpace(line)
	t.cancelled(line)
	if !t.h.Handles(line) {
		return false
	}
	msg := bytes.Clone(line)
	id, _ := peek(msg)
	ctx, cancel := context.WithCancel(t.ctx)
	t.mu.Lock()
	t.inflight[id] = cancel
	t.mu.Unlock()
	t.wg.Go(func() {
		defer func() {
			t.mu.Lock()
			delete(t.inflight, id)
			t.mu.Unlock()
			cancel()
		}()
		if resp := t.h.Handle(ctx, msg); resp != nil {
			_, _ = t.out.Write(append(resp, '\n'))
		}
	})
	return true
}

// cancelled cancels the answer under way that line, a
// notifications/cancelled, names.
func (t *stdioTasks) cancelled(line []byte) {
	t.mu.Lock()
	idle := len(t.inflight) == 0
	t.mu.Unlock()
	if idle {
		return
	}
	var n struct {
		Method string `json:"method"`
		Params struct {
			RequestID json.RawMessage `json:"requestId"`
		} `json:"params"`
	}
	if json.Unmarshal(line, &n) != nil || n.Method != "notifications/cancelled" {
		return
	}
	t.mu.Lock()
	cancel := t.inflight[idKey(n.Params.RequestID)]
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// reader wraps the input: it hands take each complete line and gives
// mcp-go the lines take leaves, in order. A last line without a newline
// goes to mcp-go as it is.
func (t *stdioTasks) reader(r io.Reader) io.Reader {
	return &tasksReader{t: t, r: r, buf: make([]byte, 64<<10)}
}

type tasksReader struct {
	t    *stdioTasks
	r    io.Reader
	buf  []byte
	line []byte       // the incomplete line read so far
	out  bytes.Buffer // lines for mcp-go, not read yet
	err  error        // the input's error, reported once out is empty
}

// Read implements io.Reader. It reads on until it has a line for mcp-go,
// so a read of lines all taken does not return empty-handed.
func (tr *tasksReader) Read(b []byte) (int, error) {
	for tr.out.Len() == 0 && tr.err == nil {
		n, err := tr.r.Read(tr.buf)
		tr.scan(tr.buf[:n])
		if err != nil {
			tr.out.Write(tr.line)
			tr.line = nil
			tr.err = err
			tr.t.ended = time.Now()
		}
	}
	if tr.out.Len() > 0 {
		return tr.out.Read(b)
	}
	return 0, tr.err
}

// scan splits data into lines, completing the pending one.
func (tr *tasksReader) scan(data []byte) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			tr.line = append(tr.line, data...)
			return
		}
		tr.line = append(tr.line, data[:i+1]...)
		if !tr.t.take(tr.line) {
			tr.out.Write(tr.line)
		}
		tr.line = tr.line[:0]
		data = data[i+1:]
	}
}

// drain waits for the answers under way until limit after the input's
// end or until ctx ends, whichever comes first; it does not cancel them.
func (t *stdioTasks) drain(ctx context.Context, limit time.Duration) {
	done := make(chan struct{})
	go func() {
		t.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(time.Until(t.ended.Add(limit)))
	defer timer.Stop()
	select {
	case <-done:
	case <-ctx.Done():
	case <-timer.C:
	}
}
