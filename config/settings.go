package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"

	"github.com/clara-backend/clara/core"
)

// setting is one configuration value: where it comes from, its default, and
// how it is checked and stored.
type setting struct {
	env    string // environment variable
	flag   string // command-line flag, "" for values that must not appear in `ps` (secrets)
	def    string
	usage  string
	secret bool
	group  Group // the commands that take its flag
	apply  func(c *Config, v string, lookupEnv func(string) (string, bool)) error
}

// MCPToolsets are the toolsets of MCP tools, as CLARA_MCP_TOOLSETS names
// them: the tools package's toolsets, in its order.
var MCPToolsets = []string{"account", "billing", "analysis", "system"}

// settings lists every value Clara reads, in the order the README shows them.
var settings = []setting{
	{env: "CLARA_DATABASE_URL", group: GroupStore, flag: "database-url", usage: "database: postgres://… for PostgreSQL; empty or sqlite://PATH for the embedded store",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !isPostgresURL(v) && !strings.HasPrefix(v, "sqlite://") {
				return errors.New("must start with postgres://, postgresql:// or sqlite:// (or be empty for the embedded store)")
			}
			c.DatabaseURL = v
			return nil
		}},
	{env: "CLARA_HTTP_ADDR", group: GroupHTTP, flag: "addr", def: "127.0.0.1:8000", usage: "`host:port` that clara serve listens on",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			host, port, err := net.SplitHostPort(v)
			if err != nil {
				return fmt.Errorf("%q is not host:port", v)
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return fmt.Errorf("%q has no valid port (0 to 65535)", v)
			}
			if host != "" && strings.ContainsAny(host, " /") {
				return fmt.Errorf("%q has no valid host", v)
			}
			c.HTTPAddr = v
			return nil
		}},
	{env: "CLARA_PPROF_ADDR", group: GroupProfiling, flag: "pprof-addr", usage: "loopback `host:port` of a second listener serving Go's runtime profiles (/debug/pprof/) of clara serve and clara mcp; empty: none",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			host, _, err := net.SplitHostPort(v)
			if err != nil {
				return fmt.Errorf("%q is not host:port", v)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return fmt.Errorf("%q is not a loopback address: profiles reveal the process's memory", v)
			}
			c.PprofAddr = v
			return nil
		}},
	{env: "CLARA_DATA_DIR", group: GroupStore, flag: "data-dir", usage: "where the embedded store and generated secrets live (default $XDG_DATA_HOME/clara or ~/.local/share/clara)",
		apply: func(c *Config, v string, lookupEnv func(string) (string, bool)) error {
			if v == "" {
				d, err := defaultDataDir(lookupEnv)
				if err != nil {
					return err
				}
				v = d
			}
			abs, err := filepath.Abs(v)
			if err != nil {
				return fmt.Errorf("%q: %w", v, err)
			}
			c.DataDir = abs
			return nil
		}},
	{env: "CLARA_PUBLIC_URL", group: GroupService, flag: "public-url", usage: "the URL clients reach Clara at (default http://ADDR)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("%q is not an absolute http(s) URL", v)
			}
			c.PublicURL = strings.TrimRight(v, "/")
			return nil
		}},
	{env: "CLARA_LOG_LEVEL", group: GroupLogging, flag: "log-level", def: "info", usage: "debug, info, warn or error",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil || strings.ContainsAny(v, "+-") {
				return fmt.Errorf("%q is not one of debug, info, warn, error", v)
			}
			return nil
		}},
	{env: "CLARA_LOG_FORMAT", group: GroupLogging, flag: "log-format", def: "auto", usage: "json, text, or auto (text on a terminal, else JSON)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			switch v {
			case "json", "text", "auto":
				c.LogFormat = v
				return nil
			}
			return fmt.Errorf("%q is not one of json, text, auto", v)
		}},
	{env: "CLARA_TOKEN_SECRET", group: GroupStore, secret: true, usage: "secret that signs user tokens and API keys, at least 32 bytes (generated into the data directory on the embedded store)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && len(v) < 32 {
				return fmt.Errorf("is %d bytes long; use at least 32 random bytes", len(v))
			}
			c.TokenSecret = v
			return nil
		}},
	{env: "CLARA_PUBLIC_API_KEY", group: GroupStore, secret: true, usage: "the key client apps send raw in Authorization, at least 16 characters (generated and printed on the embedded store)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && (len(v) < 16 || !printableToken(v)) {
				return errors.New("must be at least 16 printable characters without spaces")
			}
			c.PublicAPIKey = v
			return nil
		}},
	{env: "CLARA_API_KEY", group: GroupStdio, secret: true, usage: "an API key (clara_api_…) that identifies the caller of clara mcp over stdio",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !printableToken(v) {
				return errors.New("must be printable characters without spaces")
			}
			c.APIKey = v
			return nil
		}},
	{env: "CLARA_SHUTDOWN_TIMEOUT", group: GroupJobs, flag: "shutdown-timeout", def: "15s", usage: "how long a stopping server drains requests",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.ShutdownTimeout)
		}},
	{env: "CLARA_RATE_LIMIT", group: GroupService, flag: "rate-limit", def: "10", usage: "requests per second allowed to one user token, API key or client address",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 1_000_000, &c.RateLimit)
		}},
	{env: "CLARA_REDIS_URL", group: GroupService, secret: true, usage: "Redis that keeps every rate limit and budget, shared by all replicas: redis://[user:password@]host:port/db, or rediss:// for TLS; while it does not answer, each process keeps them in memory; empty: in memory, per process",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return redisURL(v, &c.RedisURL)
		}},
	{env: "CLARA_OTP_TTL", group: GroupService, flag: "otp-ttl", def: "10m", usage: "how long an emailed one-time code is valid",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.OTPTTL)
		}},
	{env: "CLARA_SESSION_TTL", group: GroupService, flag: "session-ttl", def: "168h", usage: "how long a user token (a login) is valid",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.SessionTTL)
		}},
	{env: "CLARA_SMTP_HOST", group: GroupService, flag: "smtp-host", usage: "mail server for one-time codes; on PostgreSQL, clara serve and clara mcp require it unless CLARA_DEV_MAIL is on; empty on the embedded store writes codes to the log and <data dir>/outbox instead (development only)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.SMTP.Host = v
			return nil
		}},
	{env: "CLARA_SMTP_PORT", group: GroupService, flag: "smtp-port", def: "587", usage: "mail server port",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("%q is not a port (1 to 65535)", v)
			}
			c.SMTP.Port = n
			return nil
		}},
	{env: "CLARA_SMTP_USERNAME", group: GroupService, flag: "smtp-username", usage: "mail server user name (empty: no authentication)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.SMTP.Username = v
			return nil
		}},
	{env: "CLARA_SMTP_PASSWORD", group: GroupService, secret: true, usage: "mail server password",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.SMTP.Password = v
			return nil
		}},
	{env: "CLARA_SMTP_FROM", group: GroupService, flag: "smtp-from", def: "Clara <no-reply@localhost>", usage: "sender of Clara's mail",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return fmt.Errorf("%q is not an address such as Clara <no-reply@example.com>", v)
			}
			c.SMTP.From = v
			return nil
		}},
	{env: "CLARA_SMTP_SECURITY", group: GroupService, flag: "smtp-security", usage: "starttls, tls (implicit, port 465) or none (loopback only); empty picks by port",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			switch v {
			case "", "starttls", "tls", "none":
				c.SMTP.Security = v
				return nil
			}
			return fmt.Errorf("%q is not one of starttls, tls, none", v)
		}},
	{env: "CLARA_DEV_MAIL", group: GroupService, flag: "dev-mail", def: "false", usage: "write one-time codes to the log and <data dir>/outbox when CLARA_SMTP_HOST is empty, on PostgreSQL too (development only: never with real users)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.DevMail)
		}},
	{env: "CLARA_GOOGLE_CLIENT_IDS", group: GroupService, flag: "google-client-ids", usage: "comma-separated OAuth client ids whose Google ID tokens sign users in (empty: Google sign-in off)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.GoogleClientIDs = nil
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.GoogleClientIDs = append(c.GoogleClientIDs, id)
				}
			}
			return nil
		}},
	{env: "CLARA_GOOGLE_CLIENT_SECRET", group: GroupHTTP, secret: true, usage: "client secret of the first of CLARA_GOOGLE_CLIENT_IDS (a web client whose redirect URI is <public URL>/oauth/google/callback): offers Google sign-in on the OAuth sign-in page",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.GoogleClientSecret = v
			return nil
		}},
	{env: "CLARA_GOOGLE_AUTH_URL", group: GroupHTTP, flag: "google-auth-url", def: "https://accounts.google.com/o/oauth2/v2/auth", usage: "Google's authorization endpoint, for the sign-in page's Google sign-in",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return absoluteURL(v, &c.GoogleAuthURL)
		}},
	{env: "CLARA_GOOGLE_TOKEN_URL", group: GroupHTTP, flag: "google-token-url", def: "https://oauth2.googleapis.com/token", usage: "Google's token endpoint, for the sign-in page's Google sign-in",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return absoluteURL(v, &c.GoogleTokenURL)
		}},
	{env: "CLARA_GOOGLE_JWKS_URL", group: GroupService, flag: "google-jwks-url", def: "https://www.googleapis.com/oauth2/v3/certs", usage: "where Google's token signing keys are fetched",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return absoluteURL(v, &c.GoogleJWKSURL)
		}},
	{env: "CLARA_APP_URL", group: GroupService, flag: "app-url", usage: "the client app that Stripe's checkout and portal pages return to (default the public URL)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			if !absoluteHTTP(v) {
				return fmt.Errorf("%q is not an absolute http(s) URL", v)
			}
			c.AppURL = strings.TrimRight(v, "/")
			return nil
		}},
	{env: "CLARA_STRIPE_SECRET_KEY", group: GroupService, secret: true, usage: "Stripe secret key (sk_… or rk_…); empty turns buying credits and the portal off",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !strings.HasPrefix(v, "sk_") && !strings.HasPrefix(v, "rk_") {
				return errors.New("must start with sk_ or rk_")
			}
			c.StripeSecretKey = v
			return nil
		}},
	{env: "CLARA_STRIPE_WEBHOOK_SECRET", group: GroupService, secret: true, usage: "signing secret (whsec_…) of the Stripe webhook endpoint /api/v1/stripe/webhook",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !strings.HasPrefix(v, "whsec_") {
				return errors.New("must start with whsec_")
			}
			c.StripeWebhookSecret = v
			return nil
		}},
	{env: "CLARA_STRIPE_API_URL", group: GroupService, flag: "stripe-api-url", usage: "Stripe's API base URL (default Stripe's; for tests and mocks)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !absoluteHTTP(v) {
				return fmt.Errorf("%q is not an absolute http(s) URL", v)
			}
			c.StripeAPIURL = v
			return nil
		}},
	{env: "CLARA_CREDIT_TIERS", group: GroupService, flag: "credit-tiers", def: "5-10000:100", usage: "credit price list: LOWER-UPPER:RATE in whole dollars and credits per dollar, comma-separated",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			tiers, err := parseTiers(v)
			if err != nil {
				return err
			}
			c.CreditTiers = tiers
			return nil
		}},
	{env: "CLARA_MODEL_PROVIDER", group: GroupAnalysis, flag: "model-provider", usage: "analysis model provider: anthropic, openai (also any OpenAI-compatible server), or empty for none",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			switch v {
			case "", "anthropic", "openai":
				c.Model.Provider = v
				return nil
			}
			return fmt.Errorf("%q is not one of anthropic, openai", v)
		}},
	{env: "CLARA_MODEL", group: GroupAnalysis, flag: "model", usage: "the model's name (default claude-sonnet-4-5 for anthropic, gpt-4o-mini for openai)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.Model.Name = v
			return nil
		}},
	{env: "CLARA_MODEL_API_KEY", group: GroupAnalysis, secret: true, usage: "the model provider's API key",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.Model.APIKey = v
			return nil
		}},
	{env: "CLARA_MODEL_BASE_URL", group: GroupAnalysis, flag: "model-base-url", usage: "the provider's API base URL, e.g. http://127.0.0.1:11434/v1 for a local OpenAI-compatible server",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !absoluteHTTP(v) {
				return fmt.Errorf("%q is not an absolute http(s) URL", v)
			}
			c.Model.BaseURL = v
			return nil
		}},
	{env: "CLARA_MODEL_VISION", group: GroupAnalysis, flag: "model-vision", usage: "whether the model takes images (true or false; empty: the provider's default)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.Model.Vision = &b
			return nil
		}},
	{env: "CLARA_AGENT_MAX_STEPS", group: GroupAnalysis, flag: "agent-max-steps", def: "6", usage: "tool-use rounds (page fetches) an analysis may take",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 50, &c.Model.MaxSteps)
		}},
	{env: "CLARA_AGENT_MAX_SEARCHES", group: GroupAnalysis, flag: "agent-max-searches", def: "4", usage: "web searches and fact-check lookups an analysis may make",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 50, &c.Model.MaxSearches)
		}},
	{env: "CLARA_SEARCH_PROVIDER", group: GroupAnalysis, flag: "search-provider", usage: "the agent's web search: searxng (self-hosted, CLARA_SEARCH_URL), brave, tavily (CLARA_SEARCH_API_KEY), native (the model provider's own search: Anthropic's web_search tool, or OpenAI's in the Responses API); empty: no search",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			switch v {
			case "", "searxng", "brave", "tavily", "native":
				c.Search.Provider = v
				return nil
			}
			return fmt.Errorf("%q is not searxng, brave, tavily, native or empty", v)
		}},
	{env: "CLARA_SEARCH_URL", group: GroupAnalysis, flag: "search-url", usage: "the search provider's API root: a SearXNG instance (required for searxng), or another endpoint for brave or tavily",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			return absoluteURL(v, &c.Search.URL)
		}},
	{env: "CLARA_SEARCH_API_KEY", group: GroupAnalysis, secret: true, usage: "the search provider's API key (brave, tavily)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.Search.APIKey = v
			return nil
		}},
	{env: "CLARA_FACTCHECK_API_KEY", group: GroupAnalysis, secret: true, usage: "a Google API key with the Fact Check Tools API enabled: gives the agent published fact-checks; empty: none",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.Search.FactCheckKey = v
			return nil
		}},
	{env: "CLARA_FACTCHECK_URL", group: GroupAnalysis, flag: "factcheck-url", def: "https://factchecktools.googleapis.com/v1alpha1/claims:search", usage: "the Fact Check Tools claims:search endpoint",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return absoluteURL(v, &c.Search.FactCheckURL)
		}},
	{env: "CLARA_FFMPEG", group: GroupAnalysis, flag: "ffmpeg", usage: "path of ffmpeg (ffprobe is looked for beside it), which reads video and audio attachments; empty: ffmpeg on PATH",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !filepath.IsAbs(v) {
				return fmt.Errorf("%q is not an absolute path", v)
			}
			c.Media.FFmpeg = v
			return nil
		}},
	{env: "CLARA_MEDIA_MAX_DURATION", group: GroupAnalysis, flag: "media-max-duration", def: "20m", usage: "the longest video or audio clip an analysis takes (longer: 400)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.Media.MaxDuration)
		}},
	{env: "CLARA_TRANSCRIPTION_MODEL", group: GroupAnalysis, flag: "transcription-model", usage: "the speech-to-text model of an OpenAI-compatible /audio/transcriptions endpoint, e.g. whisper-1 or gpt-4o-transcribe; with ffmpeg it turns video and audio attachments on; empty: off",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v != "" && !printableToken(v) {
				return fmt.Errorf("%q is not a model name", v)
			}
			c.Media.Transcription.Model = v
			return nil
		}},
	{env: "CLARA_TRANSCRIPTION_BASE_URL", group: GroupAnalysis, flag: "transcription-base-url", usage: "the transcription endpoint's API base URL, e.g. http://127.0.0.1:8080/v1 for a local whisper server (default the model's base URL when CLARA_MODEL_PROVIDER is openai, else OpenAI's)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			if v == "" {
				return nil
			}
			return absoluteURL(v, &c.Media.Transcription.BaseURL)
		}},
	{env: "CLARA_TRANSCRIPTION_API_KEY", group: GroupAnalysis, secret: true, usage: "the transcription endpoint's API key (default the model's key when CLARA_MODEL_PROVIDER is openai)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			c.Media.Transcription.APIKey = v
			return nil
		}},
	{env: "CLARA_FETCH_LOOPBACK", group: GroupAnalysis, flag: "fetch-loopback", def: "false", usage: "let the analysis agent fetch pages and linked attachments from loopback addresses as well as public ones (development and tests only; never in production)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.Model.FetchLoopback)
		}},
	{env: "CLARA_ANALYSIS_COST", group: GroupService, flag: "analysis-cost", def: "20", usage: "credits one analysis costs",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			var n int
			err := wholeNumber(v, 1, 1_000_000, &n)
			c.AnalysisCost = int64(n)
			return err
		}},
	{env: "CLARA_WORKERS", group: GroupJobs, flag: "workers", def: "2", usage: "analyses one process runs at once (serve, mcp and worker); 0 runs none here",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 0, 1000, &c.Jobs.Workers)
		}},
	{env: "CLARA_JOB_MAX_ATTEMPTS", group: GroupJobs, flag: "job-max-attempts", def: "5", usage: "tries of an analysis (retrying model 429/5xx and timeouts) before it fails and its credits are released",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 25, &c.Jobs.MaxAttempts)
		}},
	{env: "CLARA_JOB_TIMEOUT", group: GroupJobs, flag: "job-timeout", def: "10m", usage: "the longest one try of an analysis may take",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.Jobs.Timeout)
		}},
	{env: "CLARA_JOB_RESCUE_AFTER", group: GroupJobs, flag: "job-rescue-after", def: "15m", usage: "when an analysis whose worker died is run again (longer than the job timeout)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return positiveDuration(v, &c.Jobs.RescueAfter)
		}},
	{env: "CLARA_CORS_ORIGINS", group: GroupHTTP, flag: "cors-origins", usage: "comma-separated origins of browser apps that may call the API, or * (default the app URL's origin)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			for _, o := range strings.Split(v, ",") {
				o = strings.TrimRight(strings.TrimSpace(o), "/")
				switch {
				case o == "":
				case o == "*" || (absoluteHTTP(o) && strings.Count(o, "/") == 2):
					c.CORSOrigins = append(c.CORSOrigins, o)
				default:
					return fmt.Errorf("%q is not an origin such as https://app.example.com", o)
				}
			}
			return nil
		}},
	{env: "CLARA_TRUST_PROXY", group: GroupHTTP, flag: "trust-proxy", def: "false", usage: "take client addresses from X-Forwarded-For (only behind a proxy you run)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.TrustProxy)
		}},
	{env: "CLARA_MCP_ANONYMOUS", group: GroupHTTP, flag: "mcp-anonymous", def: "false", usage: "serve MCP over HTTP (/mcp, /sse) to callers without credentials, for the public tools (register, login, health, …); false: they get 401 with the OAuth challenge",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.MCPAnonymous)
		}},
	{env: "CLARA_MCP_TOOLSETS", group: GroupService, flag: "toolsets", def: "all", usage: "the MCP tools served by clara mcp and clara serve, by toolset: all, or some of account, billing, analysis, system (comma-separated); the others are neither listed nor callable",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return toolsets(v, &c.MCPToolsets)
		}},
	{env: "CLARA_MCP_READ_ONLY", group: GroupService, flag: "read-only", def: "false", usage: "serve only the MCP tools that change nothing (readOnlyHint true), of the toolsets served; the flag alone means true",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.MCPReadOnly)
		}},
	{env: "CLARA_OAUTH_LOOPBACK_CLIENTS", group: GroupHTTP, flag: "oauth-loopback-clients", def: "false", usage: "let OAuth client metadata documents be fetched over http from loopback addresses (development and tests only; never in production)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return boolean(v, &c.OAuthLoopbackClients)
		}},
	{env: "CLARA_OAUTH_REGISTRATIONS_PER_HOUR", group: GroupHTTP, flag: "oauth-registrations-per-hour", def: "20", usage: "OAuth dynamic client registrations one client address may make an hour (429 beyond)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 1_000_000, &c.OAuthRegistrationsPerHour)
		}},
	{env: "CLARA_SSE_ANONYMOUS_PER_ADDRESS", group: GroupHTTP, flag: "sse-anonymous-per-address", def: "8", usage: "MCP SSE streams opened without Authorization that one client address may hold at once (429 beyond)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 1_000_000, &c.SSEAnonymousPerAddress)
		}},
	{env: "CLARA_SSE_ANONYMOUS_TOTAL", group: GroupHTTP, flag: "sse-anonymous-total", def: "512", usage: "MCP SSE streams opened without Authorization that one process holds at once (503 beyond)",
		apply: func(c *Config, v string, _ func(string) (string, bool)) error {
			return wholeNumber(v, 1, 1_000_000, &c.SSEAnonymousTotal)
		}},
}

// toolsets parses a comma-separated list of MCP toolsets (or "all"; empty
// is all) into dst: the names chosen, in the order of MCPToolsets.
func toolsets(v string, dst *[]string) error {
	chosen := map[string]bool{}
	for _, given := range strings.Split(v, ",") {
		given = strings.TrimSpace(given)
		name := strings.ToLower(given)
		switch {
		case name == "":
		case name == "all":
			for _, ts := range MCPToolsets {
				chosen[ts] = true
			}
		case slices.Contains(MCPToolsets, name):
			chosen[name] = true
		default:
			return fmt.Errorf("%q is not a toolset: use one or more of %s (comma-separated), or all", given, strings.Join(MCPToolsets, ", "))
		}
	}
	*dst = nil
	for _, ts := range MCPToolsets {
		if chosen[ts] || len(chosen) == 0 {
			*dst = append(*dst, ts)
		}
	}
	return nil
}

// redisURL checks that v is empty or a redis:// or rediss:// URL that
// redis.ParseURL reads, and stores it in dst. Its errors never repeat v,
// which may hold a password.
func redisURL(v string, dst *string) error {
	if v == "" {
		return nil
	}
	if !strings.HasPrefix(v, "redis://") && !strings.HasPrefix(v, "rediss://") {
		return errors.New("must start with redis:// or rediss:// (or be empty to keep rate limits in memory)")
	}
	if _, err := redis.ParseURL(v); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message quotes the whole URL
		}
		return fmt.Errorf("is not a Redis URL: %v", err)
	}
	*dst = v
	return nil
}

// absoluteURL checks that v is an absolute http(s) URL and stores it in
// dst.
func absoluteURL(v string, dst *string) error {
	if !absoluteHTTP(v) {
		return fmt.Errorf("%q is not an absolute http(s) URL", v)
	}
	*dst = v
	return nil
}

// boolean parses v as true or false into dst.
func boolean(v string, dst *bool) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false", v)
	}
	*dst = b
	return nil
}

// wholeNumber parses v as an integer from lo to hi into dst.
func wholeNumber(v string, lo, hi int, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
	}
	*dst = n
	return nil
}

// absoluteHTTP reports whether v is an absolute http or https URL.
func absoluteHTTP(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// parseTiers reads "5-10000:100,10001-50000:120" into checked tiers.
func parseTiers(v string) ([]core.Tier, error) {
	var tiers []core.Tier
	for _, part := range strings.Split(v, ",") {
		var t core.Tier
		part = strings.TrimSpace(part)
		if _, err := fmt.Sscanf(part, "%d-%d:%d", &t.LowerLimit, &t.UpperLimit, &t.Rate); err != nil ||
			part != fmt.Sprintf("%d-%d:%d", t.LowerLimit, t.UpperLimit, t.Rate) {
			return nil, fmt.Errorf("%q is not LOWER-UPPER:RATE such as 5-10000:100", part)
		}
		t.Currency = "usd"
		tiers = append(tiers, t)
	}
	if err := core.ValidateTiers(tiers); err != nil {
		return nil, err
	}
	return tiers, nil
}

func positiveDuration(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 15s or 10m", v)
	}
	*dst = d
	return nil
}

func isPostgresURL(v string) bool {
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

func printableToken(v string) bool {
	for _, r := range v {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// defaultDataDir is $XDG_DATA_HOME/clara, else ~/.local/share/clara.
func defaultDataDir(lookupEnv func(string) (string, bool)) (string, error) {
	if x, ok := lookupEnv("XDG_DATA_HOME"); ok && filepath.IsAbs(x) {
		return filepath.Join(x, "clara"), nil
	}
	home, ok := lookupEnv("HOME")
	if !ok || home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("no home directory to keep data in; set CLARA_DATA_DIR")
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "clara"), nil
}

// Setting describes one configuration value for documentation.
type Setting struct {
	Env, Flag, Default, Usage string
	// Kind is the flag's value type as help shows it: bool, int,
	// duration, url, list or string.
	Kind   string
	Secret bool
	Group  Group
}

// Settings lists every configuration value, for help texts and docs.
func Settings() []Setting {
	out := make([]Setting, len(settings))
	for i, s := range settings {
		out[i] = Setting{Env: s.env, Flag: s.flag, Default: s.def, Usage: s.usage, Kind: s.kind(), Secret: s.secret, Group: s.group}
	}
	return out
}
