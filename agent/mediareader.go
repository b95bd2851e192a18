package agent

import (
	"context"
	"fmt"

	"github.com/clara-backend/clara/agent/media"
	"github.com/clara-backend/clara/agent/transcribe"
	"github.com/clara-backend/clara/core"
)

// NewMediaReader returns the MediaReader that reads clips with p (ffmpeg,
// isolated) and hears their sound with t.
func NewMediaReader(p *media.Processor, t *transcribe.Transcriber) MediaReader {
	return mediaReader{p: p, t: t}
}

// mediaReader is the MediaReader of NewMediaReader.
type mediaReader struct {
	p *media.Processor
	t *transcribe.Transcriber
}

// Exts implements MediaReader.
func (mediaReader) Exts() []string { return media.Exts() }

// Check implements MediaReader: the content must match the extension (the
// probe checks it first, as media.Check does), and the clip must be
// readable and no longer than the processor takes.
func (m mediaReader) Check(ctx context.Context, name string, data []byte) error {
	_, err := m.p.Probe(ctx, name, data)
	return err
}

// Read implements MediaReader: keyframes and sound from the processor, the
// sound transcribed. A transcription the provider may answer on a retry
// (429, 5xx, a timeout) is marked transient, so the analysis is retried.
func (m mediaReader) Read(ctx context.Context, name string, data []byte) (Clip, error) {
	c, err := m.p.Process(ctx, name, data)
	if err != nil {
		return Clip{}, err
	}
	out := Clip{Duration: c.Duration, Video: c.HasVideo}
	for _, f := range c.Frames {
		out.Frames = append(out.Frames, Frame{At: f.At, JPEG: f.JPEG})
	}
	if c.Audio == nil {
		return out, nil
	}
	tr, err := m.t.Transcribe(ctx, name, c.Audio)
	switch {
	case err != nil && transcribe.IsRetryable(err):
		return Clip{}, core.Transient(fmt.Errorf("transcribe %s: %w", name, err))
	case err != nil:
		return Clip{}, fmt.Errorf("its sound could not be transcribed: %w", err)
	}
	out.Transcript = tr.Text()
	return out, nil
}
