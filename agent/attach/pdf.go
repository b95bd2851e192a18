package attach

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// Bounds on the work pdfText does for one file, so that a hostile PDF
// cannot make it spin: pages read, page-tree nodes and depth visited,
// Parent links followed, and wall time spent interpreting content.
const (
	maxPDFPages    = 2000
	maxPDFNodes    = 10000
	maxPDFDepth    = 32
	maxPDFParents  = 32
	maxPDFContent  = 16 << 20 // decoded content bytes of one page
	pdfTimeBudget  = 20 * time.Second
	tjSpaceKerning = -200 // a TJ offset below this (thousandths of em) is a word gap
)

// errStop is panicked inside the content interpreter to stop it once the
// text is full or the time budget is spent.
var errStop = errors.New("stop")

// errPDFTime is returned when the time budget is spent.
var errPDFTime = errors.New("took too long")

// pdfText returns the text of the PDF data, at most max bytes, and whether
// it was cut. Panics in the PDF library become ErrUnreadablePDF errors. A
// PDF without text (e.g. a scan) yields "" and no error.
func pdfText(data []byte, max int) (text string, truncated bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, truncated, err = "", false, fmt.Errorf("%w: %v", ErrUnreadablePDF, r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false, fmt.Errorf("%w: %w", ErrUnreadablePDF, err)
	}
	root := rd.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return "", false, fmt.Errorf("%w: no page tree", ErrUnreadablePDF)
	}
	var pages []pdf.Page
	nodes := 0
	collectPages(root, 0, &nodes, &pages)
	s := pdfSink{max: max, deadline: time.Now().Add(pdfTimeBudget)}
	var firstErr error
	for _, p := range pages {
		err := s.page(p)
		if errors.Is(err, errPDFTime) {
			s.full = true // keep what was read in time, marked truncated
		} else if err != nil && firstErr == nil {
			firstErr = err
		}
		if s.full {
			break
		}
	}
	text = cleanPDFText(s.out.String())
	if text == "" && firstErr != nil {
		return "", false, fmt.Errorf("%w: %w", ErrUnreadablePDF, firstErr)
	}
	if text == "" && s.full {
		return "", false, fmt.Errorf("%w: %w", ErrUnreadablePDF, errPDFTime)
	}
	return text, s.full, nil
}

// collectPages appends the pages under the page-tree node v, depth levels
// deep, counting visited nodes in nodes, within the bounds above.
func collectPages(v pdf.Value, depth int, nodes *int, pages *[]pdf.Page) {
	if depth > maxPDFDepth || *nodes >= maxPDFNodes || len(*pages) >= maxPDFPages {
		return
	}
	*nodes++
	if kids := v.Key("Kids"); kids.Kind() == pdf.Array {
		for i := 0; i < kids.Len(); i++ {
			collectPages(kids.Index(i), depth+1, nodes, pages)
		}
		return
	}
	if v.Key("Type").Name() == "Page" || !v.Key("Contents").IsNull() {
		*pages = append(*pages, pdf.Page{V: v})
	}
}

// inherited returns the page attribute key, looking up at most
// maxPDFParents ancestors (the library's own lookup loops on a cycle).
func inherited(p pdf.Page, key string) pdf.Value {
	v := p.V
	for i := 0; i <= maxPDFParents && !v.IsNull(); i++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// cleanPDFText makes extracted text valid UTF-8 without control
// characters other than newlines and tabs, and drops blank lines.
func cleanPDFText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
