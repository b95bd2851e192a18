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
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return Page{}, fmt.Errorf("fetch: invalid URL: %w", err)
	}
	if err := f.checkURL(u); err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return Page{}, fmt.Errorf("fetch %s: %w", ue.URL, ue.Err)
		}
		return Page{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Page{}, &StatusError{URL: final, Code: resp.StatusCode, Status: resp.Status}
	}
	data, truncated, err := readLimited(resp.Body, f.cfg.MaxBytes)
	if err != nil {
		return Page{}, fmt.Errorf("fetch %s: read body: %w", final, err)
	}
	page := Page{URL: final, Bytes: len(data), Truncated: truncated}
	if err := parseBody(&page, resp.Header.Get("Content-Type"), data); err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", final, err)
	}
	return page, nil
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
