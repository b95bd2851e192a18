package attach

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// pdfSink gathers the text of a PDF's pages within a byte cap and a
// deadline.
type pdfSink struct {
	max      int
	deadline time.Time
	out      strings.Builder
	full     bool
	ops      int
}

// page adds the text of page p. It returns errPDFTime when the deadline
// has passed and an error for a page the library cannot interpret.
func (s *pdfSink) page(p pdf.Page) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r == errStop {
				if !s.full {
					err = errPDFTime
				}
				return
			}
			err = fmt.Errorf("page: %v", r)
		}
	}()
	if time.Now().After(s.deadline) {
		return errPDFTime
	}
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	if err := checkContentSize(contents); err != nil {
		return err
	}
	fonts := inherited(p, "Resources").Key("Font")
	encs := map[string]pdf.TextEncoding{}
	var enc pdf.TextEncoding
	s.write("\n")
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		s.tick()
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*":
			s.write("\n")
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				s.write("\n")
			}
		case "Tf":
			if len(args) == 2 {
				enc = encoding(fonts, args[0].Name(), encs)
			}
		case "'", "\"":
			s.write("\n")
			if len(args) > 0 {
				s.show(enc, args[len(args)-1])
			}
		case "Tj":
			if len(args) == 1 {
				s.show(enc, args[0])
			}
		case "TJ":
			if len(args) == 1 {
				s.showArray(enc, args[0])
			}
		}
	})
	return nil
}

// encoding returns the text encoding of font name in fonts, caching it in
// encs; nil means the raw bytes.
func encoding(fonts pdf.Value, name string, encs map[string]pdf.TextEncoding) pdf.TextEncoding {
	if e, ok := encs[name]; ok {
		return e
	}
	var e pdf.TextEncoding
	if f := fonts.Key(name); !f.IsNull() {
		font := pdf.Font{V: f}
		e = font.Encoder()
	}
	encs[name] = e
	return e
}

// show adds the string v decoded with enc.
func (s *pdfSink) show(enc pdf.TextEncoding, v pdf.Value) {
	if v.Kind() != pdf.String {
		return
	}
	raw := v.RawString()
	if enc != nil {
		raw = enc.Decode(raw)
	}
	s.write(raw)
}

// showArray adds the strings of a TJ array, with a space for a wide gap.
func (s *pdfSink) showArray(enc pdf.TextEncoding, v pdf.Value) {
	for i := 0; i < v.Len(); i++ {
		x := v.Index(i)
		switch x.Kind() {
		case pdf.String:
			s.show(enc, x)
		case pdf.Integer, pdf.Real:
			if x.Float64() < tjSpaceKerning {
				s.write(" ")
			}
		}
	}
}

// write adds t, stopping the interpreter once max bytes are reached.
func (s *pdfSink) write(t string) {
	if s.max > 0 && s.out.Len()+len(t) > s.max {
		if room := s.max - s.out.Len(); room > 0 {
			t, _ = Truncate(t, room)
			s.out.WriteString(t)
		}
		s.full = true
		panic(errStop)
	}
	s.out.WriteString(t)
}

// tick stops the interpreter once the deadline has passed; the clock is
// read every 256 operators.
func (s *pdfSink) tick() {
	s.ops++
	if s.ops%256 == 0 && time.Now().After(s.deadline) {
		panic(errStop)
	}
}

// checkContentSize refuses a page whose decoded content streams exceed
// maxPDFContent bytes: the interpreter holds operands in memory, so a
// compressed bomb would otherwise exhaust it.
func checkContentSize(contents pdf.Value) error {
	streams := []pdf.Value{contents}
	if contents.Kind() == pdf.Array {
		streams = streams[:0]
		for i := 0; i < contents.Len(); i++ {
			streams = append(streams, contents.Index(i))
		}
	}
	var total int64
	for _, v := range streams {
		r := v.Reader()
		n, err := io.Copy(io.Discard, io.LimitReader(r, maxPDFContent-total+1))
		_ = r.Close()
		total += n
		if err != nil {
			return fmt.Errorf("page content: %w", err)
		}
		if total > maxPDFContent {
			return fmt.Errorf("page content over %d bytes", maxPDFContent)
		}
	}
	return nil
}
