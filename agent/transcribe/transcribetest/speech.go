package transcribetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Speech says text with espeak-ng and converts it with ffmpeg to a WAV
// file of PCM s16le, 16 kHz, mono (what the media package produces). It
// returns that file and espeak-ng's own (22,050 Hz) for comparison. A
// missing tool fails the test with a hint: make test installs both.
func Speech(t testing.TB, text string) (wav, original []byte) {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("transcribetest: %s is not installed (apt-get install espeak-ng ffmpeg; make test installs them): %v", tool, err)
		}
	}
	dir := t.TempDir()
	said, out := filepath.Join(dir, "speech.wav"), filepath.Join(dir, "out.wav")
	run(t, "espeak-ng", "-w", said, text)
	run(t, "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", said, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", out)
	return readFile(t, out), readFile(t, said)
}

// run runs a command, failing the test with its output when it fails.
func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("transcribetest: %s: %v\n%s", name, err, out)
	}
}

// readFile reads path or fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("transcribetest: %v", err)
	}
	return b
}
