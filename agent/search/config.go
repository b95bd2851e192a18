package search

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Provider names, as in Config.Provider.
const (
	providerSearXNG = "searxng"
	providerBrave   = "brave"
	providerTavily  = "tavily"
)

// Default endpoints and limits.
const (
	defaultBraveURL     = "https://api.search.brave.com/res/v1/web/search"
	defaultTavilyURL    = "https://api.tavily.com/search"
	defaultFactCheckURL = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
	defaultTimeout      = 10 * time.Second
)

// Config is what a provider needs.
type Config struct {
	// Provider is "searxng", "brave" or "tavily" (see ProviderNames).
	Provider string
	// URL is the API root: required for searxng (the instance, e.g.
	// http://127.0.0.1:8888, to which /search is added); for brave and
	// tavily an optional override of the endpoint (default
	// https://api.search.brave.com/res/v1/web/search and
	// https://api.tavily.com/search).
	URL string
	// APIKey is required for brave and tavily; searxng takes none.
	APIKey string
	// HTTPClient sends the requests (nil: a client with Timeout). It is
	// copied, and the copy follows no redirects.
	HTTPClient *http.Client
	// Timeout bounds each request, body included (0: 10s).
	Timeout time.Duration
}

// New returns the Searcher cfg describes, or an error naming what is wrong
// with cfg: an unknown provider, a missing key or URL, or a URL that is not
// an absolute http(s) URL.
func New(cfg Config) (Searcher, error) {
	name := strings.ToLower(strings.TrimSpace(cfg.Provider))
	key := strings.TrimSpace(cfg.APIKey)
	switch name {
	case providerSearXNG:
		if strings.TrimSpace(cfg.URL) == "" {
			return nil, errors.New("search: searxng needs URL, the instance's address (e.g. http://127.0.0.1:8888)")
		}
		u, err := endpoint("search: "+name, cfg.URL, "")
		if err != nil {
			return nil, err
		}
		u.Path = strings.TrimSuffix(u.Path, "/") + "/search"
		u.RawPath = ""
		return &searxng{api: newAPI(name, "", cfg.HTTPClient, cfg.Timeout), endpoint: u}, nil
	case providerBrave, providerTavily:
		if key == "" {
			return nil, fmt.Errorf("search: %s needs an API key", name)
		}
		def := defaultBraveURL
		if name == providerTavily {
			def = defaultTavilyURL
		}
		u, err := endpoint("search: "+name, cfg.URL, def)
		if err != nil {
			return nil, err
		}
		a := newAPI(name, key, cfg.HTTPClient, cfg.Timeout)
		if name == providerBrave {
			return &brave{api: a, endpoint: u}, nil
		}
		return &tavily{api: a, endpoint: u}, nil
	case "":
		return nil, fmt.Errorf("search: no provider given (one of %s)", strings.Join(ProviderNames(), ", "))
	default:
		return nil, fmt.Errorf("search: unknown provider %q (one of %s)", cfg.Provider, strings.Join(ProviderNames(), ", "))
	}
}

// NewFactCheckTools returns a FactChecker on Google's Fact Check Tools API
// (claims:search). baseURL overrides the endpoint ("": the public one);
// client and timeout are as Config's HTTPClient and Timeout.
func NewFactCheckTools(apiKey, baseURL string, client *http.Client, timeout time.Duration) (FactChecker, error) {
	key := strings.TrimSpace(apiKey)
	if key == "" {
		return nil, errors.New("fact check tools: an API key is needed")
	}
	u, err := endpoint(factCheckName, baseURL, defaultFactCheckURL)
	if err != nil {
		return nil, err
	}
	return &factCheckTools{api: newAPI(factCheckName, key, client, timeout), endpoint: u}, nil
}

// endpoint parses raw (def when blank) and checks that it is an absolute
// http(s) URL with a host; errors start with label. The URL is not
// repeated in the error: it may hold credentials.
func endpoint(label, raw, def string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = def
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: URL is not a valid URL", label)
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%s: URL must be absolute, e.g. https://host/path", label)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s: URL must be http or https, not %q", label, u.Scheme)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}
