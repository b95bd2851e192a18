package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // for the page's scripts
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// The API's reference documentation: GET /docs is a page on which Redoc
// (https://github.com/Redocly/redoc, MIT, see docs/LICENSE) renders the
// OpenAPI document of GET /api/v1/openapi.json. Redoc's standalone bundle
// is embedded in the binary, so the page loads nothing from elsewhere; it is
// a copy of the npm package redoc pinned in e2e/package-lock.json, which
// docs_test.go proves byte-identical.
const (
	// docsPath is the path of the documentation page.
	docsPath = "/docs"
	// docsScriptPath is the path of Redoc's bundle.
	docsScriptPath = docsPath + "/redoc.standalone.js"
	// docsPatchPath is the path of clara-docs.js, loaded before the bundle.
	docsPatchPath = docsPath + "/clara-docs.js"
)

// redocBundle is Redoc's standalone bundle (redoc/bundles/redoc.standalone.js).
//
//go:embed docs/redoc.standalone.js
var redocBundle []byte

// docsPatch is Clara's script of the page, run before Redoc's: it keeps
// Redoc's side menu from asking for the Redocly logo on its CDN, which the
// CSP refuses (see the file).
//
//go:embed docs/clara-docs.js
var docsPatch []byte

// docsCSP is the Content-Security-Policy of the page, the least with which
// Redoc works and the browser reports no violation: scripts from this
// origin only (clara-docs.js and Redoc's bundle, no inline script); inline
// styles, which Redoc's styled-components inject (and the page's margin);
// data: images, Redoc's icons (and the page's empty icon); the OpenAPI
// document fetched from this origin; and the search index's web worker,
// which Redoc starts from a blob: URL. Fonts are the browser's own. The page cannot be framed, nor
// post forms, nor change its base.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; " +
	"img-src data:; connect-src 'self'; worker-src blob:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// docsFiles are the page and the entity tags of its scripts, the start of
// their SHA-256: the page asks for each script with its tag as the query,
// so that the scripts can be cached for long yet never outlive a change.
type docsFiles struct {
	page                 []byte
	redocETag, patchETag []string // as the Etag header holds them
}

// docs works the files out on first use: hashing the megabyte of Redoc at
// start-up would cost every start (clara mcp's too) a millisecond and the
// bundle's pages of memory.
var docs = sync.OnceValue(func() docsFiles {
	redoc, patch := contentTag(redocBundle), contentTag(docsPatch)
	return docsFiles{
		page:      docsPage(redoc, patch),
		redocETag: []string{`"` + redoc + `"`},
		patchETag: []string{`"` + patch + `"`},
	}
})

// contentTag returns the start of the SHA-256 of b, in hex.
func contentTag(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// docsPage returns the HTML of GET /docs: a <redoc> element that the
// bundle renders from the document's URL on load, the scripts asked for
// by their tags. Its empty icon spares the browser a request for
// /favicon.ico.
func docsPage(redocTag, patchTag string) []byte {
	return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clara API reference</title>
<link rel="icon" href="data:,">
<style>body{margin:0;padding:0}</style>
</head>
<body>
<redoc spec-url="` + basePath + `/openapi.json"></redoc>
<script src="` + docsPatchPath + `?v=` + patchTag + `"></script>
<script src="` + docsScriptPath + `?v=` + redocTag + `"></script>
</body>
</html>
`)
}

var (
	hdrHTML       = []string{"text/html; charset=utf-8"}
	hdrJavaScript = []string{"application/javascript"}
	hdrDocsCSP    = []string{docsCSP}
	hdrNoCache    = []string{"no-cache"}
	hdrLongCache  = []string{"public, max-age=31536000, immutable"}
	hdrNoReferrer = []string{"no-referrer"}
)

// mountDocs registers GET /docs, GET /docs/redoc.standalone.js and GET
// /docs/clara-docs.js at the root of mux, outside /api/v1 (HEAD too, through GetHead).
func mountDocs(mux chi.Router) {
	r := mux.With(captureRoute)
	r.Get(docsPath, serveDocsPage)
	r.Get(docsScriptPath, serveScript("redoc.standalone.js", redocBundle, func() []string { return docs().redocETag }))
	r.Get(docsPatchPath, serveScript("clara-docs.js", docsPatch, func() []string { return docs().patchETag }))
}

// serveDocsPage answers GET /docs with the page, under its CSP.
func serveDocsPage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = hdrHTML
	h["Content-Security-Policy"] = hdrDocsCSP
	h["X-Content-Type-Options"] = hdrNosniff
	h["Cache-Control"] = hdrNoCache
	h["Referrer-Policy"] = hdrNoReferrer
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(docs().page) // an error means the client has gone
}

// serveScript returns the handler of an embedded script named name with
// body and etag, cacheable for a year (its URL changes with its content);
// conditional and range requests work.
func serveScript(name string, body []byte, etag func() []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = hdrJavaScript
		h["X-Content-Type-Options"] = hdrNosniff
		h["Cache-Control"] = hdrLongCache
		h["Etag"] = etag()
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	}
}
