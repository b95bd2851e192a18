package config

import (
	"os"
	"strings"
	"testing"
)

// settingsTable renders Settings as the README's Markdown table.
func settingsTable() string {
	var b strings.Builder
	b.WriteString("| Variable | Flag | Default | Meaning |\n|---|---|---|---|\n")
	for _, s := range Settings() {
		flag, def := "—", "—"
		if s.Flag != "" {
			flag = "`--" + s.Flag + "`"
		}
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		usage := strings.ReplaceAll(s.Usage, "|", `\|`)
		if s.Secret {
			usage += " (secret)"
		}
		b.WriteString("| `" + s.Env + "` | " + flag + " | " + def + " | " + usage + " |\n")
	}
	return b.String()
}

// TestREADMEListsEverySetting keeps the README's configuration table in step
// with the code; UPDATE_README=1 rewrites it.
func TestREADMEListsEverySetting(t *testing.T) {
	const path, begin, end = "../README.md", "<!-- settings:begin -->\n", "<!-- settings:end -->"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README lacks the %q … %q markers", begin, end)
	}
	want := settingsTable()
	if readme[i+len(begin):j] == want {
		return
	}
	if os.Getenv("UPDATE_README") != "" {
		readme = readme[:i+len(begin)] + want + readme[j:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README configuration table is stale; run UPDATE_README=1 go test ./config/\nwant:\n%s", want)
}
