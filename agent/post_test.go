package agent

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clara-backend/clara/core"
)

// postServer serves a video page that links its oEmbed answer, the
// answer, and a plain page.
func postServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/video", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<html><head><title>Tower climb - Clips</title>
<meta property="og:site_name" content="Clips"><meta property="og:type" content="video.other">
<meta property="og:title" content="Tower climb"><meta property="og:description" content="Climbing the Eiffel Tower in 2022.">
<meta property="og:image" content="https://img.example/t.jpg">
<link rel="alternate" type="application/json+oembed" href="/oembed?url=video">
<script type="application/ld+json">{"@type":"VideoObject","uploadDate":"2024-05-01","duration":"PT3M12S"}</script>
</head><body><p>Video page text.</p></body></html>`)
	})
	mux.HandleFunc("/oembed", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"type":"video","author_name":"Jane Climber","author_url":"https://clips.example/jane","provider_name":"Clips"}`)
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<html><head><title>Plain</title></head><body><p>Plain page text.</p></body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestFetchResultDescribesPost: the fetch_url result of a post starts,
// after the page's header, with its Post block, then the page text; a
// plain page's result has none.
func TestFetchResultDescribesPost(t *testing.T) {
	forEachWire(t, func(t *testing.T, w wire) {
		srv := postServer(t)
		video, plain := srv.URL+"/video", srv.URL+"/plain"
		fake := newFake(t, w.path, w.tools([2]string{"v", video}, [2]string{"p", plain}), w.text(answerJSON(video)))
		a := newTestAgent(t, w, fake, newTestFetcher())
		if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "Did she climb the tower? " + video}); err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		res := toolResults(w, fake.requests()[1])
		want := "URL: " + video + "\nTitle: Tower climb - Clips\nContent-Type: text/html\nCite this page as: " + video + "\n\n" +
			"Post: Clips video by Jane Climber (https://clips.example/jane), published 2024-05-01, 3m12s\n" +
			"Title: Tower climb\nText: Climbing the Eiffel Tower in 2022.\n" +
			"Media: video, thumbnail https://img.example/t.jpg\n" +
			"Details from: OpenGraph, JSON-LD VideoObject, oEmbed (127.0.0.1); as the page declares them, unverified\n\n" +
			"Video page text."
		if res["v"] != want {
			t.Errorf("video result:\n%s\nwant:\n%s", res["v"], want)
		}
		if got := res["p"]; strings.Contains(got, "Post:") || !strings.HasSuffix(got, "Cite this page as: "+plain+"\n\nPlain page text.") {
			t.Errorf("plain result = %q", got)
		}
	})
}

// TestFetchResultPostBudget: the Post block is charged to the page-text
// budget.
func TestFetchResultPostBudget(t *testing.T) {
	w := wires[0]
	srv := postServer(t)
	video, plain := srv.URL+"/video", srv.URL+"/plain"
	fake := newFake(t, w.path, w.tools([2]string{"v", video}, [2]string{"p", plain}), w.text(answerJSON(video)))
	a := newTestAgent(t, w, fake, newTestFetcher(), func(c *Config) { c.MaxFetchBytes = 100 })
	if _, err := a.Analyze(context.Background(), core.AnalysisRequest{Query: "a claim"}); err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	res := toolResults(w, fake.requests()[1])
	if !strings.Contains(res["v"], "Post: Clips video") || !strings.Contains(res["p"], "budget of 100 bytes of page text is spent") {
		t.Errorf("results = %q", res)
	}
}
