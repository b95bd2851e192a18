package api

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/clara-backend/clara/core"
)

// basePath is where the REST API lives.
const basePath = "/api/v1"

// routeUnmatched is the route of a request that matched no route, in logs
// and metrics.
const routeUnmatched = "unmatched"

// routes builds s.mux: the common middleware, the REST API under basePath,
// the mounts at the root, and the 404 and 405 answers everywhere. The API
// routes are registered with their full paths in one group, rather than on
// a subrouter, so that a request is routed once.
func (s *server) routes(mounts []Mount, testRoutes func(chi.Router)) {
	mux := chi.NewRouter()
	// Outermost first, inside server.ServeHTTP (which wraps the mux).
	// refuseOversized runs before routing; GetHead is last: it routes HEAD
	// to GET handlers.
	mux.Use(s.recoverPanics, s.logRequests, s.measure, s.cors, s.refuseOversized, middleware.GetHead)
	mux.NotFound(s.notFound)
	mux.MethodNotAllowed(s.methodNotAllowed)

	mux.Group(func(r chi.Router) {
		// Inline middleware: it runs once a route matched.
		r.Use(captureRoute, apiHeaders, s.limitBody, refuseBadText, s.identify)
		r.Get(basePath+"/health", s.health)
		r.Get(basePath+"/version", s.version)
		r.Get(basePath+"/openapi.json", s.openapi)

		// Auth (contract §5, rows 1–7).
		r.Post(basePath+"/auth/register", s.register)
		r.Post(basePath+"/auth/google", s.googleSignIn)
		r.Post(basePath+"/auth/session", s.login)
		r.Delete(basePath+"/auth/session", s.logout)
		r.Patch(basePath+"/users/{user_email}/password", s.changePassword)
		r.Post(basePath+"/users/{user_email}/otp/{otp_type}", s.sendOTP)
		r.Post(basePath+"/users/{user_email}/activate", s.activate)

		// Two-factor login (rows 8–9, and the authenticator-app extension).
		r.Post(basePath+"/users/{user_id}/2fa", s.enable2FA)
		r.Delete(basePath+"/users/{user_id}/2fa", s.disable2FA)
		r.Post(basePath+"/users/{user_id}/2fa/totp", s.startTOTP)
		r.Post(basePath+"/users/{user_id}/2fa/totp/confirm", s.confirmTOTP)

		// User and API key (rows 10–13).
		r.Get(basePath+"/users/{user_id}", s.viewUser)
		r.Patch(basePath+"/users/{user_id}", s.updateUser)
		r.Get(basePath+"/users/{user_id}/api_key", s.viewAPIKey)
		r.Post(basePath+"/users/{user_id}/api_key", s.resetAPIKey)

		// OAuth grants of MCP hosts (extensions).
		r.Get(basePath+"/users/{user_id}/oauth/grants", s.listOAuthGrants)
		r.Delete(basePath+"/users/{user_id}/oauth/grants/{grant_id}", s.revokeOAuthGrant)

		// Transactions (rows 14–15).
		r.Get(basePath+"/users/{user_id}/transactions", s.listTransactions)
		r.Get(basePath+"/users/{user_id}/transactions/{transaction_id}", s.viewTransaction)

		// Tasks and the agent (rows 16–18, and the cancel extension).
		r.Get(basePath+"/users/{user_id}/tasks", s.listTasks)
		r.Get(basePath+"/users/{user_id}/tasks/{task_id}", s.viewTask)
		r.Delete(basePath+"/users/{user_id}/tasks/{task_id}", s.cancelTask)
		r.Get(basePath+"/users/{user_id}/agent/supported_attachments", s.supportedAttachments)

		// Stripe (rows 20–22).
		r.Get(basePath+"/stripe/rate", s.creditRate)
		r.Post(basePath+"/stripe/portal", s.billingPortal)
		r.Post(basePath+"/stripe/buy", s.buyCredits)
		if testRoutes != nil {
			testRoutes(r)
		}
	})

	// The Stripe webhook (row 23) reads its raw body under its own limit
	// and carries no caller credentials: the signature proves the sender.
	mux.With(captureRoute, apiHeaders).Post(basePath+"/stripe/webhook", s.stripeWebhook)

	// Analysis (row 19) streams a multipart upload of up to the policy's
	// total under its own limit (upload.go).
	mux.With(captureRoute, apiHeaders, refuseBadText, s.identify).Post(analysisRoute, s.analyze)

	mountDocs(mux) // GET /docs, the API reference (docs.go)
	matched := mux.With(captureRoute)
	for _, m := range mounts {
		matched.Handle(m.Pattern, m.Handler)
	}
	s.mux = mux
}

// refuseOversized answers 413 to any API request whose declared body is over
// the limit, before routing: an oversized body is refused whatever its path
// or method, without being read. An Analysis upload has the larger limit
// of uploads.
func (s *server) refuseOversized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.maxBody
		if isAnalysis(r) {
			limit = s.uploads.body()
		}
		if r.ContentLength > limit && strings.HasPrefix(r.URL.Path, basePath+"/") {
			setRoute(r, routeUnmatched)
			writeError(w, r, core.ErrTooLarge())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// notFound answers a request that matched no route.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	setRoute(r, routeUnmatched)
	writeError(w, r, errRouteNotFound())
}

// methodNotAllowed answers a request whose path is routed for other methods
// only, listing those in the Allow header. chi also calls it for methods it
// does not know; when the path serves no method at all the answer is 404.
func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	setRoute(r, routeUnmatched)
	allow := s.allowedMethods(r)
	if allow == "" {
		writeError(w, r, errRouteNotFound())
		return
	}
	w.Header().Set("Allow", allow)
	writeError(w, r, errMethodNotAllowed())
}

// probedMethods are the methods listed in an Allow header, in its order.
var probedMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// allowedMethods returns the methods s.mux serves at r's path, comma
// separated; HEAD is listed wherever GET is, as GetHead serves it.
func (s *server) allowedMethods(r *http.Request) string {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	var allowed []string
	get := false
	for _, m := range probedMethods {
		ok := s.mux.Match(chi.NewRouteContext(), m, path)
		switch {
		case m == http.MethodGet:
			get = ok
		case m == http.MethodHead:
			ok = ok || get
		}
		if ok {
			allowed = append(allowed, m)
		}
	}
	return strings.Join(allowed, ", ")
}
