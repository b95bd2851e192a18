package fetch

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzPost gives the metadata scan any page and the oEmbed reader any
// answer. Neither may fail or hang; the Post's block must be lines of the
// known labels, without control characters, and bounded; its URLs http(s).
func FuzzPost(f *testing.F) {
	f.Add(youtubePage, youtubeOEmbed)
	f.Add(`<script type="application/ld+json">{"@graph":[{"@type":"SocialMediaPosting","author":[{"name":"a"}],"interactionStatistic":{"interactionType":"LikeAction","userInteractionCount":1}}]}</script>`, `{"type":"photo","url":"/p.jpg"}`)
	f.Add(`<meta property="og:title" content="a&#10;b"><link rel=alternate type=application/json+oembed href=//x>`, `{"html":"<p>x</p><script>y</script>"}`)
	f.Add(`<script type="application/ld+json">[[[[[[{"@type":"VideoObject","duration":"P9999DT99999H"}]]]]]]</script>`, `[]`)
	base, _ := url.Parse("https://www.youtube.com/watch?v=x")
	f.Fuzz(func(t *testing.T, doc, answer string) {
		m := readMeta([]byte(doc), base)
		var o *oembed
		if a, err := parseOEmbed([]byte(answer), base); err == nil {
			o = &a
		}
		p := buildPost(base, m, o)
		if p == nil {
			return
		}
		checkBlock(t, p.Block())
		for _, u := range []string{p.AuthorURL, p.Video, p.Image, p.URL} {
			if u != "" && !strings.HasPrefix(strings.ToLower(u), "http") {
				t.Errorf("URL %q", u)
			}
		}
	})
}
