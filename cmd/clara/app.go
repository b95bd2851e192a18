package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clara-backend/clara/agent"
	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/agent/media"
	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/auth/googleid"
	"github.com/clara-backend/clara/billing"
	"github.com/clara-backend/clara/config"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/jobs"
	"github.com/clara-backend/clara/mail"
	"github.com/clara-backend/clara/store"
)

// app is what every serving command shares: configuration, logger, an open
// and migrated database, the domain core over it, and the background jobs
// (started by the commands that run workers).
type app struct {
	cfg     config.Config
	log     *slog.Logger
	db      store.DB
	svc     *core.Service
	jobs    *jobs.Jobs
	metrics *prometheus.Registry // what /metrics shows (clara serve)
	// generatedKey: the public API key is the embedded store's own,
	// generated in its data directory, which client apps need to know.
	generatedKey bool
	media        string       // whether video and audio are taken, and why not, for the log
	closeLimiter func() error // closes the rate limiter's connections (Redis)

	closeOnce sync.Once
}

// startWorkers starts the analysis workers of this process (none when
// CLARA_WORKERS is 0). They outlive ctx's cancellation: close stops them
// gracefully.
func (a *app) startWorkers(ctx context.Context) error {
	if err := a.jobs.Start(context.WithoutCancel(ctx), a.svc); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	return nil
}

// close stops the workers, waiting for running analyses up to the shutdown
// timeout, and closes the database. Calls after the first do nothing.
func (a *app) close() {
	a.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		defer cancel()
		if err := a.jobs.Stop(ctx); err != nil {
			a.log.Warn("stop workers", "err", err)
		}
		a.db.Close()
		if err := a.closeLimiter(); err != nil {
			a.log.Warn("close the limiter's Redis connections", "err", err)
		}
	})
}

// configure reads the configuration after fs has been parsed and builds the
// logger, which writes to stderr.
func configure(loader *config.Loader, env *environment) (config.Config, *slog.Logger, error) {
	cfg, err := loader.Load(env.lookupEnv)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, newLogger(cfg, env.stderr), nil
}

// open reads the configuration, fills in embedded secrets, opens and
// migrates the database and builds the core. A process that sendsCodes
// needs a mail server on PostgreSQL; one that does not gets no mailer there.
func open(ctx context.Context, loader *config.Loader, env *environment, sendsCodes bool) (*app, error) {
	cfg, log, err := configure(loader, env)
	if err != nil {
		return nil, err
	}
	if sendsCodes {
		if err := cfg.CheckMail(); err != nil {
			return nil, err
		}
	}
	generated, err := config.EnsureSecrets(&cfg)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if l, ok := db.(interface{ SetLogger(*slog.Logger) }); ok {
		l.SetLogger(log) // PostgreSQL's task events listener
	}
	if err := migrate(ctx, db, log); err != nil {
		db.Close()
		return nil, err
	}
	mailer, err := newMailer(cfg, log, sendsCodes)
	if err != nil {
		db.Close()
		return nil, err
	}
	payments, err := newPayments(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	analyzer, media, err := newAnalyzer(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	workers := cfg.Jobs.Workers
	if analyzer == nil {
		// Without a model a worker could only fail the analyses it took,
		// which another process with a model would complete.
		workers = 0
	}
	reg := prometheus.NewRegistry()
	queue, err := jobs.New(db, jobs.Config{
		Metrics: reg,
		Workers: workers, MaxAttempts: cfg.Jobs.MaxAttempts, JobTimeout: cfg.Jobs.Timeout,
		RescueStuckJobsAfter: cfg.Jobs.RescueAfter, Logger: log,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	events, _ := db.(core.TaskEvents) // waits wake on task changes: across processes on PostgreSQL
	limiter, closeLimiter := newLimiter(ctx, cfg, log, reg)
	svc := core.New(core.Deps{
		Store:        db,
		Version:      version,
		Policy:       policy(cfg),
		Secret:       cfg.TokenSecret,
		PublicAPIKey: cfg.PublicAPIKey,
		Mailer:       mailer,
		Limiter:      limiter,
		Google:       newGoogle(ctx, cfg),
		Logger:       log,
		Payments:     payments,
		Tiers:        cfg.CreditTiers,
		AppURL:       cfg.AppURL,
		Analyzer:     analyzer,
		Attachments:  agent.Files(),
		Queue:        queue,
		TaskEvents:   events,
	})
	return &app{cfg: cfg, log: log, db: db, svc: svc, jobs: queue, metrics: reg, generatedKey: generated, media: media,
		closeLimiter: closeLimiter}, nil
}

// migrate applies Clara's and River's pending migrations, unless one query
// finds none pending: the common start, which then takes no lock.
func migrate(ctx context.Context, db store.DB, log *slog.Logger) error {
	if current, err := db.SchemaCurrent(ctx); err == nil && current {
		return nil
	}
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := jobs.Migrate(ctx, db, log); err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	return nil
}

// readyAttrs are the attributes of the one line a command logs once it
// serves: its store, its model, whether billing is on, and a public API
// key generated for the embedded store (client apps need it).
func (a *app) readyAttrs() []any {
	model := "none (analyses off)"
	if a.cfg.Model.Provider != "" {
		model = a.cfg.Model.Provider + "/" + a.cfg.Model.Name
	}
	billing := "off"
	if a.cfg.StripeSecretKey != "" {
		billing = "on"
	}
	attrs := []any{"version", version, "store", a.db.Dialect(), "model", model, "billing", billing, "media", a.media,
		"limits", limitsMode(a.cfg)}
	if a.generatedKey {
		attrs = append(attrs, "public_api_key", a.cfg.PublicAPIKey, "data_dir", a.cfg.DataDir)
	}
	return attrs
}

// policy returns the account rules with the configured numbers.
func policy(cfg config.Config) *core.Policy {
	p := core.DefaultPolicy()
	p.AnalysisCost = cfg.AnalysisCost
	p.PerCaller = core.Rate{Events: cfg.RateLimit, Per: time.Second}
	p.OTPTTL = cfg.OTPTTL
	p.SessionTTL = cfg.SessionTTL
	return &p
}

// newMailer returns the SMTP mailer, or with no SMTP host the development
// mailer, which writes each message to the log and to <data dir>/outbox:
// on PostgreSQL only when CLARA_DEV_MAIL is on (config refuses to start
// otherwise), and said loudly.
func newMailer(cfg config.Config, log *slog.Logger, sendsCodes bool) (core.Mailer, error) {
	if cfg.SMTP.Host == "" && !sendsCodes && !cfg.Embedded() {
		return nil, nil // nothing here mails codes; none go to a log
	}
	if cfg.SMTP.Host == "" {
		outbox := cfg.OutboxDir()
		level := slog.LevelDebug
		if !cfg.Embedded() {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "no CLARA_SMTP_HOST: one-time codes go to the log and the outbox folder (development only)", "outbox", outbox)
		return mail.NewDev(outbox, log), nil
	}
	m, err := mail.NewSMTP(mail.SMTPConfig{
		Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password,
		From: cfg.SMTP.From, Security: cfg.SMTP.Security,
	})
	if err != nil {
		return nil, fmt.Errorf("CLARA_SMTP_*: %w", err)
	}
	return m, nil
}

// newPayments returns Stripe, or nil (billing off) when no key is set.
func newPayments(cfg config.Config) (core.Payments, error) {
	if cfg.StripeSecretKey == "" {
		return nil, nil
	}
	s, err := billing.NewStripe(billing.Config{
		SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret, APIURL: cfg.StripeAPIURL,
	})
	if err != nil {
		return nil, fmt.Errorf("CLARA_STRIPE_*: %w", err)
	}
	return s, nil
}

// newAnalyzer returns the analysis agent, or nil (analyses off) when no
// model provider is configured.
func newAnalyzer(cfg config.Config) (core.Analyzer, string, error) {
	if cfg.Model.Provider == "" {
		return nil, "off (no model)", nil
	}
	ac := agent.Config{
		Provider: cfg.Model.Provider, Model: cfg.Model.Name, APIKey: cfg.Model.APIKey, BaseURL: cfg.Model.BaseURL,
		Vision: cfg.Model.Vision, MaxSteps: cfg.Model.MaxSteps, MaxSearches: cfg.Model.MaxSearches,
		NativeSearch: cfg.Search.Provider == "native",
	}
	if p := cfg.Search.Provider; p != "" && p != "native" {
		s, err := search.New(search.Config{Provider: p, URL: cfg.Search.URL, APIKey: cfg.Search.APIKey})
		if err != nil {
			return nil, "", fmt.Errorf("CLARA_SEARCH_*: %w", err)
		}
		ac.Searcher = s
	}
	if cfg.Search.FactCheckKey != "" {
		fc, err := search.NewFactCheckTools(cfg.Search.FactCheckKey, cfg.Search.FactCheckURL, nil, 0)
		if err != nil {
			return nil, "", fmt.Errorf("CLARA_FACTCHECK_*: %w", err)
		}
		ac.FactChecker = fc
	}
	fc := fetch.Config{}
	if cfg.Model.FetchLoopback {
		fc.AllowAddr = func(a netip.Addr) bool { return fetch.PublicAddr(a) || a.Unmap().IsLoopback() }
	}
	var status string
	ac.Media, status = newMediaReader(cfg.Media)
	a, err := agent.New(ac, fetch.New(fc))
	if err != nil {
		return nil, "", fmt.Errorf("CLARA_MODEL_*: %w", err)
	}
	return a, status, nil
}

// newMediaReader returns what reads video and audio attachments, or nil
// when a transcription model or ffmpeg is missing, with what to log.
func newMediaReader(cfg config.Media) (agent.MediaReader, string) {
	if cfg.Transcription.Model == "" {
		return nil, "off (no CLARA_TRANSCRIPTION_MODEL)"
	}
	o := media.Options{FFmpeg: cfg.FFmpeg, MaxDuration: cfg.MaxDuration}
	if cfg.FFmpeg != "" {
		o.FFprobe = filepath.Join(filepath.Dir(cfg.FFmpeg), "ffprobe")
	}
	p := media.New(o)
	if !p.Available() {
		return nil, "off (no working ffmpeg and ffprobe: CLARA_FFMPEG, or on PATH)"
	}
	t := transcribe.New(transcribe.Options{
		Model: cfg.Transcription.Model, BaseURL: cfg.Transcription.BaseURL, APIKey: cfg.Transcription.APIKey,
	})
	return agent.NewMediaReader(p, t), "on (transcription " + cfg.Transcription.Model + ")"
}

// newGoogle returns the Google ID-token verifier, or nil (Google sign-in
// off) when no client id is configured.
func newGoogle(ctx context.Context, cfg config.Config) core.GoogleVerifier {
	if len(cfg.GoogleClientIDs) == 0 {
		return nil
	}
	return googleid.New(ctx, googleid.Config{JWKSURL: cfg.GoogleJWKSURL, ClientIDs: cfg.GoogleClientIDs})
}

// newLogger returns the process logger: JSON, or text on a terminal when the
// format is "auto".
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	text := cfg.LogFormat == "text" || (cfg.LogFormat == "auto" && isTerminal(w))
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
