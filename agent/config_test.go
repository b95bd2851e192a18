package agent

import (
	"strings"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/fetch"
)

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string // a part of the error, "" for none
	}{
		{Config{Provider: "anthropic", Model: "m", APIKey: "k"}, ""},
		{Config{Provider: "openai", Model: "m", BaseURL: "http://127.0.0.1:11434/v1"}, ""},
		{Config{Model: "m", APIKey: "k"}, "Provider is required"},
		{Config{Provider: "gemini", Model: "m", APIKey: "k"}, `Provider "gemini"`},
		{Config{Provider: "openai", APIKey: "k"}, "Model is required"},
		{Config{Provider: "anthropic", Model: "m"}, "APIKey is required"},
		{Config{Provider: "anthropic", Model: "m", BaseURL: "http://fake"}, "APIKey is required"},
		{Config{Provider: "openai", Model: "m"}, "APIKey is required"},
		{Config{Provider: "openai", Model: "m", BaseURL: "localhost:8080"}, "BaseURL"},
		{Config{Provider: "openai", Model: "m", APIKey: "k", MaxSteps: -1}, "MaxSteps must not be negative"},
		{Config{Provider: "openai", Model: "m", APIKey: "k", MaxFetches: -1}, "MaxFetches"},
		{Config{Provider: "openai", Model: "m", APIKey: "k", MaxFetchBytes: -1}, "MaxFetchBytes"},
		{Config{Provider: "openai", Model: "m", APIKey: "k", RequestTimeout: -time.Second}, "RequestTimeout"},
	} {
		_, err := New(tc.cfg, newTestFetcher())
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.cfg, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: err = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	if a, err := New(Config{Provider: "openai", Model: "m", APIKey: "k"}, nil); err != nil {
		t.Errorf("New without a Fetcher: %v", err)
	} else if _, ok := a.fetcher.(*fetch.Fetcher); !ok {
		t.Errorf("New without a Fetcher uses %T, want *fetch.Fetcher", a.fetcher)
	}
}

func TestNewDefaults(t *testing.T) {
	a, err := New(Config{Provider: "anthropic", Model: "claude-x", APIKey: "k"}, newTestFetcher())
	if err != nil {
		t.Fatal(err)
	}
	c := a.cfg
	if c.MaxSteps != DefaultMaxSteps || c.MaxFetches != DefaultMaxFetches || c.MaxFetchBytes != DefaultMaxFetchBytes ||
		c.RequestTimeout != DefaultRequestTimeout || !a.vision || c.HTTPClient == nil || a.name != "anthropic/claude-x" {
		t.Fatalf("defaults: %+v, vision %v, name %q", c, a.vision, a.name)
	}
}
