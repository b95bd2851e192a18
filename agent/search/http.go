package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds every response body.
const maxBody = 1 << 20

// userAgent is sent with every request.
const userAgent = "ClaraBot/1.0 (+claim checking)"

// api is what every provider shares: its name (the start of its errors),
// the HTTP client, the per-request timeout and the API key, which no error
// may carry.
type api struct {
	name    string
	client  *http.Client
	timeout time.Duration
	secret  string
}

// newAPI returns an api for provider name with key secret ("" for none).
// A nil client is replaced by one with the timeout; any client is copied
// so that it follows no redirects.
func newAPI(name, secret string, client *http.Client, timeout time.Duration) *api {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	var c http.Client
	if client != nil {
		c = *client
	} else {
		c.Timeout = timeout
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &api{name: name, client: &c, timeout: timeout, secret: secret}
}

// request is one API call: method, endpoint and the query parameters to
// add to the endpoint's, headers, and a JSON body (nil for none).
type request struct {
	method   string
	endpoint *url.URL
	params   url.Values
	header   http.Header
	body     any
}

// do sends r within the timeout and decodes a 2xx JSON answer into out.
// Every failure of the provider wraps ErrUnavailable.
func (a *api) do(ctx context.Context, r request, out any) error {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	req, err := a.build(ctx, r)
	if err != nil {
		return err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return a.unavailable(ctx, transportCause(err))
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		return a.unavailable(ctx, statusError(a.name, resp.StatusCode))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return a.unavailable(ctx, fmt.Errorf("reading the response: %w", transportCause(err)))
	}
	if len(data) > maxBody {
		return a.unavailable(ctx, errors.New("response too large (over 1 MiB)"))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return a.unavailable(ctx, fmt.Errorf("invalid JSON in the response: %w", err))
	}
	return nil
}

// build makes the HTTP request for r. The URL is set after the request
// is made so that no parsing error can print the query, which may hold
// a key.
func (a *api) build(ctx context.Context, r request) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding the request: %w", a.name, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, "/", body)
	if err != nil {
		return nil, fmt.Errorf("%s: making the request: %w", a.name, err)
	}
	u := *r.endpoint
	q := u.Query()
	for k, vs := range r.params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	req.URL, req.Host = &u, u.Host
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// unavailable wraps cause and ErrUnavailable, naming the provider, with
// the API key blanked out of the text. A deadline of the request's own
// timeout is said as such.
func (a *api) unavailable(ctx context.Context, cause error) error {
	if errors.Is(cause, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		cause = fmt.Errorf("no answer within %s: %w", a.timeout, cause)
	}
	if a.secret != "" {
		msg := cause.Error()
		if strings.Contains(msg, a.secret) || strings.Contains(msg, url.QueryEscape(a.secret)) {
			cause = &redacted{err: cause, secret: a.secret}
		}
	}
	return fmt.Errorf("%s: %w (%w)", a.name, cause, ErrUnavailable)
}

// statusError describes a status other than 2xx by its code and standard
// text (not the server's reason phrase), with a hint for a redirect and
// for SearXNG's 403.
func statusError(name string, code int) error {
	msg := fmt.Sprintf("status %d %s", code, http.StatusText(code))
	if code >= 300 && code <= 399 {
		msg += " (redirects are not followed)"
	}
	if name == providerSearXNG && code == http.StatusForbidden {
		msg += "; is the json format enabled in the instance's settings.yml (search: formats)?"
	}
	return errors.New(strings.TrimSpace(msg))
}

// transportCause unwraps a *url.Error, whose text holds the request URL
// (and so, for the Fact Check Tools API, the key).
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redacted is an error whose text has a secret blanked out.
type redacted struct {
	err    error
	secret string
}

// Error is err's text without the secret, plain or query-escaped.
func (r *redacted) Error() string {
	msg := strings.ReplaceAll(r.err.Error(), r.secret, "[redacted]")
	return strings.ReplaceAll(msg, url.QueryEscape(r.secret), "[redacted]")
}

// Unwrap returns the error.
func (r *redacted) Unwrap() error { return r.err }
