package agent

import (
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

func TestParseAnswer(t *testing.T) {
	valid := answerJSON()
	for _, tc := range []struct {
		name, text, want string // want: a part of the error, "" for none
	}{
		{"plain", valid, ""},
		{"fenced", "```json\n" + valid + "\n```", ""},
		{"bare fence", "```\n" + valid + "\n```", ""},
		{"surrounding space", "\n  " + valid + "\n", ""},
		{"prose before", "Sure! " + valid, "must be a JSON object"},
		{"prose after", valid + " Hope this helps.", "text after the JSON object"},
		{"two objects", valid + valid, "text after the JSON object"},
		{"unclosed fence", "```json\n" + valid, "fence"},
		{"other language", "```python\n" + valid + "\n```", "fence"},
		{"empty", "  ", "empty"},
		{"array", "[" + valid + "]", "must be a JSON object"},
		{"unknown field", strings.Replace(valid, "{", `{"notes":"x",`, 1), "unknown field"},
		{"bad JSON", `{"verdict": TRUE}`, "not a JSON object"},
	} {
		_, err := parseAnswer(tc.text)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestResultChecks(t *testing.T) {
	a, _ := New(Config{Provider: "openai", Model: "m", APIKey: "k"}, newTestFetcher())
	s := a.newSession(nil)
	s.fetched[normalizeURL("https://example.org/a")] = core.Source{URL: "https://example.org/a", Title: "Page A"}
	for _, tc := range []struct {
		name, text string
		want       []string // parts of the problems
	}{
		{"missing everything", `{}`, []string{"verdict is missing", "summary is missing", "confidence is missing", "at least one claim"}},
		{"confidence out of range", strings.Replace(answerJSON(), `"confidence":0.8`, `"confidence":1.5`, 1), []string{"confidence 1.5 is not between 0 and 1"}},
		{"bad verdict", strings.Replace(answerJSON(), `"verdict":"MOSTLY_TRUE"`, `"verdict":"true"`, 1), []string{`verdict "true" is not one of`}},
		{"empty claim", strings.Replace(answerJSON(), `"claim":"The Eiffel Tower is 330 m tall."`, `"claim":" "`, 1), []string{"claims[0].claim is missing or empty"}},
		{"empty url", answerJSON(""), []string{"claims[0].sources[0].url is missing", "sources[0].url is missing"}},
	} {
		_, problems := s.result(tc.text)
		joined := strings.Join(problems, "\n")
		for _, w := range tc.want {
			if !strings.Contains(joined, w) {
				t.Errorf("%s: problems %q lack %q", tc.name, problems, w)
			}
		}
	}

	// A claim's source joins the top-level sources; the page's title fills
	// in a missing one; duplicates go.
	text := `{"verdict":"FALSE","confidence":0,"summary":"s","sources":[],"claims":[{"claim":"c","verdict":"FALSE","explanation":"e",
		"sources":[{"url":"HTTPS://EXAMPLE.org/a/#x","title":""},{"url":"https://example.org/a","title":"dup"}]}]}`
	res, problems := s.result(text)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	want := core.Source{URL: "https://example.org/a", Title: "Page A"}
	if len(res.Claims[0].Sources) != 1 || res.Claims[0].Sources[0] != want || len(res.Sources) != 1 || res.Sources[0] != want {
		t.Fatalf("sources: claim %+v, top %+v", res.Claims[0].Sources, res.Sources)
	}
	if res.Model != "openai/m" {
		t.Fatalf("model = %q", res.Model)
	}
}

func TestNormalizeURL(t *testing.T) {
	for _, tc := range [][2]string{
		{"HTTPS://Example.COM/Path/?q=1#frag", "https://example.com/Path?q=1"},
		{"https://example.com/", "https://example.com"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"http://example.com:80/a/", "http://example.com/a"},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"http://example.com:8080/a", "http://example.com:8080/a"},
	} {
		if got := normalizeURL(tc[0]); got != tc[1] {
			t.Errorf("normalizeURL(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
	if normalizeURL("https://example.com/a/") != normalizeURL("https://EXAMPLE.com/a#x") {
		t.Error("equivalent URLs normalise differently")
	}
}
