package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/agent/search"
	"github.com/clara-backend/clara/core"
)

// How many results a search, and how many reviews a fact-check lookup,
// gives the model.
const (
	searchResults = 8
	reviewResults = 5
)

// takeSearch takes one search from the analysis's budget; the error is the
// tool result of a refusal.
func (s *session) takeSearch() error {
	if s.searches >= s.a.cfg.MaxSearches {
		return fmt.Errorf("refused: the limit of %d searches and fact-check lookups is reached; fetch the pages you found or answer with the sources you have", s.a.cfg.MaxSearches)
	}
	s.searches++
	return nil
}

// search runs a web search within the budgets. A provider that fails or
// times out is no failure of the analysis: the model is told to go on
// without search.
func (s *session) search(ctx context.Context, query string) (string, bool) {
	if err := s.takeSearch(); err != nil {
		s.step(core.StepSearch, query, err.Error())
		return err.Error(), true
	}
	ctx, cancel := context.WithTimeout(ctx, s.a.cfg.StepTimeout)
	defer cancel()
	results, err := s.a.cfg.Searcher.Search(ctx, query, searchResults)
	if err != nil {
		s.step(core.StepSearch, query, "search unavailable: "+unavailable(err))
		return "error: web search is unavailable right now. Go on without it: fetch pages whose address you know with fetch_url, or answer UNVERIFIABLE where you lack sources.", true
	}
	s.step(core.StepSearch, query, fmt.Sprintf("%d results", len(results)))
	if len(results) == 0 {
		return "no results: try other words, or answer with the sources you have", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d results for %q. These are leads, not sources: fetch a page with %s before you rely on it or cite it.\n", len(results), query, toolFetch)
	for i, r := range results {
		fmt.Fprintf(&b, "\n%d. %s\n   URL: %s\n", i+1, r.Title, r.URL)
		if r.Date != "" {
			fmt.Fprintf(&b, "   Date: %s\n", r.Date)
		}
		if r.Snippet != "" {
			fmt.Fprintf(&b, "   Snippet: %s\n", r.Snippet)
		}
	}
	return b.String(), false
}

// factChecks looks up published fact-checks of claim within the budgets;
// like search, a failure only takes the tool away.
func (s *session) factChecks(ctx context.Context, claim string) (string, bool) {
	if err := s.takeSearch(); err != nil {
		s.step(core.StepFactChecks, claim, err.Error())
		return err.Error(), true
	}
	ctx, cancel := context.WithTimeout(ctx, s.a.cfg.StepTimeout)
	defer cancel()
	reviews, err := s.a.cfg.FactChecker.FactChecks(ctx, claim, reviewResults)
	if err != nil {
		s.step(core.StepFactChecks, claim, "fact-check lookup unavailable: "+unavailable(err))
		return "error: the fact-check lookup is unavailable right now. Go on without it.", true
	}
	s.step(core.StepFactChecks, claim, fmt.Sprintf("%d reviews", len(reviews)))
	if len(reviews) == 0 {
		return "no published fact-checks found for this claim", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d published fact-checks. Fetch a relevant one with %s and read it before you rule; say so in the explanation when your verdict differs from theirs.\n", len(reviews), toolFetch)
	for i, r := range reviews {
		fmt.Fprintf(&b, "\n%d. %s rated it %q\n   Claim reviewed: %s\n   URL: %s\n", i+1, orUnknown(r.Publisher), r.Rating, r.ClaimReviewed, r.URL)
		if r.Claimant != "" {
			fmt.Fprintf(&b, "   Claimant: %s\n", r.Claimant)
		}
		if r.Date != "" {
			fmt.Fprintf(&b, "   Date: %s\n", r.Date)
		}
	}
	return b.String(), false
}

// unavailable words a provider's failure for the steps: that it timed
// out, or its detail (which never holds an API key).
func unavailable(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return strings.TrimSuffix(err.Error(), " ("+search.ErrUnavailable.Error()+")")
}

// orUnknown returns s, or "an unnamed publisher" when empty.
func orUnknown(s string) string {
	if s == "" {
		return "an unnamed publisher"
	}
	return s
}
