package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// GET /docs answers the HTML page under its CSP, without credentials; the
// page loads the embedded bundle and points Redoc at the OpenAPI document.
// HEAD works too.
func TestDocsPage(t *testing.T) {
	e := newTestEnv(t, Options{})
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := e.do(method, docsPath, nil)
		h := rec.Header()
		if rec.Code != http.StatusOK || h.Get("Content-Type") != "text/html; charset=utf-8" ||
			h.Get("Content-Security-Policy") != docsCSP || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get(RequestIDHeader) == "" {
			t.Fatalf("%s %s: %d %v", method, docsPath, rec.Code, h)
		}
		if method == http.MethodHead {
			continue
		}
		body := rec.Body.String()
		for _, want := range []string{
			// clara-docs.js first: it must run before Redoc renders.
			`<script src="/docs/clara-docs.js?v=` + contentTag(docsPatch) + `"></script>
<script src="/docs/redoc.standalone.js?v=` + contentTag(redocBundle) + `"></script>`,
			`<redoc spec-url="/api/v1/openapi.json"></redoc>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s:\n%s", want, body)
			}
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "<script>") {
			t.Errorf("the page loads from elsewhere or has an inline script:\n%s", body)
		}
	}
	// The CSP allows scripts from this origin only, and no inline script.
	if !strings.Contains(docsCSP, "default-src 'none'") || !strings.Contains(docsCSP, "script-src 'self';") {
		t.Errorf("CSP %q", docsCSP)
	}
	if e.do(http.MethodPost, docsPath, nil).Code != http.StatusMethodNotAllowed {
		t.Error("POST /docs is not 405")
	}
	if rec := e.do(http.MethodGet, docsPath+"/nothing.js", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /docs/nothing.js: %d", rec.Code)
	}
}

// GET /docs/redoc.standalone.js and GET /docs/clara-docs.js answer the
// embedded scripts, cacheable for long, with or without the page's version
// query; a revalidation with the entity tag answers 304; HEAD works too.
func TestDocsScript(t *testing.T) {
	e := newTestEnv(t, Options{})
	for _, script := range []struct {
		path, tag string
		body      []byte
	}{
		{docsScriptPath, contentTag(redocBundle), redocBundle},
		{docsPatchPath, contentTag(docsPatch), docsPatch},
	} {
		for _, target := range []string{script.path, script.path + "?v=" + script.tag} {
			rec := e.do(http.MethodGet, target, nil)
			h := rec.Header()
			if rec.Code != http.StatusOK || h.Get("Content-Type") != "application/javascript" ||
				h.Get("Cache-Control") != "public, max-age=31536000, immutable" || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("ETag") != `"`+script.tag+`"` {
				t.Fatalf("GET %s: %d %v", target, rec.Code, h)
			}
			if !bytes.Equal(rec.Body.Bytes(), script.body) {
				t.Fatalf("GET %s: not the embedded script (%d bytes)", target, rec.Body.Len())
			}
		}
		rec := e.do(http.MethodGet, script.path, nil, "If-None-Match", `"`+script.tag+`"`)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s revalidation: %d, %d bytes", script.path, rec.Code, rec.Body.Len())
		}
		rec = e.do(http.MethodHead, script.path, nil)
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "application/javascript" {
			t.Errorf("HEAD %s: %d %v", script.path, rec.Code, rec.Header())
		}
	}
	if len(redocBundle) < 100_000 {
		t.Errorf("the bundle has %d bytes", len(redocBundle))
	}
	// clara-docs.js replaces the very URL of the logo that the bundle asks for.
	const logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
	if !bytes.Contains(redocBundle, []byte(`src:"`+logo+`"`)) || !bytes.Contains(docsPatch, []byte(`'`+logo+`'`)) {
		t.Errorf("the bundle or clara-docs.js no longer names %s", logo)
	}
}

// The embedded bundle and its licenses are byte-identical to those of the
// redoc package that e2e/package-lock.json pins, as installed in
// e2e/node_modules by npm ci: they cannot drift from the lockfile. Skipped
// when node_modules has no redoc.
func TestDocsBundlePinned(t *testing.T) {
	pkg := filepath.Join("..", "e2e", "node_modules", "redoc")
	if _, err := os.Stat(pkg); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent: run npm ci in e2e", pkg)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readDocsJSON(t, filepath.Join("..", "e2e", "package-lock.json"), &lock)
	pinned := lock.Packages["node_modules/redoc"].Version
	var installed struct {
		Version string `json:"version"`
	}
	readDocsJSON(t, filepath.Join(pkg, "package.json"), &installed)
	if pinned == "" || installed.Version != pinned {
		t.Fatalf("redoc %q is installed, the lockfile pins %q: run npm ci in e2e", installed.Version, pinned)
	}
	for embedded, original := range map[string]string{
		"redoc.standalone.js":             "bundles/redoc.standalone.js",
		"redoc.standalone.js.LICENSE.txt": "bundles/redoc.standalone.js.LICENSE.txt",
		"LICENSE":                         "LICENSE",
	} {
		want, err := os.ReadFile(filepath.Join(pkg, filepath.FromSlash(original)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("docs", embedded))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("api/docs/%s differs from redoc@%s's %s: copy it again", embedded, pinned, original)
		}
	}
	if !bytes.Equal(redocBundle, readDocsFile(t, filepath.Join(pkg, "bundles", "redoc.standalone.js"))) {
		t.Errorf("the embedded bundle differs from redoc@%s's", pinned)
	}
}

// readDocsJSON decodes the JSON file at path into v.
func readDocsJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readDocsFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// readDocsFile returns the content of the file at path.
func readDocsFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
