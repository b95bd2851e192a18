package transcribetest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Reply is one scripted answer of the fake. Build it with Segments, Text,
// Status, Error, Raw or Oversized; the zero Reply is the default answer.
type Reply struct {
	// Segments are the transcription, rendered in the format asked for;
	// nil: one segment per 30 s of the audio received.
	Segments []Segment
	// Language is verbose_json's language; "": "english".
	Language string
	// Status, when not 0, is the HTTP status answered (with Message, an
	// OpenAI error body, unless Body is set); a 429 comes with
	// Retry-After: 0.
	Status  int
	Message string
	Param   string
	// Body, when set, is answered as it is, of ContentType.
	Body        []byte
	ContentType string
	// Hang, when set, answers nothing: the request waits until the client
	// gives up (or the fake closes).
	Hang bool
}

// Segment is a scripted segment; its times are from the start of the audio
// of the request.
type Segment struct {
	Start, End time.Duration
	Text       string
}

// DefaultSegment is the length of the default segments.
const DefaultSegment = 30 * time.Second

// Segments answers segs; none is the answer to silence.
func Segments(segs ...Segment) Reply { return Reply{Segments: append([]Segment{}, segs...)} }

// Text answers text as one segment spanning the first second.
func Text(text string) Reply { return Segments(Segment{End: time.Second, Text: text}) }

// Status answers an HTTP error: 429, 500 and 503 are what OpenAI sends when
// a retry may succeed, 400 and 401 when it may not.
func Status(code int) Reply { return Reply{Status: code} }

// Error answers an HTTP error with OpenAI's error body of message, blaming
// param ("" for none).
func Error(code int, param, message string) Reply {
	return Reply{Status: code, Param: param, Message: message}
}

// Raw answers body as it is, with status and contentType.
func Raw(status int, contentType, body string) Reply {
	return Reply{Status: status, ContentType: contentType, Body: []byte(body)}
}

// Hang answers nothing until the client gives up: a provider that does
// not answer in time.
func Hang() Reply { return Reply{Hang: true} }

// Oversized answers a valid json transcription of more than n bytes.
func Oversized(n int) Reply {
	return Raw(http.StatusOK, "application/json", `{"text":"`+strings.Repeat("a", n)+`"}`)
}

// status is the HTTP status of r.
func (r Reply) status() int {
	if r.Status != 0 {
		return r.Status
	}
	return http.StatusOK
}

// segments returns r's segments, or the default ones for audio of d.
func (r Reply) segments(d time.Duration) []Segment {
	if r.Segments != nil {
		return r.Segments
	}
	var segs []Segment
	for start, k := time.Duration(0), 1; start < d; start, k = start+DefaultSegment, k+1 {
		end := min(start+DefaultSegment, d)
		segs = append(segs, Segment{Start: start, End: end, Text: "fake segment " + strconv.Itoa(k)})
	}
	return segs
}
