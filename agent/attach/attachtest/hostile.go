package attachtest

import (
	"bytes"
	"fmt"
)

// Hostile returns, by name, small PDFs crafted to break a PDF parser that
// trusts the file's structure: each makes a naive reader recurse without
// end, allocate without bound or loop forever.
func Hostile() map[string][]byte {
	return map[string][]byte{
		"self-referencing object stream": SelfContainedObjectStream(),
		"huge Size":                      HugeSize(),
		"huge xref Index":                HugeIndex(),
		"looping Prev chain":             LoopingPrev(),
		"looping Extends chain":          LoopingExtends(),
	}
}

// SelfContainedObjectStream returns a PDF whose cross-reference stream
// places the catalog inside an object stream that is the catalog itself:
// resolving it resolves itself again.
func SelfContainedObjectStream() []byte {
	return xrefStreamPDF(nil, "/Size 3 /Root 2 0 R", [][3]int{{0, 0, 0}, {1, 9, 0}, {2, 2, 0}})
}

// HugeSize returns a PDF whose cross-reference stream declares 2^32
// objects: a reader that sizes its table by /Size asks for over 100 GiB.
func HugeSize() []byte {
	return xrefStreamPDF(nil, "/Size 4294967296 /Root 2 0 R", [][3]int{{0, 0, 0}, {1, 9, 0}})
}

// HugeIndex returns a PDF whose cross-reference stream's /Index puts one
// entry at object number 4,000,000,000: a reader that grows its table to
// the entry's number asks for over 100 GiB.
func HugeIndex() []byte {
	return xrefStreamPDF(nil, "/Size 3 /Index [0 2 4000000000 1] /Root 2 0 R",
		[][3]int{{0, 0, 0}, {1, 9, 0}, {1, 9, 0}})
}

// LoopingPrev returns a PDF whose trailer's /Prev points back at its own
// cross-reference table, so that the chain of tables never ends.
func LoopingPrev() []byte {
	data := PDF("Hello Clara")
	xref := bytes.LastIndex(data, []byte("\nxref\n")) + 1
	return bytes.Replace(data, []byte("/Root 1 0 R"), fmt.Appendf(nil, "/Root 1 0 R /Prev %d", xref), 1)
}

// LoopingExtends returns a PDF whose catalog lives in an object stream that
// does not hold it and /Extends a second one that /Extends the first: the
// search for the catalog goes round the pair forever.
func LoopingExtends() []byte {
	objStm := func(extends int) string {
		body := "9 0 << >>"
		return fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Extends %d 0 R /Length %d >>\nstream\n%s\nendstream",
			extends, len(body), body)
	}
	// Objects 2 and 3 are the two object streams; 4 is the catalog, said
	// to be the first object of stream 2.
	return xrefStreamPDF([]string{objStm(3), objStm(2)}, "/Size 5 /Root 4 0 R",
		[][3]int{{0, 0, 0}, {1, -1, 0}, {1, -2, 0}, {1, -3, 0}, {2, 2, 0}})
}

// xrefStreamPDF returns a PDF whose object 1 is a cross-reference stream
// with the extra dictionary entries dict and the rows rows (field widths
// 1, 4 and 2), followed by objs as objects 2, 3, …. In a row, a negative
// second field -n stands for the offset of object n.
func xrefStreamPDF(objs []string, dict string, rows [][3]int) []byte {
	const header = "%PDF-1.7\n"
	xrefLen := len(rows) * 7
	xrefObj := func(data []byte) string {
		return fmt.Sprintf("1 0 obj\n<< /Type /XRef %s /W [1 4 2] /Length %d >>\nstream\n%s\nendstream\nendobj\n",
			dict, xrefLen, data)
	}
	offsets := map[int]int{1: len(header)}
	pos := len(header) + len(xrefObj(make([]byte, xrefLen)))
	var body bytes.Buffer
	for i, o := range objs {
		offsets[i+2] = pos + body.Len()
		fmt.Fprintf(&body, "%d 0 obj\n%s\nendobj\n", i+2, o)
	}
	data := make([]byte, 0, xrefLen)
	for _, r := range rows {
		off := r[1]
		if off < 0 {
			off = offsets[-off]
		}
		data = append(data, byte(r[0]), byte(off>>24), byte(off>>16), byte(off>>8), byte(off), byte(r[2]>>8), byte(r[2]))
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString(xrefObj(data))
	b.Write(body.Bytes())
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", len(header))
	return b.Bytes()
}
