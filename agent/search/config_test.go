package search_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/search"
)

func TestNewConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  search.Config
		err  string // "" for a valid config
	}{
		{"searxng", search.Config{Provider: "searxng", URL: "http://127.0.0.1:8888"}, ""},
		{"searxng with path", search.Config{Provider: "searxng", URL: "https://example.org/searx/"}, ""},
		{"provider case and spaces", search.Config{Provider: " SearXNG ", URL: "http://127.0.0.1:8888"}, ""},
		{"brave", search.Config{Provider: "brave", APIKey: testKey}, ""},
		{"brave override", search.Config{Provider: "brave", APIKey: testKey, URL: "http://127.0.0.1:9999/res/v1/web/search"}, ""},
		{"tavily", search.Config{Provider: "tavily", APIKey: testKey, Timeout: time.Second}, ""},
		{"no provider", search.Config{URL: "http://127.0.0.1:8888"}, "no provider"},
		{"unknown provider", search.Config{Provider: "google", APIKey: testKey}, `unknown provider "google"`},
		{"searxng without URL", search.Config{Provider: "searxng"}, "searxng needs URL"},
		{"searxng blank URL", search.Config{Provider: "searxng", URL: "  "}, "searxng needs URL"},
		{"searxng host:port", search.Config{Provider: "searxng", URL: "127.0.0.1:8888"}, "searxng: URL"},
		{"searxng relative", search.Config{Provider: "searxng", URL: "/search"}, "must be absolute"},
		{"searxng no host", search.Config{Provider: "searxng", URL: "http:///search"}, "must be absolute"},
		{"searxng ftp", search.Config{Provider: "searxng", URL: "ftp://127.0.0.1/"}, `not "ftp"`},
		{"searxng bad URL", search.Config{Provider: "searxng", URL: "http://[::1"}, "not a valid URL"},
		{"brave without key", search.Config{Provider: "brave"}, "brave needs an API key"},
		{"brave blank key", search.Config{Provider: "brave", APIKey: " "}, "brave needs an API key"},
		{"tavily without key", search.Config{Provider: "tavily", URL: "https://api.tavily.com/search"}, "tavily needs an API key"},
		{"brave relative URL", search.Config{Provider: "brave", APIKey: testKey, URL: "api.search.brave.com/res/v1/web/search"}, "must be absolute"},
		{"tavily non-http URL", search.Config{Provider: "tavily", APIKey: testKey, URL: "file:///etc/passwd"}, "search: tavily: URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := search.New(c.cfg)
			noKey(t, err)
			if c.err == "" {
				if err != nil || s == nil {
					t.Fatalf("New = %v, %v; want a Searcher", s, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("New error = %v, want one containing %q", err, c.err)
			}
			if s != nil {
				t.Errorf("New returned a Searcher with an error")
			}
		})
	}
}

func TestNewFactCheckToolsConfig(t *testing.T) {
	cases := []struct {
		name, key, url, err string
	}{
		{"default URL", testKey, "", ""},
		{"override", testKey, "http://127.0.0.1:9999/v1alpha1/claims:search", ""},
		{"no key", "", "", "API key"},
		{"blank key", " \t", "", "API key"},
		{"relative URL", testKey, "factchecktools.googleapis.com/v1alpha1/claims:search", "fact check tools: URL"},
		{"non-http URL", testKey, "gopher://127.0.0.1/", `not "gopher"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := search.NewFactCheckTools(c.key, c.url, nil, 0)
			noKey(t, err)
			if c.err == "" {
				if err != nil || f == nil {
					t.Fatalf("NewFactCheckTools = %v, %v; want a FactChecker", f, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("NewFactCheckTools error = %v, want one containing %q", err, c.err)
			}
		})
	}
}

func TestProviderNames(t *testing.T) {
	want := []string{"searxng", "brave", "tavily"}
	if got := search.ProviderNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("ProviderNames() = %v, want %v", got, want)
	}
	search.ProviderNames()[0] = "changed"
	if got := search.ProviderNames(); got[0] != "searxng" {
		t.Errorf("ProviderNames shares its slice: %v", got)
	}
	for _, name := range want {
		if _, err := search.New(search.Config{Provider: name, URL: "http://127.0.0.1:1", APIKey: testKey}); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
}
