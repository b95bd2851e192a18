package media

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/isolate"
)

// noise returns n random bytes, the same on every run.
func noise(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// failsCleanly reports whether err says that the clip could not be read,
// or was refused, and names it.
func failsCleanly(err error, name string) bool {
	return (errors.Is(err, ErrUnreadable) || errors.Is(err, isolate.ErrRefused)) &&
		bytes.HasPrefix([]byte(err.Error()), []byte(name+" could not be read: "))
}

func TestHostileClipsFailCleanly(t *testing.T) {
	p := newProcessor(t, Options{})
	mp4, mkv := fixture(t, "clip.mp4"), fixture(t, "clip.mkv")
	tests := map[string][]byte{
		"clip.mp4":  append(bytes.Clone(mp4[:32]), noise(64<<10)...), // an ftyp box, then noise
		"clip.mkv":  append(bytes.Clone(mkv[:40]), noise(64<<10)...), // an EBML header, then noise
		"clip.ogg":  append([]byte("OggS"), noise(64<<10)...),
		"clip.wav":  append([]byte("RIFF\x24\x00\x00\x00WAVE"), noise(64<<10)...),
		"clip.mpeg": append([]byte{0, 0, 1, 0xBA}, noise(64<<10)...),
		"cut.mp4":   mp4[:len(mp4)/2], // its index is at the end
		"bomb.webm": bomb(t),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if err := Check(name, data); err != nil {
				t.Fatalf("Check: %v", err) // each gets past Check, to ffmpeg
			}
			c, err := p.Process(t.Context(), name, data)
			if !failsCleanly(err, name) {
				t.Errorf("Process = %d frames, %d bytes of sound, %v; want it unreadable or refused", len(c.Frames), len(c.Audio), err)
			}
		})
	}
}

func TestBombIsRefusedAsTooLarge(t *testing.T) {
	p := newProcessor(t, Options{})
	_, err := p.Process(t.Context(), "bomb.webm", bomb(t))
	var refused *isolate.RefusedError
	if !errors.As(err, &refused) || refused.Reason != reasonTooLarge {
		t.Errorf("err = %v, want refused as too large", err)
	}
}

func TestLimitsBindFFmpeg(t *testing.T) {
	// A deadline that no run meets refuses the clip.
	p := newProcessor(t, Options{Limits: isolate.Limits{Timeout: time.Millisecond}})
	_, err := p.Probe(t.Context(), "clip.mp4", fixture(t, "clip.mp4"))
	if !errors.Is(err, isolate.ErrRefused) || err.Error() != "clip.mp4 could not be read: reading it took too long" {
		t.Errorf("err = %v", err)
	}
}

func TestReferencesToOtherFilesAreNotFollowed(t *testing.T) {
	p := newProcessor(t, Options{})
	// A real clip that a playlist or concat script could name.
	target := filepath.Join(t.TempDir(), "target.mp4")
	if err := os.WriteFile(target, fixture(t, "clip.mp4"), 0o600); err != nil {
		t.Fatal(err)
	}
	hls := fmt.Sprintf("#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\nfile:%s\n#EXTINF:12,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n", target)
	concat := fmt.Sprintf("ffconcat version 1.0\nfile '%s'\n", target)
	// Named for what they are, they are not media.
	for name, data := range map[string]string{"list.mp4": hls, "list.webm": hls, "list.mp3": concat, "list.m3u8": hls} {
		if err := Check(name, []byte(data)); !errors.Is(err, attach.ErrMismatch) && !errors.Is(err, attach.ErrUnsupported) {
			t.Errorf("Check(%s) = %v", name, err)
		}
	}
	// Behind magic bytes that pass Check, they reach ffmpeg, which reads
	// them with the demuxer of the extension, not as playlists.
	smuggled := map[string]string{
		"hls.mp3":    "ID3" + hls,
		"concat.mp3": "ID3" + concat,
		"hls.mpeg":   "\x00\x00\x01\xba" + hls,
		"hls.ogg":    "OggS" + hls,
	}
	for name, data := range smuggled {
		if err := Check(name, []byte(data)); err != nil {
			t.Fatalf("Check(%s): %v", name, err)
		}
		if c, err := p.Process(t.Context(), name, []byte(data)); !failsCleanly(err, name) {
			t.Errorf("Process(%s) = %+v, %d frames, %v; want it unreadable", name, c.Info, len(c.Frames), err)
		}
	}
}
