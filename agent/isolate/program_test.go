package isolate

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sh is the shell the tests run programs with.
func sh(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("the tests need sh: %v", err)
	}
	if path, err = filepath.Abs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// script is the Program that runs the shell script s in a fresh directory.
func script(t *testing.T, s string) Program {
	return Program{Path: sh(t), Args: []string{"-c", s}, Dir: t.TempDir()}
}

func TestRunGivesOutputAndOnlyTheGivenEnvironment(t *testing.T) {
	p := script(t, `printf 'in %s: ' "$PWD"; cat; env | sort | tr '\n' ' '`)
	p.Env = []string{"A=1"}
	p.Stdin = []byte("data. ")
	out, err := quick.Run(t.Context(), "clip.mp4", p)
	if err != nil {
		t.Fatal(err)
	}
	// The shell adds PWD (and dash keeps no other variable of its own).
	if got := string(out.Stdout); !strings.HasPrefix(got, "in "+p.Dir+": data. A=1 ") || strings.Contains(got, execEnv) {
		t.Errorf("stdout = %q", got)
	}
}

func TestRunCapsTheProgram(t *testing.T) {
	x := New(Limits{CPU: 3 * time.Second, Memory: 300 << 20})
	p := script(t, "exec cat /proc/self/limits")
	p.MaxFile = 5 << 20
	out, err := x.Run(t.Context(), "clip.mp4", p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`Max cpu time\s+3\s+3\s+seconds`,
		`Max file size\s+5242880\s+5242880\s+bytes`,
		`Max open files\s+64\s+64\s+files`,
		`Max core file size\s+0\s+0\s+bytes`,
		`Max address space\s+314572800\s+314572800\s+bytes`,
	} {
		if !regexp.MustCompile(want).Match(out.Stdout) {
			t.Errorf("limits lack %q:\n%s", want, out.Stdout)
		}
	}
}

func TestRunKeepsTheProgramsExitStatus(t *testing.T) {
	_, err := quick.Run(t.Context(), "clip.mp4", script(t, "echo first >&2; echo 'moov atom not found' >&2; exit 3"))
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 3 || exit.Program != "sh" || errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v", err)
	}
	if want := "sh exited with status 3: moov atom not found"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestRunRefusesAProgramOverItsLimits(t *testing.T) {
	tests := []struct {
		name, script, reason string
		limits               Limits
		maxOutput            int
		maxFile              int64
	}{
		{"CPU time", "while :; do :; done", reasonTime, Limits{CPU: time.Second}, 0, 0},
		{"wall time", "exec sleep 60", reasonTime, Limits{Timeout: 300 * time.Millisecond}, 0, 0},
		{"file size", "exec head -c 3000000 /dev/zero > big", reasonOutput, Limits{}, 0, 1 << 20},
		{"output", "exec yes", reasonOutput, Limits{}, 1 << 20, 0},
		{"memory", "echo 'av_malloc: Cannot allocate memory' >&2", reasonMemory, Limits{}, 0, 0},
		{"crash", "kill -SEGV $$", reasonCrash, Limits{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := script(t, tt.script)
			p.MaxOutput, p.MaxFile = tt.maxOutput, tt.maxFile
			_, err := New(tt.limits).Run(t.Context(), "clip.mp4", p)
			var refused *RefusedError
			if !errors.As(err, &refused) || !errors.Is(err, ErrRefused) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			if want := "clip.mp4 could not be read: " + tt.reason; err.Error() != want {
				t.Errorf("err = %q, want %q (%v)", err, want, refused.Err)
			}
		})
	}
}

func TestRunWithoutTheProgram(t *testing.T) {
	_, err := quick.Run(t.Context(), "clip.mp4", Program{Path: "/nonexistent/ffmpeg", Dir: t.TempDir()})
	var exit *ExitError
	if err == nil || errors.Is(err, ErrRefused) || errors.As(err, &exit) || !strings.Contains(err.Error(), "run ffmpeg: /nonexistent/ffmpeg: no such file") {
		t.Errorf("err = %v", err)
	}
	_, err = quick.Run(t.Context(), "clip.mp4", Program{Path: "ffmpeg"})
	if err == nil || !strings.Contains(err.Error(), "not absolute") {
		t.Errorf("relative path: %v", err)
	}
}

func TestCancelledRunIsNotARefusal(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := quick.Run(ctx, "clip.mp4", script(t, "exec sleep 60"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrRefused) {
		t.Errorf("err = %v", err)
	}
}

func TestBuffersKeepTheirCapThroughIOCopy(t *testing.T) {
	// io.Copy from a file would bypass Write through a ReadFrom method.
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(strings.Repeat("x", 100)); err != nil {
		t.Fatal(err)
	}
	for _, w := range []interface {
		io.Writer
		Bytes() []byte
	}{&cappedBuffer{max: 10}, &limitedBuffer{max: 10}} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		io.Copy(w, f)
		if n := len(w.Bytes()); n > 10 {
			t.Errorf("%T kept %d bytes", w, n)
		}
	}
}
