package attach

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach/attachtest"
)

func TestExtractText(t *testing.T) {
	cases := map[string]string{
		"a.txt":  "\uFEFFplain text",
		"a.md":   "# Title\n\nbody",
		"a.csv":  "a,b\n1,2\n",
		"a.json": `{"a": [1, 2]}`,
	}
	for name, data := range cases {
		c, err := Extract(name, []byte(data))
		if err != nil {
			t.Fatalf("Extract(%q): %v", name, err)
		}
		if c.Kind != Document || c.Text != strings.TrimPrefix(data, "\uFEFF") || c.MediaType == "" || c.Truncated {
			t.Errorf("Extract(%q) = %+v", name, c)
		}
	}
}

func TestExtractTruncates(t *testing.T) {
	data := strings.Repeat("é", MaxText) // 2 bytes a character
	c, err := Extract("big.txt", []byte(data+"x"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Truncated || len(c.Text) != MaxText || !strings.HasPrefix(data, c.Text) {
		t.Errorf("truncated=%v len=%d", c.Truncated, len(c.Text))
	}
}

func TestExtractHTML(t *testing.T) {
	c, err := Extract("page.html", []byte("<title>T &amp; U</title><p>Body &lt;text&gt;</p><script>x()</script>"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != Document || c.Title != "T & U" || c.Text != "Body <text>" {
		t.Errorf("Extract html = %+v", c)
	}
}

func TestExtractImage(t *testing.T) {
	data := testImage(t, "png")
	c, err := Extract("photo.PNG", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != Image || c.MediaType != "image/png" || !bytes.Equal(c.Image, data) || c.Text != "" {
		t.Errorf("Extract png = %+v", c)
	}
}

func TestExtractRefuses(t *testing.T) {
	if _, err := Extract("a.exe", []byte("x")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("exe: %v", err)
	}
	if _, err := Extract("a.png", attachtest.PDF("x")); !errors.Is(err, ErrMismatch) {
		t.Errorf("pdf as png: %v", err)
	}
}

func TestKindString(t *testing.T) {
	if Document.String() != "document" || Image.String() != "image" || Kind(7).String() != "Kind(7)" {
		t.Error("Kind.String")
	}
}
