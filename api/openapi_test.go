package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/go-chi/chi/v5"
)

// loadOpenAPI loads and validates the embedded document, its examples
// included.
func loadOpenAPI(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapiDocument)
	if err != nil {
		tb.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		tb.Fatalf("validate openapi.json: %v", err)
	}
	return doc
}

// The document is valid OpenAPI 3.1, examples and all, and names the
// contract's base path as its server.
func TestOpenAPIDocumentValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if !doc.IsOpenAPI31OrLater() || len(doc.Servers) != 1 || doc.Servers[0].URL != basePath {
		t.Fatalf("openapi %q, servers %+v", doc.OpenAPI, doc.Servers)
	}
}

// Every route of the router under /api/v1 has an operation in the
// document, with the same method, and every operation has a route. HEAD is
// served by the GET routes and OPTIONS by none, so neither is listed.
func TestOpenAPIRouteCoverage(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newTestEnv(t, Options{})
	srv := newServer(e.srv.svc, Options{Logger: e.srv.log}, nil) // without the test routes
	var routed []string
	err := chi.Walk(srv.mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if path, ok := strings.CutPrefix(route, basePath); ok && method != http.MethodHead && method != http.MethodOptions {
			routed = append(routed, method+" "+path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s has no operation in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("operation %s of openapi.json has no route", d)
		}
	}
	if len(routed) < 30 {
		t.Errorf("walked %d routes: %v", len(routed), routed)
	}
}

// GET /api/v1/openapi.json serves the embedded document without
// credentials, with the headers of every JSON answer; HEAD works too.
func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t, Options{})
	v := newOpenAPIChecker(t, e.srv)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := e.do(method, basePath+"/openapi.json", nil)
		h := rec.Header()
		if rec.Code != http.StatusOK || h.Get("Content-Type") != "application/json" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" || h.Get(RequestIDHeader) == "" {
			t.Fatalf("%s: %d %v", method, rec.Code, h)
		}
		if method == http.MethodGet {
			if !bytes.Equal(rec.Body.Bytes(), openapiDocument) {
				t.Fatal("the served document is not the embedded one")
			}
			v.check(t, method, basePath+"/openapi.json", rec)
		}
	}
}

// openapiChecker validates recorded answers against the document's
// responses, and counts what it validated per operation.
type openapiChecker struct {
	doc *openapi3.T
	mux *chi.Mux

	mu      sync.Mutex
	checked map[string][]int // "METHOD /path" → statuses validated
}

// newOpenAPIChecker returns a checker of srv's answers.
func newOpenAPIChecker(tb testing.TB, srv *server) *openapiChecker {
	return &openapiChecker{doc: loadOpenAPI(tb), mux: srv.mux, checked: map[string][]int{}}
}

// check validates rec, the answer to method on target (a path under
// /api/v1 with an optional query), against the document: the operation
// of the route the router matches, the status among its responses, the
// Content-Type among their media types and the body against its schema, or
// no body where the response has no content.
func (v *openapiChecker) check(tb testing.TB, method, target string, rec *httptest.ResponseRecorder) {
	tb.Helper()
	path, _, _ := strings.Cut(target, "?")
	rctx := chi.NewRouteContext()
	if !v.mux.Match(rctx, method, path) {
		tb.Fatalf("%s %s: no route", method, path)
	}
	pattern := strings.TrimPrefix(rctx.RoutePattern(), basePath)
	item := v.doc.Paths.Value(pattern)
	if item == nil || item.GetOperation(method) == nil {
		tb.Fatalf("%s %s: no operation in openapi.json", method, pattern)
	}
	op := item.GetOperation(method)
	params := map[string]string{}
	for i, k := range rctx.URLParams.Keys {
		params[k] = rctx.URLParams.Values[i]
	}
	req := httptest.NewRequest(method, target, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params,
			Route: &routers.Route{Spec: v.doc, Server: v.doc.Servers[0], Path: pattern, PathItem: item, Method: method, Operation: op},
		},
		Status: rec.Code,
		Header: rec.Header(),
		Body:   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		tb.Fatalf("%s %s: %d %s\ndoes not match openapi.json: %v", method, pattern, rec.Code, rec.Body, err)
	}
	if resp := op.Responses.Status(rec.Code); resp != nil && len(resp.Value.Content) == 0 && rec.Body.Len() != 0 {
		tb.Fatalf("%s %s: %d has a body, openapi.json says none: %s", method, pattern, rec.Code, rec.Body)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	key := method + " " + pattern
	if !slices.Contains(v.checked[key], rec.Code) {
		v.checked[key] = append(v.checked[key], rec.Code)
	}
}

// covered fails unless every operation of the document had a successful
// answer and an error answer validated, except those in skip.
func (v *openapiChecker) covered(tb testing.TB, skip ...string) {
	tb.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	for path, item := range v.doc.Paths.Map() {
		for method := range item.Operations() {
			key := method + " " + path
			if slices.Contains(skip, key) {
				continue
			}
			codes := v.checked[key]
			if !slices.ContainsFunc(codes, func(c int) bool { return c < 300 }) ||
				!slices.ContainsFunc(codes, func(c int) bool { return c >= 400 }) {
				tb.Errorf("%s: validated statuses %v, want a success and an error", key, codes)
			}
		}
	}
}
