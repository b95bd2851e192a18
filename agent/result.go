package agent

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/clara-backend/clara/core"
)

// answer is the model's JSON answer; pointers tell a missing field from a
// zero one.
type answer struct {
	Verdict    *string         `json:"verdict"`
	Confidence *float64        `json:"confidence"`
	Summary    *string         `json:"summary"`
	Claims     []answerClaim   `json:"claims"`
	Sources    []answerSource  `json:"sources"`
	Model      json.RawMessage `json:"model"` // ignored: the agent names the model
}

type answerClaim struct {
	Claim       *string        `json:"claim"`
	Verdict     *string        `json:"verdict"`
	Explanation *string        `json:"explanation"`
	Sources     []answerSource `json:"sources"`
}

type answerSource struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// result parses and checks the model's answer text. It returns the result,
// or the problems to send back to the model.
func (s *session) result(text string) (core.AnalysisResult, []string) {
	ans, err := parseAnswer(text)
	if err != nil {
		return core.AnalysisResult{}, []string{err.Error()}
	}
	c := checker{s: s, seen: map[string]bool{}}
	res := core.AnalysisResult{Model: s.a.name, Claims: []core.ClaimCheck{}, Sources: []core.Source{}}
	res.Verdict = c.verdict("verdict", ans.Verdict)
	res.Summary = c.text("summary", ans.Summary)
	switch {
	case ans.Confidence == nil:
		c.add("confidence is missing")
	case *ans.Confidence < 0 || *ans.Confidence > 1:
		c.add(fmt.Sprintf("confidence %v is not between 0 and 1", *ans.Confidence))
	default:
		res.Confidence = *ans.Confidence
	}
	if len(ans.Claims) == 0 {
		c.add("claims must list at least one claim")
	}
	for i, cl := range ans.Claims {
		path := fmt.Sprintf("claims[%d]", i)
		cc := core.ClaimCheck{
			Claim: c.text(path+".claim", cl.Claim), Verdict: c.verdict(path+".verdict", cl.Verdict),
			Explanation: c.text(path+".explanation", cl.Explanation), Sources: c.sources(path+".sources", cl.Sources),
		}
		res.Claims = append(res.Claims, cc)
	}
	res.Sources = c.sources("sources", ans.Sources)
	for _, cl := range res.Claims { // every source of a claim is a source of the result
		for _, src := range cl.Sources {
			if !c.seen[src.URL] {
				c.seen[src.URL] = true
				res.Sources = append(res.Sources, src)
			}
		}
	}
	if len(c.problems) > 0 {
		return core.AnalysisResult{}, c.problems
	}
	return res, nil
}

// parseAnswer decodes text, a JSON object alone or in a ```json fence.
func parseAnswer(text string) (answer, error) {
	body := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(body, "```"); ok {
		nl := strings.IndexByte(rest, '\n')
		inner, closed := strings.CutSuffix(rest, "```")
		lang := strings.TrimSpace(rest[:max(nl, 0)])
		if nl < 0 || !closed || (lang != "" && !strings.EqualFold(lang, "json")) {
			return answer{}, errors.New("the answer is not one JSON object in a ```json fence")
		}
		body = strings.TrimSpace(inner[nl:])
	}
	if body == "" {
		return answer{}, errors.New("the answer is empty: give the JSON object")
	}
	if !strings.HasPrefix(body, "{") {
		return answer{}, errors.New("the answer must be a JSON object, and nothing else")
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	var ans answer
	if err := dec.Decode(&ans); err != nil {
		return answer{}, fmt.Errorf("the answer is not a JSON object of the required shape: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return answer{}, errors.New("the answer has text after the JSON object: give only the object")
	}
	return ans, nil
}

// checker collects the problems of an answer.
type checker struct {
	s        *session
	problems []string
	seen     map[string]bool // source URLs of the result's sources
}

func (c *checker) add(p string) { c.problems = append(c.problems, p) }

// text returns a required non-empty string.
func (c *checker) text(path string, v *string) string {
	if v == nil || strings.TrimSpace(*v) == "" {
		c.add(path + " is missing or empty")
		return ""
	}
	return strings.TrimSpace(*v)
}

// verdict returns a required verdict.
func (c *checker) verdict(path string, v *string) string {
	switch {
	case v == nil:
		c.add(path + " is missing")
	case !slices.Contains(core.Verdicts, *v):
		c.add(fmt.Sprintf("%s %q is not one of %s", path, *v, strings.Join(core.Verdicts, ", ")))
	}
	if v == nil {
		return ""
	}
	return *v
}

// sources checks cited sources: each one a page fetched or an attachment
// given. It returns them as the agent recorded them, without duplicates;
// the top level's are marked seen.
func (c *checker) sources(path string, in []answerSource) []core.Source {
	out := []core.Source{}
	dup := map[string]bool{}
	for i, a := range in {
		src, ok := c.source(fmt.Sprintf("%s[%d].url", path, i), a)
		if !ok || dup[src.URL] {
			continue
		}
		dup[src.URL] = true
		if path == "sources" {
			c.seen[src.URL] = true
		}
		out = append(out, src)
	}
	return out
}

// source checks one cited source.
func (c *checker) source(path string, a answerSource) (core.Source, bool) {
	raw := strings.TrimSpace(a.URL)
	title := strings.TrimSpace(a.Title)
	if raw == "" {
		c.add(path + " is missing")
		return core.Source{}, false
	}
	if name, ok := strings.CutPrefix(raw, "attachment:"); ok {
		if clip, at, ok := cutMoment(name); ok && !c.s.attachments[name] {
			length, isClip := c.s.clips[clip]
			switch {
			case !isClip:
				c.add(fmt.Sprintf("%s %q names no video or audio attachment that was given", path, raw))
				return core.Source{}, false
			case at > length:
				c.add(fmt.Sprintf("%s %q is past the end of %s, which lasts %s", path, raw, clip, clock(length)))
				return core.Source{}, false
			}
			return core.Source{URL: raw, Title: cmp.Or(title, clip+" at "+clock(at))}, true
		}
		if !c.s.attachments[name] {
			c.add(fmt.Sprintf("%s %q names no attachment that was given", path, raw))
			return core.Source{}, false
		}
		return core.Source{URL: raw, Title: cmp.Or(title, name)}, true
	}
	page, ok := c.s.fetched[normalizeURL(raw)]
	if !ok {
		c.add(fmt.Sprintf("%s %q was not fetched: cite only pages you read with %s, by their final URL (search results and fact-check listings are not sources until fetched)", path, raw, toolFetch))
		return core.Source{}, false
	}
	return core.Source{URL: page.URL, Title: cmp.Or(title, page.Title, page.URL)}, true
}

// normalizeURL returns the form URLs are compared in: scheme and host
// lower-case, no default port, no fragment, no trailing slash.
func normalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		u.Host = strings.TrimSuffix(u.Host, ":"+port)
	}
	u.Fragment, u.RawFragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u.String()
}
