package redistest

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// client returns a client of url, closed when t ends.
func client(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.MaxRetries, opts.ContextTimeoutEnabled = -1, true
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestNewURLIsolatesTests: parallel tests each get a database of their
// own on one shared server, emptied when they end.
func TestNewURLIsolatesTests(t *testing.T) {
	var mu sync.Mutex
	urls := map[string]bool{}
	t.Run("group", func(t *testing.T) {
		for range 8 {
			t.Run("db", func(t *testing.T) {
				t.Parallel()
				url := NewURL(t)
				mu.Lock()
				if urls[url] {
					t.Errorf("%s handed out twice at once", url)
				}
				urls[url] = true
				mu.Unlock()
				t.Cleanup(func() { mu.Lock(); delete(urls, url); mu.Unlock() })
				c := client(t, url)
				ctx := context.Background()
				if n, err := c.DBSize(ctx).Result(); err != nil || n != 0 {
					t.Fatalf("a new database holds %d keys (err %v), want none", n, err)
				}
				if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
	// Databases given back are empty and handed out again.
	c := client(t, NewURL(t))
	if n, err := c.DBSize(context.Background()).Result(); err != nil || n != 0 {
		t.Fatalf("a reused database holds %d keys (err %v), want none", n, err)
	}
}

// TestServerKillPauseRestart: a test's own server can be killed,
// restarted on its port, paused and resumed, and is gone with its
// directory once the test ends.
func TestServerKillPauseRestart(t *testing.T) {
	var s *Server
	t.Run("life", func(t *testing.T) {
		s = Start(t)
		c := client(t, s.URL())
		ctx := context.Background()
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatalf("PING: %v", err)
		}
		if strings.Split(s.Addr(), ":")[0] != "127.0.0.1" {
			t.Errorf("address %s is not on 127.0.0.1", s.Addr())
		}
		var persistence []string
		for _, name := range []string{"save", "appendonly", "protected-mode", "bind"} {
			v, err := c.ConfigGet(ctx, name).Result()
			if err != nil {
				t.Fatal(err)
			}
			persistence = append(persistence, name+"="+v[name])
		}
		if got, want := strings.Join(persistence, " "), "save= appendonly=no protected-mode=yes bind=127.0.0.1"; got != want {
			t.Errorf("configuration %q, want %q", got, want)
		}

		s.Kill(t)
		if err := c.Ping(ctx).Err(); err == nil {
			t.Fatal("a killed server answered PING")
		}
		s.Restart(t)
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatalf("PING after restart: %v", err)
		}

		s.Pause(t)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if err := c.Ping(short).Err(); err == nil {
			t.Fatal("a paused server answered PING")
		}
		s.Resume(t)
	})
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server directory left behind: %v", err)
	}
	if ping(s.Addr()) {
		t.Error("the server still answers after its test ended")
	}
}

// TestWatchdogStopsTheServerOfADeadProcess: when the process that started
// a server dies without cleaning up, the watchdog kills the server and
// deletes its directory.
func TestWatchdogStopsTheServerOfADeadProcess(t *testing.T) {
	s, err := start(1)
	if err != nil {
		t.Fatal(err)
	}
	// Stand in for the death of this process: its end of the pipe closes.
	if err := s.lifeline.Close(); err != nil {
		t.Fatal(err)
	}
	_ = s.watchdog.Wait()
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the watchdog left the server running")
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server directory left behind: %v", err)
	}
}

// TestMissingServerSaysHowToInstall: without redis-server the error names
// the package to install.
func TestMissingServerSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := serverPaths
	serverPaths = []string{"/nonexistent/redis-server"}
	t.Cleanup(func() { serverPaths = old })
	_, err := findServer()
	if !errors.Is(err, errNoServer) || !strings.Contains(err.Error(), "apt-get install redis-server") {
		t.Fatalf("err = %v, want the install hint", err)
	}
}
