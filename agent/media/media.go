// Package media turns an untrusted video or audio file into what an
// analysis takes of it: its duration, its sound as 16 kHz mono WAV for
// speech recognition, and a few keyframes as JPEG images.
//
// Check refuses a file whose extension is not a media one or whose content
// does not match it, with the errors of package attach. A Processor reads
// files that pass Check with ffmpeg and ffprobe, each run as package
// isolate runs programs: capped in memory, CPU time, file sizes and wall
// time, in a private temporary directory, with the demuxer fixed by the
// sniffed content and only local files (or pipes) as protocols, so that a
// file cannot make ffmpeg open another file or a URL. A file that ffmpeg
// cannot read gives an error that matches ErrUnreadable; one that overruns
// the limits matches isolate.ErrRefused; one that lasts too long matches
// ErrTooLong.
package media

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors of a Processor, for errors.Is. Check wraps attach.ErrUnsupported
// and attach.ErrMismatch.
var (
	// ErrTooLong marks a clip that lasts longer than Options.MaxDuration.
	ErrTooLong = errors.New("clip too long")
	// ErrUnreadable marks a clip that ffmpeg could not read: a damaged
	// or truncated file, or one without sound or pictures.
	ErrUnreadable = errors.New("unreadable clip")
	// ErrUnavailable marks a Processor without a working ffmpeg and
	// ffprobe.
	ErrUnavailable = errors.New("media reading is not available")
)

// videoExts and audioExts are the extensions a Processor reads, in the
// order Exts lists them.
var (
	videoExts = []string{".mp4", ".mov", ".avi", ".mkv", ".mpeg", ".webm"}
	audioExts = []string{".mp3", ".wav", ".m4a", ".ogg", ".flac"}
)

// Exts lists the extensions of the video containers and audio files Clara
// reads: ".mp4", ".mov", ".avi", ".mkv", ".mpeg", ".webm", then ".mp3",
// ".wav", ".m4a", ".ogg", ".flac". The slice is a fresh copy.
func Exts() []string { return slices.Concat(videoExts, audioExts) }

// IsMedia reports whether ext (lower case, with its dot, as attach.Ext
// returns it) is one of Exts.
func IsMedia(ext string) bool {
	return slices.Contains(videoExts, ext) || slices.Contains(audioExts, ext)
}

// Info is what Probe tells of a clip.
type Info struct {
	Duration time.Duration // what the clip lasts
	HasAudio bool          // it has a sound track
	HasVideo bool          // it has pictures (a cover image does not count)
}

// Clip is what Process takes of a clip.
type Clip struct {
	Info
	// Audio is the first sound track as a WAV file: PCM, signed 16-bit
	// little-endian, 16 kHz, mono; nil without a sound track.
	Audio []byte
	// Frames are keyframes, at most Options.MaxFrames, in time order;
	// none without pictures.
	Frames []Frame
}

// Frame is one keyframe of a clip.
type Frame struct {
	At   time.Duration // from the start of the clip
	JPEG []byte        // at most MaxSide pixels on its longer side
}

// tooLongError is a clip over the duration cap; it matches ErrTooLong.
type tooLongError struct {
	name          string
	duration, max time.Duration
	atLeast       bool // duration is where reading stopped
}

// Error returns the message for the user: "clip.mp4 lasts 25m00s; the
// most an analysis takes is 20m00s" (or "lasts over 20m00s" for a clip
// whose end was not read).
func (e *tooLongError) Error() string {
	if e.atLeast {
		return fmt.Sprintf("%s lasts over %s; the most an analysis takes is %s", e.name, clock(e.max), clock(e.max))
	}
	return fmt.Sprintf("%s lasts %s; the most an analysis takes is %s", e.name, clock(e.duration), clock(e.max))
}

// Is makes errors.Is(err, ErrTooLong) true.
func (e *tooLongError) Is(target error) bool { return target == ErrTooLong }

// unreadableError is a clip ffmpeg could not read; it matches
// ErrUnreadable and unwraps to what ffmpeg said.
type unreadableError struct {
	name, reason string
	err          error
}

// Error returns the message for the user: "clip.mp4 could not be read:
// the file is damaged or is not a video or audio file".
func (e *unreadableError) Error() string { return e.name + " could not be read: " + e.reason }

// Unwrap returns what ffmpeg or ffprobe said, for logs.
func (e *unreadableError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrUnreadable) true.
func (e *unreadableError) Is(target error) bool { return target == ErrUnreadable }

// Reasons a clip is unreadable, for the user.
const (
	reasonDamaged  = "the file is damaged or is not a video or audio file"
	reasonEmpty    = "it has neither sound nor pictures"
	reasonNoFrames = "none of its pictures could be decoded"
)

// clock writes d, rounded to the second, as "25m00s", or "1h05m00s" from
// an hour.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%dm%02ds", s/60, s%60)
}
