package transcribe

import (
	"strings"
	"testing"
	"time"
)

func TestTextStamps(t *testing.T) {
	tr := Transcript{Duration: 2 * time.Hour, Segments: []Segment{
		{Start: 0, End: time.Second, Text: "Hello."},
		{Start: 65*time.Second + 900*time.Millisecond, End: 70 * time.Second, Text: "A minute later."},
		{Start: 59*time.Minute + 59*time.Second, End: time.Hour, Text: "Almost an hour."},
		{Start: time.Hour + 2*time.Minute + 3*time.Second, End: 2 * time.Hour, Text: "Past it."},
	}}
	want := "[00:00] Hello.\n[01:05] A minute later.\n[59:59] Almost an hour.\n[01:02:03] Past it.\n"
	if got := tr.Text(); got != want {
		t.Fatalf("Text =\n%s\nwant\n%s", got, want)
	}
	if (Transcript{Duration: time.Minute}).Text() != "" {
		t.Fatal("no segments: want no text")
	}
}

func TestTextIsBounded(t *testing.T) {
	line := strings.Repeat("word ", 199) + "word" // 999 bytes
	var tr Transcript
	for i := range 1000 {
		tr.Segments = append(tr.Segments, Segment{Start: time.Duration(i) * time.Second, Text: line})
	}
	tr.Duration = 1000 * time.Second
	text := tr.Text()
	if len(text) > MaxTextBytes {
		t.Fatalf("Text is %d bytes; want at most %d", len(text), MaxTextBytes)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "[transcript truncated: ") || !strings.Contains(last, "of 1000 segments shown") ||
		!strings.HasSuffix(last, "to 16:40]") {
		t.Fatalf("last line %q; want the truncation mark", last)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasSuffix(l, " word") {
			t.Fatalf("a line was cut: %q", l[max(0, len(l)-40):])
		}
	}
}

func TestCleanText(t *testing.T) {
	cases := map[string]string{
		"  Hello,\r\n\tworld.  ":        "Hello, world.",
		"evil\x00\x1b[31mred\u202ebidi": "evil[31mredbidi",
		"bad \xff\xfe utf8":             "bad utf8",
		"":                              "",
	}
	for in, want := range cases {
		if got := cleanText(in, 100); got != want {
			t.Errorf("cleanText(%q) = %q; want %q", in, got, want)
		}
	}
	if got := cleanText(strings.Repeat("é", 100), 11); got != "éééé…" {
		t.Errorf("cut = %q; want 4 runes and an ellipsis", got)
	}
}
