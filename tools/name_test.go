package tools

import (
	"regexp"
	"strings"
	"testing"
)

// validName says what namePattern says.
func TestValidNameMatchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(namePattern)
	names := []string{"", "a", "view_user", "View_user", "view-user", "view.user", "0", "_", "é", "a b",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "analyze\n", "\x00"}
	for _, name := range names {
		if got, want := validName(name), pattern.MatchString(name); got != want {
			t.Errorf("validName(%q) = %v, the pattern says %v", name, got, want)
		}
	}
}
