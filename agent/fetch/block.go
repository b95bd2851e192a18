package fetch

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Block returns p as the compact lines a reader of the page is shown
// before its text, e.g.
//
//	Post: YouTube video by Jane Doe (https://www.youtube.com/@jane), published 2024-05-01, 3m12s
//	Title: …
//	Text: …
//	Media: video https://…, thumbnail https://…
//	Details from: OpenGraph, oEmbed (www.youtube.com); as the page declares them, unverified
//
// Lines without a value are left out. Each field is one bounded line, so
// the block is at most a few kilobytes and a field cannot forge a line.
func (p *Post) Block() string {
	var b strings.Builder
	b.WriteString("Post: " + p.Site + " " + p.Kind)
	switch {
	case p.Author != "" && p.AuthorURL != "":
		b.WriteString(" by " + p.Author + " (" + p.AuthorURL + ")")
	case p.Author != "" || p.AuthorURL != "":
		b.WriteString(" by " + p.Author + p.AuthorURL)
	}
	if p.Published != "" {
		b.WriteString(", published " + p.Published)
	}
	if p.Duration != "" {
		b.WriteString(", " + p.Duration)
	}
	b.WriteByte('\n')
	line := func(label, value string) {
		if value != "" {
			b.WriteString(label + ": " + value + "\n")
		}
	}
	line("Title", p.Title)
	line("Text", p.Text)
	line("Embed text", p.Embed)
	line("Media", p.media())
	line("Engagement", strings.Join(p.Stats, ", "))
	line("Canonical URL", p.URL)
	if len(p.From) > 0 {
		line("Details from", strings.Join(p.From, ", ")+"; as the page declares them, unverified")
	}
	return b.String()
}

// media describes the post's video and image: "video <url>, thumbnail
// <url> (image description: …)".
func (p *Post) media() string {
	var parts []string
	if p.Kind == "video" {
		parts = append(parts, strings.TrimSpace("video "+p.Video))
	}
	if p.Image != "" {
		label := "image "
		if p.Kind == "video" {
			label = "thumbnail "
		}
		parts = append(parts, label+p.Image)
	}
	if p.ImageAlt != "" {
		parts = append(parts, "image description: "+p.ImageAlt)
	}
	return strings.Join(parts, ", ")
}

// timeLayouts are the forms of a date or time read, with and without a
// zone.
var timeLayouts = []struct {
	layout, out string
}{
	{time.RFC3339Nano, "2006-01-02 15:04 UTC"},
	{"2006-01-02T15:04:05Z0700", "2006-01-02 15:04 UTC"},
	{"2006-01-02T15:04Z07:00", "2006-01-02 15:04 UTC"},
	{"2006-01-02T15:04:05", "2006-01-02 15:04"},
	{"2006-01-02T15:04", "2006-01-02 15:04"},
	{"2006-01-02 15:04:05", "2006-01-02 15:04"},
	{"2006-01-02", "2006-01-02"},
}

// formatTime returns the date or time s in a short form: "2024-05-01" or
// "2024-05-01 14:03 UTC" (converted to UTC when s has a zone); s, cleaned,
// when it is in no form known.
func formatTime(s string) string {
	s = cleanText(s, maxShort)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			if strings.HasSuffix(l.out, "UTC") {
				t = t.UTC()
			}
			return t.Format(l.out)
		}
	}
	return s
}

// isoDuration is an ISO 8601 duration of days, hours, minutes, seconds,
// compiled on first use rather than at every start.
var isoDuration = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^P(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,8})(?:\.\d+)?S)?)?$`)
})

// formatDuration returns the duration s, in ISO 8601 ("PT3M12S") or in
// seconds ("192"), as "3m12s"; "" if s is neither or zero.
func formatDuration(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	var secs int64
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 1e8 {
		secs = int64(n)
	} else if g := isoDuration().FindStringSubmatch(s); g != nil {
		for i, unit := range []int64{86400, 3600, 60, 1} {
			n, _ := strconv.ParseInt(g[i+1], 10, 64) // "" is 0
			secs += n * unit
		}
	}
	if secs <= 0 {
		return ""
	}
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		unit string
	}{{secs / 3600, "h"}, {secs / 60 % 60, "m"}, {secs % 60, "s"}} {
		if u.n > 0 {
			b.WriteString(strconv.FormatInt(u.n, 10) + u.unit)
		}
	}
	return b.String()
}
