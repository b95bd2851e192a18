package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// accept is the Accept header: the types Fetch reads.
const accept = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9," +
	"application/json;q=0.8,text/csv;q=0.8,application/pdf;q=0.8,*/*;q=0.1"

// Fetch gets rawURL, following allowed redirects, and returns the page as
// text. Errors wrap ErrRefused (scheme, userinfo, or a refused address,
// checked on every hop and every connection), ErrTooManyRedirects,
// ErrUnsupportedType, a *StatusError for a non-2xx status, or the
// network or context error (e.g. the Timeout).
//
// An HTML page that describes a post (OpenGraph, Twitter card, JSON-LD or
// oEmbed data) also gets its Post, read within the same Timeout; see
// Post. A failure to read those details is no error: Post stays nil or
// partial.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return Page{}, fmt.Errorf("fetch: invalid URL: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	resp, err := f.get(ctx, u, accept, f.cfg.MaxBytes)
	if err != nil {
		return Page{}, err
	}
	final := resp.url.String()
	page := Page{URL: final, Bytes: len(resp.body), Truncated: resp.truncated}
	contentType := resp.header.Get("Content-Type")
	if err := parseBody(&page, contentType, resp.body); err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", final, err)
	}
	if isHTML(page.ContentType) {
		page.Post = f.describePost(ctx, u, resp.url, resp.body, contentType)
	}
	return page, nil
}

// response is a 2xx response that get read.
type response struct {
	url       *url.URL    // the final URL, after redirects
	header    http.Header // its headers
	body      []byte      // at most the limit get was given
	truncated bool        // the body was longer than the limit
}

// get checks u (checkURL), requests it with the Accept header accept,
// following allowed redirects, and reads at most limit bytes of its body.
// Every request of the package goes through get, so that every one gets
// the same checks: the URL's, each redirect's (checkRedirect) and each
// dialled address's (dialContext, control). A non-2xx status is a
// *StatusError.
func (f *Fetcher) get(ctx context.Context, u *url.URL, accept string, limit int64) (response, error) {
	if err := f.checkURL(u); err != nil {
		return response{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return response{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return response{}, fmt.Errorf("fetch %s: %w", ue.URL, ue.Err)
		}
		return response{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return response{}, &StatusError{URL: final.String(), Code: resp.StatusCode, Status: resp.Status}
	}
	data, truncated, err := readLimited(resp.Body, limit)
	if err != nil {
		return response{}, fmt.Errorf("fetch %s: read body: %w", final, err)
	}
	return response{url: final, header: resp.Header, body: data, truncated: truncated}, nil
}

// checkURL refuses a URL that is not http(s), has userinfo, no host or a
// port outside 1–65535, or names a literal IP address AllowAddr refuses.
func (f *Fetcher) checkURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return fmt.Errorf("%w: URL has no scheme (only http and https)", ErrRefused)
	default:
		return fmt.Errorf("%w: scheme %q is not supported (only http and https)", ErrRefused, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("%w: URL contains user info", ErrRefused)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%w: URL has no host", ErrRefused)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return fmt.Errorf("%w: port %q is not a TCP port", ErrRefused, p)
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return f.check("", a)
	}
	return nil
}

// checkRedirect allows at most MaxRedirects redirects, each to a URL that
// passes checkURL. (Its addresses are checked again when dialled.)
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.MaxRedirects {
		return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, max(f.cfg.MaxRedirects, 0))
	}
	if err := f.checkURL(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

// readLimited reads r up to max bytes and reports whether there was more.
func readLimited(r io.Reader, max int64) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(data)) > max {
		return data[:max], true, nil
	}
	return data, false, nil
}
