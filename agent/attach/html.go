package attach

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHTMLDepth is how deep HTMLText descends into the element tree; text
// nested deeper is ignored.
const maxHTMLDepth = 512

// skippedElements hold no readable text: code, styling, embedded objects,
// navigation and page furniture.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Nav: true, atom.Footer: true,
	atom.Aside: true, atom.Head: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Button: true, atom.Select: true,
	atom.Datalist: true, atom.Dialog: true,
}

// skippedRoles are ARIA landmark roles of page furniture.
var skippedRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "menu": true, "menubar": true, "dialog": true, "alert": true,
}

// blockElements start and end a line of text.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Blockquote: true, atom.Body: true,
	atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hgroup: true, atom.Hr: true, atom.Html: true, atom.Legend: true,
	atom.Li: true, atom.Main: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Thead: true, atom.Tfoot: true, atom.Tr: true, atom.Ul: true,
}

// HTMLText returns the title and the readable text of the HTML document
// read from r. Entities are decoded; scripts, styles, noscript, templates,
// SVG, navigation, page headers, footers, asides and hidden elements
// (hidden, aria-hidden="true", display:none, visibility:hidden) are
// skipped; a header inside an article or main is kept. Headings,
// paragraphs, list items and other blocks become separate lines, with
// whitespace collapsed. The title is that of <title>, else the first <h1>.
// maxBytes caps the text, cut at a character boundary (<= 0: no cap); the
// caller bounds what r yields.
func HTMLText(r io.Reader, maxBytes int) (title, text string, err error) {
	doc, err := html.Parse(r)
	if err != nil {
		return "", "", fmt.Errorf("parse HTML: %w", err)
	}
	w := textWriter{max: maxBytes}
	w.walk(doc, 0)
	w.flush()
	return docTitle(doc), w.out.String(), nil
}

// docTitle returns the collapsed text of the first <title>, else of the
// first <h1>, else "".
func docTitle(doc *html.Node) string {
	for _, a := range []atom.Atom{atom.Title, atom.H1} {
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.DataAtom == a && !insideSkipped(n) {
				if t := collapse(textContent(n)); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

// insideSkipped reports whether n is within code or a hidden element
// (the page head, which holds <title>, does not count).
func insideSkipped(n *html.Node) bool {
	for p := range n.Ancestors() {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.DataAtom {
		case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Svg:
			return true
		}
		if hidden(p) {
			return true
		}
	}
	return false
}

// textContent returns the concatenated text nodes under n.
func textContent(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// collapse trims s and turns every run of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// hidden reports whether element n is hidden by attribute or inline style.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		v := strings.ToLower(strings.TrimSpace(a.Val))
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if v == "true" {
				return true
			}
		case "type":
			if n.DataAtom == atom.Input && v == "hidden" {
				return true
			}
		case "style":
			s := strings.Join(strings.Fields(v), "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// skipped reports whether element n and its subtree hold no readable text.
func skipped(n *html.Node) bool {
	if skippedElements[n.DataAtom] || hidden(n) {
		return true
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, "role") && skippedRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
			return true
		}
	}
	if n.DataAtom == atom.Header {
		for p := range n.Ancestors() {
			if p.Type == html.ElementNode && (p.DataAtom == atom.Article || p.DataAtom == atom.Main) {
				return false
			}
		}
		return true
	}
	return false
}
