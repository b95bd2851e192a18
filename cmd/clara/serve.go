package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/api"
	"github.com/clara-backend/clara/authserver"
	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/tools"
)

// serveCommand is clara serve.
func serveCommand(env *environment) *cobra.Command {
	return configCommand("serve", "serve the REST API, MCP over HTTP (Streamable HTTP and SSE) and metrics",
		"Serve the REST API under /api/v1, MCP over Streamable HTTP at /mcp and over SSE at /sse and /message,\n"+
			"and Prometheus metrics at /metrics. Stops gracefully on SIGINT or SIGTERM.",
		config.GroupStore|config.GroupLogging|config.GroupHTTP|config.GroupProfiling|config.GroupService|
			config.GroupAnalysis|config.GroupJobs,
		func(ctx context.Context, loader *config.Loader) error { return runServe(ctx, env, loader) })
}

func runServe(ctx context.Context, env *environment, loader *config.Loader) error {
	a, err := open(ctx, loader, env, true)
	if err != nil {
		return err
	}
	defer a.close()

	if err := a.startWorkers(ctx); err != nil {
		return err
	}
	if err := servePprof(ctx, a.cfg.PprofAddr, a.log); err != nil {
		return err
	}
	reg := a.metrics
	// The runtime's and the process's figures, for /metrics only: clara mcp
	// shows no metrics and skips building them.
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mcpServer := tools.NewServer(a.svc, tools.Options{Logger: a.log, Version: version, Metrics: reg,
		Toolsets: a.cfg.MCPToolsets, ReadOnly: a.cfg.MCPReadOnly})
	mcpHTTP := mcpserve.NewHTTPHandlers(mcpServer, mcpserve.HTTPOptions{
		Logger:                 a.log,
		Service:                a.svc,
		AllowedHosts:           []string{a.cfg.PublicHost()},
		PublicURL:              a.cfg.PublicURL,
		Anonymous:              a.cfg.MCPAnonymous,
		TrustProxy:             a.cfg.TrustProxy,
		SSEAnonymousPerAddress: a.cfg.SSEAnonymousPerAddress,
		SSEAnonymousTotal:      a.cfg.SSEAnonymousTotal,
	})
	mounts := []api.Mount{
		{Pattern: "/mcp", Handler: mcpHTTP.Streamable},
		{Pattern: "/sse", Handler: mcpHTTP.SSE},
		{Pattern: "/message", Handler: mcpHTTP.Message},
		{Pattern: "GET /metrics", Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})},
	}
	oauth := authserver.New(authserver.Options{
		Service: a.svc, Store: a.db, PublicURL: a.cfg.PublicURL, Logger: a.log, TrustProxy: a.cfg.TrustProxy,
		LoopbackClientMetadata: a.cfg.OAuthLoopbackClients, RegistrationsPerHour: a.cfg.OAuthRegistrationsPerHour,
		Google: googleSignIn(a.cfg),
	})
	for _, r := range oauth.Routes() {
		mounts = append(mounts, api.Mount{Pattern: r.Pattern, Handler: r.Handler})
	}
	for _, path := range slices.Sorted(maps.Keys(mcpHTTP.ResourceMetadata)) {
		mounts = append(mounts, api.Mount{Pattern: "GET " + path, Handler: mcpHTTP.ResourceMetadata[path]})
	}
	handler := api.New(a.svc, api.Options{
		Logger:            a.log,
		Metrics:           reg,
		TrustProxyHeaders: a.cfg.TrustProxy,
		CORSOrigins:       a.cfg.CORSOrigins,
		Mounts:            mounts,
	})

	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (CLARA_HTTP_ADDR): %w", a.cfg.HTTPAddr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	fresh := trackFreshConns(srv)
	srv.RegisterOnShutdown(mcpHTTP.CloseStreams)
	srv.RegisterOnShutdown(fresh.closeAll)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.log.Info("clara is serving", append([]any{"addr", ln.Addr().String(), "public_url", a.cfg.PublicURL}, a.readyAttrs()...)...)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down: draining requests", "timeout", a.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// googleSignIn returns the Google sign-in of the OAuth pages: the first
// Google client id with its secret, when both are set.
func googleSignIn(cfg config.Config) authserver.GoogleOptions {
	if len(cfg.GoogleClientIDs) == 0 || cfg.GoogleClientSecret == "" {
		return authserver.GoogleOptions{}
	}
	return authserver.GoogleOptions{
		ClientID: cfg.GoogleClientIDs[0], ClientSecret: cfg.GoogleClientSecret,
		AuthURL: cfg.GoogleAuthURL, TokenURL: cfg.GoogleTokenURL,
	}
}
