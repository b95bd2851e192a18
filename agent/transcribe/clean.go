package transcribe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanText returns s, from the provider, as one line of at most limit
// bytes: invalid UTF-8, control and format characters (such as bidi
// overrides) dropped, runs of white space made one space, and a text cut
// short ending in "…".
func cleanText(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= limit {
		return s
	}
	cut := limit - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
