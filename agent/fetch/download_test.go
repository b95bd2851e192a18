package fetch

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
)

func TestDownload(t *testing.T) {
	clip := append([]byte("\x00\x00\x00\x18ftypmp42"), bytes.Repeat([]byte{7}, 5000)...)
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/clip.mp4":
			w.Header().Set("Content-Type", "video/mp4; codecs=avc1")
			w.Write(clip)
		case "/moved":
			http.Redirect(w, r, "/clip.mp4", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	f := New(Config{AllowAddr: loopbackOnly})
	got, err := f.Download(t.Context(), s.URL+"/moved", 1<<20)
	if err != nil || got.URL != s.URL+"/clip.mp4" || got.ContentType != "video/mp4" || !bytes.Equal(got.Data, clip) {
		t.Fatalf("download: %q %q %d bytes, %v", got.URL, got.ContentType, len(got.Data), err)
	}
	if _, err := f.Download(t.Context(), s.URL+"/clip.mp4", 4096); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	var se *StatusError
	if _, err := f.Download(t.Context(), s.URL+"/gone.mp4", 1<<20); !errors.As(err, &se) || se.Code != 404 {
		t.Errorf("404: %v", err)
	}
	// The same address rule as Fetch: a public-only fetcher may not reach it.
	if _, err := New(Config{}).Download(t.Context(), s.URL+"/clip.mp4", 1<<20); !errors.Is(err, ErrRefused) {
		t.Errorf("loopback from a public-only fetcher: %v", err)
	}
}
