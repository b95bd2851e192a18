package transcribe

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Transcribe transcribes wav, a WAV file of PCM s16le, 16 kHz, mono; name
// (the file's name, for errors only: it is never sent) starts every error.
// Any other input is refused before a request is made (ErrBadAudio), and
// audio under 0.1 s, which providers refuse, is an empty transcript. Long
// audio is sent in chunks, Options.Concurrency at a time; the first chunk
// that fails ends the transcription with its error (see ErrRetryable).
func (t *Transcriber) Transcribe(ctx context.Context, name string, wav []byte) (Transcript, error) {
	pcm, err := pcmData(wav)
	if err != nil {
		return Transcript{}, fmt.Errorf("transcribe %q: %w", name, err)
	}
	switch t.opts.ResponseFormat {
	case "", FormatVerboseJSON, FormatJSON, FormatText:
	default:
		return Transcript{}, fmt.Errorf("transcribe %q: response format %q is not one of verbose_json, json and text", name, t.opts.ResponseFormat)
	}
	if n := len(pcm) / bytesPerSample; n < minAudio {
		return Transcript{Duration: samplesDuration(n)}, nil // too short for a word, and for providers
	}
	spans := plan(pcm, t.maxSamples())
	results := make([]chunkResult, len(spans))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(t.opts.Concurrency)
	for i, sp := range spans {
		g.Go(func() error {
			if gctx.Err() != nil {
				return gctx.Err() // another chunk failed, or ctx is done
			}
			r, err := t.chunk(gctx, pcm, sp)
			if err != nil {
				return chunkError(i, len(spans), sp, err)
			}
			results[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Transcript{}, fmt.Errorf("transcribe %q: %w", name, err)
	}
	return stitch(spans, results, len(pcm)/bytesPerSample), nil
}

// minAudio is the shortest audio sent: 0.1 s, OpenAI's minimum.
const minAudio = SampleRate / 10

// stitch puts the chunks' segments on the timeline of the whole audio of n
// samples: each chunk's times offset by the chunk's start.
func stitch(spans []span, results []chunkResult, n int) Transcript {
	tr := Transcript{Duration: samplesDuration(n)}
	for i, r := range results {
		if tr.Language == "" {
			tr.Language = r.language
		}
		offset := samplesDuration(spans[i].start)
		for _, s := range r.segments {
			s.Start += offset
			s.End += offset
			tr.Segments = append(tr.Segments, s)
		}
	}
	return tr
}
