package mcpserve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/buger/jsonparser"
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

// idKey returns the canonical JSON of a message's id, or "" for none.
func idKey(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// peek reads the id (as idKey gives it) and the method of a JSON-RPC
// message from its top level alone, without decoding the rest: stdio
// passes every message through here, results of any size among them.
func peek(msg []byte) (id, method string) {
	jsonparser.EachKey(msg, func(i int, v []byte, t jsonparser.ValueType, err error) {
		if err != nil {
			return
		}
		switch {
		case i == 0:
			id = peekedID(v, t)
		case i == 1 && t == jsonparser.String:
			method = string(v)
			if bytes.IndexByte(v, '\\') >= 0 {
				method, _ = jsonparser.ParseString(v)
			}
		}
	}, []string{"id"}, []string{"method"})
	return id, method
}

// peekedID is idKey of the id value v of type t as jsonparser reads it (a
// string without its quotes). Plain integers and strings are their own
// canonical JSON; anything else is canonicalised by idKey.
func peekedID(v []byte, t jsonparser.ValueType) string {
	switch t {
	case jsonparser.Number:
		if plainInteger(v) {
			return string(v)
		}
		return idKey(v)
	case jsonparser.String:
		quoted := make([]byte, 0, len(v)+2)
		quoted = append(append(append(quoted, '"'), v...), '"')
		if plainString(v) {
			return string(quoted)
		}
		return idKey(quoted)
	case jsonparser.Boolean, jsonparser.Object, jsonparser.Array:
		return idKey(v) // not a valid id, but mcp-go may echo it
	}
	return ""
}

// plainInteger reports whether v is an integer literal that float64 holds
// exactly and encoding/json writes back unchanged.
func plainInteger(v []byte) bool {
	digits := bytes.TrimPrefix(v, []byte("-"))
	if len(digits) == 0 || len(digits) > 15 || (digits[0] == '0' && len(digits) > 1) {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return string(v) != "-0"
}

// plainString reports whether a JSON string's content v is printable ASCII
// that encoding/json writes back unchanged (no escapes, no <, > or &).
func plainString(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// sawLine records one complete input line. A line that is not JSON counts
// for nothing: mcp-go answers it with a null id.
func (p *pending) sawLine(line []byte) {
	if !json.Valid(line) {
		return
	}
	id, method := peek(line)
	if method == "" || method == "subscriptions/listen" || id == "" {
		return
	}
	p.mu.Lock()
	p.open[id]++
	p.mu.Unlock()
}

// answered records one output message (mcp-go's, always JSON).
func (p *pending) answered(msg []byte) {
	k, method := peek(msg)
	if method != "" {
		return
	}
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
