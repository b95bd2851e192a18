package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/clara-backend/clara/agent/fetch"
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/analysistest"
	"github.com/clara-backend/clara/store"
)

// analysisConfig varies the analyses of a test environment.
type analysisConfig = analysistest.Options

// The result's name of the test agent's model.
const testModelName = analysistest.ModelName

// analysisParts are what an environment with analyses has besides the
// core: the fake model provider and the jobs, and a web page server on
// loopback that the agent may read.
type analysisParts struct {
	*analysistest.Parts
	pages *httptest.Server // serves pagePath
}

// pagePath is the page the pages server serves: pageTitle, with pageText.
const (
	pagePath  = "/eiffel"
	pageTitle = "The Eiffel Tower"
	pageText  = "The Eiffel Tower stands in Paris, France; it is 330 metres tall."
)

// newAnalysisParts builds the analysis parts over db and puts the agent
// and the queue in deps; start them once the service is built.
func newAnalysisParts(t testing.TB, db store.DB, cfg analysisConfig, deps *core.Deps) *analysisParts {
	t.Helper()
	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != pagePath {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body><p>%s</p></body></html>", pageTitle, pageText)
	}))
	t.Cleanup(pages.Close)
	cfg.Fetcher = fetch.New(fetch.Config{AllowAddr: loopbackOrPublic})
	return &analysisParts{Parts: analysistest.New(t, db, cfg, deps), pages: pages}
}

// start starts the workers on svc; a nil p does nothing.
func (p *analysisParts) start(t testing.TB, svc *core.Service) {
	if p != nil {
		p.Start(t, svc)
	}
}

// pageURL is the URL of the test page.
func (p *analysisParts) pageURL() string { return p.pages.URL + pagePath }

// loopbackOrPublic lets the fetcher reach the loopback page server as well
// as public addresses.
func loopbackOrPublic(a netip.Addr) bool { return a.IsLoopback() || fetch.PublicAddr(a) }
