// Package authserver is Clara's OAuth 2.1 authorization server for its MCP
// endpoints: authorization server metadata (RFC 8414), dynamic client
// registration (RFC 7591) and client metadata documents, the authorization
// code flow with PKCE S256 and resource indicators (RFC 8707), refresh
// token rotation, revocation (RFC 7009), and the sign-in and consent pages
// a user sees in between. The protocol machinery is ory/fosite's; Clara
// supplies the storage, the tokens and the pages.
package authserver

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"

	"github.com/clara-backend/clara/core"
)

// The lifetimes of the server's codes and tokens. Access tokens live an
// hour (auth.TokenOptions.OAuthTTL); their grant can be revoked at once.
const (
	codeLifespan         = 5 * time.Minute
	refreshTokenLifespan = 30 * 24 * time.Hour
)

// What every client of Clara may do: the authorization code grant with
// refresh tokens, nothing else.
var (
	grantTypes    = []string{"authorization_code", "refresh_token"}
	responseTypes = []string{"code"}
)

// The endpoints of the authorization server, under the public URL.
const (
	authorizePath = "/oauth/authorize"
	tokenPath     = "/oauth/token"
	registerPath  = "/oauth/register"
	revokePath    = "/oauth/revoke"
	assetsPath    = "/oauth/assets/"
)

// Options configure a Server.
type Options struct {
	Service   *core.Service
	Store     core.Store
	PublicURL string // the issuer; the MCP endpoints /mcp and /sse under it are the resources
	Logger    *slog.Logger
	// TrustProxy takes the client's address from X-Forwarded-For.
	TrustProxy bool
	// LoopbackClientMetadata lets client metadata documents be fetched over
	// http from loopback addresses (development and tests only).
	LoopbackClientMetadata bool
	// RegistrationsPerHour bounds dynamic client registrations per client
	// address (default 20).
	RegistrationsPerHour int
	// Google offers Google sign-in on the pages when its client id and
	// secret are set.
	Google GoogleOptions
	Now    func() time.Time // the clock; time.Now when nil
}

// Server is the authorization server. Its Routes go on Clara's router.
type Server struct {
	opts      Options
	svc       *core.Service
	store     core.Store
	issuer    string
	resources []string
	provider  fosite.OAuth2Provider
	clients   *clients
	pages     *pages
	log       *slog.Logger
	now       func() time.Time
}

// New returns the authorization server of Clara at opts.PublicURL.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RegistrationsPerHour <= 0 {
		opts.RegistrationsPerHour = 20
	}
	issuer := strings.TrimRight(opts.PublicURL, "/")
	s := &Server{
		opts: opts, svc: opts.Service, store: opts.Store, issuer: issuer,
		resources: []string{issuer + "/mcp", issuer + "/sse"},
		clients:   newClients(opts.Store, opts.LoopbackClientMetadata, opts.Now),
		log:       opts.Logger, now: opts.Now,
	}
	keys := opts.Service.Keys()
	cfg := &fosite.Config{
		AccessTokenLifespan:            time.Hour,
		AuthorizeCodeLifespan:          codeLifespan,
		RefreshTokenLifespan:           refreshTokenLifespan,
		GlobalSecret:                   keys.OAuthCodes(),
		EnforcePKCE:                    true,
		EnablePKCEPlainChallengeMethod: false,
		MinParameterEntropy:            -1, // state is optional (PKCE protects the code); when sent, it is returned
		RefreshTokenScopes:             []string{},
		ScopeStrategy:                  fosite.ExactScopeStrategy,
		ClientSecretsHasher:            secretHasher{},
		TokenURL:                       issuer + tokenPath,
		SendDebugMessagesToClients:     false,
	}
	store := &storage{store: opts.Store, clients: s.clients, tokens: accessTokens{opts.Service.Tokens()}, now: opts.Now}
	strat := &strategy{hmac: compose.NewOAuth2HMACStrategy(cfg), access: store.tokens}
	s.provider = compose.Compose(cfg, store, strat,
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2PKCEFactory,
		compose.OAuth2TokenRevocationFactory,
	)
	s.pages = newPages(keys.FormCSRF(), strings.HasPrefix(issuer, "https://"))
	return s
}

// Route is one handler of the server and the pattern it serves.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Routes returns the server's handlers: its metadata under both
// well-known names, the four endpoints and the pages' assets.
func (s *Server) Routes() []Route {
	meta := http.HandlerFunc(s.serveMetadata)
	routes := []Route{
		{"GET /.well-known/oauth-authorization-server", meta},
		{"GET /.well-known/openid-configuration", meta},
		{authorizePath, http.HandlerFunc(s.serveAuthorize)},
		{tokenPath, crossOrigin(s.serveToken)},
		{revokePath, crossOrigin(s.serveRevoke)},
		{registerPath, crossOrigin(s.serveRegister)},
		{"GET " + assetsPath + "*", s.pages.assets()},
		{"GET " + googleCallbackPath, http.HandlerFunc(s.serveGoogleCallback)},
	}
	if path := strings.TrimPrefix(s.issuerPath(), "/"); path != "" {
		// RFC 8414 §3: an issuer with a path has its metadata at the
		// well-known name followed by that path.
		routes = append(routes, Route{"GET /.well-known/oauth-authorization-server/" + path, meta})
	}
	return routes
}

// documentFetches is how many client metadata documents one client
// address may have Clara fetch a minute (cached documents are free).
var documentFetches = core.Rate{Events: 30, Per: time.Minute}

// withFetchBudget returns r's context charging its fetches of client
// metadata documents to the client's address.
func (s *Server) withFetchBudget(r *http.Request) context.Context {
	addr := s.addr(r)
	return context.WithValue(r.Context(), fetchLimitKey{}, func() error {
		return s.svc.Limit("oauth-client-document:"+addr, documentFetches)
	})
}

// principal returns the anonymous principal of a request to the server.
func (s *Server) principal(r *http.Request) core.Principal {
	return core.Anonymous(core.TransportREST, s.addr(r))
}

// sweep deletes expired token state and unused registrations; it runs now
// and then as requests come.
func (s *Server) sweep(ctx context.Context) {
	now := s.now()
	if _, err := s.store.DeleteExpiredOAuthTokens(ctx, now); err != nil {
		s.log.Warn("delete expired oauth tokens", "err", err)
	}
	if _, err := s.store.DeleteUnusedOAuthClients(ctx, now.Add(-unusedClientTTL)); err != nil {
		s.log.Warn("delete unused oauth clients", "err", err)
	}
}

// issuerPath returns the path of the issuer URL ("" for none).
func (s *Server) issuerPath() string {
	u, err := url.Parse(s.issuer)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// crossOrigin serves a POST endpoint that browser-based clients call from
// other origins: it takes no cookies, so any origin may (preflight
// included); other methods get 405.
func crossOrigin(serve http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		switch r.Method {
		case http.MethodPost:
			serve(w, r)
		case http.MethodOptions:
			h.Set("Access-Control-Allow-Methods", "POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
		default:
			h.Set("Allow", "POST, OPTIONS")
			writeJSON(w, http.StatusMethodNotAllowed, oauthError{"invalid_request", "This endpoint takes POST only."})
		}
	})
}
