package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// pgCluster is a throwaway PostgreSQL cluster on 127.0.0.1, run as
// "nobody" when this process is root (PostgreSQL refuses root).
type pgCluster struct {
	dir  string
	cred *syscall.Credential
	URL  string
}

// startPG initialises and starts a cluster in a new temporary directory,
// with trust authentication and durability off, listening on a free port
// of 127.0.0.1.
func startPG() (*pgCluster, error) {
	if err := findPG(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "clara-bench-pg-*")
	if err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	c := &pgCluster{dir: dir}
	if os.Geteuid() == 0 {
		c.cred = nobody()
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("hand cluster dir to nobody: %w", err)
		}
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("split %s: %w", addr, err)
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "--auth=trust", "--no-sync", "-U", "postgres", "-E", "UTF8", "--no-locale"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories='" + dir + "'" +
		" -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		c.stop()
		return nil, fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	c.URL = "postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable"
	return c, nil
}

// findPG makes sure initdb and pg_ctl are on PATH: when they are not, it
// adds the newest /usr/lib/postgresql/*/bin that holds them (Debian's
// layout) to the front of PATH.
func findPG() error {
	if _, err := exec.LookPath("initdb"); err == nil {
		return nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return errors.New("no PostgreSQL: initdb is neither on PATH nor under /usr/lib/postgresql/*/bin")
	}
	slices.SortFunc(found, func(a, b string) int { return versionOf(a) - versionOf(b) })
	dir := filepath.Dir(found[len(found)-1])
	if err := os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH")); err != nil {
		return fmt.Errorf("add %s to PATH: %w", dir, err)
	}
	return nil
}

// versionOf returns the major version in a path
// /usr/lib/postgresql/<version>/bin/initdb, or 0.
func versionOf(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// stop stops the cluster at once and removes its directory.
func (c *pgCluster) stop() {
	if _, err := os.Stat(filepath.Join(c.dir, "data", "postmaster.pid")); err == nil {
		_, _ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(c.dir)
}

// run runs a PostgreSQL program as the cluster's user.
func (c *pgCluster) run(program string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir, "LC_ALL=C", "TZ=UTC"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// nobody returns the credential of the user nobody (65534 if unknown).
func nobody() *syscall.Credential {
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	if u, err := user.Lookup("nobody"); err == nil {
		if n, err := strconv.ParseUint(u.Uid, 10, 32); err == nil && n != 0 {
			cred.Uid = uint32(n)
		}
		if n, err := strconv.ParseUint(u.Gid, 10, 32); err == nil {
			cred.Gid = uint32(n)
		}
	}
	return cred
}
