package pgtest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFindBinDirPicksHighestVersion lays out Debian-style version
// directories and checks that the highest complete one wins.
func TestFindBinDirPicksHighestVersion(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "10", "15", "16"} {
		dir := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		names := []string{"initdb", "pg_ctl", "postgres"}
		if v == "16" {
			names = names[:2] // incomplete: no postgres
		}
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, name), nil, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("PATH", "")
	old := debianBins
	debianBins = filepath.Join(root, "*", "bin")
	t.Cleanup(func() { debianBins = old })

	got, err := findBinDir()
	if want := filepath.Join(root, "15", "bin"); err != nil || got != want {
		t.Fatalf("findBinDir() = %q, %v, want %q", got, err, want)
	}
}

// TestFindBinDirExplainsInstall checks the message when nothing is found.
func TestFindBinDirExplainsInstall(t *testing.T) {
	t.Setenv("PATH", "")
	old := debianBins
	debianBins = filepath.Join(t.TempDir(), "*", "bin")
	t.Cleanup(func() { debianBins = old })

	_, err := findBinDir()
	if !errors.Is(err, errNoPostgres) {
		t.Fatalf("findBinDir() error = %v, want errNoPostgres", err)
	}
	for _, want := range []string{"apt-get install postgresql", EnvURL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	dirs := []string{"/x/9.6/bin", "/x/15/bin", "/x/10/bin", "/x/devel/bin"}
	slices.SortFunc(dirs, func(a, b string) int { return slices.Compare(versionOf(b), versionOf(a)) })
	want := []string{"/x/15/bin", "/x/10/bin", "/x/9.6/bin", "/x/devel/bin"}
	if !slices.Equal(dirs, want) {
		t.Errorf("sorted = %v, want %v", dirs, want)
	}
}
