// Package core is Clara's domain: its types, rules and errors, and the ports
// (Store and, later, Mailer, Payments, Model) it needs from the outside world.
// The REST API (package api) and the MCP server (package tools) are thin
// adapters over one Service; core imports neither of them, nor any driver.
package core

import (
	"context"
	"time"
)

// ServiceName is how Clara names itself in health reports.
const ServiceName = "clara"

// Service is the domain core. Every capability is one method, shared by the
// REST handlers and the MCP tools.
type Service struct {
	store   Store
	version string
	now     func() time.Time
}

// Deps are what a Service is built from.
type Deps struct {
	Store   Store
	Version string           // the release, e.g. "0.1.0"
	Now     func() time.Time // the clock; time.Now when nil
}

// New returns a Service over deps.
func New(deps Deps) *Service {
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	return &Service{store: deps.Store, version: deps.Version, now: now}
}

// Health is the answer of a health check.
type Health struct {
	Service string `json:"service" jsonschema:"always \"clara\""`
	Status  string `json:"status" jsonschema:"\"healthy\" when Clara and its database answer, else \"unhealthy\""`
}

// The values of Health.Status.
const (
	StatusHealthy   = "healthy"
	StatusUnhealthy = "unhealthy"
)

// healthTimeout bounds the database ping of a health check, so that a hung
// database gives a prompt "unhealthy" rather than a hung probe.
const healthTimeout = 2 * time.Second

// Health reports whether Clara can serve: it pings the store. When the store
// does not answer it returns an unavailable error whose Data is the unhealthy
// report, so both adapters can show it.
func (s *Service) Health(ctx context.Context) (Health, error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		h := Health{Service: ServiceName, Status: StatusUnhealthy}
		e := ErrUnavailable(err)
		e.Data = h
		return h, e
	}
	return Health{Service: ServiceName, Status: StatusHealthy}, nil
}

// VersionInfo is the answer of a version check.
type VersionInfo struct {
	Version string `json:"version" jsonschema:"Clara's release as a semantic version"`
}

// Version reports Clara's release.
func (s *Service) Version() VersionInfo { return VersionInfo{Version: s.version} }

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }
