package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/config"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/mcpserve"
	"github.com/clara-backend/clara/tools"
)

// mcpCommand is clara mcp.
func mcpCommand(env *environment) *cobra.Command {
	return configCommand("mcp", "serve MCP over stdio (stdout carries only JSON-RPC; logs go to stderr)",
		"Serve MCP over stdio: JSON-RPC on stdin and stdout, logs on stderr. Exits when stdin closes.\n"+
			"CLARA_API_KEY (an API key, clara_api_…) identifies the caller for the whole process.",
		config.GroupStore|config.GroupLogging|config.GroupProfiling|config.GroupService|config.GroupStdio|
			config.GroupAnalysis|config.GroupJobs,
		func(ctx context.Context, loader *config.Loader) error { return runMCP(ctx, env, loader) })
}

func runMCP(ctx context.Context, env *environment, loader *config.Loader) error {
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
	creds := core.Credentials{Transport: core.TransportMCPStdio}
	if a.cfg.APIKey != "" {
		creds.Authorization = "Bearer " + a.cfg.APIKey
	}
	s := tools.NewServer(a.svc, tools.Options{Logger: a.log, Version: version, Toolsets: a.cfg.MCPToolsets, ReadOnly: a.cfg.MCPReadOnly})
	a.log.Info("clara is serving MCP over stdio", a.readyAttrs()...)
	return mcpserve.ServeStdio(ctx, s, env.stdin, env.stdout, tools.StdioSession(creds))
}
