package search_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clara-backend/clara/agent/search"
)

// longTitle is 601 bytes: "a" then 300 two-byte runes, so byte 500 is
// inside a rune.
var longTitle = "a" + strings.Repeat("é", 300)

// searxngAnswer is a SearXNG JSON answer, with results to drop.
var searxngAnswer = `{
  "query": "eiffel tower 1889",
  "number_of_results": 0,
  "results": [
    {"url": "https://en.wikipedia.org/wiki/Eiffel_Tower", "title": "Eiffel Tower - Wikipedia",
     "content": "The Eiffel Tower is a wrought-iron lattice tower\n   on the Champ de Mars in Paris, completed in 1889.",
     "engine": "wikipedia", "parsed_url": ["https", "en.wikipedia.org", "/wiki/Eiffel_Tower", "", "", ""],
     "template": "default.html", "engines": ["wikipedia", "duckduckgo"], "positions": [1, 2],
     "publishedDate": null, "score": 4.0, "category": "general"},
    {"url": "javascript:alert(1)", "title": "script", "content": "x"},
    {"url": "", "title": "no URL", "content": "x"},
    {"url": "ftp://files.example/eiffel", "title": "ftp", "content": "x"},
    {"url": "  https://www.toureiffel.paris/en/the-monument/history  ", "title": "  History of the Eiffel Tower ",
     "content": "Built for the 1889 World's Fair.", "publishedDate": "2023-03-31T00:00:00", "engine": "bing"},
    {"url": "http://long.example/page", "title": "` + longTitle + `", "content": 42, "publishedDate": 7}
  ],
  "answers": [], "corrections": [], "infoboxes": [], "suggestions": ["eiffel tower height"],
  "unresponsive_engines": [["qwant", "timeout"]]
}`

func TestSearXNG(t *testing.T) {
	s := fake(t, answer(t, func(r *http.Request) {
		q := r.URL.Query()
		if r.Method != http.MethodGet || r.URL.Path != "/searx/search" {
			t.Errorf("request %s %s, want GET /searx/search", r.Method, r.URL.Path)
		}
		if q.Get("q") != "eiffel tower 1889" || q.Get("format") != "json" {
			t.Errorf("query %q, want q=eiffel tower 1889 and format=json", r.URL.RawQuery)
		}
		if r.Header.Get("Authorization") != "" || r.Header.Get("Accept") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
	}, searxngAnswer))
	sr, err := search.New(search.Config{Provider: "searxng", URL: s.URL + "/searx/"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sr.Search(context.Background(), "  eiffel tower 1889 \n", 10)
	if err != nil {
		t.Fatal(err)
	}
	cutTitle := "a" + strings.Repeat("é", 249) // 499 bytes
	want := []search.Result{
		{Title: "Eiffel Tower - Wikipedia", URL: "https://en.wikipedia.org/wiki/Eiffel_Tower",
			Snippet: "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, completed in 1889."},
		{Title: "History of the Eiffel Tower", URL: "https://www.toureiffel.paris/en/the-monument/history",
			Snippet: "Built for the 1889 World's Fair.", Date: "2023-03-31T00:00:00"},
		{Title: cutTitle, URL: "http://long.example/page"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results:\n%+v\nwant\n%+v", got, want)
	}
	if !utf8.ValidString(got[2].Title) || len(got[2].Title) > 500 {
		t.Errorf("long title is %d bytes, valid UTF-8 %v", len(got[2].Title), utf8.ValidString(got[2].Title))
	}

	got, err = sr.Search(context.Background(), "eiffel tower 1889", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].URL != want[1].URL {
		t.Errorf("with max 2: %+v", got)
	}
}

func TestSearXNGForbiddenHint(t *testing.T) {
	s := fake(t, func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "Forbidden", http.StatusForbidden) })
	sr, err := search.New(search.Config{Provider: "searxng", URL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sr.Search(context.Background(), "q", 3)
	wantUnavailable(t, err, "searxng: status 403 Forbidden", "json format")
}
