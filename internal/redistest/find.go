package redistest

import (
	"errors"
	"os"
	"os/exec"
)

// serverPaths are where redis-server is looked for when it is not on PATH
// (a variable for tests).
var serverPaths = []string{"/usr/bin/redis-server", "/usr/local/bin/redis-server"}

// errNoServer says how to get a redis-server for the tests.
var errNoServer = errors.New("no redis-server found: looked on PATH and in /usr/bin and /usr/local/bin. " +
	"Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis); " +
	"the tests start their own throwaway server on 127.0.0.1 and need no configuration")

// findServer returns the path of the redis-server program.
func findServer() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	for _, p := range serverPaths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errNoServer
}
