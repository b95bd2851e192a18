package search

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// factCheckName starts the Fact Check Tools API's errors.
const factCheckName = "fact check tools"

// factCheckTools finds fact-checks with Google's Fact Check Tools API
// (GET claims:search). Its key travels in the query string, so the request
// URL is never printed.
type factCheckTools struct {
	api      *api
	endpoint *url.URL
}

// factCheckResponse is the part of a claims:search answer Clara reads.
type factCheckResponse struct {
	Claims []struct {
		Text        text `json:"text"`
		Claimant    text `json:"claimant"`
		ClaimReview []struct {
			Publisher struct {
				Name text `json:"name"`
				Site text `json:"site"`
			} `json:"publisher"`
			URL           text `json:"url"`
			Title         text `json:"title"`
			ReviewDate    text `json:"reviewDate"`
			TextualRating text `json:"textualRating"`
		} `json:"claimReview"`
	} `json:"claims"`
}

// FactChecks asks for up to max claims matching claim, in any language,
// and returns one Review per review of them, at most max.
func (f *factCheckTools) FactChecks(ctx context.Context, claim string, max int) ([]Review, error) {
	claim, max, err := prepare(factCheckName, claim, max)
	if err != nil {
		return nil, err
	}
	var resp factCheckResponse
	err = f.api.do(ctx, request{
		method:   http.MethodGet,
		endpoint: f.endpoint,
		params:   url.Values{"query": {claim}, "pageSize": {strconv.Itoa(max)}, "key": {f.api.secret}},
	}, &resp)
	if err != nil {
		return nil, err
	}
	out := make([]Review, 0, max)
	for _, c := range resp.Claims {
		for _, r := range c.ClaimReview {
			if len(out) == max {
				return out, nil
			}
			u, ok := webURL(string(r.URL))
			if !ok {
				continue
			}
			publisher := clean(string(r.Publisher.Name))
			if publisher == "" {
				publisher = clean(string(r.Publisher.Site))
			}
			out = append(out, Review{Publisher: publisher, Rating: clean(string(r.TextualRating)),
				ClaimReviewed: clean(string(c.Text)), Claimant: clean(string(c.Claimant)), URL: u,
				Title: clean(string(r.Title)), Date: cut(string(r.ReviewDate), maxDate)})
		}
	}
	return out, nil
}
