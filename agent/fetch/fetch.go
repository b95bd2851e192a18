// Package fetch reads public web pages for the agent, safely: only http
// and https, no credentials in URLs, and no connection to loopback,
// private, link-local or other non-public addresses (see PublicAddr),
// checked on the address actually dialled, for every redirect hop. Time
// and size are bounded and the page is returned as readable text. A page
// that is a social post (or any page with OpenGraph, Twitter card,
// JSON-LD or oEmbed data) is also described as a Post, its oEmbed answer
// read through the same checks.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// Defaults of Config.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBytes     = 2 << 20
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "ClaraBot/1.0 (+claim checking)"
)

// Errors that Fetch wraps, for errors.Is.
var (
	// ErrRefused marks a URL or address a fetch may not reach: a scheme
	// other than http(s), userinfo, or an address AllowAddr refuses.
	ErrRefused = errors.New("fetch refused")
	// ErrTooManyRedirects marks a chain of more than MaxRedirects
	// redirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrUnsupportedType marks a response whose content type Clara does
	// not read.
	ErrUnsupportedType = errors.New("unsupported content type")
)

// StatusError is a response with a status other than 2xx.
type StatusError struct {
	URL    string
	Code   int
	Status string // e.g. "404 Not Found"
}

// Error names the status and the URL.
func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch %s: status %s", e.URL, e.Status)
}

// Config tunes a Fetcher; zero fields take the defaults.
type Config struct {
	// Timeout bounds a whole fetch, redirects, body and the oEmbed
	// request of a post included (default 15s).
	Timeout time.Duration
	// MaxBytes bounds each response body; a longer body is cut there
	// and the page marked Truncated (default 2 MiB).
	MaxBytes int64
	// MaxRedirects is how many redirects a fetch follows (default 5;
	// negative: none).
	MaxRedirects int
	// UserAgent is sent with every request (default DefaultUserAgent).
	UserAgent string
	// AllowAddr reports whether an address may be connected to (nil:
	// PublicAddr, public addresses only). Tests pass one that allows
	// loopback.
	AllowAddr func(netip.Addr) bool
	// Resolver resolves host names (nil: net.DefaultResolver).
	Resolver *net.Resolver
	// LookupIP, if set, resolves host names instead of Resolver; network
	// is "ip", "ip4" or "ip6". For tests.
	LookupIP func(ctx context.Context, network, host string) ([]net.IP, error)
}

// Page is a fetched page as text.
type Page struct {
	// URL is the final URL, after redirects.
	URL string
	// Title is the HTML title ("" for other types).
	Title string
	// Text is the readable text, at most attach.MaxText bytes.
	Text string
	// ContentType is the response's media type, without parameters.
	ContentType string
	// Bytes is how many body bytes were read.
	Bytes int
	// Truncated reports that the body was cut at MaxBytes or the text
	// at attach.MaxText.
	Truncated bool
	// Post describes the post an HTML page carries, from its metadata
	// and oEmbed answer; nil for a page without such metadata.
	Post *Post
}

// Fetcher fetches pages under a Config. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	allow  func(netip.Addr) bool
	client *http.Client
	// dialIP connects to an ip:port that has passed the address check;
	// the dialer's Control checks it again. Tests wrap it.
	dialIP func(ctx context.Context, network, address string) (net.Conn, error)
	// providers are the oEmbed providers asked about their own pages
	// when a page links no oEmbed answer (knownProviders; tests point
	// them at local servers).
	providers []provider
}

// New returns a Fetcher for cfg, with defaults for zero fields.
func New(cfg Config) *Fetcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	f := &Fetcher{cfg: cfg, allow: cfg.AllowAddr, providers: knownProviders}
	if f.allow == nil {
		f.allow = PublicAddr
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: f.control}
	f.dialIP = d.DialContext
	f.client = &http.Client{Transport: f.transport(), CheckRedirect: f.checkRedirect}
	return f
}

// transport returns the HTTP transport: no proxy, every connection made
// by dialContext.
func (f *Fetcher) transport() *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            f.dialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  f.cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
	}
}
