package fetch

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Bounds of the metadata scan.
//
// The scan runs in this process, unlike the page's text, which package
// isolate extracts in a child: it is one pass of the html tokenizer (a
// lexer with no tree, no recursion and no error recovery to exploit) over
// at most maxMetaScan bytes of a body the fetch has already bounded, in
// time linear in that input, keeping at most a few kilobytes per property
// and maxLDScripts JSON-LD scripts of at most maxLDScript bytes, decoded
// by encoding/json (linear, nesting capped by the decoder) and walked to
// a fixed depth. It cannot fault the way a tree builder or a PDF reader
// can, and its oEmbed link must be followed by this process anyway, which
// alone holds the network.
const (
	maxMetaScan  = 1 << 20   // bytes of the page scanned, head and body
	maxProp      = 8 << 10   // bytes kept of one property's value
	maxLDScript  = 256 << 10 // bytes of one JSON-LD script read
	maxLDScripts = 8         // JSON-LD scripts read
)

// metaKeys are the <meta> properties (property= or name=) read. Any of
// them makes the page describe a post.
var metaKeys = map[string]bool{
	"og:title": true, "og:description": true, "og:type": true, "og:site_name": true, "og:url": true,
	"og:image": true, "og:image:url": true, "og:image:secure_url": true, "og:image:alt": true,
	"og:video": true, "og:video:url": true, "og:video:secure_url": true,
	"og:video:duration": true, "video:duration": true, "og:video:release_date": true,
	"article:published_time": true, "article:author": true,
	"twitter:card": true, "twitter:title": true, "twitter:description": true, "twitter:creator": true,
	"twitter:site": true, "twitter:player": true, "twitter:image": true, "twitter:image:src": true,
	"twitter:image:alt": true,
}

// itemKeys are the microdata properties (<meta itemprop=... content=...>)
// read, as YouTube writes them. They complete a post but do not make one.
var itemKeys = map[string]bool{"datePublished": true, "uploadDate": true, "duration": true, "interactionCount": true}

// meta is what the scan of a page found.
type meta struct {
	props  map[string]string // metaKeys found: the first value of each, raw
	items  map[string]string // itemKeys found: the first value of each, raw
	ld     []map[string]any  // JSON-LD objects of the types ldRank knows, in order
	oembed string            // the JSON oEmbed discovery link, resolved, or ""
}

// readMeta scans the UTF-8 HTML doc, the page at base, for its metadata:
// <meta> properties, microdata <meta itemprop>, JSON-LD scripts and the
// JSON oEmbed <link>. Nothing in doc is an error: what cannot be read is
// skipped.
func readMeta(doc []byte, base *url.URL) meta {
	m := meta{props: map[string]string{}, items: map[string]string{}}
	z := html.NewTokenizer(bytes.NewReader(clip8(doc, maxMetaScan)))
	inLD, scripts := false, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return m
		case html.TextToken:
			if inLD && scripts < maxLDScripts {
				scripts++
				if text := z.Text(); len(text) <= maxLDScript {
					m.ld = collectLD(text, m.ld)
				}
			}
			inLD = false
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			inLD = false
			if !hasAttr {
				continue
			}
			switch string(name) {
			case "meta":
				m.readMetaTag(attrs(z))
			case "link":
				m.readLink(attrs(z), base)
			case "script":
				inLD = tt == html.StartTagToken && mediaType(attrs(z)["type"]) == "application/ld+json"
			}
		default:
			inLD = false
		}
	}
}

// readMetaTag records a <meta> tag of attributes a.
func (m *meta) readMetaTag(a map[string]string) {
	content, ok := a["content"]
	if !ok {
		return
	}
	content = clip(content, maxProp)
	if key := a["itemprop"]; itemKeys[key] {
		if _, seen := m.items[key]; !seen {
			m.items[key] = content
		}
		return
	}
	for _, attr := range []string{"property", "name"} {
		key := strings.ToLower(strings.TrimSpace(a[attr]))
		if !metaKeys[key] {
			continue
		}
		if _, seen := m.props[key]; !seen && strings.TrimSpace(content) != "" {
			m.props[key] = content
		}
	}
}

// readLink records the first JSON oEmbed discovery link, a <link> tag of
// attributes a on the page at base.
func (m *meta) readLink(a map[string]string, base *url.URL) {
	if m.oembed != "" || !hasToken(a["rel"], "alternate") {
		return
	}
	if t := mediaType(a["type"]); t == "application/json+oembed" || t == "text/json+oembed" {
		m.oembed = cleanURL(base, a["href"])
	}
}

// prop returns the first non-empty value of the properties keys.
func (m meta) prop(keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(m.props[k]); v != "" {
			return v
		}
	}
	return ""
}

// attrs returns the attributes of the tag z is at (names in lower case,
// the first of a repeated name).
func attrs(z *html.Tokenizer) map[string]string {
	a := map[string]string{}
	for {
		key, val, more := z.TagAttr()
		if _, seen := a[string(key)]; !seen {
			a[string(key)] = string(val)
		}
		if !more {
			return a
		}
	}
}

// mediaType returns the media type of a type attribute, in lower case,
// without parameters.
func mediaType(t string) string {
	t, _, _ = strings.Cut(t, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// hasToken reports whether the space-separated list s holds tok, ignoring
// case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// clip8 cuts b to at most n bytes.
func clip8(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
