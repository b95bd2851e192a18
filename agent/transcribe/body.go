package transcribe

import (
	"io"
	"net/http"

	"github.com/openai/openai-go/v3/option"
)

// limitBody is a middleware of the SDK that bounds every response body to
// limit bytes: reading past it fails with errTooLarge, whatever the
// status, so that a hostile server cannot make the SDK read without end.
func limitBody(limit int64) option.Middleware {
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		res, err := next(req)
		if res != nil && res.Body != nil {
			res.Body = &limitedBody{rc: res.Body, left: limit}
		}
		return res, err
	}
}

// limitedBody is a response body that fails past its limit.
type limitedBody struct {
	rc   io.ReadCloser
	left int64 // bytes still allowed; -1 once over
}

// Read reads at most one byte past the limit, to know that it was passed.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// Close closes the body.
func (b *limitedBody) Close() error { return b.rc.Close() }
