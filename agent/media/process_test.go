package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/isolate"
)

// newProcessor returns a Processor with o whose work directories go to a
// directory of the test, which must be empty again when the test ends.
func newProcessor(t *testing.T, o Options) *Processor {
	t.Helper()
	needFFmpeg(t)
	o.TempDir = t.TempDir()
	t.Cleanup(func() {
		if left, err := os.ReadDir(o.TempDir); err != nil || len(left) > 0 {
			t.Errorf("work directories left behind: %v, %v", left, err)
		}
	})
	return New(o)
}

// near reports whether d is within half a second of want.
func near(d, want time.Duration) bool { return (d - want).Abs() <= 500*time.Millisecond }

func TestProbe(t *testing.T) {
	p := newProcessor(t, Options{})
	tests := []struct {
		name         string
		duration     time.Duration
		audio, video bool
	}{
		{"clip.mp4", 12 * time.Second, true, true},
		{"clip.mov", 12 * time.Second, true, true},
		{"clip.mkv", 12 * time.Second, true, true},
		{"clip.webm", 12 * time.Second, true, true},
		{"clip.avi", 12 * time.Second, true, true},
		{"clip.mpeg", 12 * time.Second, true, true},
		{"live.webm", 12 * time.Second, true, true}, // no duration in its header
		{"mute.mp4", 5 * time.Second, false, true},
		{"tone.mp3", 7 * time.Second, true, false},
		{"tone.wav", 7 * time.Second, true, false},
		{"tone.m4a", 7 * time.Second, true, false},
		{"tone.ogg", 7 * time.Second, true, false},
		{"tone.flac", 7 * time.Second, true, false},
		{"cover.mp3", 7 * time.Second, true, false}, // a cover image is no video
	}
	for _, tt := range tests {
		info, err := p.Probe(t.Context(), tt.name, fixture(t, tt.name))
		if err != nil || !near(info.Duration, tt.duration) || info.HasAudio != tt.audio || info.HasVideo != tt.video {
			t.Errorf("Probe(%s) = %+v, %v; want %v, audio %v, video %v", tt.name, info, err, tt.duration, tt.audio, tt.video)
		}
	}
}

// checkWAV checks that b is a 16 kHz mono 16-bit PCM WAV file that lasts
// about want, with sound in it, and returns its samples.
func checkWAV(t *testing.T, name string, b []byte, want time.Duration) []int16 {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 44 || string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" ||
		int(le.Uint32(b[4:])) != len(b)-8 || int(le.Uint32(b[40:])) != len(b)-44 {
		t.Fatalf("%s: not a WAV file: % x", name, b[:min(len(b), 44)])
	}
	if format, channels, rate, bits := le.Uint16(b[20:]), le.Uint16(b[22:]), le.Uint32(b[24:]), le.Uint16(b[34:]); format != 1 || channels != 1 || rate != 16000 || bits != 16 {
		t.Fatalf("%s: format %d, %d channels, %d Hz, %d bits", name, format, channels, rate, bits)
	}
	samples := make([]int16, (len(b)-44)/2)
	binary.Read(bytes.NewReader(b[44:]), le, samples)
	if got := time.Duration(len(samples)) * time.Second / 16000; !near(got, want) {
		t.Errorf("%s: sound lasts %v, want %v", name, got, want)
	}
	var sum float64
	for _, s := range samples {
		sum += float64(s) * float64(s)
	}
	if rms := math.Sqrt(sum / float64(max(len(samples), 1))); rms < 500 {
		t.Errorf("%s: sound is near silence (RMS %.0f)", name, rms)
	}
	return samples
}

// checkFrames checks that frames are 1 to max JPEG images, in time order
// within d, none over MaxSide pixels, and returns their times.
func checkFrames(t *testing.T, name string, frames []Frame, max int, d time.Duration) []time.Duration {
	t.Helper()
	if len(frames) == 0 || len(frames) > max {
		t.Fatalf("%s: %d frames, want 1 to %d", name, len(frames), max)
	}
	var ats []time.Duration
	for i, f := range frames {
		img, err := jpeg.Decode(bytes.NewReader(f.JPEG))
		if err != nil {
			t.Fatalf("%s: frame %d: %v", name, i, err)
		}
		if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide || b.Dx() < 16 || b.Dy() < 16 {
			t.Errorf("%s: frame %d is %v", name, i, b.Size())
		}
		if f.At < 0 || f.At > d || i > 0 && f.At <= frames[i-1].At {
			t.Errorf("%s: frame %d at %v, after %v", name, i, f.At, ats)
		}
		ats = append(ats, f.At)
	}
	return ats
}

func TestProcessVideo(t *testing.T) {
	p := newProcessor(t, Options{})
	for _, name := range []string{"clip.mp4", "clip.mov", "clip.mkv", "clip.webm", "vp8.webm", "clip.avi", "clip.mpeg", "live.webm"} {
		t.Run(name, func(t *testing.T) {
			c, err := p.Process(t.Context(), name, fixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if !c.HasAudio || !c.HasVideo || !near(c.Duration, 12*time.Second) {
				t.Errorf("info = %+v", c.Info)
			}
			checkWAV(t, name, c.Audio, 12*time.Second)
			ats := checkFrames(t, name, c.Frames, DefaultMaxFrames, c.Duration)
			// A keyframe every 2 s: one per sixth of the clip.
			if len(ats) != 6 || ats[0] > time.Second || ats[5] < 9*time.Second {
				t.Errorf("frames at %v, want 6 spread over 12 s", ats)
			}
		})
	}
	// The 1280×720 clip gives 768×432 frames.
	c, err := p.Process(t.Context(), "clip.mov", fixture(t, "clip.mov"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(c.Frames[0].JPEG)); err != nil || cfg.Width != 768 || cfg.Height != 432 {
		t.Errorf("frame of a 1280×720 clip: %+v, %v", cfg, err)
	}
}

func TestKeyframesAtSceneChanges(t *testing.T) {
	// Two frames for a clip of three scenes cut at 4 s and 8 s: one in
	// each half, at the cut rather than at the half's start.
	p := newProcessor(t, Options{MaxFrames: 2})
	for _, name := range []string{"clip.mp4", "clip.webm", "clip.avi"} {
		c, err := p.Process(t.Context(), name, fixture(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ats := checkFrames(t, name, c.Frames, 2, c.Duration)
		if len(ats) != 2 || !near(ats[0], 4*time.Second) || !near(ats[1], 8*time.Second) {
			t.Errorf("%s: frames at %v, want at the cuts, 4 s and 8 s", name, ats)
		}
	}
}

func TestProcessAudio(t *testing.T) {
	p := newProcessor(t, Options{})
	for _, name := range []string{"tone.mp3", "tone.wav", "tone.m4a", "tone.ogg", "tone.flac", "cover.mp3"} {
		c, err := p.Process(t.Context(), name, fixture(t, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !c.HasAudio || c.HasVideo || len(c.Frames) != 0 {
			t.Errorf("%s: %+v, %d frames", name, c.Info, len(c.Frames))
		}
		checkWAV(t, name, c.Audio, 7*time.Second)
	}
}

func TestProcessSpeech(t *testing.T) {
	p := newProcessor(t, Options{})
	data := fixture(t, "speech.wav") // espeak-ng: 22.05 kHz mono
	want := time.Duration(binary.LittleEndian.Uint32(data[40:])) * time.Second / time.Duration(binary.LittleEndian.Uint32(data[28:]))
	c, err := p.Process(t.Context(), "speech.wav", data)
	if err != nil {
		t.Fatal(err)
	}
	checkWAV(t, "speech.wav", c.Audio, want)
}

func TestProcessVideoWithoutSound(t *testing.T) {
	p := newProcessor(t, Options{})
	c, err := p.Process(t.Context(), "mute.mp4", fixture(t, "mute.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if c.HasAudio || c.Audio != nil || !c.HasVideo {
		t.Errorf("info = %+v, %d bytes of sound", c.Info, len(c.Audio))
	}
	checkFrames(t, "mute.mp4", c.Frames, DefaultMaxFrames, c.Duration)
}

func TestTooLong(t *testing.T) {
	p := newProcessor(t, Options{})
	data := fixture(t, "long.flac")
	_, err := p.Probe(t.Context(), "long.flac", data)
	if !errors.Is(err, ErrTooLong) || err.Error() != "long.flac lasts 25m00s; the most an analysis takes is 20m00s" {
		t.Errorf("Probe: %v", err)
	}
	if _, err := p.Process(t.Context(), "long.flac", data); !errors.Is(err, ErrTooLong) {
		t.Errorf("Process: %v", err)
	}
	// A file that does not tell its duration is read up to the cap.
	short := newProcessor(t, Options{MaxDuration: 5 * time.Second})
	_, err = short.Probe(t.Context(), "live.webm", fixture(t, "live.webm"))
	if !errors.Is(err, ErrTooLong) || err.Error() != "live.webm lasts over 0m05s; the most an analysis takes is 0m05s" {
		t.Errorf("Probe without a duration: %v", err)
	}
}

func TestProcessConcurrently(t *testing.T) {
	p := newProcessor(t, Options{})
	data := fixture(t, "clip.mp4")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			c, err := p.Process(t.Context(), "clip.mp4", data)
			if err == nil && (len(c.Frames) == 0 || len(c.Audio) == 0) {
				err = errors.New("empty clip")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestFFmpegMissing(t *testing.T) {
	clip := []byte("fLaC\x00\x00\x00\x22")
	for _, o := range []Options{{FFmpeg: "/nonexistent/ffmpeg"}, {FFprobe: "/nonexistent/ffprobe"}} {
		o.TempDir = t.TempDir()
		p := New(o)
		if p.Available() {
			t.Errorf("%+v: available", o)
		}
		if _, err := p.Probe(t.Context(), "a.flac", clip); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "/nonexistent/") {
			t.Errorf("Probe: %v", err)
		}
		if _, err := p.Process(t.Context(), "a.flac", clip); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Process: %v", err)
		}
		if _, err := p.Process(t.Context(), "a.mp4", clip); err == nil || errors.Is(err, ErrUnavailable) {
			t.Errorf("a mismatch is reported first: %v", err)
		}
	}
}

func TestFind(t *testing.T) {
	needFFmpeg(t)
	path, err := Find("ffmpeg")
	if err != nil || !strings.HasPrefix(path, "/") {
		t.Errorf("Find(ffmpeg) = %q, %v", path, err)
	}
	if _, err := Find("/bin/false"); err == nil {
		t.Error("Find accepted a program whose -version fails")
	}
	if !New(Options{}).Available() {
		t.Error("not available")
	}
}

func TestCancelledProcessIsNotAFileError(t *testing.T) {
	p := newProcessor(t, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := p.Process(ctx, "clip.mp4", fixture(t, "clip.mp4"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, isolate.ErrRefused) || errors.Is(err, ErrUnreadable) {
		t.Errorf("err = %v", err)
	}
}
