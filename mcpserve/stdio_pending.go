package mcpserve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// mcp-go's stdio server stops its workers as soon as stdin reaches EOF, so
// requests piped in just before the end (printf '…' | clara mcp) would lose
// their responses. pending counts the requests read and not yet answered,
// and holds EOF back until they are.

// drainLimit bounds how long EOF is held back for unanswered requests.
const drainLimit = 3 * time.Minute

// pending tracks request ids between the stdin reader and stdout writer.
type pending struct {
	ctx     context.Context
	mu      sync.Mutex
	open    map[string]int // request id (as JSON) → count of unanswered requests
	changed chan struct{}  // closed when a request is answered
}

// newPending returns a tracker that stops holding EOF back when ctx ends.
func newPending(ctx context.Context) *pending {
	return &pending{ctx: ctx, open: map[string]int{}, changed: make(chan struct{})}
}

// message is what pending reads of a JSON-RPC message.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// idKey returns the canonical JSON of a message's id, or "" for none.
func idKey(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// sawLine records one complete input line.
func (p *pending) sawLine(line []byte) {
	var m message
	if json.Unmarshal(line, &m) != nil || m.Method == "" || m.Method == "subscriptions/listen" {
		return
	}
	if k := idKey(m.ID); k != "" {
		p.mu.Lock()
		p.open[k]++
		p.mu.Unlock()
	}
}

// answered records one output message.
func (p *pending) answered(msg []byte) {
	var m message
	if json.Unmarshal(msg, &m) != nil || m.Method != "" {
		return
	}
	k := idKey(m.ID)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open[k] == 0 {
		return
	}
	if p.open[k]--; p.open[k] == 0 {
		delete(p.open, k)
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// wait blocks until no request is open, ctx ends or the drain limit passes.
func (p *pending) wait() {
	limit := time.NewTimer(drainLimit)
	defer limit.Stop()
	for {
		p.mu.Lock()
		n, changed := len(p.open), p.changed
		p.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-p.ctx.Done():
			return
		case <-limit.C:
			return
		}
	}
}

// reader wraps stdin: it records each complete line and, at EOF, waits for
// the open requests before reporting EOF.
func (p *pending) reader(r io.Reader) io.Reader { return &pendingReader{p: p, r: r} }

type pendingReader struct {
	p    *pending
	r    io.Reader
	line []byte // the incomplete line read so far
}

// Read implements io.Reader.
func (pr *pendingReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	data := b[:n]
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			pr.line = append(pr.line, data...)
			break
		}
		pr.line = append(pr.line, data[:i]...)
		pr.p.sawLine(pr.line)
		pr.line = pr.line[:0]
		data = data[i+1:]
	}
	if err == io.EOF {
		if n > 0 {
			return n, nil // report EOF on the next call, after this data is handled
		}
		pr.p.wait()
	}
	return n, err
}

// writer wraps stdout: mcp-go writes each message with a single Write.
func (p *pending) writer(w io.Writer) io.Writer { return &pendingWriter{p: p, w: w} }

type pendingWriter struct {
	p *pending
	w io.Writer
}

// Write implements io.Writer.
func (pw *pendingWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.p.answered(b)
	return n, err
}
