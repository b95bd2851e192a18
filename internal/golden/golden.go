// Package golden keeps generated text in checked-in files in step with the
// code that generates it: a test compares, and rewrites the file when the
// update variable is set.
//
//	golden.Section(t, "../README.md", "settings", table, "UPDATE_README")
//
// Only tests import it.
package golden

import (
	"os"
	"strings"
	"testing"
)

// File compares the file at path with want. When they differ it rewrites
// the file if the environment variable update is set, else fails.
func File(t testing.TB, path, want, update string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil && !(os.IsNotExist(err) && os.Getenv(update) != "") {
		t.Fatal(err)
	}
	if string(got) == want {
		return
	}
	if os.Getenv(update) != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s is stale; run %s=1 go test -run '^%s$' to rewrite it\nwant:\n%s", path, update, t.Name(), want)
}

// Section compares the text of the file at path between the lines
// "<!-- name:begin -->" and "<!-- name:end -->" with want. When they
// differ it rewrites that text if the environment variable update is set,
// else fails.
func Section(t testing.TB, path, name, want, update string) {
	t.Helper()
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	if text[i+len(begin):j] == want {
		return
	}
	if os.Getenv(update) != "" {
		text = text[:i+len(begin)] + want + text[j:]
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s: the %s section is stale; run %s=1 go test -run '^%s$' to rewrite it\nwant:\n%s", path, name, update, t.Name(), want)
}
