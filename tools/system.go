package tools

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// healthTool is the twin of GET /health.
func healthTool(svc *core.Service) Tool[NoInput, core.Health] {
	return Tool[NoInput, core.Health]{
		Name:  "health",
		Title: "Check Clara's health",
		Description: "Reports whether Clara and its database answer: status is \"healthy\" when they do. " +
			"Use it first when other tools fail unexpectedly, or to check a connection. " +
			"When the database does not answer, the result is an error \"Service temporarily unavailable.\" " +
			"carrying the unhealthy report. Free, needs no credentials, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapHealth,
		Handle: func(ctx context.Context, _ core.Principal, _ NoInput) (core.Health, error) {
			return svc.Health(ctx)
		},
	}
}

// versionTool is the twin of GET /version.
func versionTool(svc *core.Service) Tool[NoInput, core.VersionInfo] {
	return Tool[NoInput, core.VersionInfo]{
		Name:  "version",
		Title: "Show Clara's version",
		Description: "Returns the release of the Clara server as a semantic version. " +
			"Use it to report which Clara you are talking to. Free, needs no credentials, changes nothing.",
		Hints:      Annotate(ReadOnly(true), Destructive(false), Idempotent(true), OpenWorld(false)),
		Capability: core.CapVersion,
		Handle: func(context.Context, core.Principal, NoInput) (core.VersionInfo, error) {
			return svc.Version(), nil
		},
	}
}
