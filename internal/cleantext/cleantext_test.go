package cleantext

import (
	"encoding/json"
	"testing"
)

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"":               true,
		"Ada Lovelace":   true,
		"Zoë 🚀":          true,
		"a\x00b":         false,
		"\xff":           false,
		"caf\xc3":        false, // a truncated sequence
		"\xed\xa0\x80":   false, // a UTF-16 surrogate
		"line\nbreak\t!": true,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %t, want %t", s, got, want)
		}
	}
}

func TestFindJSON(t *testing.T) {
	cases := []struct {
		doc  string
		path string
		bad  bool
	}{
		{`{"first_name":"Ada","n":1e999,"deep":[[[{"x":"y"}]]]}`, "", false},
		{`{"first_name":"A\u0000da"}`, "first_name", true},
		{`{"attachments":[{"name":"a"},{"name":"b\u0000"}]}`, "attachments[1].name", true},
		{`{"a\u0000":"x"}`, `"a\x00"`, true},
		{"{\"first_name\":\"\xff\"}", "", true},
		{`["x","\u0000"]`, "[1]", true},
		{`"\u0000"`, "", true},
		{`{"truncated":`, "", false},   // left to the caller's decoder
		{`{"a":"\\u0000"}`, "", false}, // an escaped backslash, not a NUL
	}
	for _, tc := range cases {
		path, bad := FindJSON([]byte(tc.doc), "")
		if path != tc.path || bad != tc.bad {
			t.Errorf("FindJSON(%s) = %q, %t; want %q, %t", tc.doc, path, bad, tc.path, tc.bad)
		}
	}
}

func TestFindPrefixAndRawMessage(t *testing.T) {
	v := map[string]any{"args": json.RawMessage(`{"q":"\u0000"}`)}
	if path, bad := Find(v, "arguments"); !bad || path != "arguments.args.q" {
		t.Errorf("Find = %q, %t", path, bad)
	}
}
