package isolate

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/attach/attachtest"
)

// fuzzExtractor has limits that cut a runaway child soon, so that the fuzzer moves on.
var fuzzExtractor = New(Limits{CPU: time.Second, Timeout: 5 * time.Second})

// FuzzPDFText reads any PDF as production does, in an isolated child, and
// checks that the answer is text within bounds or an error that says the
// PDF is unreadable or was refused: whatever the file, this process lives
// on. Seeded with the hostile PDFs and some normal ones.
func FuzzPDFText(f *testing.F) {
	for _, data := range attachtest.Hostile() {
		f.Add(data)
	}
	good := attachtest.PDF("Hello Clara")
	f.Add(good)
	f.Add(attachtest.PDFWithContent("", "BT /F1 12 Tf (one) Tj 0 -14 Td [(tw) -20 (o) -400 (three)] TJ T* (four) ' ET"))
	f.Add(attachtest.PDFWithContent("/Filter /FlateDecode", "not zlib at all"))
	f.Add(bytes.Replace(good, []byte("/Kids [3 0 R]"), []byte("/Kids [2 0 R]"), 1))
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			data = append([]byte("%PDF-1.7\n"), data...) // what Check lets through
		}
		c, err := fuzzExtractor.Extract(t.Context(), "fuzz.pdf", data)
		switch {
		case errors.Is(err, attach.ErrUnreadablePDF), errors.Is(err, ErrRefused):
			if !strings.Contains(err.Error(), "fuzz.pdf") {
				t.Errorf("error does not name the file: %v", err)
			}
		case err != nil:
			t.Fatalf("unexpected error: %v", err)
		case c.Kind != attach.Document || c.MediaType != "application/pdf":
			t.Errorf("content = %+v", c)
		case len(c.Text) > attach.MaxText || !utf8.ValidString(c.Text):
			t.Errorf("text of %d bytes, valid UTF-8: %v", len(c.Text), utf8.ValidString(c.Text))
		}
	})
}

// FuzzHTMLText parses any page as a child does (in this process) and
// checks that it gives a parse error or a title and text of valid UTF-8
// within bounds, the text on lines without surrounding space. Seeded with deep, wide and broken
// markup and a normal page.
func FuzzHTMLText(f *testing.F) {
	f.Add([]byte(`<!DOCTYPE html><html><head><title>Moon &amp; facts</title></head><body><nav>x</nav>` +
		`<main><article><h1>The Moon</h1><p>Apollo&nbsp;11 <b>1969</b>.</p><pre>a  b` + "\n" + `c</pre></article></main></body></html>`))
	f.Add([]byte(strings.Repeat("<div>", 600) + "deep" + strings.Repeat("</div>", 600)))
	f.Add([]byte(strings.Repeat("<b><i><u><s>", 150) + "misnested" + strings.Repeat("</b></i></u></s>", 150)))
	f.Add([]byte(strings.Repeat("<table><tr><td>", 200) + "cell"))
	f.Add([]byte("<p title=\"" + strings.Repeat("a", 4<<10) + "\">big attribute</p>"))
	f.Add([]byte("<title>" + strings.Repeat("t ", 2<<10) + "</title><p>long title"))
	f.Add([]byte("<svg><foreignObject><math><mi><template><p>x</template></mi></math></foreignObject></svg><p hidden>y"))
	f.Add([]byte("<p>nul\x00byte <script>never closed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD")) // as the fetcher hands pages over
		a := handle(request{Op: opHTML, Data: data})
		if a.Error != "" {
			if !strings.HasPrefix(a.Error, "parse HTML: ") { // e.g. nesting past the parser's limit
				t.Fatalf("error: %s", a.Error)
			}
			return
		}
		c := a.Content
		if len(c.Text) > attach.MaxText || len(c.Title) > attach.MaxText || !utf8.ValidString(c.Text) || !utf8.ValidString(c.Title) {
			t.Fatalf("title of %d bytes, text of %d bytes, or not UTF-8", len(c.Title), len(c.Text))
		}
		for line := range strings.Lines(c.Text) {
			if line = strings.TrimSuffix(line, "\n"); line == "" || strings.TrimSpace(line) != line {
				t.Fatalf("line %q is empty or has surrounding space", line)
			}
		}
	})
}
