package authserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ory/fosite"

	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// The limits of fetching a client's metadata document.
const (
	documentMaxBytes   = 16 << 10
	documentTimeout    = 5 * time.Second
	documentCacheFor   = 10 * time.Minute
	documentCacheSize  = 1024
	maxRedirectURIs    = 10
	maxClientNameRunes = 100
)

// client is an OAuth client as Clara knows it: fosite's view, plus what the
// consent page shows. Names and URIs are the client's own claims, never
// verified.
type client struct {
	*fosite.DefaultClient
	name     string
	uri      string
	document bool // named by the URL of its metadata document
}

// clients finds OAuth clients: registered ones in the store, others by
// fetching their metadata documents (through the same guard as the agent's
// fetches: public addresses only), kept for a while.
type clients struct {
	store    core.Store
	fetcher  *fetch.Fetcher
	loopback bool // documents may be served over http from loopback (development, tests)

	mu    sync.Mutex
	cache map[string]cachedClient
	now   func() time.Time
}

// cachedClient is a fetched document's client and when to fetch it again.
type cachedClient struct {
	c       *client
	expires time.Time
}

// newClients returns a client finder. With loopback, metadata documents
// may also be fetched over http from loopback addresses.
func newClients(store core.Store, loopback bool, now func() time.Time) *clients {
	cfg := fetch.Config{Timeout: documentTimeout, MaxBytes: documentMaxBytes, MaxRedirects: -1,
		UserAgent: "Clara-OAuth (client metadata)"}
	if loopback {
		cfg.AllowAddr = func(a netip.Addr) bool { return a.IsLoopback() || fetch.PublicAddr(a) }
	}
	return &clients{store: store, fetcher: fetch.New(cfg), loopback: loopback, cache: map[string]cachedClient{}, now: now}
}

// get returns the client with that id; an unknown one is fosite's
// invalid_client, with the reason.
func (cs *clients) get(ctx context.Context, id string) (*client, error) {
	if isDocumentURL(id) {
		return cs.document(ctx, id)
	}
	c, err := cs.store.OAuthClientByID(ctx, id)
	if core.ErrorCode(err) == core.CodeNotFound {
		return nil, fosite.ErrInvalidClient.WithHint("The client is not registered with Clara.")
	} else if err != nil {
		return nil, fmt.Errorf("load oauth client: %w", err)
	}
	return registeredClient(c), nil
}

// registeredClient returns the client of a registration.
func registeredClient(c core.OAuthClient) *client {
	return &client{
		DefaultClient: &fosite.DefaultClient{
			ID: c.ID, Secret: c.SecretHash, RedirectURIs: c.RedirectURIs,
			GrantTypes:    grantTypes,
			ResponseTypes: responseTypes, Scopes: core.OAuthScopeNames(), Public: c.AuthMethod == authNone,
		},
		name: c.Name, uri: c.URI,
	}
}

// isDocumentURL reports whether a client id is a URL (the client is named
// by its metadata document) rather than a registered id.
func isDocumentURL(id string) bool {
	return strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://")
}

// documentURLProblem returns why id may not name a metadata document, ""
// when it may: https (or http on loopback when allowed), a path, no
// userinfo, fragment or dot segments.
func (cs *clients) documentURLProblem(id string) string {
	u, err := url.Parse(id)
	switch {
	case err != nil:
		return "The client id is not a valid URL."
	case u.Scheme != "https" && !(cs.loopback && u.Scheme == "http" && isLoopbackHost(u.Hostname())):
		return "A client id URL must use https."
	case u.User != nil || u.Fragment != "" || u.Host == "":
		return "A client id URL must name a host, with no user info or fragment."
	case u.Path == "" || u.Path == "/" || slices.ContainsFunc(strings.Split(u.Path, "/"), func(s string) bool { return s == "." || s == ".." }):
		return "A client id URL must have a path, without dot segments."
	}
	return ""
}

// document returns the client described by the metadata document at id,
// from the cache while it is fresh.
func (cs *clients) document(ctx context.Context, id string) (*client, error) {
	if problem := cs.documentURLProblem(id); problem != "" {
		return nil, fosite.ErrInvalidClient.WithHint(problem)
	}
	cs.mu.Lock()
	hit, ok := cs.cache[id]
	cs.mu.Unlock()
	if ok && cs.now().Before(hit.expires) {
		return hit.c, nil
	}
	if limit, _ := ctx.Value(fetchLimitKey{}).(func() error); limit != nil {
		if err := limit(); err != nil {
			return nil, fosite.ErrInvalidClient.WithHint("Too many client metadata documents fetched for this address; try again in a minute.")
		}
	}
	c, err := cs.fetchDocument(ctx, id)
	if err != nil {
		return nil, err
	}
	cs.remember(id, c)
	return c, nil
}

// remember caches c under id, making room when the cache is full.
func (cs *clients) remember(id string, c *client) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	now := cs.now()
	if len(cs.cache) >= documentCacheSize {
		for k, v := range cs.cache {
			if !now.Before(v.expires) {
				delete(cs.cache, k)
			}
		}
		for k := range cs.cache {
			if len(cs.cache) < documentCacheSize/2 {
				break
			}
			delete(cs.cache, k)
		}
	}
	cs.cache[id] = cachedClient{c: c, expires: now.Add(documentCacheFor)}
}

// fetchLimitKey is the context key of the budget a request's fetches of
// metadata documents are charged to: a func that takes one and returns an
// error when the budget is spent.
type fetchLimitKey struct{}

// clientDocument is the part of a client metadata document Clara reads.
type clientDocument struct {
	ClientID                string   `json:"client_id"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	ClientSecret            string   `json:"client_secret"`
}

// fetchDocument fetches and checks the metadata document at id.
func (cs *clients) fetchDocument(ctx context.Context, id string) (*client, error) {
	page, err := cs.fetcher.Fetch(ctx, id)
	if err != nil {
		var status *fetch.StatusError
		switch {
		case errors.Is(err, fetch.ErrRefused):
			return nil, fosite.ErrInvalidClient.WithHint("Clara may not fetch the client's metadata document from that address.")
		case errors.As(err, &status):
			return nil, fosite.ErrInvalidClient.WithHintf("The client's metadata document answered %s.", status.Status)
		default:
			return nil, fosite.ErrInvalidClient.WithHint("The client's metadata document could not be fetched.").WithWrap(err)
		}
	}
	if page.Truncated || !strings.HasSuffix(page.ContentType, "json") {
		return nil, fosite.ErrInvalidClient.WithHintf("The client's metadata document must be JSON of at most %d KiB.", documentMaxBytes>>10)
	}
	var doc clientDocument
	if err := json.Unmarshal([]byte(page.Text), &doc); err != nil {
		return nil, fosite.ErrInvalidClient.WithHint("The client's metadata document is not valid JSON.")
	}
	if doc.ClientID != id {
		return nil, fosite.ErrInvalidClient.WithHint("The client's metadata document names another client_id.")
	}
	if doc.ClientSecret != "" || (doc.TokenEndpointAuthMethod != "" && doc.TokenEndpointAuthMethod != authNone) {
		return nil, fosite.ErrInvalidClient.WithHint("A client named by a metadata document must use token_endpoint_auth_method none.")
	}
	if problem := redirectURIsProblem(doc.RedirectURIs); problem != "" {
		return nil, fosite.ErrInvalidClient.WithHint(problem)
	}
	return &client{
		DefaultClient: &fosite.DefaultClient{
			ID: id, RedirectURIs: doc.RedirectURIs, GrantTypes: grantTypes,
			ResponseTypes: responseTypes, Scopes: core.OAuthScopeNames(), Public: true,
		},
		name: clientName(doc.ClientName), uri: doc.ClientURI, document: true,
	}, nil
}

// clientName returns a client's announced name, trimmed and bounded.
func clientName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > maxClientNameRunes {
		name = string(r[:maxClientNameRunes]) + "…"
	}
	return name
}

// redirectURIsProblem returns why a client's redirect URIs are refused, ""
// when they are fine: between 1 and maxRedirectURIs absolute URIs without
// fragments, each https, http on a loopback address (RFC 8252 §7.3), or a
// private-use scheme of a native app (RFC 8252 §7.1: a dot in the scheme);
// never javascript:, data: or the like.
func redirectURIsProblem(uris []string) string {
	if len(uris) == 0 || len(uris) > maxRedirectURIs {
		return fmt.Sprintf("A client needs between 1 and %d redirect_uris.", maxRedirectURIs)
	}
	for _, raw := range uris {
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || u.Fragment != "" || len(raw) > 2000 || !cleantext.Valid(raw) {
			return fmt.Sprintf("The redirect URI %q is not an absolute URI without a fragment.", clip(raw))
		}
		switch {
		case u.Scheme == "https" && u.Host != "":
		case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		case strings.Contains(u.Scheme, "."):
		default:
			return fmt.Sprintf("The redirect URI %q must use https, http on a loopback address, or an app's own scheme.", clip(raw))
		}
	}
	return ""
}

// isLoopbackHost reports whether host is a loopback IP literal or
// localhost.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// clip bounds a text quoted back in an error.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
