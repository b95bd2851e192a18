package config

import (
	"strings"
	"testing"

	"github.com/clara-backend/clara/internal/golden"
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
	golden.Section(t, "../README.md", "settings", settingsTable(), "UPDATE_README")
}
