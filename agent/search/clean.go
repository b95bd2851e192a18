package search

import (
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits on what is returned.
const (
	maxResults = 10  // at most this many results or reviews per call
	maxText    = 500 // bytes of a title, snippet or other text field
	maxDate    = 100 // bytes of a date
)

// prepare trims query and clamps n to 1..maxResults. A blank query is
// the caller's mistake, not the provider's: its error, which starts with
// label, does not wrap ErrUnavailable.
func prepare(label, query string, n int) (string, int, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return "", 0, errors.New(label + ": the query is empty")
	}
	return query, min(max(n, 1), maxResults), nil
}

// clean collapses runs of white space in s, trims it and cuts it to
// maxText bytes at a UTF-8 boundary.
func clean(s string) string {
	return cut(strings.Join(strings.Fields(s), " "), maxText)
}

// cut returns s trimmed and cut to at most n bytes at a UTF-8 boundary.
func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.TrimSpace(s[:i])
}

// webURL returns s trimmed if it is an absolute http(s) URL with a host,
// and false otherwise.
func webURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return s, true
}

// tagRE matches a simple HTML tag, such as the <strong> Brave puts around
// matched words.
var tagRE = regexp.MustCompile(`</?[A-Za-z][^<>]*>`)

// plain removes simple HTML tags from s, then unescapes its entities.
func plain(s string) string {
	return html.UnescapeString(tagRE.ReplaceAllString(s, ""))
}

// text is a JSON field read leniently: a string as is, and null or any
// other type as "", so one odd field does not fail a whole response.
type text string

// UnmarshalJSON reads a string, or anything else as "".
func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = ""
	}
	*t = text(s)
	return nil
}

// results turns up to max of the n hits a provider answered into Results:
// hit(i) gives the i-th hit's title, URL, snippet and date as sent; hits
// without a web URL are dropped, texts cleaned and cut.
func results(max, n int, hit func(i int) (title, rawURL, snippet, date string)) []Result {
	out := make([]Result, 0, max)
	for i := 0; i < n && len(out) < max; i++ {
		title, raw, snippet, date := hit(i)
		u, ok := webURL(raw)
		if !ok {
			continue
		}
		out = append(out, Result{Title: clean(title), URL: u, Snippet: clean(snippet), Date: cut(date, maxDate)})
	}
	return out
}
