package config

import (
	"regexp"
	"strings"
	"testing"

	"github.com/joho/godotenv"

	"github.com/clara-backend/clara/internal/golden"
)

// envExampleHeader opens .env.example.
const envExampleHeader = `# Every setting of Clara with its default, commented out. Copy this file to .env and
# uncomment what you change: clara reads .env from its working directory (or the file
# that CLARA_ENV_FILE or --env-file names); CLARA_* environment variables and flags
# override it. Secrets have no flag, so they never show in ps.
#
# Generated from config.Settings(); UPDATE_ENV_EXAMPLE=1 go test ./config/ rewrites it.
`

// envExample renders Settings as .env.example: each setting's usage as a
// comment, then the setting with its default, commented out.
func envExample() string {
	var b strings.Builder
	b.WriteString(envExampleHeader)
	for _, s := range Settings() {
		usage := s.Usage
		if s.Secret {
			usage += " (secret)"
		} else if s.Flag != "" {
			usage += " (flag --" + s.Flag + ")"
		}
		b.WriteString("\n")
		for _, line := range wrapWords(usage, 88) {
			b.WriteString("# " + line + "\n")
		}
		b.WriteString("# " + s.Env + "=" + dotenvValue(s.Default) + "\n")
	}
	return b.String()
}

// wrapWords breaks text into lines of at most width characters, at spaces (a
// longer word stands alone).
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "", line == "#":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// dotenvValue writes v so that a .env file reads it back unchanged: bare
// when it is plain, else in single quotes (which expand nothing).
func dotenvValue(v string) string {
	plain := strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:/@,+=*%~", r))
	}) < 0
	if plain {
		return v
	}
	return "'" + v + "'"
}

// TestEnvExampleListsEverySetting keeps .env.example in step with the code;
// UPDATE_ENV_EXAMPLE=1 rewrites it.
func TestEnvExampleListsEverySetting(t *testing.T) {
	golden.File(t, "../.env.example", envExample(), "UPDATE_ENV_EXAMPLE")
}

// TestEnvExampleUncommentedGivesTheDefaults proves the file's lines are
// valid .env lines: uncommented, each reads back as its setting's default.
func TestEnvExampleUncommentedGivesTheDefaults(t *testing.T) {
	var b strings.Builder
	for _, line := range strings.Split(envExample(), "\n") {
		switch {
		case line == "", line == "#":
		case !strings.HasPrefix(line, "# "):
			t.Errorf("a line that is not a comment: %q", line)
		case settingLine.MatchString(line):
			b.WriteString(strings.TrimPrefix(line, "# ") + "\n")
		}
	}
	got, err := godotenv.Unmarshal(b.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if v, ok := got[s.Env]; !ok || v != s.Default {
			t.Errorf("%s reads back as %q (present %v), want %q", s.Env, v, ok, s.Default)
		}
	}
	if len(got) != len(Settings()) {
		t.Errorf("%d settings read back, want %d", len(got), len(Settings()))
	}
}

// settingLine is a commented-out setting of .env.example.
var settingLine = regexp.MustCompile(`^# CLARA_[A-Z0-9_]+=`)
