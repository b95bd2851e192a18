package ratelimit

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/redis/go-redis/v9"
)

// NewRedisClient returns a client of the Redis server at rawURL (redis://
// or rediss:// for TLS, as redis.ParseURL reads them: user, password,
// database number, options) set up for the limiter: every command is
// bounded by its context, as the limiter bounds each of its calls; a
// failed command is tried once more at most (unless the URL's max_retries
// says otherwise), a failed dial not at all, since the limiter retries on
// its own. An error never repeats the URL, which may hold a password.
func NewRedisClient(rawURL string) (*redis.Client, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message quotes the whole URL
		}
		return nil, fmt.Errorf("parse Redis URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 1
	}
	opts.DialerRetries = 1
	return redis.NewClient(opts), nil
}
