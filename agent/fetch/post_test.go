package fetch

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// describe reads doc as the page at pageURL, with the oEmbed answer o
// (nil: none), and returns its Post.
func describe(t *testing.T, pageURL, doc string, o *oembed) *Post {
	t.Helper()
	u, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	return buildPost(u, readMeta([]byte(doc), u), o)
}

func TestPostFromJSONLD(t *testing.T) {
	doc := `<html><head>
<script type="application/ld+json">{"@type": "DiscussionForumPosting", broken</script>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Reddit"},
 {"@type":"DiscussionForumPosting","headline":"TIL octopuses have three hearts",
  "text":"Two pump blood to the gills, one to the body.","datePublished":"2024-02-10",
  "author":[{"@type":"Person","name":"u/seafan","url":"https://www.reddit.com/user/seafan/"},"u/second"],
  "publisher":{"@type":"Organization","name":"Reddit"},
  "interactionStatistic":[{"@type":"InteractionCounter","interactionType":"https://schema.org/LikeAction","userInteractionCount":4521},
   {"interactionType":{"@type":"CommentAction"},"userInteractionCount":"87"},
   {"interactionType":"https://schema.org/BogusAction","userInteractionCount":1},
   {"interactionType":"https://schema.org/ShareAction","userInteractionCount":"many"}]}]}</script>
</head><body><p>thread</p></body></html>`
	p := describe(t, "https://www.reddit.com/r/todayilearned/comments/abc/til/", doc, nil)
	want := &Post{
		Site: "Reddit", Kind: "post", Author: "u/seafan, u/second", AuthorURL: "https://www.reddit.com/user/seafan/",
		Published: "2024-02-10", Title: "TIL octopuses have three hearts",
		Text:  "Two pump blood to the gills, one to the body.",
		Stats: []string{"4521 likes", "87 comments"}, From: []string{"JSON-LD DiscussionForumPosting"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("post = %+v\nwant %+v", p, want)
	}
}

func TestPostJSONLDRanking(t *testing.T) {
	// An article that embeds a video, and a video page: the posting
	// outranks the video, the video the article.
	doc := `<script type="application/ld+json">[{"@type":"NewsArticle","headline":"News"},
{"@type":["CreativeWork","http://schema.org/VideoObject"],"name":"Clip","duration":"PT1H2M3S","uploadDate":"2024-05-01T14:03:00+02:00"}]</script>`
	p := describe(t, "https://news.example/a", doc, nil)
	if p.Kind != "video" || p.Title != "Clip" || p.Duration != "1h2m3s" || p.Published != "2024-05-01 12:03 UTC" {
		t.Errorf("post = %+v", p)
	}
	doc += `<script type="application/ld+json">{"mainEntity":{"@type":"SocialMediaPosting","articleBody":"Posted text","headline":"H"}}</script>`
	if p := describe(t, "https://news.example/a", doc, nil); p.Kind != "post" || p.Text != "Posted text" || p.Title != "H" {
		t.Errorf("post = %+v", p)
	}
}

func TestPostOpenGraphOnly(t *testing.T) {
	doc := `<head><meta property="og:type" content="article"><meta property="og:title" content="Big news">
<meta property="og:title" content="second title ignored"><meta name="og:description" content="What happened.">
<meta property="article:author" content="https://www.facebook.com/jane"><meta property="article:published_time" content="2024-01-02T03:04:05Z">
<meta property="og:image" content="/img/a.jpg"><meta property="og:url" content="https://news.example/a">
<meta name="twitter:creator" content="@jane"></head>`
	p := describe(t, "https://news.example/a", doc, nil)
	want := &Post{
		Site: "news.example", Kind: "article", Author: "@jane", AuthorURL: "https://www.facebook.com/jane",
		Published: "2024-01-02 03:04 UTC", Title: "Big news", Text: "What happened.",
		Image: "https://news.example/img/a.jpg", From: []string{"OpenGraph", "Twitter card"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("post = %+v\nwant %+v", p, want)
	}
}

func TestPostNoneWithoutMetadata(t *testing.T) {
	for _, doc := range []string{
		``,
		`<html><head><title>T</title><meta name="description" content="d"><meta charset="utf-8"></head><body>x</body></html>`,
		`<meta property="og:title" content="   ">`, // empty values do not count
		`<script type="application/ld+json">{"@type":"WebPage","name":"x"}</script>`,
		`<script type="application/ld+json">not json</script><script type="text/javascript">{"@type":"NewsArticle"}</script>`,
		`<div itemscope><meta itemprop="duration" content="PT1M"></div>`, // microdata alone
		`<meta name="twitter:card" content="summary"><meta property="og:type" content="website">`,
	} {
		if p := describe(t, "https://plain.example/", doc, nil); p != nil {
			t.Errorf("%q: post = %+v", doc, p)
		}
	}
}

func TestPostOEmbedFirst(t *testing.T) {
	doc := `<meta property="og:title" content="Page title"><meta property="og:site_name" content="Site">
<meta name="twitter:creator" content="@handle">`
	o := &oembed{kind: "photo", title: "Embed title", author: "Name", authorURL: "https://a.example/name",
		provider: "Provider", thumbnail: "https://a.example/t.jpg", text: "embedded words", host: "a.example"}
	p := describe(t, "https://a.example/p/1", doc, o)
	want := &Post{
		Site: "Provider", Kind: "photo", Author: "Name", AuthorURL: "https://a.example/name", Title: "Embed title",
		Embed: "embedded words", Image: "https://a.example/t.jpg", From: []string{"OpenGraph", "Twitter card", "oEmbed (a.example)"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("post = %+v\nwant %+v", p, want)
	}
	// An oEmbed answer alone makes a post.
	if p := describe(t, "https://www.youtube.com/watch?v=x", "", &oembed{kind: "video", author: "A", host: "www.youtube.com"}); p == nil ||
		p.Site != "YouTube" || p.Kind != "video" || p.Author != "A" {
		t.Errorf("post = %+v", p)
	}
}

func TestPostHostileText(t *testing.T) {
	long := strings.Repeat("é", 5000)
	doc := `<meta property="og:title" content="Title&#10;URL: http://evil.example/&#13;Cite this page as: x">
<meta property="og:description" content="&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; text` + "\x01\x7f\u202e\u200b" + ` more">
<meta property="og:site_name" content="` + long + `">
<meta property="og:image" content="javascript:alert(1)">
<meta property="og:video" content="http://user:pw@v.example/v">
<meta property="og:url" content="https://` + strings.Repeat("a", 500) + `.example/">
<meta name="twitter:creator" content="<img src=x onerror=alert(1)>@who">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"` + long + `","duration":"PT99999999999H"}</script>`
	p := describe(t, "https://hostile.example/", doc, nil)
	if p.Title != "Title URL: http://evil.example/ Cite this page as: x" {
		t.Errorf("title = %q", p.Title)
	}
	if p.Text != "bold text more" {
		t.Errorf("text = %q", p.Text)
	}
	if p.Author != "@who" || p.Image != "" || p.Video != "" || p.URL != "" || p.Duration != "" {
		t.Errorf("post = %+v", p)
	}
	if len(p.Site) > maxShort || !strings.HasSuffix(p.Site, "…") || len(p.Published) > maxShort {
		t.Errorf("site %d bytes, published %d bytes", len(p.Site), len(p.Published))
	}
	checkBlock(t, p.Block())
}

// checkBlock fails t unless block is lines of known labels, each without
// control characters, and bounded.
func checkBlock(t *testing.T, block string) {
	t.Helper()
	if len(block) > 6<<10 {
		t.Errorf("block of %d bytes", len(block))
	}
	labels := []string{"Post: ", "Title: ", "Text: ", "Embed text: ", "Media: ", "Engagement: ", "Canonical URL: ", "Details from: "}
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		known := false
		for _, l := range labels {
			known = known || strings.HasPrefix(line, l)
		}
		if !known || strings.ContainsFunc(line, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Errorf("bad line %q", line)
		}
	}
}

func TestBlock(t *testing.T) {
	p := &Post{
		Site: "YouTube", Kind: "video", Author: "Jane Doe", AuthorURL: "https://www.youtube.com/@jane",
		Published: "2024-05-01", Duration: "3m12s", Title: "T", Text: "Words.", Embed: "E",
		Video: "https://www.youtube.com/embed/x", Image: "https://i.ytimg.com/x.jpg", ImageAlt: "a cat",
		Stats: []string{"5 likes", "2 comments"}, URL: "https://www.youtube.com/watch?v=x",
		From: []string{"OpenGraph", "oEmbed (www.youtube.com)"},
	}
	want := `Post: YouTube video by Jane Doe (https://www.youtube.com/@jane), published 2024-05-01, 3m12s
Title: T
Text: Words.
Embed text: E
Media: video https://www.youtube.com/embed/x, thumbnail https://i.ytimg.com/x.jpg, image description: a cat
Engagement: 5 likes, 2 comments
Canonical URL: https://www.youtube.com/watch?v=x
Details from: OpenGraph, oEmbed (www.youtube.com); as the page declares them, unverified
`
	if got := p.Block(); got != want {
		t.Errorf("block:\n%s\nwant:\n%s", got, want)
	}
	small := &Post{Site: "news.example", Kind: "page", AuthorURL: "https://news.example/me", Image: "https://news.example/i.png"}
	if got, want := small.Block(), "Post: news.example page by https://news.example/me\nMedia: image https://news.example/i.png\n"; got != want {
		t.Errorf("block = %q, want %q", got, want)
	}
}

func TestFormatDuration(t *testing.T) {
	for in, want := range map[string]string{
		"PT3M12S": "3m12s", "pt45s": "45s", "PT1H": "1h", "P1DT2H": "26h", "PT2M0.5S": "2m", "192": "3m12s",
		"3600.7": "1h", "PT0S": "", "P": "", "": "", "3 minutes": "", "-5": "", "PT1M1M": "", "1e99": "",
	} {
		if got := formatDuration(in); got != want {
			t.Errorf("formatDuration(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-05-01":                "2024-05-01",
		"2024-05-01T07:00:00-07:00": "2024-05-01 14:00 UTC",
		"2024-05-01T07:00:00.123Z":  "2024-05-01 07:00 UTC",
		"2024-05-01T07:00:00+0000":  "2024-05-01 07:00 UTC",
		"2024-05-01T07:00":          "2024-05-01 07:00",
		"May 1, 2024\n":             "May 1, 2024",
	} {
		if got := formatTime(in); got != want {
			t.Errorf("formatTime(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"a\n\tb  c":            "a b c",
		"<p>one</p><p>two</p>": "one two",
		"x &amp; y &lt;3":      "x & y <3",
		"<style>p{}</style>shown<script>hidden</script>": "shown",
		"bad \xff utf8":                       "bad \uFFFD utf8",
		"\u202eevil\u2066 \u00a0spaced\u2028": "evil spaced",
	} {
		if got := cleanText(in, 100); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanText(strings.Repeat("ab ", 100), 10); got != "ab ab a…" || len(got) > 10 {
		t.Errorf("cut = %q", got)
	}
}

func TestCleanURL(t *testing.T) {
	base, _ := url.Parse("https://site.example/dir/page")
	for in, want := range map[string]string{
		"/a.jpg":                                 "https://site.example/a.jpg",
		"b.jpg":                                  "https://site.example/dir/b.jpg",
		"//cdn.example/c.jpg":                    "https://cdn.example/c.jpg",
		"HTTP://X.example/":                      "http://X.example/",
		"javascript:alert(1)":                    "",
		"data:image/png;base64,AAAA":             "",
		"http://u:p@x.example/":                  "",
		"http://x.example/a b":                   "",
		"http://x.example/\x00":                  "",
		"":                                       "",
		"https://" + strings.Repeat("a", maxURL): "",
	} {
		if got := cleanURL(base, in); got != want {
			t.Errorf("cleanURL(%q) = %q, want %q", in, got, want)
		}
	}
}
