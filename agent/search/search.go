// Package search holds the web-search and fact-check providers of Clara's
// analysis agent: SearXNG, the Brave Search API and Tavily for web search
// (New), and Google's Fact Check Tools API for published fact-checks
// (NewFactCheckTools). Each is a plain HTTP client. Every request is
// bounded in time (Config.Timeout) and in size (1 MiB of response body);
// redirects are not followed, so a key sent in a header never leaves for
// another host. Any failure of a provider wraps ErrUnavailable, and no
// error text carries an API key or a request URL.
package search

import (
	"context"
	"errors"
)

// ErrUnavailable is wrapped by every failure of a provider: network
// errors, timeouts, a status other than 2xx, a body over 1 MiB or one that
// is not the expected JSON. The wrapping error says which.
var ErrUnavailable = errors.New("search provider unavailable")

// Result is one web search result.
type Result struct {
	Title   string
	URL     string
	Snippet string
	// Date is the result's date as the provider gives it ("" when none).
	Date string
}

// Searcher searches the web.
type Searcher interface {
	// Search returns at most max results (max is clamped to 1..10) for
	// query, which must not be blank.
	Search(ctx context.Context, query string, max int) ([]Result, error)
}

// Review is one published fact-check (ClaimReview) of a claim.
type Review struct {
	Publisher     string // the publisher's name (its site when it has none)
	Rating        string // the textual rating, e.g. "False"
	ClaimReviewed string // the claim as the fact-check states it
	Claimant      string // who made the claim ("" when unknown)
	URL           string // the fact-check's page
	Title         string // the fact-check's title
	Date          string // when it was published, as the provider gives it
}

// FactChecker finds published fact-checks of a claim.
type FactChecker interface {
	// FactChecks returns at most max reviews (max is clamped to 1..10) of
	// claims matching claim, which must not be blank.
	FactChecks(ctx context.Context, claim string, max int) ([]Review, error)
}

// ProviderNames returns the web search providers New accepts.
func ProviderNames() []string {
	return []string{providerSearXNG, providerBrave, providerTavily}
}
