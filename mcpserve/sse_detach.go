package mcpserve

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// A legacy SSE stream lasts as long as its client stays, often hours. Served
// in place, it would keep the goroutine of its connection, with the whole
// middleware chain on its stack (16 KB), net/http's two 4 KB connection
// buffers and its background reader. detach serves it instead on a
// connection taken from net/http: one goroutine with a shallow stack runs
// the stream, another waits for the client to leave, and the response is
// written through a 512-byte buffer. The request itself ends at once, for
// the access log and metrics, as an answer of status 200.

// detachedBuffer is the write buffer of a detached stream: SSE events are
// small, and each is flushed at once.
const detachedBuffer = 512

// detach serves the stream r opens with serve on a goroutine of its own,
// over the connection taken from w, and returns true; done runs once the
// stream has ended and its connection is closed. It returns false, having
// done nothing, when the connection cannot be taken (HTTP/2): serve it in
// place then.
func detach(w http.ResponseWriter, r *http.Request, serve http.Handler, done func()) bool {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	// Deadlines net/http may have set are the request's, not the stream's.
	_ = conn.SetDeadline(time.Time{})
	header := w.Header().Clone()
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	sw := &detachedWriter{conn: conn, header: header, out: bufio.NewWriterSize(conn, detachedBuffer)}
	go watchClient(conn, cancel)
	go func() {
		defer done()
		defer conn.Close()
		defer cancel()
		serve.ServeHTTP(sw, r.WithContext(ctx))
		_ = sw.out.Flush()
	}()
	return true
}

// watchClient reads what the client of a detached stream sends, which is
// nothing but its leaving, and then cancels the stream. A request
// pipelined behind the stream gets no answer.
func watchClient(conn net.Conn, cancel context.CancelFunc) {
	defer cancel()
	var buf [64]byte
	for {
		if _, err := conn.Read(buf[:]); err != nil {
			return
		}
	}
}

// detachedWriter is the http.ResponseWriter of a detached stream: an
// HTTP/1.1 response whose body ends when the connection closes.
type detachedWriter struct {
	conn        net.Conn
	header      http.Header
	out         *bufio.Writer
	mu          sync.Mutex
	wroteHeader bool
}

// Header implements http.ResponseWriter.
func (d *detachedWriter) Header() http.Header { return d.header }

// WriteHeader implements http.ResponseWriter: the status line and headers,
// with Connection: close, for the body runs until the connection closes.
func (d *detachedWriter) WriteHeader(code int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.writeHeader(code)
}

// writeHeader is WriteHeader with d.mu held.
func (d *detachedWriter) writeHeader(code int) {
	if d.wroteHeader {
		return
	}
	d.wroteHeader = true
	d.header.Set("Connection", "close")
	d.header.Del("Content-Length")
	d.header.Del("Transfer-Encoding")
	if d.header.Get("Date") == "" {
		d.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	fmt.Fprintf(d.out, "HTTP/1.1 %s %s\r\n", strconv.Itoa(code), http.StatusText(code))
	_ = d.header.Write(d.out)
	_, _ = d.out.WriteString("\r\n")
}

// Write implements http.ResponseWriter.
func (d *detachedWriter) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.writeHeader(http.StatusOK)
	return d.out.Write(b)
}

// Flush implements http.Flusher: each event goes out when it is written.
func (d *detachedWriter) Flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.writeHeader(http.StatusOK)
	_ = d.out.Flush()
}
