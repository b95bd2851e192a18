package search

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// brave searches with the Brave Search API (GET /res/v1/web/search, the
// key in X-Subscription-Token).
type brave struct {
	api      *api
	endpoint *url.URL
}

// braveResponse is the part of Brave's answer Clara reads.
type braveResponse struct {
	Web struct {
		Results []struct {
			Title       text `json:"title"`
			URL         text `json:"url"`
			Description text `json:"description"`
			PageAge     text `json:"page_age"` // e.g. "2024-05-01T12:00:00"
			Age         text `json:"age"`      // e.g. "May 1, 2024" or "2 days ago"
		} `json:"results"`
	} `json:"web"`
}

// Search asks Brave for max results for query. The <strong> tags and
// entities Brave puts in titles and descriptions are removed; the date is
// page_age when given, else age.
func (b *brave) Search(ctx context.Context, query string, max int) ([]Result, error) {
	query, max, err := prepare("search: "+b.api.name, query, max)
	if err != nil {
		return nil, err
	}
	var resp braveResponse
	err = b.api.do(ctx, request{
		method:   http.MethodGet,
		endpoint: b.endpoint,
		params:   url.Values{"q": {query}, "count": {strconv.Itoa(max)}},
		header:   http.Header{"X-Subscription-Token": {b.api.secret}},
	}, &resp)
	if err != nil {
		return nil, err
	}
	return results(max, len(resp.Web.Results), func(i int) (string, string, string, string) {
		r := resp.Web.Results[i]
		date := r.PageAge
		if date == "" {
			date = r.Age
		}
		return plain(string(r.Title)), string(r.URL), plain(string(r.Description)), string(date)
	}), nil
}
