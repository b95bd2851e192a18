package attach

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/clara-backend/clara/agent/attach/attachtest"
)

func TestExtractPDF(t *testing.T) {
	c, err := Extract("doc.pdf", attachtest.PDF("Hello Clara"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != Document || c.MediaType != "application/pdf" || !strings.Contains(c.Text, "Hello Clara") {
		t.Errorf("Extract pdf = %+v", c)
	}
}

func TestPDFTextCap(t *testing.T) {
	text, truncated, err := pdfText(attachtest.PDF("Hello Clara"), 5)
	if err != nil || !truncated || len(text) > 5 || !strings.HasPrefix("Hello", text) {
		t.Errorf("pdfText capped = %q, %v, %v", text, truncated, err)
	}
}

func TestCorruptPDF(t *testing.T) {
	good := attachtest.PDF("Hello Clara")
	xref := bytes.Index(good, []byte("xref"))
	cases := map[string][]byte{
		"header only":   []byte("%PDF-1.4\n"),
		"garbage":       append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 200)...),
		"truncated":     good[:len(good)/2],
		"bad xref":      append(append(append([]byte{}, good[:xref]...), []byte("xref\n0 6\nzzzz")...), good[xref+14:]...),
		"bad startxref": bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1),
		"bad flate":     attachtest.PDFWithContent("/Filter /FlateDecode", "not zlib at all"),
		"bad filter":    attachtest.PDFWithContent("/Filter /NoSuchDecode", "BT (x) Tj ET"),
	}
	for name, data := range cases {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			_, err := Extract("bad.pdf", data)
			if !errors.Is(err, ErrUnreadablePDF) || !strings.Contains(err.Error(), "unreadable PDF") {
				t.Errorf("%s: err = %v", name, err)
			}
		}()
	}
}

func TestPDFOperators(t *testing.T) {
	data := attachtest.PDFWithContent("", "BT /F1 12 Tf (one) Tj 0 -14 Td [(tw) -20 (o) -400 (three)] TJ T* (four) ' ET")
	text, _, err := pdfText(data, MaxText)
	if err != nil || text != "one\ntwo three\nfour" {
		t.Errorf("= %q, %v", text, err)
	}
}

func TestCyclicPageTree(t *testing.T) {
	data := bytes.Replace(attachtest.PDF("Hello Clara"), []byte("/Kids [3 0 R]"), []byte("/Kids [2 0 R]"), 1)
	text, _, err := pdfText(data, MaxText)
	if err == nil && text != "" {
		t.Errorf("cyclic page tree = %q", text)
	}
}
