package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthCommand is clara health: it asks a running clara serve whether it
// is healthy, for container health checks (the distroless image has no
// shell and no curl).
func healthCommand(env *environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "health [--url URL]",
		Short: "ask a running clara serve whether it is healthy; exits 1 if not (a container's health check)",
		Long: "Ask a running clara serve whether it is healthy: GET /api/v1/health on CLARA_HTTP_ADDR (an\n" +
			"unspecified host such as 0.0.0.0 means this machine), or on --url. Exits 0 when it answers 200,\n" +
			"else 1 with the reason: what a container's HEALTHCHECK runs.",
		Args: noArgs,
	}
	url := cmd.Flags().String("url", "", "the health endpoint to ask (default http://CLARA_HTTP_ADDR/api/v1/health)")
	timeout := cmd.Flags().Duration("timeout", 5*time.Second, "how long to wait for the answer")
	loader := bindConfig(cmd, 0)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		target := *url
		if target == "" {
			cfg, err := loader.Load(env.lookupEnv)
			if err != nil {
				return err
			}
			target = "http://" + dialAddr(cfg.HTTPAddr) + "/api/v1/health"
		}
		client := &http.Client{Timeout: *timeout}
		resp, err := client.Get(target)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %s: %s", target, resp.Status, body)
		}
		fmt.Fprintf(env.stdout, "%s", body)
		return nil
	}
	return cmd
}

// dialAddr turns a listening address into one to dial: an unspecified or
// empty host becomes the loopback address of its family.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch ip := net.ParseIP(host); {
	case host == "" || (ip != nil && ip.Equal(net.IPv4zero)):
		host = "127.0.0.1"
	case ip != nil && ip.Equal(net.IPv6unspecified):
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
