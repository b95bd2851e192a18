// Package core is Clara's domain: its types, rules and errors, and the ports
// (Store and, later, Mailer, Payments, Model) it needs from the outside world.
// The REST API (package api) and the MCP server (package tools) are thin
// adapters over one Service; core imports neither of them, nor any driver.
package core

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/clara-backend/clara/auth"
)

// ServiceName is how Clara names itself in health reports.
const ServiceName = "clara"

// Service is the domain core. Every capability is one method, shared by the
// REST handlers and the MCP tools.
type Service struct {
	store     Store
	version   string
	now       func() time.Time
	policy    Policy
	mailer    Mailer
	limiter   Limiter
	google    GoogleVerifier
	publicKey string
	keys      auth.Keys
	passwords *auth.Passwords
	tokens    *auth.Tokens
	totp      *auth.TOTP
	log       *slog.Logger
	payments  Payments
	tiers     []Tier
	app       string
	analyzer  Analyzer
	queue     Queue
	files     AttachmentChecker
	steps     stepHub // the steps of the analyses running here, for WatchTask

	events        TaskEvents    // wake-ups of WatchTask; nil: it polls
	watchFallback time.Duration // with events, WatchTask's slow re-read
}

// Deps are what a Service is built from. Only Store is required.
type Deps struct {
	Store   Store
	Version string           // the release, e.g. "0.1.0"
	Now     func() time.Time // the clock; time.Now when nil
	Policy  *Policy          // DefaultPolicy() when nil

	// Secret keys user tokens, API keys, one-time codes and authenticator
	// secrets (at least 32 bytes); a random one when empty, which suits
	// only tests.
	Secret string
	// PublicAPIKey is the key client apps send raw in Authorization.
	PublicAPIKey string
	// Passwords hashes passwords; auth's defaults when nil.
	Passwords *auth.Passwords

	Mailer  Mailer         // sends one-time codes; none configured: sending fails
	Limiter Limiter        // rate limits; nil: unlimited
	Google  GoogleVerifier // checks Google ID tokens; nil: Google sign-in refused

	Logger   *slog.Logger // notes for operators; discarded when nil
	Payments Payments     // Stripe; nil: buying credits and the portal answer 503
	Tiers    []Tier       // the credit price list (checked with ValidateTiers); DefaultTiers when nil
	AppURL   string       // the client app that checkout and portal pages return to

	Analyzer Analyzer // the analysis agent; nil: analyses answer 503
	Queue    Queue    // background jobs; required for analyses
	// Attachments judges files when Analyzer is nil, so that a bad file is
	// a 400 whether or not a model is configured; nil: not judged then.
	Attachments AttachmentChecker

	// TaskEvents wakes waits (WatchTask) when a task changes, in this
	// process or, on PostgreSQL, in any process on the database (see
	// TaskEvents); nil: waits re-read their task every poll.
	TaskEvents TaskEvents
	// WatchFallback is how often, with TaskEvents, a wait re-reads its task
	// without a wake-up; DefaultWatchFallback when zero.
	WatchFallback time.Duration
}

// New returns a Service over deps.
func New(deps Deps) *Service {
	s := &Service{
		store:     deps.Store,
		version:   deps.Version,
		now:       deps.Now,
		mailer:    deps.Mailer,
		limiter:   deps.Limiter,
		google:    deps.Google,
		publicKey: deps.PublicAPIKey,
		passwords: deps.Passwords,
		log:       deps.Logger,
		payments:  deps.Payments,
		analyzer:  deps.Analyzer,
		queue:     deps.Queue,
		files:     deps.Attachments,
		tiers:     deps.Tiers,
		app:       strings.TrimRight(deps.AppURL, "/"),

		events:        deps.TaskEvents,
		watchFallback: deps.WatchFallback,
	}
	if s.watchFallback <= 0 {
		s.watchFallback = DefaultWatchFallback
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.tiers == nil {
		s.tiers = DefaultTiers()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.policy = DefaultPolicy()
	if deps.Policy != nil {
		s.policy = *deps.Policy
	}
	secret := deps.Secret
	if secret == "" {
		secret = NewID("") + NewID("")
	}
	s.keys = auth.DeriveKeys(secret)
	s.tokens = auth.NewTokens(s.keys, auth.TokenOptions{UserTTL: s.policy.SessionTTL, Now: s.now})
	s.totp = auth.NewTOTP(s.keys, s.policy.TOTPIssuer, s.now)
	if s.passwords == nil {
		s.passwords = auth.NewPasswords(auth.DefaultPasswordParams)
	}
	return s
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

// Health reports whether Clara can serve: it pings the store. When the store
// does not answer it returns an unavailable error whose Data is the unhealthy
// report, so both adapters can show it.
func (s *Service) Health(ctx context.Context) (Health, error) {
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

// Policy returns the numbers of the service's rules, for adapters that
// must enforce a limit before the core sees a request (upload sizes).
func (s *Service) Policy() Policy { return s.policy }

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }

// Tokens returns the issuer of Clara's bearer tokens, for the OAuth
// authorization server, which mints access tokens for the grants it makes.
func (s *Service) Tokens() *auth.Tokens { return s.tokens }

// Keys returns the keys derived from the server secret.
func (s *Service) Keys() auth.Keys { return s.keys }

// Limit takes one event for key under rate r: a 429 with the wait when
// the budget is spent.
func (s *Service) Limit(key string, r Rate) error { return s.allow(key, r) }
