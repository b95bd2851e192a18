package fetch

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// platform is a local server standing in for social platforms and their
// oEmbed endpoints: it routes by host (ports ignored) and path, and
// records the requests it gets.
type platform struct {
	t    *testing.T
	mux  *http.ServeMux
	port string
	mu   sync.Mutex
	seen []string // host and request URI of each request
}

// newPlatform starts a platform.
func newPlatform(t *testing.T) *platform {
	p := &platform{t: t, mux: http.NewServeMux()}
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			host = h
		}
		p.mu.Lock()
		p.seen = append(p.seen, host+r.URL.RequestURI())
		p.mu.Unlock()
		p.mux.ServeHTTP(w, r)
	})
	p.port = port(t, s)
	return p
}

// serve answers GET host+path with body of type ctype.
func (p *platform) serve(hostPath, ctype, body string) {
	p.mux.HandleFunc("GET "+hostPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctype)
		_, _ = io.WriteString(w, body)
	})
}

// requests returns what the platform was asked for.
func (p *platform) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// url returns the URL of host+path on the platform.
func (p *platform) url(host, path string) string { return "http://" + host + ":" + p.port + path }

// fetcher returns a fetcher that resolves hosts to 127.0.0.1 and may
// reach loopback, with the known oEmbed providers moved to the platform
// (same hosts and paths, plain http on its port).
func (p *platform) fetcher(hosts ...string) *Fetcher {
	names := map[string][]string{}
	for _, h := range hosts {
		names[h] = []string{"127.0.0.1"}
	}
	f := New(Config{AllowAddr: loopbackOnly, LookupIP: fakeDNS(names, new(atomic.Int64))})
	f.providers = nil
	for _, kp := range knownProviders {
		u, err := url.Parse(kp.endpoint)
		if err != nil {
			p.t.Fatal(err)
		}
		kp.endpoint = p.url(u.Hostname(), u.Path)
		f.providers = append(f.providers, kp)
	}
	return f
}

// get fetches rawURL with f, failing t on an error.
func get(t *testing.T, f *Fetcher, rawURL string) Page {
	t.Helper()
	page, err := f.Fetch(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("Fetch %s: %v", rawURL, err)
	}
	return page
}

const youtubePage = `<!doctype html><html><head><title>Cat plays piano - YouTube</title>
<meta property="og:site_name" content="YouTube">
<meta property="og:url" content="https://www.youtube.com/watch?v=abc123">
<meta property="og:title" content="Cat plays piano">
<meta property="og:image" content="https://i.ytimg.com/vi/abc123/hqdefault.jpg">
<meta property="og:description" content="A cat plays the piano &amp; sings.">
<meta property="og:type" content="video.other">
<meta property="og:video:url" content="https://www.youtube.com/embed/abc123">
<meta name="twitter:card" content="player">
</head><body><div id="watch" itemscope itemtype="http://schema.org/VideoObject">
<meta itemprop="duration" content="PT3M12S"><meta itemprop="datePublished" content="2024-05-01T07:00:00-07:00">
<meta itemprop="interactionCount" content="12345"></div><p>Cat plays piano.</p></body></html>`

const youtubeOEmbed = `{"title":"Cat plays piano","author_name":"Jane Doe","author_url":"https://www.youtube.com/@janedoe",
"type":"video","height":113,"width":200,"version":"1.0","provider_name":"YouTube","provider_url":"https://www.youtube.com/",
"thumbnail_url":"https://i.ytimg.com/vi/abc123/hqdefault.jpg",
"html":"<iframe width=\"200\" height=\"113\" src=\"https://www.youtube.com/embed/abc123?feature=oembed\"></iframe>"}`

// TestPostYouTube: a video page without an oEmbed link is described by
// the provider's endpoint, asked about the page; the page text follows
// unchanged.
func TestPostYouTube(t *testing.T) {
	p := newPlatform(t)
	p.serve("www.youtube.com/watch", "text/html; charset=utf-8", youtubePage)
	p.serve("www.youtube.com/oembed", "application/json", youtubeOEmbed)
	f := p.fetcher("www.youtube.com")
	pageURL := p.url("www.youtube.com", "/watch?v=abc123")
	page := get(t, f, pageURL+"#t=10")
	if page.Text != "Cat plays piano." || page.Title != "Cat plays piano - YouTube" || page.URL != pageURL+"#t=10" {
		t.Errorf("page = %+v", page)
	}
	want := `Post: YouTube video by Jane Doe (https://www.youtube.com/@janedoe), published 2024-05-01 14:00 UTC, 3m12s
Title: Cat plays piano
Text: A cat plays the piano & sings.
Media: video https://www.youtube.com/embed/abc123, thumbnail https://i.ytimg.com/vi/abc123/hqdefault.jpg
Engagement: 12345 views
Canonical URL: https://www.youtube.com/watch?v=abc123
Details from: OpenGraph, Twitter card, oEmbed (www.youtube.com); as the page declares them, unverified
`
	if page.Post == nil || page.Post.Block() != want {
		t.Fatalf("post = %+v, want block:\n%s", page.Post, want)
	}
	oembedAsk := "www.youtube.com/oembed?format=json&url=" + url.QueryEscape(pageURL)
	if got := p.requests(); len(got) != 2 || got[1] != oembedAsk {
		t.Errorf("requests = %q, want the page and %q", got, oembedAsk)
	}
}

// TestPostX: a post on x.com is described by publish.twitter.com; the
// text of its embed HTML, which adds to the page's description, is kept.
func TestPostX(t *testing.T) {
	p := newPlatform(t)
	p.serve("x.com/NASA/status/123", "text/html", `<html><head>
<meta property="og:site_name" content="X (formerly Twitter)"><meta property="og:type" content="article">
<meta property="og:title" content="NASA on X: &quot;Liftoff!&quot;"><meta property="og:description" content="Liftoff! The rocket is on its way.">
<meta property="og:image" content="https://pbs.twimg.com/media/x.jpg"><meta property="og:image:alt" content="A rocket lifting off">
</head><body>JavaScript is not available.</body></html>`)
	p.serve("publish.twitter.com/oembed", "application/json", `{"url":"https://twitter.com/NASA/status/123",
"author_name":"NASA","author_url":"https://twitter.com/NASA","type":"rich","provider_name":"Twitter","version":"1.0",
"html":"<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Liftoff! The rocket is on its way. <a href=\"https://t.co/x\">pic.twitter.com/x</a></p>&mdash; NASA (@NASA) <a href=\"https://twitter.com/NASA/status/123\">May 1, 2024</a></blockquote>\n<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\n"}`)
	f := p.fetcher("x.com", "publish.twitter.com")
	page := get(t, f, p.url("x.com", "/NASA/status/123"))
	want := `Post: Twitter post by NASA (https://twitter.com/NASA)
Title: NASA on X: "Liftoff!"
Text: Liftoff! The rocket is on its way.
Embed text: Liftoff! The rocket is on its way. pic.twitter.com/x — NASA (@NASA) May 1, 2024
Media: image https://pbs.twimg.com/media/x.jpg, image description: A rocket lifting off
Details from: OpenGraph, oEmbed (publish.twitter.com); as the page declares them, unverified
`
	if page.Post == nil || page.Post.Block() != want {
		t.Fatalf("post = %+v, want block:\n%s", page.Post, want)
	}
	if got := p.requests(); len(got) != 2 || !strings.Contains(got[1], "omit_script=1") {
		t.Errorf("requests = %q", got)
	}
}

// TestPostTikTokDiscovered: the oEmbed link a page declares (relative
// here) is followed rather than the provider table; JSON-LD gives the
// date, duration and counts.
func TestPostTikTokDiscovered(t *testing.T) {
	p := newPlatform(t)
	p.serve("www.tiktok.com/@chef/video/777", "text/html", `<html><head>
<link rel="Alternate" type="application/json+oembed" href="/oembed?from=link">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"VideoObject","name":"Quick pasta",
"description":"Pasta in 5 minutes #food","uploadDate":"2024-03-02T10:00:00Z","duration":"PT45S",
"thumbnailUrl":["https://p16.tiktokcdn.com/t.jpg"],"creator":{"@type":"Person","name":"Chef Ana","url":"https://www.tiktok.com/@chef"},
"interactionStatistic":[{"@type":"InteractionCounter","interactionType":{"@type":"LikeAction"},"userInteractionCount":1200},
{"@type":"InteractionCounter","interactionType":"https://schema.org/CommentAction","userInteractionCount":"34"}]}</script>
</head><body></body></html>`)
	p.serve("www.tiktok.com/oembed", "application/json", `{"version":"1.0","type":"video","title":"Quick pasta #food",
"author_url":"https://www.tiktok.com/@chef","author_name":"Chef Ana","provider_name":"TikTok",
"thumbnail_url":"https://p16.tiktokcdn.com/t.jpg",
"html":"<blockquote class=\"tiktok-embed\"><section><a href=\"https://www.tiktok.com/@chef\">@chef</a><p>Pasta in 5 minutes #food</p></section></blockquote> <script async src=\"https://www.tiktok.com/embed.js\"></script>"}`)
	f := p.fetcher("www.tiktok.com")
	page := get(t, f, p.url("www.tiktok.com", "/@chef/video/777"))
	want := `Post: TikTok video by Chef Ana (https://www.tiktok.com/@chef), published 2024-03-02 10:00 UTC, 45s
Title: Quick pasta #food
Text: Pasta in 5 minutes #food
Embed text: @chef Pasta in 5 minutes #food
Media: video, thumbnail https://p16.tiktokcdn.com/t.jpg
Engagement: 1200 likes, 34 comments
Details from: JSON-LD VideoObject, oEmbed (www.tiktok.com); as the page declares them, unverified
`
	if page.Post == nil || page.Post.Block() != want {
		t.Fatalf("post = %+v, want block:\n%s", page.Post, want)
	}
	if got := p.requests(); len(got) != 2 || got[1] != "www.tiktok.com/oembed?from=link" {
		t.Errorf("requests = %q", got)
	}
}

// TestPostReddit: a thread's JSON-LD posting and Reddit's oEmbed answer.
func TestPostReddit(t *testing.T) {
	p := newPlatform(t)
	p.serve("old.reddit.com/r/til/comments/abc/octopus/", "text/html", `<html><head><title>TIL</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Reddit"},
{"@type":"DiscussionForumPosting","headline":"TIL octopuses have three hearts","text":"Two pump blood to the gills.",
"datePublished":"2024-02-10T08:00:00+00:00","author":{"@type":"Person","name":"u/seafan","url":"https://www.reddit.com/user/seafan/"}}]}</script>
</head><body><p>Two pump blood to the gills.</p></body></html>`)
	p.serve("www.reddit.com/oembed", "application/json", `{"provider_url":"https://www.reddit.com/","version":"1.0",
"title":"TIL octopuses have three hearts","provider_name":"reddit","type":"rich","author_name":"seafan",
"html":"<blockquote class=\"reddit-embed-bq\"><a href=\"https://www.reddit.com/r/til/comments/abc/\">TIL octopuses have three hearts</a><br> by <a href=\"https://www.reddit.com/user/seafan/\">u/seafan</a> in <a href=\"https://www.reddit.com/r/til/\">til</a></blockquote>"}`)
	f := p.fetcher("old.reddit.com", "www.reddit.com")
	page := get(t, f, p.url("old.reddit.com", "/r/til/comments/abc/octopus/"))
	want := `Post: reddit post by seafan (https://www.reddit.com/user/seafan/), published 2024-02-10 08:00 UTC
Title: TIL octopuses have three hearts
Text: Two pump blood to the gills.
Embed text: TIL octopuses have three hearts by u/seafan in til
Details from: JSON-LD DiscussionForumPosting, oEmbed (www.reddit.com); as the page declares them, unverified
`
	if page.Post == nil || page.Post.Block() != want || page.Text != "Two pump blood to the gills." {
		t.Fatalf("page = %+v\npost = %+v, want block:\n%s", page, page.Post, want)
	}
}

// TestPostPlainPageUnchanged: a page without post metadata has no Post
// and costs no second request, even with a description and microdata.
func TestPostPlainPageUnchanged(t *testing.T) {
	p := newPlatform(t)
	doc := `<html><head><title>Plain</title><meta name="description" content="d">
<link rel="alternate" type="application/rss+xml" href="/feed"></head><body><p>Just text.</p></body></html>`
	p.serve("plain.example/", "text/html", doc)
	page := get(t, p.fetcher("plain.example"), p.url("plain.example", "/"))
	want := Page{URL: p.url("plain.example", "/"), Title: "Plain", Text: "Just text.", ContentType: "text/html", Bytes: len(doc)}
	if page != want {
		t.Errorf("page = %+v\nwant %+v", page, want)
	}
	if got := p.requests(); len(got) != 1 {
		t.Errorf("requests = %q", got)
	}
}

// TestPostBadOEmbedIgnored: an oEmbed answer that is not usable JSON, or
// fails, leaves the page's own metadata; the fetch does not fail.
func TestPostBadOEmbedIgnored(t *testing.T) {
	answers := map[string]struct{ ctype, body string }{
		"invalid":  {"application/json", `{"author_name": "x",`},
		"array":    {"application/json", `["author_name"]`},
		"types":    {"application/json", `{"author_name": 5, "title": {"a": 1}, "html": ["x"]}`},
		"empty":    {"application/json", `{}`},
		"html":     {"text/html", `<html>not json</html>`},
		"deep":     {"application/json", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
		"nul":      {"application/json", "\x00\x01"},
		"missing":  {"", ""}, // 404
		"redirect": {"", ""}, // too many redirects
	}
	p := newPlatform(t)
	for name, a := range answers {
		p.serve("news.example/post/"+name, "text/html", `<meta property="og:title" content="Own title">
<link rel="alternate" type="text/json+oembed" href="http://news.example:`+p.port+`/oembed/`+name+`">`)
		if a.body != "" {
			p.serve("news.example/oembed/"+name, a.ctype, a.body)
		}
	}
	p.mux.HandleFunc("GET news.example/oembed/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	f := p.fetcher("news.example")
	for name := range answers {
		page := get(t, f, p.url("news.example", "/post/"+name))
		if page.Post == nil || page.Post.Title != "Own title" || len(page.Post.From) != 1 || page.Post.Author != "" {
			t.Errorf("%s: post = %+v", name, page.Post)
		}
	}
}

// TestPostOversizedOEmbedCut: an oEmbed answer is read up to maxOEmbed
// bytes (or MaxBytes), and one cut there is dropped.
func TestPostOversizedOEmbedCut(t *testing.T) {
	p := newPlatform(t)
	var sent atomic.Int64
	p.mux.HandleFunc("GET big.example/oembed", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n, _ := io.WriteString(w, `{"author_name":"A","html":"`+strings.Repeat("x", 4<<20)+`"}`)
		sent.Add(int64(n))
	})
	p.serve("big.example/post", "text/html", `<meta property="og:title" content="T"><link rel="alternate" type="application/json+oembed" href="/oembed">`)
	f := p.fetcher("big.example")
	_, err := f.fetchOEmbed(context.Background(), p.url("big.example", "/oembed"))
	if err == nil || !strings.Contains(err.Error(), "answer longer than 65536 bytes") {
		t.Errorf("err = %v", err)
	}
	if page := get(t, f, p.url("big.example", "/post")); page.Post == nil || page.Post.Author != "" || page.Post.Title != "T" {
		t.Errorf("post = %+v", page.Post)
	}
	// MaxBytes, when smaller, bounds the answer too.
	p.serve("big.example/small", "application/json", `{"author_name":"`+strings.Repeat("y", 600)+`"}`)
	small := p.fetcher("big.example")
	small.cfg.MaxBytes = 500
	if _, err := small.fetchOEmbed(context.Background(), p.url("big.example", "/small")); err == nil || !strings.Contains(err.Error(), "longer than 500 bytes") {
		t.Errorf("err = %v", err)
	}
	// Long fields of an answer within the bound are cut to theirs.
	p.serve("big.example/long", "application/json", `{"author_name":"`+strings.Repeat("z", 5000)+`","html":"<p>`+strings.Repeat("w ", 5000)+`</p>"}`)
	o, err := f.fetchOEmbed(context.Background(), p.url("big.example", "/long"))
	if err != nil || len(o.author) > maxShort || len(o.text) > maxEmbed || !strings.HasSuffix(o.text, "…") {
		t.Errorf("answer %d, %d bytes: %v", len(o.author), len(o.text), err)
	}
}

// TestPostOEmbedWithinTimeout: a slow oEmbed answer is cut by the
// fetch's own Timeout; the page is returned with what it declares.
func TestPostOEmbedWithinTimeout(t *testing.T) {
	p := newPlatform(t)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	p.mux.HandleFunc("GET slow.example/oembed", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	p.serve("slow.example/post", "text/html", `<meta property="og:title" content="T"><link rel="alternate" type="application/json+oembed" href="/oembed">`)
	f := p.fetcher("slow.example")
	f.cfg.Timeout = 300 * time.Millisecond
	if page := get(t, f, p.url("slow.example", "/post")); page.Post == nil || page.Post.Title != "T" || len(page.Post.From) != 1 {
		t.Errorf("post = %+v", page.Post)
	}
}

// publicFetcher returns a fetcher in production mode (PublicAddr) whose
// host names resolve by names and whose every allowed dial reaches the
// platform instead: as if the platform were the public hosts named. It
// also returns the addresses dialled.
func publicFetcher(t *testing.T, p *platform, names map[string][]string) (*Fetcher, func() []string) {
	t.Helper()
	f := New(Config{LookupIP: fakeDNS(names, new(atomic.Int64))})
	var mu sync.Mutex
	var dialled []string
	f.dialIP = func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		dialled = append(dialled, address)
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", p.port))
	}
	return f, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), dialled...) }
}

// TestPostOEmbedSSRFRefused: in production mode, an oEmbed link to a
// loopback, private or metadata address, directly, by name or by a
// redirect, is refused like a page would be: the page keeps its own
// details and nothing non-public is dialled.
func TestPostOEmbedSSRFRefused(t *testing.T) {
	p := newPlatform(t)
	links := map[string]string{
		"loopback": "http://127.0.0.1:" + p.port + "/oembed",
		"ipv6":     "http://[::1]:" + p.port + "/oembed",
		"private":  "http://internal.example:" + p.port + "/oembed", // resolves to 10.0.0.5
		"metadata": "http://169.254.169.254/latest/meta-data/",
		"mixed":    "http://mixed.example/oembed", // one public, one loopback address
		"redirect": "http://public.example/bounce",
		"scheme":   "file:///etc/passwd",
	}
	for name, link := range links {
		p.serve("public.example/post/"+name, "text/html",
			`<meta property="og:title" content="Public post"><link rel="alternate" type="application/json+oembed" href="`+link+`">`)
	}
	p.mux.HandleFunc("GET public.example/bounce", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+p.port+"/oembed", http.StatusFound)
	})
	p.serve("/oembed", "application/json", `{"author_name":"LEAKED"}`)
	f, dialled := publicFetcher(t, p, map[string][]string{
		"public.example":   {"93.184.215.14"},
		"internal.example": {"10.0.0.5"},
		"mixed.example":    {"93.184.215.15", "127.0.0.1"},
	})
	for name := range links {
		page := get(t, f, "http://public.example/post/"+name)
		if page.Post == nil || page.Post.Title != "Public post" || page.Post.Author != "" || len(page.Post.From) != 1 {
			t.Errorf("%s: post = %+v", name, page.Post)
		}
	}
	for _, a := range dialled() {
		if a != "93.184.215.14:80" {
			t.Errorf("dialled %s", a)
		}
	}
	for _, r := range p.requests() {
		if !strings.HasPrefix(r, "public.example/post/") && r != "public.example/bounce" {
			t.Errorf("the platform was asked for %s", r)
		}
	}
	// The same request is refused with the fetch's own error.
	_, err := f.fetchOEmbed(context.Background(), links["private"])
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "internal.example resolves to 10.0.0.5, which is private") {
		t.Errorf("err = %v", err)
	}
}

// TestProviderEndpoint: the table applies only to the providers' own
// hosts and their subdomains.
func TestProviderEndpoint(t *testing.T) {
	f := New(Config{})
	for page, want := range map[string]string{
		"https://www.youtube.com/watch?v=a#t=1": "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3Da",
		"https://youtu.be/a":                    "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2Fyoutu.be%2Fa",
		"https://M.TikTok.com./@a/video/1":      "https://www.tiktok.com/oembed?format=json&url=https%3A%2F%2FM.TikTok.com.%2F%40a%2Fvideo%2F1",
		"https://x.com/a/status/1":              "https://publish.twitter.com/oembed?format=json&url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1&omit_script=1&dnt=true",
		"https://old.reddit.com/r/a/":           "https://www.reddit.com/oembed?format=json&url=https%3A%2F%2Fold.reddit.com%2Fr%2Fa%2F",
		"https://notyoutube.com/watch":          "",
		"https://youtube.com.evil.example/":     "",
		"https://example.com/?u=youtube.com":    "",
	} {
		u, _ := url.Parse(page)
		if got := f.providerEndpoint(u); got != want {
			t.Errorf("%s: %q, want %q", page, got, want)
		}
	}
}
