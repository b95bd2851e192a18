package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// maxOEmbed bounds an oEmbed answer (or MaxBytes, if smaller); a longer
// answer is cut there, and so dropped, as it no longer parses.
const maxOEmbed = 64 << 10

// acceptJSON is the Accept header of an oEmbed request.
const acceptJSON = "application/json,text/javascript;q=0.5,*/*;q=0.1"

// provider is a known oEmbed provider: a page on one of its domains is
// described by its endpoint even when the page links no oEmbed answer.
type provider struct {
	domains  []string // a page's host is one of them or a subdomain
	endpoint string   // the oEmbed endpoint, asked with ?url=<page>&format=json
	extra    string   // more query parameters, "&…"
}

// knownProviders are the public oEmbed endpoints of the platforms whose
// pages often carry little else for a bot.
var knownProviders = []provider{
	{domains: []string{"youtube.com", "youtu.be"}, endpoint: "https://www.youtube.com/oembed"},
	{domains: []string{"tiktok.com"}, endpoint: "https://www.tiktok.com/oembed"},
	{domains: []string{"reddit.com"}, endpoint: "https://www.reddit.com/oembed"},
	{domains: []string{"twitter.com", "x.com"}, endpoint: "https://publish.twitter.com/oembed", extra: "&omit_script=1&dnt=true"},
}

// providerEndpoint returns the oEmbed URL of the first of pages whose host
// is a known provider's, or "".
func (f *Fetcher) providerEndpoint(pages ...*url.URL) string {
	for _, pg := range pages {
		for _, p := range f.providers {
			if !onDomain(pg.Hostname(), p.domains...) {
				continue
			}
			page := *pg
			page.Fragment, page.RawFragment = "", ""
			return p.endpoint + "?" + url.Values{"url": {page.String()}, "format": {"json"}}.Encode() + p.extra
		}
	}
	return ""
}

// onDomain reports whether host is one of domains or a subdomain of one.
func onDomain(host string, domains ...string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// oembed is an oEmbed answer, cleaned and bounded.
type oembed struct {
	kind      string // type: "video", "photo", "rich" or "link"
	title     string
	author    string
	authorURL string
	provider  string // provider_name
	thumbnail string // thumbnail_url, or a photo's url
	text      string // the text of html, without markup
	host      string // the host that answered
}

// errNoFields marks an oEmbed answer with nothing usable.
var errNoFields = errors.New("no usable fields")

// fetchOEmbed gets the oEmbed answer at endpoint through get, that is
// with every check and limit of a page fetch (public addresses only, on
// each redirect and connection; MaxRedirects; ctx's deadline), its body
// bounded by maxOEmbed.
func (f *Fetcher) fetchOEmbed(ctx context.Context, endpoint string) (oembed, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return oembed{}, fmt.Errorf("oEmbed: invalid URL: %w", err)
	}
	limit := min(f.cfg.MaxBytes, maxOEmbed)
	resp, err := f.get(ctx, u, acceptJSON, limit)
	if err != nil {
		return oembed{}, fmt.Errorf("oEmbed: %w", err)
	}
	if resp.truncated {
		return oembed{}, fmt.Errorf("oEmbed %s: answer longer than %d bytes", resp.url.Redacted(), limit)
	}
	o, err := parseOEmbed(resp.body, resp.url)
	if err != nil {
		return oembed{}, fmt.Errorf("oEmbed %s: %w", resp.url.Redacted(), err)
	}
	return o, nil
}

// parseOEmbed reads the JSON oEmbed answer data, got from base; fields of
// another type than a string are ignored.
func parseOEmbed(data []byte, base *url.URL) (oembed, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return oembed{}, fmt.Errorf("decode: %w", err)
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	o := oembed{
		kind:      cleanText(strings.ToLower(str("type")), 20),
		title:     cleanText(str("title"), maxTitle),
		author:    cleanText(str("author_name"), maxShort),
		authorURL: cleanURL(base, str("author_url")),
		provider:  cleanText(str("provider_name"), maxShort),
		thumbnail: cleanURL(base, str("thumbnail_url")),
		text:      cleanText(str("html"), maxEmbed),
		host:      base.Hostname(),
	}
	if o.kind == "photo" && o.thumbnail == "" {
		o.thumbnail = cleanURL(base, str("url"))
	}
	if o.title == "" && o.author == "" && o.authorURL == "" && o.text == "" && o.thumbnail == "" {
		return oembed{}, errNoFields
	}
	return o, nil
}
