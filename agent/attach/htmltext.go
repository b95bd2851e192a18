package attach

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textWriter gathers the readable text of an HTML tree line by line.
type textWriter struct {
	max  int             // cap on out in bytes; <= 0: none
	out  strings.Builder // finished lines, separated by "\n"
	line strings.Builder // the line being built, whitespace not collapsed
	pre  int             // > 0 inside <pre>: newlines end lines
	full bool            // out reached max
}

// walk adds the text under n, depth levels deep in the tree.
func (w *textWriter) walk(n *html.Node, depth int) {
	if w.full || depth > maxHTMLDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		w.element(n, depth)
		return
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, depth+1)
		}
	}
}

// element adds the text of element n.
func (w *textWriter) element(n *html.Node, depth int) {
	if n.Namespace != "" || skipped(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.flush()
		return
	case atom.Td, atom.Th:
		w.line.WriteByte(' ')
	}
	block := blockElements[n.DataAtom]
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
	if block {
		w.flush()
	}
}

// text adds the data of a text node; inside <pre> its newlines end lines.
func (w *textWriter) text(s string) {
	if w.pre == 0 {
		w.line.WriteString(s)
		return
	}
	for i, part := range strings.Split(s, "\n") {
		if i > 0 {
			w.flush()
		}
		w.line.WriteString(part)
	}
}

// flush ends the current line: its whitespace is collapsed and, if any
// text is left, it is added to out within max.
func (w *textWriter) flush() {
	s := collapse(w.line.String())
	w.line.Reset()
	if s == "" || w.full {
		return
	}
	if w.out.Len() > 0 {
		s = "\n" + s
	}
	if w.max > 0 && w.out.Len()+len(s) > w.max {
		s, _ = Truncate(s, w.max-w.out.Len()) // > 0: out.Len() < max while !full
		w.full = true
	}
	w.out.WriteString(s)
}
