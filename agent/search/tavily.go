package search

import (
	"context"
	"net/http"
	"net/url"
)

// tavily searches with the Tavily API (POST /search with a JSON body, the
// key as a bearer token).
type tavily struct {
	api      *api
	endpoint *url.URL
}

// tavilyRequest is the body of a Tavily search.
type tavilyRequest struct {
	Query       string `json:"query"`
	MaxResults  int    `json:"max_results"`
	SearchDepth string `json:"search_depth"`
}

// tavilyResponse is the part of Tavily's answer Clara reads.
type tavilyResponse struct {
	Results []struct {
		Title         text `json:"title"`
		URL           text `json:"url"`
		Content       text `json:"content"`
		PublishedDate text `json:"published_date"` // news searches only
	} `json:"results"`
}

// Search asks Tavily for max results for query, at basic depth.
func (t *tavily) Search(ctx context.Context, query string, max int) ([]Result, error) {
	query, max, err := prepare("search: "+t.api.name, query, max)
	if err != nil {
		return nil, err
	}
	var resp tavilyResponse
	err = t.api.do(ctx, request{
		method:   http.MethodPost,
		endpoint: t.endpoint,
		header:   http.Header{"Authorization": {"Bearer " + t.api.secret}},
		body:     tavilyRequest{Query: query, MaxResults: max, SearchDepth: "basic"},
	}, &resp)
	if err != nil {
		return nil, err
	}
	return results(max, len(resp.Results), func(i int) (string, string, string, string) {
		r := resp.Results[i]
		return string(r.Title), string(r.URL), string(r.Content), string(r.PublishedDate)
	}), nil
}
