package attach

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach/attachtest"
)

func TestSupported(t *testing.T) {
	docs := []string{".pdf", ".txt", ".md", ".csv", ".json", ".html"}
	if got := Supported(false); !reflect.DeepEqual(got, map[string][]string{"document": docs}) {
		t.Errorf("Supported(false) = %v", got)
	}
	got := Supported(true)
	want := map[string][]string{"document": docs, "image": {".jpg", ".jpeg", ".png", ".gif", ".webp"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Supported(true) = %v", got)
	}
	got["document"][0] = "changed"
	if Supported(true)["document"][0] != ".pdf" {
		t.Error("Supported shares its slices")
	}
}

func TestCheckAccepts(t *testing.T) {
	files := map[string][]byte{
		"a.pdf":      attachtest.PDF("x"),
		"a.txt":      []byte("plain text, ünïcode"),
		"a.md":       []byte("# Title\n\nbody"),
		"a.csv":      []byte("a,b\n1,2\n"),
		"a.json":     []byte(`{"a": [1, 2]}`),
		"a.html":     []byte("<!doctype html><html><body><p>hi</p></body></html>"),
		"frag.html":  []byte("just some text"),
		"UPPER.PDF":  attachtest.PDF("x"),
		"a.png":      testImage(t, "png"),
		"a.gif":      testImage(t, "gif"),
		"a.jpg":      testImage(t, "jpeg"),
		"b.JPEG":     testImage(t, "jpeg"),
		"a.webp":     webpHeader,
		"dir/x.json": []byte("[]"),
	}
	for name, data := range files {
		if err := Check(name, data, true); err != nil {
			t.Errorf("Check(%q) = %v", name, err)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		vision bool
		want   error
		msg    string
	}{
		{"a.exe", []byte("MZ"), true, ErrUnsupported, "unsupported file type .exe; supported: .pdf"},
		{"noext", []byte("x"), true, ErrUnsupported, "unsupported file type (no extension)"},
		{"a.png", testImage(t, "png"), false, ErrUnsupported, "unsupported file type .png"},
		{"a.jpg", testImage(t, "jpeg"), false, ErrUnsupported, "unsupported file type .jpg"},
		{"a.pdf", testImage(t, "png"), true, ErrMismatch, "content is not a PDF"},
		{"a.txt", attachtest.PDF("x")[:0], true, ErrMismatch, "empty"},
		{"a.txt", append([]byte("%PDF-1.4\n"), 0, 1, 2), true, ErrMismatch, "not UTF-8 text"},
		{"a.csv", []byte{'a', ',', 0xff, 0xfe, '\n'}, true, ErrMismatch, "not UTF-8 text"},
		{"a.csv", []byte("a,b\x00c"), true, ErrMismatch, "not UTF-8 text"},
		{"a.json", []byte(`{"a": `), true, ErrMismatch, "not valid JSON"},
		{"a.html", testImage(t, "gif"), true, ErrMismatch, "not HTML"},
		{"a.png", testImage(t, "gif"), true, ErrMismatch, "content is a GIF image, not a PNG image"},
		{"a.jpg", []byte("hello"), true, ErrMismatch, "content is not a JPEG image"},
		{"a.webp", testImage(t, "png"), true, ErrMismatch, "not a WEBP image"},
	}
	for _, c := range cases {
		err := Check(c.name, c.data, c.vision)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Check(%q, vision=%v) = %v; want %v containing %q", c.name, c.vision, err, c.want, c.msg)
		}
	}
}
