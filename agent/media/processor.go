package media

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/isolate"
)

// Defaults of Options.
const (
	// DefaultMaxDuration is the longest clip an analysis takes.
	DefaultMaxDuration = 20 * time.Minute
	// DefaultMaxFrames is the most keyframes Process returns.
	DefaultMaxFrames = 6
)

// DefaultLimits bound each run of ffmpeg or ffprobe: enough to demux 20
// minutes of video and decode its sound and keyframes, far from enough to
// decode every frame of a hostile file.
var DefaultLimits = isolate.Limits{Timeout: 2 * time.Minute, CPU: time.Minute, Memory: 1 << 30}

// MaxSide is the most pixels a keyframe has on its longer side.
const MaxSide = 768

// maxFramesCap bounds Options.MaxFrames.
const maxFramesCap = 50

// Options configure a Processor. Zero fields take the defaults.
type Options struct {
	// FFmpeg and FFprobe are the programs' paths; "" looks "ffmpeg" and
	// "ffprobe" up on PATH.
	FFmpeg, FFprobe string
	// MaxDuration is the longest clip Probe and Process accept
	// (DefaultMaxDuration).
	MaxDuration time.Duration
	// MaxFrames is the most keyframes Process returns (DefaultMaxFrames,
	// at most 50).
	MaxFrames int
	// Limits bound each run of ffmpeg or ffprobe; zero fields take those
	// of DefaultLimits.
	Limits isolate.Limits
	// TempDir is where each reading makes, and removes, its private
	// directory; "" is os.TempDir().
	TempDir string
}

// Processor reads clips with ffmpeg and ffprobe, each run isolated (see
// the package documentation), at most as many at once as the machine has
// cores. It is safe for concurrent use.
type Processor struct {
	opts  Options
	runs  *isolate.Extractor
	tools func() (tools, error) // the programs, found once
}

// tools are the resolved paths of ffmpeg and ffprobe.
type tools struct{ ffmpeg, ffprobe string }

// New returns a Processor with options o. It looks for ffmpeg and ffprobe
// when first used.
func New(o Options) *Processor {
	if o.MaxDuration <= 0 {
		o.MaxDuration = DefaultMaxDuration
	}
	if o.MaxFrames <= 0 {
		o.MaxFrames = DefaultMaxFrames
	}
	o.MaxFrames = min(o.MaxFrames, maxFramesCap)
	if o.Limits.Timeout <= 0 {
		o.Limits.Timeout = DefaultLimits.Timeout
	}
	if o.Limits.CPU <= 0 {
		o.Limits.CPU = DefaultLimits.CPU
	}
	if o.Limits.Memory <= 0 {
		o.Limits.Memory = DefaultLimits.Memory
	}
	p := &Processor{opts: o, runs: isolate.New(o.Limits)}
	p.tools = sync.OnceValues(func() (tools, error) {
		ffmpeg, err := Find(or(o.FFmpeg, "ffmpeg"))
		if err != nil {
			return tools{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		ffprobe, err := Find(or(o.FFprobe, "ffprobe"))
		if err != nil {
			return tools{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return tools{ffmpeg: ffmpeg, ffprobe: ffprobe}, nil
	})
	return p
}

// Available reports whether the Processor has a working ffmpeg and
// ffprobe; Probe and Process fail with ErrUnavailable, and the reason,
// when it does not. The programs are looked for once.
func (p *Processor) Available() bool {
	_, err := p.tools()
	return err == nil
}

// MaxDuration returns the longest clip p accepts.
func (p *Processor) MaxDuration() time.Duration { return p.opts.MaxDuration }

// findTimeout bounds "program -version".
const findTimeout = 10 * time.Second

// Find returns the absolute path of program, a path or a name looked up
// on PATH, after checking that "program -version" runs and succeeds.
func Find(program string) (string, error) {
	path, err := exec.LookPath(program)
	if err != nil && !errors.Is(err, exec.ErrDot) {
		return "", fmt.Errorf("find %s: %w", program, err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return "", fmt.Errorf("find %s: %w", program, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), findTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-version")
	cmd.Env = []string{}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("run %s -version: %w: %.200s", path, err, out)
	}
	return path, nil
}

// or returns s, or def if s is "".
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// workDir makes a private directory for reading the file name, writes data
// to it as "input" with the file's extension, and returns the directory
// and the input's name in it. The caller removes the directory.
func (p *Processor) workDir(name string, data []byte) (dir, input string, err error) {
	dir, err = os.MkdirTemp(p.opts.TempDir, "clara-media-*") // mode 0700
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", name, err)
	}
	input = "input" + attach.Ext(name)
	if err := os.WriteFile(filepath.Join(dir, input), data, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("read %s: %w", name, err)
	}
	return dir, input, nil
}
