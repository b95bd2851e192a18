package search_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/clara-backend/clara/agent/search"
)

// tavilyAnswer is a Tavily search answer, with a result to drop.
const tavilyAnswer = `{
  "query": "eiffel tower 1889",
  "follow_up_questions": null,
  "answer": null,
  "images": [],
  "results": [
    {"title": "Eiffel Tower - Wikipedia", "url": "https://en.wikipedia.org/wiki/Eiffel_Tower",
     "content": "The Eiffel Tower was completed in March 1889.", "score": 0.98, "raw_content": null},
    {"title": "Paris landmark turns 135", "url": "https://news.example.com/eiffel-135",
     "content": " The tower opened\tto the public in 1889. ", "score": 0.81, "raw_content": null,
     "published_date": "Sun, 31 Mar 2024 09:00:00 GMT"},
    {"title": "mail", "url": "mailto:info@example.com", "content": "dropped", "score": 0.5}
  ],
  "response_time": 1.07,
  "request_id": "123e4567-e89b-12d3-a456-426614174111"
}`

func TestTavily(t *testing.T) {
	s := fake(t, answer(t, func(r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/search" {
			t.Errorf("request %s %s, want POST /search", r.Method, r.URL.Path)
		}
		if r.Header.Get("Authorization") != "Bearer "+testKey || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("body: %v", err)
		}
		want := map[string]any{"query": "eiffel tower 1889", "max_results": 3.0, "search_depth": "basic"}
		if !reflect.DeepEqual(body, want) {
			t.Errorf("body %v, want %v", body, want)
		}
	}, tavilyAnswer))
	tv, err := search.New(search.Config{Provider: "tavily", URL: s.URL + "/search", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	got, err := tv.Search(context.Background(), "eiffel tower 1889\t", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Result{
		{Title: "Eiffel Tower - Wikipedia", URL: "https://en.wikipedia.org/wiki/Eiffel_Tower",
			Snippet: "The Eiffel Tower was completed in March 1889."},
		{Title: "Paris landmark turns 135", URL: "https://news.example.com/eiffel-135",
			Snippet: "The tower opened to the public in 1889.", Date: "Sun, 31 Mar 2024 09:00:00 GMT"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results:\n%+v\nwant\n%+v", got, want)
	}
}
