package mcpserve_test

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/mcpserve"
)

// A stream served on its own connection answers as an HTTP/1.1 stream
// that ends with the connection, keeps the headers set before it started,
// and ends when the server closes its streams.
func TestDetachedStream(t *testing.T) {
	h := mcpserve.NewHTTPHandlers(bareServer(), mcpserve.HTTPOptions{Anonymous: true})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-1")
		h.SSE.ServeHTTP(w, r)
	}))
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !resp.Close || resp.Header.Get("X-Request-Id") != "req-1" ||
		resp.Header.Get("Content-Type") != "text/event-stream" || resp.ContentLength != -1 {
		t.Fatalf("status %d, close %v, headers %v", resp.StatusCode, resp.Close, resp.Header)
	}
	r := bufio.NewReader(resp.Body)
	if event, _ := r.ReadString('\n'); event != "event: endpoint\n" {
		t.Fatalf("first line %q", event)
	}
	h.CloseStreams()
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, r); ended <- err }()
	select {
	case err := <-ended:
		if err != nil && !strings.Contains(err.Error(), "reset") {
			t.Errorf("stream ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the server closed its streams")
	}
}
