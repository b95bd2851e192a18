package agent

import (
	"context"
	"time"

	"github.com/clara-backend/clara/agent/fetch"
)

// Page is a fetched web page as the model reads it: its final URL, title,
// readable text and media type.
type Page = fetch.Page

// Fetcher reads public web pages. *fetch.Fetcher, which refuses private
// addresses, is the one to use; tests may serve pages otherwise.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (Page, error)
}

var _ Fetcher = (*fetch.Fetcher)(nil)

// Downloader reads files whole: a video or audio attachment given by link.
// *fetch.Fetcher is one.
type Downloader interface {
	Download(ctx context.Context, url string, limit int64) (fetch.File, error)
}

var _ Downloader = (*fetch.Fetcher)(nil)

// Content is the readable content of an attachment.
type Content struct {
	Image     bool   // an image, in Data; else a document, in Text
	Text      string // a document's text
	MediaType string // an image's media type
	Data      []byte // an image's bytes
}

// Attacher reads attachments; attachFiles, on package attach, is the one
// the agent uses.
type Attacher interface {
	Supported(vision bool) map[string][]string
	Check(name string, data []byte, vision bool) error
	// Extract reads the file; ctx bounds the reading (an analysis that is
	// cancelled stops reading its files).
	Extract(ctx context.Context, name string, data []byte) (Content, error)
}

// CategoryMedia is the category of video and audio files in Supported:
// "audio", the key Clara's clients know, though it lists video containers
// too.
const CategoryMedia = "audio"

// MediaReader reads video and audio attachments: packages media (ffmpeg,
// isolated) and transcribe (speech to text) make the one Clara uses.
type MediaReader interface {
	// Exts lists the extensions it reads (".mp4", ".mp3", …).
	Exts() []string
	// Check reports why a clip cannot be analysed: its content does not
	// match its extension, it cannot be read, or it lasts too long.
	Check(ctx context.Context, name string, data []byte) error
	// Read returns what the model is given of a clip.
	Read(ctx context.Context, name string, data []byte) (Clip, error)
}

// Clip is what an analysis takes of a video or audio file.
type Clip struct {
	Duration time.Duration
	Video    bool // it has pictures (keyframes may still be none)
	// Transcript is what was said, a "[mm:ss] text" line per segment; ""
	// when nothing was heard (no audio track, or silence).
	Transcript string
	Frames     []Frame // keyframes, in time order
}

// Frame is one keyframe of a clip.
type Frame struct {
	At   time.Duration
	JPEG []byte
}
