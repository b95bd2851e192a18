package mcpserve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/mark3labs/mcp-go/server"
)

// readPost reads the body of a POST for an Interceptor and puts it back
// for the next handler; ok is false for any other request, or a body
// that cannot be read (the next handler then reports it).
func readPost(r *http.Request) (body []byte, ok bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err == nil
}

// interceptStreamable answers the POSTs to /mcp that h handles with a
// plain JSON response (202 and no body when there is none to send), with
// the context mcp-go's handlers would get (credentials from withCreds);
// it passes every other request on to next.
func interceptStreamable(next http.Handler, h Interceptor, withCreds func(context.Context, *http.Request) context.Context) http.Handler {
	if h == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := readPost(r)
		if !ok || !h.Handles(body) {
			next.ServeHTTP(w, r)
			return
		}
		resp := h.Handle(withCreds(r.Context(), r), body)
		if resp == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(resp)
	})
}

// interceptSSE answers the messages posted to /message that h handles as
// mcp-go answers them: 202 at once, then the response as an event of the
// session's stream. It passes on to next every other request, and
// messages for sessions this process does not hold (mcp-go refuses them).
// As in mcp-go, the answer outlives the POST: its context is detached from
// the request's.
func interceptSSE(next http.Handler, h Interceptor, sse *server.SSEServer, sessions *sseSessions, withCreds func(context.Context, *http.Request) context.Context, log *slog.Logger) http.Handler {
	if h == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("sessionId")
		if !sessions.has(id) {
			next.ServeHTTP(w, r)
			return
		}
		body, ok := readPost(r)
		if !ok || !h.Handles(body) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithoutCancel(withCreds(r.Context(), r))
		w.WriteHeader(http.StatusAccepted)
		go func() {
			resp := h.Handle(ctx, body)
			if resp == nil {
				return
			}
			if err := sse.SendEventToSession(id, json.RawMessage(resp)); err != nil {
				log.WarnContext(ctx, "mcp: task answer not sent to its SSE stream", "err", err)
			}
		}()
	})
}

// has reports whether the SSE stream of session id is open in this
// process.
func (s *sseSessions) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.owners[id]
	return ok
}
