package transcribe

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// The defaults and bounds of Options.
const (
	// DefaultBaseURL is OpenAI's public API.
	DefaultBaseURL = "https://api.openai.com/v1/"
	// DefaultModel is used when Options.Model is empty.
	DefaultModel = "whisper-1"
	// DefaultMaxChunkBytes keeps a chunk's WAV file a little under OpenAI's
	// upload limit of 25 MB (26,214,400 bytes), leaving room for the
	// multipart envelope.
	DefaultMaxChunkBytes = 24_000_000
	// DefaultChunkDuration is the longest chunk sent in one request.
	DefaultChunkDuration = 10 * time.Minute
	// DefaultTimeout bounds one request (one chunk).
	DefaultTimeout = 5 * time.Minute
	// DefaultConcurrency is how many chunks are in flight at once.
	DefaultConcurrency = 2
	// MaxResponseBytes bounds the body of any response the provider sends.
	MaxResponseBytes = 4 << 20
	// minChunkDuration is the shortest ChunkDuration taken.
	minChunkDuration = 10 * time.Second
)

// Response formats of the transcription API that the package reads.
const (
	FormatVerboseJSON = "verbose_json" // timed segments
	FormatJSON        = "json"         // {"text": …}
	FormatText        = "text"         // the text, as text/plain
)

// Options configures a Transcriber. The zero value, with an APIKey, speaks
// to OpenAI's whisper-1.
type Options struct {
	// BaseURL is the API root, with /v1 (e.g. http://127.0.0.1:8000/v1);
	// empty: DefaultBaseURL. The OPENAI_* environment is never read.
	BaseURL string
	// APIKey is sent as a bearer token (any value for a local server).
	APIKey string
	// Model is the transcription model; empty: DefaultModel.
	Model string
	// Language, when set, is the audio's language (ISO-639-1, e.g. "en"),
	// a hint that improves accuracy.
	Language string
	// ResponseFormat forces one of FormatVerboseJSON, FormatJSON or
	// FormatText; empty: verbose_json, except for OpenAI's gpt-*
	// transcription models, which only answer json or text. A server that
	// refuses verbose_json is asked again in json, and from then on.
	ResponseFormat string
	// HTTPClient makes the requests; nil: a plain client.
	HTTPClient *http.Client
	// MaxChunkBytes bounds the WAV file of one chunk, header included
	// (though a chunk holds at least a second of audio); 0:
	// DefaultMaxChunkBytes.
	MaxChunkBytes int64
	// ChunkDuration bounds the audio of one chunk, at least 10 s; 0:
	// DefaultChunkDuration.
	ChunkDuration time.Duration
	// Timeout bounds one request; 0: DefaultTimeout.
	Timeout time.Duration
	// Concurrency is how many chunks are transcribed at once; 0:
	// DefaultConcurrency.
	Concurrency int
	// MaxRetries is how many times the client itself retries a chunk after
	// a 408, 429 or 5xx answer or a network failure, with backoff; 0: never,
	// the caller (the task's job) retries.
	MaxRetries int
}

// Transcriber transcribes audio with one provider and model. It is safe
// for concurrent use.
type Transcriber struct {
	opts    Options
	service openai.AudioTranscriptionService
	// noVerbose is set once the server refuses verbose_json.
	noVerbose atomic.Bool
}

// New returns a Transcriber for o, its zero fields set to their defaults.
func New(o Options) *Transcriber {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if !strings.HasSuffix(o.BaseURL, "/") {
		o.BaseURL += "/"
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.MaxChunkBytes <= 0 {
		o.MaxChunkBytes = DefaultMaxChunkBytes
	}
	if o.ChunkDuration <= 0 {
		o.ChunkDuration = DefaultChunkDuration
	}
	o.ChunkDuration = max(o.ChunkDuration, minChunkDuration)
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	o.MaxRetries = max(o.MaxRetries, 0)
	// The service, unlike openai.NewClient, reads no OPENAI_* variable: the
	// environment cannot redirect the audio or add headers to it.
	service := openai.NewAudioTranscriptionService(
		option.WithBaseURL(o.BaseURL),
		option.WithAPIKey(o.APIKey),
		option.WithHTTPClient(o.HTTPClient),
		option.WithMaxRetries(o.MaxRetries),
		option.WithRequestTimeout(o.Timeout),
		option.WithMiddleware(limitBody(MaxResponseBytes)),
	)
	return &Transcriber{opts: o, service: service}
}

// format is the response format asked for first.
func (t *Transcriber) format() string {
	switch {
	case t.opts.ResponseFormat != "":
		return t.opts.ResponseFormat
	case t.noVerbose.Load() || jsonOnly(t.opts.Model):
		return FormatJSON
	}
	return FormatVerboseJSON
}

// jsonOnly reports whether model is one of OpenAI's gpt-* transcription
// models (gpt-4o-transcribe, gpt-4o-mini-transcribe, gpt-transcribe…),
// which answer json or text but not verbose_json.
func jsonOnly(model string) bool {
	m := strings.ToLower(model)
	return strings.HasPrefix(m, "gpt-") && strings.Contains(m, "transcribe")
}
