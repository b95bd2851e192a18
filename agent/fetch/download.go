package fetch

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"
)

// ErrTooLarge marks a download longer than its limit.
var ErrTooLarge = errors.New("file too large")

// DefaultDownloadTimeout bounds a whole download, redirects included, when
// the caller's context has no earlier deadline: a file is larger than a
// page.
const DefaultDownloadTimeout = 60 * time.Second

// File is a downloaded file, whole.
type File struct {
	URL         string // the final URL, after redirects
	ContentType string // the response's media type, without parameters ("" when none was sent)
	Data        []byte
}

// Download reads the file at rawURL whole, under the same checks as Fetch
// (scheme, addresses on every hop and connection, redirects): a video or
// audio attachment given by link. A body longer than limit bytes is an
// error wrapping ErrTooLarge, never a cut file.
func (f *Fetcher) Download(ctx context.Context, rawURL string, limit int64) (File, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return File{}, fmt.Errorf("download: invalid URL: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultDownloadTimeout)
	defer cancel()
	resp, err := f.get(ctx, u, "video/*,audio/*;q=0.9,*/*;q=0.1", limit)
	if err != nil {
		return File{}, err
	}
	final := resp.url.String()
	if resp.truncated {
		return File{}, fmt.Errorf("download %s: %w: more than %d bytes", final, ErrTooLarge, limit)
	}
	mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	return File{URL: final, ContentType: mt, Data: resp.body}, nil
}
