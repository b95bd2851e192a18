// Package config reads Clara's configuration from, in rising order of
// precedence, built-in defaults, an optional .env file, CLARA_* environment
// variables and command-line flags. Every value is checked once, at start-up,
// and a bad one is reported in one line that names the variable.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/joho/godotenv"

	"github.com/clara-backend/clara/core"
)

// Config is Clara's whole configuration.
type Config struct {
	DatabaseURL     string        // "" or sqlite://… = embedded SQLite; postgres://… = PostgreSQL
	HTTPAddr        string        // where `clara serve` listens
	PprofAddr       string        // loopback host:port serving runtime profiles; "" = none
	DataDir         string        // the embedded store's home and generated secrets
	PublicURL       string        // the URL clients reach Clara at, without a trailing slash
	LogLevel        slog.Level    // minimum level logged
	LogFormat       string        // "json", "text" or "auto" (text on a terminal)
	TokenSecret     string        // HS256 signing secret of user tokens and API keys
	PublicAPIKey    string        // the raw key client apps send in Authorization
	APIKey          string        // an API key that identifies the stdio caller
	ShutdownTimeout time.Duration // how long a stopping server drains requests
	RateLimit       int           // requests per second of one user token, API key or address
	RedisURL        string        // redis:// or rediss:// of the shared rate limits; "" = in memory, per process
	OTPTTL          time.Duration // how long a one-time code is valid
	SessionTTL      time.Duration // how long a user token is valid

	SMTP    SMTP // where one-time codes are mailed; Host "" = the development outbox
	DevMail bool // Host "" is allowed on PostgreSQL too: codes go to the log and outbox

	GoogleClientIDs []string // OAuth client ids whose Google ID tokens are accepted
	GoogleJWKSURL   string   // where Google's signing keys are fetched
	// GoogleClientSecret, with the first GoogleClientIDs, lets the OAuth
	// sign-in page sign users in at Google; GoogleAuthURL and
	// GoogleTokenURL are Google's endpoints for it.
	GoogleClientSecret            string
	GoogleAuthURL, GoogleTokenURL string

	AppURL              string      // the client app checkout and portal pages return to
	StripeSecretKey     string      // sk_… or rk_…; "" = billing off
	StripeWebhookSecret string      // whsec_… of the webhook endpoint
	StripeAPIURL        string      // Stripe's API; tests point it at a fake
	CreditTiers         []core.Tier // the price list of credits

	Model        Model // the analysis agent's model; Provider "" = analyses off
	AnalysisCost int64 // credits one analysis costs
	Jobs         Jobs  // the background workers
	TrustProxy   bool  // take the client address from X-Forwarded-For
	// MCPAnonymous serves MCP over HTTP to callers without credentials.
	MCPAnonymous bool
	// MCPToolsets are the toolsets of the MCP tools served (MCPToolsets
	// names them all), never empty; MCPReadOnly serves only their
	// read-only tools.
	MCPToolsets []string
	MCPReadOnly bool
	// OAuthLoopbackClients lets OAuth client metadata documents be fetched
	// over http from loopback addresses (development and tests).
	OAuthLoopbackClients bool
	// Search configures the agent's web search and fact-checks.
	Search Search
	// Media configures video and audio attachments.
	Media Media
	// OAuthRegistrationsPerHour bounds dynamic client registrations per
	// client address.
	OAuthRegistrationsPerHour int
	// SSE streams opened without Authorization: per client address and in
	// all, at once.
	SSEAnonymousPerAddress int
	SSEAnonymousTotal      int
	CORSOrigins            []string // browser origins that may call the API
	EnvFile                string   // the .env file read, "" when none was
}

// SMTP is the mail server one-time codes go through.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	Security string // "starttls", "tls" or "none"; "" picks by port
}

// Model is the language model the analysis agent uses.
type Model struct {
	Provider string // "anthropic", "openai" (or any OpenAI-compatible server), "" for none
	Name     string
	APIKey   string
	BaseURL  string
	Vision   *bool // whether it takes images; nil: the provider's default
	MaxSteps int   // tool-use rounds per analysis
	// MaxSearches bounds the searches and fact-check lookups of an
	// analysis.
	MaxSearches int
	// FetchLoopback lets the agent fetch from loopback addresses too
	// (development and tests).
	FetchLoopback bool
}

// Search configures the agent's web search and fact-check lookups.
type Search struct {
	Provider     string // "searxng", "brave", "tavily", "native" or "" (no search)
	URL          string // the provider's API root (required for searxng)
	APIKey       string
	FactCheckKey string // Google Fact Check Tools; "" turns fact-check lookups off
	FactCheckURL string // the claims:search endpoint
}

// Media configures video and audio attachments: ffmpeg reads them and a
// transcription model hears them. Both are needed, or media is off.
type Media struct {
	FFmpeg      string        // ffmpeg's path; "" looks it up on PATH
	MaxDuration time.Duration // the longest clip an analysis takes
	// Transcription is the OpenAI-compatible /audio/transcriptions
	// endpoint: Model "" turns media off; BaseURL "" is OpenAI's.
	Transcription Transcription
}

// Transcription is the model that turns speech into text.
type Transcription struct {
	Model, BaseURL, APIKey string
}

// Jobs configures the background workers that run analyses.
type Jobs struct {
	Workers     int           // concurrent analyses per process; 0: this process runs none
	MaxAttempts int           // tries of an analysis before it fails
	Timeout     time.Duration // the longest one try may take
	RescueAfter time.Duration // when a try whose worker died is run again
}

// Embedded reports whether the configuration selects the embedded SQLite
// store rather than PostgreSQL.
func (c Config) Embedded() bool { return !isPostgresURL(c.DatabaseURL) }

// OutboxDir is the development mail outbox: <data dir>/outbox.
func (c Config) OutboxDir() string { return filepath.Join(c.DataDir, "outbox") }

// PublicHost returns the host (and port, if any) of PublicURL.
func (c Config) PublicHost() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Load returns the configuration, with lookupEnv as the process environment
// (os.LookupEnv in production): each setting from its flag, else its
// variable, else the .env file, else its default; an empty variable counts
// as unset. Call it after the flag set is parsed.
func (l *Loader) Load(lookupEnv func(string) (string, bool)) (Config, error) {
	dotenv, envFile, err := readEnvFile(l.envFile.value, l.changed(envFileFlag), lookupEnv)
	if err != nil {
		return Config{}, err
	}
	var c Config
	c.EnvFile = envFile
	for _, s := range settings {
		value, source := s.def, s.env
		// A variable set but empty counts as unset, as in the shells and
		// container files that export every name they know of.
		if v := dotenv[s.env]; v != "" {
			value = v
		}
		if v, _ := lookupEnv(s.env); v != "" {
			value = v
		}
		if f, ok := l.flags[s.env]; ok && l.changed(s.flag) {
			value, source = f.value, "--"+s.flag
		}
		if err := s.apply(&c, value, lookupEnv); err != nil {
			return Config{}, fmt.Errorf("%s: %w", source, err)
		}
	}
	return c, finish(&c)
}

// readEnvFile reads the .env file named by the flag, by CLARA_ENV_FILE, or
// ".env" in the working directory. Only a file named explicitly must exist.
func readEnvFile(flagValue string, flagSet bool, lookupEnv func(string) (string, bool)) (map[string]string, string, error) {
	path, source, explicit := ".env", "", false
	if v, ok := lookupEnv(envFileVar); ok && v != "" {
		path, source, explicit = v, envFileVar, true
	}
	if flagSet {
		path, source, explicit = flagValue, "--env-file", true
	}
	values, err := godotenv.Read(path)
	switch {
	case err == nil:
		return values, path, nil
	case errors.Is(err, os.ErrNotExist) && !explicit:
		return nil, "", nil
	default:
		if source == "" {
			source = path
		}
		return nil, "", fmt.Errorf("%s: cannot read %s: %w", source, path, err)
	}
}

// finish fills in values that derive from others.
func finish(c *Config) error {
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.HTTPAddr
	}
	if c.AppURL == "" {
		c.AppURL = c.PublicURL
	}
	if c.CORSOrigins == nil {
		if u, err := url.Parse(c.AppURL); err == nil {
			c.CORSOrigins = []string{u.Scheme + "://" + u.Host}
		}
	}
	if c.Model.Provider != "" && c.Model.Name == "" {
		c.Model.Name = map[string]string{"anthropic": "claude-sonnet-4-5", "openai": "gpt-4o-mini"}[c.Model.Provider]
	}
	if c.Model.Provider == "anthropic" && c.Model.APIKey == "" {
		return errors.New("CLARA_MODEL_API_KEY: required with CLARA_MODEL_PROVIDER=anthropic")
	}
	if c.Model.Provider == "openai" && c.Model.APIKey == "" && c.Model.BaseURL == "" {
		return errors.New("CLARA_MODEL_API_KEY: required with CLARA_MODEL_PROVIDER=openai, unless CLARA_MODEL_BASE_URL names a local server")
	}
	if t := &c.Media.Transcription; t.Model != "" && c.Model.Provider == "openai" {
		if t.BaseURL == "" {
			t.BaseURL = c.Model.BaseURL
		}
		if t.APIKey == "" {
			t.APIKey = c.Model.APIKey
		}
	}
	if t := c.Media.Transcription; t.Model != "" && t.APIKey == "" && t.BaseURL == "" {
		return errors.New("CLARA_TRANSCRIPTION_API_KEY: required with CLARA_TRANSCRIPTION_MODEL, unless CLARA_TRANSCRIPTION_BASE_URL names a local server or the model provider is openai")
	}
	if c.Jobs.RescueAfter <= c.Jobs.Timeout {
		return errors.New("CLARA_JOB_RESCUE_AFTER: must be longer than CLARA_JOB_TIMEOUT, or a slow analysis would run twice")
	}
	if (c.StripeSecretKey == "") != (c.StripeWebhookSecret == "") {
		return errors.New("CLARA_STRIPE_SECRET_KEY and CLARA_STRIPE_WEBHOOK_SECRET: set both to turn billing on, or neither")
	}
	if !c.Embedded() && c.TokenSecret == "" {
		return errors.New("CLARA_TOKEN_SECRET: required when CLARA_DATABASE_URL points at PostgreSQL, so that every replica signs alike (at least 32 random bytes, e.g. `openssl rand -hex 32`)")
	}
	if !c.Embedded() && c.PublicAPIKey == "" {
		return errors.New("CLARA_PUBLIC_API_KEY: required when CLARA_DATABASE_URL points at PostgreSQL (at least 16 characters, e.g. `openssl rand -hex 24`)")
	}
	return nil
}

// CheckMail refuses, in one line, a process that mails one-time codes
// (serve, mcp) on PostgreSQL without a mail server: in production codes are
// mailed, never logged, unless DevMail asks for the development outbox.
func (c Config) CheckMail() error {
	if !c.Embedded() && c.SMTP.Host == "" && !c.DevMail {
		return errors.New("CLARA_SMTP_HOST: required when CLARA_DATABASE_URL points at PostgreSQL, so that one-time codes are mailed, never logged (CLARA_DEV_MAIL=true writes them to the log and outbox, for development only)")
	}
	return nil
}
