package media

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clara-backend/clara/agent/isolate"
)

// maxPixels bounds the pictures a decoder accepts (ffmpeg's -max_pixels),
// and those Probe accepts: 8K UHD. A tiny file that declares a huge
// picture is refused before anything is allocated for it.
const maxPixels = 7680 * 4320

// reasonTooLarge is why a clip with pictures over maxPixels is refused.
const reasonTooLarge = "its pictures are too large (the most is 7680×4320 pixels)"

// commonArgs start every run of ffmpeg: no banner, errors only, no
// reading of the terminal, one thread for decoders and filters.
var commonArgs = []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1", "-filter_threads", "1"}

// probeArgs start every run of ffprobe.
var probeArgs = []string{"-hide_banner", "-loglevel", "error", "-threads", "1"}

// inputArgs are the arguments that open the file input of the work
// directory with demuxer, and no other: only local files as protocol
// (no network, no pipes), only that demuxer (no playlist or concat
// script that names other files), no external data references in
// QuickTime files, and decoders that refuse huge pictures. extra come
// before -i (input options such as -t).
func inputArgs(demuxer, input string, extra ...string) []string {
	args := []string{"-protocol_whitelist", "file", "-format_whitelist", demuxer, "-f", demuxer,
		"-max_pixels", strconv.Itoa(maxPixels)}
	if demuxer == "mov" {
		args = append(args, "-enable_drefs", "0")
	}
	args = append(args, extra...)
	return append(args, "-i", "file:"+input)
}

// seconds writes d for ffmpeg's options, in seconds.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// run runs the program path with args in dir on the clip name, through
// package isolate, with stdin, at most maxOut bytes of output and files
// of at most maxFile bytes. A program that exits with an error of its own
// gives an ErrUnreadable error; refusals and cancellations are returned
// as they are.
func (p *Processor) run(ctx context.Context, name, path, dir string, args []string, stdin []byte, maxOut int, maxFile int64) ([]byte, error) {
	out, err := p.runs.Run(ctx, name, isolate.Program{
		Path: path, Args: args, Dir: dir, Stdin: stdin, MaxOutput: maxOut, MaxFile: maxFile,
	})
	var exit *isolate.ExitError
	switch {
	case errors.As(err, &exit) && strings.Contains(exit.Stderr, "error while loading shared libraries"):
		return nil, fmt.Errorf("read %s: %w (is Limits.Memory too low for the program?)", name, exit) // not the file's fault
	case errors.As(err, &exit) && strings.Contains(exit.Stderr, "exceeds specified max pixel count"):
		return nil, &isolate.RefusedError{Name: name, Reason: reasonTooLarge, Err: exit}
	case errors.As(err, &exit):
		return nil, &unreadableError{name: name, reason: reasonDamaged, err: exit}
	case err != nil:
		return nil, err
	}
	return out.Stdout, nil
}

// unreadable returns the ErrUnreadable error of name with reason, for
// what a program wrote that makes no sense.
func unreadable(name, reason, format string, args ...any) error {
	return &unreadableError{name: name, reason: reason, err: fmt.Errorf(format, args...)}
}
