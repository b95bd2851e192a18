package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// healthBody is exactly what Clara answers to GET /api/v1/health.
const healthBody = `{"data":{"service":"clara","status":"healthy"},"message":"Health check successful.","status":"success"}`

// echoArgs is the typed input of the floor's echo tool.
type echoArgs struct {
	Message string `json:"message" jsonschema:"required" jsonschema_description:"text to send back"`
}

// echoResult is the typed output of the floor's echo tool.
type echoResult struct {
	Message string `json:"message"`
}

// floorMCPServer returns a bare mcp-go server with one typed echo tool.
func floorMCPServer() *server.MCPServer {
	s := server.NewMCPServer("floor", "1.0.0", server.WithToolCapabilities(false))
	tool := mcp.NewTool("echo",
		mcp.WithDescription("Returns its message."),
		mcp.WithInputSchema[echoArgs](),
		mcp.WithOutputSchema[echoResult](),
	)
	s.AddTool(tool, mcp.NewStructuredToolHandler(func(_ context.Context, _ mcp.CallToolRequest, a echoArgs) (echoResult, error) {
		return echoResult(a), nil
	}))
	return s
}

// serveFloor runs the floor kind ("mcp-http", "mcp-sse", "health",
// "mcp-stdio" or "pg-user", which reads the database at dbURL) in this
// process until it is interrupted (or, for stdio, its input ends).
func serveFloor(kind, addr, dbURL string) error {
	switch kind {
	case "mcp-sse":
		// The legacy SSE transport with Clara's keep-alive interval, and
		// /ready for start to poll (GET /sse would not end).
		sse := server.NewSSEServer(floorMCPServer(), server.WithKeepAliveInterval(25*time.Second))
		mux := http.NewServeMux()
		mux.Handle("/sse", sse.SSEHandler())
		mux.Handle("/message", sse.MessageHandler())
		mux.HandleFunc("/ready", func(http.ResponseWriter, *http.Request) {})
		return listenAndServe(addr, mux)
	case "pg-user":
		return serveUserFloor(addr, dbURL)
	case "mcp-stdio":
		if err := server.ServeStdio(floorMCPServer()); err != nil {
			return fmt.Errorf("stdio floor: %w", err)
		}
		return nil
	case "mcp-http":
		mux := http.NewServeMux()
		mux.Handle("/mcp", server.NewStreamableHTTPServer(floorMCPServer(), server.WithStateLess(true)))
		return listenAndServe(addr, mux)
	case "health":
		body := []byte(healthBody)
		return listenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
	}
	return fmt.Errorf("unknown floor %q", kind)
}

// listenAndServe serves h on addr until the process gets an interrupt.
func listenAndServe(addr string, h http.Handler) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		waitInterrupt()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", addr, err)
	}
	return nil
}

// waitInterrupt blocks until the process gets SIGINT or SIGTERM.
func waitInterrupt() {
	ctx, stop := signalContext()
	defer stop()
	<-ctx.Done()
}

// fail prints err and exits with status 1.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-compare:", err)
	os.Exit(1)
}
