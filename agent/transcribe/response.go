package transcribe

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"slices"
	"strings"
	"time"
)

// Bounds of the text taken from a response.
const (
	maxSegmentText  = 64 << 10
	maxLanguageText = 32
)

// chunkResult is the transcription of a chunk, its times from the chunk's
// start.
type chunkResult struct {
	language string
	segments []Segment
}

// answer is a json or verbose_json response, with what the package reads.
type answer struct {
	Text      *string `json:"text"`
	Language  string  `json:"language"`
	Languages []struct {
		Code string `json:"code"`
	} `json:"languages"`
	Segments []struct {
		Start *float64 `json:"start"`
		End   *float64 `json:"end"`
		Text  string   `json:"text"`
	} `json:"segments"`
}

// parseResponse reads the body of a 2xx answer of contentType to a chunk
// of d. JSON must be a transcription object; text/plain (or no type) is the
// text itself. Segment times must be numbers, start ≥ 0 and end ≥ start;
// they are clamped to the chunk.
func parseResponse(body []byte, contentType string, d time.Duration) (chunkResult, error) {
	media, _, _ := mime.ParseMediaType(contentType)
	switch {
	case media == "application/json" || strings.HasSuffix(media, "+json"):
		return parseJSON(body, d)
	case media == "text/plain" || contentType == "":
		return wholeChunk(string(body), "", d), nil
	}
	return chunkResult{}, fmt.Errorf("invalid response: unexpected content type %q", cleanText(contentType, 100))
}

// parseJSON reads a json or verbose_json answer.
func parseJSON(body []byte, d time.Duration) (chunkResult, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return chunkResult{}, fmt.Errorf("invalid response: not a transcription object: %w", err)
	}
	if a.Text == nil && a.Segments == nil {
		return chunkResult{}, errors.New("invalid response: neither text nor segments")
	}
	lang := a.Language
	if lang == "" && len(a.Languages) > 0 {
		lang = a.Languages[0].Code
	}
	lang = cleanText(lang, maxLanguageText)
	if len(a.Segments) == 0 {
		text := ""
		if a.Text != nil {
			text = *a.Text
		}
		return wholeChunk(text, lang, d), nil
	}
	r := chunkResult{language: lang}
	for i, s := range a.Segments {
		if s.Start == nil || s.End == nil {
			return chunkResult{}, fmt.Errorf("invalid response: segment %d has no start or end", i)
		}
		if *s.Start < 0 || *s.End < *s.Start {
			return chunkResult{}, fmt.Errorf("invalid response: segment %d runs from %g to %g s", i, *s.Start, *s.End)
		}
		text := cleanText(s.Text, maxSegmentText)
		if text == "" {
			continue
		}
		r.segments = append(r.segments, Segment{Start: seconds(*s.Start, d), End: seconds(*s.End, d), Text: text})
	}
	slices.SortStableFunc(r.segments, func(a, b Segment) int { return cmp.Compare(a.Start, b.Start) })
	return r, nil
}

// wholeChunk is a transcription without times: one segment spanning the
// chunk of d (none for no text).
func wholeChunk(text, lang string, d time.Duration) chunkResult {
	r := chunkResult{language: lang}
	if text = cleanText(text, maxSegmentText); text != "" {
		r.segments = []Segment{{Start: 0, End: d, Text: text}}
	}
	return r
}

// seconds is s seconds, within [0, d].
func seconds(s float64, d time.Duration) time.Duration {
	if math.IsNaN(s) || s <= 0 {
		return 0
	}
	if s >= d.Seconds() {
		return d
	}
	return min(time.Duration(math.Round(s*float64(time.Second))), d)
}
