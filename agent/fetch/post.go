package fetch

import (
	"context"
	"net/url"
	"strings"
)

// Post describes the post, video or article a page carries, as its
// metadata (OpenGraph, Twitter card, JSON-LD, microdata) and its oEmbed
// answer declare it. Every field is plain text on one line (no markup,
// control or bidirectional characters) bounded in length, or an http(s)
// URL; "" when unknown. It is what the page says of itself, not checked.
type Post struct {
	Site      string   // the platform or site: "YouTube", "Example News"
	Kind      string   // "video", "photo", "post", "article" or "page"
	Author    string   // the author's name (or names, or @handle)
	AuthorURL string   // the author's page
	Published string   // "2024-05-01", "2024-05-01 14:03 UTC", or as written
	Duration  string   // of a video: "3m12s"
	Title     string   // the title or headline
	Text      string   // the post's text or description
	Embed     string   // the text of the oEmbed HTML, when it adds to Text
	Video     string   // the video's URL
	Image     string   // the image or thumbnail's URL
	ImageAlt  string   // the image's description
	Stats     []string // engagement counts: "1200 likes"
	URL       string   // the canonical URL the page declares, if another
	From      []string // where the details come from: "OpenGraph", "oEmbed (host)"…
}

// describePost returns the Post of the HTML body of contentType, the
// page at final (asked for as requested), or nil if the page declares
// none. The oEmbed answer the page links, or else a known provider's
// answer for the page, is fetched within ctx; its failure is ignored.
func (f *Fetcher) describePost(ctx context.Context, requested, final *url.URL, body []byte, contentType string) *Post {
	m := readMeta(toUTF8(clip8(body, maxMetaScan), contentType), final)
	endpoint := m.oembed
	if endpoint == "" {
		endpoint = f.providerEndpoint(final, requested)
	}
	var o *oembed
	if endpoint != "" {
		if answer, err := f.fetchOEmbed(ctx, endpoint); err == nil {
			o = &answer
		}
	}
	return buildPost(final, m, o)
}

// buildPost merges what the page at final declares, m, and its oEmbed
// answer o (nil if none) into a Post; nil if they tell nothing of an
// author, a time, a title, a text or media. For each
// field the oEmbed answer comes first, as its provider knows the post
// best, then JSON-LD, OpenGraph, the Twitter card and microdata.
func buildPost(final *url.URL, m meta, o *oembed) *Post {
	var ld ldPost
	if best := bestLD(m.ld); best != nil {
		ld = readLD(best)
	}
	if o == nil && ld.typ == "" && len(m.props) == 0 {
		return nil
	}
	if o == nil {
		o = &oembed{}
	}
	p := &Post{
		Author:    first(o.author, cleanText(ld.author, maxShort)),
		AuthorURL: first(o.authorURL, cleanURL(final, ld.authorURL)),
		Published: formatTime(first(ld.published, m.prop("article:published_time", "og:video:release_date"),
			m.items["datePublished"], m.items["uploadDate"])),
		Duration: formatDuration(first(ld.duration, m.items["duration"], m.prop("og:video:duration", "video:duration"))),
		Title:    first(o.title, cleanText(first(m.prop("og:title", "twitter:title"), ld.headline, ld.name), maxTitle)),
		Video:    cleanURL(final, first(m.prop("og:video:secure_url", "og:video:url", "og:video", "twitter:player"), ld.video)),
		Image: first(cleanURL(final, m.prop("og:image:secure_url", "og:image:url", "og:image")), o.thumbnail,
			cleanURL(final, first(m.prop("twitter:image", "twitter:image:src"), ld.image))),
		ImageAlt: cleanText(m.prop("og:image:alt", "twitter:image:alt"), maxTitle),
		From:     sources(m, ld, o),
	}
	a := m.prop("article:author") // a name or, on Facebook's model, a profile URL
	if u := cleanURL(nil, a); u != "" {
		p.AuthorURL, a = first(p.AuthorURL, u), ""
	}
	p.Author = first(p.Author, cleanText(first(a, m.prop("twitter:creator")), maxShort))
	text := ld.description
	if ld.typ == "SocialMediaPosting" || ld.typ == "DiscussionForumPosting" {
		text = first(ld.body, text)
	}
	p.Text = cleanText(first(m.prop("og:description", "twitter:description"), text), maxText)
	if o.text != "" && !strings.Contains(p.Text, strings.TrimSuffix(o.text, "…")) {
		p.Embed = o.text
	}
	for _, s := range ld.stats {
		p.Stats = append(p.Stats, cleanText(s, maxShort))
	}
	if ic := cleanText(m.items["interactionCount"], 20); len(p.Stats) == 0 && ic != "" {
		p.Stats = []string{ic + " views"}
	}
	if u := cleanURL(final, first(m.prop("og:url"), ld.url)); u != final.String() {
		p.URL = u
	}
	if p.Author+p.AuthorURL+p.Published+p.Duration+p.Title+p.Text+p.Embed+p.Video+p.Image == "" {
		return nil // e.g. a lone twitter:card or og:type: nothing to tell
	}
	p.Kind = kind(final, m, ld, o, p)
	p.Site = first(o.provider, cleanText(first(m.prop("og:site_name"), ld.publisher), maxShort),
		siteName(final.Hostname()))
	return p
}

// kind returns what the post is: "video", "photo", "post", "article" or
// "page".
func kind(final *url.URL, m meta, ld ldPost, o *oembed, p *Post) string {
	ogType := strings.ToLower(m.prop("og:type"))
	switch {
	case o.kind == "video" || ld.typ == "VideoObject" || strings.HasPrefix(ogType, "video") || p.Video != "" ||
		strings.EqualFold(m.prop("twitter:card"), "player"):
		return "video"
	case o.kind == "photo":
		return "photo"
	case ld.typ == "SocialMediaPosting" || ld.typ == "DiscussionForumPosting" || socialSite(final.Hostname()) != "":
		return "post"
	case ld.typ != "" || ogType == "article":
		return "article"
	}
	return "page"
}

// sources names where the details of a post come from.
func sources(m meta, ld ldPost, o *oembed) []string {
	var out []string
	has := func(prefix string) bool {
		for k := range m.props {
			if strings.HasPrefix(k, prefix) {
				return true
			}
		}
		return false
	}
	if has("og:") || has("article:") || has("video:") {
		out = append(out, "OpenGraph")
	}
	if has("twitter:") {
		out = append(out, "Twitter card")
	}
	if ld.typ != "" {
		out = append(out, "JSON-LD "+ld.typ)
	}
	if o != nil && o.host != "" {
		out = append(out, "oEmbed ("+cleanText(o.host, maxShort)+")")
	}
	return out
}

// socialSites names the platforms by domain.
var socialSites = map[string]string{
	"youtube.com": "YouTube", "youtu.be": "YouTube", "tiktok.com": "TikTok", "reddit.com": "Reddit",
	"twitter.com": "X", "x.com": "X", "instagram.com": "Instagram", "facebook.com": "Facebook",
	"fb.watch": "Facebook", "threads.net": "Threads", "threads.com": "Threads", "bsky.app": "Bluesky",
}

// socialSite returns the platform host is on, or "".
func socialSite(host string) string {
	for d, name := range socialSites {
		if onDomain(host, d) {
			return name
		}
	}
	return ""
}

// siteName names the site at host: its platform, or the host without
// "www.".
func siteName(host string) string {
	if s := socialSite(host); s != "" {
		return s
	}
	return cleanText(strings.TrimPrefix(strings.ToLower(host), "www."), maxShort)
}
