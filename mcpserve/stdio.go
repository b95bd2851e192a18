package mcpserve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// drainLimit bounds how long EOF waits for the requests already read.
const drainLimit = 3 * time.Minute

// longLived are the methods whose handlers run until cancelled, which EOF
// does not wait for.
var longLived = []string{"subscriptions/listen"}

// ServeStdio serves s over newline-delimited JSON-RPC: requests from in,
// responses and notifications (nothing else) to out. session is the context
// func of the stdio session (tools.StdioSession): it carries the
// credentials every call presents, and is identified once per call from
// them (core.Identify); the command line passes Authorization
// "Bearer " + CLARA_API_KEY when that variable is set. Without an
// Authorization, the login, register and google_sign_in tools bind the
// session to the user they sign in, until logout.
//
// ServeStdio returns nil when in reaches EOF, once the requests already read
// are answered, and nil when ctx is cancelled; any other error is a failure
// to read or write. mcp-go keeps one stdio session per process, so serve at
// most one stdio stream at a time. The messages that the Interceptor
// registered for s (Intercept) handles are answered by it, not by mcp-go.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, session func(context.Context) context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out = &lockedWriter{w: out}
	var tasks *stdioTasks
	if h := interceptorOf(s); h != nil {
		sessionCtx := ctx
		if session != nil {
			sessionCtx = session(ctx)
		}
		tasks = newStdioTasks(h, sessionCtx, out)
		in = tasks.reader(in)
	}
	ss := server.NewStdioServer(s)
	ss.SetErrorLogger(slog.NewLogLogger(slog.Default().Handler(), slog.LevelError))
	ss.SetContextFunc(session)
	ss.SetEOFDrain(drainLimit, longLived...)
	err := ss.Listen(ctx, in, out)
	if tasks != nil {
		if err == nil {
			tasks.drain(ctx, drainLimit)
		}
		cancel()
		tasks.wait()
	}
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return nil
	}
	return err
}
