package config

import (
	"strings"
	"testing"
)

// TestRedisURL: CLARA_REDIS_URL takes redis:// and rediss:// URLs, is
// empty by default, and a bad one is refused in one line that names the
// variable and never repeats the URL, which may hold a password.
func TestRedisURL(t *testing.T) {
	t.Chdir(t.TempDir()) // no .env here
	for _, v := range []string{"", "redis://127.0.0.1:6379/0", "rediss://user:s3cret@redis.internal:6380/2?dial_timeout=1s"} {
		c, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_REDIS_URL": v})
		if err != nil || c.RedisURL != v {
			t.Errorf("%q: RedisURL %q, err %v", v, c.RedisURL, err)
		}
	}
	for _, v := range []string{"http://:s3cret@host/0", "redis://:s3cret@host:port/0", "redis://:s3cret@host/x", "unix://:s3cret@/tmp/redis.sock"} {
		_, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_REDIS_URL": v})
		if err == nil || !strings.HasPrefix(err.Error(), "CLARA_REDIS_URL: ") || strings.Contains(err.Error(), "s3cret") ||
			strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err = %v, want one line naming CLARA_REDIS_URL without the password", v, err)
		}
	}
}
