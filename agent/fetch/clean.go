package fetch

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Bounds of the fields of a Post, in bytes.
const (
	maxShort = 120  // names, dates, durations, sites
	maxURL   = 400  // URLs
	maxTitle = 300  // titles
	maxText  = 1500 // the post's text
	maxEmbed = 800  // the text of an oEmbed answer's HTML
)

// cleanText returns s, which is hostile, as one line of plain text of at
// most n bytes: markup removed (entities decoded), control, format and
// bidirectional characters dropped, whitespace collapsed, invalid UTF-8
// replaced, and a longer text cut at a character boundary, marked "…".
func cleanText(s string, n int) string {
	s = clip(s, 8*n) // bound the work; markup and spaces shrink a text, rarely eightfold
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.ContainsAny(s, "<&") {
		s = stripMarkup(s)
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r): // bidi overrides, zero-width characters, BOM
			return -1
		}
		return r
	}, s)
	return clipMark(strings.Join(strings.Fields(s), " "), n)
}

// blockTags are the elements whose boundaries separate words.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "blockquote": true, "section": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "td": true,
}

// stripMarkup returns the text of the HTML fragment s: its text with
// entities decoded, without tags, comments, or the content of script and
// style elements.
func stripMarkup(s string) string {
	var b strings.Builder
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	skip := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if !skip {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" {
				skip = tt == html.StartTagToken
			}
			if blockTags[tag] {
				b.WriteByte(' ')
			}
		}
	}
}

// cleanURL returns ref resolved against base if the result is an http(s)
// URL without user info of at most maxURL bytes, else "".
func cleanURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxURL || strings.ContainsFunc(ref, func(r rune) bool { return unicode.IsControl(r) || r == ' ' }) {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" || u.User != nil || u.Host == "" {
		return ""
	}
	if out := u.String(); len(out) <= maxURL && utf8.ValidString(out) {
		return out
	}
	return ""
}

// clip cuts s to at most n bytes at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clipMark cuts s to at most n bytes at a character boundary, ending a
// cut text with "…".
func clipMark(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return clip(s, n-len("…")) + "…"
}
