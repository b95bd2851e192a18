package attach

import (
	"strings"
	"testing"
)

const noisyPage = `<!DOCTYPE html>
<html><head>
<title>  Moon   landing &amp; facts </title>
<style>body { color: red }</style>
<script>var tracking = "NOISE";</script>
</head>
<body>
<header><a href="/">Site NOISE</a></header>
<nav><ul><li>Home NOISE</li><li>About NOISE</li></ul></nav>
<div role="navigation">Menu NOISE</div>
<main>
<article>
<header><h1>The   Moon landing</h1><p class="byline">By A. Writer</p></header>
<p>Apollo&nbsp;11 landed on
  the Moon in <b>1969</b>.</p>
<h2>Details</h2>
<ul><li>Crew: three</li><li>Lander: Eagle</li></ul>
<p hidden>Hidden NOISE</p>
<p style="display: none">Invisible NOISE</p>
<span aria-hidden="true">Aria NOISE</span>
<noscript>Enable JS NOISE</noscript>
<template><p>Template NOISE</p></template>
<svg><text>SVG NOISE</text></svg>
<p>First line<br>Second line</p>
<pre>code  line 1
code line 2</pre>
<table><tr><td>a</td><td>b</td></tr></table>
</article>
<aside>Related NOISE</aside>
</main>
<footer>Copyright NOISE</footer>
<script>console.log("NOISE")</script>
</body></html>`

func TestHTMLText(t *testing.T) {
	title, text, err := HTMLText(strings.NewReader(noisyPage), 0)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Moon landing & facts" {
		t.Errorf("title = %q", title)
	}
	want := strings.Join([]string{
		"The Moon landing",
		"By A. Writer",
		"Apollo 11 landed on the Moon in 1969.",
		"Details",
		"Crew: three",
		"Lander: Eagle",
		"First line",
		"Second line",
		"code line 1",
		"code line 2",
		"a b",
	}, "\n")
	if text != want {
		t.Errorf("text =\n%s\nwant\n%s", text, want)
	}
	if strings.Contains(text, "NOISE") {
		t.Error("noise in text")
	}
}

func TestHTMLTitleFromH1(t *testing.T) {
	title, text, err := HTMLText(strings.NewReader("<h1>Head <i>line</i></h1><p>x</p>"), 0)
	if err != nil || title != "Head line" || text != "Head line\nx" {
		t.Errorf("= %q, %q, %v", title, text, err)
	}
}

func TestHTMLTextCap(t *testing.T) {
	page := "<p>" + strings.Repeat("ü", 100) + "</p><p>more</p>"
	_, text, err := HTMLText(strings.NewReader(page), 11)
	if err != nil || text != strings.Repeat("ü", 5) {
		t.Errorf("= %q, %v", text, err)
	}
}
