package mcpserve

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/clientaddr"
)

// The default caps of anonymous SSE streams (opened without
// Authorization), which cost their opener nothing but hold a connection and
// a goroutine each on the server.
const (
	// DefaultSSEAnonymousPerAddress is how many anonymous streams one
	// client address may hold open at once.
	DefaultSSEAnonymousPerAddress = 8
	// DefaultSSEAnonymousTotal is how many anonymous streams the process
	// holds open at once, from all addresses together.
	DefaultSSEAnonymousTotal = 512
)

// sseRetryAfter is the Retry-After, in seconds, of a stream refused for
// want of room: streams last minutes, not seconds.
const sseRetryAfter = 60

// sseSessions knows who opened each legacy SSE stream of this process, so
// that only its opener may post messages into it, and counts the anonymous
// streams per client address and in total, to cap them.
type sseSessions struct {
	trustProxy       bool
	perAddress, most int

	mu        sync.Mutex
	owners    map[string][sha256.Size]byte // session id → digest of the opener's credentials
	byAddress map[string]int               // client address → open anonymous streams
	anonymous int                          // open anonymous streams in all
}

// newSSESessions returns the registry of the SSE streams of one process;
// caps of 0 or less take the defaults.
func newSSESessions(trustProxy bool, perAddress, most int) *sseSessions {
	if perAddress <= 0 {
		perAddress = DefaultSSEAnonymousPerAddress
	}
	if most <= 0 {
		most = DefaultSSEAnonymousTotal
	}
	return &sseSessions{
		trustProxy: trustProxy, perAddress: perAddress, most: most,
		owners: map[string][sha256.Size]byte{}, byAddress: map[string]int{},
	}
}

// sseSessionKey carries the id of a stream being opened to sessionID.
type sseSessionKey struct{}

// errNoSessionID is sessionID's error outside open: a programming error.
var errNoSessionID = errors.New("mcpserve: SSE stream opened outside sseSessions.open")

// sessionID is mcp-go's session id generator: it returns the id open chose
// for the stream (and recorded the opener of).
func (*sseSessions) sessionID(ctx context.Context, _ *http.Request) (string, error) {
	id, ok := ctx.Value(sseSessionKey{}).(string)
	if !ok {
		return "", errNoSessionID
	}
	return id, nil
}

// opener returns the digest of the credentials a request carries: its
// Authorization and User-Id headers. Only a digest is kept, never a token.
func opener(r *http.Request) [sha256.Size]byte {
	return sha256.Sum256([]byte(r.Header.Get("Authorization") + "\n" + r.Header.Get(UserIDHeader)))
}

// open serves GET /sse: it refuses an anonymous stream over the caps, with
// 429 when the client's address holds its share and 503 when the process
// holds its total (both with Retry-After); otherwise it records the
// stream's opener under a new session id and serves the stream with next,
// forgetting both once it ends.
func (s *sseSessions) open(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r) // mcp-go answers 405
			return
		}
		t, ok := s.enter(w, r)
		if !ok {
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sseSessionKey{}, t.id))
		if detach(w, r, next, func() { s.leave(t) }) {
			return
		}
		defer s.leave(t)
		next.ServeHTTP(w, r)
	})
}

// sseTicket is an open stream's place: its session id and, for an
// anonymous stream, the client address whose share it takes.
type sseTicket struct {
	id, addr  string
	anonymous bool
}

// enter admits the stream r opens, or answers r with the refusal and
// returns false. It is apart from open so that its work does not stay on
// the stack under the stream, for as long as the stream is open.
func (s *sseSessions) enter(w http.ResponseWriter, r *http.Request) (sseTicket, bool) {
	var t sseTicket
	if r.Header.Get("Authorization") == "" {
		t.addr, t.anonymous = clientaddr.Of(r, s.trustProxy), true
		if status := s.admit(t.addr); status != 0 {
			w.Header().Set("Retry-After", strconv.Itoa(sseRetryAfter))
			message := core.MsgRateLimited
			if status == http.StatusServiceUnavailable {
				message = core.MsgUnavailable
			}
			writeRPCError(w, status, mcp.INVALID_REQUEST, message)
			return t, false
		}
	}
	t.id = rand.Text()
	s.mu.Lock()
	s.owners[t.id] = opener(r)
	s.mu.Unlock()
	return t, true
}

// leave frees the place of a stream that enter admitted.
func (s *sseSessions) leave(t sseTicket) {
	s.mu.Lock()
	delete(s.owners, t.id)
	s.mu.Unlock()
	if t.anonymous {
		s.release(t.addr)
	}
}

// admit takes a place for an anonymous stream of addr, or returns the
// status of the refusal: 429 over the address's share, 503 over the total.
func (s *sseSessions) admit(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.byAddress[addr] >= s.perAddress:
		return http.StatusTooManyRequests
	case s.anonymous >= s.most:
		return http.StatusServiceUnavailable
	}
	s.byAddress[addr]++
	s.anonymous++
	return 0
}

// release gives back the place of an anonymous stream of addr.
func (s *sseSessions) release(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anonymous--
	if s.byAddress[addr]--; s.byAddress[addr] <= 0 {
		delete(s.byAddress, addr)
	}
}

// ownOnly guards POST /message?sessionId=…: a message for a stream of this
// process must carry the credentials the stream was opened with (compared
// in constant time), else it is refused before mcp-go sees it, so nothing
// is run and nothing is pushed into the stream: 401 with the challenge c
// when the message has no Authorization, 403 when it has other
// credentials. Messages for unknown sessions go on to mcp-go, which
// refuses them.
func (s *sseSessions) ownOnly(next http.Handler, c challenge) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		owner, known := s.owners[r.URL.Query().Get("sessionId")]
		s.mu.Unlock()
		if known {
			caller := opener(r)
			if subtle.ConstantTimeCompare(owner[:], caller[:]) != 1 {
				if r.Header.Get("Authorization") == "" {
					c.refuse(w, r)
					return
				}
				writeRPCError(w, http.StatusForbidden, mcp.INVALID_REQUEST, core.MsgForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
