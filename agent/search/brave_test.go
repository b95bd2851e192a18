package search_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/clara-backend/clara/agent/search"
)

// braveAnswer is a Brave Search API answer (trimmed of fields Clara does
// not read), with a result to drop.
const braveAnswer = `{
  "type": "search",
  "query": {"original": "eiffel tower 1889", "show_strict_warning": false, "is_navigational": false},
  "mixed": {"type": "mixed", "main": [{"type": "web", "index": 0, "all": false}]},
  "web": {
    "type": "search",
    "results": [
      {"title": "<strong>Eiffel Tower</strong> - Wikipedia", "url": "https://en.wikipedia.org/wiki/Eiffel_Tower",
       "is_source_local": false, "is_source_both": false,
       "description": "The <strong>Eiffel</strong> <strong>Tower</strong> was completed in <strong>1889</strong> &amp; is 330&nbsp;m tall; 1 &lt; 2.",
       "page_age": "2024-11-02T08:15:05", "age": "November 2, 2024", "language": "en", "family_friendly": true,
       "profile": {"name": "Wikipedia", "url": "https://en.wikipedia.org/wiki/Eiffel_Tower", "long_name": "en.wikipedia.org"},
       "meta_url": {"scheme": "https", "netloc": "en.wikipedia.org", "hostname": "en.wikipedia.org", "path": "› wiki › Eiffel_Tower"}},
      {"title": "Official site", "url": "https://www.toureiffel.paris/en", "description": "Tickets &#39;n&#39; history", "age": "2 days ago"},
      {"title": "no URL", "description": "dropped"}
    ],
    "family_friendly": true
  }
}`

func TestBrave(t *testing.T) {
	var count string
	s := fake(t, answer(t, func(r *http.Request) {
		q := r.URL.Query()
		count = q.Get("count")
		if r.Method != http.MethodGet || r.URL.Path != "/res/v1/web/search" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		if q.Get("q") != "eiffel tower 1889" {
			t.Errorf("q = %q", q.Get("q"))
		}
		if r.Header.Get("X-Subscription-Token") != testKey || r.Header.Get("Accept") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
	}, braveAnswer))
	b, err := search.New(search.Config{Provider: "brave", URL: s.URL + "/res/v1/web/search", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Search(context.Background(), " eiffel tower 1889 ", 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Result{
		{Title: "Eiffel Tower - Wikipedia", URL: "https://en.wikipedia.org/wiki/Eiffel_Tower",
			Snippet: "The Eiffel Tower was completed in 1889 & is 330 m tall; 1 < 2.", Date: "2024-11-02T08:15:05"},
		{Title: "Official site", URL: "https://www.toureiffel.paris/en", Snippet: "Tickets 'n' history", Date: "2 days ago"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results:\n%+v\nwant\n%+v", got, want)
	}
	if count != "5" {
		t.Errorf("count = %q, want 5", count)
	}

	for _, c := range []struct {
		max       int
		count     string
		responses int
	}{{0, "1", 1}, {-3, "1", 1}, {1, "1", 1}, {10, "10", 2}, {50, "10", 2}} {
		got, err := b.Search(context.Background(), "eiffel tower 1889", c.max)
		if err != nil {
			t.Fatal(err)
		}
		if count != c.count || len(got) != c.responses {
			t.Errorf("max %d: count=%s and %d results, want count=%s and %d", c.max, count, len(got), c.count, c.responses)
		}
	}
}
