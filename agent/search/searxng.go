package search

import (
	"context"
	"net/http"
	"net/url"
)

// searxng searches through a SearXNG instance's JSON API (GET /search
// with format=json; the format must be enabled in its settings.yml).
type searxng struct {
	api      *api
	endpoint *url.URL // the instance's /search
}

// searxngResponse is the part of SearXNG's answer Clara reads.
type searxngResponse struct {
	Results []struct {
		Title         text `json:"title"`
		URL           text `json:"url"`
		Content       text `json:"content"`
		PublishedDate text `json:"publishedDate"`
	} `json:"results"`
}

// Search asks the instance for query. SearXNG takes no result count, so
// the answer is cut to max.
func (s *searxng) Search(ctx context.Context, query string, max int) ([]Result, error) {
	query, max, err := prepare("search: "+s.api.name, query, max)
	if err != nil {
		return nil, err
	}
	var resp searxngResponse
	err = s.api.do(ctx, request{
		method:   http.MethodGet,
		endpoint: s.endpoint,
		params:   url.Values{"q": {query}, "format": {"json"}},
	}, &resp)
	if err != nil {
		return nil, err
	}
	return results(max, len(resp.Results), func(i int) (string, string, string, string) {
		r := resp.Results[i]
		return string(r.Title), string(r.URL), string(r.Content), string(r.PublishedDate)
	}), nil
}
