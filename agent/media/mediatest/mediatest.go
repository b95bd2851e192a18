// Package mediatest makes video and audio clips for tests, with ffmpeg and
// espeak-ng at test time.
//
//	clip := mediatest.Spoken(t, "The Eiffel Tower was finished in 1889.") // an MP4
//	long := mediatest.Silence(t, ".ogg", 25*time.Minute)
//
// A test that calls them fails, saying what to install, when ffmpeg or
// espeak-ng is missing (.ci/run installs both). Only tests import it.
package mediatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Spoken returns an MP4 (H.264 and AAC) of a test pattern with sentence
// spoken over it by espeak-ng; it lasts as long as the speech.
func Spoken(t testing.TB, sentence string) []byte {
	t.Helper()
	dir := t.TempDir()
	run(t, dir, "espeak-ng", "-w", "speech.wav", sentence)
	FFmpeg(t, dir, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-i", "speech.wav", "-shortest",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "clip.mp4")
	return read(t, dir, "clip.mp4")
}

// Silence returns an audio clip of silence lasting d, in the format of ext
// (".ogg", ".flac" or ".mp3"), compressed small whatever d.
func Silence(t testing.TB, ext string, d time.Duration) []byte {
	t.Helper()
	codec := map[string][]string{
		".ogg": {"-c:a", "libopus", "-b:a", "6k"}, ".flac": {"-c:a", "flac"}, ".mp3": {"-c:a", "libmp3lame", "-b:a", "8k"},
	}[ext]
	if codec == nil {
		t.Fatalf("mediatest: no silence in %s", ext)
	}
	dir := t.TempDir()
	args := append([]string{"-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", fmt.Sprintf("%.3f", d.Seconds())}, codec...)
	FFmpeg(t, dir, append(args, "silence"+ext)...)
	return read(t, dir, "silence"+ext)
}

// FFmpeg runs ffmpeg quietly with args in dir, failing the test when it
// fails.
func FFmpeg(t testing.TB, dir string, args ...string) {
	t.Helper()
	run(t, dir, "ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...)...)
}

// run runs program in dir.
func run(t testing.TB, dir, program string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		t.Fatalf("mediatest: %s is not installed (Debian: apt-get install ffmpeg espeak-ng; .ci/run installs them): %v", program, err)
	}
	cmd := exec.Command(program, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mediatest: %s %v: %v\n%s", program, args, err, out)
	}
}

// read returns the file name of dir.
func read(t testing.TB, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
