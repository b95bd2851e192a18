// Package attach decides which attachments Clara can read and turns them
// into what the model is given: text for documents, bytes and a media type
// for images.
//
// Check refuses a file whose extension is not supported or whose content
// does not match its extension; Extract returns the readable content of a
// file that passes Check. HTMLText is shared with package fetch.
//
// Extract and HTMLText parse in the calling process, where a parser fault
// (a stack overflow, an exhausted heap, an endless loop) would stop it:
// Clara calls them on untrusted bytes only through package isolate, which
// runs them in a child process with bounded time and memory.
package attach

import (
	"errors"
	"path"
	"strings"
)

// MaxText is the most text, in bytes, Extract returns for one document;
// longer text is cut at a character boundary and marked Truncated.
const MaxText = 200 << 10

// Errors that Check and Extract wrap, for errors.Is.
var (
	// ErrUnsupported marks a file type Clara does not read.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrMismatch marks content that does not match the file's extension
	// (or an empty file).
	ErrMismatch = errors.New("content does not match the file type")
	// ErrUnreadablePDF marks a PDF the extractor could not read.
	ErrUnreadablePDF = errors.New("unreadable PDF")
)

// Categories of attachments, the keys of Supported.
const (
	CategoryDocument = "document"
	CategoryImage    = "image"
)

// documentExts and imageExts are the supported extensions, in the order
// Supported lists them.
var (
	documentExts = []string{".pdf", ".txt", ".md", ".csv", ".json", ".html"}
	imageExts    = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}
)

// imageTypes maps an image extension to the media type its content must
// sniff as.
var imageTypes = map[string]string{
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".gif":  "image/gif",
	".webp": "image/webp",
}

// Supported lists, by category, the extensions Clara reads: documents
// always, images only when the model has vision. The slices are fresh
// copies the caller may keep.
func Supported(vision bool) map[string][]string {
	m := map[string][]string{CategoryDocument: append([]string(nil), documentExts...)}
	if vision {
		m[CategoryImage] = append([]string(nil), imageExts...)
	}
	return m
}

// Ext returns the lower-cased extension of name, with its dot ("" if none).
func Ext(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	return strings.ToLower(path.Ext(name))
}

// supportedExts returns the supported extensions as one list.
func supportedExts(vision bool) []string {
	exts := append([]string(nil), documentExts...)
	if vision {
		exts = append(exts, imageExts...)
	}
	return exts
}

// isSupported reports whether ext is among the supported extensions.
func isSupported(ext string, vision bool) bool {
	for _, e := range supportedExts(vision) {
		if e == ext {
			return true
		}
	}
	return false
}

// mismatchError is a content check failure; it matches ErrMismatch.
type mismatchError struct{ msg string }

// Error returns the message for the user, e.g. "content is not a PDF".
func (e *mismatchError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrMismatch) true.
func (e *mismatchError) Is(target error) bool { return target == ErrMismatch }

// mismatch returns a mismatchError with msg.
func mismatch(msg string) error { return &mismatchError{msg: msg} }
