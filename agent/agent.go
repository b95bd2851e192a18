// Package agent is Clara's analysis agent: it implements core.Analyzer on a
// language model (Anthropic's Messages API or an OpenAI-compatible chat
// completions server) that reads the links of a query and the sources it
// needs through a fetch_url tool, then answers with a checked
// core.AnalysisResult.
package agent

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/core"
)

// The providers the agent speaks to.
const (
	ProviderAnthropic = "anthropic"
	ProviderOpenAI    = "openai"
)

// The defaults of Config's limits.
const (
	DefaultMaxSteps       = 6
	DefaultMaxFetches     = 8
	DefaultMaxFetchBytes  = 200 << 10
	DefaultRequestTimeout = 90 * time.Second
	DefaultMaxSearches    = 4
	DefaultStepTimeout    = 20 * time.Second
)

// Config configures the agent.
type Config struct {
	Provider string // "anthropic" or "openai" (also any OpenAI-compatible server)
	Model    string // the provider's model name
	APIKey   string // required for anthropic, and for openai without a BaseURL
	// BaseURL is the provider's API root: for anthropic without /v1 (the SDK
	// adds v1/messages), for openai with it (e.g. http://127.0.0.1:11434/v1).
	// Empty: the provider's public API.
	BaseURL        string
	Vision         *bool         // whether the model takes images; nil: true
	MaxSteps       int           // tool-use rounds per analysis; 0: DefaultMaxSteps
	MaxFetches     int           // pages fetched per analysis; 0: DefaultMaxFetches
	MaxFetchBytes  int64         // page text fed to the model per analysis; 0: DefaultMaxFetchBytes
	RequestTimeout time.Duration // the longest one model call may take; 0: DefaultRequestTimeout
	HTTPClient     *http.Client  // for the model's API; nil: a plain client

	// Searcher, when set, gives the model a search_web tool.
	Searcher search.Searcher
	// NativeSearch, without a Searcher, gives the model its provider's own
	// web search: Anthropic's web_search server tool, or OpenAI's web_search
	// tool of the Responses API (which the agent then speaks instead of
	// chat completions; OpenAI's own API only).
	NativeSearch bool
	// FactChecker, when set, gives the model a find_fact_checks tool.
	FactChecker search.FactChecker
	// MaxSearches bounds the searches and fact-check lookups of an analysis
	// (and the server-side searches of one model call); 0:
	// DefaultMaxSearches.
	MaxSearches int
	// StepTimeout bounds one search or fact-check lookup; 0:
	// DefaultStepTimeout. (A fetch has the fetcher's own bound.)
	StepTimeout time.Duration
	// Media reads video and audio attachments; nil: they are not taken.
	Media MediaReader
}

// Agent is the analysis agent. It is safe for concurrent use.
type Agent struct {
	cfg     Config
	vision  bool
	name    string // provider/model, the result's model
	model   Model
	fetcher Fetcher
	files   Attacher
	// tools, callable and system are fixed by the config: the tools of
	// every analysis, the names of those the model calls (not the
	// provider's own search), and the system prompt.
	tools    []ToolSpec
	callable []string
	system   string
}

var _ core.Analyzer = (*Agent)(nil)

// New returns the agent cfg describes, reading pages through f (nil: a
// default *fetch.Fetcher, which reads public addresses only). Attachments
// are read by package attach.
func New(cfg Config, f Fetcher) (*Agent, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = fetch.New(fetch.Config{})
	}
	a := &Agent{
		cfg: cfg, vision: *cfg.Vision, name: cfg.Provider + "/" + cfg.Model,
		fetcher: f, files: attachFiles{},
	}
	a.tools = a.offered()
	for _, t := range a.tools {
		if !t.Server {
			a.callable = append(a.callable, t.Name)
		}
	}
	a.system = systemPrompt(a.tools, cfg)
	switch {
	case cfg.Provider == ProviderAnthropic:
		a.model = newAnthropicModel(cfg)
	case cfg.NativeSearch:
		a.model = newOpenAIResponsesModel(cfg) // OpenAI's web search lives in the Responses API
	default:
		a.model = newOpenAIModel(cfg)
	}
	return a, nil
}

// withDefaults checks c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	var problems []string
	bad := func(field, problem string) { problems = append(problems, field+" "+problem) }
	switch c.Provider {
	case ProviderAnthropic:
		if c.APIKey == "" {
			bad("APIKey", "is required for anthropic")
		}
	case ProviderOpenAI:
		if c.APIKey == "" && c.BaseURL == "" {
			bad("APIKey", "is required for openai unless a BaseURL names another server")
		}
	case "":
		bad("Provider", "is required (anthropic or openai)")
	default:
		bad("Provider", fmt.Sprintf("%q is not anthropic or openai", c.Provider))
	}
	if strings.TrimSpace(c.Model) == "" {
		bad("Model", "is required")
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("BaseURL", fmt.Sprintf("%q is not an absolute http(s) URL", c.BaseURL))
		}
	}
	c.MaxSteps = orDefault(c.MaxSteps, DefaultMaxSteps, "MaxSteps", bad)
	c.MaxFetches = orDefault(c.MaxFetches, DefaultMaxFetches, "MaxFetches", bad)
	c.MaxFetchBytes = orDefault(c.MaxFetchBytes, DefaultMaxFetchBytes, "MaxFetchBytes", bad)
	c.RequestTimeout = orDefault(c.RequestTimeout, DefaultRequestTimeout, "RequestTimeout", bad)
	c.MaxSearches = orDefault(c.MaxSearches, DefaultMaxSearches, "MaxSearches", bad)
	c.StepTimeout = orDefault(c.StepTimeout, DefaultStepTimeout, "StepTimeout", bad)
	if len(problems) > 0 {
		return c, fmt.Errorf("agent: invalid config: %s", strings.Join(problems, "; "))
	}
	if c.Vision == nil {
		v := true // both providers' current models take images
		c.Vision = &v
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	return c, nil
}

// orDefault returns def for a zero v, and reports a negative one.
func orDefault[T int | int64 | time.Duration](v, def T, field string, bad func(field, problem string)) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		bad(field, "must not be negative")
	}
	return v
}

// Supported lists, by category, the file extensions the model can take:
// video and audio under CategoryMedia when media is on.
func (a *Agent) Supported() map[string][]string {
	s := a.files.Supported(a.vision)
	if a.cfg.Media != nil {
		s[CategoryMedia] = a.cfg.Media.Exts()
	}
	return s
}

// CheckAttachment reports why a file cannot be analysed, or nil. A clip is
// checked by the media reader (its content, its duration).
func (a *Agent) CheckAttachment(ctx context.Context, name string, data []byte) error {
	if a.isMedia(name) {
		return a.cfg.Media.Check(ctx, name, data)
	}
	return a.files.Check(name, data, a.vision)
}
