package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/semver"
)

// releaseOverride, when a release build sets it with
// -ldflags "-X main.releaseOverride=1.2.3", is Clara's release. It must be a
// semantic version: a binary built with anything else says so and exits.
var releaseOverride string

// release returns Clara's release: the override if set, else the version
// Go stamped into the binary (the module's version, from its tag or a
// pseudo-version of its commit, +dirty for uncommitted changes), else a
// development version naming the commit.
func release() string {
	info, _ := debug.ReadBuildInfo()
	v, err := resolveRelease(releaseOverride, info)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clara:", err)
		os.Exit(2)
	}
	return v
}

// resolveRelease is release over an override and build information (nil
// when the binary carries none).
func resolveRelease(override string, info *debug.BuildInfo) (string, error) {
	if override != "" {
		if v := "v" + strings.TrimPrefix(override, "v"); !semver.IsValid(v) || semver.Canonical(v) != strings.SplitN(v, "+", 2)[0] {
			return "", fmt.Errorf("built with release %q, which is not a semantic version such as 1.2.3", override)
		}
		return strings.TrimPrefix(override, "v"), nil
	}
	if info == nil {
		return "0.0.0-devel", nil
	}
	if v := info.Main.Version; semver.IsValid(v) {
		return strings.TrimPrefix(v, "v"), nil
	}
	var revision string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if revision == "" {
		return "0.0.0-devel", nil
	}
	v := "0.0.0-devel+" + revision[:min(12, len(revision))]
	if dirty {
		v += ".dirty"
	}
	return v, nil
}
