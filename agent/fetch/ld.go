package fetch

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Bounds of the JSON-LD walk.
const (
	maxLDDepth = 4  // levels of arrays, @graph and mainEntity walked
	maxLDItems = 16 // objects of a known type kept
)

// ldRank ranks the schema.org types read from JSON-LD: the lowest rank
// found is the page's post.
var ldRank = map[string]int{
	"SocialMediaPosting": 1, "DiscussionForumPosting": 1,
	"VideoObject": 2,
	"NewsArticle": 3, "ReportageNewsArticle": 3, "BlogPosting": 3,
	"Article": 4, "LiveBlogPosting": 4,
}

// collectLD appends to found the objects of a type ldRank knows in the
// JSON-LD script text: the top-level object or array, and what their
// @graph and mainEntity hold. Text that is not JSON is ignored.
func collectLD(text []byte, found []map[string]any) []map[string]any {
	var v any
	if err := json.Unmarshal(text, &v); err != nil {
		return found
	}
	return walkLD(v, 0, found)
}

// walkLD appends to found the objects of a known type in v, a JSON value
// at depth.
func walkLD(v any, depth int, found []map[string]any) []map[string]any {
	if depth > maxLDDepth || len(found) >= maxLDItems {
		return found
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			found = walkLD(e, depth+1, found)
		}
	case map[string]any:
		if ldType(v) != "" {
			found = append(found, v)
		}
		found = walkLD(v["@graph"], depth+1, found)
		found = walkLD(v["mainEntity"], depth+1, found)
	}
	return found
}

// ldType returns the best-ranked type ldRank knows among the @type of o,
// or "".
func ldType(o map[string]any) string {
	best := ""
	var types []any
	switch t := o["@type"].(type) {
	case string:
		types = []any{t}
	case []any:
		types = t
	}
	for _, t := range types {
		s, _ := t.(string)
		s = strings.TrimPrefix(strings.TrimPrefix(s, "http://schema.org/"), "https://schema.org/")
		if r, ok := ldRank[s]; ok && (best == "" || r < ldRank[best]) {
			best = s
		}
	}
	return best
}

// bestLD returns the best-ranked object of found (the first of equals),
// or nil.
func bestLD(found []map[string]any) map[string]any {
	var best map[string]any
	for _, o := range found {
		if best == nil || ldRank[ldType(o)] < ldRank[ldType(best)] {
			best = o
		}
	}
	return best
}

// ldPost is what a JSON-LD object says of a post, raw.
type ldPost struct {
	typ                 string
	author, authorURL   string
	published, duration string
	headline, name      string
	description, body   string
	publisher           string
	image, video, url   string
	stats               []string // e.g. "1200 likes"
}

// readLD returns what the JSON-LD object o says of its post.
func readLD(o map[string]any) ldPost {
	p := ldPost{
		typ:         ldType(o),
		published:   first(ldString(o["datePublished"]), ldString(o["uploadDate"]), ldString(o["dateCreated"])),
		duration:    ldString(o["duration"]),
		headline:    ldString(o["headline"]),
		name:        ldString(o["name"]),
		description: ldString(o["description"]),
		body:        first(ldString(o["articleBody"]), ldString(o["text"])),
		publisher:   ldName(o["publisher"]),
		image:       first(ldString(o["thumbnailUrl"]), ldURL(o["image"])),
		video:       first(ldString(o["contentUrl"]), ldString(o["embedUrl"])),
		url:         ldString(o["url"]),
		stats:       ldStats(o["interactionStatistic"]),
	}
	author := o["author"]
	if author == nil {
		author = o["creator"]
	}
	p.author, p.authorURL = ldAuthor(author)
	return p
}

// ldAuthor returns the names (at most three) and the first URL of an
// author value: a name, a Person or Organization, or a list of them.
func ldAuthor(v any) (name, link string) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var names []string
	for _, a := range list[:min(len(list), 3)] {
		if n := ldName(a); n != "" {
			names = append(names, n)
		}
		if o, ok := a.(map[string]any); ok && link == "" {
			link = ldString(o["url"])
		}
	}
	return strings.Join(names, ", "), link
}

// ldName returns the name of a value that is a name or an object with a
// name (or alternateName).
func ldName(v any) string {
	if o, ok := v.(map[string]any); ok {
		return first(ldString(o["name"]), ldString(o["alternateName"]))
	}
	return ldString(v)
}

// ldURL returns the URL of a value that is a URL, an object with a url,
// or a list of them.
func ldURL(v any) string {
	if o, ok := v.(map[string]any); ok {
		return ldString(o["url"])
	}
	if l, ok := v.([]any); ok && len(l) > 0 {
		if o, ok := l[0].(map[string]any); ok {
			return ldString(o["url"])
		}
	}
	return ldString(v)
}

// statNames words schema.org interaction types.
var statNames = map[string]string{
	"LikeAction": "likes", "CommentAction": "comments", "WatchAction": "views", "ShareAction": "shares",
	"FollowAction": "followers", "WriteAction": "posts", "ViewAction": "views", "DislikeAction": "dislikes",
}

// ldStats returns the counts of interactionStatistic v, at most five:
// "1200 likes".
func ldStats(v any) []string {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []string
	for _, s := range list {
		o, ok := s.(map[string]any)
		if !ok || len(out) == 5 {
			continue
		}
		kind := ldString(o["interactionType"])
		if t, ok := o["interactionType"].(map[string]any); ok {
			kind = ldString(t["@type"])
		}
		kind = kind[strings.LastIndexByte(kind, '/')+1:]
		count := ldString(o["userInteractionCount"])
		name, known := statNames[kind]
		if _, err := strconv.ParseFloat(count, 64); err != nil || !known {
			continue
		}
		out = append(out, count+" "+name)
	}
	return out
}

// ldString returns a JSON value that is a string or a number as a
// string, or the first element of a list that is one, or "".
func ldString(v any) string {
	if l, ok := v.([]any); ok && len(l) > 0 {
		v = l[0]
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// first returns the first of vs that is not "".
func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
