package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// dirPrefix starts the name of every cluster directory pgtest creates.
const dirPrefix = "clara-pgtest-"

// cluster is a throwaway PostgreSQL cluster. Its directory holds the Unix
// socket, the "owner" file (the test binary's pid), the log and data/.
type cluster struct {
	bin      string              // directory of initdb, pg_ctl and postgres
	dir      string              // private directory, also the socket directory
	cred     *syscall.Credential // whom the server runs as; nil for ourselves
	watchdog *exec.Cmd           // stops the server if this process dies
	lifeline *os.File            // watchdog's stdin; closing it stops the server
}

// startCluster initialises and starts a cluster in a new private directory.
func startCluster(ctx context.Context) (*cluster, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverUser()
	if err != nil {
		return nil, err
	}
	base := tempBase(cred != nil)
	removeStale(ctx, base, bin, cred)
	dir, err := os.MkdirTemp(base, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	c := &cluster{bin: bin, dir: dir, cred: cred}
	if err := c.start(ctx); err != nil {
		return nil, errors.Join(err, c.stop(ctx))
	}
	return c, nil
}

// start writes the owner file, starts the watchdog, runs initdb, then starts
// the server.
func (c *cluster) start(ctx context.Context) error {
	owner := filepath.Join(c.dir, "owner")
	if err := os.WriteFile(owner, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return fmt.Errorf("write owner file: %w", err)
	}
	if c.cred != nil {
		for _, p := range []string{c.dir, owner} {
			if err := os.Chown(p, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return fmt.Errorf("hand %s to uid %d: %w", p, c.cred.Uid, err)
			}
		}
	}
	if err := c.startWatchdog(); err != nil {
		return err
	}
	if out, err := c.run(ctx, "initdb", "-D", c.data(), "--auth=trust", "--no-sync",
		"-U", "postgres", "-E", "UTF8", "--no-locale"); err != nil {
		return fmt.Errorf("initdb: %w\n%s%s", err, out, c.userHint())
	}
	// Durability is pointless here; minimal WAL makes CREATE DATABASE about
	// five times faster.
	opts := "-c listen_addresses='' -c unix_socket_directories='" + c.dir + "'" +
		" -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" +
		" -c wal_level=minimal -c max_wal_senders=0"
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", c.log(), "-w", "-t", "120",
		"-o", opts, "start"); err != nil {
		logText, _ := os.ReadFile(c.log())
		return fmt.Errorf("pg_ctl start: %w\n%s\nserver log:\n%s", err, out, logText)
	}
	return nil
}

// startWatchdog starts a shell, in its own process group so that a terminal's
// Ctrl-C does not reach it, that waits for end of file on its stdin, then
// stops the server and deletes the directory. Only this process holds the
// other end of that pipe, so the server goes away however this process ends,
// even by SIGKILL or a test timeout.
func (c *cluster) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	defer r.Close()
	const script = `read -r line; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1; rm -rf "$3"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog",
		filepath.Join(c.bin, "pg_ctl"), c.data(), c.dir)
	cmd.Stdin = r
	cmd.Dir = c.dir
	cmd.Env = c.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	if err := cmd.Start(); err != nil {
		_ = w.Close()
		return fmt.Errorf("start watchdog: %w", err)
	}
	c.watchdog, c.lifeline = cmd, w
	return nil
}

// stop stops the server and deletes the directory: the watchdog does it when
// its stdin closes; pg_ctl and RemoveAll here cover a watchdog that is gone.
func (c *cluster) stop(ctx context.Context) error {
	var errs []error
	if c.watchdog != nil {
		_ = c.lifeline.Close()
		_ = c.watchdog.Wait() // its status says nothing useful
	}
	if _, err := os.Stat(filepath.Join(c.data(), "postmaster.pid")); err == nil {
		if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, out))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove cluster directory: %w", err))
	}
	return errors.Join(errs...)
}

// run runs one of the PostgreSQL programs as the server's user and returns
// its output.
func (c *cluster) run(ctx context.Context, program string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, program), args...)
	cmd.Dir = c.dir
	cmd.Env = c.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.WaitDelay = 10 * time.Second // never hang on a pipe a server inherited
	return cmd.CombinedOutput()
}

// env is the environment of the PostgreSQL programs: C messages and UTC.
func (c *cluster) env() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir, "LC_ALL=C", "TZ=UTC"}
}

// userHint explains a failure of the unprivileged server user.
func (c *cluster) userHint() string {
	if c.cred == nil {
		return ""
	}
	return fmt.Sprintf("(pgtest runs PostgreSQL as uid %d because PostgreSQL refuses to run as root; "+
		"its programs in %s and the directory %s must be usable by that user)", c.cred.Uid, c.bin, c.dir)
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }
func (c *cluster) log() string  { return filepath.Join(c.dir, "server.log") }

// tempBase returns the directory to create cluster directories in: the
// system's temporary directory, unless its path is too long for a Unix socket
// path (about 107 bytes) or, when the server runs as another user, that user
// could not enter it.
func tempBase(otherUser bool) string {
	base := os.TempDir()
	if len(base) > 60 {
		return "/tmp"
	}
	if otherUser {
		if st, err := os.Stat(base); err != nil || st.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
	}
	return base
}
