package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// debianBins is where Debian and Ubuntu install each PostgreSQL version (a
// variable for tests).
var debianBins = "/usr/lib/postgresql/*/bin"

// errNoPostgres says how to get a PostgreSQL for the tests.
var errNoPostgres = errors.New("no PostgreSQL found: looked for initdb, pg_ctl and postgres on PATH and in " +
	debianBins + ". Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; " +
	"the tests start their own throwaway server and need no configuration), " +
	"or set " + EnvURL + " to the URL of a server where the user may create databases, e.g. " +
	EnvURL + "=postgres://postgres:secret@localhost:5432/postgres")

// findBinDir returns the directory holding initdb, pg_ctl and postgres: that
// of the pg_ctl on PATH (symbolic links resolved), else the highest version
// under /usr/lib/postgresql.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && complete(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
	}
	dirs, _ := filepath.Glob(debianBins)
	slices.SortFunc(dirs, func(a, b string) int { return slices.Compare(versionOf(b), versionOf(a)) })
	for _, dir := range dirs {
		if complete(dir) {
			return dir, nil
		}
	}
	return "", errNoPostgres
}

// complete reports whether dir holds the three programs pgtest runs.
func complete(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionOf returns the numbers of the version directory above bin, e.g.
// [9 6] for /usr/lib/postgresql/9.6/bin.
func versionOf(bin string) []int {
	var v []int
	for _, f := range strings.Split(filepath.Base(filepath.Dir(bin)), ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			break
		}
		v = append(v, n)
	}
	return v
}

// serverUser returns whom to run PostgreSQL as: nil (ourselves) unless we are
// root, which PostgreSQL refuses; then the user "nobody" (uid and gid 65534
// when it cannot be looked up).
func serverUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	uid, gid := uint32(65534), uint32(65534)
	if u, err := user.Lookup("nobody"); err == nil {
		if n, err := strconv.ParseUint(u.Uid, 10, 32); err == nil {
			uid = uint32(n)
		}
		if n, err := strconv.ParseUint(u.Gid, 10, 32); err == nil {
			gid = uint32(n)
		}
	}
	if uid == 0 {
		return nil, fmt.Errorf("user nobody has uid 0; cannot run PostgreSQL unprivileged")
	}
	return &syscall.Credential{Uid: uid, Gid: gid}, nil
}
